"""The open data as a Frictionless Data Package: on the demo's data the
descriptor and every CSV pass the real validator (frictionless), which reads
each cell with the type its column declares; a cell or a header that breaks
the schema is reported; the descriptor is served like the data files and
lies in the zip beside the CSVs."""

import csv
import io
import json
import zipfile

import pytest
from django.urls import reverse
from frictionless import Package

from core import datapackage, opendata
from directory.models import City
from tests.shared_db import DEMO, module_rows, seed_demo

pytestmark = pytest.mark.django_db

_seeded_once = module_rows(lambda: seed_demo(*DEMO))


@pytest.fixture
def seeded(_seeded_once, db):
    return None


def body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def published(client, seeded, tmp_path):
    """The descriptor and every CSV as /data/ serves them, in one folder."""
    response = client.get(reverse("core:datapackage"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    (tmp_path / "datapackage.json").write_bytes(body(response))
    for dataset in opendata.datasets():
        csv_response = client.get(reverse("core:dataset_csv", args=[dataset.slug]))
        (tmp_path / f"{dataset.slug}.csv").write_bytes(body(csv_response))
    return tmp_path


def validate(folder):
    return Package(str(folder / "datapackage.json")).validate()


def test_the_demo_data_passes_frictionless_with_every_row_read(published):
    report = validate(published)
    assert report.valid, report.flatten(["taskName", "rowNumber", "fieldName", "note"])[:10]
    rows = {task.name: task.stats["rows"] for task in report.tasks}
    assert set(rows) == {d.slug for d in opendata.datasets()}
    for slug, text in ((slug, (published / f"{slug}.csv").read_text("utf-8")) for slug in rows):
        assert rows[slug] == len(list(csv.reader(io.StringIO(text)))) - 1, slug
    # The demo has values of half-years: text in a column whose first rows are years.
    periods = {row["period"] for row in csv.DictReader(
        io.StringIO((published / "indicator-values.csv").read_text("utf-8")))}
    assert any(not period.isdigit() for period in periods)


@pytest.mark.parametrize(("column", "cell", "error"), [
    ("value", "dvanáct", "type-error"),
    ("period_start", "31. 12. 2023", "type-error"),
    ("available", "yes", "type-error"),
])
def test_a_cell_that_breaks_its_columns_type_is_reported(published, column, cell, error):
    path = published / "indicator-values.csv"
    rows = list(csv.reader(io.StringIO(path.read_text("utf-8"))))
    rows[1][rows[0].index(column)] = cell
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), "utf-8")
    report = validate(published)
    assert not report.valid
    assert [(e[0], e[1], e[2]) for e in report.flatten(["type", "rowNumber", "fieldName"])] == [
        (error, 2, column)]


def test_a_header_that_is_not_the_schemas_is_reported(published):
    path = published / "organisations.csv"
    header, rest = path.read_text("utf-8").split("\n", 1)
    path.write_text(header.replace('"name"', '"nazev"', 1) + "\n" + rest, "utf-8")
    report = validate(published)
    assert [e[0] for e in report.flatten(["type"])] == ["incorrect-label"]


def test_each_field_is_a_column_of_the_header_with_its_type(client, seeded):
    descriptor = json.loads(body(client.get(reverse("core:datapackage"))))
    assert descriptor["profile"] == "tabular-data-package"
    assert descriptor["homepage"].endswith(reverse("core:data_catalogue"))
    assert [r["name"] for r in descriptor["resources"]] == [
        d.slug for d in opendata.datasets()]
    # /data/datapackage.json is this file, never a dataset of that name.
    assert opendata.get("datapackage") is None
    for dataset, described in zip(opendata.datasets(), descriptor["resources"], strict=True):
        assert described["path"] == f"{dataset.slug}.csv"
        assert (described["encoding"], described["dialect"]["delimiter"]) == ("utf-8", ",")
        header = next(csv.reader(io.StringIO(body(client.get(
            reverse("core:dataset_csv", args=[dataset.slug]))).decode("utf-8"))))
        fields = described["schema"]["fields"]
        assert [f["name"] for f in fields] == header
        for column, field in zip(dataset.columns, fields, strict=True):
            assert field["type"] == datapackage.FIELD_TYPES[column.type]["type"]
            assert field["description"]


def test_a_field_says_its_unit_its_list_separator_and_how_booleans_are_written():
    amount = datapackage.field(opendata.Column("amount", "decimal", "Amount", unit="CZK"))
    assert (amount["type"], amount["description"]) == ("number", "Amount (CZK)")
    assert datapackage.field(opendata.Column("b", "boolean", "B")) == {
        "name": "b", "type": "boolean", "trueValues": ["ano"], "falseValues": ["ne"],
        "description": "B"}
    listed = datapackage.field(opendata.Column("codes", "list", "Codes"))
    assert listed["type"] == "string" and "„;“" in listed["description"]


def test_the_licence_and_publisher_are_the_city_settings(client, seeded):
    city = City.objects.get()
    city.open_data_licence = "https://creativecommons.org/publicdomain/zero/1.0/"
    city.save()
    descriptor = json.loads(body(client.get(reverse("core:datapackage"))))
    assert descriptor["licenses"] == [{"path": city.open_data_licence,
                                       "title": city.open_data_licence}]
    assert city.full_name  # the demo's city has its official name
    assert descriptor["contributors"] == [{"title": city.full_name, "role": "publisher"}]
    assert descriptor["title"] == f"Otevřená data: {city.full_name}"


def test_without_a_city_the_package_has_no_licence(client, no_city):
    descriptor = json.loads(body(client.get(reverse("core:datapackage"))))
    assert "licenses" not in descriptor and "contributors" not in descriptor
    assert descriptor["title"] == "Otevřená data"


def test_the_zip_holds_the_descriptor_beside_the_csvs(client, seeded, tmp_path):
    archive = zipfile.ZipFile(io.BytesIO(body(client.get(reverse("core:dataset_zip")))))
    archive.extractall(tmp_path)
    assert validate(tmp_path).valid


def test_the_data_page_links_it(client, seeded):
    page = client.get(reverse("core:data_catalogue")).content.decode()
    assert f'href="{reverse("core:datapackage")}"' in page
    assert "Frictionless Data Package" in page
