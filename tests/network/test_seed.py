"""The network of seed_demo: at least 30 services of several kinds from the
seeds' organisations, the invented figures marked as illustrative, a second
run changing nothing."""

from io import StringIO

import pytest
from django.core.management import call_command

from core.models import AuditEntry
from network.models import Service, ServiceCategory, ServiceVersion
from network.selectors import network_as_of
from tests.shared_db import DEMO, module_rows, seed_demo

pytestmark = pytest.mark.django_db

_seeded_once = module_rows(lambda: seed_demo(*DEMO))


def test_the_demo_network(_seeded_once):
    services = Service.objects.services()
    assert services.count() >= 30
    assert services.values("kind").distinct().count() >= 10
    assert Service.objects.activities().exists()
    assert not ServiceVersion.objects.exclude(note__contains="ilustrativní").exists()
    assert ServiceVersion.objects.filter(valid_to__isnull=False).exists()
    assert Service.objects.filter(network_to__isnull=False).exists()
    assert network_as_of().filter(service__category=ServiceCategory.SERVICE).count() >= 30


def test_the_demo_update_requests(_seeded_once):
    import datetime

    from network.models import RequestState, UpdateRequest
    from network.selectors import development

    states = set(UpdateRequest.objects.values_list("state", flat=True))
    assert states == {RequestState.APPROVED, RequestState.REJECTED, RequestState.IN_DECISION,
                      RequestState.SUBMITTED}
    assert not UpdateRequest.objects.exclude(reasoning__contains="ilustrativní").exists()
    crisis = UpdateRequest.objects.get(service__register_id="9100704")
    assert network_as_of(datetime.date(2026, 1, 1)).get(
        service=crisis.service).capacity_value == crisis.approved_value
    city = crisis.city
    assert any(row.added for row in development(city, 2026))


def test_a_second_run_changes_nothing(_seeded_once):
    from network.models import UpdateRequest

    before = (Service.objects.count(), ServiceVersion.objects.count(),
              AuditEntry.objects.count(), UpdateRequest.objects.count())
    call_command("seed_demo", "--without-accounts", "--only", "network", stdout=StringIO())
    assert (Service.objects.count(), ServiceVersion.objects.count(),
            AuditEntry.objects.count(), UpdateRequest.objects.count()) == before


def test_the_demo_network_round_trips_through_its_workbook(_seeded_once, officer):
    from django.utils import translation

    from directory.selectors import current_city
    from network.imports import NETWORK_IMPORTER, export_rows, network_xlsx_bytes

    with translation.override("cs"):
        content = network_xlsx_bytes(export_rows(current_city()))
        preview = NETWORK_IMPORTER.preview(content, actor=officer)
    assert preview.errors == []
    assert preview.counts["unchanged"] == Service.objects.count() and not preview.to_apply
