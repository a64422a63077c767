"""The open datasets of the network: `services` (each service as its latest
change left it) and `service-capacities` (every recorded capacity), with
their entries in the open-data catalogue (LKOD)."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from core import opendata
from network.models import ServiceCategory
from network.services import service_change, service_end
from tests.directory.factories import the_city
from tests.network.factories import make_service, target_group

pytestmark = pytest.mark.django_db

D = datetime.date


def _rows(slug):
    return list(opendata.get(slug).rows())


def test_services_and_capacities(officer):
    service = make_service(actor=officer, name="SAS", capacity="2.5",
                           target_groups=[target_group()])
    service_change(actor=officer, service=service, valid_from=D(2025, 1, 1),
                   capacity_value=Decimal("3"), reason="Navýšení")
    service_end(actor=officer, service=service, network_to=D(2025, 12, 31), reason="Konec")
    make_service(actor=officer, name="Klub", category=ServiceCategory.ACTIVITY, forms=[],
                 capacity=None)
    services = {row["name"]: row for row in _rows("services")}
    sas = services["SAS"]
    assert (sas["register_id"], sas["kind_paragraph"], sas["capacity"], sas["capacity_unit"],
            sas["forms"], sas["target_groups"], sas["network_to"]) == (
        service.register_id, "65", "3.00", "uvazky", "outpatient;field", target_group().name,
        "2025-12-31")
    assert sas["url"] == service.get_absolute_url()
    assert services["Klub"]["category"] == "activity" and services["Klub"]["capacity"] is None
    capacities = [(r["valid_from"], r["valid_to"], r["capacity"]) for r in
                  _rows("service-capacities") if r["name"] == "SAS"]
    assert capacities == [("2024-01-01", "2025-01-01", "2.50"),
                          ("2025-01-01", "2026-01-01", "3.00")]
    development = [(r["year"], r["capacity_added"], r["capacity_removed"], r["entries"],
                    r["exits"]) for r in _rows("network-development") if r["kind"].startswith("§")]
    assert development == [(2024, "2.50", "0", 1, 0), (2025, "0.50", "0", 0, 0),
                           (2026, "0", "3.00", 0, 1)]
    for row in _rows("services") + _rows("service-capacities"):
        for value in row.values():
            assert value is None or "None" not in str(value)


@pytest.mark.parametrize("slug", ["services", "service-capacities", "network-development"])
def test_downloads_and_catalogue(client, officer, slug):
    make_service(actor=officer)
    response = client.get(reverse("core:dataset_csv", args=[slug]))
    assert response.status_code == 200
    content = b"".join(response.streaming_content if response.streaming else [response.content])
    header = next(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert header == opendata.get(slug).column_names()
    assert slug in [d.slug for d in client.get(reverse("core:data_catalogue")).context["datasets"]]
    entry = client.get(reverse("core:lkod_dataset", args=[slug]))
    assert entry.status_code == 200, entry.status_code
    assert slug in entry.content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_committed_change_of_the_network_is_in_the_next_download(client, officer):
    """The dataset files are kept per version of the data: a change of a
    service must move that version on, or the old file is served."""
    the_city()
    service = make_service(actor=officer, name="SAS", capacity="2.5")

    def capacity():
        response = client.get(reverse("core:dataset_csv", args=["services"]))
        content = b"".join(response.streaming_content if response.streaming
                           else [response.content])
        rows = csv.DictReader(io.StringIO(content.decode("utf-8-sig")))
        return next(row["capacity"] for row in rows if row["name"] == "SAS")

    assert capacity() == "2.50"
    service_change(actor=officer, service=service, valid_from=D(2025, 1, 1),
                   capacity_value=Decimal("3"), reason="Navýšení")
    assert capacity() == "3.00"
