"""Property-based posts to every form of the meetings app, and malformed files
to the attendance-scan upload: never a 500; a refused form saves nothing."""

import io
import os
import zipfile

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from core.models import AuditEntry
from meetings.models import Meeting
from tests.fuzz import fuzz_form

from .factories import MeetingFactory

EXAMPLES = int(os.environ.get("FORM_FUZZ_EXAMPLES", "1000"))
UPLOAD_EXAMPLES = int(os.environ.get("UPLOAD_FUZZ_EXAMPLES", "1000"))

MEETING_FIELDS = ["version", "body", "kind", "title", "status", "date", "end_date", "start_time",
                  "end_time", "place_name", "place_room", "place_address", "latitude",
                  "longitude", "recorded_by", "recorded_by_text", "recorded_on",
                  "funding_project", "minutes_status", "verified_by"]
FORMS = {
    "create": (lambda w: [], MEETING_FIELDS),
    "update": (lambda w: [w["meeting"].pk], MEETING_FIELDS),
    "part_create/programme": (lambda w: [w["meeting"].pk, "programme"],
                              ["position", "title", "presenter", "presenter_text", "day",
                               "parent"]),
    "part_create/attendance": (lambda w: [w["meeting"].pk, "attendance"],
                               ["presence", "role", "person", "organisation", "name_text",
                                "position"]),
    "part_create/item": (lambda w: [w["meeting"].pk, "item"],
                         ["position", "title", "text_html", "decisions", "moved_to_next"]),
    "part_create/task": (lambda w: [w["meeting"].pk, "task"],
                         ["item", "description", "owner_person", "owner_organisation",
                          "owner_text", "deadline", "status"]),
    "part_update/item": (lambda w: [w["meeting"].pk, "item", w["item"].pk],
                         ["position", "title", "text_html", "decisions", "moved_to_next"]),
    "part_update/task": (lambda w: [w["meeting"].pk, "task", w["task"].pk],
                         ["version", "item", "description", "owner_person", "deadline",
                          "status", "owner_text"]),
    "membership_change": (lambda w: [w["meeting"].pk],
                          ["organisation", "member", "substitute", "effective_on",
                           "published_text"]),
    "next": (lambda w: [w["meeting"].pk],
             ["date", "start_time", "end_time", "place_name", "place_room", "place_address",
              "latitude", "longitude"]),
    "task_status": (lambda w: [w["meeting"].pk, w["task"].pk], ["status"]),
    "review": (lambda w: [w["submitted"].pk], ["decision", "comment"]),
    "amend": (lambda w: [w["published"].pk], ["reason", "action"]),
    "event_create": (lambda w: [], ["title", "kind", "starts_on", "ends_on", "month_only",
                                    "start_time", "end_time", "place", "link", "organiser",
                                    "plan_area", "description"]),
    "event_update": (lambda w: [w["event"].pk], ["version", "title", "kind", "starts_on",
                                                 "ends_on", "link"]),
}

PLAUSIBLE = [
    "", "0", "1", "2", "-1", "99999999999999999999", "1.5", "49.8228022", "-91", "181",
    "regular", "thematic", "planned", "held", "cancelled", "published", "present", "excused",
    "guest", "open", "done", "publish", "return", "close", "item", "2025-01-16", "2025-01-15",
    "16. 1. 2025", "31.02.2025", "0000-00-00", "9999-12-31", "13:00", "25:61", "on",
    "https://example.org", "javascript:alert(1)", "<script>alert(1)</script>",
    "<p onclick=x>a</p>", "=1+1", "\x00", "ž" * 600,
]
values = st.one_of(st.sampled_from(PLAUSIBLE), st.text(max_size=60),
                   st.integers(min_value=-(2**70), max_value=2**70).map(str))


def _counts():
    return {m._meta.label: m._base_manager.count() for m in apps.get_models()
            if m._meta.app_label in {"meetings", "directory", "planning", "core"}}


@pytest.fixture
def world(group_a):
    from meetings.models import Event

    meeting = MeetingFactory.with_minutes(body=group_a)
    return {
        "meeting": meeting, "item": meeting.items.get(), "task": meeting.tasks.get(),
        "submitted": MeetingFactory.with_minutes(body=group_a, minutes_status="submitted"),
        "published": MeetingFactory.with_minutes(body=group_a, minutes_status="published"),
        "event": Event.objects.create(title="Kulatý stůl", starts_on="2023-11-01"),
    }


@pytest.mark.django_db
@pytest.mark.parametrize("form", sorted(FORMS))
def test_no_input_makes_a_form_fail_or_half_save(client, officer, world, form):
    args, fields = FORMS[form]
    name = form.split("/")[0]
    url = reverse(f"meetings:{name}", args=args(world))
    client.force_login(officer)

    fuzz_form(client, url, fields, values, app_labels={"meetings", "directory", "planning"},
              label=form, fresh_state=True, save_must_change=False)


def _random_zip(entries):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in dict(entries).items():
            archive.writestr(name, data)
    return out.getvalue()


@st.composite
def malformed(draw):
    """Anything but a PDF, PNG or JPEG by its first bytes (random bytes may
    start like a JPEG; such a file is accepted by design, so it is skipped)."""
    from core.uploads import sniff_type

    data = draw(_malformed())
    assume(sniff_type(data) not in ("pdf", "png", "jpeg"))
    return data


@st.composite
def _malformed(draw):
    kind = draw(st.sampled_from(["bytes", "zip", "exe", "html", "empty", "truncated_magic"]))
    if kind == "bytes":
        return draw(st.binary(max_size=4096))
    if kind == "zip":
        return _random_zip(draw(st.lists(st.tuples(st.sampled_from(["a.pdf", "b.txt"]),
                                                   st.binary(max_size=256)), max_size=3)))
    if kind == "exe":
        return b"MZ" + draw(st.binary(max_size=512))
    if kind == "html":
        return b"<html><script>alert(1)</script></html>"
    if kind == "truncated_magic":
        return draw(st.sampled_from([b"%PD", b"\x89PN", b"\xff\xd8"]))
    return b""


@pytest.mark.django_db
def test_no_malformed_scan_is_saved(client, manager_a, group_a, settings_media):
    meeting = MeetingFactory(body=group_a)
    url = reverse("meetings:attendance_sheet", args=[meeting.pk])
    client.force_login(manager_a)
    audits = AuditEntry.objects.count()
    sent = []

    @settings(max_examples=UPLOAD_EXAMPLES, deadline=None, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                     HealthCheck.data_too_large])
    @given(content=malformed(), name=st.sampled_from(["scan.pdf", "scan.PNG", "scan.jpg",
                                                      "../../x.pdf", "a" * 300 + ".pdf",
                                                      "prezenční listina.pdf", "scan"]),
           content_type=st.sampled_from(["application/pdf", "image/png", "text/html", ""]))
    def upload(content, name, content_type):
        sent.append(name)
        response = client.post(url, {"attendance_sheet": "on",
                                      "scan": SimpleUploadedFile(name, content, content_type)})
        assert response.status_code == 200, (name, content[:20], response.status_code)

    upload()
    assert len(sent) >= UPLOAD_EXAMPLES
    meeting = Meeting.objects.get(pk=meeting.pk)
    assert not meeting.attendance_scan and not meeting.attendance_sheet
    assert AuditEntry.objects.count() == audits
    assert not any(p.is_file() for p in settings_media.rglob("*")) \
        if settings_media.exists() else True


@pytest.fixture
def settings_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
