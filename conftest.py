"""Shared fixtures: one user per role, a group A the roles belong to and a group
B they do not, and an organisation X the implementer works for."""

import pytest
from django.test import Client

from tests.accounts.factories import PASSWORD, UserFactory, confirmed_totp_device
from tests.directory.factories import (
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    WorkingGroupFactory,
)


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield


class PortalClient(Client):
    """`force_login` skips the password step; it skips the second step too,
    as if the user had entered a code: a user with a confirmed authenticator
    gets a verified session (django-otp's session key). Pass
    `otp_verified=False` for a session that still owes the code."""

    def force_login(self, user, backend=None, *, otp_verified=True):
        super().force_login(user, backend)
        if otp_verified:
            from django_otp import DEVICE_ID_SESSION_KEY, devices_for_user

            device = next(devices_for_user(user, confirmed=True), None)
            if device is not None:
                session = self.session
                session[DEVICE_ID_SESSION_KEY] = device.persistent_id
                session.save()


@pytest.fixture
def client():
    """pytest-django's `client`, with the second factor of `force_login` above."""
    return PortalClient()


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def organisation_x(db):
    return OrganisationFactory(name="Organizace X, z.s.")


@pytest.fixture
def group_a(db):
    return WorkingGroupFactory(name="Skupina A", code="A")


@pytest.fixture
def group_b(db):
    return WorkingGroupFactory(name="Skupina B", code="B")


@pytest.fixture
def administrator(db):
    """With a confirmed authenticator, as every administrator must have."""
    user = UserFactory(username="admin", is_superuser=True, is_staff=True)
    confirmed_totp_device(user)
    return user


@pytest.fixture
def officer(db):
    return UserFactory(username="officer", is_city_officer=True)


@pytest.fixture
def manager_a(group_a):
    return UserFactory(username="manager_a", person=group_a.manager)


@pytest.fixture
def contact_a(group_a):
    return UserFactory(username="contact_a", person=group_a.contact_person)


@pytest.fixture
def member_a(group_a):
    membership = MembershipFactory(body=group_a)
    return UserFactory(username="member_a", person=membership.member)


@pytest.fixture
def implementer_x(organisation_x):
    return UserFactory(
        username="implementer_x",
        implementer_organisation=organisation_x,
        person=PersonFactory(organisation=organisation_x),
    )


@pytest.fixture
def plain_user(db):
    """Signed in, but holding no role at all."""
    return UserFactory(username="nobody")


@pytest.fixture
def users_by_role(administrator, officer, manager_a, contact_a, member_a, implementer_x, group_b):
    return {
        "administrator": administrator,
        "city_officer": officer,
        "manager_a": manager_a,
        "contact_a": contact_a,
        "member_a": member_a,
        "implementer_x": implementer_x,
    }


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, tmp_path_factory):
    """A real Celery worker in its own process, consuming from the real Redis
    broker with the test settings. Tasks that touch the database need the test
    to use `transactional_db` so that the worker sees committed rows."""
    import os
    import subprocess
    import sys
    import time

    from django.conf import settings
    from django.db import connection

    env = dict(os.environ)
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    db = connection.settings_dict
    env["DATABASE_URL"] = (
        f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )
    env["REDIS_URL"] = settings.REDIS_URL
    env["PORTAL_TEST_REDIS_MAPPED"] = "1"  # config/settings/test.py: already per process
    # The worker's output goes to a file: a pipe nobody reads fills up and
    # blocks the worker mid-task.
    log_path = tmp_path_factory.mktemp("celery") / "worker.log"
    log = open(log_path, "wb")  # noqa: SIM115 - closed at teardown
    process = subprocess.Popen(  # noqa: S603 - fixed argv
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo",
         "--without-heartbeat", "--without-mingle", "--without-gossip", "--loglevel", "WARNING"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    process.log_path = log_path
    from config.celery import app

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(log_path.read_text(errors="replace"))
        replies = app.control.ping(timeout=1)
        if replies:
            break
    else:
        process.kill()
        raise RuntimeError("Celery worker did not answer within 60 s")
    yield process
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()
