"""The open datasets `indicators` (one row per public indicator, with its
status and the sentence explaining it) and `indicator-values` (every value of
every public indicator, with its unit). Four queries each, read with
`.values()`: the rows become plain objects that the status rules
(indicators.status) read as they read model instances, so the status and its
sentence are the ones the pages show."""

from types import SimpleNamespace

from django.contrib.auth.models import AnonymousUser
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from core.formats import plain_number
from core.opendata import Column, Dataset, path_maker, register
from core.review import ReviewState

from .models import Indicator, IndicatorTarget, IndicatorValue, IndicatorValuePart, Unit
from .permissions import can_view_indicator
from .selectors import LIST_ORDER
from .status import assess, baseline_and_latest, display_value, next_target
from .views import download_rows

_CHUNK = 2000


class _Many(list):
    """A list that answers `.all()`, as a prefetched relation does."""

    def all(self):
        return self


class _Target(SimpleNamespace):
    ends = IndicatorTarget.ends
    when = IndicatorTarget.when
    phrase = IndicatorTarget.phrase


class _Indicator(SimpleNamespace):
    milestones = Indicator.milestones
    unit_display = Indicator.unit_display

    def get_unit_display(self):
        return str(Unit(self.unit).label) if self.unit in Unit.values else self.unit


_INDICATOR_FIELDS = ("id", "code", "slug", "name", "kind", "national_code", "unit",
                     "unit_label", "home_territory_id", "home_territory__name",
                     "comparison_territory_id", "comparison_territory__name", "plan_item__code",
                     "project_link__project__registration_number")
_VALUE_FIELDS = ("id", "indicator_id", "territory_id", "territory__name", "period_text",
                 "period_start", "period_end", "value", "value_text", "available",
                 "is_estimate", "is_composite", "rank", "rank_scope", "is_baseline", "note",
                 "source")


def _public_ids():
    return (can_view_indicator.filter(AnonymousUser(), Indicator.objects.all())
            .order_by().values("pk"))


def _public_indicators():
    """The public indicators in list order, as plain objects with their
    milestones (two queries)."""
    targets = {}
    rows = (IndicatorTarget.objects.filter(indicator_id__in=_public_ids())
            .order_by("indicator_id", "position")
            .values("indicator_id", "position", "year", "due", "kind", "value", "text"))
    for row in rows.iterator(chunk_size=_CHUNK):
        targets.setdefault(row["indicator_id"], _Many()).append(_Target(**row))
    indicators = (Indicator.objects.filter(pk__in=_public_ids()).order_by(*LIST_ORDER)
                  .values(*_INDICATOR_FIELDS))
    for row in indicators.iterator(chunk_size=_CHUNK):
        yield _Indicator(**row, targets=targets.get(row["id"], _Many()),
                         home_territory=SimpleNamespace(name=row["home_territory__name"]))


def _values_by_indicator():
    """{indicator id: [values]} in chronological order, with their parts (two
    queries), as plain objects."""
    parts = {}
    rows = (IndicatorValuePart.objects.filter(value__indicator_id__in=_public_ids(),
                                              value__review_state=ReviewState.APPROVED)
            .order_by("value_id", "position").values_list("value_id", "label", "amount"))
    for value_id, label, amount in rows.iterator(chunk_size=_CHUNK):
        parts.setdefault(value_id, _Many()).append(SimpleNamespace(label=label, amount=amount))
    values = {}
    rows = (IndicatorValue.objects.filter(indicator_id__in=_public_ids(),
                                          review_state=ReviewState.APPROVED)
            .order_by("indicator_id", "period_end", "period_start", "territory_id")
            .values(*_VALUE_FIELDS))
    for row in rows.iterator(chunk_size=_CHUNK):
        values.setdefault(row["indicator_id"], []).append(SimpleNamespace(
            **row, territory=SimpleNamespace(name=row["territory__name"]),
            parts=parts.get(row["id"], _Many())))
    return values


def _indicator_rows():
    url = path_maker("indicators:detail")
    values_of = _values_by_indicator()
    # The explanation is data, written in the portal's language (Czech).
    with translation.override("cs"):
        for indicator in _public_indicators():
            values = values_of.get(indicator.id, [])
            assessment = assess(indicator, values)
            baseline, latest, _bc, latest_cmp = baseline_and_latest(indicator, values)
            target = next_target(indicator, latest=latest)
            yield {
                "code": indicator.code,
                "name": indicator.name,
                "kind": indicator.kind,
                "national_code": indicator.national_code,
                "unit": indicator.unit_display or str(indicator.get_unit_display()),
                "territory": indicator.home_territory__name,
                "comparison_territory": indicator.comparison_territory__name or "",
                "specific_goal": indicator.plan_item__code or "",
                "project": indicator.project_link__project__registration_number or "",
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
                "status": assessment.status,
                "status_explanation": assessment.sentence,
                "url": url(indicator.slug),
            }


def _value_rows():
    values_of = _values_by_indicator()
    for indicator in _public_indicators():
        yield from download_rows(indicator, values_of.get(indicator.id, []))


def register_datasets():
    register(Dataset(
        slug="indicators",
        title=_("Indicators"),
        description=_("Every public indicator with its baseline, latest value, target and the "
                      "status the portal computes, with the sentence that explains it."),
        keywords=(_("indicators"), _("social inclusion"), _("community planning")),
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
        keywords=(_("indicators"), _("statistics"), _("social inclusion")),
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
