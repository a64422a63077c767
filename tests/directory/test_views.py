import pytest
from django.urls import reverse

from core.models import AuditEntry
from directory.models import BodyStatus, Organisation, WorkingGroup
from tests.directory.factories import OrganisationFactory, PersonFactory

pytestmark = pytest.mark.django_db


def _group_post(group, **overrides):
    data = {
        "version": group.version,
        "kind": group.kind,
        "name": group.name,
        "code": group.code,
        "manager": group.manager_id or "",
        "contact_person": group.contact_person_id or "",
        "status": group.status,
        "target_group_description": group.target_group_description,
        "needs_text": "",
    }
    data.update(overrides)
    return data


def test_officer_edits_a_group_and_the_change_is_audited(client, officer, group_a):
    client.force_login(officer)
    response = client.post(
        reverse("directory:group_update", args=[group_a.code]),
        _group_post(group_a, target_group_description="Rodiny s dětmi v Ostravě",
                    needs_text="zajistit krizová lůžka\nzvýšit finanční gramotnost"),
    )
    assert response.status_code == 302
    page = client.get(reverse("directory:group_detail", args=[group_a.code]))
    assert "Rodiny s dětmi v Ostravě" in page.text
    assert "zvýšit finanční gramotnost" in page.text
    assert AuditEntry.objects.filter(actor=officer, object_id=str(group_a.pk)).exists()


def test_manager_form_shows_only_the_fields_a_manager_may_edit(client, manager_a, group_a):
    client.force_login(manager_a)
    form = client.get(reverse("directory:group_update", args=[group_a.code])).context["form"]
    assert set(form.fields) == {"version", "target_group_description", "needs_text"}


def test_manager_cannot_set_officer_fields_by_crafting_the_post(client, manager_a, group_a):
    intruder = PersonFactory()
    client.force_login(manager_a)
    response = client.post(
        reverse("directory:group_update", args=[group_a.code]),
        _group_post(group_a, manager=intruder.pk, contact_person=intruder.pk,
                    status=BodyStatus.ARCHIVED, name="Převzatá skupina",
                    target_group_description="Nový popis"),
    )
    assert response.status_code == 302
    group_a.refresh_from_db()
    assert group_a.target_group_description == "Nový popis"
    assert group_a.manager_id != intruder.pk
    assert group_a.contact_person_id != intruder.pk
    assert group_a.status == BodyStatus.ACTIVE
    assert group_a.name == "Skupina A"


def test_stale_group_form_is_refused_with_what_the_other_person_changed(
    client, officer, administrator, group_a
):
    stale_version = group_a.version
    client.force_login(administrator)
    client.post(reverse("directory:group_update", args=[group_a.code]),
                _group_post(group_a, target_group_description="Správce byl první"))
    client.force_login(officer)
    response = client.post(
        reverse("directory:group_update", args=[group_a.code]),
        _group_post(group_a, version=stale_version, target_group_description="Úředník přepisuje"),
    )
    assert response.status_code == 409
    assert "Správce byl první" in response.text  # the other person's change is shown
    group_a.refresh_from_db()
    assert group_a.target_group_description == "Správce byl první"


def test_bad_ico_gets_a_czech_message_naming_the_field_and_saves_nothing(client, officer):
    client.force_login(officer)
    response = client.post(reverse("directory:organisation_create"), {
        "name": "Nová organizace", "kind": "ngo", "ico": "12345678",
    })
    assert response.status_code == 200
    assert "IČO" in response.text
    assert "kontrolní" in response.text  # Czech checksum message
    assert not Organisation.objects.filter(name="Nová organizace").exists()


def test_membership_change_through_the_form_keeps_history(client, manager_a, group_a):
    from directory.services import membership_start

    org = OrganisationFactory(name="HOST")
    old = membership_start(actor=manager_a, body=group_a, organisation=org, member=PersonFactory())
    newcomer = PersonFactory(family_name="Procházková")
    client.force_login(manager_a)
    response = client.post(
        reverse("directory:membership_change", args=[group_a.code, old.pk]),
        {"on": "2025-01-16", "member": newcomer.pk, "substitute": "",
         "source": "Zápis 16. 1. 2025"},
    )
    assert response.status_code == 302
    page = client.get(reverse("directory:group_detail", args=[group_a.code]))
    history = page.context["membership_history"]
    assert [m.pk for m in history] == [old.pk]
    assert any(m.member == newcomer for m in page.context["current_memberships"])


def test_list_exports_neutralise_formulas(client, officer):
    OrganisationFactory(name="=HYPERLINK(\"http://zlo.example\")")
    client.force_login(officer)
    csv_text = client.get(reverse("directory:organisation_list") + "?export=csv").content.decode()
    assert "'=HYPERLINK" in csv_text
    assert "\n=HYPERLINK" not in csv_text
    xlsx = client.get(reverse("directory:organisation_list") + "?export=xlsx")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    import io

    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    names = [row[0].value for row in sheet.iter_rows(min_row=2)]
    assert "'=HYPERLINK(\"http://zlo.example\")" in names


def test_list_filter_and_export_agree(client):
    OrganisationFactory(name="Slezská diakonie", kind="ngo")
    OrganisationFactory(name="Městský obvod Poruba", kind="city_district")
    response = client.get(reverse("directory:organisation_list") + "?kind=city_district")
    assert "Městský obvod Poruba" in response.text
    assert "Slezská diakonie" not in response.text
    exported = client.get(reverse("directory:organisation_list") + "?kind=city_district&export=csv")
    assert "Městský obvod Poruba" in exported.content.decode()
    assert "Slezská diakonie" not in exported.content.decode()


def test_group_page_hides_member_contacts_from_the_public(client, group_a, member_a):
    seat = group_a.memberships.first()
    page = client.get(reverse("directory:group_detail", args=[group_a.code]))
    assert seat.organisation.name in page.text
    assert seat.member.family_name not in page.text
    client.force_login(member_a)
    page = client.get(reverse("directory:group_detail", args=[group_a.code]))
    assert seat.member.family_name in page.text


def test_officer_creates_a_group(client, officer):
    client.force_login(officer)
    response = client.post(reverse("directory:group_create"), {
        "kind": "working_group", "name": "Senioři", "code": "SEN", "status": "active",
        "needs_text": "dostupná pečovatelská služba",
    })
    assert response.status_code == 302
    group = WorkingGroup.objects.get(code="SEN")
    assert [n.text for n in group.needs.all()] == ["dostupná pečovatelská služba"]


@pytest.mark.parametrize("who", ["anonymous", "officer"])
def test_a_group_without_members_has_a_row_as_wide_as_its_table(client, who, officer):
    import re

    from tests.directory.factories import WorkingGroupFactory

    group = WorkingGroupFactory(code="PRAZDNA")
    if who == "officer":
        client.force_login(officer)
    page = client.get(reverse("directory:group_detail", args=[group.code])).content.decode()
    table = page[page.index('<table class="members">'):]
    table = table[:table.index("</table>")]
    columns = len(re.findall(r"<th scope=\"col\"", table))
    assert f'colspan="{columns}"' in table
