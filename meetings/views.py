from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import CreateView, DetailView, FormView, TemplateView, UpdateView

from accounts.permissions import is_city_officer
from core.audit import audit_entries_for
from core.pdf import html_to_pdf
from core.views import RuleRequiredMixin, ServiceFormMixin, TableListView
from directory.models import WorkingGroup
from directory.permissions import managed_group_ids

from . import ical, permissions, selectors, services
from .documents import minutes_document, minutes_pdf_html, with_previous
from .filters import EventFilter, MinutesFilter, MinutesToFinishFilter, OpenTaskFilter
from .forms import (
    AmendForm,
    AttendanceForm,
    AttendanceSheetForm,
    EventForm,
    MeetingForm,
    MembershipChangeForm,
    MinutesItemForm,
    NextMeetingForm,
    ProgrammeItemForm,
    ReviewForm,
    TaskForm,
    TaskStatusForm,
)
from .models import Attendance, Event, Meeting, MinutesItem, ProgrammeItem, Task
from .tables import EventTable, MinutesTable

# --- Public list --------------------------------------------------------------------


class MinutesListView(TableListView):
    table_class = MinutesTable
    filterset_class = MinutesFilter
    export_basename = "minutes"
    title = gettext_lazy("Meetings and minutes")
    template_name = "meetings/list.html"

    def get_queryset(self):
        return selectors.published_minutes()

    def get_create_url(self):
        if permissions.can_create_meeting(self.request.user):
            return reverse("meetings:create")
        return None


# --- One meeting ------------------------------------------------------------------------


class MeetingMixin:
    """Load the meeting of the URL. Those who may not see it get 404 (so that a
    draft does not leak); then `rule(user, meeting)` decides: anonymous to the
    login page, others 403."""

    visibility = staticmethod(permissions.can_view_minutes)
    rule = None

    def dispatch(self, request, *args, **kwargs):
        self.meeting = get_object_or_404(selectors.meeting_detail(), pk=kwargs["pk"])
        if not type(self).visibility(request.user, self.meeting):
            raise Http404
        rule = type(self).rule
        if rule is not None and not rule(request.user, self.meeting):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        kwargs.setdefault("meeting", self.meeting)
        kwargs.setdefault("cancel_url", reverse("meetings:detail", args=[self.meeting.pk]))
        return super().get_context_data(**kwargs)

    def get_success_url(self):
        return reverse("meetings:detail", args=[self.meeting.pk])


class MeetingDetailView(MeetingMixin, TemplateView):
    visibility = staticmethod(permissions.can_view_meeting)
    template_name = "meetings/detail.html"

    def get_context_data(self, **kwargs):
        user, meeting = self.request.user, self.meeting
        internal = permissions.can_view_meeting_internals(user, meeting)
        may_read_minutes = permissions.can_view_minutes(user, meeting)
        with_previous(meeting)
        context = super().get_context_data(**kwargs)
        context.update(
            doc=minutes_document(meeting, include_minutes=may_read_minutes, internal=internal),
            internal=internal,
            versions=list(meeting.versions.all()) if may_read_minutes else [],
        )
        if permissions.can_edit_meeting(user, meeting):
            context.update(
                programme=list(meeting.programme.select_related("presenter", "day", "parent")),
                attendance=list(meeting.attendance.select_related("person", "organisation")),
                items=list(meeting.items.all()),
                tasks=list(meeting.tasks.select_related("owner_person", "owner_organisation",
                                                        "item")),
            )
        if internal:
            context["audit_entries"] = audit_entries_for(meeting)[:20]
        return context


class VersionView(MeetingMixin, TemplateView):
    template_name = "meetings/version.html"

    def get_context_data(self, **kwargs):
        version = get_object_or_404(self.meeting.versions.select_related("created_by"),
                                    number=self.kwargs["number"])
        return super().get_context_data(version=version, doc=version.document, **kwargs)


def _meeting_form_kwargs(view, kwargs):
    user = view.request.user
    kwargs["officer"] = is_city_officer(user)
    if is_city_officer(user):
        kwargs["bodies"] = WorkingGroup.objects.active().order_by("kind", "name")
    else:
        kwargs["bodies"] = WorkingGroup.objects.filter(
            pk__in=managed_group_ids(user)).order_by("name")
    return kwargs


