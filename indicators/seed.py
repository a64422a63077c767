"""Demo data for the indicators app, loaded by `manage.py seed_demo`:

* the 11 global indicators of 001 with baseline, current value, the regional
  comparison, target and the report's commentary (fixtures/seed_indicators.json);
* every impact indicator of 001 Appendix B with its value and "as of" date,
  composite ones as labelled parts (fixtures/seed_psz.json).

The two project indicators of 004 come with their project (projects.seed).

Values are parsed from the published text and keep that text. An indicator
that exists already is left as it is (idempotent)."""

import json
import re
from pathlib import Path

from django.conf import settings
from django.db import transaction

from core.services import model_create
from directory.seed import CREATED, UNCHANGED, UPDATED, SeedError, _say
from directory.selectors import current_city
from planning.models import LevelRole, Plan, PlanItem, PlanSourceNote

from . import services
from .models import Indicator, IndicatorKind, IndicatorTarget, IndicatorValue, Territory, Unit
from .parsing import ParseError, parse_period, parse_target, parse_value

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
PUBLISHED_IN = "001"
NOTES_FROM = 1001
HOME = object()  # the key of the city's home territory in _Loader.territories


def _read(name):
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def home_territory():
    """The city's home territory (directory.City, set from fixtures/seed_city.json
    by the directory loader): where the city's own indicators are measured."""
    city = current_city()
    if city is None or city.home_territory_id is None:
        raise SeedError("The city and its home territory are not set; load the directory "
                        "first (fixtures/seed_city.json).")
    return Territory.objects.get(pk=city.home_territory_id)


def _split_pair(text):
    """'3,01 % vs. 2,28 %' → ['3,01 %', '2,28 %']; a plain value → [value]."""
    return [piece.strip() for piece in re.split(r"\s+vs\.\s+", text)]


