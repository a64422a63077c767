"""Public subscription to a plan's changes and comment periods (notifications)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from notifications import registry

MAX_ITEMS_LISTED = 20


def _plan(target_id):
    from .models import Plan

    plan = Plan.objects.public().filter(pk=target_id).first()
    return (str(plan), plan.get_absolute_url()) if plan else None


def _changes(target_id, since, until):
    from notifications.subscriptions import changed_ids

    from .models import Plan, PlanItem, PlanStatus

    lines = []
    plan = Plan.objects.get(pk=target_id)
    if str(target_id) in changed_ids(Plan, since, until) \
            and plan.status == PlanStatus.PUBLIC_COMMENT \
            and plan.comment_period_state() != "ended":
        lines.append(_("The plan is open for public comment until %(until)s.") % {
            "until": plan.comments_open_to.strftime("%-d. %-m. %Y")
            if plan.comments_open_to else _("further notice")})
    items = list(PlanItem.objects.filter(pk__in=changed_ids(PlanItem, since, until),
                                         plan_id=target_id).order_by("position", "pk"))
    lines += [_("Changed: %(item)s") % {"item": item} for item in items[:MAX_ITEMS_LISTED]]
    if len(items) > MAX_ITEMS_LISTED:
        lines.append(_("and %(count)d more items") % {"count": len(items) - MAX_ITEMS_LISTED})
    return lines


def register():
    registry.register_topic("plan", label=gettext_lazy("a plan's changes and comment periods"),
                            target=_plan, changes=_changes)
