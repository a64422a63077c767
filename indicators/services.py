"""Changes to indicators and their values: validated, atomic, audited with the
actor. Every change recomputes the indicator's status in the same transaction
and, once committed, refreshes the public pages."""

import json
from datetime import date
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Prefetch, prefetch_related_objects
from django.utils.translation import gettext as _

from accounts.permissions import is_city_officer
from core import pagecache
from core.audit import AuditAction, audit_record, audit_record_many
from core.bulk import (
    bulk_insert,
    bulk_upsert,
    clean_fields_fast,
    instance_maker,
    prefetch_children,
)
from core.formats import plain_number
from core.models import AuditEntry
from core.review import (
    ReviewState,
    mark_approved,
    mark_corrected,
    mark_entered,
    mark_returned,
    mark_submitted,
    refuse_rewrite,
)
from core.sanitize import sanitize_html
from core.services import UNSET, given, model_create, model_update

from .codes import code_sort_key, slug_base, unique_slug
from .models import (
    Frequency,
    Indicator,
    IndicatorKind,
    IndicatorTarget,
    IndicatorValue,
    IndicatorValuePart,
    TargetKind,
    Territory,
)
from .status import assess

PAGE_CACHE = "indicators"


def _refresh_pages():
    transaction.on_commit(lambda: pagecache.invalidate(PAGE_CACHE))


def decides_review(actor):
    """The system (actor None: the seed, a management command) and city
    officers approve what they write; everyone else submits it."""
    return actor is None or is_city_officer(actor)


def approved_values():
    """Values that are public and count in statuses, reports and open data."""
    return IndicatorValue.objects.filter(review_state=ReviewState.APPROVED)


def indicator_refresh_status(*, indicator) -> str:
    values = list(approved_values().filter(indicator=indicator).select_related("territory")
                  .prefetch_related("parts"))
    prefetch_related_objects([indicator], "targets")
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
    if "update_frequency" in data and data["update_frequency"] != Frequency.EVERY_N_YEARS:
        data["frequency_years"] = None
    if "code" in data:
        data["code"] = (data["code"] or "").strip()
        data["sort_key"] = code_sort_key(data["code"])
    return data


def indicator_free_slug(code, *, exclude=None):
    """The address key for a new indicator with `code`: derived from it, with
    -2, -3 ... when another indicator has it already."""
    base = slug_base(code)
    taken = {s.casefold() for s in Indicator.objects.exclude(pk=exclude).filter(
        slug__istartswith=base).values_list("slug", flat=True)}
    slug, number = base, 1
    while slug.casefold() in taken:
        number += 1
        slug = f"{base}-{number}"
    return slug


# --- Milestones ----------------------------------------------------------------------------

TARGET_FIELDS = ("year", "due", "kind", "value", "text")


def target_snapshot(target):
    """A milestone as JSON-ready data (audit entries, the definitions import)."""
    return {
        "year": target.year, "due": target.due.isoformat() if target.due else None,
        "kind": target.kind,
        "value": plain_number(target.value),
        "text": target.text,
    }


def build_targets(targets, *, comparison_territory):
    """IndicatorTarget rows (unsaved, no indicator) from dicts with the keys of
    TARGET_FIELDS, numbered in the given order, each validated; a ValidationError
    names the milestone."""
    rows = []
    for position, data in enumerate(targets, start=1):
        target = IndicatorTarget(position=position, **{
            name: data.get(name, "" if name in ("kind", "text") else None)
            for name in TARGET_FIELDS})
        target.text = (target.text or "").strip()
        try:
            target.full_clean(exclude=["indicator"])
            if target.kind == TargetKind.BELOW_COMPARISON and comparison_territory is None:
                raise ValidationError({"kind": _(
                    "This target compares with a territory: choose the comparison territory "
                    "of the indicator.")})
        except ValidationError as error:
            raise ValidationError({"targets": [_("Milestone %(number)d: %(errors)s") % {
                "number": position, "errors": " ".join(error.messages)}]}) from None
        rows.append(target)
    return rows


class _TargetsLink:
    """The milestones, saved with the indicator like the apps' links."""

    def __init__(self, targets):
        self.targets = targets  # list of dicts, or None: keep them

    def changes(self, indicator):
        if self.targets is None:
            return {}
        before = [] if indicator is None else [
            target_snapshot(t) for t in indicator.targets.order_by("position")]
        after = [target_snapshot(t) for t in self.rows]
        return {} if before == after else {"milestones": [before, after]}

    def prepare(self, comparison_territory):
        if self.targets is not None:
            self.rows = build_targets(self.targets, comparison_territory=comparison_territory)

    def save(self, *, indicator):
        if self.targets is None:
            return
        indicator.targets.all().delete()
        for target in self.rows:
            target.indicator = indicator
        IndicatorTarget.objects.bulk_create(self.rows)


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


