"""The demo's service indicators: the disproportion check flags exactly the
planted outliers, the values carry the pilot mark of their manual, and the
yearly evaluation counts what the network held that year."""

from datetime import date

import pytest

from directory.selectors import current_city
from network.indicator_models import IndicatorValue, ManualState, ReportingPeriod
from network.indicator_seed import OUTLIERS, outlier_targets
from network.indicator_selectors import (
    disproportion_check,
    flagged_values,
    values_with_capacity,
    yearly_evaluation,
)
from network.models import ServiceCategory
from network.selectors import network_as_of
from tests.shared_db import DEMO, module_rows, seed_demo

pytestmark = pytest.mark.django_db

_demo = module_rows(lambda: seed_demo(*DEMO))


def test_the_check_flags_the_planted_outliers_and_nothing_else(_demo):
    city = current_city()
    planted = set(outlier_targets(city))
    assert len(planted) == len(OUTLIERS) == 2
    found = set()
    for year in (2023, 2024):
        for period in ReportingPeriod:
            found |= {(value.indicator_code, year, period, value.service_id)
                      for value in flagged_values(city=city, year=year, period=period)}
    assert found == planted


def test_groups_of_too_few_services_are_not_checked(_demo):
    groups = disproportion_check(values_with_capacity(city=current_city(), year=2023,
                                                      period=ReportingPeriod.YEAR))
    checked = [group for group in groups if group.checked]
    unchecked = [group for group in groups if not group.checked]
    assert checked and unchecked
    assert all(len(group.comparable) < 4 and not group.flagged for group in unchecked)


def test_demo_values_are_pilot_values(_demo):
    assert IndicatorValue.objects.exists()
    assert not IndicatorValue.objects.filter(pilot=False).exists()
    assert not IndicatorValue.objects.exclude(indicator__manual__state=ManualState.PILOT).exists()


@pytest.mark.parametrize("year", [2023, 2024])
def test_the_yearly_evaluation_counts_the_network_of_the_year(_demo, year):
    city = current_city()
    evaluation = yearly_evaluation(year, city=city)
    in_year = set()
    day = date(year, 1, 1)
    while day.year == year:
        in_year |= {(v.service_id, v.service.category) for v in network_as_of(day, city=city)}
        day = date(year, day.month + 1, 1) if day.month < 12 else date(year + 1, 1, 1)
    # The demo's changes fall on the first of a month, so the months cover the year.
    in_year |= {(v.service_id, v.service.category)
                for v in network_as_of(date(year, 12, 31), city=city)}
    assert evaluation.services == sum(1 for _, c in in_year if c == ServiceCategory.SERVICE)
    assert evaluation.activities == sum(1 for _, c in in_year if c == ServiceCategory.ACTIVITY)
    assert evaluation.service_clients > 0 and evaluation.clients_pilot
    assert evaluation.funding_total == sum(row["amount"] for row in
                                           evaluation.funding_by_provider)
    end_services = sum(row.services_end for row in evaluation.capacities)
    assert end_services == network_as_of(date(year, 12, 31), city=city).filter(
        service__category=ServiceCategory.SERVICE).count()


def test_the_officers_page_shows_the_planted_flag_and_states_the_rule(_demo, client):
    from django.urls import reverse

    from accounts.models import User

    url = reverse("network:disproportions") + "?year=2024&period=year"
    assert client.get(url).status_code == 302  # to the sign-in page: never public
    client.force_login(User.objects.filter(is_city_officer=True).first())
    page = client.get(url).content.decode()
    assert page.count("mimo pásmo") == 1
    assert "medián ± 3 × škálovaná MAD" in page and "pilotní období" in page
