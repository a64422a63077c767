from django import forms
from django.db.models.fields import BLANK_CHOICE_DASH
from django.utils.translation import gettext_lazy as _

from core.autocomplete import AutocompleteField, AutocompleteMultipleField, use_autocomplete
from core.formats import readable_number
from core.forms import CzechDecimalField, PortalForm, PortalModelForm, VersionedForm
from indicators.forms import FormExtension
from indicators.models import IndicatorKind
from indicators.parsing import ParseError, parse_period
from planning.models import LevelRole, PlanItem

from .models import Call, FundingSourceKind, HalfYearReport, KeyActivity, Programme, Project
from .services import funding_problems, indicator_project_link


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None, format="%Y-%m-%d"):  # noqa: A002 - Django's name
        super().__init__(attrs, format=format)


class AreaChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.plan.code}: {obj.code} {obj.title}"[:160]


class ProjectForm(VersionedForm):
    """Officers only. The budget split comes in a formset of its own."""

    thematic_area = AreaChoiceField(
        label=_("Thematic area"), required=False,
        queryset=PlanItem.objects.filter(level__role=LevelRole.AREA)
        .select_related("plan").order_by("plan__code", "position"),
        help_text=_("Left empty, the area above the first measure is used."),
    )

    class Meta:
        model = Project
        fields = [
            "registration_number", "title", "call", "implementer", "implementer_text",
            "measures", "thematic_area", "period_start", "period_end", "status",
            "total_budget", "funding_note", "description", "target_groups", "goals",
            "reports_total", "is_published",
        ]
        widgets = {
            "period_start": DateInput(), "period_end": DateInput(),
            "funding_note": forms.Textarea(attrs={"rows": 3}),
            "description": forms.Textarea(attrs={"rows": 5}),
            "target_groups": forms.Textarea(attrs={"rows": 4}),
            "goals": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["call"].queryset = self.fields["call"].queryset.select_related("programme")
        use_autocomplete(self, "implementer", "organisations")
        # Every measure of every plan (of a region: thousands): one autocomplete
        # per measure of the project, and two empty ones.
        chosen = len(self.initial.get("measures") or ())
        self.fields["measures"] = AutocompleteMultipleField(
            "measures", PlanItem.objects.filter(level__role=LevelRole.MEASURE),
            slots=max(3, chosen + 2), label=_("Measures"), required=False,
            help_text=_("The measures of a plan that the project carries out."))
        self.fields["total_budget"].widget.attrs["inputmode"] = "decimal"

    def service_data(self):
        return {k: v for k, v in self.cleaned_data.items() if k not in ("version", "measures")}


class ProgrammeForm(VersionedForm):
    class Meta:
        model = Programme
        fields = ["name", "short_name", "code", "eu_fund", "registration_number_pattern",
                  "registration_number_example", "position"]


class CallForm(VersionedForm):
    class Meta:
        model = Call
        fields = ["programme", "number", "name", "published_label", "initiative"]


class FundingForm(PortalForm):
    # An empty first choice: a blank row of the formset stays blank as a
    # browser posts it (a select posts its first option).
    source = forms.ChoiceField(label=_("Source"),
                               choices=[*BLANK_CHOICE_DASH, *FundingSourceKind.choices])
    label = forms.CharField(label=_("Label as published"), max_length=200, required=False)
    percent = forms.DecimalField(label=_("Share (%)"), max_digits=6, decimal_places=3,
                                 min_value=0, max_value=100)
    amount = forms.DecimalField(label=_("Amount (CZK)"), max_digits=15, decimal_places=2,
                                min_value=0)


# Blank rows under the stored ones: a split of several sources is entered in one
# save (the split is checked as a whole, never row by row).
FUNDING_BLANK_ROWS = 3


class BaseFundingFormSet(forms.BaseFormSet):
    """The budget split. Set `total` (the project's total eligible expenditure)
    before validating: the rows are then checked together against it, each
    problem on the row and field it concerns, the sums as the formset's own
    errors."""

    total = None

    def kept_forms(self):
        return [form for form in self.forms
                if form.has_changed() and form.cleaned_data
                and not form.cleaned_data.get("DELETE")]

    def clean(self):
        super().clean()
        if self.total is None or any(self.errors):
            return
        kept = self.kept_forms()
        rows = [form.cleaned_data for form in kept]
        split_errors = []
        for problem in funding_problems(self.total, rows):
            if problem.row is None:
                split_errors.append(problem.message)
            else:
                kept[problem.row - 1].add_error(problem.field, problem.message)
        if split_errors:
            raise forms.ValidationError(split_errors)


FundingFormSet = forms.formset_factory(
    FundingForm, formset=BaseFundingFormSet, extra=FUNDING_BLANK_ROWS, can_delete=True,
    max_num=10, validate_max=True, absolute_max=20)


def funding_rows(formset):
    return [{k: form.cleaned_data[k] for k in ("source", "label", "percent", "amount")}
            for form in formset.kept_forms()]


class KeyActivityForm(VersionedForm):
    class Meta:
        model = KeyActivity
        fields = ["code", "position", "title", "period_start", "period_end", "period_text",
                  "goal", "planned_outputs", "done"]
        widgets = {
            "period_start": DateInput(), "period_end": DateInput(),
            "goal": forms.Textarea(attrs={"rows": 3}),
            "planned_outputs": forms.Textarea(attrs={"rows": 3}),
        }


class HalfYearReportForm(PortalModelForm):
    """The report and one value per impact indicator of the project's
    measures (fields `indicator_<id>`)."""

    class Meta:
        model = HalfYearReport
        fields = ["number", "total", "period_start", "period_end", "submitted_on", "narrative"]
        widgets = {
            "period_start": DateInput(), "period_end": DateInput(),
            "submitted_on": DateInput(),
            "narrative": forms.Textarea(attrs={"rows": 8}),
        }

    def __init__(self, *args, project, indicators=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project
        self.instance.project = project
        self.indicators = list(indicators or ())
        for indicator in self.indicators:
            unit = getattr(indicator, "unit", "")
            name = getattr(indicator, "name", str(indicator))
            code = getattr(indicator, "code", "")
            label = f"{code} {name}".strip()
            self.fields[f"indicator_{indicator.pk}"] = CzechDecimalField(
                label=f"{label} ({unit})" if unit else label, required=False,
                max_digits=18, decimal_places=4,
                help_text=_("Value of the impact indicator for the period of the report."),
            )
        if not self.is_bound and project.reports_total:
            self.initial.setdefault("total", project.reports_total)
            self.initial.setdefault("number", project.reports.count() + 1)

    def validate_unique(self):
        """The service names a duplicate report number in Czech."""

    def clean(self):
        cleaned = super().clean()
        number, total = cleaned.get("number"), cleaned.get("total")
        if number is not None and total is not None and not 1 <= number <= total:
            self.add_error("number", _("The report number must be between 1 and the number "
                                       "of reports in total."))
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The period cannot end before it starts."))
        return cleaned

    def indicator_values(self):
        return {indicator: self.cleaned_data.get(f"indicator_{indicator.pk}")
                for indicator in self.indicators}

    def report_data(self):
        return {k: self.cleaned_data[k] for k in self._meta.fields}


# --- The project of a project indicator, on the indicator form -----------------------


def _indicator_project_field():
    return AutocompleteField(
        "projects", label=_("project"), required=False, queryset=Project.objects.all(),
        help_text=_("For project indicators: the project that reports them."))


def _indicator_project_errors(cleaned_data):
    if cleaned_data.get("kind") == IndicatorKind.PROJECT and not cleaned_data.get("project"):
        return {"project": _("A project indicator needs the project that reports it.")}
    return {}


INDICATOR_PROJECT = FormExtension(
    name="project", after="plan_item", field=_indicator_project_field,
    initial=lambda indicator: indicator.project.pk if indicator.project else None,
    clean=_indicator_project_errors,
    link=lambda cleaned_data: indicator_project_link(kind=cleaned_data.get("kind"),
                                                     project=cleaned_data.get("project")),
)


# --- Actual values of the project's own indicators ----------------------------------


class ProjectActualsForm(PortalForm):
    """One period and one actual value per project indicator (fields
    `indicator_<id>`); the empty ones stay as they are."""

    period_text = forms.CharField(
        label=_("Period"), max_length=100,
        help_text=_("As published: 2024, 1. pol. 2024 or k 30. 6. 2024."))
    note = forms.CharField(label=_("Note"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, indicators=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = list(indicators)
        for indicator in self.indicators:
            label = " ".join(part for part in (indicator.national_code, indicator.name) if part)
            unit = indicator.unit_display or indicator.get_unit_display()
            target = indicator.milestones[-1] if indicator.milestones else None
            planned = getattr(target, "value", None)
            help_text = (_("Planned value: %(value)s") % {"value": readable_number(planned)}
                         if planned is not None else "")
            # Added after the form's fields were made Czech: "1 190", "18,5".
            self.fields[f"indicator_{indicator.pk}"] = CzechDecimalField(
                label=f"{label} ({unit})" if unit else label, required=False,
                max_digits=18, decimal_places=4, help_text=help_text)

    def clean_period_text(self):
        text = self.cleaned_data["period_text"].strip()
        try:
            parse_period(text)
        except ParseError as error:
            raise forms.ValidationError(str(error)) from None
        return text

    def clean(self):
        cleaned = super().clean()
        names = [f"indicator_{i.pk}" for i in self.indicators]
        if (names and all(cleaned.get(name) is None for name in names)
                and not any(name in self.errors for name in names)):
            raise forms.ValidationError(_("Enter at least one actual value."))
        return cleaned

    def values(self):
        return {indicator: self.cleaned_data.get(f"indicator_{indicator.pk}")
                for indicator in self.indicators}
