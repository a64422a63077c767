"""The audit trail for officers (core.AuditEntry): who changed what and when."""

from django.utils.translation import gettext_lazy as _

from . import rules
from .selectors import AuditEntryFilter, audit_entries
from .tables import AuditEntryTable
from .views import TableListView


def can_view_audit_trail(user):
    """Asked by name: the accounts app registers who may (core knows no roles)."""
    return rules.check("view_audit_trail", user)


class AuditTrailView(TableListView):
    """Every audit entry, filtered by person, kind of record, record, action
    and dates, one page at a time, and every matching entry as CSV or XLSX."""

    rule = staticmethod(can_view_audit_trail)
    table_class = AuditEntryTable
    filterset_class = AuditEntryFilter
    export_basename = "audit-trail"
    title = _("Audit trail")

    def get_queryset(self):
        return audit_entries()
