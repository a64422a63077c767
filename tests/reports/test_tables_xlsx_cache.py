"""The report's tables as XLSX are written once per version of the data
(core.opendata.serve_generated): ETag, 304, and the next request after a
change shows it."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from planning.models import PlanStatus
from tests.indicators.factories import IndicatorFactory
from tests.planning.factories import PlanFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _cells(response):
    workbook = _sheets(response)
    return {str(cell) for sheet in workbook for row in sheet.iter_rows(values_only=True)
            for cell in row if cell is not None}


def _sheets(response):
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)


def test_tables_are_kept_until_the_data_changes(client, django_assert_max_num_queries):
    plan = PlanFactory(code="psz", status=PlanStatus.IN_FORCE)
    url = reverse("reports:plan_tables_xlsx", args=[plan.code])
    first = client.get(url)
    assert first.status_code == 200
    assert first["Content-Disposition"] == 'attachment; filename="psz-tables.xlsx"'
    etag = first["ETag"]
    assert _sheets(first).sheetnames
    with django_assert_max_num_queries(3):  # the plan, the city (if not cached), the version
        assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert "G99" not in _cells(first_again := client.get(url))
    assert first_again["ETag"] == etag
    IndicatorFactory(code="G99", name="Nový globální indikátor", plans=[plan])
    changed = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert "G99" in _cells(changed)


def test_a_draft_plans_tables_stay_hidden_from_visitors(client):
    plan = PlanFactory(code="navrh", status=PlanStatus.DRAFT)
    assert client.get(reverse("reports:plan_tables_xlsx", args=[plan.code])).status_code == 404
