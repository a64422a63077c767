"""The officers' plan editor: views over planning.services.plans (create, settings,
status, tree editing inline and as whole pages, history and restore, refusal of
concurrent edits) and their query counts."""

import re
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from core.audit import audit_entries_for
from core.models import AuditAction, AuditEntry
from directory.selectors import current_city
from planning.models import (
    ItemYearSummary,
    LevelRole,
    MeasureStatus,
    Plan,
    PlanItem,
    PlanLevel,
    PlanStatus,
)
from planning.services import plans as ps
from tests import roles
from tests.accounts.factories import UserFactory
from tests.directory.factories import OrganisationFactory, WorkingGroupFactory, the_city
from tests.planning.factories import PlanFactory
from tests.shared_db import module_rows

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
PSZ_LEVELS = [("Tematická oblast", LevelRole.AREA), ("Strategický cíl", LevelRole.GOAL),
              ("Specifický cíl", LevelRole.SPECIFIC_GOAL), ("Opatření", LevelRole.MEASURE)]


def url(name, *args):
    return reverse(f"planning:{name}", args=args)


def _plans_with_trees():
    """A draft plan and a plan in force, each with the same small tree (an area,
    a goal, a specific goal and two measures), made through the services by the
    officer once for the module (tests/shared_db.py); each test changes them in
    its own savepoint. {status: plan id, plan id: {name: item id}}."""
    the_city()
    officer = roles.make_officer()
    built = {}
    for status, code in (("draft", "psz"), ("in_force", "psz-platny")):
        plan = ps.plan_create(actor=officer, levels=PSZ_LEVELS, kind="psz", code=code,
                              title="Plán sociálního začleňování Testov", period_start=2022,
                              period_end=2027)
        Plan.objects.filter(pk=plan.pk).update(status=status)
        plan.refresh_from_db()
        area = ps.plan_item_create(actor=officer, plan=plan, code="1", title="Bydlení")
        goal = ps.plan_item_create(actor=officer, plan=plan, parent=area, code="1.1",
                                   title="Dostupné bydlení")
        specific = ps.plan_item_create(actor=officer, plan=plan, parent=goal, code="1.1.1",
                                       title="Sociální byty", target_text="Do roku 2025 …",
                                       target_year=2025)
        first = ps.plan_item_create(actor=officer, plan=plan, parent=specific, code="1.1.1.1",
                                    title="Vyčlenění bytů", status=MeasureStatus.IN_PROGRESS,
                                    reports_done=1, reports_total=6)
        second = ps.plan_item_create(actor=officer, plan=plan, parent=specific,
                                     code="1.1.1.2", title="Zabydlování domácností",
                                     status=MeasureStatus.NOT_STARTED)
        built[status] = plan.pk
        built[plan.pk] = {"area": area.pk, "goal": goal.pk, "specific": specific.pk,
                          "first": first.pk, "second": second.pk}
    return built


_plans_once = module_rows(_plans_with_trees)


@pytest.fixture
def officer(db):
    """The officer who made the module's plans, once they exist."""
    return User.objects.filter(username="officer").first() or roles.make_officer()


@pytest.fixture(params=["draft", "in_force"])
def plan(request, _plans_once):
    return Plan.objects.get(pk=_plans_once[request.param])


@pytest.fixture
def tree(plan, _plans_once):
    ids = _plans_once[plan.pk]
    items = PlanItem.objects.in_bulk(ids.values())
    return {name: items[pk] for name, pk in ids.items()}


@pytest.fixture
def other_officer(db):
    return UserFactory(username="officer2", first_name="Petra", last_name="Druhá",
                       is_city_officer=True)


@pytest.fixture
def oc(client, officer):
    client.force_login(officer)
    return client


def _quick(item, **overrides):
    data = {"version": item.version, "code": item.code, "title": item.title,
            "status": item.status}
    data.update(overrides)
    return data


def _full(item, **overrides):
    data = {
        "version": item.version, "code": item.code, "title": item.title,
        "description": item.description, "status": item.status, "status_text": "",
        "reports_done": item.reports_done if item.reports_done is not None else "",
        "reports_total": item.reports_total if item.reports_total is not None else "",
        "implementers_text": "", "activity_type": "", "activity_type_text": "",
        "service_type": "", "period_start": "", "period_end": "", "period_text": "",
        "footnote": "",
        "impl-TOTAL_FORMS": "2", "impl-INITIAL_FORMS": "0", "impl-MIN_NUM_FORMS": "0",
        "impl-MAX_NUM_FORMS": "1000",
        "impl-0-organisation": "", "impl-0-published_name": "",
        "impl-1-organisation": "", "impl-1-published_name": "",
    }
    data.update(overrides)
    return data


# --- Access --------------------------------------------------------------------------


