"""The open datasets `indicators` (one row per public indicator, with its
status and the sentence explaining it) and `indicator-values` (every value of
every public indicator, with its unit). A fixed number of queries each."""

from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from core.formats import plain_number
from core.opendata import Column, Dataset, register

from .selectors import indicator_list, with_assessment
from .status import baseline_and_latest, display_value, next_target
from .views import download_rows


def _public():
    return indicator_list(user=AnonymousUser())


def _indicator_rows():
    # The explanation is data, written in the portal's language (Czech).
    with translation.override("cs"):
        for indicator in with_assessment(_public()):
            values = list(indicator.values.all())
            baseline, latest, _bc, latest_cmp = baseline_and_latest(indicator, values)
            target = next_target(indicator, latest=latest)
            yield {
                "code": indicator.code,
                "name": indicator.name,
                "kind": indicator.kind,
                "national_code": indicator.national_code,
                "unit": indicator.unit_display or str(indicator.get_unit_display()),
                "territory": indicator.home_territory.name,
                "comparison_territory": (indicator.comparison_territory.name
                                         if indicator.comparison_territory else ""),
                "specific_goal": indicator.plan_item.code if indicator.plan_item else "",
                "project": indicator.project.registration_number if indicator.project else "",
                "baseline": display_value(baseline, indicator) if baseline else "",
                "baseline_period": baseline.period_text if baseline else "",
                "latest": display_value(latest, indicator) if latest else "",
                "latest_period": latest.period_text if latest else "",
                "latest_comparison": display_value(latest_cmp, indicator) if latest_cmp else "",
                "target": "; ".join(t.phrase for t in indicator.milestones),
                "target_kind": target.kind if target else "",
                "target_value": (plain_number(target.value)
                                 if target and target.value is not None else None),
                "target_year": target.year if target else None,
                "status": indicator.assessment.status,
                "status_explanation": indicator.assessment.sentence,
                "url": reverse("indicators:detail", args=[indicator.slug]),
            }


def _value_rows():
    for indicator in _public():
        for row in download_rows(indicator, list(indicator.values.all())):
            row["value"] = None if row["value"] is None else str(row["value"])
            yield row


def register_datasets():
    register(Dataset(
        slug="indicators",
        title=_("Indicators"),
        description=_("Every public indicator with its baseline, latest value, target and the "
                      "status the portal computes, with the sentence that explains it."),
        columns=(
            Column("code", "string", _("Indicator code in the portal")),
            Column("name", "string", _("Name")),
            Column("kind", "string", _("global, impact or project")),
            Column("national_code", "string", _("National code (e.g. 60000)")),
            Column("unit", "string", _("Unit")),
            Column("territory", "string", _("Territory the values describe")),
            Column("comparison_territory", "string", _("Territory compared with")),
            Column("specific_goal", "string", _("Code of the specific goal (impact indicators)")),
            Column("project", "string", _("Registration number of the project")),
            Column("baseline", "string", _("Baseline as published")),
            Column("baseline_period", "string", _("Period of the baseline")),
            Column("latest", "string", _("Latest value as published")),
            Column("latest_period", "string", _("Period of the latest value")),
            Column("latest_comparison", "string", _("Latest value of the comparison territory")),
            Column("target", "string", _("Milestones as published, separated by semicolons")),
            Column("target_kind", "string",
                   _("Kind of the next milestone (the one the status is judged against)")),
            Column("target_value", "decimal", _("Number in the target")),
            Column("target_year", "integer", _("Target year")),
            Column("status", "string",
                   _("on_track, improving, off_track, no_data or no_target")),
            Column("status_explanation", "string", _("Why the status is what it is")),
            Column("url", "url", _("Page of the indicator")),
        ),
        rows=_indicator_rows,
    ))
    register(Dataset(
        slug="indicator-values",
        title=_("Indicator values"),
        description=_("Every value of every public indicator, per period and territory, with "
                      "its unit and the text as published."),
        columns=(
            Column("indicator_code", "string", _("Indicator code")),
            Column("indicator", "string", _("Indicator name")),
            Column("national_code", "string", _("National code")),
            Column("unit", "string", _("Unit")),
            Column("territory", "string", _("Territory")),
            Column("period", "string", _("Period as published")),
            Column("period_start", "date", _("First day of the period")),
            Column("period_end", "date", _("Last day of the period")),
            Column("value", "decimal", _("Value (empty when not available or composite)")),
            Column("value_as_published", "string", _("Value as published")),
            Column("available", "boolean", _("Whether the value is available")),
            Column("estimate", "boolean", _("Whether the value is an estimate")),
            Column("rank", "integer", _("Rank, where published")),
            Column("parts", "string", _("Parts of a composite value, “label: value; …”")),
            Column("baseline", "boolean", _("Whether this is the baseline")),
            Column("note", "string", _("Note")),
            Column("source", "string", _("Source")),
        ),
        rows=_value_rows,
    ))
