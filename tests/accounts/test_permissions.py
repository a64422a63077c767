"""The permission functions themselves; the role matrix checks the views."""

import pytest

from accounts import permissions as perms
from accounts.permissions import Role

pytestmark = pytest.mark.django_db


def test_each_fixture_user_holds_exactly_its_role(users_by_role, plain_user):
    assert perms.roles_of(users_by_role["administrator"]) == [Role.ADMINISTRATOR]
    assert perms.roles_of(users_by_role["city_officer"]) == [Role.CITY_OFFICER]
    assert perms.roles_of(users_by_role["manager_a"]) == [Role.GROUP_MANAGER]
    assert perms.roles_of(users_by_role["contact_a"]) == [Role.CONTACT_PERSON]
    assert perms.roles_of(users_by_role["member_a"]) == [Role.GROUP_MEMBER]
    assert perms.roles_of(users_by_role["implementer_x"]) == [Role.IMPLEMENTER]
    assert perms.roles_of(plain_user) == []


def test_group_roles_are_scoped_to_their_group(manager_a, contact_a, member_a, group_a, group_b):
    assert perms.can_edit_working_group(manager_a, group_a)
    assert not perms.can_edit_working_group(manager_a, group_b)
    assert perms.can_view_group_internals(contact_a, group_a)
    assert not perms.can_view_group_internals(contact_a, group_b)
    assert perms.can_view_group_internals(member_a, group_a)
    assert not perms.can_manage_membership(member_a, group_a)


def test_manager_edits_fewer_fields_than_an_officer(manager_a, officer, group_a):
    manager_fields = set(perms.editable_working_group_fields(manager_a, group_a))
    officer_fields = set(perms.editable_working_group_fields(officer, group_a))
    assert manager_fields < officer_fields
    assert {"manager", "contact_person", "status"} & manager_fields == set()


def test_ended_membership_no_longer_grants_member_access(group_a):
    import datetime

    from tests.accounts.factories import UserFactory
    from tests.directory.factories import MembershipFactory

    seat = MembershipFactory(body=group_a, valid_from=datetime.date(2020, 1, 1),
                             valid_to=datetime.date(2021, 1, 1))
    former = UserFactory(username="former", person=seat.member)
    assert not perms.can_view_group_internals(former, group_a)


def test_inactive_users_hold_no_role(officer):
    officer.is_active = False
    assert not perms.is_city_officer(officer)


def test_anonymous_holds_no_role():
    from django.contrib.auth.models import AnonymousUser

    assert perms.roles_of(AnonymousUser()) == []
    assert not perms.can_view_people(AnonymousUser())
