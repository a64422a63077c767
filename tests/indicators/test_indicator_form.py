"""The indicator edit page: milestones as an inline list, a code printed twice
accepted with a notice, "every N years", and lists in the codes' natural order."""

from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from indicators.models import Frequency, Indicator, Status, TargetKind
from tests.indicators.factories import IndicatorFactory, year_value
from tests.planning.factories import PlanFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_page_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}


def _post_data(client, indicator, **changes):
    form = client.get(reverse("indicators:update", args=[indicator.slug])).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.pop("part_labels", None)
    data.update(plans=[p.pk for p in indicator.plans.all()],
                home_territory=indicator.home_territory_id, update_frequency="")
    management = form.milestones.management_form
    data.update({f"milestones-{k}": v for k, v in management.initial.items()})
    for number, milestone in enumerate(form.milestones.initial or []):
        for name, value in milestone.items():
            if value is not None:
                data[f"milestones-{number}-{name}"] = value
    data.update(changes)
    return data


def test_officers_edit_any_number_of_milestones(client, officer):
    indicator = IndicatorFactory(target_kind=TargetKind.AT_MOST, target_value=Decimal("20"),
                                 target_year=2025)
    year_value(indicator, 2020, 30, is_baseline=True)
    year_value(indicator, 2026, 15)
    client.force_login(officer)
    page = client.get(reverse("indicators:update", args=[indicator.slug]))
    assert page.status_code == 200 and "milestones-0-kind" in page.content.decode()
    data = _post_data(client, indicator, **{
        "milestones-TOTAL_FORMS": 3,
        "milestones-1-year": 2030, "milestones-1-kind": TargetKind.AT_MOST,
        "milestones-1-value": "10", "milestones-1-text": "nejvýše 10 v roce 2030"})
    response = client.post(reverse("indicators:update", args=[indicator.slug]), data)
    assert response.status_code == 302, response.context["form"].errors
    indicator = Indicator.objects.get(pk=indicator.pk)
    assert [(t.year, t.value, t.text) for t in indicator.milestones] == [
        (2025, Decimal("20"), ""), (2030, Decimal("10"), "nejvýše 10 v roce 2030")]
    # 2026 is past 2025: judged against "at most 10 by 2030", stored at once.
    assert indicator.status == Status.IMPROVING
    page = client.get(indicator.get_absolute_url()).content.decode()
    assert "nejvýše 10 v roce 2030" in page and "2025" in page
    # Deleting one milestone keeps the other.
    data = _post_data(client, indicator, **{"milestones-1-DELETE": "on"})
    client.post(reverse("indicators:update", args=[indicator.slug]), data)
    assert [t.year for t in Indicator.objects.get(pk=indicator.pk).milestones] == [2025]


def test_a_milestone_without_its_value_is_refused_and_nothing_is_saved(client, officer):
    indicator = IndicatorFactory()
    client.force_login(officer)
    data = _post_data(client, indicator, name="Nový název", **{
        "milestones-0-year": 2030, "milestones-0-kind": TargetKind.AT_LEAST})
    response = client.post(reverse("indicators:update", args=[indicator.slug]), data)
    assert response.status_code == 200
    assert response.context["form"].milestones.forms[0].errors["value"]
    indicator.refresh_from_db()
    assert indicator.name != "Nový název" and not indicator.targets.exists()


def test_a_post_claiming_thousands_of_milestones_is_refused_unbuilt(client, officer):
    indicator = IndicatorFactory()
    client.force_login(officer)
    data = _post_data(client, indicator, name="Nový název",
                      **{"milestones-TOTAL_FORMS": 100000})
    response = client.post(reverse("indicators:update", args=[indicator.slug]), data)
    assert response.status_code == 200
    milestones = response.context["form"].milestones
    # Built no more than absolute_max forms, and says why it refused.
    assert len(milestones.forms) == 100
    assert milestones.non_form_errors()
    assert str(milestones.non_form_errors()[0]) in response.content.decode()
    indicator.refresh_from_db()
    assert indicator.name != "Nový název" and not indicator.targets.exists()


def test_a_code_printed_twice_in_one_plan_is_accepted_with_a_notice(client, officer):
    plan = PlanFactory()
    IndicatorFactory(code="2.1", plans=[plan])
    other = IndicatorFactory(code="2.2", plans=[plan])
    client.force_login(officer)
    data = _post_data(client, other, code="2.1")
    response = client.post(reverse("indicators:update", args=[other.slug]), data)
    assert response.status_code == 302
    other.refresh_from_db()
    assert (other.code, other.slug) == ("2.1", "2.2")  # the address stays
    notices = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("2.1" in notice for notice in notices)


def test_every_n_years_needs_the_number(client, officer):
    indicator = IndicatorFactory()
    client.force_login(officer)
    url = reverse("indicators:update", args=[indicator.slug])
    response = client.post(url, _post_data(client, indicator,
                                           update_frequency=Frequency.EVERY_N_YEARS))
    assert response.status_code == 200 and response.context["form"].errors["frequency_years"]
    response = client.post(url, _post_data(client, indicator, frequency_years=3,
                                           update_frequency=Frequency.EVERY_N_YEARS))
    assert response.status_code == 302
    indicator.refresh_from_db()
    assert indicator.frequency_years == 3
    assert "3" in client.get(indicator.get_absolute_url()).content.decode()


def test_the_list_sorts_codes_naturally_and_by_printed_order(client, no_page_cache):
    plan = PlanFactory()
    for code in ("G10", "2.1.10", "G2", "2.1.3", "10", "2", "1"):
        from indicators.services import indicator_create
        from tests.indicators.factories import ostrava
        indicator_create(actor=None, code=code, name=f"Ukazatel {code}", kind="global",
                         home_territory=ostrava(), plans=[plan])
    html = client.get(reverse("indicators:list")).content.decode()
    order = ["1", "2", "2.1.3", "2.1.10", "10", "G2", "G10"]
    positions = [html.index(f"Ukazatel {code}<") for code in order]
    assert positions == sorted(positions)
    # Printed order first where the plan gives one: G10 printed first.
    Indicator.objects.update(position=2)
    Indicator.objects.filter(code="G10").update(position=1)
    html = client.get(reverse("indicators:list")).content.decode()
    assert html.index("Ukazatel G10<") < html.index("Ukazatel 1<")


def test_new_indicators_get_a_unique_address_from_the_code(officer):
    from indicators.services import indicator_create
    from tests.indicators.factories import ostrava
    first = indicator_create(actor=officer, code="1.2 a)", name="A", kind="global",
                             home_territory=ostrava())
    second = indicator_create(actor=officer, code="1.2 a)", name="B", kind="global",
                              home_territory=ostrava())
    new = indicator_create(actor=officer, code="new", name="C", kind="global",
                           home_territory=ostrava())
    assert (first.slug, second.slug, new.slug) == ("1.2-a", "1.2-a-2", "ukazatel-new")
    assert first.get_absolute_url() != second.get_absolute_url()