INDICATOR_FIELDS = (
    "code", "slug", "name", "national_code", "kind", "unit", "unit_label", "definition",
    "data_source", "update_frequency", "frequency_years", "responsible", "plan_item",
    "position", "home_territory", "comparison_territory", "part_labels", "note", "commentary",
)


def indicator_create(
    *, actor, plans=(), links=(), targets=(),
    code, slug=UNSET, name, national_code=UNSET, kind, unit=UNSET, unit_label=UNSET,
    definition=UNSET, data_source=UNSET, update_frequency=UNSET, frequency_years=UNSET,
    responsible=UNSET, plan_item=UNSET, position=UNSET, home_territory,
    comparison_territory=UNSET, part_labels=UNSET, note=UNSET, commentary=UNSET,
) -> Indicator:
    """`targets`: the milestones, dicts with the keys of TARGET_FIELDS, in their
    order. `slug` (the address) is derived from the code when not given.
    `links`: what the apps above keep about the indicator (projects: the
    project of a project indicator), each with `changes(indicator)` for the
    audit entry and `save(indicator=)`, run in this transaction."""
    data = _clean_indicator_data(given(
        code=code, slug=slug, name=name, national_code=national_code, kind=kind, unit=unit,
        unit_label=unit_label, definition=definition, data_source=data_source,
        update_frequency=update_frequency, frequency_years=frequency_years,
        responsible=responsible, plan_item=plan_item, position=position,
        home_territory=home_territory, comparison_territory=comparison_territory,
        part_labels=part_labels, note=note, commentary=commentary))
    if not data.get("slug"):
        data["slug"] = indicator_free_slug(data["code"])
    milestones = _TargetsLink(list(targets or ()))
    milestones.prepare(data.get("comparison_territory"))
    links = [milestones, *links]
    with transaction.atomic():
        indicator = model_create(actor=actor, model=Indicator, data=data,
                                 m2m={"plans": list(plans)}, after_save=_save_links(links),
                                 extra_changes=_link_changes(links, None))
        indicator_refresh_status(indicator=indicator)
        _refresh_pages()
    return indicator


def indicator_update(
    *, actor, indicator, expected_version=None, plans=None, links=(), targets=None,
    code=UNSET, slug=UNSET, name=UNSET, national_code=UNSET, kind=UNSET, unit=UNSET,
    unit_label=UNSET, definition=UNSET, data_source=UNSET, update_frequency=UNSET,
    frequency_years=UNSET, responsible=UNSET, plan_item=UNSET, position=UNSET,
    home_territory=UNSET, comparison_territory=UNSET, part_labels=UNSET, note=UNSET,
    commentary=UNSET,
) -> Indicator:
    """Change the given fields; `plans` None keeps them, `targets` None keeps
    the milestones (a list replaces them all)."""
    data = _clean_indicator_data(given(
        code=code, slug=slug, name=name, national_code=national_code, kind=kind, unit=unit,
        unit_label=unit_label, definition=definition, data_source=data_source,
        update_frequency=update_frequency, frequency_years=frequency_years,
        responsible=responsible, plan_item=plan_item, position=position,
        home_territory=home_territory, comparison_territory=comparison_territory,
        part_labels=part_labels, note=note, commentary=commentary))
    if "slug" in data and not data["slug"]:
        del data["slug"]
    m2m = {"plans": list(plans)} if plans is not None else None
    milestones = _TargetsLink(None if targets is None else list(targets))
    milestones.prepare(data.get("comparison_territory", indicator.comparison_territory))
    links = [milestones, *links]
    with transaction.atomic():
        indicator = model_update(actor=actor, instance=indicator, data=data, m2m=m2m,
                                 expected_version=expected_version,
                                 extra_changes=_link_changes(links, indicator),
                                 after_save=_save_links(links))
        indicator_refresh_status(indicator=indicator)
        _refresh_pages()
    return indicator


def _parts_snapshot(value):
    # .all(): the prefetched parts when there are (the import), else one query.
    return [[p.label, str(p.amount)] for p in sorted(value.parts.all(),
                                                      key=lambda p: p.position)]


