"""Any city (#14): the interim evaluation of a plan carries only that plan's
content — its abbreviations, events and meetings, its own introduction, its
currency and its language — and never an empty enumeration. The Ostrava demo
is loaded alongside, so that anything of it leaking into another city's plan
shows."""

import datetime
import io
import re
from collections import Counter
from decimal import Decimal
from html import unescape

import pytest
from django.utils import translation
from pypdf import PdfReader

from meetings.models import Event, EventKind, MinutesStatus
from planning.models import LevelRole, MeasureStatus, Plan, PlanItem
from planning.selectors import MeasureTally
from projects.models import Project
from reports.interim import (
    TotalLine,
    _highlights,
    build_pdf,
    interim_html,
    interim_tables,
    used_terms,
)
from reports.models import GlossaryTerm, PlanReportTexts
from reports.seed import GLOSSARY, REPORT_TEXTS
from tests.directory.factories import WorkingGroupFactory
from tests.meetings.factories import MeetingFactory
from tests.planning.factories import PlanFactory, PlanItemFactory
from tests.projects.factories import CallFactory, ProgrammeFactory, ProjectFactory

OSTRAVA = "psz-2022-2027"
YEAR = 2024

# What of the Ostrava demo may be printed in its own report in 2024 but never
# in another city's: its events and meetings of the year, its introduction.
OSTRAVA_2024 = [
    "Kampaň říjen – měsíc kyberbezpečnosti", "První setkání Platformy zdraví",
    "Vánoční trhy", "Workshop k vykazování ukazatelů", "Manažerský tým KP",
    "Globální indikátory sociálního začleňování", "sociálního vyloučení",
    "Spolupráce v roce", "Kč",
]


def text_of(html):
    """The document's text as a reader sees it."""
    body = html.split("<body", 1)[1].split(">", 1)[1]
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]*>", " ", body))).replace("\xa0", " ")


def empty_enumerations(html):
    """Places where a list was printed with nothing in it."""
    text = text_of(html)
    found = re.findall(r".{0,40}(?::\s*[;.,)]|:\s*$|\(\s*\)|;\s*[;.]|,\s*[,.]).{0,20}", text)
    found += re.findall(r"<(ol|ul|dl|tbody)[^>]*>\s*</\1>", html)
    return found


@pytest.fixture
def elsewhere(seeded):
    """A made-up plan of another city: in English, in euros, with its own
    abbreviations, body, meeting, event, project and introduction."""
    plan = PlanFactory(code="green-valley-2024", title="Green Valley Social Services Plan",
                       language="en", currency="EUR", period_start=2024, period_end=2026,
                       levels=[("Area", LevelRole.AREA), ("Goal", LevelRole.GOAL),
                               ("Specific goal", LevelRole.SPECIFIC_GOAL),
                               ("Measure", LevelRole.MEASURE)])
    body = WorkingGroupFactory(name="Green Valley Housing Group", code="gv-housing")
    measure = PlanItemFactory.measure(
        plan, working_groups=[body],
        period_start=datetime.date(2024, 3, 1), period_end=datetime.date(2025, 12, 31))
    PlanItem.objects.filter(pk=measure.pk).update(title="NGO housing first pilot")
    # One measure with no status at all: the summary must not print "1 measures: ;".
    PlanItemFactory(plan=plan, parent=measure.parent, code="1.1.1.2",
                    title="Winter shelter", status="")
    area = measure.parent.parent.parent
    Event.objects.create(title="Green Valley housing fair", kind=EventKind.WORKSHOP,
                         starts_on=datetime.date(YEAR, 5, 14), plan_area=area)
    MeetingFactory(body=body, day=datetime.date(YEAR, 6, 3), title="Spring meeting",
                   minutes_status=MinutesStatus.PUBLISHED)
    programme = ProgrammeFactory(code="esf-plus-gv", name="European Social Fund Plus",
                                 short_name="ESF+", registration_number_pattern=r"^GV-\d+$",
                                 registration_number_example="GV-1")
    call = CallFactory(programme=programme, number="001", published_label="Call 1 ESF+",
                       initiative="")
    ProjectFactory(registration_number="GV-0001", call=call, measures=[measure],
                   thematic_area=area, total_budget=Decimal("1234567.5"))
    GlossaryTerm.objects.create(abbreviation="NGO", meaning="non-governmental organisation")
    GlossaryTerm.objects.create(abbreviation="ESF+", meaning="European Social Fund Plus")
    GlossaryTerm.objects.create(abbreviation="GVX", meaning="a term nobody uses")
    PlanReportTexts.objects.create(
        plan=plan, global_indicators_heading="Indicators of the valley",
        global_indicators_intro="How the valley fares, in six figures.",
        timeline_heading="What happened in {year}")
    return plan


