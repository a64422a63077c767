"""Change proposals: a group manager proposes a change, a new item or a
removal; a city officer accepts it (applied through planning.services.plans, so
the item's history shows the officer and "accepted proposal #n") or rejects
it with a comment. Every step is atomic and audited."""

import re

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


def fields_for_new(role):
    """A new item is proposed with its code as it will be printed, too."""
    return ("code", *fields_for_role(role))


# A code with the level's name ("Opatření 5", "Cíl 1.") or a dotted one ("1.2", "1.2.", "3.").
_NUMBER = r"\d+(?:\.\d+)*\.?"
_DOTTED = r"(?:\d+(?:\.\d+)+\.?|\d+\.)"


def split_code(title, code, level_name):
    """(code, title) of a new item without the code twice: a title typed as
    printed ("Opatření 1.2. Rozvoj …") loses the code it starts with, which
    becomes the code when none was given (kept as typed, the level's name
    included, as the plan prints it)."""
    title, code = (title or "").strip(), (code or "").strip()
    level = rf"(?:{re.escape(level_name)}\s+)?" if level_name else ""
    if code:
        bare = re.sub(rf"^{level}", "", code, flags=re.IGNORECASE).rstrip(".")
        match = re.match(rf"{level}{re.escape(bare)}\.?(?:\s+|$)", title, re.IGNORECASE)
        if bare and match and title[match.end():].strip():
            title = title[match.end():].strip()
        return code, title
    named = rf"{re.escape(level_name)}\s+{_NUMBER}" if level_name else _DOTTED
    match = re.match(rf"(?:{named}|{_DOTTED})(?=\s+\S)", title, re.IGNORECASE)
    if match:
        return match.group(0).strip(), title[match.end():].strip()
    return code, title


def level_below(plan, parent):
    depth = 1 if parent is None else parent.level.depth + 1
    return next((lv for lv in plan.levels.all() if lv.depth == depth), None)


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
        level = level_below(plan, parent)
        if level is None:
            raise ValidationError(_("The plan has no level below this item."))
        values = clean_values(values, fields_for_new(level.role))
        values = {k: v for k, v in values.items() if v not in ("", None)}
        if not values.get("title"):
            raise ValidationError({"title": _("A new item needs a title.")})
        code, title = split_code(values["title"], values.get("code"), level.name)
        values.update(title=title, **({"code": code} if code else {}))
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
            level = level_below(proposal.plan, parent)
            values = clean_values(proposal.values, fields_for_new(level.role))
            code, title = split_code(values.get("title"), values.get("code"), level.name)
            values.update(title=title, **({"code": code} if code else {}))
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