def test_anonymous_is_sent_to_login_and_other_roles_are_refused(client, tree, plan, manager_a):
    editor = url("plan_editor", plan.code)
    response = client.get(editor)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(manager_a)
    assert client.get(editor).status_code == 403
    # Refused POSTs change nothing.
    response = client.post(url("plan_bulk_status", plan.code),
                           {"items": [tree["first"].pk], "status": MeasureStatus.COMPLETED})
    assert response.status_code == 403
    response = client.post(url("plan_item_inline", plan.code, tree["first"].pk),
                           _quick(tree["first"], title="Převzato"))
    assert response.status_code == 403
    response = client.post(url("plan_item_delete", plan.code, tree["first"].pk))
    assert response.status_code == 403
    tree["first"].refresh_from_db()
    assert tree["first"].status == MeasureStatus.IN_PROGRESS
    assert tree["first"].title == "Vyčlenění bytů"


def test_an_item_of_another_plan_is_not_found(oc, tree, plan):
    other = PlanFactory(code="jiny")
    assert oc.get(url("plan_item_update", other.code, tree["first"].pk)).status_code == 404


# --- Plans -----------------------------------------------------------------------------


def _plan_post(**overrides):
    data = {"kind": "kp", "ordinal": "7", "title": "7. Komunitní plán sociálních služeb",
            "subtitle": "", "code": "kp7", "description": "", "period_start": "2027",
            "period_end": "2030", "approved_by": "Zastupitelstvo města Ostravy",
            "resolution_number": "1234/ZM2226/22", "resolution_date": "2026-12-10",
            "working_group": "", "language": "cs", "currency": "CZK",
            "level_1_name": "Cíl", "level_2_name": "Opatření"}
    data.update(overrides)
    return data


def test_officer_creates_a_plan_with_its_levels(oc, officer):
    response = oc.post(url("plan_create"), _plan_post(
        level_1_name="Tematická oblast", level_2_name="Strategický cíl",
        level_3_name="Specifický cíl", level_4_name="Opatření", level_2_role="",
    ))
    assert response.status_code == 302
    plan = Plan.objects.get(code="kp7")
    assert response["Location"] == url("plan_editor", "kp7")
    assert plan.status == PlanStatus.DRAFT and plan.resolution_number == "1234/ZM2226/22"
    assert [(lvl.name, lvl.role) for lvl in plan.levels.all()] == PSZ_LEVELS
    assert audit_entries_for(plan).filter(actor=officer, action=AuditAction.CREATE).exists()


def test_level_roles_can_be_chosen_and_the_last_is_a_measure(oc):
    oc.post(url("plan_create"), _plan_post(level_1_name="Priorita", level_1_role="goal",
                                           level_2_name="Aktivita"))
    roles = list(PlanLevel.objects.filter(plan__code="kp7").values_list("role", flat=True))
    assert roles == [LevelRole.GOAL, LevelRole.MEASURE]


@pytest.mark.parametrize(("overrides", "field"), [
    ({"period_end": "2020"}, "period_end"),
    ({"code": "new"}, "code"),
    ({"level_1_name": "", "level_2_name": ""}, "level_1_name"),
    ({"level_2_name": "", "level_3_name": "Mezera"}, "level_2_name"),
    ({"resolution_date": "2026-02-30"}, "resolution_date"),
])
def test_bad_plan_input_is_shown_and_nothing_is_saved(oc, overrides, field):
    response = oc.post(url("plan_create"), _plan_post(**overrides))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Plan.objects.filter(title__startswith="7.").exists()


def test_plan_settings_save_and_a_stale_save_is_refused(oc, client, plan, other_officer):
    data = {"version": plan.version, "kind": plan.kind, "title": plan.title, "code": plan.code,
            "period_start": plan.period_start, "period_end": plan.period_end,
            "approved_by": "Rada města", "ordinal": "", "subtitle": "", "description": "",
            "resolution_number": "", "resolution_date": "", "working_group": "",
            "language": "cs", "currency": "CZK"}
    ps.plan_update(actor=other_officer, plan=plan, subtitle="Akční plán I.")
    response = oc.post(url("plan_settings", plan.code), data)
    assert response.status_code == 409
    assert "Akční plán I." in response.text  # what the other person changed
    plan.refresh_from_db()
    assert plan.subtitle == "Akční plán I." and plan.approved_by == ""
    response = oc.post(url("plan_settings", plan.code),
                       {**data, "version": plan.version, "subtitle": "Akční plán I."})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.approved_by == "Rada města"


def test_a_plan_s_documents_take_its_language_and_currency_from_the_settings(oc):
    oc.post(url("plan_create"), _plan_post(language="en", currency="EUR"))
    plan = Plan.objects.get(code="kp7")
    assert (plan.language, plan.currency) == ("en", "EUR")


