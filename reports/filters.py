import django_filters
from django.utils.translation import gettext_lazy as _

from .models import JobStatus, ReportJob

WAITING = "waiting"
WAITING_STATUSES = (JobStatus.QUEUED, JobStatus.RUNNING)


class ReportJobFilter(django_filters.FilterSet):
    """The officers' list of report runs by status; `waiting` is a run not
    finished yet (queued or running), as the desk counts it."""

    status = django_filters.ChoiceFilter(
        label=_("Status"), method="filter_status",
        choices=[(WAITING, _("waiting or running")), *JobStatus.choices],
    )

    class Meta:
        model = ReportJob
        fields = ["status"]

    def filter_status(self, queryset, name, value):
        if value == WAITING:
            return queryset.filter(status__in=WAITING_STATUSES)
        return queryset.filter(status=value)
