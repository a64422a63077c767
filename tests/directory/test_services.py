import datetime

import pytest
from django.core.exceptions import ValidationError

from core.models import AuditEntry
from core.services import StaleEditError
from directory import services
from directory.models import Membership, Organisation
from tests.directory.factories import OrganisationFactory, PersonFactory, WorkingGroupFactory

pytestmark = pytest.mark.django_db


def test_create_writes_an_audit_entry_with_the_actor(officer):
    org = services.organisation_create(actor=officer, name="Renarkon, o.p.s.", legal_form="o.p.s.")
    entry = AuditEntry.objects.get(object_id=str(org.pk))
    assert entry.actor == officer
    assert entry.action == "create"
    assert entry.changes["name"] == [None, "Renarkon, o.p.s."]


def test_invalid_ico_saves_nothing(officer):
    with pytest.raises(ValidationError) as error:
        services.organisation_create(actor=officer, name="Chybná", ico="12345678")
    assert "ico" in error.value.message_dict
    assert not Organisation.objects.filter(name="Chybná").exists()
    assert not AuditEntry.objects.exists()


def test_update_records_old_and_new_values_and_moves_the_version(officer):
    org = OrganisationFactory(name="Stará")
    updated = services.organisation_update(
        actor=officer, organisation=org, expected_version=1, name="Nová"
    )
    assert updated.version == 2
    entry = AuditEntry.objects.get(action="update")
    assert entry.changes == {"name": ["Stará", "Nová"]}


def test_second_save_from_a_stale_form_is_refused_and_overwrites_nothing(officer, administrator):
    org = OrganisationFactory(name="Původní")
    services.organisation_update(actor=officer, organisation=org, expected_version=1,
                                 name="Úřednice změnila")
    with pytest.raises(StaleEditError) as stale:
        services.organisation_update(actor=administrator, organisation=org, expected_version=1,
                                     name="Správce přepsal")
    org.refresh_from_db()
    assert org.name == "Úřednice změnila"
    assert stale.value.entries[0].actor == officer
    assert stale.value.entries[0].changes["name"][1] == "Úřednice změnila"


def test_update_without_change_writes_no_audit_and_keeps_version(officer):
    org = OrganisationFactory(name="Beze změny")
    services.organisation_update(actor=officer, organisation=org, expected_version=1,
                                 name="Beze změny")
    org.refresh_from_db()
    assert org.version == 1
    assert not AuditEntry.objects.exists()


def test_group_needs_are_replaced_in_order_and_audited(officer):
    group = WorkingGroupFactory()
    services.working_group_update(actor=officer, group=group, expected_version=1,
                                  needs=["první", "druhá"])
    group.refresh_from_db()
    assert [n.text for n in group.needs.all()] == ["první", "druhá"]
    assert group.version == 2
    entry = AuditEntry.objects.get(action="update")
    assert entry.changes["needs"] == [[], ["první", "druhá"]]


def test_membership_change_ends_the_old_seat_and_keeps_it_as_history(manager_a, group_a):
    org = OrganisationFactory(name="Institut prevence")
    old_member, substitute, new_member = PersonFactory(), PersonFactory(), PersonFactory()
    seat = services.membership_start(actor=manager_a, body=group_a, organisation=org,
                                     member=old_member, substitute=substitute)
    on = datetime.date(2025, 1, 16)
    new_seat = services.membership_change(actor=manager_a, membership=seat, on=on,
                                          member=new_member)
    seat.refresh_from_db()
    assert seat.valid_to == on and seat.member == old_member
    assert new_seat.valid_from == on and new_seat.valid_to is None
    assert new_seat.member == new_member and new_seat.substitute == substitute
    assert Membership.objects.filter(body=group_a, organisation=org).count() == 2
    assert AuditEntry.objects.filter(actor=manager_a).count() == 3


def test_second_open_seat_for_the_same_organisation_is_refused(officer, group_a):
    org = OrganisationFactory()
    services.membership_start(actor=officer, body=group_a, organisation=org,
                              member=PersonFactory())
    with pytest.raises(ValidationError) as error:
        services.membership_start(actor=officer, body=group_a, organisation=org,
                                  member=PersonFactory())
    assert "organisation" in error.value.message_dict


def test_membership_cannot_end_before_it_started(officer, group_a):
    seat = services.membership_start(
        actor=officer, body=group_a, organisation=OrganisationFactory(),
        member=PersonFactory(), valid_from=datetime.date(2025, 1, 1),
    )
    with pytest.raises(ValidationError):
        services.membership_end(actor=officer, membership=seat, on=datetime.date(2024, 12, 31))
    seat.refresh_from_db()
    assert seat.valid_to is None


def test_failed_change_leaves_the_old_seat_open(officer, group_a):
    person = PersonFactory()
    seat = services.membership_start(
        actor=officer, body=group_a, organisation=OrganisationFactory(),
        member=person, valid_from=datetime.date(2025, 1, 1),
    )
    with pytest.raises(ValidationError):
        # the new substitute equals the member: the new seat is invalid
        services.membership_change(actor=officer, membership=seat, on=datetime.date(2025, 2, 1),
                                   substitute=person)
    seat.refresh_from_db()
    assert seat.valid_to is None
    assert Membership.objects.filter(body=group_a).count() == 1
