"""Changes to indicators and their values: validated, atomic, audited with the
actor. Every change recomputes the indicator's status in the same transaction
and, once committed, refreshes the public pages."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core import pagecache
from core.audit import AuditAction, audit_record
from core.sanitize import sanitize_html
from core.services import UNSET, given, model_create, model_update

from .models import Indicator, IndicatorKind, IndicatorValue, IndicatorValuePart, Territory
from .status import assess

PAGE_CACHE = "indicators"


def _refresh_pages():
    transaction.on_commit(lambda: pagecache.invalidate(PAGE_CACHE))


def indicator_refresh_status(*, indicator) -> str:
    values = list(indicator.values.select_related("territory").prefetch_related("parts"))
    status = assess(indicator, values).status
    if status != indicator.status:
        Indicator.objects.filter(pk=indicator.pk).update(status=status)
        indicator.status = status
    return status


def _clean_indicator_data(data):
    data = dict(data)
    if "commentary" in data:
        data["commentary"] = sanitize_html(data["commentary"] or "")
    kind = data.get("kind")
    if kind and kind != IndicatorKind.IMPACT:
        data["plan_item"] = None
    return data


def _link_changes(links, indicator):
    changes = {}
    for link in links:
        changes.update(link.changes(indicator))
    return changes


def _save_links(links):
    def save(indicator):
        for link in links:
            link.save(indicator=indicator)
    return save


def indicator_create(
    *, actor, plans=(), links=(),
    code, name, national_code=UNSET, kind, unit=UNSET, unit_label=UNSET, definition=UNSET,
    data_source=UNSET, update_frequency=UNSET, responsible=UNSET, plan_item=UNSET, position=UNSET,
    home_territory, comparison_territory=UNSET, part_labels=UNSET, target_kind=UNSET,
    target_value=UNSET, target_year=UNSET, target_due=UNSET, target_text=UNSET, note=UNSET,
    commentary=UNSET,
) -> Indicator:
    """`links`: what the apps above keep about the indicator (projects: the
    project of a project indicator), each with `changes(indicator)` for the
    audit entry and `save(indicator=)`, run in this transaction."""
    data = _clean_indicator_data(given(
        code=code, name=name, national_code=national_code, kind=kind, unit=unit,
        unit_label=unit_label, definition=definition, data_source=data_source,
        update_frequency=update_frequency, responsible=responsible, plan_item=plan_item,
        position=position, home_territory=home_territory,
        comparison_territory=comparison_territory, part_labels=part_labels,
        target_kind=target_kind, target_value=target_value, target_year=target_year,
        target_due=target_due, target_text=target_text, note=note, commentary=commentary))
    with transaction.atomic():
        indicator = model_create(actor=actor, model=Indicator, data=data,
                                 m2m={"plans": list(plans)}, after_save=_save_links(links),
                                 extra_changes=_link_changes(links, None))
        indicator_refresh_status(indicator=indicator)
        _refresh_pages()
    return indicator


def indicator_update(
    *, actor, indicator, expected_version=None, plans=None, links=(),
    code=UNSET, name=UNSET, national_code=UNSET, kind=UNSET, unit=UNSET, unit_label=UNSET,
    definition=UNSET, data_source=UNSET, update_frequency=UNSET, responsible=UNSET,
    plan_item=UNSET, position=UNSET, home_territory=UNSET, comparison_territory=UNSET,
    part_labels=UNSET, target_kind=UNSET, target_value=UNSET, target_year=UNSET, target_due=UNSET,
    target_text=UNSET, note=UNSET, commentary=UNSET,
) -> Indicator:
    """Change the given fields; `plans` None keeps them."""
    data = _clean_indicator_data(given(
        code=code, name=name, national_code=national_code, kind=kind, unit=unit,
        unit_label=unit_label, definition=definition, data_source=data_source,
        update_frequency=update_frequency, responsible=responsible, plan_item=plan_item,
        position=position, home_territory=home_territory,
        comparison_territory=comparison_territory, part_labels=part_labels,
        target_kind=target_kind, target_value=target_value, target_year=target_year,
        target_due=target_due, target_text=target_text, note=note, commentary=commentary))
    m2m = {"plans": list(plans)} if plans is not None else None
    with transaction.atomic():
        indicator = model_update(actor=actor, instance=indicator, data=data, m2m=m2m,
                                 expected_version=expected_version,
                                 extra_changes=_link_changes(links, indicator),
                                 after_save=_save_links(links))
        indicator_refresh_status(indicator=indicator)
        _refresh_pages()
    return indicator


def _parts_snapshot(value):
    return [[p.label, str(p.amount)] for p in value.parts.order_by("position")]


def _value_fields(value):
    return {
        "territory": value.territory.code,
        "period": value.period_text,
        "period_start": value.period_start.isoformat(),
        "period_end": value.period_end.isoformat(),
        "value": None if value.value is None else str(value.value.normalize()),
        "available": value.available,
        "not_available_reason": value.not_available_reason,
        "is_estimate": value.is_estimate,
        "rank": value.rank,
        "rank_scope": value.rank_scope,
        "value_text": value.value_text,
        "note": value.note,
        "is_baseline": value.is_baseline,
        "source": value.source,
        "parts": _parts_snapshot(value) if value.pk else [],
    }


def indicator_value_record(
    *, actor, indicator, territory=None, period_kind, period_start, period_end, period_text,
    value=None, available=True, not_available_reason="", is_estimate=False, rank=None,
    rank_scope="", value_text="", note="", is_baseline=None, source="", parts=None,
    message="", replaces=None,
) -> IndicatorValue:
    """Create or replace the value of `indicator` for one period and territory.
    `parts`: [(label, amount), ...] for a composite value. `replaces`: a value
    this one corrects (its period or territory was wrong), deleted in the same
    transaction. Returns the value; audited on the indicator (who, when, what
    changed)."""
    territory = territory or indicator.home_territory
    parts = list(parts or [])
    if parts and indicator.part_labels and len(parts) != len(indicator.part_labels):
        raise ValidationError({"value": _(
            "This indicator has %(expected)d parts (%(labels)s); the value has %(got)d.") % {
                "expected": len(indicator.part_labels),
                "labels": " / ".join(indicator.part_labels), "got": len(parts)}})
    if territory.pk not in (indicator.home_territory_id, indicator.comparison_territory_id):
        raise ValidationError({"territory": _(
            "This indicator is followed for %(territories)s only.") % {
                "territories": ", ".join(
                    str(t) for t in Territory.objects.filter(
                        pk__in=[indicator.home_territory_id, indicator.comparison_territory_id]))}})
    with transaction.atomic():
        if replaces is not None:
            indicator_value_delete(actor=actor, value=replaces)
        Indicator.objects.select_for_update().filter(pk=indicator.pk).first()
        existing = (IndicatorValue.objects.select_for_update()
                    .filter(indicator=indicator, territory=territory,
                            period_start=period_start, period_end=period_end).first())
        before = _value_fields(existing) if existing else None
        if is_baseline is None:  # not the caller's to decide: keep what it was
            is_baseline = existing.is_baseline if existing else False
        record = existing or IndicatorValue(indicator=indicator, territory=territory,
                                            period_start=period_start, period_end=period_end)
        record.period_kind = period_kind
        record.period_text = period_text
        record.available = available
        record.is_composite = available and bool(parts)
        record.value = value if available and not parts else None
        record.not_available_reason = "" if available else not_available_reason
        record.is_estimate = is_estimate if available else False
        record.rank = rank if available else None
        record.rank_scope = rank_scope if available and rank else ""
        record.value_text = value_text
        record.note = note
        record.is_baseline = is_baseline
        record.source = source
        if is_baseline:
            clash = (IndicatorValue.objects.filter(indicator=indicator, territory=territory,
                                                   is_baseline=True)
                     .exclude(pk=record.pk).first())
            if clash is not None:
                raise ValidationError({"is_baseline": _(
                    "The baseline of this indicator for %(territory)s is already the value "
                    "of %(period)s.") % {"territory": territory, "period": clash.period_text}})
        record.full_clean()
        if existing:
            record.version += 1
        record.save()
        record.parts.all().delete()
        for position, (label, amount) in enumerate(parts, start=1):
            part = IndicatorValuePart(value=record, position=position, label=label,
                                      amount=amount)
            part.full_clean(exclude=["value"])
            part.save()
        after = _value_fields(record)
        if before != after:
            changes = {
                f"{after['period']} {after['territory']}: {name}": [
                    None if before is None else before[name], after[name]]
                for name in after if before is None or before[name] != after[name]
            }
            audit_record(
                actor=actor, action=AuditAction.UPDATE if existing else AuditAction.CREATE,
                instance=indicator, changes=changes,
                message=message or _("Value of %(period)s recorded") % {"period": period_text},
                with_snapshot=False,
            )
            indicator_refresh_status(indicator=indicator)
            _refresh_pages()
    return record


def indicator_value_delete(*, actor, value) -> None:
    indicator = value.indicator
    with transaction.atomic():
        before = _value_fields(value)
        value.delete()
        audit_record(
            actor=actor, action=AuditAction.UPDATE, instance=indicator,
            changes={f"{before['period']} {before['territory']}": [before, None]},
            message=_("Value of %(period)s deleted") % {"period": before["period"]},
            with_snapshot=False,
        )
        indicator_refresh_status(indicator=indicator)
        _refresh_pages()
