"""Plans from the seed documents for `manage.py seed_demo`:

* ``fixtures/seed_psz.json`` — the Social Inclusion Plan 2022–2027, Action plan I,
  as Appendix B of the interim evaluation (001) publishes it;
* ``fixtures/seed_kp_dar.json`` — the goals and measures working group Děti a
  rodina drafted for the 5th community plan (002).

Everything is kept as published, inconsistencies included; the plan's data
checks page reports them. Items are identified by (plan, parent, position),
because published codes are not unique (2.1.3.3 is printed twice). A second
run changes nothing; where an officer has since edited an item, the database
wins and the difference is reported.
"""

import json
from datetime import date
from pathlib import Path

from django.conf import settings

from core.services import model_create
from directory.models import Organisation, WorkingGroup
from directory.seed import (
    CREATED,
    DIFFERS,
    UNCHANGED,
    SeedError,
    SeedSummary,
    _say,
    read_seed_data,
)

from .models import ItemYearSummary, LevelRole, Plan, PlanItem, PlanSourceNote, PlanStatus
from .services import plans as plan_services

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
PSZ_FIXTURE = FIXTURES / "seed_psz.json"
KP_DAR_FIXTURE = FIXTURES / "seed_kp_dar.json"

PSZ_ROLES = [LevelRole.AREA, LevelRole.GOAL, LevelRole.SPECIFIC_GOAL, LevelRole.MEASURE]
KP_ROLES = [LevelRole.GOAL, LevelRole.MEASURE]

# Fields compared on re-runs (the seed's view of an item).
ITEM_FIELDS = (
    "code", "title", "target_text", "target_year", "status", "status_text", "reports_done",
    "reports_total", "implementers_text", "activity_type", "activity_type_text",
    "service_type", "period_start", "period_end", "period_text", "ongoing",
    "cross_cutting_priority", "footnote", "description",
)
TEXT_FIELDS = {
    "code", "title", "target_text", "status", "status_text", "implementers_text",
    "activity_type", "activity_type_text", "service_type", "period_text", "footnote",
    "description",
}
SERVICE_TYPES = {
    "OSP": "OSP", "SAS": "SAS", "TP": "TP", "SNP": "SNP",
    "Krizová pomoc": "krizova_pomoc", "Pečovatelská služba": "pecovatelska_sluzba",
}


def _date(value):
    return date.fromisoformat(value) if value else None


