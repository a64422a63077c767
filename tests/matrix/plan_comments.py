"""Change proposals and public comment (planning/views/comments.py)."""

from planning.models import ChangeProposal, PlanComment, ProposalKind
from tests.accounts.factories import UserFactory

from . import everyone, officers_and_manager_of_a, officers_only, signed_in

SCOPES = ("published", "draft", "commenting")

def _plan(w, scope):
    return w[f"plan_{scope}"]

def _measure(w, scope):
    return w[f"measure_{scope}"]

def _proposal(w, scope):
    key = f"proposal_{scope}"
    if key not in w:
        w[key] = ChangeProposal.objects.create(
            plan=_plan(w, scope), item=_measure(w, scope), kind=ProposalKind.EDIT,
            values={"title": "Nový název"}, proposed_by=UserFactory(),
        )
    return w[key]

def _comment(w, scope):
    key = f"comment_{scope}"
    if key not in w:
        w[key] = PlanComment.objects.create(plan=_plan(w, scope), item=_measure(w, scope),
                                            text="Připomínka")
    return w[key]

def manager_of_a_only():
    return {**signed_in(403), "manager_a": 200}

def officers_405():
    return {**signed_in(403), "administrator": 405, "city_officer": 405}

def _per_scope(args, expected):
    return [(scope, (lambda w, s=scope: args(w, s)), expected[scope]) for scope in SCOPES]

MATRIX = {
    # Officers see every proposal of a plan; the manager of A sees their own in
    # plans linked to group A (published: a group-A measure; draft: drafted by A).
    "planning:proposal_list": _per_scope(
        lambda w, s: [_plan(w, s).code],
        {"published": officers_and_manager_of_a(), "draft": officers_and_manager_of_a(),
         "commenting": officers_only()},
    ),
    # Only group managers propose (officers edit directly), and only for their
    # group's items: the group-A measure of the published plan, anything in the
    # draft drafted by A, nothing in the commenting plan.
    "planning:proposal_create": _per_scope(
        lambda w, s: [_plan(w, s).code, _measure(w, s).pk],
        {"published": manager_of_a_only(), "draft": manager_of_a_only(),
         "commenting": signed_in(403)},
    ),
    # A new measure under the specific goal: the goal itself is not group A's in
    # the published plan, so only the draft drafted by A allows it.
    "planning:proposal_create_child": _per_scope(
        lambda w, s: [_plan(w, s).code, _measure(w, s).parent_id],
        {"published": signed_in(403), "draft": manager_of_a_only(),
         "commenting": signed_in(403)},
    ),
    "planning:proposal_create_top": _per_scope(
        lambda w, s: [_plan(w, s).code],
        {"published": signed_in(403), "draft": manager_of_a_only(),
         "commenting": signed_in(403)},
    ),
    "planning:proposal_decide": _per_scope(
        lambda w, s: [_plan(w, s).code, _proposal(w, s).pk],
        dict.fromkeys(SCOPES, officers_only()),
    ),
    "planning:comment_moderation": _per_scope(
        lambda w, s: [_plan(w, s).code], dict.fromkeys(SCOPES, officers_only()),
    ),
    # The settlement of comments for the council (issue 15): officers only.
    "planning:comment_settlement_export": _per_scope(
        lambda w, s: [_plan(w, s).code, "xlsx"], dict.fromkeys(SCOPES, officers_only()),
    ),
    # Public comment: open to everyone during public comment; a clear 403 on a
    # published plan; a draft stays hidden from those who cannot see it.
    "planning:comment_create": _per_scope(
        lambda w, s: [_plan(w, s).code],
        {"published": everyone(403), "draft": signed_in(403), "commenting": everyone(200)},
    ),
    "planning:item_comment_create": _per_scope(
        lambda w, s: [_plan(w, s).code, _measure(w, s).pk],
        {"published": everyone(403), "draft": signed_in(403), "commenting": everyone(200)},
    ),
    # POST only: a GET is refused (405) once the officer gate is passed.
    "planning:comment_moderate": _per_scope(
        lambda w, s: [_plan(w, s).code, _comment(w, s).pk],
        dict.fromkeys(SCOPES, officers_405()),
    ),
    "planning:comment_settle": _per_scope(
        lambda w, s: [_plan(w, s).code, _comment(w, s).pk],
        dict.fromkeys(SCOPES, officers_only()),
    ),
}

