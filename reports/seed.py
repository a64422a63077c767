"""Demo data of the reports app, loaded by `manage.py seed_demo` (loader
`reports.seed.load`, after the plans): the list of abbreviations, the
officers' texts of the interim evaluation 2023 of the PSZ plan and the plan's
own report headings and introduction, as document 001 ("Průběžné vyhodnocení
I.", June 2024) prints them.

Idempotent: a term or text that exists is left as it is; one that differs
from the document is reported, never overwritten (officers may have edited
it since)."""

import json
from pathlib import Path

from django.conf import settings

from core.sanitize import sanitize_html
from core.services import model_create
from directory.seed import CREATED, DIFFERS, UNCHANGED, UPDATED, SeedError, _say
from planning.models import Plan

from .models import EvaluationText, GlossaryTerm, PlanReportTexts
from .services import evaluation_text_save

SOURCE = "001"
# The chapters of 001 that officers write beyond the summary (its advisory
# programmes), with their source in the document.
FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "seed_reports.json"
PLAN_CODE = "psz-2022-2027"
YEAR = 2023
TITLE = "Průběžné vyhodnocení I."
ISSUED_TEXT = "Červen 2024"

# 001 "Seznam zkratek", in the order printed.
GLOSSARY = [
    ("APK", "Asistent prevence kriminality"),
    ("DPČ", "Dohoda o pracovní činnosti"),
    ("HPP", "Hlavní pracovní poměr"),
    ("IROP", "Integrovaný regionální operační program"),
    ("KPSV+", "Koordinovaný přístup k sociální vyloučení plus"),
    ("MPSV", "Ministerstvo práce a sociálních věcí"),
    ("NNO", "Nestátní nezisková organizace"),
    ("OPZ+", "Operační program Zaměstnanost plus"),
    ("OSP", "Odborné sociální poradenství"),
    ("OSPOD", "Orgán sociálně-právní ochrany dětí"),
    ("OSVČ", "Osoba samostatně výdělečně činná"),
    ("SNP", "Služba následné péče"),
    ("SPOD", "Sociálně-právní ochrana dětí"),
    ("TP", "Terénní program"),
]

# 001 "Manažerské shrnutí", word for word (its typing errors included, e.g.
# "Koordinovaného přístup"); bold as printed.
SUMMARY_HTML = """
<p>Tento dokument slouží k vyhodnocení spolupráce mezi statutárním městem Ostrava a Agenturou
pro sociální začleňování, která je popsána ve společném memorandu a související příloze
s názvem <strong>Popis spolupráce, Plánu sociálního začleňování Ostrava 2022–2027</strong>
a jeho <strong>Akčního plánu I.</strong></p>
<h3>Co v dokumentu naleznete?</h3>
<p>Dočtete se, jaké jsou současné hodnoty <strong>globálních indikátorů sociálního
začleňování</strong>. Ostrava nadále patří k městům s nadprůměrným indexem sociálního
vyloučení. Zlepšení stavu anebo zmírnění některých dopadů sociálního vyloučení vyžaduje
dlouhodobou a systematickou práci všech institucí i obyvatel. U některých ukazatelů dochází
k postupnému zlepšení. To lze například pozorovat u podílu předčasných odchodů ze ZŠ anebo
podílu exekvovaných osob. Limitem sociálního začleňování ve městě zůstává hůře dostupné
bydlení s podporou sociální práce.</p>
<p>Dále se dozvíte, co přinesl <strong>rok 2023 v rámci spolupráce města a Agentury</strong>.
Vyzdvihnout můžeme práci na <strong>poradenských programech</strong>, které přinesly zlepšení
organizace dat uvnitř odboru sociálních věcí a zdravotnictví a díky uskutečněnému výzkumu také
vzhled do problematiky podpory zdraví a dostupnosti zdravotní péče pro lidi v sociálním
bydlení. Z konkrétních aktivit také zmiňme obnovení <strong>pracovní skupiny
Zaměstnanost</strong> zaměřené na podporu sociálního podnikání, představení ostravského
kontaktního místa pro bydlení jako inspirace pro další obce, kulatý stůl k programu
domovník-preventista, seminář o sousedském soužití v sociálním bydlení.</p>
<p>Loňský rok rovněž znamenal zahájení <strong>18 „měkkých“ projektů OPZ+ a 2 infrastrukturních
projektů IROP</strong> v celkové výši <strong>178,7 mil. Kč</strong>. Díky spolupráci
s Agenturou mají ostravští partneři zvýhodněný přístup k výzvám Koordinovaného přístup
k sociálnímu vyloučení plus. Mezi uskutečňované projekty například patří rozšíření počtu
asistentů prevence kriminality a domovníků-preventistů, kteří přispívají k prevenci
kriminality, dále vznik nových unikátních služeb, jako krizová pomoc zaměřená na stabilizaci
zdraví lidí bez domova anebo sociálně aktivizační služba pro rodiny ohrožené závislostí, jež
nabízí vedle sociální práce i terapeutickou podporu. Mezi projekty nechybí vybudování
nízkoprahového zařízení pro děti a mládež v lokalitě Cihelní/Jílová či modernizace zázemí
sociálních služeb Adelante.</p>
<p>Do Plánu sociálního začleňování jsou propsány i další projekty realizované městem, jako je
<strong>projekt na sociální bydlení a zřízení kontaktního místa pro bydlení</strong> anebo
<strong>projekt na podporu žáků ZŠ, u nichž hrozí předčasný odchod ze vzdělávání</strong>.</p>
<h3>Proč jsou hodnoty indikátorů dopadu (zatím) nízké?</h3>
<p>Druhá část dokumentu sleduje naplňování jednotlivých opatření uvedených v Akčním plánu I.,
a to se zřetelem na <strong>sledování konkrétních změn u podpořených lidí</strong>. Změna
v oblasti sociálního vyloučení je „běh na dlouhou trať“; první změny lze často pozorovat až po
půl roce či roce spolupráce, někdy i v delším horizontu.</p>
<p>Data o změně získáváme z dotazníků, které vyplňují realizátoři spolu se zhotovením
půlročních zpráv o realizaci projektu. Jelikož projekty byly zahájeny teprve v průběhu roku
2023, máme za první rok údaje jen od některých zapojených organizací. Počet zohledněných zpráv
o realizaci je uveden u každého opatření, např. stav „v realizaci (2/6)“ znamená, že jako zdroj
informací posloužila druhá zpráva o realizaci projektu.</p>
<p>I přes omezený zdroj dat lze už v prvním roce vyčíst některé pozitivní změny u lidí žijících
v sociálním vyloučení. <strong>Například se podařilo zabydlet a poskytnout intenzivní podporu
39 domácnostem, 38 osobám sepsat návrh na oddlužení, 10 lidí vystoupilo z nelegálního trhu
práce a registrovalo se do evidence Úřadu práce ČR, 12 dětí se nově registrovalo u praktického
lékaře pro děti a dorost a 22 lidí našlo stomatologa.</strong> Významnější posuny předpokládáme
v příštím vyhodnocení.</p>
"""


