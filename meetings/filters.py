import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.autocomplete import AutocompleteFilter
from directory.models import WorkingGroup
from directory.permissions import managed_group_ids

from . import search, selectors
from .models import Event, Meeting, MeetingKind, MinutesStatus, Task


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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The years read once: a callable's choices are read again each time
        # the select is asked (whether it is required, then its options).
        self.filters["year"].extra["choices"] = _year_choices()

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


class OpenTaskFilter(django_filters.FilterSet):
    """The dashboard's open tasks: the user's own or their managed groups',
    past their deadline or not. Needs `request` (whose user "mine" means)."""

    MINE = "mine"
    MANAGED = "managed"

    scope = django_filters.ChoiceFilter(
        label=_("Whose"), method="filter_scope",
        choices=[(MINE, _("yours")), (MANAGED, _("of the groups you manage"))])
    overdue = django_filters.BooleanFilter(label=_("Past the deadline"), method="filter_overdue")

    class Meta:
        model = Task
        fields = ["scope", "overdue"]

    def filter_scope(self, queryset, name, value):
        user = self.request.user
        if value == self.MINE:
            own = selectors.own_tasks_condition(user)
            return queryset.filter(own) if own is not None else queryset.none()
        return queryset.filter(meeting__body_id__in=managed_group_ids(user))

    def filter_overdue(self, queryset, name, value):
        past = {"deadline__lt": timezone.localdate()}
        return queryset.filter(**past) if value else queryset.exclude(**past)


class MinutesToFinishFilter(django_filters.FilterSet):
    """The dashboard's minutes to finish: still to be written, or returned."""

    minutes_status = django_filters.ChoiceFilter(
        label=_("Minutes"), choices=[(MinutesStatus.DRAFT, _("to be written")),
                                     (MinutesStatus.RETURNED, _("returned for corrections"))])

    class Meta:
        model = Meeting
        fields = ["minutes_status"]
