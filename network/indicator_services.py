"""Changes to the manual of service indicators, the values providers report,
the officers' questions about disproportions and the yearly funding of
services. Each runs in one transaction with its audit entry."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.services import UNSET, given, model_create, model_update

from .indicator_models import (
    DisproportionQuery,
    IndicatorManual,
    IndicatorValue,
    ServiceFunding,
    ServiceIndicator,
)


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


def value_report(*, actor, service, indicator, year, period, value, comment="") -> IndicatorValue:
    """The provider's value of one indicator for one period; a second report
    of the same period replaces the first (the audit trail keeps it)."""
    with transaction.atomic():
        _check_indicator_applies(service, indicator)
        current = (IndicatorValue.objects.select_for_update()
                   .filter(service=service, indicator=indicator, year=year, period=period)
                   .first())
        reporter = actor if getattr(actor, "is_authenticated", False) else None
        if current is None:
            return model_create(actor=actor, model=IndicatorValue, data={
                "service": service, "indicator": indicator, "year": year, "period": period,
                "value": value, "comment": comment, "pilot": indicator.manual.is_pilot,
                "reported_by": reporter})
        return model_update(actor=actor, instance=current, data={
            "value": value, "comment": comment, "pilot": indicator.manual.is_pilot,
            "reported_by": reporter})


def values_report(*, actor, service, year, period, values, comments=None):
    """Several indicators of one service and period at once (the provider's
    form): `values` maps indicators to values; an empty value is not
    reported."""
    comments = comments or {}
    if all(value is None for value in values.values()):
        raise ValidationError(_("Give at least one value."))
    with transaction.atomic():
        return [value_report(actor=actor, service=service, indicator=indicator, year=year,
                             period=period, value=value, comment=comments.get(indicator, ""))
                for indicator, value in values.items() if value is not None]


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
