"""Forms of the officers' plan editor. They validate input only; every change
goes through planning.services.plans."""

import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.autocomplete import AutocompleteField, AutocompleteMultipleField, use_autocomplete
from core.forms import PortalForm, VersionedForm
from directory.models import Organisation, WorkingGroup

from ..models import (
    PLAN_TRANSITIONS,
    ActivityType,
    LevelRole,
    MeasureStatus,
    Plan,
    PlanItem,
    PlanStatus,
    ServiceType,
)

DATE_WIDGET = {"type": "date"}
# /plans/new/ is the form for a new plan.
RESERVED_CODES = {"new", "import"}
MAX_LEVELS = 6

# --- Plans --------------------------------------------------------------------

PLAN_FIELDS = [
    "kind", "ordinal", "title", "subtitle", "code", "description", "period_start", "period_end",
    "approved_by", "resolution_number", "resolution_date", "working_group", "language", "currency",
    "comments_open_from", "comments_open_to",
]


class PlanForm(VersionedForm):
    class Meta:
        model = Plan
        fields = PLAN_FIELDS
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "resolution_date": forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"),
            "comments_open_from": forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"),
            "comments_open_to": forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        use_autocomplete(self, "working_group", "groups", WorkingGroup.objects.all())

    def clean_code(self):
        code = self.cleaned_data["code"]
        if code in RESERVED_CODES:
            raise ValidationError(_("“%(code)s” is reserved for the portal's own pages; "
                                    "choose another code.") % {"code": code})
        return code

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The plan cannot end before it starts."))
        opens, closes = cleaned.get("comments_open_from"), cleaned.get("comments_open_to")
        if opens and closes and closes < opens:
            self.add_error("comments_open_to",
                           _("The comment period cannot end before it starts."))
        return cleaned

    def service_data(self):
        return {k: v for k, v in self.cleaned_data.items() if k in PLAN_FIELDS}


# Words in a level's name that tell its role, Czech and English.
_ROLE_HINTS = (
    ("specif", LevelRole.SPECIFIC_GOAL),
    ("oblast", LevelRole.AREA),
    ("area", LevelRole.AREA),
    ("opatren", LevelRole.MEASURE),
    ("measure", LevelRole.MEASURE),
    ("cil", LevelRole.GOAL),
    ("goal", LevelRole.GOAL),
)


def plain_text(text):
    """Lower case without diacritics, for matching: "Opatření" -> "opatreni"."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def infer_level_role(name, is_last):
    """The last level is the measure; the others are guessed from their names."""
    if is_last:
        return LevelRole.MEASURE
    plain = plain_text(name)
    for hint, role in _ROLE_HINTS:
        if hint in plain and role != LevelRole.MEASURE:
            return role
    return LevelRole.OTHER


class PlanCreateForm(PlanForm):
    """A new plan with its levels: one level per line, from the top down."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["version"]
        role_choices = [("", _("infer from the name"))] + list(LevelRole.choices)
        for depth in range(1, MAX_LEVELS + 1):
            self.fields[f"level_{depth}_name"] = forms.CharField(
                label=_("Level %(depth)d – name") % {"depth": depth}, max_length=100,
                required=depth == 1,
            )
            self.fields[f"level_{depth}_role"] = forms.ChoiceField(
                label=_("Level %(depth)d – role") % {"depth": depth}, choices=role_choices,
                required=False,
            )
        self.fields["level_1_name"].help_text = _(
            "From the top down, e.g. Tematická oblast, Strategický cíl, Specifický cíl, "
            "Opatření. The last level holds the measures unless you choose otherwise."
        )

    def level_rows(self):
        """[(name field, role field)] for the template."""
        return [(self[f"level_{d}_name"], self[f"level_{d}_role"])
                for d in range(1, MAX_LEVELS + 1)]

    def clean(self):
        cleaned = super().clean()
        rows = [(cleaned.get(f"level_{d}_name", "").strip(), cleaned.get(f"level_{d}_role", ""),
                 d) for d in range(1, MAX_LEVELS + 1)]
        filled = [row for row in rows if row[0]]
        # Levels are consecutive: no gap between two filled lines.
        if filled and filled[-1][2] != len(filled):
            gap = next(d for name, _role, d in rows if not name)
            self.add_error(f"level_{gap}_name",
                           _("Fill in the levels from the top without leaving a line empty."))
        return cleaned

    def levels(self):
        names = [(self.cleaned_data.get(f"level_{d}_name", "").strip(),
                  self.cleaned_data.get(f"level_{d}_role", "")) for d in range(1, MAX_LEVELS + 1)]
        names = [(n, r) for n, r in names if n]
        return [
            (name, role or infer_level_role(name, is_last=i == len(names) - 1))
            for i, (name, role) in enumerate(names)
        ]