@pytest.mark.parametrize("currency", ["eur", "EURO", "€", ""])
def test_a_currency_that_is_not_an_iso_code_is_refused(oc, currency):
    response = oc.post(url("plan_create"), _plan_post(currency=currency))
    assert response.status_code == 200
    assert "currency" in response.context["form"].errors
    assert not Plan.objects.filter(code="kp7").exists()


def test_plan_status_changes_along_the_allowed_transitions_and_is_audited(oc, officer):
    plan = ps.plan_create(actor=officer, levels=PSZ_LEVELS, kind="psz", code="p2",
                          title="Plán", period_start=2024)
    page = oc.get(url("plan_status", plan.code))
    assert set(dict(page.context["form"].fields["to_status"].choices)) == {
        PlanStatus.PUBLIC_COMMENT, PlanStatus.APPROVED}
    response = oc.post(url("plan_status", plan.code),
                       {"to_status": PlanStatus.ARCHIVED, "message": ""})
    assert response.status_code == 200 and "to_status" in response.context["form"].errors
    response = oc.post(url("plan_status", plan.code),
                       {"to_status": PlanStatus.PUBLIC_COMMENT,
                        "message": "Usnesení rady č. 1/2024"})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PUBLIC_COMMENT
    entry = audit_entries_for(plan).filter(action=AuditAction.TRANSITION).get()
    assert entry.message == "Usnesení rady č. 1/2024" and entry.actor == officer
    for status in (PlanStatus.APPROVED, PlanStatus.IN_FORCE, PlanStatus.ARCHIVED):
        assert oc.post(url("plan_status", plan.code), {"to_status": status}).status_code == 302
    page = oc.get(url("plan_status", plan.code))
    assert page.status_code == 200 and not page.context["form"].fields["to_status"].choices


# --- The tree ------------------------------------------------------------------------------


def test_editor_shows_every_item_with_code_title_and_status(oc, plan, tree):
    response = oc.get(url("plan_editor", plan.code))
    assert response.status_code == 200
    for item in tree.values():
        assert f'id="row-{item.pk}"' in response.text
        assert item.code in response.text
    assert "v realizaci" in response.text.lower() or "in progress" in response.text
    assert 'name="htmx-config"' in response.text
    assert "style=" not in response.text and "hx-on" not in response.text


def test_search_keeps_matches_with_their_ancestors(oc, plan, tree):
    response = oc.get(url("plan_editor", plan.code), {"q": "zabydlovani"})
    shown = {node.item.pk for root in response.context["tree"] for node in root.walk()}
    assert shown == {tree[k].pk for k in ("area", "goal", "specific", "second")}
    assert response.context["match_count"] == 1
    response = oc.get(url("plan_editor", plan.code), {"q": "nic takového"})
    assert response.context["tree"] == []


def test_inline_add_of_a_measure_under_a_specific_goal(oc, plan, tree, officer):
    form = oc.get(url("plan_item_create", plan.code), {"parent": tree["specific"].pk}, **HTMX)
    assert form.status_code == 200 and "<html" not in form.text
    assert "status" in form.context["form"].fields  # a measure's form
    response = oc.post(url("plan_item_create", plan.code),
                       {"parent": tree["specific"].pk, "code": "1.1.1.3",
                        "title": "Nové opatření", "status": MeasureStatus.NOT_STARTED}, **HTMX)
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#plan-tree"
    new = PlanItem.objects.get(code="1.1.1.3")
    assert new.parent == tree["specific"] and new.level.role == LevelRole.MEASURE
    assert new.position == 3
    assert f'id="row-{new.pk}"' in response.text and 'hx-swap-oob="innerHTML"' in response.text
    assert audit_entries_for(new).filter(actor=officer, action=AuditAction.CREATE).exists()


def test_add_without_javascript_is_a_page_and_a_redirect(oc, plan, tree):
    page = oc.get(url("plan_item_create", plan.code), {"parent": tree["goal"].pk})
    assert page.status_code == 200 and "<html" in page.text
    response = oc.post(url("plan_item_create", plan.code),
                       {"parent": tree["goal"].pk, "code": "1.1.2", "title": "Druhý cíl"})
    assert response.status_code == 302
    new = PlanItem.objects.get(code="1.1.2")
    assert response["Location"].endswith(f"#item-{new.pk}")
    assert new.level.role == LevelRole.SPECIFIC_GOAL


@pytest.mark.parametrize("parent", ["999999", "abc"])
def test_add_under_an_unknown_parent_is_refused(oc, plan, tree, parent):
    before = PlanItem.objects.count()
    response = oc.post(url("plan_item_create", plan.code),
                       {"parent": parent, "code": "9", "title": "Sirotek"}, **HTMX)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert PlanItem.objects.count() == before


def test_add_under_a_measure_is_refused(oc, plan, tree):
    response = oc.post(url("plan_item_create", plan.code),
                       {"parent": tree["first"].pk, "code": "x", "title": "Pod opatřením"})
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert not PlanItem.objects.filter(code="x").exists()


