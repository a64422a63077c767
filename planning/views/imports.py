"""Officers upload a plan workbook: upload → preview → confirm, on
core.imports with the plan importer (planning.imports).

* GET  /plans/<code>/edit/import/          the upload form (can_edit_plan).
* POST /plans/<code>/edit/import/          the preview: what would change or be
  added, row by row, every error naming the row and the column; notices (a code
  printed twice, a name that is no organisation) beside them; nothing is saved.
* POST /plans/<code>/edit/import/confirm/  saves what the preview showed.
* GET/POST /plans/import/ and /plans/import/confirm/   a new plan from a
  workbook (can_create_plan).
* GET  /plans/import/template.xlsx         the empty workbook.
"""

import uuid

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import View

from core.exports import XLSX_CONTENT_TYPE, download
from core.imports import views as imports
from core.imports.models import PendingImport
from core.views import RuleRequiredMixin

from .. import permissions
from ..imports import PLAN_IMPORTER, plan_template_bytes
from .editor import TEMPLATES, PlanEditorMixin


def _notices(context):
    preview = context.get("preview")
    return [notice for row in (preview.rows if preview else ()) for notice in
            row.get("notices", ())]


class PlanImportMixin(PlanEditorMixin):
    importer = PLAN_IMPORTER
    template_name = TEMPLATES + "import_form.html"
    file_label = gettext_lazy("Plan workbook (XLSX)")

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
        kwargs.setdefault("notices", _notices(kwargs))
        return super().get_context_data(**kwargs)


class PlanImportView(PlanImportMixin, imports.ImportPreviewView):
    """The upload form (GET) and the preview of an upload (POST)."""


class PlanImportConfirmView(PlanImportMixin, imports.ImportConfirmView):
    """Save what the preview showed (POST only)."""


class NewPlanImportMixin(RuleRequiredMixin):
    rule = staticmethod(permissions.can_create_plan)
    importer = PLAN_IMPORTER
    template_name = TEMPLATES + "import_new_plan.html"
    file_label = gettext_lazy("Plan workbook (XLSX)")

    def import_target(self):
        return None

    def confirm_url(self, pending):
        return reverse("planning:plan_import_new_confirm")

    def cancel_url(self):
        return reverse("planning:plan_list")

    def get_context_data(self, **kwargs):
        kwargs.setdefault("title", _("New plan from a workbook"))
        kwargs.setdefault("export_url", reverse("planning:plan_import_template"))
        kwargs.setdefault("notices", _notices(kwargs))
        return super().get_context_data(**kwargs)


class NewPlanImportView(NewPlanImportMixin, imports.ImportPreviewView):
    """The upload form (GET) and the preview of a new plan (POST)."""


class NewPlanImportConfirmView(NewPlanImportMixin, imports.ImportConfirmView):
    """Create the plan the preview showed; then its editor."""

    def done_url(self):
        """The editor of the plan the preview creates (asked before the
        background job created it)."""
        try:
            pk = uuid.UUID(str(self.pending_id()))
        except ValueError:
            return self.cancel_url()
        pending = PendingImport.objects.filter(pk=pk, created_by=self.request.user).first()
        rows = pending.preview if pending else []
        code = next((row["plan"]["code"] for row in rows if row.get("kind") == "plan"), None)
        if not code:
            return self.cancel_url()
        return reverse("planning:plan_editor", args=[code])


class PlanTemplateView(RuleRequiredMixin, View):
    rule = staticmethod(permissions.can_create_plan)

    def get(self, request):
        return download(plan_template_bytes(), "plan.xlsx", XLSX_CONTENT_TYPE)