class MeetingCreateView(RuleRequiredMixin, ServiceFormMixin, CreateView):
    rule = staticmethod(permissions.can_create_meeting)
    form_class = MeetingForm
    template_name = "components/form_page.html"
    extra_context = {"title": gettext_lazy("New meeting")}
    success_message = gettext_lazy("The meeting was saved.")

    def get_initial(self):
        initial = super().get_initial()
        code = self.request.GET.get("group")
        if code:
            initial["body"] = WorkingGroup.objects.filter(code=code[:20]).first()
        return initial

    def get_form_kwargs(self):
        return _meeting_form_kwargs(self, super().get_form_kwargs())

    def perform(self, form):
        body = form.cleaned_data["body"]
        if not permissions.can_create_meeting(self.request.user, body):
            raise ValidationError({"body": _("You cannot create meetings of this body.")})
        return services.meeting_create(actor=self.request.user, body=body, days=form.days(),
                                       **form.meeting_data())

    def get_success_url(self):
        return reverse("meetings:detail", args=[self.object.pk])


class MeetingUpdateView(MeetingMixin, ServiceFormMixin, UpdateView):
    rule = staticmethod(permissions.can_edit_meeting)
    form_class = MeetingForm
    template_name = "components/form_page.html"
    success_message = gettext_lazy("The meeting was saved.")

    def get_object(self, queryset=None):
        return self.meeting

    def get_form_kwargs(self):
        return _meeting_form_kwargs(self, super().get_form_kwargs())

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=str(self.meeting), **kwargs)

    def perform(self, form):
        return services.meeting_update(
            actor=self.request.user, meeting=self.meeting,
            expected_version=form.cleaned_data.get("version"), days=form.days(),
            **form.meeting_data())


# --- Parts: programme, attendance, minutes items, tasks -----------------------------------

# Model, form, label and the service that creates one (each takes the meeting
# and the form's fields by name).
PARTS = {
    "programme": (ProgrammeItem, ProgrammeItemForm, gettext_lazy("Programme item"),
                  services.programme_item_create),
    "attendance": (Attendance, AttendanceForm, gettext_lazy("Attendance"),
                   services.attendance_create),
    "item": (MinutesItem, MinutesItemForm, gettext_lazy("Item of the minutes"),
             services.minutes_item_create),
    "task": (Task, TaskForm, gettext_lazy("Task"), services.task_create),
}


class PartMixin(MeetingMixin, ServiceFormMixin):
    rule = staticmethod(permissions.can_edit_meeting)
    template_name = "components/form_page.html"
    success_message = gettext_lazy("Saved.")

    def dispatch(self, request, *args, **kwargs):
        if kwargs["part"] not in PARTS:
            raise Http404
        self.part_model, self.form_class, self.part_label, self.create_part = (
            PARTS[kwargs["part"]])
        return super().dispatch(request, *args, **kwargs)

    def get_part(self):
        if not hasattr(self, "_part"):
            self._part = get_object_or_404(self.part_model, pk=self.kwargs["part_pk"],
                                           meeting=self.meeting)
        return self._part

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["meeting"] = self.meeting
        return kwargs

    def get_success_url(self):
        return reverse("meetings:detail", args=[self.meeting.pk]) + f"#{self.kwargs['part']}"


class PartCreateView(PartMixin, FormView):
    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=_("%(part)s: new") % {"part": self.part_label}, **kwargs)

    def perform(self, form):
        return self.create_part(actor=self.request.user, meeting=self.meeting,
                                **form.part_data())


class PartUpdateView(PartMixin, UpdateView):
    def get_object(self, queryset=None):
        return self.get_part()

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=str(self.part_label), **kwargs)

    def perform(self, form):
        actor, part, fields = self.request.user, self.get_part(), form.part_data()
        if isinstance(part, ProgrammeItem):
            return services.programme_item_update(actor=actor, programme_item=part, **fields)
        if isinstance(part, Attendance):
            return services.attendance_update(actor=actor, attendance=part, **fields)
        if isinstance(part, MinutesItem):
            return services.minutes_item_update(actor=actor, minutes_item=part, **fields)
        return services.task_update(actor=actor, task=part,
                                    expected_version=form.cleaned_data.get("version"), **fields)


