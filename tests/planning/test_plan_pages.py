"""Public plan pages: the tree of a 4-level and a 2-level plan, filters, the
item page, drafts, data checks and the `measures` dataset."""

import datetime
import json

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext

from planning.models import (
    ActivityType,
    ItemYearSummary,
    LevelRole,
    MeasureStatus,
    PlanItemImplementer,
    PlanKind,
    PlanStatus,
    ServiceType,
)
from tests.directory.factories import OrganisationFactory
from tests.planning.factories import PlanFactory, PlanItemFactory

pytestmark = pytest.mark.django_db

KP_LEVELS = [("Cíl", LevelRole.GOAL), ("Opatření", LevelRole.MEASURE)]


def cs(text):
    """What the page prints for an English source string (Czech is the default)."""
    with translation.override("cs"):
        return str(gettext(text)) if isinstance(text, str) else str(text)


def _measure(plan, parent, code, title, *, implementers=(), groups=(), **fields):
    item = PlanItemFactory(plan=plan, parent=parent, code=code, title=title, **fields)
    for position, (org, name) in enumerate(implementers):
        PlanItemImplementer.objects.create(item=item, organisation=org, published_name=name,
                                           position=position)
    item.working_groups.set(groups)
    return item


def build_psz(code="psz-test", status=PlanStatus.IN_FORCE, *, org_a=None, org_b=None,
              group=None):
    """A small PSZ: two areas, goals, specific goals with targets, measures."""
    org_a = org_a or OrganisationFactory(name="Charita Ostrava")
    org_b = org_b or OrganisationFactory(name="Slezská diakonie")
    plan = PlanFactory(code=code, status=status, title="Plán sociálního začleňování",
                       subtitle="Akční plán I.", approved_by="Zastupitelstvo města",
                       resolution_number="1234/ZM1822/25",
                       resolution_date=datetime.date(2022, 3, 9))
    area1 = PlanItemFactory(plan=plan, code="1", title="Bydlení", position=1)
    goal1 = PlanItemFactory(plan=plan, parent=area1, code="1.1", title="Dostupné bydlení",
                            position=1)
    spec1 = PlanItemFactory(plan=plan, parent=goal1, code="1.1.1", title="Sociální byty",
                            position=1, target_text="Do roku 2025 bude vyčleněno 40 bytů.",
                            target_year=2025)
    m1 = _measure(plan, spec1, "1.1.1.1", "Prostupné bydlení", position=1,
                  status=MeasureStatus.IN_PROGRESS, status_text="V realizaci",
                  reports_done=3, reports_total=6, implementers=[(org_a, "")],
                  groups=[group] if group else [], activity_type=ActivityType.PROJECT,
                  service_type=ServiceType.TP, ongoing=True)
    m2 = _measure(plan, spec1, "1.1.1.2", "Housing first", position=2,
                  status=MeasureStatus.COMPLETED, implementers=[(org_b, "SD")],
                  period_start=datetime.date(2023, 1, 1),
                  period_end=datetime.date(2024, 6, 30))
    area2 = PlanItemFactory(plan=plan, code="2", title="Zaměstnanost", position=2)
    goal2 = PlanItemFactory(plan=plan, parent=area2, code="2.1", title="Práce", position=1)
    spec2 = PlanItemFactory(plan=plan, parent=goal2, code="2.1.1", title="Pracovní místa",
                            position=1)
    m3 = _measure(plan, spec2, "2.1.1.1", "Sociální podnik", position=1,
                  status=MeasureStatus.NOT_STARTED, implementers=[(org_a, "Charita")])
    ItemYearSummary.objects.create(item=m1, year=2023,
                                   title="Shrnutí za rok 2023 a příležitosti v roce 2024",
                                   text="<p>Zabydleno <strong>12</strong> domácností.</p>")
    ItemYearSummary.objects.create(item=m1, year=2022, title="Shrnutí za rok 2022",
                                   text="<p>Začátek.</p>")
    return {"plan": plan, "area1": area1, "goal1": goal1, "spec1": spec1, "m1": m1, "m2": m2,
            "area2": area2, "goal2": goal2, "spec2": spec2, "m3": m3, "org_a": org_a,
            "org_b": org_b}


def build_kp(code="kp-test", status=PlanStatus.IN_FORCE, group=None):
    plan = PlanFactory(code=code, status=status, kind=PlanKind.COMMUNITY_PLAN,
                       title="5. Komunitní plán", levels=KP_LEVELS, working_group=group)
    goal = PlanItemFactory(plan=plan, code="Cíl 1", title="Podpora rodin", position=1)
    measure = _measure(plan, goal, "Opatření 1.1", "Krizová lůžka", position=1,
                       status=MeasureStatus.NOT_STARTED, groups=[group] if group else [])
    goal2 = PlanItemFactory(plan=plan, code="Cíl 2", title="Finanční gramotnost", position=2)
    measure2 = _measure(plan, goal2, "Opatření 2.1", "Kurzy", position=1)
    return {"plan": plan, "goal": goal, "measure": measure, "goal2": goal2,
            "measure2": measure2}


