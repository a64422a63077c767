"""Public comment on plans (veřejné připomínkové řízení): submitting,
moderating and settling comments. Atomic and audited."""

import hashlib

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import AuditAction, audit_record
from core.services import model_update

from .. import permissions
from ..models import CommentModeration, CommentSettlement, PlanComment, PlanStatus

MAX_COMMENT_LENGTH = 5000
# Settlements that need an explanation for the commenter.
SETTLEMENTS_NEEDING_TEXT = (CommentSettlement.REJECTED, CommentSettlement.PARTLY_ACCEPTED)


class CommentingClosed(PermissionDenied):
    """The plan is not in public comment."""


def _day(value):
    return f"{value.day}. {value.month}. {value.year}"


def closed_message(plan):
    """Why a comment on `plan` is refused now, in the words the public reads."""
    state = plan.comment_period_state()
    if plan.status == PlanStatus.PUBLIC_COMMENT and state == "not_yet":
        return _("Comments on this plan are taken from %(day)s.") % {
            "day": _day(plan.comments_open_from)}
    if plan.status == PlanStatus.PUBLIC_COMMENT and state == "ended":
        return _("The public comment period of this plan ended on %(day)s.") % {
            "day": _day(plan.comments_open_to)}
    return _("This plan is not open for public comment.")


def client_ip_hash(ip: str) -> str:
    """sha256 of the address and the secret key: the same visitor can be
    throttled, but the address cannot be read back."""
    return hashlib.sha256(f"{ip}{settings.SECRET_KEY}".encode()).hexdigest()


def _plain_text(value, field, limit):
    value = (value or "").strip()
    if "\x00" in value:
        raise ValidationError({field: _("The text contains a character that is not allowed.")})
    if len(value) > limit:
        raise ValidationError({field: _("Write at most %(n)s characters.") % {"n": limit}})
    return value


def comment_create(*, actor=None, plan, item=None, text, author_name="", author_email="",
                   client_ip="") -> PlanComment:
    """`actor` may be anonymous. The text is kept as plain text (escaped when
    shown), never as HTML."""
    if not permissions.can_comment_on_plan(actor, plan):
        raise CommentingClosed(closed_message(plan))
    if item is not None and item.plan_id != plan.pk:
        raise ValidationError({"item": _("The item belongs to another plan.")})
    text = _plain_text(text, "text", MAX_COMMENT_LENGTH)
    if not text:
        raise ValidationError({"text": _("Write your comment.")})
    with transaction.atomic():
        comment = PlanComment(
            plan=plan, item=item, text=text,
            author_name=_plain_text(author_name, "author_name", 200),
            author_email=(author_email or "").strip(),
            client_ip_hash=client_ip_hash(client_ip) if client_ip else "",
        )
        comment.full_clean()
        comment.save()
        audit_record(actor=actor, action=AuditAction.CREATE, instance=comment,
                     changes={"item": [None, str(item) if item else None]},
                     message=_("public comment submitted"))
    return comment


def _check_moderator(actor, comment):
    if not permissions.can_moderate_comments(actor, comment.plan):
        raise PermissionDenied


def comment_moderate(*, actor, comment, moderation) -> PlanComment:
    _check_moderator(actor, comment)
    if moderation not in CommentModeration.values:
        raise ValidationError({"moderation": _("Unknown moderation state.")})
    return model_update(actor=actor, instance=comment, data={"moderation": moderation})


def comment_settle(*, actor, comment, settlement, text="") -> PlanComment:
    _check_moderator(actor, comment)
    if settlement not in CommentSettlement.values:
        raise ValidationError({"settlement": _("Unknown settlement.")})
    text = _plain_text(text, "settlement_text", MAX_COMMENT_LENGTH)
    if settlement in SETTLEMENTS_NEEDING_TEXT and not text:
        raise ValidationError(
            {"settlement_text": _("Explain how the comment was settled.")}
        )
    settled = settlement != CommentSettlement.UNSETTLED
    return model_update(actor=actor, instance=comment, data={
        "settlement": settlement,
        "settlement_text": text,
        "settled_by": actor if settled else None,
        "settled_at": timezone.now() if settled else None,
    })
