"""Service indicators: the manual's versions and the pilot mark, a
provider's values, the disproportion check on a small made-up network, its
questions (audited, never public), and the pages' query counts at small and
grown data."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core import pagecache
from core.models import AuditEntry
from directory.models import City
from network.indicator_models import DisproportionQuery, IndicatorValue, ManualState
from network.indicator_models import ReportingPeriod as P
from network.indicator_selectors import disproportion_check, values_with_capacity
from network.indicator_services import (
    disproportion_query_record,
    manual_update,
    value_report,
)
from network.services import service_change
from tests.directory.factories import OrganisationFactory, the_city

from .factories import copies, make_indicator, make_indicator_value, make_service, services_like

pytestmark = pytest.mark.django_db


def _kind_of(n, *, capacity="2", provider=None, indicator, rates, year=2024, period=P.YEAR):
    """n services of § 65 reporting `rates[i]` × capacity."""
    services = []
    for i in range(n):
        service = make_service(capacity=capacity, provider=provider,
                               network_from=date(2023, 1, 1))
        make_indicator_value(service=service, indicator=indicator, year=year, period=period,
                             value=str(Decimal(rates[i % len(rates)]) * Decimal(capacity)))
        services.append(service)
    return services


def _flagged(year=2024, period=P.YEAR):
    groups = disproportion_check(values_with_capacity(city=City.objects.first(), year=year,
                                                      period=period))
    return {row.value.service_id for group in groups for row in group.flagged}


def test_the_check_flags_a_value_far_from_the_median_per_unit_of_capacity():
    indicator = make_indicator()
    services = _kind_of(6, indicator=indicator, rates=["100", "104", "97", "101", "99", "103"])
    far = make_service(capacity="2", network_from=date(2023, 1, 1))
    make_indicator_value(service=far, indicator=indicator, year=2024, period=P.YEAR,
                         value="900")
    # A big service with proportionally many interventions is not a disproportion.
    big = make_service(capacity="10", network_from=date(2023, 1, 1))
    make_indicator_value(service=big, indicator=indicator, year=2024, period=P.YEAR,
                         value="1010")
    assert _flagged() == {far.pk}
    assert services


def test_capacity_is_taken_as_of_the_periods_end():
    indicator = make_indicator()
    _kind_of(5, indicator=indicator, rates=["100", "104", "97", "101", "99"])
    grown = make_service(capacity="2", network_from=date(2023, 1, 1))
    make_indicator_value(service=grown, indicator=indicator, year=2024, period=P.YEAR,
                         value="1000")
    assert _flagged() == {grown.pk}
    service_change(actor=None, service=grown, valid_from=date(2024, 7, 1),
                   capacity_value=Decimal("10"), reason="Navýšení")
    assert _flagged() == set()


def test_with_too_few_comparable_services_nothing_is_flagged():
    indicator = make_indicator()
    _kind_of(2, indicator=indicator, rates=["100", "101"])
    far = make_service(capacity="2", network_from=date(2023, 1, 1))
    make_indicator_value(service=far, indicator=indicator, year=2024, period=P.YEAR,
                         value="5000")
    groups = disproportion_check(values_with_capacity(city=City.objects.first(), year=2024,
                                                      period=P.YEAR))
    assert [group.checked for group in groups] == [False]
    assert _flagged() == set()


def test_groups_come_in_the_order_of_the_indicators_then_the_kinds():
    """The values are read unordered and sorted here: the groups still follow
    the indicators' order, then the kinds' (§ 37 before § 65)."""
    later = make_indicator(code="aaa-kontakty", paragraphs=("65", "37"), position=2)
    first = make_indicator(code="zzz-intervence", manual=later.manual, paragraphs=("65", "37"),
                           position=1)
    for paragraph in ("65", "37"):
        for indicator in (later, first):
            make_indicator_value(service=make_service(paragraph=paragraph),
                                 indicator=indicator, year=2024, period=P.YEAR)
    groups = disproportion_check(values_with_capacity(city=City.objects.first(), year=2024,
                                                      period=P.YEAR))
    assert [(group.indicator_name, group.kind_label[:4]) for group in groups] == [
        ("Zzz-intervence", "§ 37"), ("Zzz-intervence", "§ 65"),
        ("Aaa-kontakty", "§ 37"), ("Aaa-kontakty", "§ 65")]


@pytest.mark.django_db(transaction=True)
def test_the_check_and_its_periods_are_kept_until_the_data_changes(client, officer):
    """The periods and the check of a period are read once per version of
    the data: a second request reads no value; a committed new value is on
    the next page."""
    the_city()
    service = make_service(network_from=date(2023, 1, 1))
    indicator = make_indicator()
    make_indicator_value(service=service, indicator=indicator, year=2023, period=P.YEAR)
    client.force_login(officer)
    url = reverse("network:disproportions") + "?year=2023&period=year"
    html = client.get(url).content.decode()
    assert "2023, celý rok" in html and "Bez kapacity" not in html
    pagecache.invalidate()
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    assert not [q for q in queries.captured_queries if "network_indicatorvalue" in q["sql"]]
    # A service without a capacity is listed (not compared).
    uncounted = make_service(name="Bez kapacity", capacity=None, network_from=date(2023, 1, 1))
    make_indicator_value(service=uncounted, indicator=indicator, year=2023, period=P.YEAR)
    make_indicator_value(service=service, indicator=indicator, year=2024, period=P.HALF_YEAR)
    html = client.get(url).content.decode()
    assert "2024, 1. pololetí" in html and "Bez kapacity" in html


def test_pilot_values_keep_their_mark_when_the_pilot_ends():
    service = make_service()
    value = make_indicator_value(service=service)
    assert value.pilot
    manual = value.indicator.manual
    manual_update(actor=None, manual=manual, state=ManualState.IN_FORCE)
    value.refresh_from_db()
    assert value.pilot
    later = value_report(actor=None, service=service, indicator=value.indicator, year=2024,
                         period=P.YEAR, value=Decimal(5))
    assert not later.pilot


def test_a_comment_only_where_the_manual_allows_it_and_only_for_the_kinds_defined():
    service = make_service()
    silent = make_indicator(code="kontakty", comment_allowed=False)
    with pytest.raises(ValidationError):
        value_report(actor=None, service=service, indicator=silent, year=2024, period=P.YEAR,
                     value=Decimal(1), comment="Poznámka")
    other_kind = make_indicator(code="luzka", manual=silent.manual, paragraphs=("49",))
    with pytest.raises(ValidationError):
        value_report(actor=None, service=service, indicator=other_kind, year=2024,
                     period=P.YEAR, value=Decimal(1))
    assert not IndicatorValue.objects.exists()


def test_a_provider_reports_its_services_values_in_the_browser(client, implementer_x):
    service = make_service(provider=implementer_x.implementer_organisation)
    indicator = make_indicator(comment_allowed=True)
    client.force_login(implementer_x)
    url = reverse("network:values_report", args=[service.pk, 2024, "half"])
    page = client.get(url)
    assert "pilotního období" in page.content.decode()
    response = client.post(url, {f"value_{indicator.pk}": "120,5",
                                 f"comment_{indicator.pk}": "Včetně skupinových"})
    assert response.status_code == 302
    value = IndicatorValue.objects.get()
    # The box "submit now" left unticked keeps the values as the provider's draft.
    assert (value.value, value.comment, value.pilot, value.reported_by, value.review_state) == (
        Decimal("120.5"), "Včetně skupinových", True, implementer_x, "draft")
    response = client.post(url, {f"value_{indicator.pk}": "121",
                                 f"comment_{indicator.pk}": "Včetně skupinových",
                                 "submit_now": "on"})
    assert response.status_code == 302
    assert IndicatorValue.objects.get().review_state == "submitted"
    listing = client.get(reverse("network:service_values", args=[service.pk])).content.decode()
    assert "121" in listing and "pilotní období" in listing and "odesláno ke schválení" in listing
    other = make_service()
    assert client.get(reverse("network:values_report", args=[other.pk, 2024, "half"])
                      ).status_code == 403


def test_questions_are_audited_and_never_shown_to_the_provider(client, officer,
                                                               implementer_x):
    service = make_service(provider=implementer_x.implementer_organisation)
    value = make_indicator_value(service=service)
    client.force_login(officer)
    response = client.post(reverse("network:disproportion_query", args=[value.pk]),
                           {"question": "Jak počítáte intervence?", "answer": "I telefony."})
    assert response.status_code == 302
    query = DisproportionQuery.objects.get()
    assert AuditEntry.objects.filter(object_id=str(query.pk), actor=officer).exists()
    assert "Jak počítáte" in client.get(
        reverse("network:service_values", args=[service.pk])).content.decode()
    client.force_login(implementer_x)
    own = client.get(reverse("network:service_values", args=[service.pk])).content.decode()
    assert "Jak počítáte" not in own
    client.logout()
    for name in ("network:evaluation", "network:indicator_manual"):
        assert "Jak počítáte" not in client.get(reverse(name)).content.decode()
    with pytest.raises(ValidationError):
        disproportion_query_record(actor=officer, value=value, question=" ")


PAGES = {
    "network:disproportions": lambda w: [],
    "network:evaluation": lambda w: [],
    "network:indicator_manual": lambda w: [],
    "network:service_values": lambda w: [w["service"].pk],
}


def _count(client, url):
    client.get(url)
    pagecache.invalidate()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url + "?year=2024")
    assert response.status_code == 200
    return len(queries)


def _counts(client, world):
    return {name: _count(client, reverse(name, args=args(world)))
            for name, args in PAGES.items()}


def test_indicator_pages_run_a_fixed_number_of_queries(client, officer):
    from network.indicator_services import funding_record

    indicator = make_indicator()
    clients = make_indicator(code="klienti", manual=indicator.manual, counts_clients=True)
    provider = OrganisationFactory()

    rates = ["100", "104", "97", "101", "99"]
    grown = _kind_of(5, indicator=indicator, provider=provider, rates=rates)
    for service in grown:
        make_indicator_value(service=service, indicator=clients, year=2024,
                             period=P.YEAR, value="30")
        funding_record(actor=None, service=service, year=2024, source="city",
                       amount=100_000)
        make_indicator_value(service=service, indicator=indicator, year=2023,
                             period=P.HALF_YEAR, value="150")
    world = {"service": make_service(provider=provider)}
    make_indicator_value(service=world["service"], indicator=indicator)
    client.force_login(officer)
    small = _counts(client, world)
    # 40 services more with the same values and funding as the first five,
    # copied from the first in bulk (the services would take seconds).
    more = services_like(grown[0], 40, provider=provider)
    rate = {(indicator.pk, 2024): lambda i: Decimal(rates[i % len(rates)]) * 2}
    for row in grown[0].indicator_values.all():
        vary = {"value": rate[row.indicator_id, row.year]} if (
            (row.indicator_id, row.year) in rate) else {}
        copies(row, 40, service_id=lambda i: more[i].pk, **vary)
    for row in grown[0].funding.all():
        copies(row, 40, service_id=lambda i: more[i].pk)
    assert _counts(client, world) == small
    assert small == PINNED, small


# Session and user, then: the check the periods, the values and the versions
# in force at the period's end; the evaluation counts, clients, funding by source and by
# provider, capacities on two days, years of values and of funding; the manual
# its versions, indicators and their kinds; a service's values the service and
# its values with their questions.
PINNED = {"network:disproportions": 5, "network:evaluation": 10,
          "network:indicator_manual": 5, "network:service_values": 4}
