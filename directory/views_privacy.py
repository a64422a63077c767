"""The privacy notice (public) and the administrator's editing of it."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, TemplateView

from core.views import RuleRequiredMixin, ServiceFormMixin

from . import permissions, personal_data, privacy, selectors
from .forms import PrivacyDataKindForm, PrivacyNoticeForm
from .models import Person, PrivacyDataKind
from .views_accessibility import CityRequiredMixin


class PrivacyNoticeView(TemplateView):
    template_name = "directory/privacy/notice.html"

    def get_context_data(self, **kwargs):
        city = selectors.current_city(request=self.request)
        return super().get_context_data(
            notice=privacy.notice_for(city),
            kinds=list(privacy.data_kinds(city)) if city else [],
            may_edit=permissions.can_edit_privacy_notice(self.request.user),
            **kwargs,
        )


class PrivacyNoticeEditView(CityRequiredMixin, RuleRequiredMixin, ServiceFormMixin, FormView):
    rule = staticmethod(permissions.can_edit_privacy_notice)
    form_class = PrivacyNoticeForm
    template_name = "components/form_page.html"
    success_message = gettext_lazy("The privacy notice was saved.")

    def get_form_kwargs(self):
        self.notice = privacy.notice_for(self.city)
        return {**super().get_form_kwargs(), "instance": self.notice}

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=_("Edit the privacy notice"),
                                        cancel_url=reverse("directory:privacy"), **kwargs)

    def perform(self, form):
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        return privacy.notice_save(
            actor=self.request.user, city=self.city, notice=self.notice,
            expected_version=form.cleaned_data.get("version") if self.notice else None, **data)

    def get_success_url(self):
        return reverse("directory:privacy")


class PrivacyDataKindCreateView(CityRequiredMixin, RuleRequiredMixin, ServiceFormMixin,
                                FormView):
    rule = staticmethod(permissions.can_edit_privacy_notice)
    form_class = PrivacyDataKindForm
    template_name = "components/form_page.html"
    success_message = gettext_lazy("The kind of personal data was saved.")

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=_("New kind of personal data"),
                                        cancel_url=reverse("directory:privacy"), **kwargs)

    def perform(self, form):
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        return privacy.data_kind_create(actor=self.request.user, city=self.city, **data)

    def get_success_url(self):
        return reverse("directory:privacy")


class PrivacyDataKindUpdateView(RuleRequiredMixin, ServiceFormMixin, FormView):
    rule = staticmethod(permissions.can_edit_privacy_notice)
    form_class = PrivacyDataKindForm
    template_name = "components/form_page.html"
    success_message = gettext_lazy("The kind of personal data was saved.")

    def dispatch(self, request, *args, **kwargs):
        self.kind = get_object_or_404(PrivacyDataKind, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.kind}

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=self.kind.name_cs,
                                        cancel_url=reverse("directory:privacy"), **kwargs)

    def perform(self, form):
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        return privacy.data_kind_update(actor=self.request.user, kind=self.kind,
                                        expected_version=form.cleaned_data.get("version"),
                                        **data)

    def get_success_url(self):
        return reverse("directory:privacy")


class PersonExportView(RuleRequiredMixin, View):
    """The administrator's action: everything held about a person, as the
    zip of `manage.py export_person`. Audited."""

    rule = staticmethod(permissions.can_export_personal_data)

    def get(self, request, pk):
        person = Person.objects.filter(pk=pk).first()
        if person is None:
            return render(request, "directory/privacy/export_missing.html", {"missing": _(
                "There is no person with the number %(pk)s in the directory; nothing was "
                "exported.") % {"pk": pk}}, status=404)
        _person, user = personal_data.person_or_user(person_id=person.pk)
        content = personal_data.person_export_bytes(actor=request.user, person=person,
                                                    user=user)
        response = HttpResponse(content, content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="person-{person.pk}.zip"'
        response["Cache-Control"] = "no-store"
        return response


class PersonAnonymiseView(RuleRequiredMixin, View):
    """The administrator's action for a person who left: a confirmation page,
    then (POST) `personal_data.person_anonymise`, as `manage.py
    anonymise_person`."""

    rule = staticmethod(permissions.can_anonymise_personal_data)
    template_name = "directory/privacy/anonymise_confirm.html"

    def dispatch(self, request, *args, **kwargs):
        if not self.rule(request.user):
            return super().dispatch(request, *args, **kwargs)
        self.person = Person.objects.filter(pk=kwargs["pk"]).select_related(
            "organisation").first()
        if self.person is None:
            return render(request, self.template_name, {"missing": _(
                "There is no person with the number %(pk)s in the directory; nothing was "
                "changed.") % {"pk": kwargs["pk"]}}, status=404)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, pk):
        return render(request, self.template_name, {
            "person": self.person, "label": self.person.anonymous_label,
            "cancel_url": self.person.get_absolute_url()})

    def post(self, request, pk):
        try:
            personal_data.person_anonymise(actor=request.user, person=self.person)
        except personal_data.AlreadyAnonymised:
            messages.info(request, _("The person was anonymised before; nothing was changed."))
        else:
            messages.success(request, _(
                "The person was anonymised: their contact data were deleted and their name is "
                "replaced by “%(label)s” outside published minutes.")
                % {"label": self.person.anonymous_label})
        return redirect(self.person.get_absolute_url())
