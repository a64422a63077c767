"""Change proposals: group managers propose, officers accept (applied through the
plan services, audited as the officer) or reject with a comment."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from core.audit import audit_entries_for
from core.models import AuditAction
from planning.models import (
    ChangeProposal,
    MeasureStatus,
    PlanItem,
    PlanStatus,
    ProposalKind,
    ProposalStatus,
)
from planning.services import plans as plan_services
from planning.services import proposals as proposal_services
from tests.accounts.factories import UserFactory
from tests.directory.factories import WorkingGroupFactory
from tests.planning.factories import PlanFactory, PlanItemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(group_a):
    """A plan in force linked to group A through one measure."""
    return PlanFactory(code="psz", status=PlanStatus.IN_FORCE)


@pytest.fixture
def measure(plan, group_a):
    return PlanItemFactory.measure(plan=plan, working_groups=[group_a])


@pytest.fixture
def other_measure(plan, measure):
    """Same plan, another group's measure."""
    return PlanItemFactory(plan=plan, parent=measure.parent, code="1.1.1.2",
                           title="Cizí opatření", status=MeasureStatus.NOT_STARTED)


@pytest.fixture
def unrelated_plan():
    plan = PlanFactory(code="unrelated", status=PlanStatus.IN_FORCE)
    PlanItemFactory.measure(plan=plan, working_groups=[WorkingGroupFactory()])
    return plan


@pytest.fixture
def draft_of_a(group_a):
    return PlanFactory(code="kp5", status=PlanStatus.DRAFT, working_group=group_a)


def _accepted_message(proposal):
    """"accepted proposal #n" in the language the decision was made in (the
    proposal's own audit entry carries the same message)."""
    message = audit_entries_for(proposal).first().message
    assert str(proposal.pk) in message
    with translation.override("en"):
        english = translation.gettext("accepted proposal #%(n)s") % {"n": proposal.pk}
    with translation.override("cs"):
        czech = translation.gettext("accepted proposal #%(n)s") % {"n": proposal.pk}
    assert message in (english, czech)
    return message


def _specific_goal(plan):
    area = PlanItemFactory(plan=plan, code="1", title="Oblast")
    goal = PlanItemFactory(plan=plan, parent=area, code="1.1", title="Cíl")
    return PlanItemFactory(plan=plan, parent=goal, code="1.1.1", title="Specifický")


def _propose_url(item):
    return reverse("planning:proposal_create", args=[item.plan.code, item.pk])


def _decide_url(proposal):
    return reverse("planning:proposal_decide", args=[proposal.plan.code, proposal.pk])


