"""Reads of indicators: what each page lists, with its related rows fetched
in a fixed number of queries whatever the data size."""

import django_filters
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.utils.translation import gettext_lazy as _

from core import filtering
from core.review import ReviewState
from planning.models import PUBLIC_PLAN_STATUSES, LevelRole, Plan, PlanItem

from .models import (
    Indicator,
    IndicatorKind,
    IndicatorTarget,
    IndicatorValue,
    IndicatorValuePart,
    Status,
)
from .permissions import can_report_indicator, can_view_indicator
from .status import assess

# Printed order where the plan gives one, else the code's natural order (G2
# before G10, 2.1.3 before 2.1.10): Indicator.sort_key, kept by the services.
LIST_ORDER = ("kind", "position", "sort_key", "id")


def values_prefetch():
    """The approved values only (core.review): what the public pages, the
    statuses, downloads and reports show."""
    return Prefetch(
        "values",
        queryset=IndicatorValue.objects.filter(review_state=ReviewState.APPROVED)
        .select_related("territory").prefetch_related("parts").chronological(),
    )


def with_relations(queryset):
    """What an indicator's line shows, fetched with it: territories, the
    specific goal, the project of a project indicator and the values."""
    return queryset.select_related(
        "home_territory", "comparison_territory", "plan_item__plan", "plan_item__parent__parent",
        "project_link__project",
    ).prefetch_related(values_prefetch(), "targets")


def indicator_list(*, user):
    """Every indicator the user may read, with values for the status sentence.
    The specific goal and its plan come in a query of their own for the page's
    rows, so that the ordered scan over every visible indicator stays narrow."""
    visible = can_view_indicator.filter(user, Indicator.objects.all())
    return (visible.select_related("home_territory", "comparison_territory",
                                   "project_link__project")
            .prefetch_related(Prefetch("plan_item", queryset=PlanItem.objects.select_related(
                "plan", "parent__parent")), values_prefetch(), "targets")
            .order_by(*LIST_ORDER))


# What a line of the public list (indicators.tables.IndicatorTable, its
# downloads too) reads of an indicator and of its values: the code, name,
# kind and status, the unit of a value, the territories that split the values
# into home and comparison; the value as printed, its period and baseline.
TABLE_FIELDS = ("code", "slug", "name", "kind", "unit", "status", "home_territory_id",
                "comparison_territory_id")
TABLE_VALUE_FIELDS = ("indicator_id", "territory_id", "period_start", "period_end",
                      "period_text", "value", "available", "is_estimate", "is_composite",
                      "rank", "rank_scope", "value_text", "is_baseline")


def indicator_table(*, user):
    """Every indicator the user may read, with only what the list's line
    shows: the fields above, the approved values as `approved_values` (no
    territory rows: the line tells home from comparison by id), their parts
    and the targets as `target_list` - plain lists, not a related manager and
    a filtered queryset per indicator. The parts and targets are ordered by
    their own position, not through their value's and indicator's ordering
    (which joins both tables)."""
    visible = can_view_indicator.filter(user, Indicator.objects.all())
    values = (IndicatorValue.objects.filter(review_state=ReviewState.APPROVED)
              .only(*TABLE_VALUE_FIELDS).chronological()
              .prefetch_related(Prefetch(
                  "parts", queryset=IndicatorValuePart.objects.order_by("value_id", "position"))))
    return (visible.only(*TABLE_FIELDS)
            .prefetch_related(Prefetch("values", queryset=values, to_attr="approved_values"),
                              Prefetch("targets", to_attr="target_list",
                                       queryset=IndicatorTarget.objects.order_by(
                                           "indicator_id", "position")))
            .order_by(*LIST_ORDER))


def indicator_detail(*, slug, user):
    """One indicator for its page, or None if it is missing or not the user's
    to read."""
    queryset = can_view_indicator.filter(user, Indicator.objects.all()).filter(slug=slug)
    return (with_relations(queryset).select_related("responsible")
            .prefetch_related("plans").first())


def plan_indicators(plan):
    """The indicators of one plan (listed in it, or measuring one of its
    specific goals), in printed order, then by code."""
    return (Indicator.objects.filter(in_plan_condition(plan))
            .order_by("position", "sort_key", "id"))


def in_plan_condition(plan):
    """Listed in `plan` or measuring one of its specific goals: a condition
    with a subquery, so that no row is repeated (no DISTINCT needed)."""
    listed = Indicator.plans.through.objects.filter(indicator_id=OuterRef("pk"), plan=plan)
    return Q(plan_item__plan=plan) | Q(Exists(listed))


def status_counts(queryset):
    """{status: count} over a filtered list, one query."""
    rows = (queryset.order_by().values("status").annotate(n=Count("id")))
    counts = {status: 0 for status in Status.values}
    for row in rows:
        counts[row["status"]] = row["n"]
    return counts


def reportable_indicators(user):
    """The indicators whose values the user may enter: all for officers, the
    own ones for an implementer."""
    queryset = can_report_indicator.filter(user, Indicator.objects.all())
    return with_relations(queryset).order_by(*LIST_ORDER)


def with_assessment(indicators):
    """Attach `.assessment` (status and sentence) to each prefetched indicator."""
    indicators = list(indicators)
    for indicator in indicators:
        indicator.assessment = assess(indicator, list(indicator.values.all()))
    return indicators


def _public_plans():
    return Plan.objects.filter(status__in=PUBLIC_PLAN_STATUSES)


class IndicatorFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    plan = filtering.ModelChoiceFilter(label=_("Plan"), queryset=_public_plans(),
                                       method="in_plan", to_field_name="code")
    area = filtering.ModelChoiceFilter(
        label=_("Thematic area"), method="in_area",
        queryset=PlanItem.objects.filter(level__role=LevelRole.AREA,
                                         plan__status__in=PUBLIC_PLAN_STATUSES)
        .select_related("plan").order_by("plan_id", "position"),
    )
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=IndicatorKind.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Status.choices)

    class Meta:
        model = Indicator
        fields = ["q", "plan", "area", "kind", "status"]

    def search(self, queryset, name, value):
        value = value.strip()[:100]
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(code__iexact=value)
                               | Q(national_code__iexact=value))

    def in_plan(self, queryset, name, plan):
        return queryset.filter(in_plan_condition(plan))

    def in_area(self, queryset, name, area):
        return queryset.filter(Q(plan_item=area) | Q(plan_item__parent=area)
                               | Q(plan_item__parent__parent=area))


def organisation_paths():
    """(indicator kind, path from an indicator to its implementing
    organisation): a project's implementer, the implementers of the measures
    under an impact indicator's specific goal. The reporting rounds derive
    who owes what along the same paths."""
    return ((IndicatorKind.PROJECT, "project_link__project__implementer_id"),
            (IndicatorKind.IMPACT, "plan_item__children__implementer_links__organisation_id"))
