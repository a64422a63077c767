"""Participation pages: the bodies a user may follow, one body's attendance
over its last meetings with its absence alerts, and the yearly table of
organisations × meetings (also as XLSX)."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from core.exports import xlsx_response
from core.views import RuleRequiredMixin, deny
from directory.models import WorkingGroup

from . import participation, permissions


class ParticipationIndexView(RuleRequiredMixin, TemplateView):
    rule = staticmethod(permissions.can_view_participation_overview)
    template_name = "meetings/participation/index.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        groups = permissions.can_view_participation.filter(
            self.request.user, WorkingGroup.objects.all())
        context["groups"] = list(participation.groups_with_seats(groups))
        return context


class GroupParticipationMixin:
    """The body of the URL, for its manager, contact person and officers."""

    def dispatch(self, request, *args, **kwargs):
        self.group = get_object_or_404(WorkingGroup, code=kwargs["code"])
        if not permissions.can_view_participation(request.user, self.group):
            return deny(request)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        kwargs.setdefault("group", self.group)
        kwargs.setdefault("years", participation.years_of(self.group))
        return super().get_context_data(**kwargs)


class ParticipationView(GroupParticipationMixin, TemplateView):
    template_name = "meetings/participation/group.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        try:
            count = int(self.request.GET.get("n", participation.LAST_MEETINGS_DEFAULT))
        except ValueError:
            count = participation.LAST_MEETINGS_DEFAULT
        if count not in participation.LAST_MEETINGS_CHOICES:
            count = participation.LAST_MEETINGS_DEFAULT
        context.update(
            count=count,
            count_choices=participation.LAST_MEETINGS_CHOICES,
            table=participation.participation_table(
                self.group, participation.last_meetings(self.group, count)),
            alerts=list(participation.alerts_of(self.group)),
            alert_streak=participation.ALERT_STREAK,
        )
        return context


class YearMixin(GroupParticipationMixin):
    def dispatch(self, request, *args, **kwargs):
        if not 1900 <= kwargs["year"] <= 2999:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def year_table(self):
        meetings = participation.counted_meetings(self.group).filter(
            held_on__year=self.kwargs["year"])
        return participation.participation_table(self.group, meetings)


class ParticipationYearView(YearMixin, TemplateView):
    template_name = "meetings/participation/year.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(year=self.kwargs["year"], table=self.year_table())
        return context


class ParticipationYearXlsxView(YearMixin, View):
    def get(self, request, *args, **kwargs):
        table = self.year_table()
        header, rows = participation.table_rows(table)
        year = self.kwargs["year"]
        return xlsx_response(f"ucast-{self.group.code}-{year}.xlsx", header, rows,
                             sheet_title=_("Participation %(year)s") % {"year": year})
