from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import NoReverseMatch, reverse, reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import CreateView, DetailView, FormView, TemplateView, UpdateView

from core.audit import audit_entries_for
from core.views import RuleRequiredMixin, ServiceFormMixin, TableListView

from . import filters, permissions, selectors, services
from .forms import (
    CityForm,
    MembershipChangeForm,
    MembershipEndForm,
    MembershipStartForm,
    OrganisationForm,
    PersonForm,
    TerritoryForm,
    WorkingGroupForm,
)
from .models import City, Membership, Organisation, Person, Territory, WorkingGroup
from .tables import OrganisationTable, PersonTable, TerritoryTable, WorkingGroupTable

# --- Organisations --------------------------------------------------------------


class OrganisationListView(TableListView):
    table_class = OrganisationTable
    filterset_class = filters.OrganisationFilter
    export_basename = "organisations"
    title = _("Organisations")

    def get_queryset(self):
        return selectors.organisation_list()

    def get_create_url(self):
        if permissions.can_edit_organisation(self.request.user):
            return reverse("directory:organisation_create")
        return None


class OrganisationDetailView(DetailView):
    template_name = "directory/organisation_detail.html"
    context_object_name = "organisation"

    def get_queryset(self):
        return Organisation.objects.all()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["memberships"] = (
            self.object.memberships.current()
            .select_related("body", "member", "substitute")
            .order_by("body__name")
        )
        return context


class OrganisationCreateView(RuleRequiredMixin, ServiceFormMixin, CreateView):
    rule = staticmethod(permissions.can_edit_organisation)
    form_class = OrganisationForm
    template_name = "components/form_page.html"
    extra_context = {"title": _("New organisation")}
    success_message = _("The organisation was saved.")

    def perform(self, form):
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        return services.organisation_create(actor=self.request.user, **data)

    def get_success_url(self):
        return reverse("directory:organisation_detail", args=[self.object.pk])


class OrganisationUpdateView(RuleRequiredMixin, ServiceFormMixin, UpdateView):
    rule = staticmethod(permissions.can_edit_organisation)
    rule_on_object = True
    model = Organisation
    form_class = OrganisationForm
    template_name = "components/form_page.html"
    success_message = _("The organisation was saved.")

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=self.object.name, **kwargs)

    def perform(self, form):
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        return services.organisation_update(
            actor=self.request.user, organisation=self.object,
            expected_version=form.cleaned_data.get("version"), **data,
        )

    def get_success_url(self):
        return reverse("directory:organisation_detail", args=[self.object.pk])


# --- People ---------------------------------------------------------------------


class PersonListView(TableListView):
    rule = staticmethod(permissions.can_view_people)
    table_class = PersonTable
    filterset_class = filters.PersonFilter
    export_basename = "people"
    title = _("People")

    def get_queryset(self):
        return selectors.person_list()

    def get_create_url(self):
        return reverse("directory:person_create")


class PersonDetailView(RuleRequiredMixin, DetailView):
    rule = staticmethod(permissions.can_view_people)
    template_name = "directory/person_detail.html"
    context_object_name = "person"

    def get_queryset(self):
        return Person.objects.select_related("organisation")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        person = self.object
        context["managed_groups"] = person.managed_groups.all()
        context["contact_groups"] = person.contact_for_groups.all()
        context["memberships"] = (
            Membership.objects.filter(member=person) | Membership.objects.filter(substitute=person)
        ).select_related("body", "organisation", "member", "substitute")
        return context


class PersonCreateView(RuleRequiredMixin, ServiceFormMixin, CreateView):
    rule = staticmethod(permissions.can_edit_person)
    form_class = PersonForm
    template_name = "components/form_page.html"
    extra_context = {"title": _("New person")}
    success_message = _("The person was saved.")

    def perform(self, form):
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        return services.person_create(actor=self.request.user, **data)

    def get_success_url(self):
        return reverse("directory:person_detail", args=[self.object.pk])


class PersonUpdateView(RuleRequiredMixin, ServiceFormMixin, UpdateView):
    rule = staticmethod(permissions.can_edit_person)
    rule_on_object = True
    model = Person
    form_class = PersonForm
    template_name = "components/form_page.html"
    success_message = _("The person was saved.")

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=self.object.full_name, **kwargs)

    def perform(self, form):
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        return services.person_update(
            actor=self.request.user, person=self.object,
            expected_version=form.cleaned_data.get("version"), **data,
        )

    def get_success_url(self):
        return reverse("directory:person_detail", args=[self.object.pk])


# --- Working groups -------------------------------------------------------------


class WorkingGroupListView(TableListView):
    table_class = WorkingGroupTable
    filterset_class = filters.WorkingGroupFilter
    export_basename = "working-groups"
    title = _("Working groups")

    def get_queryset(self):
        return selectors.working_group_list()

    def get_create_url(self):
        if permissions.can_create_working_group(self.request.user):
            return reverse("directory:group_create")
        return None


