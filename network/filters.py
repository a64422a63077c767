import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import filtering
from core.autocomplete import AutocompleteFilter
from directory.models import Organisation, SupportArea

from .models import (
    CapacityUnit,
    RequestKind,
    RequestState,
    ServiceCategory,
    ServiceForm,
    ServiceKind,
    ServiceVersion,
    TargetGroup,
    UpdateRequest,
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None, format="%Y-%m-%d"):  # noqa: A002 - Django's name
        super().__init__(attrs, format=format)


class NetworkFilter(django_filters.FilterSet):
    """The network on a day (today unless `date` is given), searched by text
    and narrowed by kind, area, target group, form and provider."""

    q = django_filters.CharFilter(label=_("Search"), method="search")
    date = django_filters.DateFilter(label=_("Network as of"), method="as_of",
                                     widget=DateInput())
    category = django_filters.ChoiceFilter(label=_("Category"), field_name="service__category",
                                           choices=ServiceCategory.choices)
    kind = filtering.ModelChoiceFilter(label=_("Kind of service"),
                                            field_name="service__kind",
                                            queryset=ServiceKind.objects.all())
    area = filtering.ModelChoiceFilter(label=_("Support area"),
                                            field_name="support_areas",
                                            queryset=SupportArea.objects.all())
    target_group = filtering.ModelChoiceFilter(label=_("Target group"),
                                                    field_name="target_groups",
                                                    queryset=TargetGroup.objects.all())
    form = django_filters.ChoiceFilter(label=_("Form"), field_name="form_rows__form",
                                       choices=ServiceForm.choices)
    provider = AutocompleteFilter(kind="organisations", label=_("Provider"),
                                  field_name="service__provider",
                                  queryset=lambda request: Organisation.objects.all())
    unit = filtering.ModelChoiceFilter(label=_("Capacity unit"),
                                            field_name="capacity_unit",
                                            queryset=CapacityUnit.objects.all())

    class Meta:
        model = ServiceVersion
        fields = ["q", "date", "category", "kind", "area", "target_group", "form", "provider",
                  "unit"]

    @property
    def qs(self):
        # django-filter filters only a bound set; without any parameter the
        # list still shows the network of today, not every version ever.
        if not self.is_bound and not hasattr(self, "_qs"):
            self._qs = self.queryset.all().valid_on(timezone.localdate())
        return super().qs

    def filter_queryset(self, queryset):
        day = self.form.cleaned_data.get("date") or timezone.localdate()
        return super().filter_queryset(queryset.valid_on(day))

    def as_of(self, queryset, name, value):
        return queryset  # applied in filter_queryset, also when no date is given

    def search(self, queryset, name, value):
        value = value.strip()[:200]
        if not value:
            return queryset
        return queryset.filter(Q(service__name__icontains=value)
                               | Q(service__register_id__icontains=value)
                               | Q(service__provider__name__icontains=value)
                               | Q(service__provider__ico=value)
                               | Q(territory_text__icontains=value))


class UpdateRequestFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(label=_("Year of the change"),
                                       field_name="effective_from__year")
    state = django_filters.ChoiceFilter(label=_("State"), choices=RequestState.choices)
    kind = django_filters.ChoiceFilter(label=_("Kind of change"), choices=RequestKind.choices)
    provider = AutocompleteFilter(kind="organisations", label=_("Provider"),
                                  field_name="provider",
                                  queryset=lambda request: Organisation.objects.all())

    class Meta:
        model = UpdateRequest
        fields = ["year", "state", "kind", "provider"]
