"""Values and half-year reports go draft → submitted → approved by a city
officer, or returned with a comment; only approved ones are public and count."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.models import AuditEntry
from indicators import services as indicator_services
from indicators.datasets import _values_by_indicator
from indicators.models import IndicatorValue
from projects import services as project_services
from tests.rounds.helpers import page_text, record_first_half

pytestmark = pytest.mark.django_db


def _messages(error):
    return " ".join(error.value.messages)


def test_an_implementers_value_waits_for_approval_and_only_then_is_public(
        client, reporting, implementer_x, officer):
    impact = reporting["impact"]
    value = record_first_half(implementer_x, impact, "731")
    assert value.review_state == "submitted"
    page = page_text(client.get(impact.get_absolute_url()))
    assert "731" not in page
    assert impact.pk not in _values_by_indicator()

    with pytest.raises(ValidationError) as refused:
        indicator_services.indicator_value_approve(actor=implementer_x, value=value)
    assert "Jen pracovník města" in _messages(refused)
    with pytest.raises(ValidationError) as refused:
        indicator_services.indicator_value_return(actor=officer, value=value, comment=" ")
    assert "Napište, co je třeba opravit." in _messages(refused)

    returned = indicator_services.indicator_value_return(actor=officer, value=value,
                                                         comment="Chybí zdroj.")
    assert (returned.review_state, returned.review_comment) == ("returned", "Chybí zdroj.")
    with pytest.raises(ValidationError) as refused:
        indicator_services.indicator_value_approve(actor=officer, value=returned)
    assert "Schválit nebo vrátit lze jen odeslaný záznam" in _messages(refused)

    again = record_first_half(implementer_x, impact, "732", source="ČSÚ")
    assert again.review_state == "submitted"
    approved = indicator_services.indicator_value_approve(actor=officer, value=again)
    assert (approved.review_state, approved.reviewed_by) == ("approved", officer)
    assert "732" in page_text(client.get(impact.get_absolute_url()))
    assert [v.value for v in _values_by_indicator()[impact.pk]] == [Decimal("732")]
    messages = list(AuditEntry.objects.filter(object_id=str(impact.pk),
                                              content_type__model="indicator")
                    .order_by("pk").values_list("message", flat=True))
    assert any("vrácena" in m and "Chybí zdroj." in m for m in messages)
    assert any("schválena" in m for m in messages)


def test_a_draft_is_submitted_once_and_an_approved_value_is_the_officers(reporting,
                                                                        implementer_x, officer):
    impact = reporting["impact"]
    draft = record_first_half(implementer_x, impact, "10", submit=False)
    assert draft.review_state == "draft"
    submitted = indicator_services.indicator_value_submit(actor=implementer_x, value=draft)
    assert submitted.review_state == "submitted"
    with pytest.raises(ValidationError) as refused:
        indicator_services.indicator_value_submit(actor=implementer_x, value=submitted)
    assert "lze odeslat jen koncept nebo vrácený záznam" in _messages(refused)
    indicator_services.indicator_value_approve(actor=officer, value=submitted)
    with pytest.raises(ValidationError) as refused:
        record_first_half(implementer_x, impact, "11")
    assert "už je schválený" in _messages(refused)


def test_an_officers_value_is_approved_as_entered(reporting, officer):
    value = record_first_half(officer, reporting["impact"], "5")
    assert (value.review_state, value.reviewed_by) == ("approved", officer)


def test_the_status_counts_only_approved_values(reporting, implementer_x, officer):
    impact = reporting["impact"]
    record_first_half(implementer_x, impact, "5")
    impact.refresh_from_db()
    assert impact.status == "no_data"
    indicator_services.indicator_value_approve(
        actor=officer, value=IndicatorValue.objects.get(indicator=impact))
    impact.refresh_from_db()
    assert impact.status != "no_data"


def test_the_value_import_by_an_implementer_submits_and_by_an_officer_approves(
        reporting, implementer_x, officer):
    impact = reporting["impact"]
    row = {"row": 2, "indicator": impact, "territory": impact.home_territory,
           "period_kind": "year", "period_start": date(2024, 1, 1),
           "period_end": date(2024, 12, 31), "period_text": "2024", "value": Decimal("3"),
           "available": True, "not_available_reason": "", "is_estimate": False, "rank": None,
           "rank_scope": "", "value_text": "3", "note": "", "parts": [],
           "existing_version": None}
    assert indicator_services.indicator_values_import(actor=implementer_x, rows=[row]) == []
    value = IndicatorValue.objects.get(indicator=impact)
    assert value.review_state == "submitted"
    errors = indicator_services.indicator_values_import(
        actor=officer, rows=[{**row, "value": Decimal("4"), "existing_version": value.version}])
    assert errors == []
    assert IndicatorValue.objects.get(indicator=impact).review_state == "approved"


def test_a_half_year_report_is_public_once_approved_and_moves_the_measure(
        client, reporting, implementer_x, officer):
    project, measure = reporting["project"], reporting["measure"]

    def submit(narrative):
        return project_services.half_year_report_submit(
            actor=implementer_x, project=project, number=2, total=6,
            period_start=date(2025, 1, 1), period_end=date(2025, 6, 30),
            submitted_on=date(2025, 7, 10), narrative=narrative,
            indicator_values={reporting["impact"]: Decimal("12")})

    report = submit("Realizace probíhá.")
    assert report.review_state == "submitted"
    value = IndicatorValue.objects.get(indicator=reporting["impact"])
    assert value.review_state == "submitted"
    public = reverse("projects:report_detail", args=[project.pk, report.pk])
    assert client.get(public).status_code == 404
    assert "2/6" not in page_text(client.get(project.get_absolute_url()))

    project_services.half_year_report_return(actor=officer, report=report,
                                             comment="Doplňte aktivity.")
    value.refresh_from_db()
    assert value.review_state == "returned"
    report = submit("Realizace probíhá, aktivity KA1 a KA2.")  # again, under its number
    assert report.review_state == "submitted"
    approved = project_services.half_year_report_approve(actor=officer, report=report)
    assert approved.review_state == "approved"
    value.refresh_from_db()
    assert value.review_state == "approved"
    measure.refresh_from_db()
    assert measure.reports_done == 2
    assert client.get(public).status_code == 200


def test_the_value_form_keeps_an_implementers_draft_and_submits_when_ticked(
        client, reporting, implementer_x, officer):
    impact = reporting["impact"]
    client.force_login(implementer_x)
    url = reverse("indicators:value_create", args=[impact.slug])
    form = client.get(url)
    assert "id_submit_now" in form.content.decode()
    data = {"territory": impact.home_territory_id, "period_text": "1. pol. 2025",
            "value_text": "12"}
    assert client.post(url, data).status_code == 302
    value = IndicatorValue.objects.get(indicator=impact)
    assert value.review_state == "draft"
    client.post(reverse("rounds:value_submit", args=[value.pk]))
    value.refresh_from_db()
    assert value.review_state == "submitted"
    client.force_login(officer)
    assert "id_submit_now" not in client.get(url).content.decode()  # approved as entered


def test_the_interim_evaluation_counts_only_approved_values(reporting, implementer_x, officer):
    """The report reads the values as the public pages do: a submitted value
    is left out until an officer approves it."""
    from django.template.loader import render_to_string

    from reports.interim import interim_context

    def shown():
        html = render_to_string("reports/interim_evaluation.html",
                                interim_context(reporting["plan"]))
        return "7319" in html.replace("\xa0", "").replace(" ", "")

    value = record_first_half(implementer_x, reporting["impact"], "7319")
    assert value.review_state == "submitted" and not shown()
    indicator_services.indicator_value_approve(actor=officer, value=value)
    assert shown()
