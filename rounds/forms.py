from django import forms
from django.utils.translation import gettext_lazy as _

from core.autocomplete import AutocompleteField, AutocompleteMultipleField
from core.forms import PortalForm
from directory.models import Organisation
from indicators.models import Indicator
from planning.models import LevelRole, Plan, PlanItem
from projects.forms import DateInput
from projects.models import Project

from .models import ObligationKind, RoundKind
from .selectors import MISSING, STATES

SLOTS = 6


def state_label(state):
    from core.review import ReviewState

    return _("missing") if state == MISSING else ReviewState(state).label


class RoundForm(PortalForm):
    """A new round: what it covers, by plan, indicator, measure or project."""

    title = forms.CharField(label=_("Title"), max_length=200,
                            help_text=_("E.g. Pololetí 1/2025."))
    kind = forms.ChoiceField(label=_("Kind"), choices=RoundKind.choices)
    period_start = forms.DateField(label=_("Period from"), widget=DateInput())
    period_end = forms.DateField(label=_("Period to"), widget=DateInput())
    deadline = forms.DateField(label=_("Deadline"), widget=DateInput())
    plans = forms.ModelMultipleChoiceField(
        label=_("Plans"), required=False, widget=forms.CheckboxSelectMultiple,
        queryset=Plan.objects.order_by("code"),
        help_text=_("Every indicator of the plan and every project of its measures."))
    # Picked by the autocomplete, a few at a time, so that the page stays the
    # same size whatever the number of measures, indicators and projects.
    measures = AutocompleteMultipleField(
        "measures", label=_("Measures"), required=False, slots=SLOTS,
        queryset=PlanItem.objects.filter(level__role=LevelRole.MEASURE).select_related("plan"),
        help_text=_("The impact indicators of their specific goals and their projects. "
                    "Type a code or a part of the title and choose."))
    indicators = AutocompleteMultipleField(
        "indicators", label=_("Indicators"), required=False, slots=SLOTS,
        queryset=Indicator.objects.all(),
        help_text=_("Type a code or a part of the name and choose."))
    projects = AutocompleteMultipleField(
        "projects", label=_("Projects"), required=False, slots=SLOTS,
        queryset=Project.objects.all(),
        help_text=_("Their indicators and their half-year reports. Type a registration "
                    "number or a part of the title and choose."))
    service_indicators = forms.BooleanField(
        label=_("Service indicators of the network"), required=False,
        help_text=_("Every provider reports the indicators of each of its services in the "
                    "network during the period (the half-year or final report that ends "
                    "last within it)."))

    def clean(self):
        cleaned = super().clean()
        start, end, deadline = (cleaned.get(n) for n in ("period_start", "period_end",
                                                        "deadline"))
        if start and end and end < start:
            self.add_error("period_end", _("The period ends before it starts."))
        if start and deadline and deadline < start:
            self.add_error("deadline", _("The deadline is before the period starts."))
        return cleaned


class OverviewFilterForm(PortalForm):
    state = forms.ChoiceField(label=_("State"), required=False,
                              choices=[("", _("any"))] + [(s, state_label(s)) for s in STATES])
    kind = forms.ChoiceField(label=_("Item"), required=False,
                             choices=[("", _("any")), *ObligationKind.choices])
    organisation = AutocompleteField(
        "organisations", label=_("Organisation"), required=False,
        queryset=Organisation.objects.all(),
        help_text=_("Type a part of the name and choose; empty shows every organisation."))
    q = forms.CharField(label=_("Search"), required=False, max_length=100)


class DecisionForm(PortalForm):
    """An officer's decision on a submitted value or report."""

    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect, choices=[
        ("approve", _("Approve: it becomes public")),
        ("return", _("Return to the implementer with a comment")),
    ])
    comment = forms.CharField(label=_("Comment"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 3}),
                              help_text=_("What should be corrected (needed to return it)."))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "return" and not (cleaned.get("comment") or "").strip():
            self.add_error("comment", _("Say what should be corrected."))
        return cleaned


class ReportCorrectionForm(PortalForm):
    """An officer's correction of a report of a closed round."""

    narrative = forms.CharField(label=_("Narrative"), max_length=20000,
                                widget=forms.Textarea(attrs={"rows": 8}))
    correction_reason = forms.CharField(label=_("Reason for the correction"), max_length=2000,
                                        widget=forms.Textarea(attrs={"rows": 2}))
