"""The network's services: constraints, the history of every change (the
network as of any day) and the audit trail."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from core.models import AuditEntry
from directory.models import City
from network.models import Service, ServiceCategory, ServiceForm, ServiceVersion
from network.selectors import capacity_table, network_as_of
from network.services import service_change, service_create, service_end
from tests.directory.factories import OrganisationFactory
from tests.network.factories import kind, make_service, target_group, unit

pytestmark = pytest.mark.django_db

D = datetime.date


def test_register_id_has_seven_digits_and_is_unique_in_the_city(officer):
    service = make_service(actor=officer)
    with pytest.raises(ValidationError) as error:
        service_create(actor=officer, city=service.city, provider=service.provider,
                       name="Jiná", register_id="123456", kind=kind(), network_from=D(2024, 1, 1),
                       forms=[ServiceForm.FIELD])
    assert "7" in str(error.value.message_dict["register_id"])
    with pytest.raises(ValidationError) as error:
        service_create(actor=officer, city=service.city, provider=service.provider,
                       name="Jiná", register_id=service.register_id, kind=kind(),
                       network_from=D(2024, 1, 1), forms=[ServiceForm.FIELD])
    assert "už v síti města je" in str(error.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        Service.objects.create(city=service.city, provider=service.provider, name="X",
                               register_id=service.register_id, kind=kind(),
                               network_from=D(2024, 1, 1))


def test_a_service_needs_kind_and_register_id_an_activity_has_neither(officer):
    service = make_service(actor=officer)
    with pytest.raises(IntegrityError), transaction.atomic():
        Service.objects.create(city=service.city, provider=service.provider, name="X",
                               network_from=D(2024, 1, 1))
    with pytest.raises(ValidationError) as error:
        service_create(actor=officer, city=service.city, provider=service.provider, name="A",
                       category=ServiceCategory.ACTIVITY, register_id="1234567",
                       network_from=D(2024, 1, 1), forms=[])
    assert "register" in str(error.value)
    activity = make_service(actor=officer, category=ServiceCategory.ACTIVITY, forms=[])
    assert activity.is_activity and activity.kind is None


def test_a_service_is_provided_in_a_form_and_capacity_has_its_unit(officer):
    with pytest.raises(ValidationError) as error:
        make_service(actor=officer, forms=[])
    assert "forms" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        service_create(actor=officer, city=City.objects.first(),
                       provider=OrganisationFactory(), name="Bez jednotky", register_id="7654321",
                       kind=kind(), network_from=D(2024, 1, 1), forms=[ServiceForm.FIELD],
                       capacity_value=Decimal(3))
    assert "capacity_unit" in error.value.message_dict
    with pytest.raises(ValidationError):
        make_service(actor=officer, capacity="-1")
    assert not Service.objects.exists()


def test_the_last_day_of_the_calendar_is_refused_as_a_last_day_in_the_network(officer):
    service = make_service(actor=officer, network_from=D(2024, 1, 1))
    with pytest.raises(ValidationError) as error:
        service_end(actor=officer, service=service, network_to=D.max, reason="Vyřazení")
    assert list(error.value.message_dict) == ["network_to"]
    service.refresh_from_db()
    assert service.network_to is None
    assert ServiceVersion.objects.get(service=service).valid_to is None


def test_changes_keep_history_and_the_network_as_of_any_day(officer):
    service = make_service(actor=officer, network_from=D(2024, 1, 1), capacity="2.5",
                           target_groups=[target_group()])
    service_change(actor=officer, service=service, valid_from=D(2025, 1, 1),
                   capacity_value=Decimal("3.5"), reason="Navýšení o 1 úvazek")
    service_change(actor=officer, service=service, valid_from=D(2025, 7, 1),
                   forms=[ServiceForm.FIELD], reason="Jen terénní forma")
    service_end(actor=officer, service=service, network_to=D(2025, 12, 31),
                reason="Vyřazení ze sítě")

    def as_of(day):
        return [(v.capacity_value, v.forms) for v in network_as_of(day)]

    both = [ServiceForm.OUTPATIENT, ServiceForm.FIELD]
    assert as_of(D(2023, 12, 31)) == []
    assert as_of(D(2024, 6, 1)) == [(Decimal("2.50"), both)]
    assert as_of(D(2025, 1, 1)) == [(Decimal("3.50"), both)]
    assert as_of(D(2025, 7, 1)) == [(Decimal("3.50"), [ServiceForm.FIELD])]
    assert as_of(D(2025, 12, 31)) == [(Decimal("3.50"), [ServiceForm.FIELD])]
    assert as_of(D(2026, 1, 1)) == []
    versions = list(ServiceVersion.objects.filter(service=service).order_by("valid_from"))
    assert [(v.valid_from, v.valid_to) for v in versions] == [
        (D(2024, 1, 1), D(2025, 1, 1)), (D(2025, 1, 1), D(2025, 7, 1)),
        (D(2025, 7, 1), D(2026, 1, 1))]
    assert versions[1].reason == "Navýšení o 1 úvazek" and versions[1].changed_by == officer
    assert [g.name for g in versions[2].target_groups.all()] == [target_group().name]
    entries = AuditEntry.objects.filter(object_id=str(service.pk)).order_by("id")
    assert [e.actor for e in entries] == [officer] * 4
    assert entries[1].changes["capacity_value"] == ["2.50", "3.50"]
    assert entries[1].message == "Navýšení o 1 úvazek"
    assert entries[3].changes["network_to"] == [None, "2025-12-31"]


def test_a_change_on_the_day_of_the_latest_version_corrects_it(officer):
    service = make_service(actor=officer, network_from=D(2024, 1, 1))
    service_change(actor=officer, service=service, valid_from=D(2024, 1, 1),
                   capacity_value=Decimal("4"), reason="Oprava překlepu")
    assert list(ServiceVersion.objects.filter(service=service)
                .values_list("capacity_value", "valid_to")) == [(Decimal("4.00"), None)]
    assert AuditEntry.objects.filter(object_id=str(service.pk)).order_by("id").last().changes[
        "capacity_value"] == ["2.50", "4.00"]


def test_refused_changes_save_nothing(officer):
    service = make_service(actor=officer, network_from=D(2024, 1, 1))
    service_change(actor=officer, service=service, valid_from=D(2025, 1, 1),
                   capacity_value=Decimal("4"), reason="Navýšení")
    for valid_from, message in ((D(2023, 1, 1), "2024"), (D(2024, 6, 1), "2025")):
        with pytest.raises(ValidationError) as error:
            service_change(actor=officer, service=service, valid_from=valid_from,
                           capacity_value=Decimal("9"), reason="Pozdě")
        assert message in str(error.value.message_dict["valid_from"])
    with pytest.raises(ValidationError):
        service_change(actor=officer, service=service, valid_from=D(2025, 2, 1),
                       capacity_value=Decimal("9"), reason="")
    with pytest.raises(ValidationError):
        service_change(actor=officer, service=service, valid_from=D(2025, 2, 1),
                       capacity_value=Decimal("4"), reason="Nic")
    with pytest.raises(ValidationError):
        service_change(actor=officer, service=service, valid_from=D(2025, 2, 1),
                       capacity_unit=None, reason="Bez jednotky")
    assert ServiceVersion.objects.filter(service=service).count() == 2
    assert AuditEntry.objects.filter(object_id=str(service.pk)).count() == 2


def test_identity_changes_are_audited_without_a_new_version(officer):
    service = make_service(actor=officer, name="Poradna")
    service_change(actor=officer, service=service, valid_from=D(2024, 1, 1), name="Poradna Jih",
                   reason="Přejmenování")
    service.refresh_from_db()
    assert service.name == "Poradna Jih" and service.version == 2
    entry = AuditEntry.objects.filter(object_id=str(service.pk)).order_by("id").last()
    assert entry.changes["name"] == ["Poradna", "Poradna Jih"]


def test_capacity_table_sums_per_unit(officer):
    make_service(actor=officer, paragraph="65", capacity="2.5")
    make_service(actor=officer, paragraph="65", capacity="1.5")
    make_service(actor=officer, paragraph="65", capacity="10", unit_code="luzka")
    make_service(actor=officer, paragraph="37", capacity="3")
    rows = {(r["service__kind__paragraph"], r["capacity_unit__name"]): (r["services"],
                                                                        r["capacity"])
            for r in capacity_table(network_as_of(D(2024, 6, 1)), "kind")}
    assert rows == {("65", unit().name): (2, Decimal("4.00")),
                    ("65", unit("luzka").name): (1, Decimal("10.00")),
                    ("37", unit().name): (1, Decimal("3.00"))}


def test_reference_data_of_the_act():
    from network.models import CapacityUnit, KindGroup, ServiceKind, TargetGroup

    kinds = {kind.paragraph: kind for kind in ServiceKind.objects.all()}
    assert len(kinds) == 33
    assert kinds["37"].group == KindGroup.COUNSELLING
    assert kinds["49"].name == "domovy pro seniory" and kinds["49"].group == KindGroup.CARE
    assert kinds["60a"].name == "intervenční centra"
    assert kinds["70"].group == KindGroup.PREVENTION
    assert [k.paragraph for k in ServiceKind.objects.all()][:3] == ["37", "39", "40"]
    assert TargetGroup.objects.filter(name="senioři").exists()
    assert set(CapacityUnit.objects.values_list("code", flat=True)) >= {
        "uvazky", "luzka", "hodiny"}
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceKind.objects.create(paragraph="999", name="x", group="care")