def _value_fields(value, parts=None):
    """`parts`: the (label, amount) pairs about to be saved (as the database
    will give them back), instead of reading them."""
    return {
        "territory": value.territory.code,
        "period": value.period_text,
        "period_start": value.period_start.isoformat(),
        "period_end": value.period_end.isoformat(),
        "value": plain_number(value.value),
        "available": value.available,
        "not_available_reason": value.not_available_reason,
        "is_estimate": value.is_estimate,
        "rank": value.rank,
        "rank_scope": value.rank_scope,
        "value_text": value.value_text,
        "note": value.note,
        "is_baseline": value.is_baseline,
        "source": value.source,
        "review_state": value.review_state,
        "parts": ([[label, str(amount)] for label, amount in parts] if parts is not None
                  else _parts_snapshot(value) if value.pk else []),
    }


VALUE_FIELDS = ("period_kind", "period_text", "available", "is_composite", "value",
                "not_available_reason", "is_estimate", "rank", "rank_scope", "value_text",
                "note", "is_baseline", "source", "review_state", "reviewed_by", "reviewed_at",
                "review_comment")


def _apply_value_fields(record, *, period_kind, period_text, value, available,
                        not_available_reason, is_estimate, rank, rank_scope, value_text, note,
                        is_baseline, source, has_parts):
    """The one set of rules for a value's fields (a number, parts or not
    available; what a value that is not available keeps), shared by the form
    and the import."""
    record.period_kind = period_kind
    record.period_text = period_text
    record.available = available
    record.is_composite = available and has_parts
    record.value = value if available and not has_parts else None
    record.not_available_reason = "" if available else not_available_reason
    record.is_estimate = is_estimate if available else False
    record.rank = rank if available else None
    record.rank_scope = rank_scope if available and rank else ""
    record.value_text = value_text
    record.note = note
    record.is_baseline = is_baseline
    record.source = source


def _part_count_error(indicator, parts):
    if parts and indicator.part_labels and len(parts) != len(indicator.part_labels):
        return _("This indicator has %(expected)d parts (%(labels)s); the value has "
                 "%(got)d.") % {"expected": len(indicator.part_labels),
                                "labels": " / ".join(indicator.part_labels), "got": len(parts)}
    return None


def _baseline_clash_error(territory, clash):
    return _("The baseline of this indicator for %(territory)s is already the value of "
             "%(period)s.") % {"territory": territory, "period": clash.period_text}


def _value_change_entry(before, after):
    about = f"{after['period']} {after['territory']}: "
    if before is None:
        return {about + name: [None, new] for name, new in after.items()}
    return {about + name: [before[name], new] for name, new in after.items()
            if before[name] != new}


def indicator_value_record(
    *, actor, indicator, territory=None, period_kind, period_start, period_end, period_text,
    value=None, available=True, not_available_reason="", is_estimate=False, rank=None,
    rank_scope="", value_text="", note="", is_baseline=None, source="", parts=None,
    message="", replaces=None, submit=True, correction_reason="",
) -> IndicatorValue:
    """Create or replace the value of `indicator` for one period and territory.
    `parts`: [(label, amount), ...] for a composite value. `replaces`: a value
    this one corrects (its period or territory was wrong), deleted in the same
    transaction. Returns the value; audited on the indicator (who, when, what
    changed).

    A city officer's value is approved as entered (the officer is who would
    approve it); an implementer's is submitted for approval, or kept as a
    draft with `submit=False`. A value of a closed reporting round changes only
    by an officer, with `correction_reason`."""
    territory = territory or indicator.home_territory
    parts = list(parts or [])
    if (part_error := _part_count_error(indicator, parts)) is not None:
        raise ValidationError({"value": part_error})
    if territory.pk not in (indicator.home_territory_id, indicator.comparison_territory_id):
        raise ValidationError({"territory": _(
            "This indicator is followed for %(territories)s only.") % {
                "territories": ", ".join(
                    str(t) for t in Territory.objects.filter(
                        pk__in=[indicator.home_territory_id, indicator.comparison_territory_id]))}})
    decides = decides_review(actor)
    with transaction.atomic():
        if replaces is not None:
            refuse_rewrite(replaces, decides=decides)
            mark_corrected(replaces, decides=decides, reason=correction_reason)
            indicator_value_delete(actor=actor, value=replaces, correcting=True)
        Indicator.objects.select_for_update().filter(pk=indicator.pk).first()
        existing = (IndicatorValue.objects.select_for_update()
                    .filter(indicator=indicator, territory=territory,
                            period_start=period_start, period_end=period_end).first())
        before = _value_fields(existing) if existing else None
        if is_baseline is None:  # not the caller's to decide: keep what it was
            is_baseline = existing.is_baseline if existing else False
        record = existing or IndicatorValue(indicator=indicator, territory=territory,
                                            period_start=period_start, period_end=period_end)
        if replaces is not None and replaces.closed:
            record.closed = True
            record.corrected_on, record.correction_reason = (replaces.corrected_on,
                                                             replaces.correction_reason)
        mark_corrected(record, decides=decides, reason=correction_reason)
        mark_entered(record, actor=actor, decides=decides, submit=submit)
        _apply_value_fields(
            record, period_kind=period_kind, period_text=period_text, value=value,
            available=available, not_available_reason=not_available_reason,
            is_estimate=is_estimate, rank=rank, rank_scope=rank_scope, value_text=value_text,
            note=note, is_baseline=is_baseline, source=source, has_parts=bool(parts))
        if is_baseline:
            clash = (IndicatorValue.objects.filter(indicator=indicator, territory=territory,
                                                   is_baseline=True)
                     .exclude(pk=record.pk).first())
            if clash is not None:
                raise ValidationError({"is_baseline": _baseline_clash_error(territory, clash)})
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
        if record.closed:
            message = _("Correction after the reporting round closed: %(reason)s") % {
                "reason": record.correction_reason}
        if before != after or record.closed:
            audit_record(
                actor=actor, action=AuditAction.UPDATE if existing else AuditAction.CREATE,
                instance=indicator, changes=_value_change_entry(before, after),
                message=message or _("Value of %(period)s recorded") % {"period": period_text},
                with_snapshot=False,
            )
            indicator_refresh_status(indicator=indicator)
            _refresh_pages()
    return record