def _group_calendar_url(group):
    """The group's meetings as iCalendar, once the meetings app provides it
    (it stands above this one, so it is looked up by name)."""
    try:
        return reverse("meetings:group_calendar", args=[group.code])
    except NoReverseMatch:
        return None


class WorkingGroupDetailView(DetailView):
    template_name = "directory/group_detail.html"
    context_object_name = "group"
    slug_field = "code"
    slug_url_kwarg = "code"

    def get_queryset(self):
        return selectors.working_group_detail()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, group = self.request.user, self.object
        current, history = selectors.split_memberships(selectors.group_memberships(group))
        show_internals = permissions.can_view_group_internals(user, group)
        context.update(
            current_memberships=current,
            membership_history=history,
            show_internals=show_internals,
            # Organisation, position, since; member and substitute; actions.
            member_columns=3 + 2 * bool(show_internals)
            + bool(permissions.can_manage_membership(user, group)),
            calendar_url=_group_calendar_url(group),
        )
        if context["show_internals"]:
            context["audit_entries"] = audit_entries_for(group)[:20]
        return context


class WorkingGroupCreateView(RuleRequiredMixin, ServiceFormMixin, CreateView):
    rule = staticmethod(permissions.can_create_working_group)
    form_class = WorkingGroupForm
    template_name = "components/form_page.html"
    extra_context = {"title": _("New working group")}
    success_message = _("The working group was saved.")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["editable_fields"] = permissions.WORKING_GROUP_OFFICER_FIELDS
        return kwargs

    def perform(self, form):
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("version", "needs_text")}
        support_areas = data.pop("support_areas", [])
        return services.working_group_create(
            actor=self.request.user, support_areas=support_areas,
            needs=form.cleaned_needs(), **data,
        )

    def get_success_url(self):
        return reverse("directory:group_detail", args=[self.object.code])


class WorkingGroupUpdateView(RuleRequiredMixin, ServiceFormMixin, UpdateView):
    rule = staticmethod(permissions.can_edit_working_group)
    rule_on_object = True
    form_class = WorkingGroupForm
    template_name = "components/form_page.html"
    slug_field = "code"
    slug_url_kwarg = "code"
    success_message = _("The working group was saved.")

    def get_queryset(self):
        return selectors.working_group_detail()

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["editable_fields"] = permissions.editable_working_group_fields(
            self.request.user, self.object
        )
        return kwargs

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=self.object.name, **kwargs)

    def perform(self, form):
        data = {
            k: v for k, v in form.cleaned_data.items()
            if k in form.fields and k not in ("version", "needs_text")
        }
        support_areas = data.pop("support_areas", None)
        needs = form.cleaned_needs() if "needs_text" in form.fields else None
        return services.working_group_update(
            actor=self.request.user, group=self.object,
            expected_version=form.cleaned_data.get("version"),
            support_areas=support_areas, needs=needs, **data,
        )

    def get_success_url(self):
        return reverse("directory:group_detail", args=[self.object.code])


class GroupMembershipMixin(RuleRequiredMixin, ServiceFormMixin):
    rule = staticmethod(permissions.can_manage_membership)
    rule_on_object = True
    template_name = "components/form_page.html"

    def get_permission_object(self):
        if not hasattr(self, "_permission_object"):
            self._permission_object = get_object_or_404(WorkingGroup, code=self.kwargs["code"])
        return self._permission_object

    @property
    def group(self):
        return self.get_permission_object()

    def get_context_data(self, **kwargs):
        kwargs.setdefault("cancel_url", reverse("directory:group_detail", args=[self.group.code]))
        return super().get_context_data(**kwargs)

    def get_success_url(self):
        return reverse("directory:group_detail", args=[self.group.code])


class MembershipStartView(GroupMembershipMixin, FormView):
    form_class = MembershipStartForm
    success_message = _("The membership was added.")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=_("New member of %(group)s") % {"group": self.group.name}, **kwargs
        )

    def perform(self, form):
        return services.membership_start(actor=self.request.user, body=self.group,
                                         **form.cleaned_data)


class MembershipObjectMixin(GroupMembershipMixin):
    def dispatch(self, request, *args, **kwargs):
        self.membership = get_object_or_404(
            Membership.objects.select_related("organisation", "member", "substitute"),
            pk=kwargs["pk"], body__code=kwargs["code"],
        )
        return super().dispatch(request, *args, **kwargs)


class MembershipChangeView(MembershipObjectMixin, FormView):
    form_class = MembershipChangeForm
    success_message = _("The change of membership was recorded; the earlier record is kept.")

    def get_initial(self):
        return {"member": self.membership.member, "substitute": self.membership.substitute}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=_("Change of membership: %(who)s") % {"who": self.membership.organisation
                                                        or self.membership.member},
            **kwargs,
        )

    def perform(self, form):
        data = form.cleaned_data
        return services.membership_change(
            actor=self.request.user, membership=self.membership, on=data["on"],
            member=data["member"], substitute=data["substitute"], source=data["source"],
        )