def test_add_of_an_item_from_another_plan_as_parent_is_refused(oc, plan, tree, officer):
    other = PlanFactory(code="jiny")
    foreign = PlanItem.objects.create(plan=other, level=other.levels.get(depth=1), code="F",
                                      title="Cizí")
    response = oc.post(url("plan_item_create", plan.code),
                       {"parent": foreign.pk, "code": "F.1", "title": "Pod cizím"})
    assert response.status_code == 200
    assert not PlanItem.objects.filter(code="F.1").exists()


def test_inline_edit_replaces_the_row(oc, plan, tree):
    item = tree["first"]
    form = oc.get(url("plan_item_inline", plan.code, item.pk), **HTMX)
    assert f'<form id="row-{item.pk}"' in form.text and "<html" not in form.text
    response = oc.post(url("plan_item_inline", plan.code, item.pk),
                       _quick(item, title="Vyčlenění 40 bytů"), **HTMX)
    assert response.status_code == 200
    assert f'<div id="row-{item.pk}"' in response.text and "Vyčlenění 40 bytů" in response.text
    item.refresh_from_db()
    assert item.title == "Vyčlenění 40 bytů"


def test_a_code_printed_twice_is_saved_from_the_editor_and_flagged_on_the_data_checks(
        oc, plan, tree):
    second, first = tree["second"], tree["first"]
    response = oc.post(url("plan_item_inline", plan.code, second.pk),
                       _quick(second, code=first.code), **HTMX)
    assert response.status_code == 200
    second.refresh_from_db()
    assert second.code == first.code
    html = oc.get(url("plan_data_checks", plan.code)).text
    duplicates = html.split('id="check-duplicate_code"')[1].split("</section>")[0]
    assert first.code in duplicates


def test_inline_edit_errors_are_shown_in_the_row(oc, plan, tree):
    item = tree["first"]
    response = oc.post(url("plan_item_inline", plan.code, item.pk),
                       _quick(item, title="", status="neexistuje"), **HTMX)
    assert response.status_code == 200
    assert {"title", "status"} <= set(response.context["form"].errors)
    assert 'role="alert"' in response.text
    item.refresh_from_db()
    assert item.title == "Vyčlenění bytů"


@pytest.mark.parametrize("htmx", [True, False], ids=["inline", "page"])
def test_concurrent_inline_edit_is_refused_with_the_other_change(oc, plan, tree, other_officer,
                                                                 htmx):
    item = tree["first"]
    seen = _quick(item)  # both opened the form at this version
    ps.plan_item_update(actor=other_officer, item=item, expected_version=item.version,
                        title="Titulek kolegyně")
    response = oc.post(url("plan_item_inline", plan.code, item.pk),
                       {**seen, "title": "Můj titulek"}, **(HTMX if htmx else {}))
    assert response.status_code == 409
    assert "Titulek kolegyně" in response.text
    assert "Petra Druhá" in response.text or "officer2" in response.text
    assert ("<html" in response.text) is not htmx
    item.refresh_from_db()
    assert item.title == "Titulek kolegyně"


def test_full_form_saves_every_field_of_a_measure(oc, plan, tree, officer, group_a):
    item = tree["first"]
    org = OrganisationFactory(name="Armáda spásy v České republice, z. s.")
    response = oc.post(url("plan_item_update", plan.code, item.pk), _full(
        item, status=MeasureStatus.COMPLETED, status_text="Dokončeno (6/6)", reports_done="6",
        reports_total="6", activity_type="project", activity_type_text="projektová",
        service_type="SAS", period_start="2023-01-01", period_end="2025-12-31",
        cross_cutting_priority="on", working_groups_0=group_a.pk, footnote="Pozn. 1",
        **{"impl-0-organisation": org.pk, "impl-0-published_name": "Armáda spásy v ČR"},
    ))
    assert response.status_code == 302, response.context and response.context["form"].errors
    item.refresh_from_db()
    assert (item.status, item.reports_label, item.service_type) == ("completed", "6/6", "SAS")
    assert item.cross_cutting_priority and list(item.working_groups.all()) == [group_a]
    assert [str(link) for link in item.implementer_links.all()] == ["Armáda spásy v ČR"]
    entry = audit_entries_for(item).first()
    assert entry.actor == officer and "implementers" in entry.changes


@pytest.mark.parametrize(("overrides", "field"), [
    ({"reports_done": "7", "reports_total": "6"}, "reports_done"),
    ({"period_start": "2025-01-01", "period_end": "2024-01-01"}, "period_end"),
    ({"period_start": "2025-02-30"}, "period_start"),
    ({"status": "hotovo"}, "status"),
    ({"reports_total": "-1"}, "reports_total"),
    ({"title": ""}, "title"),
])
def test_full_form_bad_input_is_shown_and_nothing_is_saved(oc, plan, tree, overrides, field):
    item = tree["first"]
    response = oc.post(url("plan_item_update", plan.code, item.pk),
                       _full(item, description="Neuloží se", **overrides))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert f'id="id_{field}_error"' in response.text
    item.refresh_from_db()
    assert item.description == "" and item.version == tree["first"].version


