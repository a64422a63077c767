"""A round over the network's service indicators: each provider owes the
values of each of its services in the network during the round's period; the
state of the obligation comes from the service's values of the round's
report; the officer approves or returns them from the round, audited; the
provider sees them in its list; closing waits for the decisions and locks
the approved values."""

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from core.models import AuditEntry
from network.indicator_models import IndicatorValue as ServiceValue
from network.indicator_services import (
    service_values_approve,
    service_values_return,
    service_values_submit,
    value_report,
)
from network.services import service_end
from rounds import selectors, services
from rounds.models import ObligationKind, ReportingRound
from tests.accounts.factories import UserFactory
from tests.network.factories import copies, make_indicator, make_service, services_like
from tests.rounds.helpers import page_text

from .test_rounds import _queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def network(organisation_x):
    """Two services of organisation X (§ 65, one with a second indicator),
    another provider's, a § 37 service no indicator is defined for, and one
    that left the network before 2025."""
    interventions = make_indicator()
    contacts = make_indicator(code="kontakty", manual=interventions.manual)
    first = make_service(provider=organisation_x, name="SAS Přístav")
    second = make_service(provider=organisation_x, name="SAS Maják")
    other = make_service(name="Cizí služba")
    counselling = make_service(provider=organisation_x, name="Poradna", paragraph="37")
    gone = make_service(provider=organisation_x, name="Ukončená", network_from=date(2023, 1, 1))
    service_end(actor=None, service=gone, network_to=date(2024, 12, 31), reason="Zanikla.")
    return {"interventions": interventions, "contacts": contacts, "first": first,
            "second": second, "other": other, "counselling": counselling, "gone": gone}


def _open(officer, **extra):
    return services.round_open(
        actor=officer, title="Pololetí 1/2025", kind="half_year", period_start=date(2025, 1, 1),
        period_end=date(2025, 6, 30), deadline=date(2025, 7, 31), service_indicators=True,
        **extra)


def _report(user, service, indicator, value="10", *, year=2025, period="half", submit=True):
    return value_report(actor=user, service=service, indicator=indicator, year=year,
                        period=period, value=Decimal(value), submit=submit)


def _states(round_):
    return {o.service.name: o.state for o in selectors.with_state(
        round_.obligations.filter(kind=ObligationKind.SERVICE)).select_related("service")}


def test_each_provider_owes_each_of_its_services_in_the_network_during_the_period(
        officer, network, organisation_x):
    round_ = _open(officer)
    assert (round_.service_year, round_.service_period) == (2025, "half")
    owed = {(o.organisation_id, o.service.name) for o in round_.obligations.all()}
    assert owed == {(organisation_x.pk, "SAS Přístav"), (organisation_x.pk, "SAS Maják"),
                    (network["other"].provider_id, "Cizí služba")}
    assert all(o.kind == ObligationKind.SERVICE for o in round_.obligations.all())
    # A service entering the network later is added when derived again.
    make_service(provider=organisation_x, name="Nová", network_from=date(2025, 5, 1))
    assert services.round_refresh_obligations(actor=officer, round_=round_) == (1, 0)
    # A round without the option owes no service's values.
    round_.service_indicators = False
    assert services.derive_obligations(round_) == set()


def test_a_year_round_asks_for_the_final_report_and_a_round_without_one_is_refused(
        officer, network):
    year = services.round_open(
        actor=officer, title="Rok 2025", kind="year", period_start=date(2025, 1, 1),
        period_end=date(2025, 12, 31), deadline=date(2026, 1, 31), service_indicators=True)
    assert (year.service_year, year.service_period) == (2025, "year")
    with pytest.raises(ValidationError) as refused:
        services.round_open(
            actor=officer, title="Jaro", kind="half_year", period_start=date(2025, 1, 1),
            period_end=date(2025, 5, 31), deadline=date(2025, 7, 31), service_indicators=True)
    assert "30. 6." in " ".join(refused.value.messages)


