"""The reports' panel of the desk (core/desk.py): runs that failed lately and
runs still waiting, for officers; one query."""

import datetime
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.desk import DeskItem, Urgency, register_panel

from . import permissions
from .filters import WAITING, WAITING_STATUSES
from .models import JobStatus, ReportJob

# Failed runs older than this were seen (or retried) already.
FAILED_SHOWN_DAYS = 30


def report_runs(user, *, today):
    if not permissions.can_manage_reports(user):
        return []
    since = today - datetime.timedelta(days=FAILED_SHOWN_DAYS)
    counts = ReportJob.objects.aggregate(
        failed=Count("pk", filter=Q(status=JobStatus.FAILED, created_at__date__gte=since)),
        waiting=Count("pk", filter=Q(status__in=WAITING_STATUSES)),
    )
    manage = reverse("reports:manage")
    return [
        DeskItem(label=_("Report runs failed in the last %(days)s days")
                 % {"days": FAILED_SHOWN_DAYS},
                 url=f"{manage}?{urlencode({'status': JobStatus.FAILED})}",
                 count=counts["failed"], urgency=Urgency.URGENT),
        DeskItem(label=_("Report runs waiting or running"),
                 url=f"{manage}?{urlencode({'status': WAITING})}",
                 count=counts["waiting"], urgency=Urgency.INFO),
    ]


def register_desk():
    register_panel("reports_runs", order=40, function=report_runs,
                   title=gettext_lazy("Reports"))
