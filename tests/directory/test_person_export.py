"""Everything held about a person (GDPR art. 15/20): `manage.py export_person`
and the administrator's action write one JSON document and the files that
name them, in a zip."""

import io
import json
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from core.audit import audit_entries_for
from core.models import AuditEntry
from directory import services as directory_services
from meetings.models import Attendance, Meeting, Task
from planning.services import comments as comment_services
from tests.accounts.factories import UserFactory
from tests.directory.factories import MembershipFactory, WorkingGroupFactory
from tests.meetings.factories import MeetingFactory
from tests.planning.factories import PlanFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def member():
    """A group member who attended a meeting (signed its attendance sheet),
    owns a task, commented on a plan and edited something with their account."""
    group = WorkingGroupFactory()
    seat = MembershipFactory(body=group)
    person = seat.member
    directory_services.person_update(actor=None, person=person, email="clen@example.org",
                                     phone="+420 111 222 333")
    user = UserFactory(username="clen", person=person)
    meeting = MeetingFactory(body=group)
    meeting.attendance_scan.save("listina.pdf", ContentFile(b"%PDF-1.4 podpisy"), save=False)
    Meeting.objects.filter(pk=meeting.pk).update(attendance_scan=meeting.attendance_scan.name)
    Attendance.objects.create(meeting=meeting, person=person)
    Task.objects.create(meeting=meeting, description="Připravit podklady", owner_person=person)
    comment_services.comment_create(plan=PlanFactory(status="public_comment"),
                                    text="Připomínka", author_email="CLEN@example.org")
    other = WorkingGroupFactory()
    directory_services.working_group_update(actor=user, group=other, name="Přejmenovaná")
    return {"person": person, "user": user, "seat": seat, "meeting": meeting}


def _read(path_or_bytes):
    source = io.BytesIO(path_or_bytes) if isinstance(path_or_bytes, bytes) else path_or_bytes
    with zipfile.ZipFile(source) as archive:
        return json.loads(archive.read("person.json")), set(archive.namelist())


def test_the_export_holds_every_record_and_file_that_names_the_person(member, tmp_path):
    target = tmp_path / "clen.zip"

    call_command("export_person", str(member["person"].pk), str(target), stdout=io.StringIO())

    document, names = _read(target)
    assert document["person"]["fields"]["email"] == "clen@example.org"
    assert document["user"]["fields"]["username"] == "clen"
    assert "password" not in document["user"]["fields"]
    records = document["records"]
    assert [r["id"] for r in records["directory.Membership"]] == [member["seat"].pk]
    assert records["meetings.Attendance"][0]["fields"]["meeting_id"] == member["meeting"].pk
    assert records["meetings.Task"][0]["fields"]["description"] == "Připravit podklady"
    assert records["planning.PlanComment"][0]["fields"]["text"] == "Připomínka"
    made = records["core.AuditEntry"]
    assert any(e["fields"]["object_repr"] == "Přejmenovaná" for e in made)
    assert document["audit_about"]  # the person's own history
    stored = member["meeting"].attendance_scan.name.rsplit("/", 1)[-1]  # listina[_xyz].pdf
    assert stored.startswith("listina")
    scan = f"attendance-{member['meeting'].pk}-{stored}"
    assert document["files"] == [scan]
    assert f"files/{scan}" in names
    assert audit_entries_for(member["person"]).first().message == "Osobní údaje byly exportovány."


def test_a_user_without_a_person_is_exported_by_the_users_id(tmp_path):
    user = UserFactory(username="bez_osoby")
    target = tmp_path / "u.zip"
    call_command("export_person", str(user.pk), str(target), "--user", stdout=io.StringIO())
    document, _names = _read(target)
    assert document["person"] is None and document["user"]["fields"]["username"] == "bez_osoby"


def test_an_unknown_id_is_refused_and_changes_nothing(tmp_path):
    target = tmp_path / "nikdo.zip"
    before = AuditEntry.objects.count()
    with pytest.raises(CommandError, match="No person with id 999999") as error:
        call_command("export_person", "999999", str(target))
    assert "Nothing was written" in str(error.value)
    assert not target.exists() and AuditEntry.objects.count() == before


def test_the_unknown_id_exits_with_status_1(tmp_path, capsys):
    from django.core.management import execute_from_command_line

    with pytest.raises(SystemExit) as exit_info:
        execute_from_command_line(["manage.py", "export_person", "999999",
                                   str(tmp_path / "x.zip")])
    assert exit_info.value.code == 1
    assert "No person with id 999999" in capsys.readouterr().err


def test_the_administrator_downloads_the_same_export(client, administrator, member):
    client.force_login(administrator)
    detail = client.get(reverse("directory:person_detail", args=[member["person"].pk]))
    url = reverse("directory:person_export", args=[member["person"].pk])
    assert f'href="{url}"' in detail.content.decode()

    response = client.get(url)

    assert response["Content-Type"] == "application/zip"
    document, names = _read(response.content)
    assert "meetings.Attendance" in document["records"] and len(names) == 2
    entry = audit_entries_for(member["person"]).first()
    assert entry.actor == administrator and entry.message == "Osobní údaje byly exportovány."


def test_the_administrator_gets_a_czech_message_for_an_unknown_person(client, administrator):
    client.force_login(administrator)
    before = AuditEntry.objects.count()

    response = client.get(reverse("directory:person_export", args=[999999]))

    assert response.status_code == 404
    assert "Osoba s číslem 999999 v adresáři není; nic nebylo exportováno." in (
        response.content.decode())
    assert AuditEntry.objects.count() == before


def test_an_officer_sees_no_export_action(client, officer, member):
    client.force_login(officer)
    detail = client.get(reverse("directory:person_detail", args=[member["person"].pk]))
    assert "/export/" not in detail.content.decode()
    assert client.get(reverse("directory:person_export",
                              args=[member["person"].pk])).status_code == 403


def test_the_export_holds_the_requests_to_fix_accessibility_they_sent_or_answered(member,
                                                                                  administrator):
    """A request has no link to the directory: it is the person's when sent
    with their address (any case), by their signed-in account, or answered
    by their account; another person's request is not in it."""
    from directory import accessibility, personal_data
    from directory.models import City

    city = City.objects.get()
    by_email = accessibility.request_submit(city=city, text="Graf nemá popis",
                                            name="Člen", email="CLEN@example.org")
    signed_in = accessibility.request_submit(actor=member["user"], city=city,
                                             text="Tabulka bez záhlaví")
    others = accessibility.request_submit(city=city, text="Cizí podnět", email="jiny@example.org")
    member["user"].is_superuser = True
    member["user"].save()
    accessibility.request_answer(actor=member["user"], request=others, answer="Opraveno.")

    document, _names = _read(personal_data.person_export_bytes(
        actor=None, person=member["person"], user=member["user"]))
    requests = document["records"]["directory.AccessibilityRequest"]
    assert sorted(r["id"] for r in requests) == sorted([by_email.pk, signed_in.pk, others.pk])
    texts = {r["fields"]["text"] for r in requests}
    assert {"Graf nemá popis", "Tabulka bez záhlaví"} <= texts

    # Someone else's export does not hold them.
    stranger, _names = _read(personal_data.person_export_bytes(actor=None,
                                                               user=administrator))
    assert "directory.AccessibilityRequest" not in stranger["records"]
