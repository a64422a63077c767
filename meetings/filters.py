import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from core.autocomplete import AutocompleteFilter
from directory.models import WorkingGroup

from . import search, selectors
from .models import Event, Meeting, MeetingKind


def _year_choices():
    return [(y, str(y)) for y in selectors.meeting_years()]


class MinutesFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search the minutes"), method="filter_q",
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    # The autocomplete: `?body=<code>` as before, or the body's exact name.
    body = AutocompleteFilter(
        kind="groups", label=_("Body"), queryset=WorkingGroup.objects.all(),
        to_field_name="code",
    )
    year = django_filters.TypedChoiceFilter(
        label=_("Year"), field_name="starts_on__year", choices=_year_choices, coerce=int,
    )
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=MeetingKind.choices)

    class Meta:
        model = Meeting
        fields = ["q", "body", "year", "kind"]

    def filter_q(self, queryset, name, value):
        return search.search(queryset, value[:200])


def _event_years():
    return [(d.year, str(d.year)) for d in Event.objects.dates("starts_on", "year", "DESC")]


class EventFilter(django_filters.FilterSet):
    year = django_filters.TypedChoiceFilter(
        label=_("Year"), field_name="starts_on__year", choices=_event_years, coerce=int,
    )

    class Meta:
        model = Event
        fields = ["year", "kind"]
