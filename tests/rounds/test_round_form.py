"""Opening a round (/rounds/new/): measures, indicators and projects are
picked by the autocomplete, so the page does not grow with the data; a
chosen id that does not exist or is not of the kind asked is a Czech form
error naming the field, and nothing is saved."""

import pytest
from django.urls import reverse

from rounds.models import ReportingRound
from tests.indicators.factories import IndicatorFactory
from tests.planning.factories import PlanItemFactory
from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.django_db

URL = reverse("rounds:create")
BASE = {"title": "Rok 2025", "kind": "year", "period_start": "2025-01-01",
        "period_end": "2025-12-31", "deadline": "2026-01-31"}


def _grow(plan, n):
    for i in range(n):
        measure = PlanItemFactory.measure(plan=plan)
        IndicatorFactory.for_measure(measure, code=f"X-{i:04d}",
                                     name=f"Ukazatel s dlouhým názvem číslo {i}")
        ProjectFactory(measures=[measure])


def test_the_page_does_not_grow_with_the_data(client, officer, reporting,
                                              django_assert_num_queries):
    client.force_login(officer)
    client.get(URL)
    # The session and user, the plans' checkboxes; no measure, indicator or
    # project is read.
    with django_assert_num_queries(3):
        small = client.get(URL)
    _grow(reporting["plan"], 300)
    with django_assert_num_queries(3):
        large = client.get(URL)
    assert small.status_code == large.status_code == 200
    assert abs(len(large.content) - len(small.content)) < 200
    assert len(large.content) < 30_000
    html = large.content.decode()
    assert "X-0299" not in html and "<select multiple" not in html
    assert html.count('data-autocomplete-url="/autocomplete/indicators/"') == 6


def test_a_round_over_picked_items_opens(client, officer, reporting):
    extra = IndicatorFactory(code="G-9", name="Globální")
    client.force_login(officer)
    response = client.post(URL, {
        **BASE, "indicators_0": str(extra.pk), "indicators_1": "",
        "indicators_2__text": reporting["own"].code,
        "measures_0": str(reporting["measure"].pk),
        "projects_3": str(reporting["project"].pk)})
    round_ = ReportingRound.objects.get(title="Rok 2025")
    assert response.status_code == 302 and response["Location"] == round_.get_absolute_url()
    assert set(round_.indicators.all()) == {extra, reporting["own"]}
    assert list(round_.measures.all()) == [reporting["measure"]]
    assert list(round_.projects.all()) == [reporting["project"]]


@pytest.mark.parametrize("field", ["measures", "indicators", "projects"])
def test_an_unknown_or_wrong_kind_of_item_is_a_czech_error(client, officer, reporting, field):
    goal = reporting["measure"].parent  # a plan item, but no measure
    client.force_login(officer)
    rounds = ReportingRound.objects.count()
    for wrong in ("987654321", str(goal.pk) if field == "measures" else "neexistuje-xyz"):
        response = client.post(URL, {**BASE, f"{field}_1": wrong,
                                     "plans": [reporting["plan"].pk]})
        assert response.status_code == 200
        errors = response.context["form"].errors[field]
        label = {"measures": "Opatření", "indicators": "Indikátory", "projects": "Projekty"}
        assert any(e.startswith(f"{label[field]}: nic s názvem „{wrong}“") for e in errors), errors
        assert ReportingRound.objects.count() == rounds


def test_the_measures_autocomplete_offers_measures_of_visible_plans_only(client, reporting):
    from tests.planning.factories import PlanFactory

    hidden = PlanItemFactory.measure(plan=PlanFactory(code="koncept", status="draft"))
    url = reverse("core:autocomplete", args=["measures"])
    found = {row["id"] for row in client.get(url, {"q": ""}).json()["results"]}
    assert reporting["measure"].pk in found
    assert hidden.pk not in found and reporting["measure"].parent_id not in found