def test_the_state_of_a_service_is_its_values_furthest_from_done(officer, implementer_x,
                                                                  network):
    round_ = _open(officer)
    first, second = network["first"], network["second"]
    assert set(_states(round_).values()) == {"missing"}
    # A value of another period does not count for this round.
    _report(implementer_x, first, network["interventions"], year=2024)
    assert _states(round_)["SAS Přístav"] == "missing"
    _report(implementer_x, first, network["interventions"], submit=False)
    _report(implementer_x, first, network["contacts"])
    assert _states(round_)["SAS Přístav"] == "draft"
    service_values_submit(actor=implementer_x, service=first, year=2025, period="half")
    assert _states(round_)["SAS Přístav"] == "submitted"
    service_values_return(actor=officer, service=first, year=2025, period="half",
                          comment="Kontakty chybí.")
    assert _states(round_)["SAS Přístav"] == "returned"
    row = selectors.with_state(round_.obligations.filter(service=first)).get()
    assert row.comment == "Kontakty chybí."
    service_values_submit(actor=implementer_x, service=first, year=2025, period="half")
    service_values_approve(actor=officer, service=first, year=2025, period="half")
    _report(officer, second, network["interventions"])
    assert _states(round_) == {"SAS Přístav": "approved", "SAS Maják": "approved",
                               "Cizí služba": "missing"}
    counts = selectors.state_counts(round_)
    assert (counts["approved"], counts["missing"]) == (2, 1)


def _decide_url(round_, service):
    return reverse("rounds:service_decide", args=[round_.pk, service.pk])


def test_the_officer_approves_or_returns_a_services_values_from_the_overview(
        client, officer, implementer_x, network):
    round_ = _open(officer)
    first, second = network["first"], network["second"]
    _report(implementer_x, first, network["interventions"], "12")
    _report(implementer_x, second, network["interventions"], "7")
    client.force_login(officer)
    overview = client.get(round_.get_absolute_url(), {"state": "submitted"})
    assert _decide_url(round_, first) in overview.content.decode()
    page = client.get(_decide_url(round_, first))
    assert page.status_code == 200 and "12" in page_text(page)
    back = round_.get_absolute_url()
    response = client.post(f"{_decide_url(round_, first)}?next={back}",
                           {"decision": "return", "comment": "Ověřte počet intervencí."})
    assert response.status_code == 302 and response["Location"] == back
    value = ServiceValue.objects.get(service=first)
    assert (value.review_state, value.review_comment, value.reviewed_by) == (
        "returned", "Ověřte počet intervencí.", officer)
    entry = AuditEntry.objects.filter(object_id=str(first.pk)).latest("pk")
    assert entry.actor == officer and "Ověřte počet intervencí." in entry.message
    # Returning needs a comment; nothing changes without one.
    refused = client.post(_decide_url(round_, second), {"decision": "return", "comment": ""})
    assert refused.status_code == 200
    assert ServiceValue.objects.get(service=second).review_state == "submitted"
    client.post(_decide_url(round_, second), {"decision": "approve"})
    value = ServiceValue.objects.get(service=second)
    assert (value.review_state, value.reviewed_by) == ("approved", officer)
    entry = AuditEntry.objects.filter(object_id=str(second.pk)).latest("pk")
    assert entry.actor == officer and list(entry.changes.values()) == [
        ["submitted", "approved"]]


def test_a_service_of_another_round_or_none_is_not_found(client, officer, network):
    round_ = _open(officer)
    client.force_login(officer)
    assert client.get(_decide_url(round_, network["counselling"])).status_code == 404


def test_decide_and_submit_three_ways(client, officer, implementer_x, network):
    round_ = _open(officer)
    implementer_y = UserFactory(username="implementer_y",
                                implementer_organisation=network["other"].provider)
    first = network["first"]
    _report(implementer_x, first, network["interventions"], submit=False)
    decide = _decide_url(round_, first)
    submit = reverse("rounds:service_submit", args=[round_.pk, first.pk])
    for url in (decide, submit):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response["Location"]
    client.force_login(implementer_x)
    assert client.get(decide).status_code == 403
    client.force_login(implementer_y)
    assert client.post(submit).status_code == 403
    assert ServiceValue.objects.get().review_state == "draft"
    client.force_login(implementer_x)
    assert client.get(submit).status_code == 405
    response = client.post(submit)
    assert response.status_code == 302 and response["Location"] == reverse("rounds:mine")
    assert ServiceValue.objects.get().review_state == "submitted"
    client.force_login(officer)
    assert client.get(decide).status_code == 200


