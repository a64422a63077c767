import csv
import io

import pytest
from django.urls import reverse

from tests.directory.factories import MembershipFactory, OrganisationFactory, WorkingGroupFactory

pytestmark = pytest.mark.django_db


def test_catalogue_lists_the_datasets_with_their_columns(client):
    page = client.get(reverse("core:data_catalogue"))
    assert page.status_code == 200
    slugs = [d.slug for d in page.context["datasets"]]
    assert {"organisations", "working-groups"} <= set(slugs)
    assert 'href="/data/organisations.csv"' in page.text
    assert 'href="/data/working-groups.json"' in page.text
    assert "<code>ico</code>" in page.text  # columns are documented


def test_organisations_csv_is_utf8_with_the_documented_header(client):
    OrganisationFactory(name="Diecézní charita ostravsko-opavská", ico="00845451")
    response = client.get("/data/organisations.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))
    assert rows[0]["name"] == "Diecézní charita ostravsko-opavská"
    assert rows[0]["ico"] == "00845451"
    from core.opendata import get

    assert list(rows[0].keys()) == get("organisations").column_names()


def test_working_groups_json_has_rows_and_column_descriptions(client):
    group = WorkingGroupFactory(name="Děti a rodina", code="DaR")
    MembershipFactory(body=group)
    payload = client.get("/data/working-groups.json").json()
    assert payload["dataset"] == "working-groups"
    assert {c["name"] for c in payload["columns"]} >= {"code", "manager", "current_member_count"}
    row = next(r for r in payload["rows"] if r["code"] == "DaR")
    assert row["name"] == "Děti a rodina"
    assert row["current_member_count"] == 1
    assert row["manager"] == group.manager.full_name


def test_unknown_dataset_is_404(client):
    assert client.get("/data/nothing.csv").status_code == 404