class _Loader:
    def __init__(self, stdout, summary, verbosity):
        self.stdout, self.summary, self.verbosity = stdout, summary, verbosity
        self.territories = {}

    def territories_from_directory(self):
        """Every territory by its code, the city's home territory as HOME."""
        self.territories = {t.code: t for t in Territory.objects.all()}
        self.territories[HOME] = home_territory()

    def indicator(self, code, **fields):
        existing = Indicator.objects.filter(code=code).first()
        if existing is not None:
            self.summary.add(Indicator, UNCHANGED)
            return None
        plans = fields.pop("plans", ())
        indicator = services.indicator_create(actor=None, code=code, plans=plans, **fields)
        self.summary.add(Indicator, CREATED)
        return indicator

    def add_missing_target(self, code, targets):
        """An indicator loaded before its goal's target was transcribed gets it;
        one with milestones of its own (an officer's) is left alone."""
        existing = Indicator.objects.filter(code=code).first()
        if existing is None or not targets or existing.targets.exists():
            return
        services.indicator_update(actor=None, indicator=existing, targets=targets)
        self.summary.add(IndicatorTarget, UPDATED)

    def value(self, indicator, value_text, period_text, territory, *, where, **extra):
        try:
            parsed = parse_value(value_text)
            period = parse_period(period_text)
        except ParseError as error:
            raise SeedError(f"{where}: {error}") from None
        parts = []
        if parsed.is_composite:
            labels = indicator.part_labels
            if len(labels) != len(parsed.parts):
                raise SeedError(f"{where}: {len(parsed.parts)} parts but {len(labels)} labels.")
            parts = list(zip(labels, parsed.parts, strict=True))
        services.indicator_value_record(
            actor=None, indicator=indicator, territory=territory,
            period_kind=period.kind, period_start=period.start, period_end=period.end,
            period_text=period_text, value=parsed.value, available=parsed.available,
            is_estimate=parsed.is_estimate, rank=parsed.rank, rank_scope=parsed.rank_scope,
            value_text=value_text, parts=parts, **extra,
        )
        self.summary.add(IndicatorValue, CREATED)

    # --- the three groups ------------------------------------------------------

    def global_indicators(self, data):
        plan = Plan.objects.filter(code=data["global_plan"]).first()
        if plan is None:
            raise SeedError(f"The plan {data['global_plan']} is missing; load the plans first.")
        footnotes = data["global_footnotes"]
        for position, record in enumerate(data["global"], start=1):
            target = parse_target(record["target_text"])
            comparison = self.territories.get(record.get("comparison", ""))
            note = footnotes.get(record.get("note_footnote", ""), "")
            indicator = self.indicator(
                record["code"], name=record["name"], kind=IndicatorKind.GLOBAL,
                unit=Unit(record["unit"]), definition=record.get("definition", ""),
                data_source=record.get("data_source", ""), position=position,
                home_territory=self.territories[HOME], comparison_territory=comparison,
                targets=[{"kind": target.kind, "value": target.value,
                          "year": record.get("target_year"), "text": record["target_text"]}]
                if target.kind else [],
                note=note, commentary=record.get("commentary_html", ""), plans=[plan],
            )
            if indicator is None:
                continue
            for which in ("baseline", "current"):
                cell = record[which]
                if cell["period_text"] is None:
                    continue  # "n. a." without a period: nothing to record
                texts = _split_pair(cell["value_text"])
                territories = [self.territories[HOME]] + ([comparison] if comparison else [])
                if len(texts) != len(territories):
                    raise SeedError(f"{record['code']} {which}: {len(texts)} values for "
                                    f"{len(territories)} territories.")
                covid = (which == "baseline" and "2021" in cell["period_text"])
                for text, territory in zip(texts, territories, strict=True):
                    self.value(
                        indicator, text, cell["period_text"], territory,
                        where=f"{record['code']} {which}", is_baseline=which == "baseline",
                        note=footnotes["baseline_2021"] if covid else "",
                        source=f"{PUBLISHED_IN}, {cell['territory_text']}",
                    )
            for extra in record.get("extra_values", []):
                self.value(indicator, extra["value_text"], extra["period_text"],
                           self.territories[HOME], where=f"{record['code']} extra",
                           source=extra["source"])

    def source_notes(self, data):
        """The transcription's notes on the source, shown with the plan's data
        checks (after the plan's own notes: positions from NOTES_FROM)."""
        plan = Plan.objects.get(code=data["global_plan"])
        for number, note in enumerate(data["inconsistencies"]):
            position = NOTES_FROM + number
            if PlanSourceNote.objects.filter(plan=plan, position=position).exists():
                self.summary.add(PlanSourceNote, UNCHANGED)
                continue
            model_create(actor=None, model=PlanSourceNote, data={
                "plan": plan, "position": position, "where": note["where"],
                "what": note["what"], "kept_as": note.get("kept_as") or "",
            })
            self.summary.add(PlanSourceNote, CREATED)

    def impact_indicators(self, data):
        plan = Plan.objects.filter(code="psz-2022-2027").first()
        if plan is None:
            raise SeedError("The PSZ plan is missing; load the plans first.")
        goals = {item.code: item for item in PlanItem.objects.filter(
            plan=plan, level__role=LevelRole.SPECIFIC_GOAL)}
        position = 100
        for area in data["areas"]:
            for strategic in area["strategic_goals"]:
                for specific in strategic["specific_goals"]:
                    goal = goals.get(specific["code"])
                    if goal is None:
                        raise SeedError(f"Specific goal {specific['code']} is not in the plan.")
                    as_of = specific["indicators_as_of_text"]
                    for number, record in enumerate(specific["indicators"], start=1):
                        position += 1
                        code = f"{specific['code']}-{number}"
                        targets = _goal_target(record, where=f"impact {code}")
                        self.add_missing_target(code, targets)
                        indicator = self.indicator(
                            code, targets=targets,
                            name=record["name"], kind=IndicatorKind.IMPACT,
                            unit=Unit.COUNT, plan_item=goal, position=position,
                            home_territory=self.territories[HOME],
                            part_labels=record.get("parts_labels") or [],
                            note="\n".join(filter(None, [record.get("footnote"),
                                                         specific.get("indicators_as_of_footnote")])),
                            plans=[plan],
                        )
                        if indicator is None:
                            continue
                        self.value(indicator, record["value_text"], as_of,
                                   self.territories[HOME], where=f"impact {code}",
                                   source=f"{PUBLISHED_IN} příloha B")


def _goal_target(record, *, where):
    """The milestone an impact indicator takes from its specific goal, where the
    goal states the number the indicator counts ("… podporu 300 klientů" for
    the number of clients: "target" in seed_psz.json, with the sentence it
    comes from); none where the goal states no such number."""
    target = record.get("target")
    if not target:
        return []
    try:
        parsed = parse_target(target["text"])
    except ParseError as error:
        raise SeedError(f"{where}: {error}") from None
    return [{"kind": parsed.kind, "value": parsed.value, "year": target.get("year"),
             "text": target["text"]}]


def load(*, stdout=None, summary, verbosity=1):
    indicators = _read("seed_indicators.json")
    psz = _read("seed_psz.json")
    loader = _Loader(stdout, summary, verbosity)
    with transaction.atomic():
        loader.territories_from_directory()
        loader.global_indicators(indicators)
        loader.impact_indicators(psz)
        loader.source_notes(indicators)
    if verbosity >= 2:
        for item in indicators["inconsistencies"]:
            _say(stdout, f"  ! {item['where']}: {item['what']}")
