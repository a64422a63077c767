"""Retention of commenters' e-mail addresses: removed from a settled comment
once the period after its settlement is over, from the comment and from its
audit entries (core.retention). The name stays with a published comment."""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from core import retention
from core.audit import AuditAction, audit_record

from .models import CommentSettlement, PlanComment


def purge_commenter_emails(cutoff) -> int:
    comments = list(PlanComment.objects.exclude(settlement=CommentSettlement.UNSETTLED)
                    .filter(settled_at__lt=cutoff).exclude(author_email="")
                    .select_for_update())
    ids = [c.pk for c in comments]
    PlanComment.objects.filter(pk__in=ids).update(author_email="")
    retention.scrub_audit(PlanComment, ids, {"author_email"})
    # The note in the comment's history, in the portal's language (the task
    # runs with none active).
    with translation.override(settings.LANGUAGE_CODE):
        message = _("The commenter's e-mail address was removed: its retention period "
                    "is over.")
    for comment in comments:
        audit_record(actor=None, action=AuditAction.UPDATE, instance=comment,
                     changes={"author_email": ["…", ""]}, message=message,
                     with_snapshot=False)
    return len(comments)


def register():
    retention.register("commenter_emails", purge_commenter_emails, default_days=90,
                       description="e-mail addresses of authors of settled comments")
