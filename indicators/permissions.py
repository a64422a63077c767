"""Who may see indicators and report or edit their values. Each rule is
written once and serves both the object check and the queryset filter."""

from django.db.models import F, Q
from django.db.models.lookups import In

from accounts.permissions import implementer_organisation_id, is_city_officer
from core import rules
from planning.models import PUBLIC_PLAN_STATUSES, PlanItem

from .models import Indicator, IndicatorKind


def _in_public_plan():
    """The indicator is listed in a published plan (a subquery, not a join
    that would repeat it once per plan)."""
    return In(F("pk"), Indicator.plans.through.objects.filter(
        plan__status__in=PUBLIC_PLAN_STATUSES).order_by().values("indicator_id"))


def _of_public_plan_item():
    """The indicator measures a specific goal of a published plan."""
    return In(F("plan_item_id"), PlanItem.objects.filter(
        plan__status__in=PUBLIC_PLAN_STATUSES).order_by().values("pk"))


def _of_published_project():
    """The indicator is reported by a published project."""
    return In(F("pk"), Indicator.objects.filter(
        project_link__project__is_published=True).order_by().values("pk"))


@rules.rule()
def can_view_indicator(user):
    """Indicators of a published plan (directly, or through a specific goal)
    or of a published project are public; drafts only for officers (others
    get 404, so a draft does not leak). The project side of the link is kept
    by the projects app (projects.ProjectIndicator). Each condition is an
    uncorrelated `IN (subquery)`, which PostgreSQL hashes once, instead of
    outer joins to projects, plan items and plans: the public list's status
    counts over 5,900 indicators 41 -> 11 ms (EXPLAIN ANALYZE, load 4)."""
    if is_city_officer(user):
        return rules.ALL
    return (Q(Q(kind=IndicatorKind.PROJECT), Q(_of_published_project()))
            | Q(_of_public_plan_item())
            | Q(_in_public_plan()))


@rules.rule(memoise=True, distinct=True)
def can_report_indicator(user):
    """Values: officers for every indicator; an implementer for the impact
    indicators of the specific goals of its own measures and for the
    indicators of its own projects (their ids asked once per request)."""
    if is_city_officer(user):
        return rules.ALL
    organisation_id = implementer_organisation_id(user)
    if not organisation_id:
        return rules.NONE
    return (Q(kind=IndicatorKind.IMPACT, plan_item__children__implementers__id=organisation_id)
            | Q(kind=IndicatorKind.PROJECT,
                project_link__project__implementer_id=organisation_id))


def can_edit_indicator(user, indicator=None):
    """Definitions, targets, commentary and any value: officers."""
    return is_city_officer(user)


def can_import_indicator_values(user):
    """The value workbook: officers and implementers (each for what they may report)."""
    return is_city_officer(user) or bool(implementer_organisation_id(user))


def can_import_indicator_definitions(user):
    """The definitions workbook (export, template, import): officers."""
    return is_city_officer(user)


def register():
    rules.register(
        view_indicator=can_view_indicator,
        edit_indicator=can_edit_indicator,
        report_indicator=can_report_indicator,
        import_indicator_values=can_import_indicator_values,
        import_indicator_definitions=can_import_indicator_definitions,
    )
