"""Property-based posts to every form of the meetings app, and malformed files
to the attendance-scan upload: never a 500; a refused form saves nothing."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from core.models import AuditEntry
from meetings.models import Meeting
from tests import roles
from tests.clients import SignedIn
from tests.directory.factories import the_city
from tests.fuzz import fuzz_form
from tests.shared_db import module_rows

from .factories import MeetingFactory

pytestmark = pytest.mark.fuzz

# url name[/part] -> (args builder, keys the view reads outside its form); the
# form's fields come from the rendered form (tests/fuzz.py)
FORMS = {
    "create": (lambda w: [], ()),
    "update": (lambda w: [w["meeting"].pk], ()),
    "part_create/programme": (lambda w: [w["meeting"].pk, "programme"], ()),
    "part_create/attendance": (lambda w: [w["meeting"].pk, "attendance"], ()),
    "part_create/item": (lambda w: [w["meeting"].pk, "item"], ()),
    "part_create/task": (lambda w: [w["meeting"].pk, "task"], ()),
    "part_update/item": (lambda w: [w["meeting"].pk, "item", w["item"].pk], ()),
    "part_update/task": (lambda w: [w["meeting"].pk, "task", w["task"].pk], ()),
    "membership_change": (lambda w: [w["meeting"].pk], ()),
    "next": (lambda w: [w["meeting"].pk], ()),
    "task_status": (lambda w: [w["meeting"].pk, w["task"].pk], ()),
    "review": (lambda w: [w["submitted"].pk], ()),
    "amend": (lambda w: [w["published"].pk], ("action",)),
    "event_create": (lambda w: [], ()),
    "event_update": (lambda w: [w["event"].pk], ()),
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


def _build_world():
    """The meetings the forms are posted to and the officer posting, built
    once for the module (tests/shared_db.py): each test runs in a savepoint
    inside these rows."""
    from meetings.models import Event

    the_city()
    group_a = roles.make_group_a()
    meeting = MeetingFactory.with_minutes(body=group_a)
    return {
        "officer": SignedIn(roles.make_officer()),
        "meeting": meeting, "item": meeting.items.get(), "task": meeting.tasks.get(),
        "submitted": MeetingFactory.with_minutes(body=group_a, minutes_status="submitted"),
        "published": MeetingFactory.with_minutes(body=group_a, minutes_status="published"),
        "event": Event.objects.create(title="Kulatý stůl", starts_on="2023-11-01"),
    }


world = module_rows(_build_world)


@pytest.mark.django_db
@pytest.mark.parametrize("form", sorted(FORMS))
def test_no_input_makes_a_form_fail_or_half_save(client, world, form):
    args, extra_fields = FORMS[form]
    name = form.split("/")[0]
    url = reverse(f"meetings:{name}", args=args(world))
    world["officer"].sign_in(client)

    fuzz_form(client, url, values, app_labels={"meetings", "directory", "planning"}, label=form,
              extra_fields=extra_fields, save_must_change=False)


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
    assert len(sent) >= settings.default.max_examples
    meeting = Meeting.objects.get(pk=meeting.pk)
    assert not meeting.attendance_scan and not meeting.attendance_sheet
    assert AuditEntry.objects.count() == audits
    assert not any(p.is_file() for p in settings_media.rglob("*")) \
        if settings_media.exists() else True


@pytest.fixture
def settings_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