def test_groups_and_implementers_are_picked_by_autocomplete_not_from_a_list_of_all(
        oc, plan, tree, group_a):
    """A region's install has hundreds of groups and thousands of organisations:
    the form lists none of them; a typed exact name is taken, an unknown one
    is an error naming the field, and nothing is saved then."""
    item = tree["first"]
    for number in range(30):
        OrganisationFactory(name=f"Spolek {number:02}")
        WorkingGroupFactory(name=f"Skupina {number:02}", code=f"SK{number:02}")
    page = oc.get(url("plan_item_update", plan.code, item.pk))
    assert "Spolek 17" not in page.text and "Skupina 17" not in page.text
    assert 'name="working_groups_0__text"' in page.text
    assert 'name="impl-0-organisation__text"' in page.text
    unknown = oc.post(url("plan_item_update", plan.code, item.pk), _full(
        item, working_groups_0="", working_groups_0__text="Skupina Nikde"))
    assert unknown.status_code == 200 and "working_groups" in unknown.context["form"].errors
    assert not item.working_groups.exists()
    saved = oc.post(url("plan_item_update", plan.code, item.pk), _full(
        item, working_groups_0="", working_groups_0__text="Skupina 17",
        working_groups_1=group_a.pk, working_groups_1__text=group_a.name,
        **{"impl-0-organisation": "", "impl-0-organisation__text": "Spolek 17"}))
    assert saved.status_code == 302
    assert sorted(g.name for g in item.working_groups.all()) == ["Skupina 17", group_a.name]
    assert [link.organisation.name for link in item.implementer_links.all()] == ["Spolek 17"]


def test_full_form_refuses_an_unknown_implementer(oc, plan, tree):
    item = tree["first"]
    response = oc.post(url("plan_item_update", plan.code, item.pk),
                       _full(item, **{"impl-0-organisation": "999999"}))
    assert response.status_code == 200
    assert response.context["formset"].errors[0]["organisation"]
    assert not item.implementer_links.exists()


def test_full_form_refuses_a_post_claiming_thousands_of_implementers(oc, plan, tree):
    item = tree["first"]
    response = oc.post(url("plan_item_update", plan.code, item.pk),
                       _full(item, description="Neuloží se", **{"impl-TOTAL_FORMS": "100000"}))
    assert response.status_code == 200
    formset = response.context["formset"]
    # Built no more than absolute_max forms, and says why it refused.
    assert len(formset.forms) == 100
    assert formset.non_form_errors()
    assert str(formset.non_form_errors()[0]) in response.text
    item.refresh_from_db()
    assert item.description == "" and not item.implementer_links.exists()


def test_full_form_shows_only_the_fields_of_the_level(oc, plan, tree):
    goal = oc.get(url("plan_item_update", plan.code, tree["specific"].pk)).context["form"]
    assert {"target_text", "target_year"} <= set(goal.fields)
    assert "status" not in goal.fields
    area = oc.get(url("plan_item_update", plan.code, tree["area"].pk)).context["form"]
    assert "target_text" not in area.fields and "status" not in area.fields


def test_full_form_stale_save_is_refused(oc, plan, tree, other_officer):
    item = tree["first"]
    seen = _full(item, description="Můj popis")
    ps.plan_item_update(actor=other_officer, item=item, description="Popis kolegyně")
    response = oc.post(url("plan_item_update", plan.code, item.pk), seen)
    assert response.status_code == 409 and "Popis kolegyně" in response.text
    item.refresh_from_db()
    assert item.description == "Popis kolegyně"


def test_summary_of_a_year_is_sanitised_and_kept_per_year(oc, plan, tree):
    item = tree["first"]
    page = oc.get(url("plan_item_summary", plan.code, item.pk), {"year": "2023"})
    assert page.context["form"].initial["title"].endswith("2024")
    for year in (2023, 2024):
        response = oc.post(url("plan_item_summary", plan.code, item.pk), {
            "year": year, "title": f"Shrnutí za rok {year}",
            "text": f"<p>Rok {year}</p><script>alert(1)</script>"})
        assert response.status_code == 302
    summaries = list(ItemYearSummary.objects.filter(item=item).order_by("year"))
    assert [s.year for s in summaries] == [2023, 2024]
    assert "<script" not in summaries[0].text and "<p>Rok 2023</p>" in summaries[0].text
    response = oc.post(url("plan_item_summary", plan.code, item.pk),
                       {"year": "dvacet", "title": "", "text": ""})
    assert response.status_code == 200 and {"year", "title", "text"} <= set(
        response.context["form"].errors)


