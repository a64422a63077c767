"""Update requests: filed only inside the window with the mandatory
attachments, decided by commission → council → assembly; an approval changes
the network as of the request's day, a rejection changes nothing."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from core.models import AuditEntry
from network.models import (
    AttachmentKind,
    RequestDecision,
    RequestKind,
    RequestState,
    Service,
    ServiceForm,
    ServiceVersion,
    UpdateRequest,
)
from network.selectors import development, network_as_of, next_request_window
from network.services import request_window_set
from tests.network.factories import kind, make_service
from tests.network.requests_factories import IN_WINDOW, approve, decide, file_request, pdf

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def service(implementer_x):
    return make_service(provider=implementer_x.implementer_organisation, capacity="2.5")


def _capacity_on(service, day):
    return network_as_of(day).get(service=service).capacity_value


def test_outside_the_window_the_request_is_refused_with_the_window_dates(implementer_x,
                                                                         service):
    with pytest.raises(ValidationError) as error:
        file_request(actor=implementer_x, service=service, today=D(2025, 8, 1))
    assert "1. 7. 2025" in str(error.value) and "31. 7. 2025" in str(error.value)
    assert not service.update_requests.exists()


def test_an_officer_moves_the_window_and_the_next_one_is_named(officer, implementer_x,
                                                               service):
    request_window_set(actor=officer, city=service.city, year=2026, opens=D(2025, 8, 1),
                       closes=D(2025, 8, 20))
    with pytest.raises(ValidationError, match="20. 8. 2025"):
        file_request(actor=implementer_x, service=service, today=IN_WINDOW)
    assert file_request(actor=implementer_x, service=service, today=D(2025, 8, 5))
    window = next_request_window(service.city, today=D(2025, 7, 20))
    assert (window.year, window.opens) == (2026, D(2025, 8, 1))
    assert next_request_window(service.city, today=D(2025, 9, 1)).opens == D(2026, 7, 1)


def test_every_mandatory_attachment_is_required_and_checked(implementer_x, service):
    with pytest.raises(ValidationError) as error:
        file_request(actor=implementer_x, service=service,
                     attachments={AttachmentKind.JUSTIFICATION: pdf()})
    assert set(error.value.message_dict) == {"attachment_budget"}
    with pytest.raises(ValidationError) as error:
        file_request(actor=implementer_x, service=service, attachments={
            AttachmentKind.JUSTIFICATION: pdf(),
            AttachmentKind.BUDGET: SimpleUploadedFile("budget.pdf", b"MZ\x90\x00exe",
                                                      "application/pdf")})
    assert "attachment_budget" in error.value.message_dict
    assert not service.update_requests.exists()


def test_a_provider_asks_for_its_own_services_and_an_increase_asks_for_more(implementer_x,
                                                                            service):
    other = make_service()
    with pytest.raises(ValidationError) as error:
        file_request(actor=implementer_x, service=other,
                     provider=implementer_x.implementer_organisation)
    assert "service" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        file_request(actor=implementer_x, service=service, capacity="2")
    assert "capacity_value" in error.value.message_dict


def test_the_chain_goes_commission_council_assembly_in_order(officer, implementer_x, service):
    request = file_request(actor=implementer_x, service=service)
    with pytest.raises(ValidationError) as error:
        decide(actor=officer, request=request, body="council")
    assert "body" in error.value.message_dict
    decide(actor=officer, request=request, body="commission", day=D(2025, 9, 10))
    with pytest.raises(ValidationError) as error:
        decide(actor=officer, request=request, body="council", day=D(2025, 9, 1))
    assert "decided_on" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        decide(actor=officer, request=request, body="council", day=D(2025, 9, 20),
               extract=None)
    assert "extract" in error.value.message_dict
    decide(actor=officer, request=request, body="council", day=D(2025, 9, 20))
    request.refresh_from_db()
    assert request.state == RequestState.IN_DECISION
    assert _capacity_on(service, D(2026, 1, 1)) == Decimal("2.5")


def test_approval_changes_the_capacity_as_of_the_requested_day(officer, implementer_x,
                                                               service):
    request = file_request(actor=implementer_x, service=service, capacity="3.5")
    assert AuditEntry.objects.get(
        content_type=ContentType.objects.get_for_model(UpdateRequest)).actor == implementer_x
    request = approve(actor=officer, request=request)
    assert request.state == RequestState.APPROVED
    assert _capacity_on(service, D(2025, 12, 31)) == Decimal("2.5")
    assert _capacity_on(service, D(2026, 1, 1)) == Decimal("3.5")
    decisions = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(RequestDecision))
    assert [entry.actor for entry in decisions] == [officer] * 3
    assert AuditEntry.objects.filter(actor=officer, object_id=str(service.pk),
                                     message__contains="assembly/1").exists()
    rows = development(service.city, 2026)
    assert [(row.added, row.removed) for row in rows] == [(Decimal("1.00"), 0)]


def test_a_modified_approval_applies_the_approved_value(officer, implementer_x, service):
    request = file_request(actor=implementer_x, service=service, capacity="4")
    decide(actor=officer, request=request, body="commission", outcome="modified",
           approved_value=Decimal("3"))
    decide(actor=officer, request=request, body="council", day=D(2025, 9, 2))
    decide(actor=officer, request=request, body="assembly", day=D(2025, 9, 3))
    request.refresh_from_db()
    assert request.approved_value == Decimal("3")
    assert _capacity_on(service, D(2026, 3, 1)) == Decimal("3")


def test_rejection_changes_nothing_and_ends_the_chain(officer, implementer_x, service):
    request = file_request(actor=implementer_x, service=service)
    versions = ServiceVersion.objects.count()
    decide(actor=officer, request=request, body="commission", outcome="rejected")
    request.refresh_from_db()
    assert request.state == RequestState.REJECTED
    assert ServiceVersion.objects.count() == versions
    with pytest.raises(ValidationError):
        decide(actor=officer, request=request, body="council", day=D(2025, 9, 5))


def test_an_approved_entry_and_exit_change_the_network_from_their_day(officer, implementer_x,
                                                                      service):
    entry = file_request(actor=implementer_x, service=service, kind=RequestKind.ENTRY,
                         capacity="1", name="Nová terénní služba", register_id="7654321",
                         service_kind=kind("70"), service_form=ServiceForm.FIELD)
    with pytest.raises(ValidationError) as error:
        file_request(actor=implementer_x, service=service, kind=RequestKind.ENTRY, capacity="1",
                     name="Dvojník", register_id=service.register_id, service_kind=kind("70"),
                     service_form=ServiceForm.FIELD)
    assert "register_id" in error.value.message_dict
    leaving = file_request(actor=implementer_x, service=service, kind=RequestKind.EXIT)
    approve(actor=officer, request=entry)
    approve(actor=officer, request=leaving)
    new = Service.objects.get(register_id="7654321")
    assert new.network_from == D(2026, 1, 1)
    on_new_year = set(network_as_of(D(2026, 1, 1)).values_list("service_id", flat=True))
    on_new_years_eve = set(network_as_of(D(2025, 12, 31)).values_list("service_id", flat=True))
    assert new.pk in on_new_year and service.pk not in on_new_year
    assert service.pk in on_new_years_eve and new.pk not in on_new_years_eve
    rows = {row.label: row for row in development(service.city, 2026)}
    assert sum(row.entries for row in rows.values()) == 1
    assert sum(row.exits for row in rows.values()) == 1


def test_a_service_that_left_the_network_does_not_enter_it_again(officer, implementer_x,
                                                                 service):
    """One stay in the network per service (the evaluation and the
    development count its entry and exit): an entry request under the
    identifier of a service that left is refused, saying when it left."""
    approve(actor=officer, request=file_request(actor=implementer_x, service=service,
                                                kind=RequestKind.EXIT))
    service.refresh_from_db()
    assert service.network_to == D(2025, 12, 31)
    with pytest.raises(ValidationError) as error:
        file_request(actor=implementer_x, service=service, kind=RequestKind.ENTRY,
                     capacity="1", name=service.name, register_id=service.register_id,
                     service_kind=kind("65"), service_form=ServiceForm.FIELD,
                     effective_from=D(2027, 1, 1), today=D(2026, 7, 10))
    assert error.value.message_dict["register_id"] == [
        "Služba s tímto identifikátorem registru opustila síť 31. 12. 2025 a znovu do ní "
        "vstoupit nemůže; obraťte se na úředníky města."]
    assert not UpdateRequest.objects.filter(kind=RequestKind.ENTRY).exists()
