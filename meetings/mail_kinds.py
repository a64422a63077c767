"""The e-mails of the minutes workflow and of meeting tasks (notifications)."""

from django.core.exceptions import ObjectDoesNotExist
from django.utils.translation import gettext_lazy as _

from accounts.permissions import Role, is_authenticated, is_city_officer, roles_of
from notifications import registry

MINUTES_SUBMITTED = "minutes_submitted"
MINUTES_RETURNED = "minutes_returned"
MINUTES_PUBLISHED = "minutes_published"
TASK_DEADLINE = "task_deadline"
ABSENCE_ALERT = "absence_alert"


def emails_of(person):
    """The addresses a person of the directory is written to: their own and
    their active account's."""
    if person is None:
        return []
    addresses = {person.email} if person.email else set()
    try:
        user = person.user
    except ObjectDoesNotExist:
        user = None
    if user is not None and user.email and user.is_active:
        addresses.add(user.email)
    return sorted(addresses)


def _holds(*roles):
    def may_receive(user):
        return is_city_officer(user) or bool(set(roles) & set(roles_of(user)))
    return may_receive


def register():
    registry.register(MINUTES_SUBMITTED, label=_("Minutes submitted for verification"),
                      may_receive=_holds(Role.CONTACT_PERSON))
    registry.register(MINUTES_RETURNED, label=_("Minutes returned for corrections"),
                      may_receive=_holds(Role.GROUP_MANAGER))
    registry.register(MINUTES_PUBLISHED, label=_("Minutes published"),
                      may_receive=_holds(Role.GROUP_MANAGER))
    registry.register(ABSENCE_ALERT,
                      label=_("A member organisation absent three times in a row without excuse"),
                      may_receive=_holds(Role.GROUP_MANAGER, Role.CONTACT_PERSON))
    registry.register(TASK_DEADLINE, label=_("Deadline of my task from a meeting"),
                      may_receive=is_authenticated)
    register_topics()


# --- Public subscription: a working group's published minutes and meetings --------------

def _group(target_id):
    from directory.models import WorkingGroup

    group = WorkingGroup.objects.filter(pk=target_id).first()
    return (group.name, group.get_absolute_url()) if group else None


def _group_changes(target_id, since, until):
    from notifications.subscriptions import changed_ids

    from .models import Meeting, MeetingStatus, MinutesStatus

    lines = []
    meetings = Meeting.objects.filter(pk__in=changed_ids(Meeting, since, until),
                                      body_id=target_id).order_by("starts_on", "pk")
    for meeting in meetings:
        if meeting.minutes_status == MinutesStatus.PUBLISHED:
            lines.append((_("Minutes published: %(meeting)s")
                          if meeting.published_at and meeting.published_at > since
                          else _("Published minutes amended: %(meeting)s"))
                         % {"meeting": meeting})
        elif meeting.status == MeetingStatus.PLANNED:
            lines.append(_("Meeting planned: %(meeting)s") % {"meeting": meeting})
    return lines


def register_topics():
    registry.register_topic(
        "working_group", label=_("a working group's published minutes and meetings"),
        target=_group, changes=_group_changes)