def test_move_up_and_down_among_siblings(oc, plan, tree):
    first, second = tree["first"], tree["second"]
    response = oc.post(url("plan_item_move", plan.code, second.pk),
                       {"direction": "up", "version": second.version}, **HTMX)
    assert response.status_code == 200 and response["HX-Retarget"] == "#plan-tree"
    order = list(PlanItem.objects.filter(parent=tree["specific"]).order_by("position")
                 .values_list("pk", flat=True))
    assert order == [second.pk, first.pk]
    # Already first: nothing changes, and without JS it is a redirect.
    response = oc.post(url("plan_item_move", plan.code, second.pk), {"direction": "up"})
    assert response.status_code == 302
    assert list(PlanItem.objects.filter(parent=tree["specific"]).order_by("position")
                .values_list("pk", flat=True)) == order


def test_move_to_another_parent_one_level_up(oc, plan, tree, officer):
    other_specific = ps.plan_item_create(actor=officer, plan=plan, parent=tree["goal"],
                                         code="1.1.2", title="Jiný specifický cíl")
    item = tree["first"]
    page = oc.get(url("plan_item_move", plan.code, item.pk))
    choices = dict(page.context["form"].fields["parent"].choices)
    assert set(choices) == {tree["specific"].pk, other_specific.pk}
    response = oc.post(url("plan_item_move", plan.code, item.pk),
                       {"parent": other_specific.pk, "position": 1, "version": item.version})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.parent == other_specific and item.position == 1
    assert PlanItem.objects.get(pk=tree["second"].pk).position == 1  # renumbered


@pytest.mark.parametrize("parent", ["999999", "goal"])
def test_move_to_an_unknown_or_wrong_level_parent_is_refused(oc, plan, tree, parent):
    item = tree["first"]
    target = tree[parent].pk if parent in tree else parent
    response = oc.post(url("plan_item_move", plan.code, item.pk),
                       {"parent": target, "position": 1, "version": item.version}, **HTMX)
    assert response.status_code == 200 and "parent" in response.context["form"].errors
    item.refresh_from_db()
    assert item.parent == tree["specific"]


def test_delete_asks_first_then_deletes_the_subtree_audited(oc, plan, tree, officer):
    page = oc.get(url("plan_item_delete", plan.code, tree["specific"].pk))
    assert page.status_code == 200
    assert [i.pk for i in page.context["descendants"]] == [tree["first"].pk, tree["second"].pk]
    assert PlanItem.objects.filter(pk=tree["specific"].pk).exists()
    response = oc.post(url("plan_item_delete", plan.code, tree["specific"].pk))
    assert response.status_code == 302
    assert not PlanItem.objects.filter(pk__in=[tree["specific"].pk, tree["first"].pk]).exists()
    assert AuditEntry.objects.filter(action=AuditAction.DELETE, actor=officer,
                                     object_id=str(tree["specific"].pk)).exists()


def test_bulk_status_change_of_ticked_measures(oc, plan, tree, officer):
    response = oc.post(url("plan_bulk_status", plan.code),
                       {"items": [tree["first"].pk, tree["second"].pk],
                        "status": MeasureStatus.COMPLETED}, **HTMX)
    assert response.status_code == 200 and response["HX-Retarget"] == "#plan-tree"
    assert set(PlanItem.objects.filter(pk__in=[tree["first"].pk, tree["second"].pk])
               .values_list("status", flat=True)) == {MeasureStatus.COMPLETED}
    assert audit_entries_for(tree["second"]).filter(actor=officer).first().changes == {
        "status": [MeasureStatus.NOT_STARTED, MeasureStatus.COMPLETED]}


@pytest.mark.parametrize("case", ["not a measure", "nothing ticked", "bad status",
                                  "other plan"])
def test_bulk_status_bad_input_changes_nothing(oc, plan, tree, case):
    other = PlanFactory(code="jiny")
    foreign = PlanItem.objects.create(plan=other, level=other.levels.get(depth=4), code="F",
                                      title="Cizí", status=MeasureStatus.NOT_STARTED)
    items = {"not a measure": [tree["first"].pk, tree["goal"].pk], "nothing ticked": [],
             "bad status": [tree["first"].pk], "other plan": [tree["first"].pk, foreign.pk]}
    status = "hotovo" if case == "bad status" else MeasureStatus.COMPLETED
    response = oc.post(url("plan_bulk_status", plan.code), {"items": items[case],
                                                            "status": status})
    assert response.status_code == 200
    assert response.context["bulk_status_form"].errors
    assert PlanItem.objects.get(pk=tree["first"].pk).status == MeasureStatus.IN_PROGRESS
    assert PlanItem.objects.get(pk=foreign.pk).status == MeasureStatus.NOT_STARTED


# --- History and restore --------------------------------------------------------------------