def test_the_provider_sees_its_services_in_its_list(client, officer, implementer_x, network):
    round_ = _open(officer)
    _report(implementer_x, network["first"], network["interventions"], submit=False)
    client.force_login(implementer_x)
    page = client.get(reverse("rounds:mine"))
    rows = {row.service.name: row.state for row in page.context["rows"]}
    assert rows == {"SAS Přístav": "draft", "SAS Maják": "missing"}
    html = page.content.decode()
    assert reverse("network:values_report", args=[network["second"].pk, 2025, "half"]) in html
    assert reverse("rounds:service_submit", args=[round_.pk, network["first"].pk]) in html
    assert "Ukazatele služby" in page_text(page)


def test_the_export_lists_the_services_with_their_state(client, officer, implementer_x,
                                                        network):
    round_ = _open(officer)
    _report(implementer_x, network["first"], network["interventions"])
    client.force_login(officer)
    export = client.get(reverse("rounds:export", args=[round_.pk]))
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    states = {row[1]: row[2] for row in rows[1:]}
    assert states[f"Ukazatele služby: {network['first']}"] == "odesláno ke schválení"
    assert states[f"Ukazatele služby: {network['second']}"] == "chybí"


def test_closing_waits_for_the_decisions_and_locks_the_approved_values(
        officer, implementer_x, network):
    round_ = _open(officer)
    first = network["first"]
    _report(implementer_x, first, network["interventions"], submit=False)
    _report(implementer_x, first, network["contacts"])
    with pytest.raises(ValidationError):  # one value submitted, the service shows "draft"
        services.round_close(actor=officer, round_=round_)
    service_values_approve(actor=officer, service=first, year=2025, period="half")
    services.round_close(actor=officer, round_=round_)
    values = dict(ServiceValue.objects.values_list("indicator__code", "closed"))
    assert values == {"kontakty": True, "intervence": False}
    entry = AuditEntry.objects.filter(object_id=str(round_.pk)).latest("pk")
    assert entry.changes["locked"][1]["service_values"] == 1


def test_the_overview_with_services_costs_the_same_queries_small_and_grown(
        client, officer, network):
    round_ = _open(officer)
    client.force_login(officer)
    url = round_.get_absolute_url()
    client.get(url)
    views = [{}, {"page": 2}, {"state": "missing"}, {"kind": "service", "q": "Služba"}]
    before = [_queries(client, url, data) for data in views]
    # Sixty services of providers of their own, each with a value: the first
    # made as an officer makes it, the others copied from it in bulk (the
    # services would take seconds).
    service = make_service(name="Služba 000")
    value = value_report(actor=None, service=service, indicator=network["interventions"],
                         year=2025, period="half", value=Decimal(0))
    more = services_like(service, 59, name=lambda i: f"Služba {i + 1:03d}")
    copies(value, 59, service_id=lambda i: more[i].pk, value=lambda i: Decimal(i + 1))
    services.round_refresh_obligations(actor=officer, round_=round_)
    assert round_.obligations.count() > 60
    assert [_queries(client, url, data) for data in views] == before


def test_the_reminder_and_the_desk_name_the_services_still_owed(officer, implementer_x,
                                                                network):
    from notifications.models import OutboxMail
    from rounds.desk import what_you_owe

    round_ = _open(officer)
    _report(officer, network["second"], network["interventions"])  # approved: not owed
    assert services.round_reminders_send(today=round_.deadline - timedelta(days=7)) == 1
    mail = OutboxMail.objects.get(kind="round_deadline", recipient=implementer_x.email)
    assert f"- {network['first']}" in mail.body and str(network["second"]) not in mail.body
    [item] = what_you_owe(implementer_x, today=round_.deadline - timedelta(days=7))
    assert item.count == 1


def test_the_round_form_opens_a_round_over_the_service_indicators(client, officer, network):
    client.force_login(officer)
    url = reverse("rounds:create")
    base = {"title": "Pololetí 1/2025", "kind": "half_year", "period_start": "2025-01-01",
            "deadline": "2025-07-31"}
    refused = client.post(url, {**base, "period_end": "2025-05-31", "service_indicators": "on"})
    assert refused.status_code == 200 and "30. 6." in page_text(refused)
    assert not ReportingRound.objects.exists()
    response = client.post(url, {**base, "period_end": "2025-06-30",
                                 "service_indicators": "on"})
    round_ = ReportingRound.objects.get()
    assert response.status_code == 302 and response["Location"] == round_.get_absolute_url()
    assert (round_.service_indicators, round_.service_year, round_.service_period) == (
        True, 2025, "half")
    assert round_.obligations.filter(kind=ObligationKind.SERVICE).count() == 3