# 001's own headings and the introduction to its global indicators; "{year}"
# stands for the year evaluated.
REPORT_TEXTS = {
    "global_indicators_heading": "Globální indikátory sociálního začleňování",
    "global_indicators_intro": (
        "Globální indikátory slouží jednak k popisu stavu sociálního vyloučení, ale také "
        "k vyjádření očekávaného zlepšení, k němuž přispěje plán."),
    "timeline_heading": "Spolupráce v roce {year}",
}


def _one_line(html):
    """The source is wrapped for reading; stored text has one space between words."""
    return " ".join(html.split()).replace("> <", "><")


def summary_html():
    return sanitize_html(_one_line(SUMMARY_HTML))


def _chapter(plan_code, year):
    """{"chapter_heading", "chapter_html"} of the edition from seed_reports.json, or {}."""
    with open(FIXTURE, encoding="utf-8") as fh:
        chapters = json.load(fh)["evaluation_chapters"]
    for record in chapters:
        if record["plan"] == plan_code and record["year"] == year:
            return {"chapter_heading": record["heading"],
                    "chapter_html": sanitize_html(_one_line(record["html"]))}
    return {}


def load(*, stdout, summary, verbosity=1):
    for abbreviation, meaning in GLOSSARY:
        existing = GlossaryTerm.objects.filter(abbreviation=abbreviation).first()
        if existing is None:
            model_create(actor=None, model=GlossaryTerm,
                         data={"abbreviation": abbreviation, "meaning": meaning},
                         message=f"seed {SOURCE}")
            summary.add(GlossaryTerm, CREATED)
        elif existing.meaning != meaning:
            summary.add(GlossaryTerm, DIFFERS)
            if verbosity >= 1:
                _say(stdout, f"  reports: {abbreviation} differs from {SOURCE}, kept as it is.")
        else:
            summary.add(GlossaryTerm, UNCHANGED)

    plan = Plan.objects.filter(code=PLAN_CODE).first()
    if plan is None:
        raise SeedError(f"The plan {PLAN_CODE} is missing; load the plans first.")
    chapter = _chapter(plan.code, YEAR)
    wanted = {"title": TITLE, "issued_text": ISSUED_TEXT, "summary": summary_html(), **chapter}
    text = EvaluationText.objects.filter(plan=plan, year=YEAR).first()
    if text is not None and chapter and not text.chapter_heading and not text.chapter_html:
        # Loaded before the chapter was transcribed: it is added, nothing else changes.
        text = evaluation_text_save(actor=None, text=text, **chapter)
        summary.add(EvaluationText, UPDATED)
    elif text is None:
        model_create(actor=None, model=EvaluationText,
                     data={"plan": plan, "year": YEAR, **wanted}, message=f"seed {SOURCE}")
        summary.add(EvaluationText, CREATED)
    elif any(getattr(text, name) != value for name, value in wanted.items()):
        summary.add(EvaluationText, DIFFERS)
        if verbosity >= 1:
            _say(stdout, f"  reports: the evaluation text {YEAR} differs from {SOURCE}, "
                         "kept as it is.")
    else:
        summary.add(EvaluationText, UNCHANGED)

    texts = PlanReportTexts.objects.filter(plan=plan).first()
    if texts is None:
        model_create(actor=None, model=PlanReportTexts, data={"plan": plan, **REPORT_TEXTS},
                     message=f"seed {SOURCE}")
        summary.add(PlanReportTexts, CREATED)
    elif any(getattr(texts, name) != value for name, value in REPORT_TEXTS.items()):
        summary.add(PlanReportTexts, DIFFERS)
        if verbosity >= 1:
            _say(stdout, f"  reports: the report texts of {PLAN_CODE} differ from {SOURCE}, "
                         "kept as they are.")
    else:
        summary.add(PlanReportTexts, UNCHANGED)
    return summary