def test_history_lists_changes_and_restore_brings_the_old_version_back(oc, plan, tree,
                                                                       other_officer):
    item = tree["first"]
    ps.plan_item_update(actor=other_officer, item=item, title="Nový titulek",
                        status=MeasureStatus.COMPLETED)
    item.refresh_from_db()
    page = oc.get(url("plan_item_history", plan.code, item.pk))
    assert page.status_code == 200
    assert "Nový titulek" in page.text and "Vyčlenění bytů" in page.text
    created = audit_entries_for(item).get(action=AuditAction.CREATE)
    response = oc.post(url("plan_item_restore", plan.code, item.pk),
                       {"entry": created.pk, "version": item.version})
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.title, item.status) == ("Vyčlenění bytů", MeasureStatus.IN_PROGRESS)
    latest = audit_entries_for(item).first()
    assert latest.message.startswith(("Restored", "Obnovena")) and latest.changes["title"] == [
        "Nový titulek", "Vyčlenění bytů"]


def test_restore_keeps_the_place_of_a_moved_item(oc, plan, tree):
    item = tree["second"]
    created = audit_entries_for(item).get(action=AuditAction.CREATE)
    oc.post(url("plan_item_move", plan.code, item.pk), {"direction": "up"})
    oc.post(url("plan_item_inline", plan.code, item.pk),
            _quick(PlanItem.objects.get(pk=item.pk), title="Jiný"))
    item.refresh_from_db()
    oc.post(url("plan_item_restore", plan.code, item.pk),
            {"entry": created.pk, "version": item.version})
    item.refresh_from_db()
    assert item.title == "Zabydlování domácností"
    positions = list(PlanItem.objects.filter(parent=tree["specific"]).order_by("position")
                     .values_list("pk", "position"))
    assert positions == [(item.pk, 1), (tree["first"].pk, 2)]


def test_stale_restore_is_refused(oc, plan, tree, other_officer):
    item = tree["first"]
    created = audit_entries_for(item).get(action=AuditAction.CREATE)
    seen_version = item.version
    ps.plan_item_update(actor=other_officer, item=item, title="Souběžná změna")
    response = oc.post(url("plan_item_restore", plan.code, item.pk),
                       {"entry": created.pk, "version": seen_version})
    assert response.status_code == 409 and "Souběžná změna" in response.text
    assert PlanItem.objects.get(pk=item.pk).title == "Souběžná změna"


@pytest.mark.parametrize("entry", ["999999", "x", "other item"])
def test_restore_of_an_unknown_entry_is_refused(oc, plan, tree, entry):
    if entry == "other item":
        entry = audit_entries_for(tree["second"]).first().pk
    response = oc.post(url("plan_item_restore", plan.code, tree["first"].pk),
                       {"entry": entry, "version": tree["first"].version})
    assert response.status_code == 302
    assert PlanItem.objects.get(pk=tree["first"].pk).title == "Vyčlenění bytů"


# --- Query counts ----------------------------------------------------------------------------


def _grow(plan, officer, specific, factor):
    level = plan.levels.get(depth=4)
    start = PlanItem.objects.filter(parent=specific).count()
    PlanItem.objects.bulk_create([
        PlanItem(plan=plan, parent=specific, level=level, position=start + i + 1,
                 code=f"1.1.1.{start + i + 1}", title=f"Opatření {i}",
                 status=MeasureStatus.NOT_STARTED)
        for i in range(factor)
    ])


def _count(client, path, *, warm_up=True):
    """(queries, bytes) of a GET. The measure after the data grew needs no
    warm-up (ContentType, templates): the first measure's left them warm."""
    if warm_up:
        client.get(path)
    else:
        current_city()  # the one cache a growth of the data may have forgotten
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200
    return len(ctx.captured_queries), len(response.content)


# Session, user, plan, levels, items (one query for the whole tree).
EDITOR_QUERIES = 5
# Session, user, plan, item, its audit entries.
HISTORY_QUERIES = 5


@pytest.mark.parametrize("q", ["", "opatření 1"])
def test_editor_query_count_does_not_grow(oc, plan, tree, officer, q):
    path = url("plan_editor", plan.code) + (f"?q={q}" if q else "")
    small, small_size = _count(oc, path)
    _grow(plan, officer, tree["specific"], 20 * PlanItem.objects.filter(plan=plan).count())
    large, large_size = _count(oc, path, warm_up=False)
    assert small == large == EDITOR_QUERIES
    assert large_size > 4 * small_size  # the grown rows are on the page


def test_history_query_count_does_not_grow(oc, plan, tree, officer):
    item = tree["first"]
    path = url("plan_item_history", plan.code, item.pk)
    small, small_size = _count(oc, path)
    for i in range(30):
        item = ps.plan_item_update(actor=officer, item=item, title=f"Titulek {i}",
                                   reports_done=i % 6)
    large, large_size = _count(oc, path, warm_up=False)
    assert small == large == HISTORY_QUERIES
    assert large_size > 4 * small_size  # the grown rows are on the page


