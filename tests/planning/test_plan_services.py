import inspect

import pytest
from django.core.exceptions import ValidationError

from core.audit import audit_entries_for
from core.services import StaleEditError
from planning.models import LevelRole, MeasureStatus, PlanItem, PlanStatus
from planning.selectors import build_tree, plan_data_checks, plan_items
from planning.services import plans as ps
from tests.directory.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

PSZ_LEVELS = [("Tematická oblast", LevelRole.AREA), ("Strategický cíl", LevelRole.GOAL),
              ("Specifický cíl", LevelRole.SPECIFIC_GOAL), ("Opatření", LevelRole.MEASURE)]


@pytest.fixture
def plan(officer):
    return ps.plan_create(actor=officer, levels=PSZ_LEVELS, kind="psz", code="psz",
                          title="Plán sociálního začleňování Ostrava 2022–2027",
                          period_start=2022, period_end=2027)


@pytest.fixture
def tree(plan, officer):
    area = ps.plan_item_create(actor=officer, plan=plan, code="2", title="Prevence kriminality")
    goal = ps.plan_item_create(actor=officer, plan=plan, parent=area, code="2.1", title="Bezpečí")
    specific = ps.plan_item_create(actor=officer, plan=plan, parent=goal, code="2.1.2",
                                   title="Asistenti prevence kriminality", target_year=2025)
    measure = ps.plan_item_create(
        actor=officer, plan=plan, parent=specific, code="3.2.1.1",
        title="Zachování programu APK", status=MeasureStatus.IN_PROGRESS,
        reports_done=2, reports_total=6,
    )
    return {"area": area, "goal": goal, "specific": specific, "measure": measure}


def test_levels_follow_the_parent(tree):
    assert tree["measure"].level.role == LevelRole.MEASURE
    assert tree["measure"].reports_label == "2/6"


def test_published_code_that_does_not_fit_is_flagged_not_fixed(plan, tree):
    findings = plan_data_checks(plan)
    kinds = {f.kind for f in findings}
    assert "code_parent" in kinds
    tree["measure"].refresh_from_db()
    assert tree["measure"].code == "3.2.1.1"


def test_duplicate_codes_and_titles_are_flagged(plan, tree, officer):
    ps.plan_item_create(actor=officer, plan=plan, parent=tree["specific"], code="3.2.1.1",
                        title="Zachování programu APK")
    kinds = [f.kind for f in plan_data_checks(plan)]
    assert "duplicate_code" in kinds and "duplicate_title" in kinds


def test_one_implementer_spelled_two_ways_is_flagged(plan, tree, officer):
    armada = OrganisationFactory(name="Armáda spásy v České republice, z. s.")
    ps.plan_item_update(actor=officer, item=tree["measure"],
                        implementers=[(armada, "Armáda spásy v České republice, z. s.")])
    other = ps.plan_item_create(actor=officer, plan=plan, parent=tree["specific"], code="2.1.2.2",
                                title="Marodka", implementers=[(armada, "Armáda spásy v ČR, z.s.")])
    finding = next(f for f in plan_data_checks(plan) if f.kind == "implementer_spelling")
    assert other in finding.items


def test_move_reorders_and_refuses_wrong_levels(plan, tree, officer):
    second = ps.plan_item_create(actor=officer, plan=plan, parent=tree["specific"],
                                 code="2.1.2.2", title="Druhé")
    ps.plan_item_move(actor=officer, item=second, new_parent=tree["specific"], position=1)
    order = list(PlanItem.objects.filter(parent=tree["specific"]).order_by("position")
                 .values_list("code", flat=True))
    assert order == ["2.1.2.2", "3.2.1.1"]
    with pytest.raises(ValidationError):
        ps.plan_item_move(actor=officer, item=second, new_parent=tree["goal"], position=1)
    with pytest.raises(ValidationError):
        ps.plan_item_move(actor=officer, item=tree["goal"], new_parent=tree["measure"],
                          position=1)


def test_update_history_and_restore(tree, officer):
    measure = tree["measure"]
    ps.plan_item_update(actor=officer, item=measure, expected_version=1, title="Nový název")
    first_version = audit_entries_for(measure).order_by("created_at", "id").first()
    measure.refresh_from_db()
    ps.plan_item_restore(actor=officer, item=measure, entry=first_version,
                         expected_version=measure.version)
    measure.refresh_from_db()
    assert measure.title == "Zachování programu APK"
    assert audit_entries_for(measure).count() == 3


