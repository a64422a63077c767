"""Retention per kind of personal data (core.retention), enforced by the
daily beat task core.enforce_retention, which logs what it removed."""

import datetime
import logging

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone, translation

from core import retention
from core.audit import audit_entries_for
from core.models import AuditEntry
from core.tasks import enforce_retention
from meetings.models import Meeting
from planning.models import CommentSettlement, PlanComment
from planning.services import comments as comment_services
from reports.models import JobStatus, ReportJob
from tests.meetings.factories import MeetingFactory
from tests.planning.factories import PlanFactory
from tests.reports.factories import ReportJobFactory

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(datetime.datetime(2036, 6, 1, 3, 0))
LONG_AGO = NOW - datetime.timedelta(days=20 * 365)


def _meeting_with_scan(day):
    meeting = MeetingFactory(day=day)
    meeting.attendance_scan.save(f"scan-{meeting.pk}.pdf", ContentFile(b"%PDF-1.4 podpisy"),
                                 save=False)
    Meeting.objects.filter(pk=meeting.pk).update(attendance_scan=meeting.attendance_scan.name,
                                                 attendance_scan_type="pdf", starts_on=day)
    meeting.refresh_from_db()
    return meeting


def _settled_comment(settled_at, email="autor@example.org"):
    """Settled at `settled_at`; None: not settled yet."""
    plan = PlanFactory(status="public_comment")
    comment = comment_services.comment_create(plan=plan, text="Připomínka",
                                              author_name="Jana", author_email=email)
    if settled_at is not None:
        PlanComment.objects.filter(pk=comment.pk).update(
            settlement=CommentSettlement.NOTED, settled_at=settled_at)
    return comment


def test_every_kind_of_the_brief_is_registered_with_a_period():
    kinds = retention.kinds()
    assert {"attendance_scans", "commenter_emails", "audit_log",
            "failed_report_runs"} <= set(kinds)
    assert all(retention.period_days(name) for name in kinds)


def test_the_beat_schedule_runs_the_task_daily():
    entry = settings.CELERY_BEAT_SCHEDULE["retention"]
    assert entry["task"] == enforce_retention.name == "core.enforce_retention"
    assert entry["schedule"] == 24 * 3600


def test_old_attendance_scans_go_and_recent_ones_stay(caplog, settings):
    settings.RETENTION_DAYS = {"attendance_scans": 365}
    old = _meeting_with_scan(datetime.date(2034, 1, 16))
    recent = _meeting_with_scan(datetime.date(2036, 1, 16))
    storage, old_name = old.attendance_scan.storage, old.attendance_scan.name
    caplog.set_level(logging.INFO, logger="core.retention")

    removed = retention.enforce(now=NOW)

    assert removed["attendance_scans"] == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    assert not old.attendance_scan and old.attendance_scan_type == ""
    assert recent.attendance_scan
    entry = audit_entries_for(old).first()
    assert entry.changes == {"attendance_scan": [old_name, ""]}
    # The note in the meeting's history is in the portal's language (Czech).
    assert entry.message == "Sken prezenční listiny byl odstraněn: uplynula doba jeho uchování."
    assert "retention: attendance_scans: removed 1" in caplog.text
    assert storage.exists(old_name)  # deleted on commit, which this test never reaches


def test_the_scan_file_is_deleted_once_committed(settings, django_capture_on_commit_callbacks):
    settings.RETENTION_DAYS = {"attendance_scans": 365}
    old = _meeting_with_scan(datetime.date(2034, 1, 16))
    storage, name = old.attendance_scan.storage, old.attendance_scan.name
    with django_capture_on_commit_callbacks(execute=True):
        retention.enforce(now=NOW)
    assert not storage.exists(name)