def page(client, plan, **params):
    response = client.get(reverse("planning:plan_detail", args=[plan.code]), params)
    assert response.status_code == 200
    return response


def tree_html(response):
    text = response.content.decode()
    return text[text.index('id="content-heading"'):]


def heading(tag, css_class, item):
    return f'<{tag} class="{css_class}" id="item-{item.pk}">'


def positions(text, *needles):
    found = [text.index(n) for n in needles]
    assert found == sorted(found), f"out of order: {needles}"
    return found


# --- The tree ------------------------------------------------------------------------------


def test_four_level_plan_renders_its_tree(client):
    w = build_psz()
    response = page(client, w["plan"])
    html = response.content.decode()
    tree = tree_html(response)
    # Metadata.
    assert "1234/ZM1822/25" in html
    assert "Zastupitelstvo města" in html
    assert "9. 3. 2022" in html
    assert "Akční plán I." in html
    # Areas (h3) → goals (h4) → specific goals (h5) → measures (h6), in order.
    positions(tree, "Bydlení", "Dostupné bydlení", "Sociální byty", "Prostupné bydlení",
              "Housing first", "Zaměstnanost", "Práce", "Pracovní místa", "Sociální podnik")
    assert heading("h3", "node-title", w["area1"]) in tree
    assert heading("h4", "node-title", w["goal1"]) in tree
    assert heading("h5", "node-title", w["spec1"]) in tree
    assert heading("h6", "measure-title", w["m1"]) in tree
    # Target, badges ("V realizaci (3/6)": status as published + reports), details.
    assert "Do roku 2025 bude vyčleněno 40 bytů." in tree
    assert "(2025)" in tree  # years are not grouped like numbers ("2 025")
    assert "2022–2027" in html
    assert "V realizaci (3/6)" in tree
    assert capfirst(cs(MeasureStatus.COMPLETED.label)) in tree
    assert "status-completed" in tree
    assert "Charita Ostrava" in tree
    assert "SD" in tree  # the implementer's name as published
    assert cs("Ongoing") in tree
    assert "1. 1. 2023 – 30. 6. 2024" in tree
    assert cs(ServiceType.TP.label) in tree
    assert cs(ActivityType.PROJECT.label) in tree
    # The summary of the year is sanitised HTML, rendered as such.
    assert "<strong>12</strong>" in tree
    assert "Shrnutí za rok 2023 a příležitosti v roce 2024" in tree
    # The include slots of the other features are there.
    assert response.context["plan"] == w["plan"]


def test_counts_per_status_per_area(client):
    w = build_psz()
    counts = page(client, w["plan"]).context["counts"]
    by_area = {row["item"].code: dict(zip([c for c, _l in counts["columns"]], row["cells"],
                                          strict=True)) for row in counts["rows"]}
    assert by_area["1"] == {"not_started": 0, "in_progress": 1, "completed": 1, "cancelled": 0}
    assert by_area["2"] == {"not_started": 1, "in_progress": 0, "completed": 0, "cancelled": 0}
    assert counts["total"] == 3


def test_two_level_community_plan(client, group_a):
    w = build_kp(group=group_a)
    response = page(client, w["plan"])
    tree = tree_html(response)
    positions(tree, "Cíl 1", "Podpora rodin", "Opatření 1.1", "Krizová lůžka", "Cíl 2",
              "Kurzy")
    assert heading("h3", "node-title", w["goal"]) in tree
    assert heading("h4", "measure-title", w["measure"]) in tree
    assert f'href="{reverse("directory:group_detail", args=[group_a.code])}"' in tree
    counts = response.context["counts"]
    assert [row["item"].code for row in counts["rows"]] == ["Cíl 1", "Cíl 2"]
    # One measure without a status: counted in its own column.
    assert counts["columns"][-1][0] == ""
    assert counts["total"] == 2


def test_titles_are_escaped_only_summaries_are_html(client):
    w = build_kp()
    w["measure"].title = "<script>alert(1)</script>"
    w["measure"].save()
    html = page(client, w["plan"]).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# --- Filters -------------------------------------------------------------------------------


def _shown(response):
    return {node.item.code for root in response.context["roots"] for node in root.walk()}