class PartDeleteView(PartMixin, TemplateView):
    template_name = "meetings/confirm.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=_("Delete: %(what)s") % {"what": self.get_part()},
            question=_("Delete “%(what)s”? The deletion is recorded.") % {
                "what": self.get_part()},
            button=_("Delete"), **kwargs)

    def post(self, request, *args, **kwargs):
        try:
            services.part_delete(actor=request.user, instance=self.get_part())
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return HttpResponseRedirect(self.get_success_url())


class AttendanceSheetView(MeetingMixin, ServiceFormMixin, FormView):
    rule = staticmethod(permissions.can_edit_meeting)
    form_class = AttendanceSheetForm
    template_name = "meetings/upload_form.html"
    success_message = gettext_lazy("The attendance was saved.")

    def get_initial(self):
        return {"attendance_sheet": self.meeting.attendance_sheet}

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=_("Attendance sheet"), **kwargs)

    def perform(self, form):
        data = form.cleaned_data
        try:
            return services.attendance_sheet_set(
                actor=self.request.user, meeting=self.meeting,
                attendance_sheet=data["attendance_sheet"], scan=data.get("scan"),
                remove_scan=data.get("remove_scan", False))
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                raise ValidationError({"scan": error.messages}) from None
            raise


class AttendanceScanView(MeetingMixin, View):
    """The scan carries signatures: personal data that published minutes do
    not make public. Only officers and the body's own people see it (others who
    may read the minutes: login or 403); from MEDIA_ROOT, never as a static
    file. PDFs and images are shown inline, nothing else exists."""

    rule = staticmethod(permissions.can_view_meeting_internals)

    def get(self, request, *args, **kwargs):
        scan = self.meeting.attendance_scan
        if not scan:
            raise Http404
        try:
            handle = scan.open("rb")
        except (FileNotFoundError, OSError):
            raise Http404 from None
        kind = self.meeting.attendance_scan_type
        types = {"pdf": "application/pdf", "png": "image/png", "jpeg": "image/jpeg"}
        # Only PDFs and images (checked by content on upload) are shown inline;
        # anything else would be an attachment.
        response = FileResponse(handle, content_type=types.get(kind, "application/octet-stream"),
                                as_attachment=kind not in types,
                                filename=f"prezencni-listina-{self.meeting.pk}."
                                         f"{services.SCAN_EXTENSIONS.get(kind, 'bin')}")
        response["X-Content-Type-Options"] = "nosniff"
        return response


class MembershipChangeCreateView(MeetingMixin, ServiceFormMixin, FormView):
    rule = staticmethod(permissions.can_edit_meeting)
    form_class = MembershipChangeForm
    template_name = "components/form_page.html"
    success_message = gettext_lazy("The membership change was recorded in the group's "
                                   "membership history.")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["meeting"] = self.meeting
        return kwargs

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=_("Membership change announced at the meeting"),
                                        **kwargs)

    def perform(self, form):
        return services.membership_change_record(actor=self.request.user, meeting=self.meeting,
                                                 **form.cleaned_data)


class NextMeetingView(MeetingMixin, ServiceFormMixin, FormView):
    rule = staticmethod(permissions.can_edit_meeting)
    form_class = NextMeetingForm
    template_name = "components/form_page.html"
    success_message = gettext_lazy("The next meeting is planned.")

    def get_initial(self):
        m = self.meeting
        return {"place_name": m.place_name, "place_room": m.place_room,
                "place_address": m.place_address}

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=_("Next meeting"), **kwargs)

    def perform(self, form):
        return services.next_meeting_plan(actor=self.request.user, meeting=self.meeting,
                                          **form.cleaned_data)

    def get_success_url(self):
        return reverse("meetings:detail", args=[self.meeting.pk])


