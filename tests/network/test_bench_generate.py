"""bench.generate multiplies the network with what its pages read: the
disproportion check and the yearly evaluation compare the copies too."""

import pytest

from bench.generate import multiply
from network.indicator_models import IndicatorValue, ServiceFunding
from network.indicator_services import funding_record

from .factories import make_indicator_value, make_service

pytestmark = pytest.mark.django_db


def test_copies_of_a_service_carry_its_values_and_funding():
    service = make_service()
    make_indicator_value(service=service, value="40")
    funding_record(actor=None, service=service, year=2024, source="city", amount=1000)
    multiply(3)
    values = IndicatorValue.objects.order_by("pk")
    assert values.count() == 3
    assert len({value.service_id for value in values}) == 3
    assert len({value.value for value in values}) == 1
    assert ServiceFunding.objects.count() == 3
    assert len(set(ServiceFunding.objects.values_list("service_id", flat=True))) == 3
