from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import PortalForm, PortalModelForm, VersionedForm
from planning.models import Plan

from .models import EvaluationText, GlossaryTerm, PlanReportTexts, ReportKind, ReportSchedule

REQUESTED_KINDS = [ReportKind.INTERIM_EVALUATION, ReportKind.YEARLY_EVALUATION]


class ReportRequestForm(PortalForm):
    """The interim evaluation or the yearly evaluation of the network on
    demand; minutes and project cards are asked for from their own pages."""

    kind = forms.ChoiceField(label=_("Report"), initial=ReportKind.INTERIM_EVALUATION,
                             choices=[(kind.value, kind.label) for kind in REQUESTED_KINDS])
    plan = forms.ModelChoiceField(label=_("Plan"), queryset=Plan.objects.order_by("code"),
                                  to_field_name="code")
    year = forms.IntegerField(label=_("Year evaluated"), required=False, min_value=2000,
                              max_value=2100)

    def parameters(self):
        data = {"plan": self.cleaned_data["plan"].code}
        if self.cleaned_data.get("year"):
            data["year"] = self.cleaned_data["year"]
        return data


class ReportScheduleForm(PortalModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = ReportSchedule
        fields = ["name", "kind", "plan", "months", "day_of_month", "hour", "minute",
                  "enabled", "notify"]
        widgets = {"notify": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(kind.value, kind.label) for kind in REQUESTED_KINDS]
        self.fields["plan"].queryset = Plan.objects.order_by("code")
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def clean_notify(self):
        validator = forms.EmailField()
        lines = [line.strip() for line in self.cleaned_data["notify"].splitlines()
                 if line.strip()]
        for line in lines:
            validator.clean(line)
        return "\n".join(lines)

    def service_data(self):
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class GlossaryTermForm(PortalModelForm):
    class Meta:
        model = GlossaryTerm
        fields = ["abbreviation", "meaning"]


class EvaluationTextForm(PortalModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = EvaluationText
        fields = ["plan", "year", "title", "issued_text", "summary", "chapter_heading",
                  "chapter_html"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 14}),
                   "chapter_html": forms.Textarea(attrs={"rows": 10})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = Plan.objects.order_by("code")
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version


class PlanReportTextsForm(VersionedForm):
    class Meta:
        model = PlanReportTexts
        fields = ["global_indicators_heading", "global_indicators_intro", "timeline_heading"]
        widgets = {"global_indicators_intro": forms.Textarea(attrs={"rows": 5})}

    def service_data(self):
        return {name: self.cleaned_data[name] for name in self.Meta.fields}
