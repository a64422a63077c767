"""The e-mails about report runs (notifications)."""

from django.utils.translation import gettext_lazy as _

from accounts.permissions import is_city_officer
from notifications import registry

REPORT_READY = "report_ready"
REPORT_FAILED = "report_failed"


def register():
    registry.register(REPORT_READY, label=_("Scheduled report ready"),
                      may_receive=is_city_officer)
    registry.register(REPORT_FAILED, label=_("Report run failed"), may_receive=is_city_officer)