def _stored_amount(amount):
    """A part's amount as the database gives it back (its four decimal places)."""
    places = IndicatorValuePart._meta.get_field("amount").decimal_places
    return Decimal(amount).quantize(Decimal(1).scaleb(-places))


def _check_errors(record):
    """The value's check constraints, evaluated in memory (Django would ask the
    database once per record)."""
    failed = []
    if record.period_end < record.period_start:
        failed.append("indicator_value_period_ordered")
    if not ((not record.available and record.value is None and not record.is_composite)
            or (record.available and record.is_composite and record.value is None)
            or (record.available and not record.is_composite and record.value is not None)):
        failed.append("indicator_value_number_parts_or_not_available")
    if not (record.available or (not record.is_estimate and record.rank is None)):
        failed.append("indicator_value_not_available_is_plain")
    by_name = {c.name: c for c in IndicatorValue._meta.constraints}
    return [str(by_name[name].get_violation_error_message()) for name in failed]


def indicator_values_import(*, actor, rows, message=""):
    """Record many values at once (the value import), set-based: the same
    field rules, checks and audit trail as `indicator_value_record` row by
    row, in a constant number of queries per batch of BATCH rows.

    Each row: `row` (its number, for messages), `indicator` and `territory`
    (model instances, the territory one the indicator follows: the caller has
    checked), `period_kind`, `period_start`, `period_end` (dates),
    `period_text`, `value` (Decimal or None), `available`,
    `not_available_reason`, `is_estimate`, `rank`, `rank_scope`, `value_text`,
    `note`, `parts` ([(label, Decimal), ...]) and `existing_version` (the
    saved value's version the caller saw, None for a new value). A saved value
    keeps its baseline mark and source.

    Returns [(row number, message), ...]: the rows refused (a value changed
    since `existing_version` was read, a value that does not validate);
    nothing is written then. Otherwise writes everything in one transaction:
    one audit entry on the indicator per value, each indicator's status
    recomputed once, the public pages refreshed once committed.

    `rows` may be any iterable (a generator): it is read and written a slice
    of about IMPORT_SLICE rows at a time, so that the model instances, parts
    and audit entries of one slice are let go before the next is read. Rows
    of one indicator must come one after the other (sorted by indicator):
    then each indicator falls in one slice, its saved values are read once
    and its status is recomputed once."""
    decides = decides_review(actor)
    errors, touched = [], False
    try:
        with transaction.atomic():
            for rows_slice in _indicator_slices(rows):
                # After a refused row nothing more is written, but every row
                # is still checked, so that all refusals are listed at once.
                found, wrote = _values_import_slice(rows_slice, actor=actor, decides=decides,
                                                    message=message, write=not errors)
                errors += found
                touched = touched or wrote
            if errors:
                # Slices written before the first refusal are undone with the rest.
                raise _ImportRefusedRows
            if touched:
                _refresh_pages()
    except _ImportRefusedRows:
        return errors
    return []