def test_manager_proposes_and_officer_accepts(client, manager_a, officer, measure):
    client.force_login(manager_a)
    assert client.get(_propose_url(measure)).status_code == 200
    response = client.post(_propose_url(measure), {
        "kind": "edit", "title": "Zachování a rozšíření programu APK",
        "description": measure.description, "status": MeasureStatus.COMPLETED,
        "period_text": "", "footnote": "", "reason": "Program byl rozšířen.",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    proposal = ChangeProposal.objects.get()
    assert proposal.status == ProposalStatus.PENDING
    assert proposal.proposed_by == manager_a
    # Only what changed is proposed; the item itself is untouched until accepted.
    assert proposal.values == {"title": "Zachování a rozšíření programu APK",
                               "status": MeasureStatus.COMPLETED}
    assert proposal.original_values["status"] == MeasureStatus.IN_PROGRESS
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.IN_PROGRESS
    assert audit_entries_for(proposal).get().actor == manager_a

    # The manager sees their proposal in their list.
    listing = client.get(reverse("planning:proposal_list", args=[measure.plan.code]))
    assert listing.status_code == 200 and "Zachování a rozšíření" in listing.content.decode()

    client.force_login(officer)
    assert client.get(_decide_url(proposal)).status_code == 200
    response = client.post(_decide_url(proposal), {"decision": "accept", "comment": "Souhlas."})
    assert response.status_code == 302
    measure.refresh_from_db()
    assert measure.title == "Zachování a rozšíření programu APK"
    assert measure.status == MeasureStatus.COMPLETED
    entry = audit_entries_for(measure).first()
    assert entry.actor == officer
    assert entry.action == AuditAction.UPDATE
    assert entry.message == _accepted_message(proposal)
    assert entry.changes["status"] == [MeasureStatus.IN_PROGRESS, MeasureStatus.COMPLETED]
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ACCEPTED
    assert proposal.decided_by == officer and proposal.decided_at is not None
    assert proposal.decision_comment == "Souhlas."
    decision = audit_entries_for(proposal).first()
    assert decision.action == AuditAction.TRANSITION and decision.actor == officer
    assert decision.changes == {"status": ["pending", "accepted"]}


def test_manager_cannot_propose_on_a_plan_unrelated_to_their_group(client, manager_a,
                                                                     unrelated_plan):
    item = unrelated_plan.items.measures().get()
    client.force_login(manager_a)
    assert client.get(_propose_url(item)).status_code == 403
    response = client.post(_propose_url(item), {"kind": "edit", "title": "Jinak"})
    assert response.status_code == 403
    assert client.get(reverse("planning:proposal_list",
                              args=[unrelated_plan.code])).status_code == 403
    assert not ChangeProposal.objects.exists()


def test_manager_cannot_propose_on_another_groups_item_of_a_linked_plan(
        client, manager_a, measure, other_measure):
    client.force_login(manager_a)
    assert client.post(_propose_url(other_measure),
                       {"kind": "edit", "title": "Jinak"}).status_code == 403
    with pytest.raises(PermissionDenied):
        proposal_services.proposal_create(actor=manager_a, plan=other_measure.plan,
                                          kind=ProposalKind.EDIT, item=other_measure,
                                          values={"title": "Jinak"})
    assert not ChangeProposal.objects.exists()


def test_officers_and_other_roles_do_not_propose(client, officer, member_a, measure):
    for user in (officer, member_a):
        client.force_login(user)
        assert client.get(_propose_url(measure)).status_code == 403


def test_reject_requires_a_comment(client, manager_a, officer, measure):
    proposal = proposal_services.proposal_create(
        actor=manager_a, plan=measure.plan, kind=ProposalKind.EDIT, item=measure,
        values={"title": "Nový název"},
    )
    client.force_login(officer)
    response = client.post(_decide_url(proposal), {"decision": "reject", "comment": "  "})
    assert response.status_code == 200
    assert "comment" in response.context["form"].errors
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PENDING
    with pytest.raises(ValidationError):
        proposal_services.proposal_reject(actor=officer, proposal=proposal, comment="")

    response = client.post(_decide_url(proposal),
                           {"decision": "reject", "comment": "Neodpovídá rozpočtu."})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.REJECTED
    assert proposal.decision_comment == "Neodpovídá rozpočtu."
    measure.refresh_from_db()
    assert measure.title != "Nový název"
    entry = audit_entries_for(proposal).first()
    assert entry.actor == officer and entry.changes == {"status": ["pending", "rejected"]}
    # Decided once: a second decision is refused, nothing changes.
    response = client.post(_decide_url(proposal), {"decision": "accept", "comment": ""})
    assert response.status_code == 200
    with pytest.raises(ValidationError):
        proposal_services.proposal_accept(actor=officer, proposal=proposal)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.REJECTED


def test_only_officers_decide(manager_a, measure):
    proposal = proposal_services.proposal_create(
        actor=manager_a, plan=measure.plan, kind=ProposalKind.EDIT, item=measure,
        values={"title": "Nový název"},
    )
    with pytest.raises(PermissionDenied):
        proposal_services.proposal_accept(actor=manager_a, proposal=proposal)


def test_new_measure_under_a_goal_of_a_plan_drafted_by_the_group(client, manager_a, officer,
                                                                 draft_of_a):
    specific = _specific_goal(draft_of_a)
    url = reverse("planning:proposal_create_child", args=[draft_of_a.code, specific.pk])
    client.force_login(manager_a)
    assert client.get(url).status_code == 200
    # A title is required for a new item.
    assert client.post(url, {"parent": specific.pk, "title": ""}).status_code == 200
    assert not ChangeProposal.objects.exists()
    response = client.post(url, {"parent": specific.pk, "title": "Podpora pěstounských rodin",
                                 "status": MeasureStatus.NOT_STARTED,
                                 "reason": "Chybí v plánu."})
    assert response.status_code == 302
    proposal = ChangeProposal.objects.get()
    assert proposal.kind == ProposalKind.NEW and proposal.item is None
    assert proposal.parent == specific

    proposal_services.proposal_accept(actor=officer, proposal=proposal)
    proposal.refresh_from_db()
    created = proposal.item
    assert created.parent == specific and created.is_measure
    assert created.title == "Podpora pěstounských rodin"
    assert list(created.working_groups.all()) == [draft_of_a.working_group]
    entry = audit_entries_for(created).get()
    assert entry.action == AuditAction.CREATE and entry.actor == officer
    assert entry.message == _accepted_message(proposal)


def test_accepted_removal_deletes_the_item_and_keeps_the_proposal(manager_a, officer, measure):
    with pytest.raises(ValidationError):  # a removal needs a reason
        proposal_services.proposal_create(actor=manager_a, plan=measure.plan,
                                          kind=ProposalKind.DELETE, item=measure)
    proposal = proposal_services.proposal_create(
        actor=manager_a, plan=measure.plan, kind=ProposalKind.DELETE, item=measure,
        reason="Opatření se neuskuteční.",
    )
    other = proposal_services.proposal_create(
        actor=manager_a, plan=measure.plan, kind=ProposalKind.EDIT, item=measure,
        values={"title": "Jinak"},
    )
    item_pk = measure.pk
    proposal_services.proposal_accept(actor=officer, proposal=proposal)
    assert not PlanItem.objects.filter(pk=item_pk).exists()
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ACCEPTED and proposal.item is None
    assert proposal.item_label  # still says what it was about
    # A pending proposal of a removed item has nothing left to change.
    assert not ChangeProposal.objects.filter(pk=other.pk).exists()


def test_officer_deleting_an_item_in_the_editor_keeps_decided_proposals(manager_a, officer,
                                                                          measure):
    decided = proposal_services.proposal_create(
        actor=manager_a, plan=measure.plan, kind=ProposalKind.EDIT, item=measure,
        values={"title": "Jinak"})
    proposal_services.proposal_reject(actor=officer, proposal=decided, comment="Ne.")
    pending = proposal_services.proposal_create(
        actor=manager_a, plan=measure.plan, kind=ProposalKind.EDIT, item=measure,
        values={"title": "Ještě jinak"})
    plan_services.plan_item_delete(actor=officer, item=measure.parent)  # with its subtree
    assert not ChangeProposal.objects.filter(pk=pending.pk).exists()
    decided.refresh_from_db()
    assert decided.item is None and decided.status == ProposalStatus.REJECTED


def test_values_are_validated_by_the_model_fields(manager_a, measure):
    def propose(**values):
        return proposal_services.proposal_create(actor=manager_a, plan=measure.plan,
                                                 kind=ProposalKind.EDIT, item=measure,
                                                 values=values)

    with pytest.raises(ValidationError) as error:
        propose(status="finished")
    assert "status" in error.value.message_dict
    with pytest.raises(ValidationError):
        propose(title="")
    with pytest.raises(ValidationError):  # not a field of a measure
        propose(target_year=2025)
    with pytest.raises(ValidationError):  # not proposable at all
        propose(code="9.9")
    with pytest.raises(ValidationError):  # nothing changes
        propose(title=measure.title)
    with pytest.raises(ValidationError):
        propose(period_text="x" * 2001)  # as long as documents print, not longer
    assert not ChangeProposal.objects.exists()


def test_specific_goal_target_can_be_proposed(manager_a, officer, draft_of_a):
    specific = _specific_goal(draft_of_a)
    proposal = proposal_services.proposal_create(
        actor=manager_a, plan=draft_of_a, kind=ProposalKind.EDIT, item=specific,
        values={"target_text": "Do roku 2027 bude 40 bytů.", "target_year": "2027"},
    )
    assert proposal.values == {"target_text": "Do roku 2027 bude 40 bytů.", "target_year": 2027}
    proposal_services.proposal_accept(actor=officer, proposal=proposal)
    specific.refresh_from_db()
    assert specific.target_year == 2027


def test_form_errors_never_500(client, manager_a, measure):
    client.force_login(manager_a)
    for data in ({"kind": "edit", "status": "nonsense"}, {"kind": "nope"},
                 {"kind": "edit", "title": "\x00"}, {"kind": "delete"},
                 {"kind": "edit", "period_text": "ž" * 400}):
        response = client.post(_propose_url(measure), data)
        assert response.status_code == 200, data
    assert not ChangeProposal.objects.exists()


def test_constraints(manager_a, officer, measure):
    with pytest.raises(IntegrityError), transaction.atomic():
        ChangeProposal.objects.create(plan=measure.plan, item=measure, kind="edit",
                                      proposed_by=manager_a, status="accepted")
    with pytest.raises(IntegrityError), transaction.atomic():
        ChangeProposal.objects.create(plan=measure.plan, item=measure, kind="edit",
                                      proposed_by=manager_a, decided_by=officer)
    with pytest.raises(IntegrityError), transaction.atomic():
        ChangeProposal.objects.create(plan=measure.plan, kind="edit", proposed_by=manager_a)
    ChangeProposal.objects.create(plan=measure.plan, parent=measure.parent, kind="new",
                                  proposed_by=manager_a)


# --- Query counts ------------------------------------------------------------------


def _make_proposals(plan, item, users, count):
    statuses = [ProposalStatus.PENDING, ProposalStatus.ACCEPTED, ProposalStatus.REJECTED]
    officer = UserFactory(is_city_officer=True)
    rows = []
    for i in range(count):
        status = statuses[i % 3]
        decided = status != ProposalStatus.PENDING
        rows.append(ChangeProposal(
            plan=plan, item=item, kind=ProposalKind.EDIT, values={"title": f"Název {i}"},
            proposed_by=users[i % len(users)], status=status,
            decided_by=officer if decided else None,
            decided_at=timezone.now() if decided else None,
            decision_comment="ok" if decided else "",
        ))
    ChangeProposal.objects.bulk_create(rows)


def _count(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


@pytest.mark.parametrize(("role", "pinned"), [("officer", 6), ("manager_a", 8)])
def test_proposal_list_query_count_is_fixed(client, role, pinned, officer, manager_a, measure):
    users = [manager_a, *UserFactory.create_batch(3)]
    url = reverse("planning:proposal_list", args=[measure.plan.code])
    client.force_login({"officer": officer, "manager_a": manager_a}[role])
    _make_proposals(measure.plan, measure, users, 3)
    small, _ = _count(client, url)
    _make_proposals(measure.plan, measure, users, 300)
    large, response = _count(client, url)
    assert small == large == pinned, (small, large)
    assert "Název" in response.content.decode()


def test_item_page_offers_the_manager_a_proposal(client, manager_a, member_a, measure):
    url = reverse("planning:plan_item_detail", args=[measure.plan.code, measure.pk])
    client.force_login(manager_a)
    assert _propose_url(measure) in client.get(url).content.decode()
    client.force_login(member_a)
    assert _propose_url(measure) not in client.get(url).content.decode()


NASTY = ["", "0", "-1", "99999999999999999999", "accept", "reject", "<script>", "\x00",
         "ž" * 6000, "published", "noted", "edit", "delete"]


def test_no_input_makes_the_forms_fail(client, manager_a, officer, measure):
    from planning.models import PlanComment

    proposal = proposal_services.proposal_create(
        actor=manager_a, plan=measure.plan, kind=ProposalKind.EDIT, item=measure,
        values={"title": "Nový"})
    comment = PlanComment.objects.create(plan=measure.plan, item=measure, text="x")
    client.force_login(officer)
    targets = [
        (_decide_url(proposal), ["decision", "comment"]),
        (reverse("planning:comment_settle", args=[measure.plan.code, comment.pk]),
         ["settlement", "settlement_text"]),
        (reverse("planning:comment_moderate", args=[measure.plan.code, comment.pk]),
         ["moderation", "next"]),
    ]
    for url, fields in targets:
        for value in NASTY:
            response = client.post(url, dict.fromkeys(fields, value))
            assert response.status_code in (200, 302), (url, value, response.status_code)