class TaskStatusView(MeetingMixin, ServiceFormMixin, FormView):
    """Mark a task of this or an earlier meeting of the same group done."""

    rule = staticmethod(permissions.can_update_task)
    form_class = TaskStatusForm
    template_name = "components/form_page.html"
    success_message = gettext_lazy("The task was updated.")

    def get_task(self):
        return get_object_or_404(Task.objects.select_related("meeting"), pk=self.kwargs["task_pk"],
                                 meeting__body_id=self.meeting.body_id)

    def get_initial(self):
        return {"status": self.get_task().status}

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=_("Task: %(task)s") % {"task": self.get_task()},
                                        **kwargs)

    def perform(self, form):
        return services.task_set_status(actor=self.request.user, task=self.get_task(),
                                        status=form.cleaned_data["status"],
                                        at_meeting=self.meeting)


# --- Workflow ---------------------------------------------------------------------------


class SubmitView(MeetingMixin, TemplateView):
    rule = staticmethod(permissions.can_submit_minutes)
    template_name = "meetings/confirm.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=_("Submit the minutes for verification"),
            question=_("Submit the minutes of %(meeting)s to the contact person for "
                       "verification? Until they decide, the minutes cannot change.")
            % {"meeting": self.meeting}, button=_("Submit"), **kwargs)

    def post(self, request, *args, **kwargs):
        try:
            services.minutes_submit(actor=request.user, meeting=self.meeting)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The minutes were submitted for verification."))
        return HttpResponseRedirect(self.get_success_url())


class ReviewView(MeetingMixin, ServiceFormMixin, FormView):
    rule = staticmethod(permissions.can_verify_minutes)
    form_class = ReviewForm
    template_name = "components/form_page.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=_("Verify the minutes"), **kwargs)

    def perform(self, form):
        if form.cleaned_data["decision"] == "publish":
            self.success_message = _("The minutes were verified and published.")
            return services.minutes_publish(actor=self.request.user, meeting=self.meeting)
        self.success_message = _("The minutes were returned to the manager.")
        return services.minutes_return(actor=self.request.user, meeting=self.meeting,
                                       comment=form.cleaned_data["comment"])


class AmendView(MeetingMixin, ServiceFormMixin, FormView):
    """Open an amendment of published minutes (with the reason; the published
    text is kept as a version), or close the one in progress."""

    rule = staticmethod(permissions.can_amend_minutes)
    form_class = AmendForm
    template_name = "meetings/amend.html"

    def post(self, request, *args, **kwargs):
        if request.POST.get("action") == "close" and self.meeting.amendment_open:
            try:
                services.minutes_amend_close(actor=request.user, meeting=self.meeting)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("The amendment is finished and published."))
            return HttpResponseRedirect(self.get_success_url())
        return super().post(request, *args, **kwargs)

    def perform(self, form):
        self.success_message = _("The published minutes were kept as a version; edit now.")
        return services.minutes_amend_open(actor=self.request.user, meeting=self.meeting,
                                           reason=form.cleaned_data["reason"])


# --- Outputs ----------------------------------------------------------------------------


class MinutesPdfView(MeetingMixin, View):
    def get(self, request, *args, **kwargs):
        internal = permissions.can_view_meeting_internals(request.user, self.meeting)
        pdf = html_to_pdf(minutes_pdf_html(self.meeting, internal=internal))
        response = HttpResponse(pdf, content_type="application/pdf")
        day = self.meeting.starts_on.isoformat() if self.meeting.starts_on else "bez-data"
        response["Content-Disposition"] = (
            f'attachment; filename="zapis-{self.meeting.body.code}-{day}.pdf"')
        return response


