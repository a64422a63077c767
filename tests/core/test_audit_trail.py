"""Officers read the audit trail in the portal (issue 15: it was only in the
Django admin): who changed what and when, filtered by person, kind of
record, record, action and dates, one page at a time, and every matching
entry as CSV or XLSX with formulas neutralised; a fixed number of queries."""

import csv
import io
import re
from datetime import timedelta

import openpyxl
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEntry
from projects import services as project_services
from tests.projects.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db

URL = reverse("core:audit_trail")


def _text(response):
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("\xa0", " ")


def _programme(actor, code, name, **extra):
    return project_services.programme_create(
        actor=actor, code=code, name=name, short_name=code.upper(),
        registration_number_pattern=r"^X\d+$", registration_number_example="X1", **extra)


@pytest.fixture
def trail(officer, implementer_x):
    """An officer's programme, edited later by another officer; an older entry."""
    other = type(officer).objects.create_user(username="druha", first_name="Eva",
                                              last_name="Druhá", is_city_officer=True)
    first = _programme(officer, "opz", "Operační program Zaměstnanost")
    project_services.programme_update(actor=other, programme=first, short_name="OPZ 2014+")
    old = _programme(officer, "irop", "Integrovaný regionální operační program")
    AuditEntry.objects.filter(object_id=str(old.pk), content_type__model="programme") \
        .update(created_at=timezone.now() - timedelta(days=400))
    return {"officer": officer, "other": other, "first": first, "old": old}


def test_the_officer_reads_who_changed_what_and_when(client, trail):
    client.force_login(trail["officer"])
    response = client.get(URL)
    assert response.status_code == 200
    text = _text(response)
    assert "Eva Druhá" in text
    assert "Zkratka: OPZ → OPZ 2014+" in text
    kinds = {row.get_cell("kind") for row in response.context["table"].rows}
    assert kinds == {"Operační program"}  # the kind of record, in Czech
    assert "Operační program Zaměstnanost" in text


def test_the_navigation_links_officers_to_the_audit_trail(client, officer, implementer_x):
    client.force_login(officer)
    assert URL in client.get(reverse("projects:list")).content.decode()
    client.force_login(implementer_x)
    assert URL not in client.get(reverse("projects:list")).content.decode()


def test_the_downloads_are_refused_to_others(client, trail, implementer_x):
    client.force_login(implementer_x)
    assert client.get(URL, {"export": "csv"}).status_code == 403
    client.logout()
    response = client.get(URL, {"export": "xlsx"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_person_autocomplete_answers_officers_only(client, trail, implementer_x):
    url = reverse("core:autocomplete", args=["users"])
    client.force_login(trail["officer"])
    response = client.get(url, {"q": "druh"})
    assert response.status_code == 200 and "Eva Druhá (druha)" in response.content.decode()
    client.force_login(implementer_x)
    assert client.get(url, {"q": "druh"}).status_code in (403, 404)


def _rows(response):
    return list(response.context["table"].page.object_list.data)


def test_filter_by_person(client, trail):
    client.force_login(trail["officer"])
    rows = _rows(client.get(URL, {"actor": trail["other"].pk}))
    assert [(r.actor, r.action) for r in rows] == [(trail["other"], "update")]
    # without JavaScript, the person is typed by username
    rows = _rows(client.get(URL, {"actor": "druha"}))
    assert [r.actor for r in rows] == [trail["other"]]


def test_filter_by_kind_and_record(client, trail):
    client.force_login(trail["officer"])
    rows = _rows(client.get(URL, {"kind": "projects.programme",
                                  "object_id": str(trail["first"].pk)}))
    assert {r.object_id for r in rows} == {str(trail["first"].pk)}
    assert len(rows) == 2
    rows = _rows(client.get(URL, {"kind": "projects.call"}))
    assert rows == []
    rows = _rows(client.get(URL, {"q": "regionální"}))
    assert {r.object_id for r in rows} == {str(trail["old"].pk)}


def test_filter_by_date_range(client, trail):
    client.force_login(trail["officer"])
    today = timezone.localdate()
    rows = _rows(client.get(URL, {"date_from": (today - timedelta(days=1)).isoformat(),
                                  "kind": "projects.programme"}))
    assert str(trail["old"].pk) not in {r.object_id for r in rows}
    rows = _rows(client.get(URL, {"date_to": (today - timedelta(days=300)).isoformat(),
                                  "kind": "projects.programme"}))
    assert [r.object_id for r in rows] == [str(trail["old"].pk)]


def test_a_bad_filter_shows_a_czech_error_and_no_rows(client, trail):
    client.force_login(trail["officer"])
    response = client.get(URL, {"date_from": "31. 2. 2025", "actor": "nikdo"})
    assert response.status_code == 200
    text = _text(response)
    assert "nic s názvem „nikdo“" in text or "nikdo" in text
    assert _rows(response) == []


def test_the_trail_is_paginated(client, officer):
    for n in range(settings.LIST_PAGE_SIZE + 3):
        _programme(officer, f"p{n}", f"Program {n}")
    client.force_login(officer)
    first = client.get(URL)
    assert len(_rows(first)) == settings.LIST_PAGE_SIZE
    second = client.get(URL, {"page": 2})
    assert len(_rows(second)) == 3


def test_the_export_holds_every_matching_entry_with_formulas_neutralised(client, officer):
    _programme(officer, "f", "=HYPERLINK(\"http://zlo.example\")")
    for n in range(settings.LIST_PAGE_SIZE + 2):
        _programme(officer, f"p{n}", f"Program {n}")
    client.force_login(officer)

    response = client.get(URL, {"export": "csv", "kind": "projects.programme"})

    assert response["Content-Disposition"] == 'attachment; filename="audit-trail.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:5] == ["Kdy", "Kdo", "Akce", "Druh záznamu", "Záznam"]
    assert len(rows) == 1 + settings.LIST_PAGE_SIZE + 3
    names = [row[4] for row in rows[1:]]
    assert "'=HYPERLINK(\"http://zlo.example\")" in names
    assert not any(name.startswith("=") for name in names)

    response = client.get(URL, {"export": "xlsx", "kind": "projects.programme"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    cells = [row[4] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "'=HYPERLINK(\"http://zlo.example\")" in cells
    assert sheet.max_row == 1 + settings.LIST_PAGE_SIZE + 3


def test_the_trail_runs_a_fixed_number_of_queries(client, officer, django_assert_num_queries):
    ProgrammeFactory()
    for n in range(3):
        _programme(officer, f"p{n}", f"Program {n}")
    client.force_login(officer)
    client.get(URL)
    # session, user, the count, the page of entries with who and the kind of record
    with django_assert_num_queries(4):
        client.get(URL)
    for n in range(3, 40):
        _programme(officer, f"p{n}", f"Program {n}")
    with django_assert_num_queries(4):
        response = client.get(URL)
    assert response.context["table"].page.paginator.count == 40
    # a filter by person: the person read for the filter and for its field's label
    with django_assert_num_queries(6):
        client.get(URL, {"actor": officer.pk})


def test_changes_of_rows_below_a_record_are_named_in_czech(client, officer):
    from planning.services import plans as plan_services
    from tests.planning.factories import PlanFactory, PlanItemFactory

    item = PlanItemFactory(plan=PlanFactory(code="psz"), code="1", title="Bydlení")
    plan_services.plan_item_delete(actor=officer, item=item)
    client.force_login(officer)
    response = client.get(URL, {"kind": "planning.planitem"})
    text = _text(response)
    assert "Položky: 1 Bydlení → –" in text
    assert "Items" not in text and "items:" not in text
