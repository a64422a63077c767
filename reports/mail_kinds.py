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
    register_topics()


def _reports(target_id):
    from django.urls import reverse

    return (str(_("Published reports")), reverse("reports:list")) if target_id == 0 else None


def _report_changes(target_id, since, until):
    from notifications.subscriptions import changed_ids

    from .models import ReportJob

    published = ReportJob.objects.published().filter(
        pk__in=changed_ids(ReportJob, since, until), published_at__gt=since,
        published_at__lte=until).order_by("published_at")
    return [str(_("Report published: %(title)s")) % {"title": job} for job in published]


def register_topics():
    registry.register_topic("reports", label=_("new published reports"), target=_reports,
                            changes=_report_changes)
