"""Change proposals: a group manager proposes a change, a new item or a
removal; a city officer accepts it (applied through planning.services.plans, so
the item's history shows the officer and "accepted proposal #n") or rejects
it with a comment. Every step is atomic and audited."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import AuditAction, audit_record

from .. import permissions
from ..models import (
    PROPOSABLE_FIELDS,
    ChangeProposal,
    LevelRole,
    PlanItem,
    PlanStatus,
    ProposalKind,
    ProposalStatus,
)
from . import plans as plan_services

# Which of the proposable fields apply to an item of a level with this role.
FIELDS_BY_ROLE = {
    LevelRole.MEASURE: ("title", "description", "status", "period_text", "footnote"),
    LevelRole.SPECIFIC_GOAL: ("title", "description", "target_text", "target_year", "footnote"),
}
DEFAULT_FIELDS = ("title", "description", "footnote")
assert all(set(f) <= set(PROPOSABLE_FIELDS) for f in FIELDS_BY_ROLE.values())


def fields_for_role(role):
    return FIELDS_BY_ROLE.get(role, DEFAULT_FIELDS)


def level_role_below(plan, parent):
    """The role of the level a new item under `parent` would get, or None when
    the plan has no level there."""
    depth = 1 if parent is None else parent.level.depth + 1
    level = next((lv for lv in plan.levels.all() if lv.depth == depth), None)
    return None if level is None else level.role


def check_may_propose(user, plan, item):
    if not permissions.can_propose_change_to_item(user, plan, item):
        raise PermissionDenied(_("You may propose changes only to your working group's items."))


def clean_values(values, allowed):
    """Each proposed value through its model field's own clean(); the result is
    JSON-ready."""
    unknown = set(values) - set(allowed)
    if unknown:
        raise ValidationError(
            _("These fields cannot be proposed here: %(fields)s") % {"fields": ", ".join(
                sorted(unknown))}
        )
    cleaned, errors = {}, {}
    for name, value in values.items():
        field = PlanItem._meta.get_field(name)
        if value is None and not field.null:
            value = ""
        try:
            cleaned[name] = field.clean(value, None)
        except ValidationError as error:
            errors[name] = error.messages
    if errors:
        raise ValidationError(errors)
    return cleaned


def _label(item):
    return str(item)[:300] if item is not None else ""


def proposal_create(*, actor, plan, kind, values=None, item=None, parent=None, reason=""):
    values = dict(values or {})
    reason = (reason or "").strip()
    if kind not in ProposalKind.values:
        raise ValidationError({"kind": _("Unknown kind of proposal.")})
    target = parent if kind == ProposalKind.NEW else item
    if kind != ProposalKind.NEW and item is None:
        raise ValidationError(_("Choose the item the proposal is about."))
    if target is not None and target.plan_id != plan.pk:
        raise ValidationError(_("The item belongs to another plan."))
    check_may_propose(actor, plan, target)
    if plan.status == PlanStatus.ARCHIVED:
        raise ValidationError(_("An archived plan can no longer be changed."))

    original = {}
    if kind == ProposalKind.EDIT:
        values = clean_values(values, fields_for_role(item.level.role))
        original = {name: getattr(item, name) for name in values}
        values = {k: v for k, v in values.items() if v != original[k]}
        original = {k: original[k] for k in values}
        if not values:
            raise ValidationError(_("The proposal changes nothing; change at least one field."))
    elif kind == ProposalKind.NEW:
        role = level_role_below(plan, parent)
        if role is None:
            raise ValidationError(_("The plan has no level below this item."))
        values = clean_values(values, fields_for_role(role))
        values = {k: v for k, v in values.items() if v not in ("", None)}
        if not values.get("title"):
            raise ValidationError({"title": _("A new item needs a title.")})
    else:
        if values:
            raise ValidationError(_("A proposal to remove an item carries no values."))
        if not reason:
            raise ValidationError({"reason": _("Say why the item should be removed.")})

    with transaction.atomic():
        proposal = ChangeProposal(
            plan=plan, kind=kind, item=item if kind != ProposalKind.NEW else None,
            parent=parent if kind == ProposalKind.NEW else None,
            item_label=_label(target), values=values, original_values=original,
            reason=reason, proposed_by=actor,
        )
        proposal.full_clean()
        proposal.save()
        audit_record(
            actor=actor, action=AuditAction.CREATE, instance=proposal,
            changes={"kind": [None, kind], "values": [None, values]},
            message=_label(target),
        )
    return proposal


def _lock_pending(actor, proposal):
    if not permissions.can_decide_proposal(actor, proposal.plan):
        raise PermissionDenied
    locked = (ChangeProposal.objects.select_for_update(of=("self",))
              .select_related("plan").get(pk=proposal.pk))
    if locked.status != ProposalStatus.PENDING:
        raise ValidationError(_("This proposal has already been decided."))
    return locked


def _decide(actor, proposal, status, comment, message):
    old = proposal.status
    proposal.status = status
    proposal.decided_by = actor
    proposal.decided_at = timezone.now()
    proposal.decision_comment = comment
    proposal.full_clean()
    proposal.save()
    audit_record(actor=actor, action=AuditAction.TRANSITION, instance=proposal,
                 changes={"status": [old, status]}, message=message)


def _item_groups(proposal):
    parent = proposal.parent
    groups = list(parent.working_groups.all()) if parent is not None else []
    if not groups and proposal.plan.working_group_id:
        groups = [proposal.plan.working_group]
    return groups


def proposal_accept(*, actor, proposal, comment="") -> ChangeProposal:
    """Apply the proposal as `actor` (an officer) and mark it accepted. The
    item's audit entries written by the apply carry "accepted proposal #n"."""
    comment = (comment or "").strip()
    with transaction.atomic():
        proposal = _lock_pending(actor, proposal)
        message = _("accepted proposal #%(n)s") % {"n": proposal.pk}
        if proposal.kind == ProposalKind.EDIT:
            item = proposal.item
            values = clean_values(proposal.values, fields_for_role(item.level.role))
            plan_services.plan_item_update(actor=actor, item=item, message=message, **values)
            _decide(actor, proposal, ProposalStatus.ACCEPTED, comment, message)
        elif proposal.kind == ProposalKind.NEW:
            parent = proposal.parent
            role = level_role_below(proposal.plan, parent)
            values = clean_values(proposal.values, fields_for_role(role))
            item = plan_services.plan_item_create(
                actor=actor, plan=proposal.plan, parent=parent,
                working_groups=_item_groups(proposal), message=message, **values,
            )
            proposal.item = item
            _decide(actor, proposal, ProposalStatus.ACCEPTED, comment, message)
        else:
            item = proposal.item
            # Decided first, so that the proposal stays (detached) when the
            # item is deleted.
            _decide(actor, proposal, ProposalStatus.ACCEPTED, comment, message)
            plan_services.plan_item_delete(actor=actor, item=item, message=message)
    proposal.refresh_from_db()
    return proposal


def proposal_reject(*, actor, proposal, comment) -> ChangeProposal:
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("Say why the proposal is rejected.")})
    with transaction.atomic():
        proposal = _lock_pending(actor, proposal)
        _decide(actor, proposal, ProposalStatus.REJECTED, comment,
                _("rejected proposal #%(n)s") % {"n": proposal.pk})
    return proposal
