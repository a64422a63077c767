"""Officers upload an edited plan sheet (the XLSX export): upload → preview →
confirm, on core.imports with the plan importer (planning.imports). Gated by
planning.permissions.can_edit_plan.

* GET  /plans/<code>/edit/import/          the upload form.
* POST /plans/<code>/edit/import/          the preview: what would change, row by
  row, every error naming the row and the column; nothing is saved.
* POST /plans/<code>/edit/import/confirm/  saves what the preview showed.
"""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.imports import views as imports

from ..imports import PLAN_IMPORTER
from .editor import TEMPLATES, PlanEditorMixin


class PlanImportMixin(PlanEditorMixin):
    importer = PLAN_IMPORTER
    template_name = TEMPLATES + "import_form.html"
    file_label = gettext_lazy("Edited plan sheet (XLSX)")

    def import_target(self):
        return self.plan

    def confirm_url(self, pending):
        return reverse("planning:plan_import_confirm", args=[self.plan.code])

    def cancel_url(self):
        return self.editor_url()

    def get_context_data(self, **kwargs):
        kwargs.setdefault("title", _("Import %(plan)s from XLSX") % {"plan": self.plan})
        kwargs.setdefault("export_url", reverse("planning:plan_export_xlsx",
                                                args=[self.plan.code]))
        return super().get_context_data(**kwargs)


class PlanImportView(PlanImportMixin, imports.ImportPreviewView):
    """The upload form (GET) and the preview of an upload (POST)."""


class PlanImportConfirmView(PlanImportMixin, imports.ImportConfirmView):
    """Save what the preview showed (POST only)."""