def test_filter_by_status_keeps_ancestors(client):
    w = build_psz()
    response = page(client, w["plan"], status=MeasureStatus.COMPLETED)
    assert _shown(response) == {"1", "1.1", "1.1.1", "1.1.1.2"}
    assert response.context["result"].matching_measures == 1
    assert "Sociální podnik" not in tree_html(response)


def test_filter_by_area(client):
    w = build_psz()
    response = page(client, w["plan"], area=w["area2"].pk)
    assert _shown(response) == {"2", "2.1", "2.1.1", "2.1.1.1"}


def test_filter_by_implementer_and_group(client, group_a):
    w = build_psz(group=group_a)
    assert _shown(page(client, w["plan"], implementer=w["org_a"].pk)) == {
        "1", "1.1", "1.1.1", "1.1.1.1", "2", "2.1", "2.1.1", "2.1.1.1"}
    assert _shown(page(client, w["plan"], implementer=w["org_b"].pk)) == {
        "1", "1.1", "1.1.1", "1.1.1.2"}
    assert _shown(page(client, w["plan"], group=group_a.code)) == {
        "1", "1.1", "1.1.1", "1.1.1.1"}
    both = page(client, w["plan"], group=group_a.code, implementer=w["org_b"].pk)
    assert _shown(both) == set()
    assert 'class="empty"' in tree_html(both)


def test_search_over_codes_and_titles(client):
    w = build_psz()
    assert _shown(page(client, w["plan"], q="housing")) == {"1", "1.1", "1.1.1", "1.1.1.2"}
    # A matching goal brings its measures with it.
    assert _shown(page(client, w["plan"], q="2.1")) == {"2", "2.1", "2.1.1", "2.1.1.1"}


@pytest.mark.parametrize("params", [
    {"status": "nonsense"}, {"area": "abc"}, {"area": "999999"}, {"implementer": "x"},
    {"group": "<script>"}, {"q": "x" * 500}, {"status": ["a", "b"]},
])
def test_bad_filter_values_are_reported_not_fatal(client, params):
    w = build_psz()
    response = page(client, w["plan"], **params)
    assert response.context["filter_form"].errors
    assert "<script>" not in response.content.decode().replace("<script src=", "")


def test_filters_work_without_javascript_as_get_form(client):
    w = build_psz()
    html = page(client, w["plan"]).content.decode()
    form = html[html.index('class="filters plan-filters"') - 40:]
    assert '<form method="get"' in form
    for name in ("q", "area", "status", "implementer", "group"):
        assert f'name="{name}"' in form
        assert f'<label for="filter-{name}">' in form


# --- Item page -----------------------------------------------------------------------------


