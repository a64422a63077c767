"""The pages that read the national register's open dataset into the
network (network/register.py): officers only, as the network workbook."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.imports import views as imports
from core.views import RuleRequiredMixin

from . import permissions
from .register import REGISTER_IMPORTER, REGISTER_URL


class RegisterImportMixin(RuleRequiredMixin):
    rule = staticmethod(permissions.can_edit_network)
    importer = REGISTER_IMPORTER
    template_name = "network/register_import.html"
    file_label = _("The register's open dataset (JSON)")

    def form(self, *args):
        form = super().form(*args)
        form.fields["file"].widget.attrs["accept"] = ".json,application/json"
        return form

    def confirm_url(self, pending):
        return reverse("network:register_import_confirm", args=[pending.pk])

    def cancel_url(self):
        return reverse("network:service_list")

    def get_context_data(self, **kwargs):
        kwargs.setdefault("title", _("Read the national register of social services"))
        kwargs.setdefault("register_url", REGISTER_URL)
        return super().get_context_data(**kwargs)


class RegisterImportView(RegisterImportMixin, imports.ImportPreviewView):
    """The upload form (GET) and the preview (POST)."""


class RegisterImportConfirmView(RegisterImportMixin, imports.ImportConfirmView):
    def pending_id(self):
        return self.kwargs["batch"]
