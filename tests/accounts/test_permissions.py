"""The role checks of accounts; the directory's and the plans' rules are
tested beside their apps (tests/directory, tests/planning). The role matrix
checks the views."""

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


def test_inactive_users_hold_no_role(officer):
    officer.is_active = False
    assert not perms.is_city_officer(officer)


def test_anonymous_holds_no_role():
    from django.contrib.auth.models import AnonymousUser

    assert perms.roles_of(AnonymousUser()) == []


def test_a_role_is_registered_once():
    from directory.permissions import _holds_group_manager

    perms.register_role(Role.GROUP_MANAGER, _holds_group_manager)
    with pytest.raises(ValueError):
        perms.register_role(Role.GROUP_MANAGER, lambda user: True)
    with pytest.raises(ValueError):
        perms.register_role("chairman", lambda user: True)