@pytest.mark.django_db
def test_another_city_s_report_carries_only_its_own_content(elsewhere):
    html = interim_html(elsewhere, year=YEAR)
    text = text_of(html)
    assert '<html lang="en">' in html
    # Its own texts, body, meeting, event, project and abbreviations.
    for own in ("Indicators of the valley", "How the valley fares, in six figures.",
                "What happened in 2024", "Green Valley housing fair",
                "Green Valley Housing Group – Spring meeting", "GV-0001",
                "NGO non-governmental organisation", "ESF+ European Social Fund Plus"):
        assert own in text, own
    assert "a term nobody uses" not in text
    # Money in euros, written the English way, and so are the column headers.
    assert "€1,234,567.50" in text
    assert "Budget (€)" in text
    # In English: the report's own words are translated.
    assert "Appendix A Projects by thematic area" in text and "Příloha" not in text
    # Nothing of Ostrava: its abbreviations, events, meetings, introduction, crowns.
    for abbreviation, meaning in GLOSSARY:
        assert not re.search(rf"(?<!\w){re.escape(abbreviation)}(?!\w)", text), abbreviation
        assert meaning not in text, meaning
    for leak in [*OSTRAVA_2024, REPORT_TEXTS["global_indicators_intro"]]:
        assert leak not in text, leak
    assert empty_enumerations(html) == []


@pytest.mark.django_db
def test_its_pdf_has_nothing_of_ostrava_either(elsewhere):
    pdf, pages = build_pdf(interim_html(elsewhere, year=YEAR))
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    text = re.sub(r"\s+", " ", text.replace("\xa0", " "))
    assert pages >= 2
    assert "€1,234,567.50" in text and "Green Valley housing fair" in text
    for leak in [*OSTRAVA_2024, *(meaning for _abbr, meaning in GLOSSARY)]:
        assert leak not in text, leak


@pytest.mark.django_db
def test_its_tables_are_in_english_with_its_currency(elsewhere):
    tables = dict((title, header) for title, header, _rows in interim_tables(elsewhere))
    assert "Budget (EUR)" in tables["Appendix A projects"]


@pytest.mark.django_db
def test_the_ostrava_report_keeps_its_own_texts_and_the_abbreviations_it_uses(seeded):
    GlossaryTerm.objects.create(abbreviation="GVX", meaning="a term nobody uses")
    html = interim_html(Plan.objects.get(code=OSTRAVA), year=2023)
    text = text_of(html)
    assert '<html lang="cs">' in html
    assert "Globální indikátory sociálního začleňování" in text
    assert REPORT_TEXTS["global_indicators_intro"] in text
    assert "Spolupráce v roce 2023" in text
    assert "OPZ+ Operační program Zaměstnanost plus" in text
    assert "IROP Integrovaný regionální operační program" in text
    assert "a term nobody uses" not in text
    assert "178 730 828,51 Kč" in text and "Rozpočet (Kč)" in text
    # Its 2023 events: those linked to its areas and the workshop of the plan
    # itself (001 prints it; it belongs to no area).
    assert "Kulatý stůl k problematice předlužených rodin" in text
    assert "Workshop k vizualizaci dat" in text
    # The totals its document printed, with the difference to the rows.
    assert "uvedeno jako „Celkem OPZ+“: 143 945 506,20 Kč" in text
    assert empty_enumerations(html) == []


