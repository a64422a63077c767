"""Deleted plan items stay in the plan's history and can be restored (issue
15: the history of a deleted item answered 404): the plan's deleted items
are listed, a deleted item's history shows its changes and the deletion,
and restoring brings it back with the items below it, its implementers and
working groups, at its old place, audited; its history continues."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.audit import audit_entries_for
from core.models import AuditAction, AuditEntry
from planning.models import MeasureStatus, PlanItem
from planning.services import plans as ps
from tests.directory.factories import OrganisationFactory
from tests.planning.test_plan_editor import (  # noqa: F401 - fixtures
    _plans_once,
    officer,
    other_officer,
    plan,
    tree,
    url,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def oc(client, officer):  # noqa: F811 - the imported fixture
    client.force_login(officer)
    return client


@pytest.fixture
def deleted(plan, tree, officer, group_a):  # noqa: F811
    """The specific goal deleted with its two measures, after a change of one."""
    organisation = OrganisationFactory(name="Charita")
    ps.plan_item_update(actor=officer, item=tree["first"], title="Vyčlenění bytů města",
                        implementers=[(organisation, "Charita Testov")],
                        working_groups=[group_a])
    ps.item_summary_set(actor=officer, item=tree["specific"], year=2023,
                        title="Shrnutí za rok 2023", text="<p>Daří se.</p>")
    ps.plan_item_delete(actor=officer, item=tree["specific"], message="Nepotřebné")
    return {**tree, "organisation": organisation}


def test_the_history_of_a_deleted_item_answers_with_its_changes(oc, plan, deleted):  # noqa: F811
    response = oc.get(url("plan_item_history", plan.code, deleted["first"].pk))
    assert response.status_code == 200
    text = response.text
    assert "Vyčlenění bytů města" in text and "Vyčlenění bytů" in text
    assert url("plan_item_undelete", plan.code,
               AuditEntry.objects.get(action=AuditAction.DELETE,
                                      object_id=str(deleted["specific"].pk)).pk) in text
    response = oc.get(url("plan_item_history", plan.code, deleted["specific"].pk))
    assert response.status_code == 200 and "Sociální byty" in response.text


def test_an_id_that_never_was_an_item_of_the_plan_still_answers_404(oc, plan, deleted):  # noqa: F811
    assert oc.get(url("plan_item_history", plan.code, 999999)).status_code == 404


def test_the_plan_lists_its_deleted_items(oc, plan, deleted):  # noqa: F811
    response = oc.get(url("plan_deleted_items", plan.code))
    assert response.status_code == 200
    assert "1.1.1 Sociální byty" in response.text
    assert "1.1.1.1 Vyčlenění bytů města" in response.text
    assert "Nepotřebné" in response.text
    assert url("plan_deleted_items", plan.code) in oc.get(url("plan_editor", plan.code)).text


def test_restoring_brings_back_the_subtree_at_its_place_audited(oc, plan, deleted, officer,  # noqa: F811
                                                                group_a):
    ps.plan_item_create(actor=officer, plan=plan, parent=deleted["goal"], code="1.1.2",
                        title="Jiný cíl")
    entry = AuditEntry.objects.get(action=AuditAction.DELETE,
                                   object_id=str(deleted["specific"].pk))

    response = oc.post(url("plan_item_undelete", plan.code, entry.pk))

    assert response.status_code == 302
    specific = PlanItem.objects.get(pk=deleted["specific"].pk)
    assert (specific.code, specific.title, specific.position) == ("1.1.1", "Sociální byty", 1)
    assert specific.target_year == 2025
    assert [(y.year, y.text) for y in specific.summaries.all()] == [(2023, "<p>Daří se.</p>")]
    assert list(PlanItem.objects.filter(parent=deleted["goal"]).order_by("position")
                .values_list("code", flat=True)) == ["1.1.1", "1.1.2"]
    first = PlanItem.objects.get(pk=deleted["first"].pk)
    assert first.parent_id == specific.pk
    assert (first.title, first.status) == ("Vyčlenění bytů města", MeasureStatus.IN_PROGRESS)
    assert [(link.organisation, link.published_name) for link in first.implementer_links.all()] \
        == [(deleted["organisation"], "Charita Testov")]
    assert list(first.working_groups.all()) == [group_a]
    assert PlanItem.objects.filter(pk=deleted["second"].pk).exists()
    # the history continues: before the deletion, the deletion, the restoration
    actions = list(audit_entries_for(first).order_by("created_at", "id")
                   .values_list("action", flat=True))
    assert actions == ["create", "update", "delete", "create"]
    restored = audit_entries_for(first).order_by("-created_at", "-id").first()
    assert restored.actor == officer and restored.message.startswith("Obnoveno")
    # once back, the entry cannot be used again
    response = oc.post(url("plan_item_undelete", plan.code, entry.pk), follow=True)
    assert "již obnovena" in response.text
    assert PlanItem.objects.filter(plan=plan).count() == 6


def test_an_item_under_a_deleted_parent_waits_for_the_parent(oc, plan, tree, officer):  # noqa: F811
    ps.plan_item_delete(actor=officer, item=tree["first"])
    ps.plan_item_delete(actor=officer, item=tree["specific"])
    first = AuditEntry.objects.get(action=AuditAction.DELETE, object_id=str(tree["first"].pk),
                                   snapshot__has_key="items")
    response = oc.post(url("plan_item_undelete", plan.code, first.pk), follow=True)
    assert "nejprve obnovte" in response.text
    assert not PlanItem.objects.filter(pk=tree["first"].pk).exists()


def test_a_deletion_entry_is_never_restored_as_a_version(oc, plan, deleted):  # noqa: F811
    entry = AuditEntry.objects.get(action=AuditAction.DELETE,
                                   object_id=str(deleted["specific"].pk))
    oc.post(url("plan_item_undelete", plan.code, entry.pk))
    specific = PlanItem.objects.get(pk=deleted["specific"].pk)
    response = oc.post(url("plan_item_restore", plan.code, specific.pk),
                       {"entry": entry.pk, "version": specific.version})
    assert response.status_code == 302
    assert PlanItem.objects.get(pk=specific.pk).title == "Sociální byty"


def _count(client, path):
    client.get(path)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries)


# Session, user, plan, the deletions' count, the page of deletions, which are back.
DELETED_QUERIES = 6
# Session, user, plan, is the item there, its entries, the deletion it went with.
DELETED_HISTORY_QUERIES = 6


def test_the_deleted_items_page_runs_a_fixed_number_of_queries(oc, plan, tree, officer):  # noqa: F811
    ps.plan_item_delete(actor=officer, item=tree["second"])
    path = url("plan_deleted_items", plan.code)
    assert _count(oc, path) == DELETED_QUERIES
    for n in range(20):
        item = ps.plan_item_create(actor=officer, plan=plan, parent=tree["goal"],
                                   code=f"1.1.{n + 5}", title=f"Cíl {n}")
        ps.plan_item_create(actor=officer, plan=plan, parent=item, code=f"1.1.{n + 5}.1",
                            title="Opatření")
        ps.plan_item_delete(actor=officer, item=item)
    assert _count(oc, path) == DELETED_QUERIES


def test_a_deleted_items_history_runs_a_fixed_number_of_queries(oc, plan, deleted, officer):  # noqa: F811
    path = url("plan_item_history", plan.code, deleted["first"].pk)
    assert _count(oc, path) == DELETED_HISTORY_QUERIES
