"""The review of service indicator values (core.review): a provider's values
are drafts or submitted, an officer's approved as entered; an officer
approves or returns a service's values of a period, audited on the service;
only approved values count in the disproportion check and the yearly
evaluation; a value of a closed round changes only by an officer's
correction with a reason."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from core.models import AuditEntry
from directory.models import City
from network.indicator_models import IndicatorValue
from network.indicator_models import ReportingPeriod as P
from network.indicator_selectors import (
    disproportion_check,
    evaluation_years,
    reported_periods,
    values_with_capacity,
    yearly_evaluation,
)
from network.indicator_services import (
    service_values_approve,
    service_values_close,
    service_values_return,
    service_values_submit,
    value_report,
)

from .factories import make_indicator, make_indicator_value, make_service

pytestmark = pytest.mark.django_db


def _flagged():
    groups = disproportion_check(values_with_capacity(city=City.objects.first(), year=2024,
                                                      period=P.YEAR))
    return {row.value.service_id for group in groups for row in group.flagged}


def test_a_providers_value_is_a_draft_or_submitted_an_officers_approved(implementer_x,
                                                                        officer):
    service = make_service(provider=implementer_x.implementer_organisation)
    indicator = make_indicator()
    draft = value_report(actor=implementer_x, service=service, indicator=indicator, year=2024,
                         period=P.YEAR, value=Decimal(5), submit=False)
    assert draft.review_state == "draft"
    submitted = value_report(actor=implementer_x, service=service, indicator=indicator,
                             year=2024, period=P.YEAR, value=Decimal(6))
    assert submitted.review_state == "submitted"
    approved = value_report(actor=officer, service=service, indicator=indicator, year=2024,
                            period=P.YEAR, value=Decimal(7))
    assert (approved.review_state, approved.reviewed_by) == ("approved", officer)
    with pytest.raises(ValidationError, match="schválen|approved"):
        value_report(actor=implementer_x, service=service, indicator=indicator, year=2024,
                     period=P.YEAR, value=Decimal(8))
    assert IndicatorValue.objects.get().value == Decimal(7)


def test_an_unchanged_approved_value_sent_again_by_the_form_is_left_alone(implementer_x):
    service = make_service(provider=implementer_x.implementer_organisation)
    value = make_indicator_value(service=service, value="10")
    audit = AuditEntry.objects.count()
    again = value_report(actor=implementer_x, service=service, indicator=value.indicator,
                         year=value.year, period=value.period, value=Decimal("10"))
    assert (again.review_state, again.version) == ("approved", value.version)
    assert AuditEntry.objects.count() == audit


def test_approve_and_return_a_services_values_audited_on_the_service(implementer_x, officer):
    service = make_service(provider=implementer_x.implementer_organisation)
    first = make_indicator()
    second = make_indicator(code="kontakty", manual=first.manual)
    for indicator in (first, second):
        value_report(actor=implementer_x, service=service, indicator=indicator, year=2024,
                     period=P.YEAR, value=Decimal(3))
    with pytest.raises(ValidationError):
        service_values_approve(actor=implementer_x, service=service, year=2024, period=P.YEAR)
    with pytest.raises(ValidationError):
        service_values_return(actor=officer, service=service, year=2024, period=P.YEAR,
                              comment=" ")
    returned = service_values_return(actor=officer, service=service, year=2024, period=P.YEAR,
                                     comment="Intervence bez skupinových.")
    assert {(v.review_state, v.review_comment) for v in returned} == {
        ("returned", "Intervence bez skupinových.")}
    entry = AuditEntry.objects.filter(object_id=str(service.pk)).latest("pk")
    assert entry.actor == officer and "Intervence bez skupinových." in entry.message
    assert list(entry.changes.values()) == [["submitted", "returned"]] * 2

    service_values_submit(actor=implementer_x, service=service, year=2024, period=P.YEAR)
    approved = service_values_approve(actor=officer, service=service, year=2024, period=P.YEAR)
    assert {(v.review_state, v.reviewed_by) for v in approved} == {("approved", officer)}
    entry = AuditEntry.objects.filter(object_id=str(service.pk)).latest("pk")
    assert entry.actor == officer
    assert list(entry.changes.values()) == [["submitted", "approved"]] * 2
    with pytest.raises(ValidationError):  # nothing submitted is left
        service_values_approve(actor=officer, service=service, year=2024, period=P.YEAR)


def test_only_approved_values_are_checked_for_disproportions(implementer_x, officer):
    indicator = make_indicator()
    for rate in ("100", "104", "97", "101", "99", "103"):
        service = make_service(capacity="2", network_from=date(2023, 1, 1))
        make_indicator_value(service=service, indicator=indicator, year=2024, period=P.YEAR,
                             value=str(Decimal(rate) * 2))
    far = make_service(capacity="2", network_from=date(2023, 1, 1),
                       provider=implementer_x.implementer_organisation)
    value_report(actor=implementer_x, service=far, indicator=indicator, year=2024,
                 period=P.YEAR, value=Decimal(900))
    assert _flagged() == set()
    assert far.pk not in {v.service_id for v in values_with_capacity(
        city=City.objects.first(), year=2024, period=P.YEAR)}
    service_values_approve(actor=officer, service=far, year=2024, period=P.YEAR)
    assert _flagged() == {far.pk}


def test_only_approved_values_count_in_the_yearly_evaluation(implementer_x, officer):
    city = City.objects.first()
    clients = make_indicator(code="klienti", counts_clients=True)
    counted = make_service(network_from=date(2023, 1, 1))
    make_indicator_value(service=counted, indicator=clients, year=2024, period=P.YEAR,
                         value="40")
    waiting = make_service(network_from=date(2023, 1, 1),
                           provider=implementer_x.implementer_organisation)
    value_report(actor=implementer_x, service=waiting, indicator=clients, year=2025,
                 period=P.YEAR, value=Decimal(25))
    value_report(actor=implementer_x, service=waiting, indicator=clients, year=2024,
                 period=P.YEAR, value=Decimal(25))
    assert yearly_evaluation(2024, city=city).service_clients == Decimal(40)
    assert 2025 not in evaluation_years(city) and (2025, P.YEAR) not in reported_periods(city)
    service_values_approve(actor=officer, service=waiting, year=2024, period=P.YEAR)
    assert yearly_evaluation(2024, city=city).service_clients == Decimal(65)


def test_a_closed_value_changes_only_by_an_officers_correction(implementer_x, officer):
    service = make_service(provider=implementer_x.implementer_organisation)
    value = make_indicator_value(service=service, value="10")
    assert service_values_close(actor=officer,
                                values=IndicatorValue.objects.filter(pk=value.pk)) == 1
    kwargs = {"service": service, "indicator": value.indicator, "year": value.year,
              "period": value.period, "value": Decimal(12)}
    with pytest.raises(ValidationError):
        value_report(actor=implementer_x, **kwargs)
    with pytest.raises(ValidationError, match="reason|důvod"):
        value_report(actor=officer, **kwargs)
    corrected = value_report(actor=officer, correction_reason="Překlep v počtu.", **kwargs)
    assert (corrected.value, corrected.closed, corrected.correction_reason) == (
        Decimal(12), True, "Překlep v počtu.")
    assert corrected.corrected_on is not None


def test_an_officer_corrects_a_closed_value_in_the_form_with_a_reason(client, officer):
    from django.urls import reverse

    service = make_service()
    value = make_indicator_value(service=service, value="10")
    service_values_close(actor=officer, values=IndicatorValue.objects.filter(pk=value.pk))
    client.force_login(officer)
    url = reverse("network:values_report", args=[service.pk, value.year, value.period])
    field = f"value_{value.indicator_id}"
    refused = client.post(url, {field: "12"})
    assert refused.status_code == 200 and "correction_reason" in refused.context["form"].errors
    assert IndicatorValue.objects.get().value == Decimal(10)
    response = client.post(url, {field: "12", "correction_reason": "Překlep."})
    assert response.status_code == 302
    value = IndicatorValue.objects.get()
    assert (value.value, value.closed, value.correction_reason) == (Decimal(12), True,
                                                                   "Překlep.")
