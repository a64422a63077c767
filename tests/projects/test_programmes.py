"""Officers keep the funding programmes and their calls in the portal (issue
15: they were only in the Django admin, which officers cannot enter): a list
with each programme's calls, create and edit forms, every save audited with
the officer, a stale save refused, and nothing saved that would make a
project's published registration number invalid."""

import re

import pytest
from django.urls import reverse

from core.models import AuditEntry
from projects import services
from projects.models import Call, Programme

from .factories import CallFactory, ProgrammeFactory, ProjectFactory, irop

pytestmark = pytest.mark.django_db


def _text(response):
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("\xa0", " ")


def _programme_post(**overrides):
    return {"name": "Operační program Jan Amos Komenský", "short_name": "OP JAK",
            "code": "op-jak", "eu_fund": "esf",
            "registration_number_pattern": r"^CZ\.02\.\d{2}\.\d{2}/\d{2}/\d{2}_\d{3}/\d{7}$",
            "registration_number_example": "CZ.02.02.XX/00/22_001/0000001".replace("XX", "01"),
            "position": "5", **overrides}


def test_the_list_shows_programmes_with_their_calls_and_project_counts(client, officer):
    call = CallFactory()
    ProjectFactory(call=call)
    ProjectFactory(call=call)
    CallFactory(programme=irop(), number="14", published_label="14 IROP")
    client.force_login(officer)

    response = client.get(reverse("projects:programme_list"))

    text = _text(response)
    assert "Operační program Zaměstnanost plus (OPZ+)" in text
    assert "Integrovaný regionální operační program (IROP)" in text
    assert "018 018 OPZ+" in text and "KPSV+ 2" in text
    assert reverse("projects:call_update", args=[call.pk]) in response.content.decode()


def test_the_project_list_links_officers_to_programmes(client, officer):
    client.force_login(officer)
    assert reverse("projects:programme_list") in client.get(
        reverse("projects:list")).content.decode()


def test_an_officer_creates_a_programme_audited(client, officer):
    client.force_login(officer)
    response = client.post(reverse("projects:programme_create"), _programme_post())
    assert response.status_code == 302
    programme = Programme.objects.get(code="op-jak")
    entry = AuditEntry.objects.get(content_type__model="programme", object_id=str(programme.pk))
    assert entry.actor == officer and entry.action == "create"


def test_an_example_that_does_not_match_the_format_is_refused_in_czech(client, officer):
    client.force_login(officer)
    response = client.post(reverse("projects:programme_create"),
                           _programme_post(registration_number_example="CZ.02/1"))
    assert response.status_code == 200
    assert "Příklad neodpovídá formátu registračního čísla." in _text(response)
    assert not Programme.objects.filter(code="op-jak").exists()


def test_an_officer_edits_a_programme_audited_and_a_stale_edit_is_refused(client, officer):
    programme = ProgrammeFactory()
    client.force_login(officer)
    url = reverse("projects:programme_update", args=[programme.pk])
    assert client.get(url).status_code == 200
    data = {"name": programme.name, "short_name": "OPZ plus", "code": programme.code,
            "eu_fund": "esf", "registration_number_pattern": programme.registration_number_pattern,
            "registration_number_example": programme.registration_number_example,
            "position": "0", "version": "1"}

    assert client.post(url, data).status_code == 302

    programme.refresh_from_db()
    assert programme.short_name == "OPZ plus" and programme.version == 2
    entry = AuditEntry.objects.get(content_type__model="programme", action="update")
    assert entry.actor == officer and entry.changes["short_name"] == ["OPZ+", "OPZ plus"]
    assert client.post(url, {**data, "short_name": "X"}).status_code == 409
    programme.refresh_from_db()
    assert programme.short_name == "OPZ plus"


def test_a_format_that_refuses_a_projects_number_is_refused(client, officer):
    project = ProjectFactory()
    programme = project.call.programme
    client.force_login(officer)
    url = reverse("projects:programme_update", args=[programme.pk])
    data = {"name": programme.name, "short_name": programme.short_name, "code": programme.code,
            "eu_fund": "esf", "registration_number_pattern": r"^CZ\.99\.\d+$",
            "registration_number_example": "CZ.99.1", "position": "0", "version": "1"}

    response = client.post(url, data)

    assert response.status_code == 200
    assert project.registration_number in _text(response)
    programme.refresh_from_db()
    assert programme.registration_number_example == "CZ.03.02.01/00/22_018/0001145"
    assert not AuditEntry.objects.filter(content_type__model="programme").exists()


def test_an_officer_adds_a_call_to_a_programme_and_edits_it(client, officer):
    programme = ProgrammeFactory()
    client.force_login(officer)
    create = reverse("projects:call_create")
    page = client.get(create, {"programme": programme.pk})
    assert f'<option value="{programme.pk}" selected>' in page.content.decode()

    response = client.post(create, {"programme": programme.pk, "number": "052",
                                    "published_label": "052 OPZ+", "name": "Sociální bydlení"})

    assert response.status_code == 302
    call = Call.objects.get(number="052")
    assert AuditEntry.objects.filter(content_type__model="call", object_id=str(call.pk),
                                     action="create", actor=officer).exists()
    response = client.post(reverse("projects:call_update", args=[call.pk]), {
        "programme": programme.pk, "number": "052", "published_label": "052 OPZ+",
        "name": "Sociální bydlení II", "initiative": "", "version": "1"})
    assert response.status_code == 302
    call.refresh_from_db()
    assert call.name == "Sociální bydlení II"
    assert AuditEntry.objects.filter(content_type__model="call", action="update",
                                     actor=officer).exists()


def test_a_call_number_used_twice_in_a_programme_is_refused(client, officer):
    call = CallFactory()
    client.force_login(officer)
    response = client.post(reverse("projects:call_create"), {
        "programme": call.programme.pk, "number": call.number})
    assert response.status_code == 200
    assert Call.objects.count() == 1


def test_a_call_with_projects_stays_in_its_programme():
    from django.core.exceptions import ValidationError

    project = ProjectFactory()
    with pytest.raises(ValidationError) as raised:
        services.call_update(actor=None, call=project.call, programme=irop())
    assert "programme" in raised.value.message_dict
    assert Call.objects.get(pk=project.call.pk).programme.code == "opz-plus"


def test_the_list_runs_a_fixed_number_of_queries(client, officer, django_assert_num_queries):
    call = CallFactory()
    ProjectFactory(call=call)
    client.force_login(officer)
    url = reverse("projects:programme_list")
    client.get(url)
    # session, user, the programmes, their calls with the project counts
    with django_assert_num_queries(4):
        client.get(url)
    for n in range(5):
        programme = ProgrammeFactory(code=f"p{n}", name=f"Program {n}")
        for m in range(3):
            CallFactory(programme=programme, number=f"0{m}")
    with django_assert_num_queries(4):
        response = client.get(url)
    assert len(response.context["programmes"]) == 6