class PlanTransitionForm(PortalForm):
    to_status = forms.ChoiceField(label=_("New status"), widget=forms.RadioSelect)
    message = forms.CharField(label=_("Note"), required=False, max_length=500,
                              help_text=_("For the history, e.g. the resolution that decided it."))

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = PLAN_TRANSITIONS[PlanStatus(plan.status)]
        self.fields["to_status"].choices = [(s.value, s.label) for s in allowed]
        self.fields["to_status"].widget.attrs["id"] = "id_to_status"


# --- Items --------------------------------------------------------------------

COMMON_FIELDS = ["code", "title", "description", "working_groups"]
SPECIFIC_GOAL_FIELDS = ["target_text", "target_year"]
MEASURE_FIELDS = [
    "status", "status_text", "reports_done", "reports_total", "implementers_text",
    "activity_type", "activity_type_text", "service_type", "period_start", "period_end",
    "ongoing", "period_text", "cross_cutting_priority", "footnote",
]
QUICK_FIELDS = ["code", "title", "status"]


def fields_for_level(level, quick=False):
    role = level.role
    if quick:
        return [f for f in QUICK_FIELDS if f != "status" or role == LevelRole.MEASURE]
    fields = list(COMMON_FIELDS)
    if role == LevelRole.SPECIFIC_GOAL:
        fields += SPECIFIC_GOAL_FIELDS
    if role == LevelRole.MEASURE:
        fields += MEASURE_FIELDS
    return fields


