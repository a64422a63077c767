"""The directory's permission functions; the role matrix checks the views."""

import pytest

from directory import permissions as perms

pytestmark = pytest.mark.django_db


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


def test_anonymous_sees_no_people():
    from django.contrib.auth.models import AnonymousUser

    assert not perms.can_view_people(AnonymousUser())