def test_ids_and_values_are_not_localised_for_big_numbers(oc, plan, tree, officer):
    """Czech number formatting would turn 123456 into "123 456" in ids, hx-target
    selectors and hidden values, breaking the editor on a big database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), 123455)",
                       [PlanItem._meta.db_table])
    big = ps.plan_item_create(actor=officer, plan=plan, parent=tree["specific"],
                              code="1.1.1.9", title="Velké id", status=MeasureStatus.NOT_STARTED)
    assert big.pk == 123456
    pages = [oc.get(url("plan_editor", plan.code)),
             oc.get(url("plan_item_inline", plan.code, big.pk), **HTMX),
             oc.get(url("plan_item_history", plan.code, big.pk))]
    for page in pages:
        assert "123456" in page.text
        assert "123\xa0456" not in page.text and "123 456" not in page.text
    response = oc.post(url("plan_bulk_status", plan.code),
                       {"items": ["123456"], "status": MeasureStatus.COMPLETED})
    assert response.status_code == 302
    assert PlanItem.objects.get(pk=123456).status == MeasureStatus.COMPLETED


def test_summary_form_refuses_a_year_written_meanwhile(client, officer, administrator):
    """Two officers open the 2023 summary of the same goal before either saves."""
    from planning.models import ItemYearSummary
    from tests.planning.factories import PlanFactory, PlanItemFactory

    measure = PlanItemFactory.measure(plan=PlanFactory(code="summary-race"))
    goal = measure.parent
    url = reverse("planning:plan_item_summary", args=["summary-race", goal.pk]) + "?year=2023"
    client.force_login(officer)
    first_form = client.get(url).context["form"]
    assert first_form.initial["version"] == 0
    post = {"year": 2023, "version": 0, "title": "Shrnutí za rok 2023", "text": "<p>A</p>"}
    assert client.post(url, post).status_code == 302
    client.force_login(administrator)
    response = client.post(url, {**post, "text": "<p>B</p>"})
    assert response.status_code == 409
    assert ItemYearSummary.objects.get(item=goal, year=2023).text == "<p>A</p>"


# --- Valid, readable markup (vnu, axe label-content-name-mismatch, heading order) ----


class _Markup(HTMLParser):
    """Headings in order, htmx attributes not spelled data-hx-*, and links or
    buttons whose aria-label does not contain their visible text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.headings, self.bare_htmx, self.mismatches = [], [], []
        self._open = []  # [tag, aria-label, text] of the links and buttons we are in
        self._spans = []  # is each open span hidden (visually-hidden, aria-hidden)?

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.bare_htmx += [name for name in attrs if name.startswith("hx-")]
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag in ("a", "button"):
            self._open.append([tag, attrs.get("aria-label"), ""])
        if tag == "span":
            self._spans.append("visually-hidden" in (attrs.get("class") or "")
                               or attrs.get("aria-hidden") == "true")

    def handle_endtag(self, tag):
        if tag == "span" and self._spans:
            self._spans.pop()
        if tag in ("a", "button") and self._open:
            _tag, label, text = self._open.pop()
            visible = " ".join(text.split()).lower()
            # WCAG 2.5.3: the name starts with the words one sees.
            if label and visible and not label.lower().startswith(visible.strip("+⋯↑↓ ")):
                self.mismatches.append((visible, label))

    def handle_data(self, data):
        if self._open and not any(self._spans):
            self._open[-1][2] += data


def _markup(response):
    assert response.status_code == 200, response.status_code
    parser = _Markup()
    parser.feed(response.content.decode())
    return parser


def test_editor_pages_are_valid_html_with_names_that_match_labels_and_ordered_headings(
        oc, plan, tree):
    specific, measure = tree["specific"], tree["first"]
    pages = {
        "editor": url("plan_editor", plan.code),
        "add (no script)": url("plan_item_create", plan.code) + f"?parent={specific.pk}",
        "move (no script)": url("plan_item_move", plan.code, measure.pk),
        "all fields": url("plan_item_update", plan.code, measure.pk),
        "history": url("plan_item_history", plan.code, measure.pk),
        "status": url("plan_status", plan.code),
    }
    for name, path in pages.items():
        markup = _markup(oc.get(path))
        assert not markup.bare_htmx, (name, markup.bare_htmx)  # vnu: not allowed
        assert not markup.mismatches, (name, markup.mismatches)
        levels = markup.headings
        assert levels and levels[0] == 1, (name, levels)
        skips = [(a, b) for a, b in zip(levels, levels[1:], strict=False) if b > a + 1]
        assert not skips, (name, levels)
    editor = oc.get(pages["editor"]).content.decode()
    assert f'data-hx-get="{url("plan_item_inline", plan.code, measure.pk)}"' in editor
