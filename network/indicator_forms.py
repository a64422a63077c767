"""Forms of the service indicators: the manual and its indicators (officers),
a provider's values for one service and period, the officers' question about
a flagged value."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import PortalForm, VersionedForm

from .filters import DateInput
from .indicator_models import (
    VALUE,
    DisproportionQuery,
    FundingSource,
    IndicatorManual,
    ServiceIndicator,
)
from .models import ServiceKind


class ManualForm(VersionedForm):
    class Meta:
        model = IndicatorManual
        fields = ["number", "valid_from", "state", "note"]
        widgets = {"valid_from": DateInput(), "note": forms.Textarea(attrs={"rows": 3})}

    def service_data(self):
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class IndicatorForm(VersionedForm):
    class Meta:
        model = ServiceIndicator
        fields = ["code", "name", "definition", "unit", "comment_allowed", "kinds",
                  "for_activities", "counts_clients", "position"]
        widgets = {"definition": forms.Textarea(attrs={"rows": 4}),
                   "kinds": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kinds"].queryset = ServiceKind.objects.all()

    def service_data(self):
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class ValuesForm(PortalForm):
    """One value field per indicator of the service (and a comment where the
    manual allows one); a field left empty is not reported."""

    def __init__(self, *args, indicators, decides=True, correcting=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = list(indicators)
        for indicator in self.indicators:
            self.fields[f"value_{indicator.pk}"] = forms.DecimalField(
                label=f"{indicator.name} ({indicator.unit})", required=False, min_value=0,
                help_text=indicator.definition, **VALUE)
            if indicator.comment_allowed:
                self.fields[f"comment_{indicator.pk}"] = forms.CharField(
                    label=_("Comment on “%(indicator)s”") % {"indicator": indicator.name},
                    required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
        if not decides:
            # A city officer's values are approved as entered.
            self.fields["submit_now"] = forms.BooleanField(
                label=_("Submit for approval now"), required=False, initial=True,
                help_text=_("A city officer approves the values before they count; "
                            "unticked, they are kept as your draft."))
        if correcting:
            self.fields["correction_reason"] = forms.CharField(
                label=_("Reason for the correction"), max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text=_("The reporting round of these values is closed: the correction "
                            "is recorded with its reason."))

    def review(self):
        """The keyword arguments of values_report about the review."""
        return {"submit": self.cleaned_data.get("submit_now", True),
                "correction_reason": self.cleaned_data.get("correction_reason", "")}

    def values(self):
        return {indicator: self.cleaned_data.get(f"value_{indicator.pk}")
                for indicator in self.indicators}

    def comments(self):
        return {indicator: self.cleaned_data.get(f"comment_{indicator.pk}", "")
                for indicator in self.indicators}


class DisproportionQueryForm(VersionedForm):
    class Meta:
        model = DisproportionQuery
        fields = ["question", "answer"]
        widgets = {"question": forms.Textarea(attrs={"rows": 3}),
                   "answer": forms.Textarea(attrs={"rows": 4})}


class FundingForm(PortalForm):
    """What a service received from one source in one year."""

    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    source = forms.ChoiceField(label=_("Source"), choices=FundingSource.choices)
    amount = forms.DecimalField(label=_("Amount (CZK)"), min_value=0, max_digits=14,
                                decimal_places=2)
    note = forms.CharField(label=_("Note"), required=False, max_length=300)
