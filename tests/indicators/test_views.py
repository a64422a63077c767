"""Indicator pages and value entry: what readers see, what officers and
implementers may change, the page cache, and fixed query counts."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import gettext as _

from core.models import AuditEntry
from indicators.models import IndicatorValue, Status, TargetKind  # noqa: F401
from indicators.services import indicator_refresh_status, indicator_update
from tests.fast_cells import both_ways
from tests.indicators.factories import IndicatorFactory, region, year_value
from tests.planning.factories import PlanFactory, PlanItemFactory

pytestmark = pytest.mark.django_db


def _queries(client, url):
    client.get(url)  # warm process-wide caches (content types, …)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response


def _indicators(n, plan):
    msk = region()
    made = []
    for i in range(n):
        indicator = IndicatorFactory(plans=[plan], comparison_territory=msk,
                                     target_kind=TargetKind.BELOW_COMPARISON)
        year_value(indicator, 2021, 3 + i, is_baseline=True)
        year_value(indicator, 2021, 2, territory=msk, is_baseline=True)
        year_value(indicator, 2023, 2 + i)
        year_value(indicator, 2023, 2, territory=msk)
        indicator_refresh_status(indicator=indicator)
        made.append(indicator)
    return made


@pytest.fixture
def no_page_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}


@pytest.mark.parametrize("role", ["anonymous", "officer"])
def test_list_and_detail_run_a_fixed_number_of_queries(client, officer, role, no_page_cache):
    if role == "officer":
        client.force_login(officer)
    plan = PlanFactory()
    first = _indicators(3, plan)[0]
    small_list, _r = _queries(client, reverse("indicators:list"))
    small_detail, _r = _queries(client, first.get_absolute_url())
    _indicators(60, plan)  # far more than one page of the list
    for year in range(2000, 2020):
        year_value(first, year, year - 1990)
    large_list, response = _queries(client, reverse("indicators:list"))
    large_detail, detail = _queries(client, first.get_absolute_url())
    assert (small_list, small_detail) == (large_list, large_detail)
    signed_in = 2 if role == "officer" else 0
    history = 1 if role == "officer" else 0  # officers see the change history
    # Without a cache (no_page_cache) every page also reads the city for its header.
    city = 1
    # page, values, parts, milestones, status counts (which give the paginator its
    # count too: the list is counted once), filter choices (plans, areas)
    assert large_list == 7 + signed_in + city
    # indicator, values, parts, milestones, plans
    assert large_detail == 5 + signed_in + history + city
    assert detail.content.count(b"<th scope=\"row\">") == 22


def test_the_public_list_is_filtered_by_subqueries_and_counted_once(client, no_page_cache):
    """An indicator in two published plans and a specific goal is listed once,
    without DISTINCT over joins (Exists() subqueries), and the rows are counted
    by one query (the status counts), not again by the paginator."""
    plan, other = PlanFactory(), PlanFactory()
    goal = PlanItemFactory(plan=plan)
    twice = IndicatorFactory(plans=[plan, other], plan_item=goal)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("indicators:list"))
    assert [row.record for row in response.context["table"].page.object_list] == [twice]
    assert response.context["total"] == 1
    sql = [q["sql"] for q in queries.captured_queries if "indicators_indicator" in q["sql"]]
    assert not any("DISTINCT" in q for q in sql), sql
    assert sum("COUNT(" in q for q in sql) == 1, sql
    by_plan = client.get(reverse("indicators:list"), {"plan": plan.code})
    assert [row.record for row in by_plan.context["table"].page.object_list] == [twice]


def test_detail_shows_chart_table_status_and_downloads(client):
    plan = PlanFactory()
    indicator = _indicators(1, plan)[0]
    response = client.get(indicator.get_absolute_url())
    html = response.content.decode()
    assert "<svg" in html and 'role="img"' in html
    indicator.refresh_from_db()
    assert f'class="status status-{indicator.status}"' in html
    for fmt in ("csv", "xlsx", "json"):
        assert reverse("indicators:download", args=[indicator.code, fmt]) in html
    csv = client.get(reverse("indicators:download", args=[indicator.code, "csv"]))
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith('"indicator_code","indicator","national_code","unit","territory"')
    assert len(lines) == 5


def test_an_indicator_of_a_draft_plan_is_not_public(client, officer):
    draft = IndicatorFactory(plans=[PlanFactory(status="draft")])
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert draft.code not in client.get(reverse("indicators:list")).content.decode()
    client.force_login(officer)
    assert client.get(draft.get_absolute_url()).status_code == 200


def test_the_anonymous_page_is_cached_and_refreshed_when_data_changes(
        client, officer, django_capture_on_commit_callbacks):
    indicator = _indicators(1, PlanFactory())[0]
    url = indicator.get_absolute_url()
    assert client.get(url)["X-Page-Cache"] == "miss"
    cached = client.get(url)
    assert cached["X-Page-Cache"] == "hit"
    assert "Content-Security-Policy" in cached
    # No form on a public page carries a CSRF token: nothing of one visitor is shared.
    assert b"csrfmiddlewaretoken" not in cached.content
    assert not cached.cookies
    with django_capture_on_commit_callbacks(execute=True):
        indicator_update(actor=officer, indicator=indicator, name="Nový název ukazatele")
    fresh = client.get(url)
    assert fresh["X-Page-Cache"] == "miss"
    assert "Nový název ukazatele" in fresh.content.decode()


def test_signed_in_readers_bypass_the_cache(client, officer):
    indicator = _indicators(1, PlanFactory())[0]
    client.get(indicator.get_absolute_url())
    client.force_login(officer)
    response = client.get(indicator.get_absolute_url())
    assert not response.has_header("X-Page-Cache")


def test_officer_records_a_value_typed_as_published(client, officer):
    indicator = IndicatorFactory(plans=[PlanFactory()], target_kind=TargetKind.DECREASE)
    year_value(indicator, 2021, 200, is_baseline=True)
    client.force_login(officer)
    response = client.post(reverse("indicators:value_create", args=[indicator.code]), {
        "territory": indicator.home_territory_id, "period_text": "12/2023",
        "value_text": "cca 3 100", "note": "", "source": "ČSÚ",
    })
    assert response.status_code == 302
    value = IndicatorValue.objects.get(indicator=indicator, period_text="12/2023")
    assert (value.value, value.is_estimate, value.value_text) == (Decimal("3100"), True,
                                                                  "cca 3 100")
    indicator.refresh_from_db()
    assert indicator.status == Status.OFF_TRACK
    entry = AuditEntry.objects.filter(object_id=str(indicator.pk)).latest("id")
    assert entry.actor == officer


def test_a_bad_value_names_the_field_and_saves_nothing(client, officer):
    indicator = IndicatorFactory(plans=[PlanFactory()])
    client.force_login(officer)
    response = client.post(reverse("indicators:value_create", args=[indicator.code]), {
        "territory": indicator.home_territory_id, "period_text": "31. 2. 2024",
        "value_text": "hodně",
    })
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"period_text", "value_text"}
    assert not IndicatorValue.objects.exists()


def test_composite_values_need_every_part(client, officer):
    indicator = IndicatorFactory(plans=[PlanFactory()], part_labels=["a", "b", "c", "d"])
    client.force_login(officer)
    url = reverse("indicators:value_create", args=[indicator.code])
    data = {"territory": indicator.home_territory_id, "period_text": "k 30. 4. 2024"}
    refused = client.post(url, {**data, "value_text": "12/12"})
    assert "value_text" in refused.context["form"].errors
    assert client.post(url, {**data, "value_text": "12/12/4/22"}).status_code == 302
    value = IndicatorValue.objects.get(indicator=indicator)
    assert [(p.label, p.amount) for p in value.parts.all()] == [
        ("a", 12), ("b", 12), ("c", 4), ("d", 22)]


def test_an_implementer_reports_own_indicators_but_cannot_set_the_baseline(
        client, implementer_x, organisation_x):
    measure = PlanItemFactory.measure(plan=PlanFactory(), implementers=[organisation_x])
    indicator = IndicatorFactory.for_measure(measure)
    client.force_login(implementer_x)
    response = client.post(reverse("indicators:value_create", args=[indicator.code]), {
        "territory": indicator.home_territory_id, "period_text": "2024", "value_text": "7",
        "is_baseline": "on",  # crafted: the form does not offer it to implementers
    })
    assert response.status_code == 302
    value = IndicatorValue.objects.get(indicator=indicator)
    assert value.value == 7 and value.is_baseline is False


def test_commentary_is_sanitised(client, officer):
    indicator = IndicatorFactory(plans=[PlanFactory()])
    indicator_update(actor=officer, indicator=indicator, commentary=(
        '<p onclick="x()">Pokles <strong>o 4 %</strong></p><script>alert(1)</script>'
        '<a href="javascript:alert(1)">odkaz</a><img src=x onerror=alert(1)>'))
    html = client.get(indicator.get_absolute_url()).content.decode()
    assert "<strong>o 4 %</strong>" in html
    for bad in ("<script>alert", "onclick", "javascript:", "onerror"):
        assert bad not in html


def test_an_edit_by_two_officers_at_once_is_refused(client, officer):
    indicator = IndicatorFactory(plans=[PlanFactory()])
    stale_version = indicator.version
    indicator_update(actor=officer, indicator=indicator, name="Změněno jinde")
    client.force_login(officer)
    form = client.get(reverse("indicators:update", args=[indicator.code])).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(version=stale_version, plans=[p.pk for p in indicator.plans.all()],
                name="Můj název", home_territory=indicator.home_territory_id)
    data.pop("part_labels", None)
    response = client.post(reverse("indicators:update", args=[indicator.code]), data)
    assert response.status_code == 409
    indicator.refresh_from_db()
    assert indicator.name == "Změněno jinde"


def test_error_messages_are_czech_by_default(client, officer):
    indicator = IndicatorFactory(plans=[PlanFactory()])
    client.force_login(officer)
    response = client.post(reverse("indicators:value_create", args=[indicator.code]), {
        "territory": indicator.home_territory_id, "period_text": "loni", "value_text": "1"})
    message = response.context["form"].errors["period_text"][0]
    assert message != _("“%(text)s” is not a period.")
    assert "není období" in message


# --- The detail page reads well: note once, definition and source, chart labels ----


def test_a_note_both_territories_carry_is_printed_once(client):
    covid = "Některé hodnoty za rok 2021 jsou ovlivněny pandemií covid-19."
    indicator = IndicatorFactory(comparison_territory=region())
    year_value(indicator, 2021, 3, is_baseline=True, note=covid)
    year_value(indicator, 2021, 2, territory=region(), is_baseline=True, note=covid)
    page = client.get(f"/indicators/{indicator.slug}/").content.decode()
    assert page.count(covid) == 1


def test_definition_and_source_are_shown_even_when_the_plan_names_none(client):
    indicator = IndicatorFactory(definition="", data_source="")
    year_value(indicator, 2023, 5, source="Průběžné vyhodnocení I. příloha B")
    page = client.get(f"/indicators/{indicator.slug}/").content.decode()
    about = page[page.index('id="metadata-heading"'):]
    assert "<dt>Definice</dt>" in about and "<dt>Zdroj dat</dt>" in about
    assert "Průběžné vyhodnocení I. příloha B" in about


def test_period_labels_under_the_chart_never_overlap(client):
    import re

    from indicators.charts import CHAR_WIDTH

    indicator = IndicatorFactory()
    for year in range(2010, 2026):
        value = year_value(indicator, year, year - 2000)
        IndicatorValue.objects.filter(pk=value.pk).update(
            period_text=f"Data dostupná k 30. 4. {year}")
    page = client.get(f"/indicators/{indicator.slug}/").content.decode()
    svg = page[page.index("<svg"):page.index("</svg>")]
    labels = [(float(x), text) for x, text in re.findall(
        r'<text x="([\d.]+)" y="\d+" text-anchor="middle" fill="#333333">([^<]+)</text>', svg)]
    assert len(labels) >= 2
    assert labels[0][1].endswith("2010") and labels[-1][1].endswith("2025")
    for (x1, t1), (x2, t2) in zip(labels, labels[1:], strict=False):
        assert x2 - x1 >= (len(t1) + len(t2)) / 2 * CHAR_WIDTH, (t1, t2)
    assert svg.count("Data dostupná k 30. 4. 2017") == 1  # the description keeps every period


def test_the_filters_options_are_read_without_a_server_side_cursor(client, no_page_cache):
    """The plan and area selects of the list take one plain query each, not
    iterator()'s DECLARE, FETCH and CLOSE (a tenth of the page's time)."""
    plan = PlanFactory(status="in_force")
    IndicatorFactory(plans=[plan])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("indicators:list"))
    assert f'<option value="{plan.code}">' in response.content.decode()
    assert not any("DECLARE" in q["sql"] for q in queries.captured_queries), [
        q["sql"][:80] for q in queries.captured_queries]


def test_the_list_prints_its_cells_as_django_tables2_would(client, no_page_cache, monkeypatch):
    """IndicatorTable.fast_cells (core.tables.FastCellsMixin) prints the same
    page as django_tables2's own cell rendering: links, kinds, statuses,
    latest values with their comparison, targets, and a line with none."""
    from indicators.tables import IndicatorTable

    plan = PlanFactory()
    _indicators(3, plan)
    IndicatorFactory(plans=[plan])  # no values, no status computed
    printed = []
    for query in ({}, {"sort": "-code"}, {"sort": "name"}):
        fast, slow, records = both_ways(client, monkeypatch, IndicatorTable,
                                        reverse("indicators:list"), query)
        printed += records
        assert fast.content.decode() == slow.content.decode()
    assert len(printed) == 3 * 4  # every line by fast_cells