@pytest.mark.django_db
def test_another_plan_s_report_has_no_event_or_printed_total_of_ostrava(elsewhere):
    """The workshop of the Ostrava plan and the totals its document printed
    stay out of another plan's report, even for a project in the same
    programme and initiative as the printed totals."""
    text = text_of(interim_html(elsewhere, year=2023))
    assert "Workshop k vizualizaci dat" not in text
    czech = PlanFactory(code="jine-mesto", period_start=2023)
    measure = PlanItemFactory.measure(czech)
    ostrava_call = Project.objects.filter(
        call__programme__code="opz-plus", call__number="018",
        call__initiative="KPSV+").first().call
    ProjectFactory(registration_number="CZ.03.02.01/00/22_018/0099999", call=ostrava_call,
                   measures=[measure], thematic_area=measure.parent.parent.parent,
                   total_budget=Decimal("1000000"))
    text = text_of(interim_html(czech, year=2023))
    assert "CZ.03.02.01/00/22_018/0099999" in text
    assert "Workshop k vizualizaci dat" not in text
    assert "Celkem OPZ+ (1 projekt)" in text
    assert "zveřejněném dokumentu" not in text
    assert "143 945 506,20" not in text and "178 730 828,50" not in text


@pytest.mark.django_db
def test_a_plan_without_report_texts_prints_the_neutral_wording_in_its_language(seeded):
    czech = PlanFactory(code="bez-textu")
    english = PlanFactory(code="no-texts", language="en")
    czech_text = text_of(interim_html(czech, year=YEAR))
    english_text = text_of(interim_html(english, year=YEAR))
    assert "Globální indikátory" in czech_text and "Rok 2024" in czech_text
    assert REPORT_TEXTS["global_indicators_heading"] not in czech_text
    assert "sociálního vyloučení" not in czech_text
    assert "Global indicators" in english_text and "The year 2024" in english_text
    # An empty plan says so in sentences, never with empty lists or tables.
    assert "No project is linked to this plan." in english_text
    assert "No global indicator is linked to this plan." in english_text
    assert empty_enumerations(interim_html(english, year=YEAR)) == []


def _tally(*statuses, printed_again=None):
    counts = Counter(statuses)
    return MeasureTally(counts, sum(counts.values()), len(statuses), printed_again or {})


@pytest.mark.parametrize(("language", "expected"), [
    ("cs", "3 opatření, bez stavu."), ("en", "3 measures, without a status."),
])
def test_measures_without_a_status_make_a_sentence_not_an_empty_list(language, expected):
    with translation.override(language):
        lines = _highlights([], TotalLine("", Decimal(0), 0), [], _tally("", "", ""), "CZK")
    assert lines == [expected]


def test_the_count_of_measures_without_a_status_follows_the_others():
    tally = _tally(MeasureStatus.IN_PROGRESS, "", "")
    with translation.override("cs"):
        lines = _highlights([], TotalLine("", Decimal(0), 0), [], tally, "CZK")
    assert lines == ["3 opatření: V realizaci: 1; bez stavu: 2."]


def test_a_code_printed_twice_is_named_beside_the_count_of_measures():
    tally = _tally(MeasureStatus.IN_PROGRESS, MeasureStatus.NOT_STARTED,
                   printed_again={"2.1.3.3": 2})
    with translation.override("cs"):
        lines = _highlights([], TotalLine("", Decimal(0), 0), [], tally, "CZK")
    assert lines == ["2 opatření; kód 2.1.3.3 uveden dvakrát – V realizaci: 1; Nerealizováno: 1."]


def test_projects_without_a_programme_line_are_counted_in_a_sentence():
    with translation.override("en"):
        lines = _highlights([], TotalLine("", Decimal("10"), 2), [], _tally(), "EUR")
    assert lines == ["2 projects, in total €10.00."]


@pytest.mark.parametrize(("html", "found"), [
    ("<p>18 projektů OPZ+ a TP.</p>", ["OPZ+", "TP"]),
    ("<p>TPS, OPZ, <b>xTP</b></p>", []),
    ("<p>SPOD&nbsp;a OSPOD</p>", ["OSPOD", "SPOD"]),
])
def test_an_abbreviation_counts_only_as_a_word_of_its_own(html, found):
    terms = [GlossaryTerm(abbreviation=a, meaning="") for a in ("OPZ+", "TP", "OSPOD", "SPOD")]
    assert sorted(t.abbreviation for t in used_terms(terms, html)) == sorted(found)