# Checked by the value import's own lookups (and the schema's constraints).
VALUE_CLEAN_EXCLUDE = ("indicator", "territory", "reviewed_by")

# Rows of the value import checked and written at a time: large enough that
# the queries per slice do not count, small enough that a slice's model
# instances and audit entries stay a few tens of MB (100,000 values peaked at
# almost 1 GB when they were all held at once).
IMPORT_SLICE = 5000


class _ImportRefusedRows(Exception):
    """Rolls back the slices already written when a later one is refused."""


def _indicator_slices(rows, size=None):
    """Lists of rows, closed at the first change of indicator after `size`
    rows: the rows of one indicator (coming one after the other) share a list."""
    size = size or IMPORT_SLICE
    current, last = [], None
    for row in rows:
        pk = row["indicator"].pk
        if len(current) >= size and pk != last:
            yield current
            current = []
        current.append(row)
        last = pk
    if current:
        yield current


def _values_import_slice(rows, *, actor, decides, message, write):
    """Check one slice of the value import and, when `write` and nothing in it
    is refused, write it. Returns (refused rows, whether any value changed)."""
    indicators = {row["indicator"].pk: row["indicator"] for row in rows}
    saved = {}
    for batch in _batches(sorted(indicators)):
        list(Indicator.objects.select_for_update().filter(pk__in=batch).values_list("pk"))
        values = list(IndicatorValue.objects.select_for_update().filter(
            indicator_id__in=batch))
        prefetch_children(values, "parts", IndicatorValuePart.objects.order_by("position"))
        for value in values:
            saved[(value.indicator_id, value.territory_id, value.period_start,
                   value.period_end)] = value
    baselines = {}
    for value in saved.values():
        if value.is_baseline:
            baselines.setdefault((value.indicator_id, value.territory_id), []).append(value)
    errors, created, changed, parts, audits = [], [], [], [], []
    recorded = _("Value of %(period)s recorded")  # translated once, not per row
    new_value = instance_maker(IndicatorValue)
    for row in rows:
        indicator, territory = row["indicator"], row["territory"]
        existing = saved.get((indicator.pk, territory.pk, row["period_start"],
                              row["period_end"]))
        if (existing.version if existing else None) != row["existing_version"]:
            errors.append((row["row"], _(
                "The value was changed in the portal after the preview.")))
            continue
        followed = (indicator.home_territory_id, indicator.comparison_territory_id)
        if territory.pk not in followed:
            names = sorted((t for t in (indicator.home_territory,
                                        indicator.comparison_territory) if t),
                           key=lambda t: t.pk)
            errors.append((row["row"], _(
                "This indicator is followed for %(territories)s only.") % {
                    "territories": ", ".join(str(t) for t in names)}))
            continue
        row_parts = [(label, _stored_amount(amount)) for label, amount in row["parts"]]
        if (part_error := _part_count_error(indicator, row_parts)) is not None:
            errors.append((row["row"], part_error))
            continue
        if existing is not None:
            existing.territory = territory
        before = _value_fields(existing) if existing else None
        record = existing or new_value(
            indicator=indicator, territory=territory, period_start=row["period_start"],
            period_end=row["period_end"])
        if record.closed:
            errors.append((row["row"], _(
                "The value belongs to a closed reporting round: a city officer corrects it "
                "in the portal, with a reason.")))
            continue
        try:
            mark_entered(record, actor=actor, decides=decides, submit=True)
        except ValidationError as error:
            errors.append((row["row"], " ".join(error.messages)))
            continue
        _apply_value_fields(
            record, period_kind=row["period_kind"], period_text=row["period_text"],
            value=row["value"], available=row["available"],
            not_available_reason=row["not_available_reason"],
            is_estimate=row["is_estimate"], rank=row["rank"], rank_scope=row["rank_scope"],
            value_text=row["value_text"], note=row["note"],
            is_baseline=existing.is_baseline if existing else False,
            source=existing.source if existing else "", has_parts=bool(row_parts))
        if record.is_baseline:
            clash = next((v for v in baselines.get((indicator.pk, territory.pk), [])
                          if v.pk != record.pk), None)
            if clash is not None:
                errors.append((row["row"], _baseline_clash_error(territory, clash)))
                continue
        try:
            # Foreign keys, uniqueness and the constraints would each cost
            # a query: the preview looked them up, the checks run below.
            # full_clean's field checks, the usual case proved without its
            # per-field machinery (core.bulk.clean_fields_fast).
            clean_fields_fast(record, exclude=VALUE_CLEAN_EXCLUDE)
            for position, (label, amount) in enumerate(row_parts, start=1):
                part = IndicatorValuePart(value=record, position=position, label=label,
                                          amount=amount)
                clean_fields_fast(part, exclude=("value",))
                parts.append(part)
        except ValidationError as error:
            errors.append((row["row"], " ".join(error.messages)))
            continue
        if failed := _check_errors(record):
            errors.append((row["row"], " ".join(failed)))
            continue
        if existing:
            record.version += 1
            changed.append(record)
        else:
            created.append(record)
        after = _value_fields(record, parts=row_parts)
        if before != after:
            audits.append((indicator, AuditAction.UPDATE if existing else AuditAction.CREATE,
                           _value_change_entry(before, after),
                           message or recorded % {"period": row["period_text"]}))
    if errors or not write:
        return errors, False
    # New and changed values in one upsert (core.bulk: COPY, then INSERT ...
    # ON CONFLICT), the changed values' parts replaced.
    for batch in _batches(changed):
        IndicatorValuePart.objects.filter(value__in=[v.pk for v in batch]).delete()
    bulk_upsert(IndicatorValue, [*changed, *created], [*VALUE_FIELDS, "version"])
    for part in parts:
        part.value_id = part.value.pk
    bulk_insert(IndicatorValuePart, parts)
    # One entry per value change, in the rows' order.
    audit_record_many(actor=actor, action=AuditAction.UPDATE, message=message, records=[
        (indicator, changes, None, action, note)
        for indicator, action, changes, note in audits])
    touched = sorted({indicator.pk for indicator, *_rest in audits})
    # Each touched indicator's status once, from the values in hand: every
    # saved value of these indicators was read (locked) above, and the
    # new ones are `created`; the status needs no parts.
    held = {}
    for value in [*saved.values(), *created]:
        if value.review_state != ReviewState.APPROVED:
            continue
        held.setdefault(value.indicator_id, []).append(value)
    changed_status = []
    for batch in _batches(touched):
        for indicator in Indicator.objects.filter(pk__in=batch).prefetch_related("targets"):
            status = assess(indicator, held.get(indicator.pk, [])).status
            if status != indicator.status:
                indicator.status = status
                changed_status.append(indicator)
                indicators[indicator.pk].status = status
    Indicator.objects.bulk_update(changed_status, ["status"], batch_size=BATCH)
    return [], bool(touched)


