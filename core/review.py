"""Review of what implementers report (indicator values, half-year reports):
draft → submitted → approved by a city officer, or returned with a comment.
Only approved records are public and count anywhere. Once the reporting round
that covers a record is closed, the record is locked: an officer may still
correct it, with a reason, and the public page says it was corrected and when.

The state and its fields are one abstract model and one set of transitions
here, so that both apps keep them the same; each app's services lock the row,
call a transition, save and audit."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .constraints import ChecksInOneQuery


class ReviewState(models.TextChoices):
    DRAFT = "draft", gettext_lazy("draft")
    SUBMITTED = "submitted", gettext_lazy("submitted")
    RETURNED = "returned", gettext_lazy("returned")
    APPROVED = "approved", gettext_lazy("approved")


class Reviewed(ChecksInOneQuery):
    """A record's place in the review. The default is approved: what a city
    officer, an import by an officer or the demo's seed writes is public at
    once; the services give an implementer's record its draft or submitted
    state explicitly."""

    review_state = models.CharField(gettext_lazy("review state"), max_length=10,
                                    choices=ReviewState.choices, default=ReviewState.APPROVED)
    review_comment = models.TextField(gettext_lazy("comment on return"), blank=True,
                                      max_length=2000)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=gettext_lazy(
        "reviewed by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reviewed_at = models.DateTimeField(gettext_lazy("reviewed at"), null=True, blank=True)
    closed = models.BooleanField(gettext_lazy("in a closed round"), default=False)
    corrected_on = models.DateField(gettext_lazy("corrected on"), null=True, blank=True)
    correction_reason = models.TextField(gettext_lazy("reason for the correction"),
                                         blank=True, max_length=2000)

    class Meta:
        abstract = True


def review_constraints(prefix):
    return [
        models.CheckConstraint(
            condition=~Q(review_state=ReviewState.RETURNED) | ~Q(review_comment=""),
            name=f"{prefix}_returned_has_comment"),
        models.CheckConstraint(condition=Q(closed=False) | Q(review_state=ReviewState.APPROVED),
                               name=f"{prefix}_closed_is_approved"),
        models.CheckConstraint(
            condition=Q(corrected_on__isnull=True) | ~Q(correction_reason=""),
            name=f"{prefix}_correction_has_reason"),
    ]


def _state_label(record):
    return ReviewState(record.review_state).label


def mark_entered(record, *, actor, decides, submit):
    """The state of a record someone has just written: approved when a city
    officer (or the system) wrote it, else submitted or, if the implementer
    keeps it for later, a draft."""
    refuse_rewrite(record, decides=decides)
    if decides:
        _approve(record, actor)
    else:
        record.review_state = ReviewState.SUBMITTED if submit else ReviewState.DRAFT
        record.reviewed_by, record.reviewed_at = None, None


def refuse_rewrite(record, *, decides):
    """An implementer may not rewrite (or move away) what an officer has approved."""
    if record.pk and record.review_state == ReviewState.APPROVED and not decides:
        raise ValidationError(_("This has been approved already; only a city officer can "
                                "change it now."))


def mark_corrected(record, *, decides, reason, today=None):
    """A record of a closed round changes only by an officer's correction with
    a reason; the date is shown on the public page."""
    if not record.closed:
        return
    if not decides:
        raise ValidationError(_("The reporting round of this record is closed: only a city "
                                "officer can correct it, with a reason."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"correction_reason": _(
            "The reporting round is closed: give the reason for the correction.")})
    record.corrected_on = today or timezone.localdate()
    record.correction_reason = reason


def mark_submitted(record):
    if record.review_state not in (ReviewState.DRAFT, ReviewState.RETURNED):
        raise ValidationError(_("Only a draft or a returned record can be submitted; this one "
                                "is “%(state)s”.") % {"state": _state_label(record)})
    record.review_state = ReviewState.SUBMITTED


def _approve(record, actor):
    record.review_state = ReviewState.APPROVED
    record.reviewed_by = actor if getattr(actor, "is_authenticated", False) else None
    record.reviewed_at = timezone.now()
    record.review_comment = ""


def _check_decision(record, decides):
    if not decides:
        raise ValidationError(_("Only a city officer approves or returns what implementers "
                                "report."))
    if record.review_state != ReviewState.SUBMITTED:
        raise ValidationError(_("Only a submitted record can be approved or returned; this "
                                "one is “%(state)s”.") % {"state": _state_label(record)})


def mark_approved(record, *, actor, decides):
    _check_decision(record, decides)
    _approve(record, actor)


def mark_returned(record, *, actor, decides, comment):
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("Say what should be corrected.")})
    _check_decision(record, decides)
    record.review_state = ReviewState.RETURNED
    record.review_comment = comment
    record.reviewed_by = actor if getattr(actor, "is_authenticated", False) else None
    record.reviewed_at = timezone.now()
