"""Pages of the meetings app: the manager's editing, the contact person's
review, field-level protection, uploads, search and filters."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core import pagecache
from core.models import AuditEntry
from meetings import services
from meetings.models import Meeting, MinutesItem, MinutesStatus, Task

from .factories import MeetingFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_manager_creates_a_meeting_of_their_group_only(client, manager_a, group_a, group_b):
    client.force_login(manager_a)
    url = reverse("meetings:create")
    data = {"body": group_b.pk, "kind": "regular", "status": "planned", "date": "2025-03-20"}
    response = client.post(url, data)
    assert response.status_code == 200 and not Meeting.objects.exists()
    data["body"] = group_a.pk
    data.update(end_date="2025-03-21", start_time="13:00", end_time="15:00",
                place_name="Nová radnice")
    response = client.post(url, data)
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and meeting.body == group_a
    assert meeting.days.count() == 2 and meeting.starts_on == datetime.date(2025, 3, 20)


def test_manager_cannot_set_workflow_fields_by_crafting_a_post(client, manager_a, group_a,
                                                               contact_a):
    from tests.projects.factories import ProjectFactory

    project = ProjectFactory()
    meeting = MeetingFactory.with_minutes(body=group_a)
    client.force_login(manager_a)
    response = client.post(reverse("meetings:update", args=[meeting.pk]), {
        "kind": "thematic", "status": "held", "date": "2025-01-16", "version": meeting.version,
        "minutes_status": "published", "verified_by": contact_a.person.pk,
        "verified_by_text": "Ověřil jsem já", "published_at": "2025-01-20T10:00",
        "funding_project": project.pk, "amendment_open": "on",
    })
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.kind == "thematic"
    assert meeting.minutes_status == MinutesStatus.DRAFT
    assert meeting.verified_by is None and meeting.verified_by_text == ""
    assert meeting.published_at is None and meeting.funding_project is None
    assert not meeting.amendment_open
    # The review (publish) is not theirs either.
    services.minutes_submit(actor=manager_a, meeting=meeting)
    response = client.post(reverse("meetings:review", args=[meeting.pk]),
                           {"decision": "publish"})
    assert response.status_code == 403
    assert Meeting.objects.get(pk=meeting.pk).minutes_status == MinutesStatus.SUBMITTED


def test_contact_person_returns_and_publishes_through_the_page(client, contact_a, group_a):
    meeting = MeetingFactory.with_minutes(body=group_a, minutes_status="submitted")
    client.force_login(contact_a)
    url = reverse("meetings:review", args=[meeting.pk])
    assert client.post(url, {"decision": "return", "comment": ""}).status_code == 200
    assert Meeting.objects.get(pk=meeting.pk).minutes_status == "submitted"
    assert client.post(url, {"decision": "return", "comment": "Chybí úkoly"}).status_code == 302
    assert Meeting.objects.get(pk=meeting.pk).minutes_status == "returned"


def test_item_text_is_sanitised_through_the_form(client, manager_a, group_a):
    meeting = MeetingFactory(body=group_a)
    client.force_login(manager_a)
    response = client.post(reverse("meetings:part_create", args=[meeting.pk, "item"]), {
        "title": "Bod", "text_html": '<p>Ahoj<script>alert(1)</script> <a href="javascript:x()">'
                                     'a</a><img src=x onerror=alert(2)></p>'})
    assert response.status_code == 302
    item = MinutesItem.objects.get()
    assert "script" not in item.text_html and "javascript" not in item.text_html
    assert "onerror" not in item.text_html and "<img" not in item.text_html


def test_attendance_scan_is_checked_by_content(client, manager_a, group_a, media):
    meeting = MeetingFactory(body=group_a)
    client.force_login(manager_a)
    url = reverse("meetings:attendance_sheet", args=[meeting.pk])
    audits = AuditEntry.objects.count()
    fake = SimpleUploadedFile("prezencka.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
    response = client.post(url, {"attendance_sheet": "on", "scan": fake})
    assert response.status_code == 200
    meeting.refresh_from_db()
    assert not meeting.attendance_scan and not meeting.attendance_sheet
    assert AuditEntry.objects.count() == audits
    assert not list(media.rglob("*.*")) if media.exists() else True
    response = client.post(url, {"attendance_sheet": "on",
                                 "scan": SimpleUploadedFile("scan.bin", PDF, "text/plain")})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.attendance_sheet and meeting.attendance_scan.name.endswith(".pdf")
    assert str(media) in meeting.attendance_scan.path
    scan = client.get(reverse("meetings:scan", args=[meeting.pk]))
    assert scan.status_code == 200 and scan["Content-Type"] == "application/pdf"
    assert b"".join(scan.streaming_content) == PDF
    client.logout()
    assert client.get(reverse("meetings:scan", args=[meeting.pk])).status_code == 404


def test_scan_too_large_is_refused(client, manager_a, group_a, media, monkeypatch):
    monkeypatch.setattr(services, "SCAN_MAX_BYTES", 100)
    meeting = MeetingFactory(body=group_a)
    client.force_login(manager_a)
    response = client.post(reverse("meetings:attendance_sheet", args=[meeting.pk]),
                           {"scan": SimpleUploadedFile("a.png", PNG + b"\x00" * 200)})
    assert response.status_code == 200
    assert not Meeting.objects.get(pk=meeting.pk).attendance_scan


def test_membership_change_from_the_minutes_updates_history(client, manager_a, group_a):
    from directory.models import Membership
    from tests.directory.factories import MembershipFactory, PersonFactory

    seat = MembershipFactory(body=group_a)
    new_member = PersonFactory()
    meeting = MeetingFactory(body=group_a)
    client.force_login(manager_a)
    response = client.post(reverse("meetings:membership_change", args=[meeting.pk]), {
        "organisation": seat.organisation.pk, "member": new_member.pk,
        "effective_on": "2025-01-16", "published_text": "změna člena, zástupce zůstává"})
    assert response.status_code == 302
    seats = Membership.objects.filter(body=group_a, organisation=seat.organisation)
    old, new = seats.order_by("pk")
    assert old.valid_to == datetime.date(2025, 1, 16)
    assert new.member == new_member and new.substitute == seat.substitute
    assert meeting.membership_changes.get().membership == new


def test_public_list_search_and_filters(client, group_a, group_b):
    a = MeetingFactory.with_minutes(body=group_a, minutes_status="published")
    MinutesItem.objects.create(meeting=a, position=2, title="Manuál k vykazování ukazatelů",
                               text_html="<p>Zápisem se upřesňuje pololetní zpráva.</p>")
    services.refresh_meeting(a)
    b = MeetingFactory.with_minutes(body=group_b, minutes_status="published",
                                    day=datetime.date(2018, 3, 8))
    hidden = MeetingFactory.with_minutes(body=group_a, day=datetime.date(2025, 2, 2))
    url = reverse("meetings:list")

    def ids(**params):
        pagecache.invalidate()  # the table is read from the render's context
        response = client.get(url, params)
        assert response.status_code == 200
        return {row.record.pk for row in response.context["table"].page.object_list}

    assert ids() == {a.pk, b.pk}
    assert hidden.pk not in ids()
    assert ids(body=group_b.code) == {b.pk}
    assert ids(year=2018) == {b.pk}
    # Czech word forms and accents: "zápis"/"zapisu" find "Zápisem"; "vykazovani" finds
    # "vykazování"; "ukazatel" finds "ukazatelů".
    assert ids(q="zápis") == {a.pk}
    assert ids(q="zapisu") == {a.pk}
    assert ids(q="vykazovani ukazatel") == {a.pk}
    assert ids(q="neexistujícíslovo") == set()
    assert ids(q="&|!:*()'\"") == {a.pk, b.pk}
    assert connection.vendor == "postgresql"


def test_sqlite_fallback_matches_every_stem(group_a):
    from meetings import search

    assert search.query_stems("Zápisu z jednání") == ["zapis", "z", "jednan"]
    assert search.stem("ukazatelů") == "ukazatel" or search.stem(search.normalise("ukazatelů")) \
        == "ukazatel"


def _count(client, url):
    client.get(url)
    pagecache.invalidate()  # the render is counted, not a page-cache hit
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx)


def test_list_and_detail_run_a_fixed_number_of_queries(client, group_a, manager_a):
    first = MeetingFactory.with_minutes(body=group_a, minutes_status="published")
    list_url = reverse("meetings:list")
    detail_url = reverse("meetings:detail", args=[first.pk])
    small = (_count(client, list_url), _count(client, detail_url))
    for n in range(30):
        MeetingFactory.with_minutes(body=group_a, minutes_status="published",
                                    day=datetime.date(2020, 1, 1) + datetime.timedelta(days=n))
    for n in range(30):
        item = MinutesItem.objects.create(meeting=first, position=n + 2, title=f"Bod {n}")
        Task.objects.create(meeting=first, item=item, description=f"Úkol {n}", owner_text="PS")
        first.attendance.create(name_text=f"Organizace {n}")
        first.programme.create(title=f"Program {n}", position=n + 2)
    large = (_count(client, list_url), _count(client, detail_url))
    assert small == large
    # Counted once; the years read once; the body filter is the autocomplete, no choices.
    assert small == (3, 10)
    client.force_login(manager_a)
    draft = MeetingFactory.with_minutes(body=group_a)
    url = reverse("meetings:detail", args=[draft.pk])
    before = _count(client, url)
    for n in range(20):
        item = MinutesItem.objects.create(meeting=draft, position=n + 2, title=f"Bod {n}")
        Task.objects.create(meeting=draft, item=item, description=f"Úkol {n}", owner_text="PS")
    assert _count(client, url) == before
    dashboard = reverse("meetings:dashboard")
    assert _count(client, dashboard) == _count(client, dashboard)


# --- Events: cancel leads back, events can be deleted (#15) -----------------------------


def test_event_edit_cancels_to_the_list_and_an_event_can_be_deleted(officer, client):
    from core.models import AuditAction, AuditEntry
    from meetings.models import Event

    event = Event.objects.create(title="Kulatý stůl k dluhům", starts_on=datetime.date(2025, 3, 1))
    events_url = reverse("meetings:events")
    public = client.get(events_url).content.decode()
    assert "Kulatý stůl k dluhům" in public and f"/events/{event.pk}/" not in public
    client.force_login(officer)
    for url in (reverse("meetings:event_update", args=[event.pk]),
                reverse("meetings:event_create")):
        page = client.get(url).content.decode()
        assert f'href="{events_url}" class="cancel"' in page
        assert "href=\"../\"" not in page
    delete_url = reverse("meetings:event_delete", args=[event.pk])
    assert delete_url in client.get(events_url).content.decode()
    assert "Kulatý stůl k dluhům" in client.get(delete_url).content.decode()
    response = client.post(delete_url)
    assert response.status_code == 302 and response["Location"] == events_url
    assert not Event.objects.filter(pk=event.pk).exists()
    entry = AuditEntry.objects.get(action=AuditAction.DELETE, object_id=str(event.pk),
                                   content_type__model="event")
    assert entry.actor == officer and entry.object_repr == "Kulatý stůl k dluhům"


def test_people_and_organisations_are_typed_not_chosen_from_lists_of_everyone(
        client, manager_a, officer, group_a):
    """The task and membership-change forms name people and organisations of
    the whole city (of a region: thousands) by autocomplete: no list of them
    on the page; an exact name is taken; an officer picks the group so too."""
    from directory.models import Membership
    from tests.directory.factories import MembershipFactory, OrganisationFactory, PersonFactory

    for number in range(30):
        PersonFactory(given_name="Jana", family_name=f"Nováková {number:02}")
        OrganisationFactory(name=f"Spolek {number:02}")
    seat = MembershipFactory(body=group_a)
    meeting = MeetingFactory(body=group_a)
    client.force_login(manager_a)
    for url in (reverse("meetings:membership_change", args=[meeting.pk]),
                reverse("meetings:part_create", args=[meeting.pk, "task"])):
        page = client.get(url).content.decode()
        assert "Spolek 17" not in page and "Nováková 17" not in page, url
    response = client.post(reverse("meetings:membership_change", args=[meeting.pk]), {
        "organisation": "", "organisation__text": seat.organisation.name,
        "member": "", "member__text": "Jana Nováková 17", "effective_on": "2025-01-16"})
    assert response.status_code == 302, response.context["form"].errors
    new = Membership.objects.filter(body=group_a, organisation=seat.organisation).latest("pk")
    assert new.member.family_name == "Nováková 17"
    client.force_login(officer)
    assert "Spolek" not in client.get(reverse("meetings:create")).content.decode()
    assert 'name="body__text"' in client.get(reverse("meetings:create")).content.decode()