def test_item_page_shows_breadcrumbs_fields_and_summaries(client):
    w = build_psz()
    m1 = w["m1"]
    m1.footnote = "Údaj podle zprávy za 1. pololetí."
    m1.description = "Popis opatření."
    m1.save()
    response = client.get(reverse("planning:plan_item_detail", args=[w["plan"].code, m1.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    crumbs = html[html.index('class="breadcrumbs"'):html.index("</nav>",
                                                               html.index('class="breadcrumbs"'))]
    positions(crumbs, "Plán sociálního začleňování", ">1<", ">1.1<", ">1.1.1<", "1.1.1.1")
    assert "V realizaci (3/6)" in html
    assert "Charita Ostrava" in html
    assert "Popis opatření." in html
    assert "Údaj podle zprávy za 1. pololetí." in html
    # Summaries by year, newest first, both kept.
    positions(html, "Shrnutí za rok 2023 a příležitosti v roce 2024", "Shrnutí za rok 2022")
    assert 'id="summary-2023"' in html
    assert "<strong>12</strong>" in html


def test_item_page_of_a_goal_lists_its_children(client):
    w = build_psz()
    response = client.get(reverse("planning:plan_item_detail",
                                  args=[w["plan"].code, w["spec1"].pk]))
    html = response.content.decode()
    assert "Do roku 2025 bude vyčleněno 40 bytů." in html
    positions(html, "Prostupné bydlení", "Housing first")


def test_item_of_another_plan_is_not_found(client):
    w = build_psz()
    other = build_kp()
    response = client.get(reverse("planning:plan_item_detail",
                                  args=[w["plan"].code, other["measure"].pk]))
    assert response.status_code == 404


# --- Drafts --------------------------------------------------------------------------------


def test_draft_is_not_found_for_the_public(client, implementer_x, plain_user):
    w = build_kp(code="kp-draft", status=PlanStatus.DRAFT)
    urls = [
        reverse("planning:plan_detail", args=["kp-draft"]),
        reverse("planning:plan_item_detail", args=["kp-draft", w["measure"].pk]),
        reverse("planning:plan_export_xlsx", args=["kp-draft"]),
        reverse("planning:plan_data_checks", args=["kp-draft"]),
    ]
    for user in (None, plain_user, implementer_x):
        if user:
            client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 404, (user, url)
        listing = client.get(reverse("planning:plan_list")).content.decode()
        assert "kp-draft" not in listing


@pytest.mark.parametrize("role", ["officer", "manager_a", "member_a", "contact_a"])
def test_draft_is_visible_to_officers_and_the_drafting_group(client, group_a, role, request):
    w = build_kp(code="kp-draft", status=PlanStatus.DRAFT, group=group_a)
    client.force_login(request.getfixturevalue(role))
    assert page(client, w["plan"]).status_code == 200
    listing = client.get(reverse("planning:plan_list")).content.decode()
    assert reverse("planning:plan_detail", args=["kp-draft"]) in listing
    assert "badge-draft" in listing


def test_plan_list_shows_public_plans(client):
    build_psz(code="psz-a")
    build_kp(code="kp-b", status=PlanStatus.ARCHIVED)
    build_kp(code="kp-c", status=PlanStatus.DRAFT)
    html = client.get(reverse("planning:plan_list")).content.decode()
    assert "/plans/psz-a/" in html
    assert "/plans/kp-b/" in html
    assert "/plans/kp-c/" not in html
    assert "badge-draft" not in html


# --- Data checks ---------------------------------------------------------------------------


def test_data_checks_list_code_mismatch_and_duplicate_code(client, officer):
    w = build_psz()
    # A measure printed as 2.1.3.3 under 1.1.1, and 1.1.1.1 printed twice.
    wrong = _measure(w["plan"], w["spec1"], "2.1.3.3", "Špatně zařazené", position=3)
    twice = _measure(w["plan"], w["spec1"], "1.1.1.1", "Podruhé", position=4)
    client.force_login(officer)
    response = client.get(reverse("planning:plan_data_checks", args=[w["plan"].code]))
    assert response.status_code == 200
    groups = {g["kind"]: g["findings"] for g in response.context["groups"]}
    assert [f.items[0] for f in groups["code_parent"]] == [wrong]
    assert {i.pk for i in groups["duplicate_code"][0].items} == {w["m1"].pk, twice.pk}
    html = response.content.decode()
    for item in (wrong, twice, w["m1"]):
        assert reverse("planning:plan_item_detail", args=[w["plan"].code, item.pk]) in html
    assert "2.1.3.3" in html


def test_data_checks_link_only_for_officers(client, officer):
    w = build_psz()
    checks = reverse("planning:plan_data_checks", args=[w["plan"].code])
    assert checks not in page(client, w["plan"]).content.decode()
    client.force_login(officer)
    assert checks in page(client, w["plan"]).content.decode()


# --- The measures dataset ------------------------------------------------------------------


def test_measures_dataset_lists_only_public_plans(client):
    w = build_psz(code="psz-public")
    build_kp(code="kp-draft", status=PlanStatus.DRAFT)
    kp = build_kp(code="kp-comment", status=PlanStatus.PUBLIC_COMMENT)
    data = json.loads(client.get(reverse("core:dataset_json", args=["measures"])).content)
    rows = data["rows"]
    assert {r["plan_code"] for r in rows} == {"psz-public", "kp-comment"}
    assert [r["code"] for r in rows if r["plan_code"] == "psz-public"] == [
        "1.1.1.1", "1.1.1.2", "2.1.1.1"]
    first = rows[[r["code"] for r in rows].index("1.1.1.1")]
    assert first["area_code"] == "1"
    assert first["area_title"] == "Bydlení"
    assert first["specific_goal_code"] == "1.1.1"
    assert first["status"] == "in_progress"
    assert first["status_text"] == "V realizaci"
    assert (first["reports_done"], first["reports_total"]) == (3, 6)
    assert first["implementers"] == "Charita Ostrava"
    assert first["ongoing"] is True
    assert first["url"] == reverse("planning:plan_item_detail",
                                   args=["psz-public", w["m1"].pk])
    kp_row = next(r for r in rows if r["plan_code"] == "kp-comment")
    assert kp_row["area_code"] == "Cíl 1"
    assert kp_row["specific_goal_code"] == ""
    assert kp_row["url"].endswith(f"/items/{kp['measure'].pk}/")
    assert [c["name"] for c in data["columns"]] == list(rows[0])
    csv_text = client.get(reverse("core:dataset_csv", args=["measures"])).content.decode()
    assert "kp-draft" not in csv_text


def test_every_item_of_the_tree_links_its_own_page(client):
    w = build_psz()
    tree = tree_html(page(client, w["plan"]))
    for key in ("area1", "goal1", "spec1", "m1"):
        url = reverse("planning:plan_item_detail", args=[w["plan"].code, w[key].pk])
        assert f'<a href="{url}">' in tree, key
