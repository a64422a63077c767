"""Indicators, specific goals and measures for the autocomplete (core.autocomplete):
each user gets only the indicators they may see (can_view_indicator) and the
specific goals and measures of the plans they may see."""

from django.db.models import Q

from core import autocomplete
from planning.models import LevelRole, PlanItem
from planning.permissions import plans_visible_to

from .models import Indicator
from .permissions import can_view_indicator
from .selectors import LIST_ORDER


def _indicators(user):
    return can_view_indicator.filter(user, Indicator.objects.all()).order_by(*LIST_ORDER)


def _search_indicators(queryset, term):
    return queryset.filter(Q(code__istartswith=term) | Q(name__icontains=term)
                           | Q(national_code=term) | Q(slug__iexact=term))


def _exact_indicator(queryset, text):
    found = queryset.filter(slug__iexact=text)
    return found if found.exists() else queryset.filter(Q(code__iexact=text)
                                                        | Q(name__iexact=text))


def _goals(user):
    return (PlanItem.objects.filter(level__role=LevelRole.SPECIFIC_GOAL,
                                    plan__in=plans_visible_to(user))
            .select_related("plan").order_by("plan__code", "position", "code", "pk"))


def _measures(user):
    return (PlanItem.objects.filter(level__role=LevelRole.MEASURE,
                                    plan__in=plans_visible_to(user))
            .select_related("plan").order_by("plan__code", "position", "code", "pk"))


def goal_label(item):
    return f"{item.plan.code}: {item.code} {item.title}"[:160]


def _search_goals(queryset, term):
    return queryset.filter(Q(code__istartswith=term) | Q(title__icontains=term)
                           | Q(plan__code__iexact=term))


def _exact_goal(queryset, text):
    plan_code, _colon, rest = text.partition(":")
    if rest:
        code = rest.strip().split(" ", 1)[0]
        found = queryset.filter(plan__code__iexact=plan_code.strip(), code__iexact=code)
        if found.exists():
            return found
    return queryset.filter(Q(code__iexact=text) | Q(title__iexact=text))


def register():
    autocomplete.register(autocomplete.Kind(
        name="indicators", queryset=_indicators, search=_search_indicators,
        exact=_exact_indicator, label=lambda i: f"{i.code} {i.name}"[:160], czech=False))
    autocomplete.register(autocomplete.Kind(
        name="specific-goals", queryset=_goals, search=_search_goals, exact=_exact_goal,
        label=goal_label, czech=False))
    # Measures are plan items as the specific goals are: picked the same way.
    autocomplete.register(autocomplete.Kind(
        name="measures", queryset=_measures, search=_search_goals, exact=_exact_goal,
        label=goal_label, czech=False))
