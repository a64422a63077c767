from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.autocomplete import use_autocomplete
from core.forms import PortalForm, PortalModelForm
from directory.models import Person
from planning.models import LevelRole, Plan, PlanItem

from .models import TARGETS_WITH_VALUE, Frequency, Indicator, TargetKind, Territory
from .parsing import ParseError, parse_period, parse_value


@dataclass(frozen=True)
class FormExtension:
    """A field that an app above this one adds to the indicator form (projects
    adds the project of a project indicator), so that indicators need not know
    that app. `field()` builds the field, shown after the field `after`;
    `initial(indicator)` reads it from a saved indicator; `clean(cleaned_data)`
    returns errors as {field: message}; `link(cleaned_data)` gives what the indicator
    service saves in its transaction (see services.indicator_create)."""

    name: str
    after: str
    field: Callable[[], forms.Field]
    initial: Callable[[Any], Any]
    clean: Callable[[dict], dict]
    link: Callable[[Any], Any]


class IndicatorForm(PortalModelForm):
    # Filled by the apps above in their AppConfig.ready().
    extensions: list[FormExtension] = []

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    part_labels_text = forms.CharField(
        label=_("Labels of the parts"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line, for a composite value such as 12/12/4/22."),
    )

    class Meta:
        model = Indicator
        fields = [
            "code", "position", "name", "national_code", "kind", "unit", "unit_label",
            "definition", "data_source", "update_frequency", "frequency_years", "responsible",
            "plans", "plan_item", "home_territory", "comparison_territory", "note",
            "commentary",
        ]
        widgets = {
            "name": forms.TextInput,
            "definition": forms.Textarea(attrs={"rows": 3}),
            "data_source": forms.Textarea(attrs={"rows": 2}),
            "note": forms.Textarea(attrs={"rows": 3}),
            "commentary": forms.Textarea(attrs={"rows": 8}),
            "plans": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        use_autocomplete(self, "plan_item", "specific-goals",
                         PlanItem.objects.filter(level__role=LevelRole.SPECIFIC_GOAL)
                         .select_related("plan"))
        self.fields["plans"].queryset = Plan.objects.order_by("code")
        use_autocomplete(self, "responsible", "people", Person.objects.all())
        self.fields["home_territory"].queryset = Territory.objects.all()
        self.fields["comparison_territory"].queryset = Territory.objects.all()
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
            self.fields["part_labels_text"].initial = "\n".join(self.instance.part_labels)
        for extension in self.extensions:
            self._add_field(extension)
        initial = [{name: getattr(t, name) for name in MilestoneForm.base_fields}
                   for t in self.instance.targets.order_by("position")] if self.instance.pk \
            else []
        # A post without the milestone rows (no management form) keeps them.
        posted = self.is_bound and "milestones-TOTAL_FORMS" in self.data
        self.milestones = MilestoneFormSet(self.data if posted else None, initial=initial,
                                           prefix="milestones")

    def is_valid(self):
        valid = super().is_valid()
        return (not self.milestones.is_bound or self.milestones.is_valid()) and valid

    def milestone_data(self):
        """The milestones for the service, in their order; empty and deleted
        rows left out; None when the post had none (keep them)."""
        if not self.milestones.is_bound:
            return None
        rows = []
        for form in self.milestones.forms:
            if not form.is_filled() or form.cleaned_data.get("DELETE"):
                continue
            rows.append({name: form.cleaned_data.get(name)
                         for name in ("year", "due", "kind", "value", "text")})
        return rows

    def duplicate_codes(self):
        """Indicators of the same plans that print the same code: accepted,
        with a notice (indicators.checks flags them on the plan)."""
        code = self.cleaned_data.get("code")
        plans = list(self.cleaned_data.get("plans") or [])
        item = self.cleaned_data.get("plan_item")
        if item is not None:
            plans.append(item.plan)
        if not code or not plans:
            return []
        others = Indicator.objects.filter(code=code).filter(
            Q(plans__in=plans) | Q(plan_item__plan__in=plans)).distinct()
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        return list(others.order_by("pk"))

    def _add_field(self, extension):
        field = extension.field()
        if self.instance.pk:
            field.initial = extension.initial(self.instance)
        fields = {}
        for name, existing in self.fields.items():
            fields[name] = existing
            if name == extension.after:
                fields[extension.name] = field
        fields.setdefault(extension.name, field)
        self.fields = fields

    def clean(self):
        cleaned_data = super().clean()
        every_n = cleaned_data.get("update_frequency") == Frequency.EVERY_N_YEARS
        if every_n and not cleaned_data.get("frequency_years"):
            self.add_error("frequency_years", _("Say every how many years."))
        elif not every_n:
            cleaned_data["frequency_years"] = None
        for extension in self.extensions:
            for name, message in extension.clean(cleaned_data).items():
                self.add_error(name, message)
        return cleaned_data

    def links(self):
        """What the apps above save with the indicator, for the service."""
        return [extension.link(self.cleaned_data) for extension in self.extensions]

    def clean_code(self):
        return self.cleaned_data["code"].strip()

    def clean_part_labels_text(self):
        labels = [line.strip() for line in self.cleaned_data["part_labels_text"].splitlines()]
        labels = [label for label in labels if label]
        if len(labels) == 1:
            raise ValidationError(_("A composite value has at least two parts."))
        if len(labels) > 12:
            raise ValidationError(_("A composite value has at most 12 parts."))
        return labels

    def service_data(self):
        data = {name: self.cleaned_data.get(name) for name in self.Meta.fields
                if name != "plans"}
        for name in ("unit_label", "national_code", "definition", "data_source",
                     "update_frequency", "note", "commentary"):
            data[name] = data[name] or ""
        data["position"] = data["position"] or 0
        data["part_labels"] = self.cleaned_data["part_labels_text"]
        data["targets"] = self.milestone_data()
        return data


class MilestoneForm(PortalForm):
    """One milestone of the indicator form's inline list."""

    year = forms.IntegerField(label=_("Year"), required=False, min_value=1900, max_value=2100)
    due = forms.DateField(label=_("Due date"), required=False,
                          widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    kind = forms.ChoiceField(label=_("Target"), required=False, choices=TargetKind.choices)
    value = forms.DecimalField(label=_("Value"), required=False, max_digits=18,
                               decimal_places=4)
    text = forms.CharField(label=_("Target as published"), required=False, max_length=300)

    def is_filled(self):
        data = getattr(self, "cleaned_data", {})
        return any(data.get(name) not in (None, "") for name in ("year", "due", "kind", "value",
                                                                  "text"))

    def clean(self):
        cleaned_data = super().clean()
        if self.is_filled() and not cleaned_data.get("DELETE"):
            kind = cleaned_data.get("kind")
            if not kind:
                self.add_error("kind", _("Choose the kind of target."))
            elif kind in TARGETS_WITH_VALUE and cleaned_data.get("value") is None:
                self.add_error("value", _("This target needs a value."))
        return cleaned_data


# absolute_max: a post claiming more forms than this is refused before Django
# builds them (its default, max_num + 1,000, costs seconds of CPU a request).
MilestoneFormSet = forms.formset_factory(MilestoneForm, extra=2, can_delete=True,
                                         max_num=50, validate_max=True, absolute_max=100)


class ValueForm(PortalForm):
    """A value as an officer reads it in the source: the period and the value
    are typed as published and parsed here."""

    territory = forms.ModelChoiceField(label=_("Territory"), queryset=Territory.objects.none())
    period_text = forms.CharField(
        label=_("Period"), max_length=100,
        help_text=_("As published: 2023, 12/2023, 1. pol. 2023, 2022/23 or k 30. 4. 2024."),
    )
    value_text = forms.CharField(
        label=_("Value"), max_length=100,
        help_text=_("As published: 1 190, 3,01, cca 3 100, 174,1, 2. v ČR, 12/12/4/22 or "
                    "n. a. when it is not available."),
    )
    not_available_reason = forms.CharField(label=_("Why not available"), max_length=300,
                                           required=False)
    note = forms.CharField(label=_("Note"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))
    source = forms.CharField(label=_("Source"), max_length=200, required=False)
    is_baseline = forms.BooleanField(label=_("This is the baseline"), required=False)
    submit_now = forms.BooleanField(
        label=_("Submit for approval now"), required=False, initial=True,
        help_text=_("A city officer approves the value before it is public; unticked, it is "
                    "kept as your draft."))
    correction_reason = forms.CharField(
        label=_("Reason for the correction"), max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The reporting round of this value is closed: the correction is recorded "
                    "with its reason and the public page shows the date."))

    def __init__(self, *args, indicator, may_set_baseline, decides=True, correcting=False,
                 **kwargs):
        super().__init__(*args, **kwargs)
        self.indicator = indicator
        if decides:
            # A city officer's value is approved as entered.
            del self.fields["submit_now"]
        if not correcting:
            del self.fields["correction_reason"]
        ids = [indicator.home_territory_id, indicator.comparison_territory_id]
        self.fields["territory"].queryset = Territory.objects.filter(pk__in=[i for i in ids if i])
        self.fields["territory"].initial = indicator.home_territory_id
        if not may_set_baseline:
            # The baseline belongs to the indicator's definition: officers only.
            del self.fields["is_baseline"]

    def clean_period_text(self):
        text = self.cleaned_data["period_text"].strip()
        try:
            self.period = parse_period(text)
        except ParseError as error:
            raise ValidationError(str(error)) from None
        return text

    def clean_value_text(self):
        text = self.cleaned_data["value_text"].strip()
        try:
            self.parsed = parse_value(text)
        except ParseError as error:
            raise ValidationError(str(error)) from None
        labels = self.indicator.part_labels
        if self.parsed.available and labels and len(self.parsed.parts) != len(labels):
            raise ValidationError(_(
                "This indicator has %(count)d parts (%(labels)s); write all of them "
                "separated by “/”.") % {"count": len(labels), "labels": " / ".join(labels)})
        if self.parsed.is_composite and not labels:
            raise ValidationError(_("This indicator is not composite: write a single value."))
        return text

    def service_kwargs(self):
        parsed, period = self.parsed, self.period
        labels = self.indicator.part_labels
        return {
            "territory": self.cleaned_data["territory"],
            "period_kind": period.kind, "period_start": period.start, "period_end": period.end,
            "period_text": self.cleaned_data["period_text"],
            "value": parsed.value, "available": parsed.available,
            "not_available_reason": self.cleaned_data["not_available_reason"],
            "is_estimate": parsed.is_estimate, "rank": parsed.rank,
            "rank_scope": parsed.rank_scope, "value_text": self.cleaned_data["value_text"],
            "note": self.cleaned_data["note"], "source": self.cleaned_data["source"],
            "is_baseline": self.cleaned_data.get("is_baseline", None),
            "parts": list(zip(labels, parsed.parts, strict=True)) if parsed.is_composite else [],
            "submit": self.cleaned_data.get("submit_now", True),
            "correction_reason": self.cleaned_data.get("correction_reason", ""),
        }

