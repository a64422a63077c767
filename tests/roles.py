"""The people of the shared fixtures (conftest.py): one user per role, a group A
the roles belong to and a group B they do not, and an organisation X the
implementer works for. Plain functions, so that a fixture of any scope (the
role matrix builds them once per module) makes the same people."""

from tests.accounts.factories import UserFactory, confirmed_totp_device
from tests.directory.factories import (
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    WorkingGroupFactory,
)


def make_organisation_x():
    return OrganisationFactory(name="Organizace X, z.s.")


def make_group_a():
    return WorkingGroupFactory(name="Skupina A", code="A")


def make_group_b():
    return WorkingGroupFactory(name="Skupina B", code="B")


def make_administrator():
    """With a confirmed authenticator, as every administrator must have."""
    user = UserFactory(username="admin", is_superuser=True, is_staff=True)
    confirmed_totp_device(user)
    return user


def make_officer():
    return UserFactory(username="officer", is_city_officer=True)


def make_manager_a(group_a):
    return UserFactory(username="manager_a", person=group_a.manager)


def make_contact_a(group_a):
    return UserFactory(username="contact_a", person=group_a.contact_person)


def make_member_a(group_a):
    membership = MembershipFactory(body=group_a)
    return UserFactory(username="member_a", person=membership.member)


def make_implementer_x(organisation_x):
    return UserFactory(
        username="implementer_x",
        implementer_organisation=organisation_x,
        person=PersonFactory(organisation=organisation_x),
    )


def make_plain_user():
    """Signed in, but holding no role at all."""
    return UserFactory(username="nobody")


def build_roles():
    """Everything the role fixtures of conftest.py make, in one call, in the
    order the role matrix used to request them."""
    group_a = make_group_a()
    group_b = make_group_b()
    organisation_x = make_organisation_x()
    users = {
        "administrator": make_administrator(),
        "city_officer": make_officer(),
        "manager_a": make_manager_a(group_a),
        "contact_a": make_contact_a(group_a),
        "member_a": make_member_a(group_a),
        "implementer_x": make_implementer_x(organisation_x),
    }
    return {
        "organisation_x": organisation_x,
        "group_a": group_a,
        "group_b": group_b,
        "users": users,
        "plain_user": make_plain_user(),
    }
