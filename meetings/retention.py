"""Retention of the scans of attendance sheets (signatures are personal data):
removed once the meeting is older than the period (core.retention)."""

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from core.audit import AuditAction, audit_record

from .models import Meeting


def purge_attendance_scans(cutoff) -> int:
    meetings = list(Meeting.objects.filter(starts_on__lt=cutoff.date())
                    .exclude(attendance_scan="").select_for_update())
    # The note in the meeting's history, in the portal's language (the task
    # runs with none active).
    with translation.override(settings.LANGUAGE_CODE):
        message = _("The attendance scan was removed: its retention period is over.")
    for meeting in meetings:
        name, storage = meeting.attendance_scan.name, meeting.attendance_scan.storage
        Meeting.objects.filter(pk=meeting.pk).update(attendance_scan="", attendance_scan_type="")
        audit_record(actor=None, action=AuditAction.UPDATE, instance=meeting,
                     changes={"attendance_scan": [name, ""]},
                     message=message,
                     with_snapshot=False)
        transaction.on_commit(lambda name=name, storage=storage: storage.delete(name))
    return len(meetings)


def register():
    from core import retention

    retention.register("attendance_scans", purge_attendance_scans, default_days=10 * 365,
                       description="scans of attendance sheets of meetings")