def test_commenters_addresses_go_after_the_period_from_the_comment_and_its_audit(
        caplog, settings):
    settings.RETENTION_DAYS = {"commenter_emails": 30}
    old = _settled_comment(NOW - datetime.timedelta(days=31))
    recent = _settled_comment(NOW - datetime.timedelta(days=29), email="nova@example.org")
    unsettled = _settled_comment(None, email="ceka@example.org")
    caplog.set_level(logging.INFO, logger="core.retention")

    with translation.override("en"):  # whoever runs it, the note is in the portal's language
        retention.enforce(now=NOW)

    old.refresh_from_db()
    assert old.author_email == "" and old.author_name == "Jana"
    assert audit_entries_for(old).first().message == (
        "E-mailová adresa autora připomínky byla odstraněna: uplynula doba jejího uchování.")
    assert PlanComment.objects.get(pk=recent.pk).author_email == "nova@example.org"
    assert PlanComment.objects.get(pk=unsettled.pk).author_email == "ceka@example.org"
    recorded = [str(e.changes) + str(e.snapshot) for e in audit_entries_for(old)]
    assert recorded and not any("autor@example.org" in text for text in recorded)
    assert "retention: commenter_emails: removed 1" in caplog.text


def test_failed_report_runs_go_after_the_period(settings, caplog):
    caplog.set_level(logging.INFO, logger="core.retention")
    settings.RETENTION_DAYS = {"failed_report_runs": 90}
    old = ReportJobFactory(status=JobStatus.FAILED, error="chyba",
                           finished_at=NOW - datetime.timedelta(days=91))
    recent = ReportJobFactory(status=JobStatus.FAILED,
                              finished_at=NOW - datetime.timedelta(days=10))
    succeeded = ReportJobFactory.finished()
    ReportJob.objects.filter(pk=succeeded.pk).update(finished_at=LONG_AGO)

    assert retention.enforce(now=NOW)["failed_report_runs"] == 1

    assert set(ReportJob.objects.values_list("pk", flat=True)) == {recent.pk, succeeded.pk}
    assert not ReportJob.objects.filter(pk=old.pk).exists()
    assert "retention: failed_report_runs: removed 1 (failed report runs older than 90 days" \
        in caplog.text


def test_the_audit_log_is_kept_for_its_period(settings, caplog):
    caplog.set_level(logging.INFO, logger="core.retention")
    settings.RETENTION_DAYS = {"audit_log": 365}
    old, recent = _settled_comment(None), _settled_comment(None)
    now = timezone.now()
    AuditEntry.objects.filter(object_id=str(old.pk)).update(
        created_at=now - datetime.timedelta(days=366))

    assert retention.enforce(now=now)["audit_log"] == 1

    assert not audit_entries_for(old).exists()
    assert audit_entries_for(recent).count() == 1
    assert "retention: audit_log: removed 1 (audit log entries older than 365 days" in caplog.text


def test_a_kind_without_a_period_is_kept_and_said_so(caplog, settings):
    settings.RETENTION_DAYS = {"attendance_scans": None}
    meeting = _meeting_with_scan(datetime.date(2001, 1, 1))
    caplog.set_level(logging.INFO, logger="core.retention")
    assert retention.enforce(now=NOW)["attendance_scans"] is None
    meeting.refresh_from_db()
    assert meeting.attendance_scan
    assert "retention: attendance_scans kept (no period set)" in caplog.text


def test_a_failing_kind_changes_nothing_and_the_others_still_run(caplog, settings, monkeypatch):
    settings.RETENTION_DAYS = {"commenter_emails": 30, "failed_report_runs": 1}
    comment = _settled_comment(NOW - datetime.timedelta(days=31))

    def broken(cutoff):
        PlanComment.objects.update(author_email="")
        raise RuntimeError("disk gone")

    monkeypatch.setitem(retention._KINDS, "commenter_emails",
                        retention.Kind("commenter_emails", broken, 30, "x"))
    job = ReportJobFactory(status=JobStatus.FAILED, finished_at=LONG_AGO)

    removed = retention.enforce(now=NOW)

    assert removed["commenter_emails"] is None and removed["failed_report_runs"] == 1
    assert PlanComment.objects.get(pk=comment.pk).author_email == "autor@example.org"
    assert not ReportJob.objects.filter(pk=job.pk).exists()
    assert "retention: commenter_emails failed" in caplog.text


def test_the_task_enforces_the_periods(settings):
    settings.RETENTION_DAYS = {"failed_report_runs": 1}
    ReportJobFactory(status=JobStatus.FAILED, finished_at=timezone.now()
                     - datetime.timedelta(days=2))
    enforce_retention()
    assert not ReportJob.objects.filter(status=JobStatus.FAILED).exists()