class _PlanLoader:
    def __init__(self, summary, stdout, verbosity):
        self.summary = summary
        self.stdout = stdout
        self.verbosity = verbosity
        self.organisations = self._organisation_names()

    @staticmethod
    def _organisation_names():
        """Every published spelling of every seeded organisation -> its row."""
        names = {}
        for record in read_seed_data()["organisations"]:
            for text in [record["name"], *(a["text"] for a in record.get("also_published_as", []))]:
                names[text] = record["name"]
        by_name = {o.name: o for o in Organisation.objects.filter(name__in=set(names.values()))}
        return {text: by_name[name] for text, name in names.items() if name in by_name}

    def _implementers(self, names, where):
        resolved = []
        for name in names:
            organisation = self.organisations.get(name)
            if organisation is None:
                raise SeedError(f"{where}: implementer “{name}” is not among the seeded "
                                "organisations (add it or its spelling to seed_planning.json).")
            resolved.append((organisation, name))
        return resolved

    # --- plan -------------------------------------------------------------------

    def plan(self, code, fields, level_names, roles):
        plan = Plan.objects.filter(code=code).first()
        if plan is None:
            plan = plan_services.plan_create(
                actor=None, code=code, levels=list(zip(level_names, roles, strict=True)),
                **fields,
            )
            self.summary.add(Plan, CREATED)
        else:
            self.summary.add(Plan, UNCHANGED)
        return plan

    def item(self, plan, parent, position, record, where, working_groups=()):
        fields = {name: record[name] for name in ITEM_FIELDS if name in record}
        for name in ("period_start", "period_end"):
            if name in fields:
                fields[name] = _date(fields[name])
        if fields.get("service_type"):
            fields["service_type"] = SERVICE_TYPES[fields["service_type"]]
        for name, value in fields.items():
            # The transcription writes null for "not printed"; text fields keep "".
            if value is None and name in TEXT_FIELDS:
                fields[name] = ""
        implementers = self._implementers(record.get("implementers", []), where)
        item = PlanItem.objects.filter(plan=plan, parent=parent, position=position).first()
        if item is None:
            item = plan_services.plan_item_create(
                actor=None, plan=plan, parent=parent, position=position,
                implementers=implementers, working_groups=working_groups, **fields,
            )
            self.summary.add(PlanItem, CREATED)
        else:
            differing = [n for n, v in fields.items() if getattr(item, n) != v]
            self.summary.add(PlanItem, DIFFERS if differing else UNCHANGED)
            if differing:
                _say(self.stdout, f"  ! {where} differs from the seed in {', '.join(differing)}; "
                                  "kept as it is in the database.")
        return item

    def source_notes(self, plan, notes):
        """The inconsistencies the transcription of the source recorded."""
        for position, note in enumerate(notes, start=1):
            if PlanSourceNote.objects.filter(plan=plan, position=position).exists():
                self.summary.add(PlanSourceNote, UNCHANGED)
                continue
            model_create(actor=None, model=PlanSourceNote, data={
                "plan": plan, "position": position, "where": note["where"],
                "what": note["what"], "kept_as": note.get("kept_as") or "",
            })
            self.summary.add(PlanSourceNote, CREATED)

    def summary_text(self, item, record):
        if not record:
            return
        if ItemYearSummary.objects.filter(item=item, year=record["year"]).exists():
            self.summary.add(ItemYearSummary, UNCHANGED)
            return
        plan_services.item_summary_set(actor=None, item=item, year=record["year"],
                                       title=record["title"], text=record["html"])
        self.summary.add(ItemYearSummary, CREATED)

    # --- the two seeded plans ------------------------------------------------------

    def psz(self, data):
        meta = data["plan"]
        plan = self.plan(
            "psz-2022-2027",
            {"kind": "psz", "title": meta["title"], "subtitle": meta.get("subtitle", ""),
             "period_start": meta["period_start"], "period_end": meta["period_end"],
             "status": PlanStatus.IN_FORCE},
            data["levels"], PSZ_ROLES,
        )
        for a, area in enumerate(data["areas"], start=1):
            area_item = self.item(plan, None, a, area, f"PSZ {area['code']}")
            for g, goal in enumerate(area["strategic_goals"], start=1):
                goal_item = self.item(plan, area_item, g, goal, f"PSZ {goal['code']}")
                for s, specific in enumerate(goal["specific_goals"], start=1):
                    specific_item = self.item(plan, goal_item, s, specific,
                                              f"PSZ {specific['code']}")
                    for m, measure in enumerate(specific["measures"], start=1):
                        self.item(plan, specific_item, m, measure, f"PSZ {measure['code']}")
                    self.summary_text(specific_item, specific.get("summary"))
        self.source_notes(plan, data.get("inconsistencies", []))
        return plan

    def kp_dar(self, data):
        meta = data["plan"]
        group = WorkingGroup.objects.filter(code=data.get("working_group", "DaR")).first()
        plan = self.plan(
            "kp-5-dar",
            {"kind": "kp", "ordinal": meta.get("ordinal"), "title": meta["title"],
             "subtitle": meta.get("subtitle", "Návrh pracovní skupiny Děti a rodina"),
             "period_start": meta.get("period_start", 2019),
             "period_end": meta.get("period_end", 2022),
             "status": meta.get("status", PlanStatus.DRAFT), "working_group": group},
            data["levels"], KP_ROLES,
        )
        groups = [group] if group else []
        for g, goal in enumerate(data["goals"], start=1):
            goal_item = self.item(plan, None, g, goal, f"KP {goal['code']}", groups)
            for m, measure in enumerate(goal.get("measures", []), start=1):
                record = {**measure}
                if measure.get("note") and "description" not in record:
                    record["description"] = measure["note"]
                self.item(plan, goal_item, m, record, f"KP {measure['code']}", groups)
        self.source_notes(plan, data.get("inconsistencies", []))
        return plan


def load(stdout=None, *, summary=None, verbosity=1, psz_path=None, kp_path=None):
    summary = summary if summary is not None else SeedSummary()
    loader = _PlanLoader(summary, stdout, verbosity)
    with open(psz_path or PSZ_FIXTURE, encoding="utf-8") as fh:
        loader.psz(json.load(fh))
    with open(kp_path or KP_DAR_FIXTURE, encoding="utf-8") as fh:
        loader.kp_dar(json.load(fh))
    return summary
