"""The filters of the directory's list pages."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core import filtering

from .models import (
    BodyKind,
    BodyStatus,
    Organisation,
    OrganisationKind,
    Person,
    SupportArea,
    Territory,
    TerritoryKind,
    WorkingGroup,
)


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
    support_area = filtering.ModelChoiceFilter(
        label=_("Support area"), field_name="support_areas", queryset=SupportArea.objects.all()
    )

    class Meta:
        model = WorkingGroup
        fields = ["q", "kind", "status", "support_area"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(code__icontains=value))


class TerritoryFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=TerritoryKind.choices)

    class Meta:
        model = Territory
        fields = ["q", "kind"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(name__icontains=value) | Q(short_name__icontains=value) | Q(code__icontains=value)
            | Q(official_code__iexact=value)
        )
