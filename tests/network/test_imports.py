"""The network workbook: errors naming the row and column in Czech, nothing
saved while a row has one, changes recorded from their day, and export →
import changing nothing."""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook

from core.imports.services import import_file
from core.models import AuditEntry
from directory.models import City
from network.imports import COLUMNS, NETWORK_IMPORTER, SHEET_TITLE, export_rows, network_xlsx_bytes
from network.models import Service, ServiceVersion
from tests.directory.factories import OrganisationFactory
from tests.network.factories import make_service, target_group

pytestmark = pytest.mark.django_db

D = datetime.date
HEADER = [c.header for c in COLUMNS]


@pytest.fixture(autouse=True)
def czech():
    with translation.override("cs"):
        yield


def workbook(rows):
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET_TITLE
    sheet.append(HEADER)
    for row in rows:
        sheet.append([row.get(header) for header in HEADER])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _import(officer, content):
    return import_file(importer=NETWORK_IMPORTER, actor=officer, content=content)


@pytest.fixture
def provider():
    return OrganisationFactory(name="Spolu pro rodinu, z.s.", ico="26593548")


def _row(**values):
    row = {"Kategorie": "sociální služba", "Identifikátor": "1234567",
           "Název": "SAS pro rodiny", "Poskytovatel": "Spolu pro rodinu, z.s.",
           "Druh (§)": "§ 65", "Formy": "ambulantní; terénní",
           "Cílové skupiny": "rodiny s dítětem/dětmi", "Kapacita": "2,5",
           "Jednotka": "úvazky", "V síti od": "1. 1. 2024"}
    row.update(values)
    return row


def test_a_new_service_is_imported(officer, provider):
    preview = _import(officer, workbook([_row()]))
    assert preview.errors == []
    service = Service.objects.get(register_id="1234567")
    version = service.versions.get()
    assert (service.provider, service.kind.paragraph, version.capacity_value) == (
        provider, "65", Decimal("2.5"))
    assert [f.value for f in version.forms] == ["outpatient", "field"]
    assert list(version.target_groups.all()) == [target_group()]
    assert AuditEntry.objects.filter(object_id=str(service.pk), actor=officer).exists()


def test_errors_name_row_and_column_and_nothing_is_saved(officer, provider):
    preview = _import(officer, workbook([
        _row(),
        _row(**{"Identifikátor": "12345", "Název": "Jiná"}),
        _row(**{"Identifikátor": "7654321", "Druh (§)": "99", "Poskytovatel": "Neznámá"}),
        _row(**{"Identifikátor": "1234567"}),
        _row(**{"Identifikátor": "7777777", "Jednotka": None, "Formy": "domácí"}),
        _row(**{"Kategorie": "související aktivita", "Identifikátor": "7777778"}),
    ]))
    errors = [str(e) for e in preview.errors]
    assert errors == [
        "Řádek 3, sloupec „Identifikátor“: Identifikátor registru poskytovatelů sociálních "
        "služeb má právě 7 číslic.",
        "Řádek 4, sloupec „Druh (§)“: Žádný druh služby nemá paragraf „99“.",
        "Řádek 4, sloupec „Poskytovatel“: Žádná organizace adresáře se nejmenuje „Neznámá“.",
        "Řádek 5, sloupec „Identifikátor“: Stejná služba je na řádku 2.",
        errors[4],
        "Řádek 6, sloupec „Jednotka“: Kapacitu uveďte i s její jednotkou.",
        "Řádek 7, sloupec „Identifikátor“: Související aktivita nemá identifikátor registru ani "
        "druh služby.",
    ]
    assert errors[4].startswith("Řádek 6, sloupec „Formy“:")
    assert not Service.objects.exists()


def test_a_changed_capacity_is_recorded_from_its_day(officer, provider):
    _import(officer, workbook([_row()]))
    preview = _import(officer, workbook([_row(**{"Kapacita": "3,5"})]))
    assert [str(e) for e in preview.errors] == [
        "Řádek 2, sloupec „Platné od“: Uveďte, od kterého dne změna platí."]
    preview = _import(officer, workbook([_row(**{"Kapacita": "3,5", "Platné od": "1. 7. 2025",
                                                 "V síti do": "31. 12. 2025"})]))
    assert preview.errors == []
    service = Service.objects.get(register_id="1234567")
    assert service.network_to == D(2025, 12, 31)
    assert list(service.versions.order_by("valid_from").values_list(
        "valid_from", "valid_to", "capacity_value")) == [
        (D(2024, 1, 1), D(2025, 7, 1), Decimal("2.50")),
        (D(2025, 7, 1), D(2026, 1, 1), Decimal("3.50"))]


def test_export_then_import_changes_nothing(officer, provider):
    make_service(actor=officer, provider=provider, capacity="2.5",
                 target_groups=[target_group()], note="=ilustrativní", territory_text="Poruba")
    service = make_service(actor=officer, capacity="12")
    from network.services import service_change
    service_change(actor=officer, service=service, valid_from=D(2025, 1, 1),
                   capacity_value=Decimal("13.25"), reason="Navýšení")
    make_service(actor=officer, category="activity", forms=[], capacity=None, name="Klub")
    city = City.objects.first()
    content = network_xlsx_bytes(export_rows(city))
    before = (ServiceVersion.objects.count(), AuditEntry.objects.count())
    preview = NETWORK_IMPORTER.preview(content, actor=officer)
    assert preview.errors == []
    assert preview.counts["unchanged"] == 3 and not preview.to_apply
    assert (ServiceVersion.objects.count(), AuditEntry.objects.count()) == before
    sheet = load_workbook(io.BytesIO(content))[SHEET_TITLE]
    assert sheet.max_row == 4


def test_the_pages(client, officer, provider, import_jobs):
    client.force_login(officer)
    assert client.get(reverse("network:import")).status_code == 200
    template = client.get(reverse("network:import_template"))
    assert template.status_code == 200 and template["Content-Type"].startswith(
        "application/vnd.openxmlformats")
    upload = io.BytesIO(workbook([_row()]))
    upload.name = "sit.xlsx"
    preview = client.post(reverse("network:import"), {"file": upload})
    assert preview.status_code == 200
    assert "Nové služby: 1" in preview.content.decode()
    pending = preview.context["pending"]
    with import_jobs():
        client.post(reverse("network:import_confirm", args=[pending.pk]),
                    {"upload": pending.pk})
    assert Service.objects.filter(register_id="1234567").exists()
    assert client.get(reverse("network:export")).status_code == 200


def test_a_service_changed_after_the_preview_refuses_the_confirm(officer, provider, settings,
                                                                  tmp_path):
    from core.imports.base import ImportChanged
    from core.imports.services import pending_import_confirm, pending_import_preview
    from network.services import service_change

    settings.MEDIA_ROOT = tmp_path
    _import(officer, workbook([_row()]))
    content = workbook([_row(**{"Kapacita": "4", "Platné od": "1. 1. 2026"})])
    preview, pending = pending_import_preview(importer=NETWORK_IMPORTER, actor=officer,
                                              content=content, file_name="sit.xlsx",
                                              session_key="s")
    assert pending is not None and preview.counts["changed"] == 1
    service = Service.objects.get(register_id="1234567")
    service_change(actor=officer, service=service, valid_from=D(2025, 1, 1),
                   capacity_value=Decimal("3"), reason="Mezitím")
    with pytest.raises(ImportChanged):
        pending_import_confirm(importer=NETWORK_IMPORTER, actor=officer, pending_id=pending.pk,
                               session_key="s")
    assert service.versions.count() == 2
