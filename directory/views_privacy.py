"""The privacy notice (public) and the administrator's editing of it."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
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
        person = get_object_or_404(Person, pk=pk)
        _person, user = personal_data.person_or_user(person_id=person.pk)
        content = personal_data.person_export_bytes(actor=request.user, person=person,
                                                    user=user)
        response = HttpResponse(content, content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="person-{person.pk}.zip"'
        response["Cache-Control"] = "no-store"
        return response
