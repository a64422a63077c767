"""Reporting rounds: who owes what, the overview, closing and corrections,
and the selectors the desk and the reminders build on."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from core.models import AuditEntry
from indicators import services as indicator_services
from projects import services as project_services
from rounds import selectors, services
from rounds.models import Obligation
from tests.directory.factories import OrganisationFactory
from tests.planning.factories import PlanItemFactory
from tests.projects.factories import ProjectFactory
from tests.rounds.helpers import page_text, record_first_half

pytestmark = pytest.mark.django_db


def _states(round_):
    return {(o.kind, (o.indicator or o.project).pk): o.state
            for o in selectors.with_state(round_.obligations.all())}


def test_opening_a_round_derives_who_owes_what(reporting, organisation_x, officer):
    round_ = reporting["round"]
    owed = set(Obligation.objects.filter(round=round_).values_list(
        "organisation_id", "kind", "indicator_id", "project_id"))
    assert owed == {
        (organisation_x.pk, "value", reporting["impact"].pk, None),
        (organisation_x.pk, "value", reporting["own"].pk, None),
        (organisation_x.pk, "report", None, reporting["project"].pk),
    }
    assert AuditEntry.objects.filter(content_type__model="reportinground",
                                     object_id=str(round_.pk), actor=officer).exists()
    assert set(_states(round_).values()) == {"missing"}


def test_a_round_needs_a_scope_and_ordered_dates(officer, reporting):
    with pytest.raises(ValidationError) as refused:
        services.round_open(actor=officer, title="x", kind="year",
                            period_start=date(2025, 1, 1), period_end=date(2025, 12, 31),
                            deadline=date(2026, 1, 31))
    assert "Vyberte alespoň jeden plán" in " ".join(refused.value.messages)
    with pytest.raises(ValidationError) as refused:
        services.round_open(actor=officer, title="x", kind="year", plans=[reporting["plan"]],
                            period_start=date(2025, 1, 1), period_end=date(2024, 12, 31),
                            deadline=date(2026, 1, 31))
    assert "period_end" in refused.value.message_dict


def test_refreshing_adds_a_new_implementer(reporting, officer):
    other = OrganisationFactory(name="Nová organizace")
    ProjectFactory(implementer=other, measures=[reporting["measure"]])
    added, dropped = services.round_refresh_obligations(actor=officer, round_=reporting["round"])
    assert (added, dropped) == (1, 0)  # the new project's half-year report


def test_the_round_closes_once_decided_and_a_correction_needs_an_officer_and_a_reason(
        client, reporting, implementer_x, officer):
    round_, impact = reporting["round"], reporting["impact"]
    value = record_first_half(implementer_x, impact, "40")
    with pytest.raises(ValidationError) as refused:
        services.round_close(actor=officer, round_=round_)
    assert "čekají na schválení" in " ".join(refused.value.messages)
    indicator_services.indicator_value_approve(actor=officer, value=value)
    closed = services.round_close(actor=officer, round_=round_)
    assert closed.status == "closed" and closed.closed_at is not None
    value.refresh_from_db()
    assert value.closed

    with pytest.raises(ValidationError) as refused:
        record_first_half(implementer_x, impact, "41")
    assert "uzavřeno" in " ".join(refused.value.messages)
    with pytest.raises(ValidationError) as refused:
        record_first_half(officer, impact, "41")
    assert "correction_reason" in refused.value.message_dict
    with pytest.raises(ValidationError):
        indicator_services.indicator_value_delete(actor=officer, value=value)

    corrected = record_first_half(officer, impact, "41", correction_reason="Překlep v hlášení.")
    assert corrected.corrected_on is not None and corrected.closed
    entry = AuditEntry.objects.filter(content_type__model="indicator",
                                      object_id=str(impact.pk)).latest("pk")
    assert entry.actor == officer and "Překlep v hlášení." in entry.message
    page = page_text(client.get(impact.get_absolute_url()))
    assert "41" in page and f"opraveno {corrected.corrected_on.day}." in page


def test_a_closed_report_is_corrected_by_an_officer_with_a_reason(reporting, implementer_x,
                                                                  officer):
    report = project_services.half_year_report_submit(
        actor=officer, project=reporting["project"], number=1, total=6,
        period_start=date(2025, 1, 1), period_end=date(2025, 6, 30),
        submitted_on=date(2025, 7, 1), narrative="Text.")
    services.round_close(actor=officer, round_=reporting["round"])
    report.refresh_from_db()
    assert report.closed
    with pytest.raises(ValidationError):
        project_services.half_year_report_correct(actor=implementer_x, report=report,
                                                  narrative="Jinak.", reason="Chyba.")
    fixed = project_services.half_year_report_correct(actor=officer, report=report,
                                                      narrative="Opravený text.", reason="Chyba.")
    assert (fixed.narrative, fixed.correction_reason) == ("Opravený text.", "Chyba.")


def test_the_overview_filters_pages_and_exports(client, reporting, implementer_x, officer):
    round_ = reporting["round"]
    record_first_half(implementer_x, reporting["impact"], "7")
    client.force_login(officer)
    url = round_.get_absolute_url()
    page = client.get(url)
    assert page.status_code == 200
    assert [(s, n) for s, _label, n in page.context["counts"]] == [
        ("missing", 2), ("draft", 0), ("submitted", 1), ("returned", 0), ("approved", 0)]
    submitted = client.get(url, {"state": "submitted"})
    assert [o.indicator for o in submitted.context["rows"]] == [reporting["impact"]]
    export = client.get(reverse("rounds:export", args=[round_.pk]), {"state": "missing"})
    sheet = load_workbook(__import__("io").BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 3 and rows[1][2] == "chybí"


def _grow(round_, organisations, items):
    """`organisations` more implementers with `items` projects each."""
    plan = round_.plans.first()
    for n in range(organisations):
        organisation = OrganisationFactory(name=f"Organizace {n:03d}")
        measure = PlanItemFactory.measure(plan=plan, implementers=[organisation])
        for _ in range(items):
            ProjectFactory(implementer=organisation, measures=[measure])
    services.round_refresh_obligations(actor=None, round_=round_)


def _queries(client, url, data):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, data).status_code == 200
    return len(captured)


PINNED_OVERVIEW = 6


def test_the_overview_costs_the_same_queries_small_and_grown(client, reporting, officer):
    round_ = reporting["round"]
    client.force_login(officer)
    url = round_.get_absolute_url()
    client.get(url)
    views = [{"page": 2}, {"state": "missing"}, {"q": "Organizace", "kind": "report"}]
    before = [_queries(client, url, data) for data in views]
    # Session and user; the round; its counts by state; the page's count and rows.
    assert before == [PINNED_OVERVIEW] * 3
    _grow(round_, 35, 3)
    assert round_.obligations.count() > 2 * 50
    assert [_queries(client, url, data) for data in views] == before


def test_the_implementers_list_costs_the_same_queries_small_and_grown(
        client, reporting, implementer_x, officer):
    client.force_login(implementer_x)
    url = reverse("rounds:mine")
    client.get(url)
    before = _queries(client, url, {"page": 2})
    measure = reporting["measure"]
    for _ in range(60):
        ProjectFactory(implementer=implementer_x.implementer_organisation, measures=[measure])
    services.round_refresh_obligations(actor=officer, round_=reporting["round"])
    assert _queries(client, url, {"page": 2}) == before


def test_the_implementer_sees_its_list_with_deadlines(client, reporting, implementer_x):
    client.force_login(implementer_x)
    page = client.get(reverse("rounds:mine"))
    text = page_text(page)
    assert "Pololetí 1/2025" in text and "31. 7. 2025" in text
    assert len(page.context["rows"]) == 3


def test_the_selectors_for_the_desk_and_the_reminders(reporting, implementer_x, officer):
    round_ = reporting["round"]
    record_first_half(implementer_x, reporting["impact"], "7")
    assert selectors.submissions_awaiting_approval(officer).count == 1
    assert selectors.submissions_awaiting_approval(implementer_x).count == 0
    assert list(selectors.rounds_near_deadline(today=date(2025, 7, 25), days=7)) == [round_]
    assert list(selectors.rounds_near_deadline(today=date(2025, 7, 1), days=7)) == []
    owed = selectors.owed_by(implementer_x, round_)
    assert {o.kind for o in owed} == {"value", "report"} and len(owed) == 2
    assert len(selectors.owed_by(implementer_x.implementer_organisation, round_)) == 2
    week_before = selectors.reminders_due(today=round_.deadline - timedelta(days=7))
    assert [(u, r, len(items), when) for u, r, items, when in week_before] == [
        (implementer_x, round_, 2, "before")]
    assert selectors.reminders_due(today=round_.deadline - timedelta(days=3)) == []
    after = selectors.reminders_due(today=round_.deadline + timedelta(days=1))
    assert [when for *_rest, when in after] == ["after"]


@pytest.mark.parametrize(("days", "czech"), [(1, "zbývá 1 den"), (3, "zbývají 3 dny"),
                                             (5, "zbývá 5 dní")])
def test_days_left_take_the_czech_plural(days, czech):
    """The days to the deadline on the overview and the implementer's list
    read in Czech with all its plural forms."""
    from django.utils import translation
    from django.utils.translation import ngettext

    with translation.override("cs"):
        text = ngettext("%(counter)s day left", "%(counter)s days left", days)
    assert text % {"counter": days} == czech
