"""Reads of the projects app: querysets with their related rows, the list's
filters and the totals computed from the rows (per call, programme, thematic
area and overall), next to the totals printed in published documents."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

import django_filters
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Sum
from django.utils.translation import gettext_lazy as _

from core import filtering
from core.autocomplete import AutocompleteFilter
from core.review import ReviewState
from indicators.models import Indicator, IndicatorKind
from indicators.selectors import with_relations
from planning.models import LevelRole, PlanItem

from . import permissions
from .autocomplete import implementers
from .models import Call, HalfYearReport, Programme, Project, ProjectStatus, StatedTotal

ZERO = Decimal("0.00")


def project_list(user):
    return (permissions.can_view_project.filter(user, Project.objects.all()).with_related()
            .prefetch_related(Prefetch("measures", queryset=PlanItem.objects.only(
                "id", "code", "title", "plan_id").order_by("code"))))


def project_detail_queryset(user=None):
    """Every project with what its page shows; visibility is checked by the
    view (404 for those who may not see it)."""
    return (Project.objects.with_related()
            .prefetch_related(
                "funding", "key_activities",
                Prefetch("measures", queryset=PlanItem.objects.select_related("plan")
                         .order_by("code")),
                # Only approved reports are public (core.review); the implementer
                # and officers follow the others on the reporting round's pages.
                Prefetch("reports", queryset=HalfYearReport.objects.filter(
                    review_state=ReviewState.APPROVED).select_related("submitted_by")
                    .order_by("number")),
            ))


def _area_choices():
    """Thematic areas with a project: a subquery, not DISTINCT over the join
    with every project."""
    with_project = Project.objects.filter(thematic_area_id=OuterRef("pk"))
    return PlanItem.objects.filter(level__role=LevelRole.AREA).filter(
        Exists(with_project)).order_by("plan", "position")


class ProjectFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    programme = filtering.ModelChoiceFilter(
        label=_("Programme"), field_name="call__programme", queryset=Programme.objects.all())
    call = filtering.ModelChoiceFilter(
        label=_("Call"), queryset=Call.objects.select_related("programme"))
    thematic_area = filtering.ModelChoiceFilter(
        label=_("Thematic area"), queryset=lambda request: _area_choices())
    implementer = AutocompleteFilter(
        kind="implementers", label=_("Implementer"),
        queryset=lambda request: implementers(getattr(request, "user", None)))
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ProjectStatus.choices)

    class Meta:
        model = Project
        fields = ["q", "programme", "call", "thematic_area", "implementer", "status"]

    def search(self, queryset, name, value):
        value = value.strip()[:200]
        if not value:
            return queryset
        return queryset.filter(Q(title__icontains=value)
                               | Q(registration_number__icontains=value)
                               | Q(implementer_text__icontains=value)
                               | Q(implementer__name__icontains=value))


# --- Totals ------------------------------------------------------------------------


@dataclass
class TotalRow:
    label: str
    amount: Decimal
    count: int


def totals_by_programme(queryset):
    """[(programme, total, count)] in programme order, from the rows: one query."""
    rows = (queryset.order_by().values("call__programme__position", "call__programme__name",
                                       "call__programme__short_name")
            .annotate(amount=Sum("total_budget"), count=Count("id"))
            .order_by("call__programme__position", "call__programme__name"))
    return [TotalRow(r["call__programme__short_name"] or r["call__programme__name"],
                     r["amount"] or ZERO, r["count"]) for r in rows]


def totals_by_call(queryset):
    rows = (queryset.order_by().values("call__programme__position", "call__programme__short_name",
                                       "call__number", "call__published_label")
            .annotate(amount=Sum("total_budget"), count=Count("id"))
            .order_by("call__programme__position", "call__number"))
    return [TotalRow(r["call__published_label"]
                     or f"{r['call__number']} {r['call__programme__short_name']}",
                     r["amount"] or ZERO, r["count"]) for r in rows]


def totals_by_area(queryset):
    rows = (queryset.order_by().values("thematic_area__plan_id", "thematic_area__position",
                                       "thematic_area__code", "thematic_area__title")
            .annotate(amount=Sum("total_budget"), count=Count("id"))
            .order_by("thematic_area__plan_id", "thematic_area__position"))
    return [TotalRow(f"{r['thematic_area__code']} {r['thematic_area__title']}".strip()
                     if r["thematic_area__title"] else str(_("No thematic area")),
                     r["amount"] or ZERO, r["count"]) for r in rows]


def grand_total(queryset):
    result = queryset.order_by().aggregate(amount=Sum("total_budget"), count=Count("id"))
    return TotalRow(str(_("Total")), result["amount"] or ZERO, result["count"])


def grand_total_of(rows):
    """`grand_total` of the rows counted by `totals_by_programme` (every
    project falls in one programme's row): no query of its own."""
    return TotalRow(str(_("Total")), sum((row.amount for row in rows), ZERO),
                    sum(row.count for row in rows))


@dataclass
class StatedComparison:
    stated: StatedTotal
    computed: Decimal

    @property
    def difference(self):
        """Stated minus computed: +0,04 Kč means the document printed more."""
        return self.stated.amount - self.computed


def stated_totals(*, plan=None):
    """Each total printed in a published document next to the sum of the
    published projects in its scope (programme and initiative): two queries.
    With `plan`, only the totals its own document printed."""
    sums = defaultdict(lambda: ZERO)
    rows = (Project.objects.published().order_by()
            .values("call__programme_id", "call__initiative")
            .annotate(amount=Sum("total_budget")))
    for row in rows:
        sums[(row["call__programme_id"], row["call__initiative"])] += row["amount"] or ZERO
    comparisons = []
    stated_rows = StatedTotal.objects.select_related("programme")
    if plan is not None:
        stated_rows = stated_rows.filter(plan=plan)
    for stated in stated_rows:
        computed = sum(
            (amount for (programme_id, initiative), amount in sums.items()
             if (stated.programme_id is None or programme_id == stated.programme_id)
             and (not stated.initiative or initiative == stated.initiative)),
            ZERO,
        )
        comparisons.append(StatedComparison(stated, computed))
    return comparisons


def project_indicators(project):
    """The project's own indicators (national code, planned, actual)."""
    indicators = list(with_relations(Indicator.objects.filter(
        kind=IndicatorKind.PROJECT, project_link__project=project)))
    for indicator in indicators:
        if not hasattr(indicator, "latest_value"):
            values = [v for v in indicator.values.all()
                      if v.territory_id == indicator.home_territory_id and v.value is not None]
            indicator.latest_value = values[-1].value if values else None
    return indicators


def impact_indicators(project):
    """Impact indicators of the specific goals above the project's measures:
    the values a half-year report brings (the form shows code, name and unit;
    the service records each value in the home territory and reads the rest
    itself). The goals are a subquery, so that no indicator is repeated: a join
    through the measures needed DISTINCT over every column, and with the
    list's eight joined relations PostgreSQL no longer reordered the joins
    (at 100x: 13 ms and 15 ms of planning, now 1 ms)."""
    return list(Indicator.objects.filter(
        kind=IndicatorKind.IMPACT, plan_item__in=project.measures.values("parent_id"),
    ).select_related("home_territory"))


def programme_list():
    """Programmes with their calls, each call with the number of its projects."""
    calls = Call.objects.annotate(project_count=Count("projects")).order_by("number")
    return Programme.objects.prefetch_related(Prefetch("calls", queryset=calls)) \
        .order_by("position", "name")
