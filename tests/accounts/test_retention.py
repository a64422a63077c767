"""Retention of the login records (accounts.retention): sign-in attempts,
failures and sessions older than the period go; recent ones, which a lock may
still need, stay."""

import datetime
import logging

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.utils import timezone

from core import retention

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(datetime.datetime(2036, 6, 1, 3, 0))


def _records(when, who):
    common = {"username": who, "ip_address": "192.0.2.7", "user_agent": "test",
              "path_info": "/accounts/login/"}
    attempt = AccessAttempt.objects.create(failures_since_start=1, get_data="", post_data="",
                                           **common)
    failure = AccessFailureLog.objects.create(locked_out=False, **common)
    log = AccessLog.objects.create(**common)
    for record in (attempt, failure, log):
        type(record).objects.filter(pk=record.pk).update(attempt_time=when)
    return attempt, failure, log


def test_login_records_go_after_their_period_and_recent_ones_stay(settings, caplog):
    caplog.set_level(logging.INFO, logger="core.retention")
    settings.RETENTION_DAYS = {"login_records": 180}
    _records(NOW - datetime.timedelta(days=181), "stary")
    _records(NOW - datetime.timedelta(days=10), "novy")

    assert retention.enforce(now=NOW)["login_records"] == 3

    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        assert list(model.objects.values_list("username", flat=True)) == ["novy"]
    assert "retention: login_records: removed 3" in caplog.text


def test_the_default_period_is_half_a_year():
    assert retention.period_days("login_records") == 180
