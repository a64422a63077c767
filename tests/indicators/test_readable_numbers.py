"""Numbers people can read on the indicator pages: decimals never in exponent
form or with four trailing zeros, a target "increase by 10" printed with its
number, and a comparison target without a comparison territory refused as a
form error naming the field, not a database constraint."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from core.models import AuditEntry
from indicators.models import Indicator, TargetKind
from indicators.services import indicator_value_record
from tests.indicators.factories import IndicatorFactory
from tests.indicators.test_indicator_form import _post_data

pytestmark = pytest.mark.django_db


def test_value_history_prints_decimals_as_decimals(client, officer):
    indicator = IndicatorFactory(part_labels=["muži", "ženy"])
    indicator_value_record(
        actor=officer, indicator=indicator, period_kind="year", period_start=date(2024, 1, 1),
        period_end=date(2024, 12, 31), period_text="2024", value=Decimal("20"),
        parts=[("muži", Decimal("12")), ("ženy", Decimal("8"))])
    # An entry written before plain_number: the value as str(Decimal).
    entry = AuditEntry.objects.filter(object_id=str(indicator.pk)).latest("pk")
    key = next(k for k in entry.changes if k.endswith(": value"))
    entry.changes[key] = [None, "2E+1"]
    entry.save()
    page = client.get(indicator.get_absolute_url()).content.decode()
    assert "2E+1" not in page and "E+" not in page
    assert "12,0000" not in page and "12.0000" not in page
    assert "muži: 12" in page
    with translation.override("cs"):
        changes = AuditEntry.objects.get(pk=entry.pk).readable_changes()
    labels = {label: (old, new) for label, old, new in changes}
    assert labels[key.replace(": value", ": hodnota")] == ("", "20")
    parts = next(v for k, v in labels.items() if k.endswith(": části"))
    assert parts == ("", "muži 12; ženy 8")
    available = next(v for k, v in labels.items() if k.endswith(": k dispozici"))
    assert available == ("", "ano")


def test_a_target_increase_by_ten_prints_its_number(client):
    indicator = IndicatorFactory(target_kind=TargetKind.INCREASE_BY, target_value=Decimal("10"),
                                 target_year=2025)
    page = client.get(indicator.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="cs").content.decode()
    assert "nárůst o 10 (2025)" in page.lower()


def test_a_comparison_target_without_territory_is_a_form_error(client, officer):
    indicator = IndicatorFactory()
    client.force_login(officer)
    data = _post_data(client, indicator, name="Nový název", **{
        "milestones-0-year": 2030, "milestones-0-kind": TargetKind.BELOW_COMPARISON})
    data.pop("comparison_territory", None)
    response = client.post(reverse("indicators:update", args=[indicator.slug]), data,
                           HTTP_ACCEPT_LANGUAGE="cs")
    assert response.status_code == 200
    page = response.content.decode()
    assert "indicator_target" not in page and "constraint" not in page.lower()
    assert "srovnávací území" in page
    indicator.refresh_from_db()
    assert indicator.name != "Nový název"
    assert not Indicator.objects.get(pk=indicator.pk).targets.exists()
