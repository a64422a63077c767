"""Demo data for the projects app, loaded by `manage.py seed_demo`.

* The 20 KPSV+ projects of Appendix A of `001` (transcribed in
  ``fixtures/seed_psz.json``: ``appendix_a``, ``appendix_a_totals``), each linked
  to its measure of the PSZ 2022–2027, with the printed totals kept as stated
  figures next to the sums computed from the rows.
* The ESF project of `004` with its budget split, key activities KA1–KA5 and
  its two project indicators (``fixtures/seed_indicators.json``:
  ``project_indicators``).

Idempotent: records are looked up by their natural keys and never touched
again; where the database differs from the seed, the database wins and the
difference is only reported. New rows go through the services, so they are
audited like an officer's entry.
"""

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.conf import settings

from core.services import model_create
from directory.models import Organisation
from directory.seed import (
    CREATED,
    DIFFERS,
    UNCHANGED,
    SeedError,
    SeedSummary,
    _say,
    read_seed_data,
)
from indicators import seed as indicator_seed
from indicators import services as indicator_services
from indicators.models import Indicator, IndicatorKind, TargetKind, Unit
from planning.models import LevelRole, Plan, PlanItem

from . import services
from .models import Call, EuFund, KeyActivity, Programme, Project, ProjectStatus, StatedTotal

PSZ_FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "seed_psz.json"
INDICATORS_FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "seed_indicators.json"
PSZ_PLAN_CODE = "psz-2022-2027"
KPSV = "KPSV+"

PROGRAMMES = [
    {
        "code": "opz", "name": "Operační program Zaměstnanost", "short_name": "OPZ",
        "eu_fund": EuFund.ESF, "position": 1,
        "registration_number_pattern":
            r"^CZ\.03\.\d{1,2}\.\d{1,3}/\d\.\d/\d\.\d/\d{2}_(?P<call>\d{3})/\d{7}$",
        "registration_number_example": "CZ.03.2.63/0.0/0.0/16_063/0006590",
    },
    {
        "code": "opz-plus", "name": "Operační program Zaměstnanost plus", "short_name": "OPZ+",
        "eu_fund": EuFund.ESF, "position": 2,
        "registration_number_pattern": r"^CZ\.03\.\d{2}\.\d{2}/\d{2}/\d{2}_(?P<call>\d{3})/\d{7}$",
        "registration_number_example": "CZ.03.02.01/00/22_018/0001145",
    },
    {
        "code": "irop", "name": "Integrovaný regionální operační program", "short_name": "IROP",
        "eu_fund": EuFund.ERDF, "position": 3,
        "registration_number_pattern": r"^CZ\.06\.\d{2}\.\d{2}/\d{2}/\d{2}_(?P<call>\d{3})/\d{7}$",
        "registration_number_example": "CZ.06.04.02/00/22_014/0002527",
    },
]
# Appendix A prints the call as "018 OPZ+" / "14 IROP".
CALLS = {
    "018 OPZ+": {"programme": "opz-plus", "number": "018", "initiative": KPSV},
    "14 IROP": {"programme": "irop", "number": "14", "initiative": KPSV},
}
TOTAL_SCOPES = {
    "Celkem OPZ+": ("opz-plus", KPSV),
    "Celkem IROP": ("irop", KPSV),
    "Celkem KPSV+": (None, KPSV),
}

