import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from core.autocomplete import AutocompleteField, use_autocomplete
from core.forms import PortalForm, PortalModelForm
from directory.models import Organisation, Person, WorkingGroup
from planning.models import Plan, PlanItem

from .models import (
    Attendance,
    Event,
    Meeting,
    MeetingStatus,
    MinutesItem,
    ProgrammeItem,
    Task,
    TaskStatus,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
MAX_DAYS = 14


class VersionedForm(PortalModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound and hasattr(self.instance, "version"):
            self.initial["version"] = self.instance.version


class MeetingForm(VersionedForm):
    """The meeting itself. The minutes' workflow fields (status of the minutes,
    verified by, published) are not fields of this form: only services set them."""

    date = forms.DateField(label=_("Date"), widget=DATE)
    end_date = forms.DateField(
        label=_("Last day"), widget=DATE, required=False,
        help_text=_("For a meeting of several days, e.g. 24.–25. 10. 2024."),
    )
    start_time = forms.TimeField(label=_("From"), widget=TIME, required=False)
    end_time = forms.TimeField(label=_("To"), widget=TIME, required=False)

    class Meta:
        model = Meeting
        fields = ["body", "kind", "title", "status", "place_name", "place_room", "place_address",
                  "latitude", "longitude", "recorded_by", "recorded_by_text", "recorded_on",
                  "funding_project"]
        widgets = {"recorded_on": DATE}

    def __init__(self, *args, bodies=None, officer=False, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["body"]
            days = list(self.instance.days.all())
            if days and not self.is_bound:
                self.initial.update(date=days[0].date, end_date=days[-1].date
                                    if len(days) > 1 else None,
                                    start_time=days[0].start_time, end_time=days[0].end_time)
        else:
            self.fields["body"].queryset = bodies if bodies is not None else \
                WorkingGroup.objects.none()
            if officer:  # every group of the city (of a region: hundreds); a manager's own are few
                use_autocomplete(self, "body", "groups")
            self.fields["status"].initial = MeetingStatus.PLANNED
        if not officer:
            # Linking a funding project is for officers.
            del self.fields["funding_project"]
        else:
            use_autocomplete(self, "funding_project", "projects")
        use_autocomplete(self, "recorded_by", "people", Person.objects.all())

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date"), cleaned.get("end_date")
        if start and end:
            if end < start:
                self.add_error("end_date", _("The last day must not be before the first."))
            elif (end - start).days >= MAX_DAYS:
                self.add_error("end_date", _("A meeting lasts at most %(n)d days.")
                               % {"n": MAX_DAYS})
        s, e = cleaned.get("start_time"), cleaned.get("end_time")
        if s and e and e <= s:
            self.add_error("end_time", _("The end must be after the start."))
        return cleaned

    def days(self):
        start = self.cleaned_data["date"]
        end = self.cleaned_data.get("end_date") or start
        s, e = self.cleaned_data.get("start_time"), self.cleaned_data.get("end_time")
        return [(start + datetime.timedelta(days=i), s, e) for i in range((end - start).days + 1)]

    def meeting_data(self):
        return {k: v for k, v in self.cleaned_data.items()
                if k in self.fields and k not in ("version", "date", "end_date", "start_time",
                                                  "end_time", "body")}


class _PartForm(VersionedForm):
    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting = meeting

    def part_data(self):
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


class ProgrammeItemForm(_PartForm):
    version = None

    class Meta:
        model = ProgrammeItem
        fields = ["position", "title", "presenter", "presenter_text", "day", "parent"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["day"].queryset = self.meeting.days.all()
        parents = self.meeting.programme.filter(parent__isnull=True)
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents
        use_autocomplete(self, "presenter", "people", Person.objects.all())
        self.fields["position"].required = False


class AttendanceForm(_PartForm):
    version = None

    class Meta:
        model = Attendance
        fields = ["presence", "role", "person", "organisation", "name_text", "position"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        use_autocomplete(self, "person", "people", Person.objects.all())
        use_autocomplete(self, "organisation", "organisations", Organisation.objects.all())
        self.fields["position"].required = False
        self.fields["person"].help_text = _(
            "Recorded as who took part in the meeting; the names are printed in the minutes, "
            "which are published once verified.")
        self.fields["name_text"].help_text = _(
            "For a guest or an organisation not in the register, e.g. “KC”. Printed in the "
            "minutes as written, to record who took part.")

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("person") or cleaned.get("organisation")
                or (cleaned.get("name_text") or "").strip()):
            raise forms.ValidationError(_("Choose a person or an organisation, or write "
                                          "the name."))
        return cleaned


class MinutesItemForm(_PartForm):
    version = None

    class Meta:
        model = MinutesItem
        fields = ["position", "title", "text_html", "decisions", "moved_to_next"]
        widgets = {"text_html": forms.Textarea(attrs={"rows": 12}),
                   "decisions": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["position"].required = False


class TaskForm(_PartForm):
    class Meta:
        model = Task
        fields = ["item", "description", "owner_person", "owner_organisation", "owner_text",
                  "deadline", "status"]
        widgets = {"deadline": DATE, "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = self.meeting.items.all()
        use_autocomplete(self, "owner_person", "people", Person.objects.all())
        use_autocomplete(self, "owner_organisation", "organisations", Organisation.objects.all())

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("owner_person") or cleaned.get("owner_organisation")
                or (cleaned.get("owner_text") or "").strip()):
            raise forms.ValidationError(_("Name who is responsible for the task."))
        return cleaned


class AttendanceSheetForm(PortalForm):
    attendance_sheet = forms.BooleanField(
        label=_("Attendance is on the attendance sheet"), required=False)
    scan = forms.FileField(
        label=_("Scan of the attendance sheet"), required=False,
        help_text=_("PDF, PNG or JPEG, at most 10 MB. The file is checked by its content. "
                    "The signed sheet is kept as proof of attendance (required of meetings "
                    "within funded projects) and is never published."),
    )
    remove_scan = forms.BooleanField(label=_("Remove the current scan"), required=False)


class MembershipChangeForm(PortalForm):
    organisation = AutocompleteField("organisations", Organisation.objects.all(),
                                     label=_("Organisation"))
    member = AutocompleteField(
        "people", Person.objects.all(), label=_("New member"),
        required=False, help_text=_("Leave empty when the member stays. Recorded in the group's "
                                    "membership history, which shows who represents the "
                                    "organisation."))
    substitute = AutocompleteField(
        "people", Person.objects.all(), label=_("Substitute"),
        required=False, help_text=_("Leave empty when the substitute stays. Recorded in the "
                                    "group's membership history, which shows who represents "
                                    "the organisation."))
    effective_on = forms.DateField(label=_("Takes effect on"), widget=DATE)
    published_text = forms.CharField(label=_("Text of the minutes"), required=False,
                                     max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        if not self.is_bound and meeting.starts_on:
            self.initial["effective_on"] = meeting.starts_on

    def clean(self):
        cleaned = super().clean()
        member, substitute = cleaned.get("member"), cleaned.get("substitute")
        if member and substitute and member == substitute:
            self.add_error("substitute",
                           _("The substitute must be someone other than the member."))
        if not member and not substitute and not self.errors:
            raise forms.ValidationError(_("Name the new member, the new substitute or both."))
        return cleaned


class NextMeetingForm(PortalForm):
    date = forms.DateField(label=_("Date"), widget=DATE)
    start_time = forms.TimeField(label=_("From"), widget=TIME, required=False)
    end_time = forms.TimeField(label=_("To"), widget=TIME, required=False)
    place_name = forms.CharField(label=_("Place"), max_length=300, required=False)
    place_room = forms.CharField(label=_("Room"), max_length=100, required=False)
    place_address = forms.CharField(label=_("Address"), max_length=300, required=False)
    latitude = forms.DecimalField(label=_("Latitude"), max_digits=10, decimal_places=7,
                                  min_value=-90, max_value=90, required=False)
    longitude = forms.DecimalField(label=_("Longitude"), max_digits=10, decimal_places=7,
                                   min_value=-180, max_value=180, required=False)

    def clean(self):
        cleaned = super().clean()
        s, e = cleaned.get("start_time"), cleaned.get("end_time")
        if s and e and e <= s:
            self.add_error("end_time", _("The end must be after the start."))
        return cleaned


class ReviewForm(PortalForm):
    decision = forms.ChoiceField(
        label=_("Decision"), widget=forms.RadioSelect,
        choices=[("publish", _("Verify and publish")),
                 ("return", _("Return for corrections"))],
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required when returning: say what should be corrected."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "return" and not (cleaned.get("comment") or "").strip():
            self.add_error("comment", _("Say what should be corrected."))
        return cleaned


class AmendForm(PortalForm):
    reason = forms.CharField(label=_("Reason for the amendment"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}))


class TaskStatusForm(PortalForm):
    status = forms.ChoiceField(label=_("Status"), choices=TaskStatus.choices)


class EventForm(VersionedForm):
    class Meta:
        model = Event
        fields = ["title", "kind", "starts_on", "ends_on", "month_only", "start_time",
                  "end_time", "place", "link", "organiser", "plan_area", "plan", "description"]
        widgets = {"starts_on": DATE, "ends_on": DATE, "start_time": TIME, "end_time": TIME}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan_area"].queryset = PlanItem.objects.filter(
            parent__isnull=True).select_related("plan").order_by("plan__code", "position")
        self.fields["plan"].queryset = Plan.objects.order_by("code")
