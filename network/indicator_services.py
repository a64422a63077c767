"""Changes to the manual of service indicators, the values providers report,
the officers' questions about disproportions and the yearly funding of
services. Each runs in one transaction with its audit entry."""

import copy

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.permissions import is_city_officer
from core.audit import audit_record
from core.models import AuditAction
from core.review import (
    ReviewState,
    mark_approved,
    mark_corrected,
    mark_entered,
    mark_returned,
    mark_submitted,
    refuse_rewrite,
)
from core.services import UNSET, given, model_create, model_update

from .indicator_models import (
    DisproportionQuery,
    IndicatorManual,
    IndicatorValue,
    ServiceFunding,
    ServiceIndicator,
)

# The review fields a report sets (core.review), passed to model_create/update
# so that the audit entry shows the change of state with the value's.
_REVIEW_FIELDS = ("review_state", "review_comment", "reviewed_by", "reviewed_at",
                  "corrected_on", "correction_reason")


def decides_review(actor):
    """The system (actor None: the seed, a command) and city officers approve
    what they report; a provider's value is submitted or kept as a draft."""
    return actor is None or is_city_officer(actor)


def approved_values():
    """The values that are public and count: the disproportion check and the
    yearly evaluation read only these."""
    return IndicatorValue.objects.filter(review_state=ReviewState.APPROVED)


def manual_create(*, actor, city, number, valid_from, state=UNSET, note="") -> IndicatorManual:
    return model_create(actor=actor, model=IndicatorManual, data=given(
        city=city, number=number, valid_from=valid_from, state=state, note=note))


def manual_update(*, actor, manual, expected_version=None, number=UNSET, valid_from=UNSET,
                  state=UNSET, note=UNSET) -> IndicatorManual:
    """Moving a version out of its pilot period leaves the values reported
    during it marked as pilot values."""
    return model_update(actor=actor, instance=manual, expected_version=expected_version,
                        data=given(number=number, valid_from=valid_from, state=state, note=note))


def indicator_create(*, actor, manual, code, name, definition, unit, kinds=(),
                     comment_allowed=False, for_activities=False, counts_clients=False,
                     position=0) -> ServiceIndicator:
    return model_create(actor=actor, model=ServiceIndicator, m2m={"kinds": list(kinds)}, data={
        "manual": manual, "code": code, "name": name, "definition": definition, "unit": unit,
        "comment_allowed": comment_allowed, "for_activities": for_activities,
        "counts_clients": counts_clients, "position": position})


def indicator_update(*, actor, indicator, expected_version=None, kinds=UNSET, **fields):
    m2m = {} if kinds is UNSET else {"kinds": list(kinds)}
    return model_update(actor=actor, instance=indicator, expected_version=expected_version,
                        data=given(**fields), m2m=m2m)


def _check_indicator_applies(service, indicator):
    applies = (indicator.for_activities if service.is_activity
               else indicator.kinds.filter(pk=service.kind_id).exists())
    if not applies:
        raise ValidationError({"indicator": _(
            "The manual does not define “%(indicator)s” for %(service)s.")
            % {"indicator": indicator, "service": service}})


def _review_data(current, *, actor, submit, correction_reason):
    """The review fields of a value being reported, worked out on a copy so
    that model_update still sees (and audits) the change."""
    decides = decides_review(actor)
    record = copy.copy(current) if current is not None else IndicatorValue()
    refuse_rewrite(record, decides=decides)
    mark_corrected(record, decides=decides, reason=correction_reason)
    mark_entered(record, actor=actor, decides=decides, submit=submit)
    return {name: getattr(record, name) for name in _REVIEW_FIELDS}


def value_report(*, actor, service, indicator, year, period, value, comment="", submit=True,
                 correction_reason="") -> IndicatorValue:
    """The provider's value of one indicator for one period; a second report
    of the same period replaces the first (the audit trail keeps it). A city
    officer's value is approved as entered; a provider's is submitted for
    approval, or kept as a draft with `submit=False`, and one approved already
    only an officer changes. A value of a closed reporting round changes only
    by an officer, with `correction_reason`."""
    with transaction.atomic():
        _check_indicator_applies(service, indicator)
        current = (IndicatorValue.objects.select_for_update()
                   .filter(service=service, indicator=indicator, year=year, period=period)
                   .first())
        if (current is not None and current.review_state == ReviewState.APPROVED
                and current.value == value and current.comment == comment):
            # The form sends every value again: an approved one left as it was
            # is not a new report (and a provider could not rewrite it).
            return current
        reporter = actor if getattr(actor, "is_authenticated", False) else None
        review = _review_data(current, actor=actor, submit=submit,
                              correction_reason=correction_reason)
        if current is None:
            return model_create(actor=actor, model=IndicatorValue, data={
                "service": service, "indicator": indicator, "year": year, "period": period,
                "value": value, "comment": comment, "pilot": indicator.manual.is_pilot,
                "reported_by": reporter, **review})
        return model_update(actor=actor, instance=current, data={
            "value": value, "comment": comment, "pilot": indicator.manual.is_pilot,
            "reported_by": reporter, **review})