ESF_PROJECT = {
    "registration_number": "CZ.03.2.63/0.0/0.0/16_063/0006590",
    "title": "Společné plánování udržitelné sítě sociálních služeb v Ostravě",
    "implementer": "Statutární město Ostrava",
    "period_start": date(2017, 11, 1),
    "period_end": date(2019, 10, 31),
    "status": ProjectStatus.COMPLETED,
    "total_budget": Decimal("3648425.00"),
    "budget_text": "Celkové způsobilé výdaje (100%): 3 648 425,00 Kč",
    "funding_note": (
        "Prostředky z rozpočtu statutárního města Ostravy (5%): 182 421,25 Kč\n"
        "Prostředky z ESF/OP LZZ (85%) a státního rozpočtu (10%): 3 466 003,75 Kč"
    ),
    "description": (
        "Aktivity projektu vedou k vytvoření střednědobého plánu rozvoje sociálních služeb na "
        "území statutárního města Ostravy (5. Komunitní plán sociálních služeb a souvisejících "
        "aktivit na období let 2019-2022) a následnému naplňování jeho cílů a opatření. "
        "Implementace 5. Komunitního plánu bude nastavena v souladu s aktuálními potřebami "
        "dotčených cílových skupin. Cíleno je na zkvalitnění, zjednodušení a zprůhlednění "
        "jednotlivých kroků procesu plánování služeb a jeho realizace."
    ),
    "target_groups": (
        "Nestátní neziskové organizace (dále jen NNO)\n"
        "Osoby sociálně vyloučené a osoby sociálním vyloučením ohrožené\n"
        "Poskytovatelé a zadavatelé sociálních služeb\n"
        "Zaměstnanci veřejné správy, kteří se věnují sociální, rodinné nebo zdravotní "
        "problematice"
    ),
    "goals": (
        "zajištění kontinuity a legitimacy procesu střednědobého plánování soc. služeb a "
        "návazných aktivit ve městě Ostravě vč. zpracování příslušného strategického dokumentu "
        "(5. Komunitní plán)\n"
        "revize organizační struktury plánování ve vazbě na provedenou analýzu potřeb\n"
        "zvýšení dosahu komunikace procesu plánování a jeho výsledků směrem k uživatelům soc. "
        "služeb a souvisejících aktivit, laické i odborné veřejnosti apod.)\n"
        "rozvoj kompetencí osob zapojených do plánovacího a realizačního procesu prostřednictvím "
        "individuálních i skupinových vzdělávacích kurzů"
    ),
    "source": "004 karta projektu",
    "funding": [
        {"source": "city", "label": "Prostředky z rozpočtu statutárního města Ostravy",
         "percent": Decimal("5"), "amount": Decimal("182421.25")},
        {"source": "esf", "label": "Prostředky z ESF/OP LZZ",
         "percent": Decimal("85"), "amount": Decimal("3101161.25")},
        {"source": "state", "label": "Prostředky ze státního rozpočtu",
         "percent": Decimal("10"), "amount": Decimal("364842.50")},
    ],
    "key_activities": [
        {"code": "KA1", "title": "Zajištění a koordinace procesu plánování",
         "period_start": date(2017, 11, 1), "period_end": date(2019, 10, 31),
         "period_text": "od 1.11.2017 do 31.10.2019",
         "goal": "koordinace celého procesu plánování v rámci organizační struktury KP Ostrava, "
                 "tzn. činnosti Koordinátora procesu plánování, pracovních skupin pod vedením "
                 "jednotlivých manažerů pracovních skupin.",
         "planned_outputs": "uskutečněná jednání manažerského týmu KP Ostrava a jednotlivých "
                            "pracovních skupin"},
        {"code": "KA2", "title": "Vytvoření nového střednědobého plánu rozvoje sociálních služeb",
         "period_start": date(2017, 11, 1), "period_end": date(2018, 10, 31),
         "period_text": "od 1.11.2017 do 31.10.2018",
         "goal": "zpracování navazujícího střednědobého plánu rozvoje sociálních služeb ve městě "
                 "Ostravě na léta 2019–2022 (5. Komunitní plán)",
         "planned_outputs": "vytvoření návrhové části dokumentu 5. Komunitního plánu\n"
                            "realizované veřejné připomínkové řízení návrhu 5. Komunitního "
                            "plánu\n"
                            "projednání dokumentu 5. Komunitní plán v orgánech města"},
        {"code": "KA3",
         "title": "Nastavení systému vyhodnocování a aktualizace opatření a aktivit plánu",
         "period_start": date(2018, 4, 1), "period_end": date(2019, 10, 31),
         "period_text": "od 1.4.2018-31.10.2019",
         "goal": "zpracování implementační/prováděcí části střednědobého plánu, včetně nastavení "
                 "systému monitoringu, aktualizace opatření aktivit ve vazbě na aktuálně zjištěné "
                 "změny v potřebách cílových skupin v návrhové části plánu, hodnocení naplnění "
                 "cílů a jejich indikátorů",
         "planned_outputs": "vytvoření a realizace implementační části 5. Komunitního plánu"},
        {"code": "KA4",
         "title": "Komunikace procesu plánování, zapojování cílových skupin a spolupráce s "
                  "partnery",
         "period_start": date(2017, 11, 1), "period_end": date(2019, 10, 31),
         "period_text": "od 1.11.2017 do 31.10.2019",
         "goal": "vyšší koordinace přípravy a realizace plánu s dalšími aktivitami a platformami "
                 "v území města Ostravy, zvýšení dosahu komunikace procesu plánování a jeho "
                 "výsledků prostřednictvím sociálních sítí, médií atd.",
         "planned_outputs": "komunikační plán procesu\n"
                            "komunikační verze nového střednědobého plánu sociálních služeb"},
        {"code": "KA5", "title": "Vzdělávání účastníků procesu plánování",
         "period_start": date(2018, 1, 1), "period_end": date(2019, 10, 31),
         "period_text": "od 1.1.2018 do 31.10.2019",
         "goal": "rozvoj kvalifikace a kompetencí osob zapojených do procesu plánování v "
                 "tématech souvisejících se střednědobým plánováním, řízením změn, hodnocení "
                 "plánů atd.",
         "planned_outputs": "realizované vzdělávací bloky (interní i externí) pro členy "
                            "Manažerského týmu KP Ostrava"},
    ],
}