def test_update_names_every_content_field_of_an_item():
    """A restore passes every recorded field to plan_item_update by name, so a
    new field of PlanItem must be added to the service's keywords too."""
    structure = {"plan", "parent", "level", "position"}
    content = {f.name for f in PlanItem._meta.concrete_fields
               if f.editable and not f.primary_key and f.name not in structure | {"version"}}
    keywords = set(inspect.signature(ps.plan_item_update).parameters)
    assert content <= keywords
    assert not structure & keywords


def test_concurrent_edit_is_refused(tree, officer, administrator):
    measure = tree["measure"]
    ps.plan_item_update(actor=officer, item=measure, expected_version=1, title="Úředník")
    with pytest.raises(StaleEditError):
        ps.plan_item_update(actor=administrator, item=measure, expected_version=1,
                            title="Správce")
    measure.refresh_from_db()
    assert measure.title == "Úředník"


def test_bulk_status_change_only_for_measures(tree, officer):
    assert ps.plan_items_set_status(actor=officer, items=[tree["measure"]],
                                    status=MeasureStatus.COMPLETED) == 1
    with pytest.raises(ValidationError):
        ps.plan_items_set_status(actor=officer, items=[tree["goal"]],
                                 status=MeasureStatus.COMPLETED)


def test_status_workflow(plan, officer):
    ps.plan_transition(actor=officer, plan=plan, to_status=PlanStatus.PUBLIC_COMMENT)
    with pytest.raises(ValidationError):
        ps.plan_transition(actor=officer, plan=plan, to_status=PlanStatus.ARCHIVED)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PUBLIC_COMMENT


def test_tree_is_built_in_a_fixed_number_of_queries(plan, tree, django_assert_num_queries):
    with django_assert_num_queries(4):
        roots = build_tree(list(plan_items(plan)))
    assert [n.item.code for n in roots[0].walk()] == ["2", "2.1", "2.1.2", "3.2.1.1"]


def test_summary_text_is_sanitised(tree, officer):
    summary = ps.item_summary_set(actor=officer, item=tree["specific"], year=2023,
                                  title="Shrnutí za rok 2023 a příležitosti v roce 2024",
                                  text='<p onclick="x()">Text<script>alert(1)</script></p>')
    assert summary.text == "<p>Text</p>"


def test_delete_removes_the_subtree_and_is_audited(tree, officer):
    ps.plan_item_delete(actor=officer, item=tree["goal"])
    assert not PlanItem.objects.filter(pk=tree["measure"].pk).exists()


def test_restore_brings_back_implementers_as_published(tree, officer):
    measure = tree["measure"]
    city = OrganisationFactory(name="Statutární město Ostrava")
    police = OrganisationFactory(name="Městská policie Ostrava")
    ps.plan_item_update(actor=officer, item=measure,
                        implementers=[(city, "Statutární město Ostrava")])
    with_city = audit_entries_for(measure).first()
    assert with_city.snapshot["implementers"] == [[city.pk, "Statutární město Ostrava"]]
    ps.plan_item_update(actor=officer, item=measure,
                        implementers=[(police, "Statutární město Ostrava – Městská policie")])
    ps.plan_item_restore(actor=officer, item=measure, entry=with_city)
    assert [(link.organisation, link.published_name)
            for link in measure.implementer_links.all()] == [(city, "Statutární město Ostrava")]


def test_summary_written_meanwhile_is_not_overwritten(tree, officer, administrator):
    title = "Shrnutí za rok 2023 a příležitosti v roce 2024"
    # Both editors opened the form while the year had no summary (version 0).
    ps.item_summary_set(actor=officer, item=tree["specific"], year=2023, title=title,
                        text="<p>první</p>", expected_version=0)
    with pytest.raises(StaleEditError):
        ps.item_summary_set(actor=administrator, item=tree["specific"], year=2023, title=title,
                            text="<p>druhý</p>", expected_version=0)
    assert tree["specific"].summaries.get(year=2023).text == "<p>první</p>"