def values_report(*, actor, service, year, period, values, comments=None, submit=True,
                  correction_reason=""):
    """Several indicators of one service and period at once (the provider's
    form): `values` maps indicators to values; an empty value is not
    reported."""
    comments = comments or {}
    if all(value is None for value in values.values()):
        raise ValidationError(_("Give at least one value."))
    with transaction.atomic():
        return [value_report(actor=actor, service=service, indicator=indicator, year=year,
                             period=period, value=value, comment=comments.get(indicator, ""),
                             submit=submit, correction_reason=correction_reason)
                for indicator, value in values.items() if value is not None]


# --- Review (core.review) of a service's values of one period -----------------------------------


def _service_values_transition(*, actor, service, year, period, states, change, message):
    """Apply `change` to the service's values of the period in `states`, in
    one transaction with one audit entry on the service listing each value's
    change of state. Returns the values changed."""
    with transaction.atomic():
        values = list(IndicatorValue.objects.select_for_update()
                      .filter(service=service, year=year, period=period, review_state__in=states)
                      .select_related("indicator").order_by("indicator__position",
                                                             "indicator__code", "pk"))
        if not values:
            raise ValidationError(_("The service has no value of this period to do that with."))
        changes = {}
        for value in values:
            before = value.review_state
            change(value)
            value.full_clean()
            value.version += 1
            value.save()
            changes[f"{value.indicator.code} {year} {period}: review_state"] = [
                before, value.review_state]
        audit_record(actor=actor, action=AuditAction.UPDATE, instance=service, changes=changes,
                     message=message, with_snapshot=False)
    return values


def service_values_submit(*, actor, service, year, period):
    """A provider sends its draft (and returned) values of the period for approval."""
    return _service_values_transition(
        actor=actor, service=service, year=year, period=period,
        states=(ReviewState.DRAFT, ReviewState.RETURNED), change=mark_submitted,
        message=_("Values of service indicators submitted for approval"))


def service_values_approve(*, actor, service, year, period):
    """A city officer approves the service's submitted values of the period:
    from now on they are public and count."""
    decides = decides_review(actor)
    return _service_values_transition(
        actor=actor, service=service, year=year, period=period, states=(ReviewState.SUBMITTED,),
        change=lambda value: mark_approved(value, actor=actor, decides=decides),
        message=_("Values of service indicators approved"))


def service_values_return(*, actor, service, year, period, comment):
    """A city officer returns the service's submitted values of the period
    with what to fix."""
    decides = decides_review(actor)
    return _service_values_transition(
        actor=actor, service=service, year=year, period=period, states=(ReviewState.SUBMITTED,),
        change=lambda value: mark_returned(value, actor=actor, decides=decides, comment=comment),
        message=_("Values of service indicators returned: ") + (comment or "").strip())


def service_values_close(*, actor, values) -> int:
    """Lock the approved `values` (a queryset) of a reporting round being
    closed (the rounds app calls this in its own transaction, audited on the
    round); from now on only an officer's correction with a reason changes
    them."""
    return IndicatorValue.objects.filter(
        pk__in=values.values("pk"), review_state=ReviewState.APPROVED).update(closed=True)


def disproportion_query_record(*, actor, value, question, answer="",
                               expected_version=None) -> DisproportionQuery:
    """The question the officers asked about a flagged value and the
    provider's answer, kept with the value."""
    if not (question or "").strip():
        raise ValidationError({"question": _("Write the question asked.")})
    with transaction.atomic():
        current = DisproportionQuery.objects.filter(value=value).first()
        recorder = actor if getattr(actor, "is_authenticated", False) else None
        if current is None:
            return model_create(actor=actor, model=DisproportionQuery, data={
                "value": value, "question": question, "answer": answer,
                "recorded_by": recorder})
        return model_update(actor=actor, instance=current, expected_version=expected_version,
                            data={"question": question, "answer": answer,
                                  "recorded_by": recorder})


def funding_record(*, actor, service, year, source, amount, note="") -> ServiceFunding:
    """What a service received from a source in a year; recording it again
    replaces the amount."""
    with transaction.atomic():
        current = (ServiceFunding.objects.select_for_update()
                   .filter(service=service, year=year, source=source).first())
        if current is None:
            return model_create(actor=actor, model=ServiceFunding, data={
                "service": service, "year": year, "source": source, "amount": amount,
                "note": note})
        return model_update(actor=actor, instance=current,
                            data={"amount": amount, "note": note})
