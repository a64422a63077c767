"""Meetings of working groups, the managerial team and platforms; their
programme, attendance, minutes (items, tasks, membership changes), the
verification workflow with versions of published minutes, and events that are
not meetings (conferences, round tables, campaigns)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.constraints import ChecksInOneQuery
from core.fields import HttpsURLField
from directory.models import Organisation, Person, WorkingGroup


class MeetingKind(models.TextChoices):
    REGULAR = "regular", _("regular meeting")
    THEMATIC = "thematic", _("thematic meeting")
    WORKSHOP = "workshop", _("workshop")
    PLANNING = "planning", _("planning meeting")
    OTHER = "other", _("other")


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    HELD = "held", _("held")
    CANCELLED = "cancelled", _("cancelled")


class MinutesStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted for verification")
    RETURNED = "returned", _("returned for corrections")
    PUBLISHED = "published", _("verified and published")


# Which minutes status may follow which (the services enforce it).
MINUTES_TRANSITIONS = {
    MinutesStatus.DRAFT: (MinutesStatus.SUBMITTED,),
    MinutesStatus.RETURNED: (MinutesStatus.SUBMITTED,),
    MinutesStatus.SUBMITTED: (MinutesStatus.PUBLISHED, MinutesStatus.RETURNED),
    MinutesStatus.PUBLISHED: (),
}
# Minutes the group's manager may still edit.
EDITABLE_MINUTES_STATUSES = (MinutesStatus.DRAFT, MinutesStatus.RETURNED)


class MeetingQuerySet(models.QuerySet):
    def published(self):
        return self.filter(minutes_status=MinutesStatus.PUBLISHED)

    def announced(self):
        """Meetings whose date and place are public: published minutes, and
        planned or cancelled meetings (the announcement, never a draft)."""
        return self.filter(
            Q(minutes_status=MinutesStatus.PUBLISHED)
            | Q(status__in=[MeetingStatus.PLANNED, MeetingStatus.CANCELLED])
        )


class Meeting(ChecksInOneQuery):
    body = models.ForeignKey(
        WorkingGroup, verbose_name=_("body"), on_delete=models.PROTECT, related_name="meetings"
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=MeetingKind.choices, default=MeetingKind.REGULAR
    )
    title = models.CharField(
        _("title"), max_length=300, blank=True,
        help_text=_("Optional, e.g. “tematické setkání”; the body's name is shown anyway."),
    )
    status = models.CharField(
        _("meeting status"), max_length=12, choices=MeetingStatus.choices,
        default=MeetingStatus.PLANNED,
    )
    # The first day, kept by the services from the days, for ordering and filters.
    starts_on = models.DateField(_("date"), null=True, blank=True, db_index=True, editable=False)
    place_name = models.CharField(_("place"), max_length=300, blank=True)
    place_address = models.CharField(_("address"), max_length=300, blank=True)
    place_room = models.CharField(_("room"), max_length=100, blank=True)
    # The place in the words and order the published minutes print it (the
    # office's name, street and room in one line); cleared when the place
    # is edited, after which the parts above are printed.
    place_published = models.CharField(_("place as published"), max_length=500, blank=True,
                                       editable=False)
    latitude = models.DecimalField(
        _("latitude"), max_digits=10, decimal_places=7, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=10, decimal_places=7, null=True, blank=True
    )
    funding_project = models.ForeignKey(
        "projects.Project", verbose_name=_("funding project"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="meetings",
        help_text=_("The meeting is held within this project: its minutes carry the EU "
                    "publicity block."),
    )
    # Attendance: the list of people, or "see the attendance sheet" with a scan.
    attendance_sheet = models.BooleanField(
        _("attendance on the attendance sheet"), default=False,
        help_text=_("The minutes say “see the attendance sheet” instead of listing people."),
    )
    attendance_scan = models.FileField(
        _("scan of the attendance sheet"), upload_to="meetings/attendance/", blank=True,
        editable=False,
    )
    attendance_scan_type = models.CharField(max_length=10, blank=True, editable=False)
    # Minutes.
    minutes_status = models.CharField(
        _("minutes status"), max_length=12, choices=MinutesStatus.choices,
        default=MinutesStatus.DRAFT, editable=False,
    )
    recorded_by = models.ForeignKey(
        Person, verbose_name=_("recorded by"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="recorded_meetings",
    )
    recorded_by_text = models.CharField(
        _("recorded by (as published)"), max_length=200, blank=True,
        help_text=_("The name with the role as the minutes print it, "
                    "e.g. “Mgr. Jana Nováková, manažerka PS DaR”."),
    )
    recorded_on = models.DateField(_("recorded on"), null=True, blank=True)
    verified_by = models.ForeignKey(
        Person, verbose_name=_("verified by"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="verified_meetings", editable=False,
    )
    verified_by_text = models.CharField(
        _("verified by (as published)"), max_length=200, blank=True, editable=False
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True, editable=False)
    published_at = models.DateTimeField(_("published"), null=True, blank=True, editable=False)
    return_comment = models.TextField(_("comment on return"), blank=True, editable=False)
    amendment_open = models.BooleanField(
        _("amendment in progress"), default=False, editable=False
    )
    next_meeting = models.OneToOneField(
        "self", verbose_name=_("next meeting"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="previous_meeting", editable=False,
    )
    # Plain, accent-free text of everything published, for full-text search,
    # and the same words as printed, from which a result's passage is cut.
    search_text = models.TextField(blank=True, editable=False)
    search_display = models.TextField(blank=True, editable=False)
    source = models.CharField(_("source"), max_length=300, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes_status__in=[s.value for s in MinutesStatus]),
                name="meeting_minutes_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in MeetingStatus]),
                name="meeting_status_valid",
                violation_error_message=_("Choose a status of the meeting from the list."),
            ),
            models.CheckConstraint(
                condition=~Q(minutes_status="published") | Q(published_at__isnull=False),
                name="meeting_published_has_date",
            ),
            models.CheckConstraint(
                condition=(Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90))
                & (Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180)),
                name="meeting_coordinates_in_range",
                violation_error_message=_(
                    "The latitude lies between −90 and 90 and the longitude "
                    "between −180 and 180."),
            ),
            models.CheckConstraint(
                condition=~Q(next_meeting=models.F("id")), name="meeting_next_is_other",
            ),
        ]

    def __str__(self):
        when = self.starts_on.strftime("%-d. %-m. %Y") if self.starts_on else "?"
        return f"{self.body.name} – {when}"

    def get_absolute_url(self):
        return reverse("meetings:detail", args=[self.pk])

    @property
    def is_published(self):
        return self.minutes_status == MinutesStatus.PUBLISHED

    @property
    def place_text(self):
        if self.place_published:
            return self.place_published
        return ", ".join(p for p in (self.place_name, self.place_room, self.place_address) if p)


class MeetingDay(models.Model):
    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"),
                                on_delete=models.CASCADE, related_name="days")
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("from"), null=True, blank=True)
    end_time = models.TimeField(_("to"), null=True, blank=True)

    class Meta:
        verbose_name = _("meeting day")
        verbose_name_plural = _("meeting days")
        ordering = ["meeting", "date"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "date"], name="meeting_day_unique"),
            models.CheckConstraint(
                condition=Q(start_time__isnull=True) | Q(end_time__isnull=True)
                | Q(end_time__gt=models.F("start_time")),
                name="meeting_day_ends_after_start",
            ),
        ]

    def __str__(self):
        return self.date.strftime("%-d. %-m. %Y")


class ProgrammeItem(models.Model):
    """One point of the programme (agenda); sub-points have a parent."""

    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"),
                                on_delete=models.CASCADE, related_name="programme")
    parent = models.ForeignKey(
        "self", verbose_name=_("sub-point of"), null=True, blank=True, on_delete=models.CASCADE,
        related_name="children",
    )
    position = models.PositiveSmallIntegerField(_("order"), default=1)
    day = models.ForeignKey(
        MeetingDay, verbose_name=_("day"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="programme",
    )
    title = models.CharField(_("title"), max_length=500)
    presenter = models.ForeignKey(
        Person, verbose_name=_("presenter"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="presented_items",
    )
    presenter_text = models.CharField(
        _("presenter (guest)"), max_length=300, blank=True,
        help_text=_("A guest presenter, with the organisation, as the minutes name them."),
    )

    class Meta:
        verbose_name = _("programme item")
        verbose_name_plural = _("programme")
        ordering = ["meeting", "position", "id"]

    def __str__(self):
        return self.title


class AttendanceRole(models.TextChoices):
    MEMBER = "member", _("member")
    GROUP_MANAGER = "group_manager", _("group manager")
    CONTACT_PERSON = "contact_person", _("group contact person")
    GUEST = "guest", _("guest")


class Presence(models.TextChoices):
    PRESENT = "present", _("present")
    EXCUSED = "excused", _("excused")


class Attendance(models.Model):
    """A person or an organisation present at or excused from a meeting."""

    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"),
                                on_delete=models.CASCADE, related_name="attendance")
    presence = models.CharField(
        _("presence"), max_length=10, choices=Presence.choices, default=Presence.PRESENT
    )
    role = models.CharField(
        _("role"), max_length=20, choices=AttendanceRole.choices, default=AttendanceRole.MEMBER
    )
    person = models.ForeignKey(
        Person, verbose_name=_("person"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="attendances",
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="attendances",
    )
    name_text = models.CharField(
        _("name as published"), max_length=300, blank=True,
        help_text=_("For a guest or an organisation not in the register, e.g. “KC”."),
    )
    position = models.PositiveSmallIntegerField(_("order"), default=1)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["meeting", "presence", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False) | Q(organisation__isnull=False)
                | ~Q(name_text=""),
                name="attendance_names_someone",
                violation_error_message=_(
                    "Choose the person or the organisation, or write the name."),
            ),
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self):
        if self.name_text:
            return self.name_text
        if self.person_id:
            return self.person.plain_name
        return str(self.organisation)


class MinutesItem(models.Model):
    """A numbered item of the minutes: what was said, decided, and whether it
    was moved to the next meeting."""

    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"),
                                on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(_("number"), default=1)
    title = models.CharField(_("title"), max_length=500)
    text_html = models.TextField(
        _("text"), blank=True,
        help_text=_("Paragraphs, lists, bold, italic and links are kept; anything else is "
                    "removed when saved."),
    )
    decisions = models.TextField(_("decisions"), blank=True)
    moved_to_next = models.BooleanField(_("moved to the next meeting"), default=False)

    class Meta:
        verbose_name = _("minutes item")
        verbose_name_plural = _("minutes items")
        ordering = ["meeting", "position", "id"]

    def __str__(self):
        return f"{self.position}. {self.title}"


class TaskStatus(models.TextChoices):
    OPEN = "open", _("open")
    DONE = "done", _("done")
    CANCELLED = "cancelled", _("cancelled")


class TaskQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=TaskStatus.OPEN)


class Task(models.Model):
    """A task agreed at a meeting. Open tasks appear at the group's next meetings
    until someone marks them done."""

    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"),
                                on_delete=models.CASCADE, related_name="tasks")
    item = models.ForeignKey(
        MinutesItem, verbose_name=_("minutes item"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="tasks",
    )
    description = models.TextField(_("task"))
    owner_person = models.ForeignKey(
        Person, verbose_name=_("owner (person)"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="meeting_tasks",
    )
    owner_organisation = models.ForeignKey(
        Organisation, verbose_name=_("owner (organisation)"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="meeting_tasks",
    )
    owner_text = models.CharField(
        _("owner (as published)"), max_length=300, blank=True,
        help_text=_("e.g. “potenciální nositel opatření” when no person is named."),
    )
    # The owner's name as the published minutes printed it, kept when the
    # person is anonymised (directory.personal_data.person_anonymise).
    owner_person_text = models.CharField(_("owner's name (as published)"), max_length=300,
                                         blank=True, editable=False)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=TaskStatus.choices, default=TaskStatus.OPEN
    )
    closed_at_meeting = models.ForeignKey(
        Meeting, verbose_name=_("closed at meeting"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="closed_tasks", editable=False,
    )
    position = models.PositiveSmallIntegerField(_("order"), default=1)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["meeting", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in TaskStatus]), name="task_status_valid",
                violation_error_message=_("Choose a status of the task from the list."),
            ),
        ]

    def __str__(self):
        return self.description[:80]

    @property
    def owner_display(self):
        parts = []
        if self.owner_person_text:
            parts.append(self.owner_person_text)
        elif self.owner_person_id:
            parts.append(self.owner_person.full_name)
        if self.owner_organisation_id:
            parts.append(str(self.owner_organisation))
        if self.owner_text:
            parts.append(self.owner_text)
        return ", ".join(parts)


class MembershipChange(models.Model):
    """A change of a seat announced at the meeting ("Institut prevence – new
    member X, substitute stays Y"), applied to the group's membership history."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE,
        related_name="membership_changes"
    )
    item = models.ForeignKey(
        MinutesItem, verbose_name=_("minutes item"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="membership_changes",
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT,
        related_name="announced_membership_changes",
    )
    member = models.ForeignKey(
        Person, verbose_name=_("new member"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    substitute = models.ForeignKey(
        Person, verbose_name=_("substitute"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    # The names as the published minutes printed them, kept when the person is
    # anonymised (directory.personal_data.person_anonymise).
    member_text = models.CharField(_("new member (as published)"), max_length=300, blank=True,
                                   editable=False)
    substitute_text = models.CharField(_("substitute (as published)"), max_length=300,
                                       blank=True, editable=False)
    effective_on = models.DateField(_("takes effect on"))
    published_text = models.TextField(_("text of the minutes"), blank=True)
    membership = models.ForeignKey(
        "directory.Membership", verbose_name=_("resulting membership"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="announcements", editable=False,
    )

    class Meta:
        verbose_name = _("membership change")
        verbose_name_plural = _("membership changes")
        ordering = ["meeting", "id"]

    def __str__(self):
        return f"{self.organisation}: {self.member_display}"

    @property
    def member_display(self):
        if self.member_text:
            return self.member_text
        return self.member.full_name if self.member_id else ""

    @property
    def substitute_display(self):
        if self.substitute_text:
            return self.substitute_text
        return self.substitute.full_name if self.substitute_id else ""


class MinutesVersion(models.Model):
    """The minutes as they were published, kept when an officer amends them."""

    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"),
                                on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("version"))
    document = models.JSONField(_("minutes"))
    reason = models.TextField(_("reason for the amendment"))
    created_at = models.DateTimeField(_("when"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("who"), null=True, on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("earlier version of minutes")
        verbose_name_plural = _("earlier versions of minutes")
        ordering = ["meeting", "number"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="minutes_version_unique"),
        ]

    def __str__(self):
        return f"{self.meeting} v{self.number}"


class EventKind(models.TextChoices):
    CONFERENCE = "conference", _("conference")
    ROUND_TABLE = "round_table", _("round table")
    WORKSHOP = "workshop", _("workshop")
    SEMINAR = "seminar", _("seminar")
    AWARD = "award", _("award ceremony")
    CAMPAIGN = "campaign", _("campaign")
    MEETING = "meeting", _("meeting of partners")
    MILESTONE = "milestone", _("milestone")
    # A paragraph of a report's timeline that tells of no single event (how many
    # applications the city's organisations filed in a call): printed in the
    # timeline, never in the calendar.
    NOTE = "note", _("timeline note")
    OTHER = "other", _("other")


class Event(models.Model):
    """Something that is not a meeting of a body but belongs in the calendar and
    the report's timeline."""

    title = models.CharField(_("title"), max_length=500)
    kind = models.CharField(
        _("kind"), max_length=20, choices=EventKind.choices, default=EventKind.OTHER
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"), null=True, blank=True)
    # "V březnu 2023": the source names the month only.
    month_only = models.BooleanField(
        _("only the month is known"), default=False,
        help_text=_("The source names the month, not the day; the date is the month's first."),
    )
    start_time = models.TimeField(_("start time"), null=True, blank=True)
    end_time = models.TimeField(_("end time"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=300, blank=True)
    link = HttpsURLField(_("link"), blank=True)
    organiser = models.CharField(_("organiser"), max_length=300, blank=True)
    plan_area = models.ForeignKey(
        "planning.PlanItem", verbose_name=_("related plan area"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="events",
    )
    # A published document may print an event that belongs to no area of its
    # plan (an advisory workshop); the plan keeps it in its report.
    plan = models.ForeignKey(
        "planning.Plan", verbose_name=_("plan"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="events",
        help_text=_("The plan the event belongs to when it belongs to none of its areas."),
    )
    description = models.TextField(_("description"), blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="event_ends_after_start",
                violation_error_message=_("An event cannot end before it starts."),
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if (self.plan_id and self.plan_area_id
                and self.plan_area.plan_id != self.plan_id):
            raise ValidationError({"plan_area": _(
                "The area belongs to another plan than the one chosen for the event.")})

    def audit_snapshot_extra(self):
        """Times of day as text, so that the audit snapshot is JSON."""
        return {"start_time": self.start_time.isoformat() if self.start_time else None,
                "end_time": self.end_time.isoformat() if self.end_time else None}


class AbsenceAlert(models.Model):
    """A member organisation absent without excuse from consecutive meetings of
    a body (meetings.participation.ALERT_STREAK of them): one row per streak,
    however long it grows, so the manager and the contact person are alerted
    once. The streak is named by its first missed meeting; it ends when the
    organisation attends or sends an excuse again."""

    body = models.ForeignKey(WorkingGroup, verbose_name=_("body"), on_delete=models.CASCADE,
                             related_name="absence_alerts")
    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"),
                                     on_delete=models.PROTECT, related_name="absence_alerts")
    first_meeting = models.ForeignKey(
        Meeting, verbose_name=_("first missed meeting"), on_delete=models.CASCADE,
        related_name="+")
    raised_at_meeting = models.ForeignKey(
        Meeting, verbose_name=_("raised at meeting"), on_delete=models.CASCADE,
        related_name="+")
    ended_at_meeting = models.ForeignKey(
        Meeting, verbose_name=_("ended at meeting"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+")
    raised_at = models.DateTimeField(_("raised"), auto_now_add=True)

    class Meta:
        verbose_name = _("absence alert")
        verbose_name_plural = _("absence alerts")
        ordering = ["-raised_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "first_meeting"],
                                    name="absence_alert_one_per_streak"),
            models.CheckConstraint(condition=~Q(raised_at_meeting=models.F("first_meeting")),
                                   name="absence_alert_streak_spans_meetings"),
        ]

    def __str__(self):
        return f"{self.body.code}: {self.organisation}"

    @property
    def is_open(self):
        return self.ended_at_meeting_id is None
