"""Reads for planning pages and datasets. Each returns a QuerySet whose number
of SQL queries does not grow with the number of rows."""

import django_filters
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import (
    BodyKind,
    BodyStatus,
    GroupNeed,
    Membership,
    Organisation,
    OrganisationKind,
    Person,
    SupportArea,
    WorkingGroup,
)


def organisation_list():
    return Organisation.objects.with_member_group_count().order_by("name")


def person_list():
    return Person.objects.select_related("organisation")


def working_group_list():
    return (
        WorkingGroup.objects.select_related("manager", "contact_person")
        .prefetch_related("support_areas")
        .with_current_member_count()
        .order_by("kind", "name")
    )


def working_group_detail():
    return WorkingGroup.objects.select_related("manager", "contact_person").prefetch_related(
        "support_areas",
        Prefetch("needs", queryset=GroupNeed.objects.order_by("position")),
    )


def group_memberships(group):
    """All seats of a group, current first, then history (newest end first)."""
    return (
        Membership.objects.filter(body=group)
        .select_related("organisation", "member", "substitute")
        .order_by("valid_to", "organisation__name", "member__family_name", "-valid_from")
    )


def split_memberships(memberships, on=None):
    on = on or timezone.localdate()
    current, history = [], []
    for m in memberships:
        ended = m.valid_to is not None and m.valid_to <= on
        (history if ended else current).append(m)
    history.sort(key=lambda m: m.valid_to, reverse=True)
    return current, history


class OrganisationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=OrganisationKind.choices)
    legal_form = django_filters.CharFilter(label=_("Legal form"), lookup_expr="icontains")

    class Meta:
        model = Organisation
        fields = ["q", "kind", "legal_form"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(name__icontains=value) | Q(short_name__icontains=value) | Q(ico__startswith=value)
        )


class PersonFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    # A text filter, not a <select> of every organisation: that list would make
    # the page grow with the data (3 000 options at 100x the seeds).
    organisation = django_filters.CharFilter(
        label=_("Organisation"), field_name="organisation__name", lookup_expr="icontains"
    )

    class Meta:
        model = Person
        fields = ["q", "organisation"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(family_name__icontains=value)
            | Q(given_name__icontains=value)
            | Q(email__icontains=value)
        )


class WorkingGroupFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=BodyKind.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=BodyStatus.choices)
    support_area = django_filters.ModelChoiceFilter(
        label=_("Support area"), field_name="support_areas", queryset=SupportArea.objects.all()
    )

    class Meta:
        model = WorkingGroup
        fields = ["q", "kind", "status", "support_area"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(code__icontains=value))