class MembershipEndView(MembershipObjectMixin, FormView):
    form_class = MembershipEndForm
    success_message = _("The membership was ended.")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=_("End of membership: %(who)s") % {"who": self.membership.organisation
                                                     or self.membership.member},
            **kwargs,
        )

    def perform(self, form):
        return services.membership_end(
            actor=self.request.user, membership=self.membership,
            on=form.cleaned_data["on"], source=form.cleaned_data["source"],
        )



# --- Territories ----------------------------------------------------------------


class TerritoryListView(TableListView):
    rule = staticmethod(permissions.can_edit_territories)
    table_class = TerritoryTable
    filterset_class = filters.TerritoryFilter
    export_basename = "territories"
    title = _("Territories")

    def get_queryset(self):
        return selectors.territory_list()

    def get_create_url(self):
        return reverse("directory:territory_create")


class TerritoryCreateView(RuleRequiredMixin, ServiceFormMixin, CreateView):
    rule = staticmethod(permissions.can_edit_territories)
    form_class = TerritoryForm
    template_name = "components/form_page.html"
    extra_context = {"title": _("New territory"),
                     "cancel_url": reverse_lazy("directory:territory_list")}
    success_message = _("The territory was saved.")

    def perform(self, form):
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        return services.territory_create(actor=self.request.user, **data)

    def get_success_url(self):
        return reverse("directory:territory_list")


class TerritoryUpdateView(RuleRequiredMixin, ServiceFormMixin, UpdateView):
    rule = staticmethod(permissions.can_edit_territories)
    model = Territory
    form_class = TerritoryForm
    template_name = "directory/territory_form.html"
    success_message = _("The territory was saved.")

    def get_context_data(self, **kwargs):
        # A territory has no page of its own: back to the list (not "../", which is none).
        return super().get_context_data(title=self.object.name,
                                        cancel_url=reverse("directory:territory_list"), **kwargs)

    def perform(self, form):
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        return services.territory_update(
            actor=self.request.user, territory=self.object,
            expected_version=form.cleaned_data.get("version"), **data,
        )

    def get_success_url(self):
        return reverse("directory:territory_list")


class TerritoryDeleteView(RuleRequiredMixin, TemplateView):
    """A confirmation page; the POST deletes, or says why the territory stays."""

    rule = staticmethod(permissions.can_edit_territories)
    template_name = "directory/territory_delete.html"

    def dispatch(self, request, *args, **kwargs):
        self.territory = get_object_or_404(Territory, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(territory=self.territory, **kwargs)

    def post(self, request, *args, **kwargs):
        try:
            services.territory_delete(actor=request.user, territory=self.territory)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return HttpResponseRedirect(
                reverse("directory:territory_update", args=[self.territory.pk]))
        messages.success(request, _("The territory “%(name)s” was deleted.") % {
            "name": self.territory.name})
        return HttpResponseRedirect(reverse("directory:territory_list"))


# --- The city -------------------------------------------------------------------


class CitySettingsView(RuleRequiredMixin, ServiceFormMixin, FormView):
    """The city's one row: created on the first save, edited afterwards."""

    rule = staticmethod(permissions.can_edit_city)
    form_class = CityForm
    template_name = "components/form_page.html"
    success_message = _("The city settings were saved.")

    def dispatch(self, request, *args, **kwargs):
        self.city = City.objects.order_by("pk").first()
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.city
        return kwargs

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=_("City settings"), cancel_url=reverse("core:home"),
                                        **kwargs)

    def perform(self, form):
        data = {k: v for k, v in form.cleaned_data.items()
                if k not in ("version", "logo", "remove_logo")}
        try:
            return services.city_save(
                actor=self.request.user, city=self.city,
                expected_version=form.cleaned_data.get("version") if self.city else None,
                logo=form.cleaned_data.get("logo"),
                remove_logo=form.cleaned_data.get("remove_logo", False), **data,
            )
        except ValidationError as error:
            if not hasattr(error, "error_dict") and error.code in (
                    "type", "too_large", "empty", "unreadable", "required"):
                raise ValidationError({"logo": error.messages}) from None
            raise

    def get_success_url(self):
        return reverse("directory:city_settings")


class CityLogoView(View):
    """The city's logo, for the header of every page: a PNG or JPEG checked by
    its content on upload, served from MEDIA_ROOT by the portal."""

    def get(self, request):
        city = selectors.current_city(request=request)
        if city is None or not city.logo:
            raise Http404
        try:
            handle = city.logo.open("rb")
        except (FileNotFoundError, OSError):
            raise Http404 from None
        types = {"png": "image/png", "jpeg": "image/jpeg"}
        if city.logo_type not in types:
            raise Http404
        response = FileResponse(handle, content_type=types[city.logo_type])
        response["X-Content-Type-Options"] = "nosniff"
        # The address carries the city's version (?v=), so a new logo is a new address.
        response["Cache-Control"] = "public, max-age=86400"
        return response