def indicator_value_delete(*, actor, value, correcting=False) -> None:
    """`correcting`: the value moves to another period or territory (the
    record service checked the correction of a closed round)."""
    if value.closed and not correcting:
        raise ValidationError(_("The value belongs to a closed reporting round: correct it, "
                                "with a reason, instead of deleting it."))
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


# --- Definitions in bulk (the definitions workbook) -------------------------------------------

BATCH = 500


def _batches(items, size=BATCH):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def indicator_definitions_save(*, actor, definitions, message=""):
    """Create and update indicators from the definitions import's rows, set-
    based: a constant number of queries per batch of BATCH, in the caller's
    transaction. Each row: `indicator` (pk or None), `version` (as previewed),
    `plan` (pk), `fields` (model field -> value, foreign keys as pks), `targets`
    (milestone dicts, or None: keep them), `baseline` (a value dict, or None).
    Returns the number of indicators written, or None when one changed since
    the preview (nothing is written then). Audited per indicator; statuses
    recomputed; the public pages refreshed once committed."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("indicator_definitions_save must run inside a transaction")
    existing_pks = [row["indicator"] for row in definitions if row["indicator"]]
    current = {}
    for batch in _batches(existing_pks):
        current.update({i.pk: i for i in Indicator.objects.select_for_update().filter(
            pk__in=batch)})
    for row in definitions:
        if row["indicator"] and (row["indicator"] not in current
                                 or current[row["indicator"]].version != row["version"]):
            return None
    fk = {"home_territory", "comparison_territory", "plan_item"}
    taken = {slug.casefold() for slug in Indicator.objects.values_list("slug", flat=True)}
    created, updated, audits = [], [], []
    before_fields = {}
    for row in definitions:
        data = {(f"{name}_id" if name in fk else name): value
                for name, value in row["fields"].items()}
        data["sort_key"] = code_sort_key(data["code"])
        if data.get("update_frequency") != Frequency.EVERY_N_YEARS:
            data["frequency_years"] = None
        if row["indicator"]:
            indicator = current[row["indicator"]]
            before_fields[indicator.pk] = {name: getattr(indicator, name) for name in data}
            for name, value in data.items():
                setattr(indicator, name, value)
            indicator.version += 1
            updated.append((row, indicator))
        else:
            indicator = Indicator(slug=unique_slug(data["code"], taken), **data)
            created.append((row, indicator))
        try:
            # Foreign keys were looked up by the preview (and the database
            # checks them); cleaning them here would cost a query each.
            indicator.full_clean(validate_unique=False, validate_constraints=False,
                                 exclude=["slug", *fk, "responsible"])
        except ValidationError as error:
            raise ValidationError({"row": [f"{row['row']}: {' '.join(error.messages)}"]}) \
                from None
    names = sorted({name for row, _i in updated for name in row["fields"]} | {
        "sort_key", "version", "frequency_years"})
    names = [f"{n}_id" if n in fk else n for n in names]
    for batch in _batches([i for _r, i in updated]):
        Indicator.objects.bulk_update(batch, names)
    bulk_insert(Indicator, [i for _r, i in created])
    rows = [*created, *updated]
    # Plans: a new indicator belongs to its row's plan; an updated one gains it.
    through = Indicator.plans.through
    have = set(through.objects.filter(indicator_id__in=[i.pk for _r, i in updated])
               .values_list("indicator_id", "plan_id")) if updated else set()
    links = [through(indicator_id=i.pk, plan_id=row["plan"]) for row, i in rows
             if (i.pk, row["plan"]) not in have]
    bulk_insert(through, links)
    # Milestones: replaced where the workbook gives them.
    with_targets = [(row, i) for row, i in rows if row["targets"] is not None and (
        not row["indicator"] or "milestones" in row.get("changes", ()))]
    replaced_targets = {i.pk for _r, i in with_targets}
    old_targets = {}
    for target in IndicatorTarget.objects.filter(
            indicator_id__in=[i.pk for row, i in with_targets if row["indicator"]]):
        old_targets.setdefault(target.indicator_id, []).append(target)
    IndicatorTarget.objects.filter(indicator_id__in=[i.pk for _r, i in with_targets]).delete()
    new_targets = []
    for row, indicator in with_targets:
        for position, data in enumerate(row["targets"], start=1):
            target = IndicatorTarget(
                indicator=indicator, position=position, year=data["year"],
                due=date.fromisoformat(data["due"]) if data["due"] else None, kind=data["kind"],
                value=None if data["value"] is None else Decimal(data["value"]),
                text=data["text"])
            target.full_clean(exclude=["indicator"], validate_unique=False,
                              validate_constraints=False)
            new_targets.append(target)
    bulk_insert(IndicatorTarget, new_targets)
    _save_baselines([(row, i) for row, i in rows if not row["indicator"]
                     or "baseline" in row.get("changes", ())])
    # Statuses, from the saved rows.
    pks = [i.pk for _r, i in rows]
    for batch in _batches(pks):
        statuses = list(Indicator.objects.filter(pk__in=batch).prefetch_related(
                "targets", Prefetch("values", queryset=approved_values().select_related(
                    "territory").prefetch_related("parts"))))
        for indicator in statuses:
            indicator.status = assess(indicator, list(indicator.values.all())).status
        Indicator.objects.bulk_update(statuses, ["status"])
    content_type = ContentType.objects.get_for_model(Indicator)
    who = actor if getattr(actor, "is_authenticated", False) else None
    old_by_pk = {pk: [target_snapshot(t) for t in sorted(ts, key=lambda t: t.position)]
                 for pk, ts in old_targets.items()}
    for row, indicator in rows:
        before = before_fields.get(indicator.pk)
        changes = {}
        for name in row["fields"]:
            attname = f"{name}_id" if name in fk else name
            old = None if before is None else before[attname]
            if before is None or old != getattr(indicator, attname):
                changes[name] = [old, getattr(indicator, attname)]
        if indicator.pk in replaced_targets:
            changes["milestones"] = [old_by_pk.get(indicator.pk, []), row["targets"]]
        if row.get("baseline") and (not row["indicator"] or "baseline" in row["changes"]):
            changes["baseline"] = [None, row["baseline"]["value_text"]]
        audits.append(AuditEntry(
            actor=who, action=AuditAction.UPDATE if before is not None else AuditAction.CREATE,
            content_type=content_type, object_id=str(indicator.pk),
            object_repr=str(indicator)[:300],
            changes=json_ready(changes), message=str(message)[:300], snapshot=None))
    bulk_insert(AuditEntry, audits)
    _refresh_pages()
    return len(rows)


def json_ready(data):
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def _save_baselines(rows):
    """The baselines of the rows that give one: the value of that period is
    created or updated and marked; an earlier baseline of the same territory
    stays as a value, unmarked."""
    wanted = [(i, row["baseline"]) for row, i in rows if row.get("baseline")]
    if not wanted:
        return
    pks = [i.pk for i, _b in wanted]
    values = {}
    for value in IndicatorValue.objects.filter(indicator_id__in=pks):
        values.setdefault(value.indicator_id, []).append(value)
    unmark, create, change = [], [], []
    for indicator, baseline in wanted:
        start = date.fromisoformat(baseline["period_start"])
        end = date.fromisoformat(baseline["period_end"])
        territory = baseline["territory"]
        same = None
        for value in values.get(indicator.pk, []):
            if value.territory_id != territory:
                continue
            if (value.period_start, value.period_end) == (start, end):
                same = value
            elif value.is_baseline:
                value.is_baseline = False
                unmark.append(value)
        record = same or IndicatorValue(indicator=indicator, territory_id=territory,
                                        period_start=start, period_end=end)
        record.period_kind = baseline["period_kind"]
        record.period_text = baseline["period_text"]
        record.available = baseline["available"]
        record.is_composite = False
        record.value = None if baseline["value"] is None else Decimal(baseline["value"])
        record.is_estimate = baseline["is_estimate"]
        record.rank = baseline["rank"]
        record.rank_scope = baseline["rank_scope"] or ""
        record.value_text = baseline["value_text"]
        record.is_baseline = True
        if same is None:
            create.append(record)
        else:
            record.version += 1
            change.append(record)
    IndicatorValue.objects.bulk_update(unmark, ["is_baseline"], batch_size=BATCH)
    IndicatorValue.objects.bulk_update(change, [
        "period_kind", "period_text", "available", "is_composite", "value", "is_estimate",
        "rank", "rank_scope", "value_text", "is_baseline", "version"], batch_size=BATCH)
    IndicatorValue.objects.bulk_create(create, batch_size=BATCH)


# --- Review (core.review): submit, approve, return ----------------------------------------------


def _review_transition(*, actor, value, change, message):
    with transaction.atomic():
        value = (IndicatorValue.objects.select_for_update().select_related("indicator", "territory")
                 .get(pk=value.pk))
        before = value.review_state
        change(value)
        value.full_clean()
        value.version += 1
        value.save()
        audit_record(
            actor=actor, action=AuditAction.UPDATE, instance=value.indicator,
            changes={f"{value.period_text} {value.territory.code}: review_state":
                     [before, value.review_state]},
            message=message % {"period": value.period_text}, with_snapshot=False)
        if ReviewState.APPROVED in (before, value.review_state):
            indicator_refresh_status(indicator=value.indicator)
            _refresh_pages()
    return value


def indicator_value_submit(*, actor, value) -> IndicatorValue:
    """A draft or returned value goes to the officers for approval."""
    return _review_transition(actor=actor, value=value, change=mark_submitted,
                              message=_("Value of %(period)s submitted for approval"))


def indicator_value_approve(*, actor, value) -> IndicatorValue:
    """A city officer approves a submitted value: from now on it is public and
    counts in the indicator's status."""
    decides = decides_review(actor)
    return _review_transition(
        actor=actor, value=value,
        change=lambda v: mark_approved(v, actor=actor, decides=decides),
        message=_("Value of %(period)s approved"))


def indicator_value_return(*, actor, value, comment) -> IndicatorValue:
    """A city officer returns a submitted value to the implementer with what
    to fix."""
    decides = decides_review(actor)
    return _review_transition(
        actor=actor, value=value,
        change=lambda v: mark_returned(v, actor=actor, decides=decides, comment=comment),
        message=_("Value of %(period)s returned: ") + (comment or "").strip().replace("%", "%%"))


def indicator_values_close(*, actor, values) -> int:
    """Lock the approved `values` (a queryset) of a round being closed (the
    rounds app calls this in its own transaction, audited on the round); from
    now on only an officer's correction with a reason changes them."""
    return IndicatorValue.objects.filter(
        pk__in=values.values("pk"), review_state=ReviewState.APPROVED,
    ).update(closed=True)