class _Loader:
    def __init__(self, summary, stdout, verbosity):
        self.summary = summary
        self.stdout = stdout
        self.verbosity = verbosity
        self.programmes = {}
        self.calls = {}
        self.organisations = self._organisation_names()

    @staticmethod
    def _organisation_names():
        names = {}
        for record in read_seed_data()["organisations"]:
            for text in [record["name"], *(a["text"] for a in record.get("also_published_as", []))]:
                names[text] = record["name"]
        by_name = {o.name: o for o in Organisation.objects.filter(name__in=set(names.values()))}
        return {text: by_name[name] for text, name in names.items() if name in by_name}

    def _organisation(self, text, where):
        organisation = self.organisations.get(text)
        if organisation is None:
            raise SeedError(f"{where}: implementer “{text}” is not among the seeded "
                            "organisations (add it or its spelling to seed_planning.json).")
        return organisation

    def _compare(self, model, obj, wanted, where):
        differing = [name for name, value in wanted.items() if getattr(obj, name) != value]
        self.summary.add(model, DIFFERS if differing else UNCHANGED)
        if differing:
            _say(self.stdout, f"  ! {where} differs from the seed in {', '.join(differing)}; "
                              "kept as it is in the database.")

    # --- reference data ------------------------------------------------------------

    def programmes_and_calls(self):
        for record in PROGRAMMES:
            programme = Programme.objects.filter(code=record["code"]).first()
            if programme is None:
                programme = services.programme_create(actor=None, **record)
                self.summary.add(Programme, CREATED)
            else:
                self._compare(Programme, programme,
                              {k: v for k, v in record.items() if k != "code"},
                              f"Programme {record['code']}")
            self.programmes[record["code"]] = programme
        wanted = [(label, rec) for label, rec in CALLS.items()]
        wanted.append(("", {"programme": "opz", "number": "063", "initiative": ""}))
        for label, record in wanted:
            programme = self.programmes[record["programme"]]
            call = Call.objects.filter(programme=programme, number=record["number"]).first()
            if call is None:
                call = services.call_create(actor=None, programme=programme,
                                            number=record["number"], published_label=label,
                                            initiative=record["initiative"])
                self.summary.add(Call, CREATED)
            else:
                self._compare(Call, call, {"published_label": label,
                                           "initiative": record["initiative"]},
                              f"Call {record['number']} {programme.short_name}")
            self.calls[(record["programme"], record["number"])] = call
            if label:
                self.calls[label] = call

    # --- Appendix A ---------------------------------------------------------------------

    @staticmethod
    def _measures_by_code():
        measures = {}
        for item in (PlanItem.objects.filter(plan__code=PSZ_PLAN_CODE,
                                             level__role=LevelRole.MEASURE)
                     .select_related("parent__parent__parent")):
            measures.setdefault(item.code, []).append(item)
        return measures

    @staticmethod
    def _measure_for(measures, record):
        """By code; a code printed twice is told apart by the title."""
        where = f"001 příloha A, řádek {record['row']} ({record['measure_code']})"
        candidates = measures.get(record["measure_code"], [])
        if len(candidates) > 1:
            candidates = [m for m in candidates if m.title == record["measure_title"]]
        if not candidates:
            titled = [m for ms in measures.values() for m in ms
                      if m.title == record["measure_title"]]
            candidates = titled
        if len(candidates) != 1:
            raise SeedError(f"{where}: measure “{record['measure_code']} "
                            f"{record['measure_title']}” not found in the plan "
                            f"{PSZ_PLAN_CODE} (load the plans first).")
        return candidates[0]

    def appendix_a(self, data):
        measures = self._measures_by_code()
        for record in data["appendix_a"]:
            where = f"001 příloha A, řádek {record['row']}"
            measure = self._measure_for(measures, record)
            call = self.calls.get(record["call_text"])
            if call is None:
                raise SeedError(f"{where}: unknown call “{record['call_text']}”.")
            fields = {
                "title": record["measure_title"],
                "call": call,
                "implementer": self._organisation(record["implementer_text"], where),
                "implementer_text": record["implementer_text"],
                "area_text": record["area_text"],
                "measure_code_published": record["measure_code"],
                "status": ProjectStatus.IN_PROGRESS,
                "total_budget": Decimal(record["budget"]),
                "budget_text": record["budget_text"],
                "reports_total": measure.reports_total,
                "is_published": True,
                "source": record["source"],
            }
            self.project(record["registration_number"], fields, [measure], [], where)
        self.stated_totals(data["appendix_a_totals"])

    def stated_totals(self, totals):
        for position, record in enumerate(totals, start=1):
            if record["label"] not in TOTAL_SCOPES:
                raise SeedError(f"{record['source']}: unknown total “{record['label']}”.")
            programme_code, initiative = TOTAL_SCOPES[record["label"]]
            plan = None
            if record.get("plan"):
                plan = Plan.objects.filter(code=record["plan"]).first()
                if plan is None:
                    raise SeedError(f"{record['source']} {record['label']}: plan "
                                    f"“{record['plan']}” is missing (load the plans first).")
            fields = {
                "plan": plan,
                "programme": self.programmes[programme_code] if programme_code else None,
                "initiative": initiative,
                "amount": Decimal(record["amount"]),
                "amount_text": record["amount_text"],
                "position": position,
            }
            total = StatedTotal.objects.filter(source=record["source"],
                                               label=record["label"]).first()
            if total is None:
                model_create(actor=None, model=StatedTotal,
                             data={"source": record["source"], "label": record["label"],
                                   **fields})
                self.summary.add(StatedTotal, CREATED)
            else:
                self._compare(StatedTotal, total, fields, f"{record['source']} {record['label']}")

    # --- 004 ------------------------------------------------------------------------------

    def esf_project(self):
        record = dict(ESF_PROJECT)
        where = "004 karta projektu"
        funding = record.pop("funding")
        activities = record.pop("key_activities")
        number = record.pop("registration_number")
        record["implementer"] = self._organisation(record["implementer"], where)
        record["call"] = self.calls[("opz", "063")]
        record["is_published"] = True
        project = self.project(number, record, [], funding, where)
        for position, activity in enumerate(activities, start=1):
            existing = KeyActivity.objects.filter(project=project, code=activity["code"]).first()
            if existing is None:
                services.key_activity_create(actor=None, project=project, position=position,
                                             **activity)
                self.summary.add(KeyActivity, CREATED)
            else:
                self._compare(KeyActivity, existing, activity, f"{where} {activity['code']}")

    def esf_indicators(self, data):
        territory = indicator_seed.home_territory()
        for position, record in enumerate(data["project_indicators"], start=1):
            number = record["project_registration_number"]
            project = Project.objects.filter(registration_number=number).first()
            if project is None:
                raise SeedError(f"Project {number} of indicator {record['code']} is missing.")
            if Indicator.objects.filter(code=record["code"]).exists():
                self.summary.add(Indicator, UNCHANGED)
                continue
            indicator_services.indicator_create(
                actor=None, code=record["code"], name=record["name"],
                kind=IndicatorKind.PROJECT, national_code=record["national_code"],
                definition=record["definition"], unit=Unit.COUNT, position=position,
                home_territory=territory, targets=[{
                    "kind": TargetKind.AT_LEAST, "value": Decimal(record["planned"]),
                    "due": date.fromisoformat(record["due"]), "text": record["planned_text"]}],
                note=record["actual_text"],
                links=[services.indicator_project_link(kind=IndicatorKind.PROJECT,
                                                       project=project)])
            self.summary.add(Indicator, CREATED)

    def project(self, number, fields, measures, funding, where):
        project = Project.objects.filter(registration_number=number).first()
        if project is None:
            project = services.project_create(actor=None, registration_number=number,
                                              measures=measures, funding=funding, **fields)
            self.summary.add(Project, CREATED)
            return project
        self._compare(Project, project, fields, f"{where} ({number})")
        return project


def load(*, stdout=None, summary=None, verbosity=1, psz_path=None):
    summary = summary if summary is not None else SeedSummary()
    loader = _Loader(summary, stdout, verbosity)
    loader.programmes_and_calls()
    with open(psz_path or PSZ_FIXTURE, encoding="utf-8") as fh:
        loader.appendix_a(json.load(fh))
    loader.esf_project()
    loader.esf_indicators(json.loads(INDICATORS_FIXTURE.read_text(encoding="utf-8")))
    return summary