def _ics_response(text, filename):
    response = HttpResponse(text.encode("utf-8"), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class MeetingIcsView(MeetingMixin, View):
    visibility = staticmethod(permissions.can_view_meeting)

    def get(self, request, *args, **kwargs):
        meeting = self.meeting
        if not meeting.days.exists():
            raise Http404
        url = request.build_absolute_uri(meeting.get_absolute_url())
        text = ical.calendar([ical.meeting_component(meeting, url=url)], name=str(meeting))
        return _ics_response(text, f"jednani-{meeting.pk}.ics")


def _feed(request, meetings, events, name):
    components = [
        ical.meeting_component(m, url=request.build_absolute_uri(m.get_absolute_url()))
        for m in meetings if list(m.days.all())
    ]
    components += [ical.event_component(e) for e in events]
    return ical.calendar(components, name=name)


def calendar_feed(request):
    text = _feed(request, selectors.calendar_meetings(), selectors.calendar_events(),
                 _("Community planning – meetings and events"))
    return _ics_response(text, "kalendar.ics")


def group_calendar_feed(request, code):
    group = get_object_or_404(WorkingGroup, code=code)
    text = _feed(request, selectors.calendar_meetings(group=group), [], group.name)
    return _ics_response(text, f"kalendar-{group.code}.ics")


# --- Dashboard --------------------------------------------------------------------------


class DashboardView(RuleRequiredMixin, TemplateView):
    rule = staticmethod(permissions.can_view_meeting_dashboard)
    template_name = "meetings/dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        request = self.request
        tasks = OpenTaskFilter(request.GET, request=request, queryset=Task.objects.none())
        minutes = MinutesToFinishFilter(request.GET, queryset=Meeting.objects.none())
        context.update(selectors.dashboard(
            request.user,
            filter_tasks=lambda queryset: tasks.filter_queryset(queryset)
            if tasks.is_valid() else queryset,
            filter_minutes=lambda queryset: minutes.filter_queryset(queryset)
            if minutes.is_valid() else queryset))
        context["filtered"] = any(request.GET.get(name) for name in (
            *tasks.filters, *minutes.filters))
        return context


# --- Events -----------------------------------------------------------------------------


class EventListView(TableListView):
    table_class = EventTable
    filterset_class = None
    export_basename = "events"
    title = gettext_lazy("Events")

    def get_queryset(self):
        return selectors.event_list()

    def get_filterset_class(self):
        return EventFilter

    def get_create_url(self):
        if permissions.can_manage_events(self.request.user):
            return reverse("meetings:event_create")
        return None


class EventCreateView(RuleRequiredMixin, ServiceFormMixin, CreateView):
    rule = staticmethod(permissions.can_manage_events)
    form_class = EventForm
    template_name = "components/form_page.html"
    extra_context = {"title": gettext_lazy("New event"),
                     "cancel_url": reverse_lazy("meetings:events")}
    success_message = gettext_lazy("The event was saved.")

    def perform(self, form):
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        return services.event_create(actor=self.request.user, **data)

    def get_success_url(self):
        return reverse("meetings:events")


class EventUpdateView(RuleRequiredMixin, ServiceFormMixin, UpdateView):
    rule = staticmethod(permissions.can_manage_events)
    rule_on_object = True
    model = Event
    form_class = EventForm
    template_name = "components/form_page.html"
    success_message = gettext_lazy("The event was saved.")

    def get_context_data(self, **kwargs):
        # An event has no page of its own: back to the list (not "../", which is none).
        return super().get_context_data(
            title=self.object.title, cancel_url=reverse("meetings:events"),
            delete_url=reverse("meetings:event_delete", args=[self.object.pk]), **kwargs)

    def perform(self, form):
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        return services.event_update(actor=self.request.user, event=self.object,
                                     expected_version=form.cleaned_data.get("version"), **data)

    def get_success_url(self):
        return reverse("meetings:events")


class EventDeleteView(RuleRequiredMixin, DetailView):
    """Delete an event after a confirmation; audited."""

    rule = staticmethod(permissions.can_manage_events)
    rule_on_object = True
    model = Event
    template_name = "meetings/confirm.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=_("Delete the event"),
            question=_("Delete the event “%(event)s”? Its record stays in the audit trail.")
            % {"event": self.object}, button=_("Delete"),
            cancel_url=reverse("meetings:event_update", args=[self.object.pk]), **kwargs)

    def post(self, request, *args, **kwargs):
        event = self.get_object()
        services.event_delete(actor=request.user, event=event)
        messages.success(request, _("The event was deleted."))
        return HttpResponseRedirect(reverse("meetings:events"))