class PlanItemForm(VersionedForm):
    """The fields of one item that apply to its level. `quick` keeps the few
    that the inline editor of the tree shows."""

    class Meta:
        model = PlanItem
        fields = COMMON_FIELDS + SPECIFIC_GOAL_FIELDS + MEASURE_FIELDS
        widgets = {
            "title": forms.Textarea(attrs={"rows": 2}),
            "description": forms.Textarea(attrs={"rows": 4}),
            "target_text": forms.Textarea(attrs={"rows": 3}),
            "footnote": forms.Textarea(attrs={"rows": 2}),
            "period_start": forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"),
            "period_end": forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"),
        }

    def __init__(self, *args, level, quick=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.level = level
        keep = set(fields_for_level(level, quick)) | {"version"}
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        if "working_groups" in self.fields:
            # The groups grow with the city (a region's install holds hundreds):
            # one autocomplete per group, the item's own and two empty ones.
            listed = self.fields["working_groups"]
            chosen = len(self.initial.get("working_groups") or ())
            self.fields["working_groups"] = AutocompleteMultipleField(
                "groups", WorkingGroup.objects.all(), slots=max(3, chosen + 2),
                required=False, label=listed.label, help_text=listed.help_text)
        if "status" in self.fields:
            self.fields["status"].choices = [("", "–")] + list(MeasureStatus.choices)
        if "activity_type" in self.fields:
            self.fields["activity_type"].choices = [("", "–")] + list(ActivityType.choices)
        if "service_type" in self.fields:
            self.fields["service_type"].choices = [("", "–")] + list(ServiceType.choices)
        if quick:
            self.fields["title"].widget = forms.TextInput()
        # Accessible descriptions for the error and help paragraphs.
        for name, field in self.fields.items():
            described = []
            if field.help_text:
                described.append(f"{self.auto_id % name}_help" if self.auto_id else "")
            if self.is_bound and name in self.errors:
                described.append(f"{self.auto_id % name}_error")
                field.widget.attrs["aria-invalid"] = "true"
            if any(described):
                field.widget.attrs["aria-describedby"] = " ".join(d for d in described if d)

    def clean(self):
        cleaned = super().clean()
        done, total = cleaned.get("reports_done"), cleaned.get("reports_total")
        if done is not None and total is not None and done > total:
            self.add_error("reports_done", _(
                "No more reports can be submitted (%(done)d) than planned (%(total)d)."
            ) % {"done": done, "total": total})
        if done is not None and total is None and "reports_total" in self.fields:
            self.add_error("reports_total", _("Give the number of planned reports too."))
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The period cannot end before it starts."))
        year = cleaned.get("target_year")
        if year is not None and not 1990 <= year <= 2100:
            self.add_error("target_year", _("Enter a year between 1990 and 2100."))
        return cleaned

    def service_data(self):
        """Plain fields for plan_item_create / plan_item_update."""
        return {k: v for k, v in self.cleaned_data.items()
                if k not in ("version", "working_groups")}


class ImplementerForm(PortalForm):
    organisation = AutocompleteField(
        "organisations", Organisation.objects.all(), label=_("Organisation"), required=False)
    published_name = forms.CharField(
        label=_("Name as published"), max_length=300, required=False,
        help_text=_("Leave empty to use the organisation's name."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("published_name") and not cleaned.get("organisation"):
            self.add_error("organisation", _("Choose the organisation this name belongs to."))
        return cleaned


class BaseImplementerFormSet(forms.BaseFormSet):
    def clean(self):
        seen = set()
        for form in self.forms:
            org = form.cleaned_data.get("organisation") if hasattr(form, "cleaned_data") else None
            if org is None:
                continue
            if org.pk in seen:
                form.add_error("organisation", _("This organisation is listed twice."))
            seen.add(org.pk)

    def implementers(self):
        return [(f.cleaned_data["organisation"], f.cleaned_data.get("published_name", ""))
                for f in self.forms
                if getattr(f, "cleaned_data", None) and f.cleaned_data.get("organisation")]


# absolute_max: a post claiming more forms than this is refused before Django
# builds them (its default, max_num + 1,000, costs seconds of CPU a request).
ImplementerFormSet = forms.formset_factory(
    ImplementerForm, formset=BaseImplementerFormSet, extra=2, max_num=50, validate_max=True,
    absolute_max=100,
)


class SummaryForm(PortalForm):
    """The narrative of one year ("Shrnutí za rok 2023 a příležitosti v roce 2024")."""

    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2100)
    # The summary's version when the form was loaded; 0 = the year had none yet.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
    title = forms.CharField(label=_("Heading"), max_length=200)
    text = forms.CharField(
        label=_("Text"), widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Paragraphs, lists, bold, italics and links are kept; anything else "
                    "is removed."),
    )

    @staticmethod
    def default_title(year):
        return _("Summary of %(year)d and opportunities in %(next)d") % {
            "year": year, "next": year + 1}

    @staticmethod
    def default_year():
        return timezone.localdate().year - 1


class MoveForm(PortalForm):
    parent = forms.TypedChoiceField(label=_("Place under"), coerce=int, required=False,
                                    empty_value=None)
    position = forms.IntegerField(label=_("Position among its siblings"), min_value=1,
                                  max_value=100000)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, parents, top_level, **kwargs):
        """`parents`: the items one level above (None for top-level items)."""
        super().__init__(*args, **kwargs)
        self.parent_items = {p.pk: p for p in parents}
        if top_level:
            self.fields["parent"].choices = [("", _("(top level of the plan)"))]
        else:
            self.fields["parent"].required = True
            self.fields["parent"].choices = [
                (p.pk, f"{p.code} {p.title}".strip()[:120]) for p in parents
            ]

    def clean_parent(self):
        pk = self.cleaned_data.get("parent")
        if pk is None:
            return None
        parent = self.parent_items.get(pk)
        if parent is None:
            raise ValidationError(_("Choose an item from the list."))
        return parent


class BulkStatusForm(PortalForm):
    items = forms.TypedMultipleChoiceField(label=_("Measures"), coerce=int, required=True,
                                           error_messages={
                                               "required": _("Tick at least one measure."),
                                           })
    status = forms.ChoiceField(label=_("New status"), choices=MeasureStatus.choices)

    def __init__(self, *args, measure_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["items"].choices = [(pk, pk) for pk in measure_ids]
        self.fields["status"].widget.attrs["id"] = "bulk-status"
