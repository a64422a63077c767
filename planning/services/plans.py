"""Changes to plans and their items: validated, atomic, audited with the actor
(and a snapshot, so every version can be restored)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from core.audit import (
    AuditAction,
    audit_entries_for,
    audit_record,
    audit_record_many,
    full_snapshot,
)
from core.bulk import bulk_insert
from core.models import AuditEntry
from core.sanitize import sanitize_html
from core.services import (
    UNSET,
    StaleEditError,
    given,
    model_create,
    model_update,
    restored_message,
    snapshot_fields,
)
from directory.models import Organisation
from directory.selectors import current_city

from ..models import (
    PLAN_TRANSITIONS,
    ItemYearSummary,
    LevelRole,
    MeasureStatus,
    Plan,
    PlanItem,
    PlanItemImplementer,
    PlanLevel,
    PlanSourceNote,
    PlanStatus,
    code_sort_key,
)


def plan_create(
    *, actor, levels, kind, title, code, period_start, city=None, ordinal=UNSET, subtitle=UNSET,
    description=UNSET, period_end=UNSET, approved_by=UNSET, resolution_number=UNSET,
    resolution_date=UNSET, working_group=UNSET, language=UNSET, currency=UNSET, status=UNSET,
    comments_open_from=UNSET, comments_open_to=UNSET,
) -> Plan:
    """`levels`: [(name, role), ...] from the top level down. The plan belongs
    to `city`, by default the city that runs the portal, and publishes in its
    language and currency unless told otherwise. `status` is the starting one
    (a transcribed plan may already be in force); later it changes only
    through plan_transition."""
    if not levels:
        raise ValidationError(_("A plan needs at least one level."))
    city = city or current_city()
    if city is None:
        raise ValidationError(_("The city is not set yet: an officer sets it on the City "
                                "settings page before the first plan is added."))
    if language is UNSET:
        language = city.document_language or UNSET
    if currency is UNSET:
        currency = city.currency or UNSET
    data = given(kind=kind, ordinal=ordinal, title=title, subtitle=subtitle, code=code,
                 description=description, period_start=period_start, period_end=period_end,
                 approved_by=approved_by, resolution_number=resolution_number,
                 resolution_date=resolution_date, working_group=working_group, language=language,
                 currency=currency, status=status, comments_open_from=comments_open_from,
                 comments_open_to=comments_open_to)
    data["city"] = city
    with transaction.atomic():
        plan = model_create(actor=actor, model=Plan, data=data)
        for depth, (name, role) in enumerate(levels, start=1):
            level = PlanLevel(plan=plan, depth=depth, name=name, role=role)
            level.full_clean()
            level.save()
    return plan


def plan_update(
    *, actor, plan, expected_version=None, kind=UNSET, ordinal=UNSET, title=UNSET,
    subtitle=UNSET, code=UNSET, description=UNSET, period_start=UNSET, period_end=UNSET,
    approved_by=UNSET, resolution_number=UNSET, resolution_date=UNSET, working_group=UNSET,
    language=UNSET, currency=UNSET, comments_open_from=UNSET, comments_open_to=UNSET,
) -> Plan:
    """Change the given fields; the status changes only through plan_transition."""
    data = given(kind=kind, ordinal=ordinal, title=title, subtitle=subtitle, code=code,
                 description=description, period_start=period_start, period_end=period_end,
                 approved_by=approved_by, resolution_number=resolution_number,
                 resolution_date=resolution_date, working_group=working_group, language=language,
                 currency=currency, comments_open_from=comments_open_from,
                 comments_open_to=comments_open_to)
    return model_update(actor=actor, instance=plan, data=data, expected_version=expected_version)


def plan_transition(*, actor, plan, to_status, message="") -> Plan:
    with transaction.atomic():
        plan = Plan.objects.select_for_update().get(pk=plan.pk)
        allowed = PLAN_TRANSITIONS[PlanStatus(plan.status)]
        if to_status not in allowed:
            raise ValidationError(
                {"status": _("A plan in status “%(current)s” cannot move to “%(new)s”.") % {
                    "current": plan.get_status_display(),
                    "new": PlanStatus(to_status).label,
                }}
            )
        old = plan.status
        plan.status = to_status
        plan.version += 1
        plan.full_clean()
        plan.save(update_fields=["status", "version"])
        audit_record(actor=actor, action=AuditAction.TRANSITION, instance=plan,
                     changes={"status": [old, to_status]}, message=message)
    return plan


def _level_for(plan, parent):
    depth = 1 if parent is None else parent.level.depth + 1
    level = plan.levels.filter(depth=depth).first()
    if level is None:
        raise ValidationError(
            {"parent": _("The plan has no level below “%(parent)s”.") % {"parent": parent}}
        )
    return level


def _check_parent(plan, parent):
    if parent is not None and parent.plan_id != plan.pk:
        raise ValidationError({"parent": _("The parent item belongs to another plan.")})


def _set_implementers(item, implementers):
    """`implementers`: [(organisation, published_name), ...] in order."""
    item.implementer_links.all().delete()
    PlanItemImplementer.objects.bulk_create(
        PlanItemImplementer(item=item, organisation=org, published_name=name or "", position=i)
        for i, (org, name) in enumerate(implementers)
    )


def _implementers_change(item, implementers):
    old = [str(link) for link in item.implementer_links.select_related("organisation")]
    new = [name or str(org) for org, name in implementers]
    return None if old == new else {"implementers": [old, new]}


def plan_item_create(
    *, actor, plan, title, parent=None, position=None, code=UNSET, description=UNSET,
    target_text=UNSET, target_year=UNSET, status=UNSET, status_text=UNSET,
    reports_done=UNSET, reports_total=UNSET, implementers_text=UNSET, activity_type=UNSET,
    activity_type_text=UNSET, service_type=UNSET, period_start=UNSET, period_end=UNSET,
    period_text=UNSET, ongoing=UNSET, cross_cutting_priority=UNSET, footnote=UNSET,
    costs_text=UNSET, costs_amount=UNSET, costs_currency=UNSET, source_page=UNSET,
    implementers=(), working_groups=(), message="",
) -> PlanItem:
    """A new item under `parent` (None: at the top) at `position` (None: the
    last); its level follows from the parent. `implementers`:
    [(organisation, published_name), ...] in order."""
    data = given(
        code=code, title=title, description=description, target_text=target_text,
        target_year=target_year, status=status, status_text=status_text,
        reports_done=reports_done, reports_total=reports_total,
        implementers_text=implementers_text, activity_type=activity_type,
        activity_type_text=activity_type_text, service_type=service_type,
        period_start=period_start, period_end=period_end, period_text=period_text,
        ongoing=ongoing, cross_cutting_priority=cross_cutting_priority, footnote=footnote,
        costs_text=costs_text, costs_amount=costs_amount, costs_currency=costs_currency,
        source_page=source_page)
    with transaction.atomic():
        _check_parent(plan, parent)
        level = _level_for(plan, parent)
        if position is None:
            last = PlanItem.objects.filter(plan=plan, parent=parent).aggregate(m=Max("position"))
            position = (last["m"] or 0) + 1
        item = model_create(
            actor=actor, model=PlanItem,
            data={"plan": plan, "parent": parent, "level": level, "position": position, **data},
            m2m={"working_groups": list(working_groups)},
            message=message,
            after_save=(lambda obj: _set_implementers(obj, implementers)) if implementers
            else None,
        )
    return item


def plan_item_update(
    *, actor, item, expected_version=None, code=UNSET, title=UNSET, description=UNSET,
    target_text=UNSET, target_year=UNSET, status=UNSET, status_text=UNSET,
    reports_done=UNSET, reports_total=UNSET, implementers_text=UNSET, activity_type=UNSET,
    activity_type_text=UNSET, service_type=UNSET, period_start=UNSET, period_end=UNSET,
    period_text=UNSET, ongoing=UNSET, cross_cutting_priority=UNSET, footnote=UNSET,
    costs_text=UNSET, costs_amount=UNSET, costs_currency=UNSET, source_page=UNSET,
    implementers=None, working_groups=None, message="",
) -> PlanItem:
    """Change the given fields; `implementers` / `working_groups` None keep
    them. Where the item sits (plan, parent, level, position) changes only
    through plan_item_move."""
    data = given(
        code=code, title=title, description=description, target_text=target_text,
        target_year=target_year, status=status, status_text=status_text,
        reports_done=reports_done, reports_total=reports_total,
        implementers_text=implementers_text, activity_type=activity_type,
        activity_type_text=activity_type_text, service_type=service_type,
        period_start=period_start, period_end=period_end, period_text=period_text,
        ongoing=ongoing, cross_cutting_priority=cross_cutting_priority, footnote=footnote,
        costs_text=costs_text, costs_amount=costs_amount, costs_currency=costs_currency,
        source_page=source_page)
    m2m = {} if working_groups is None else {"working_groups": list(working_groups)}
    with transaction.atomic():
        extra = _implementers_change(item, implementers) if implementers is not None else None
        item = model_update(actor=actor, instance=item, data=data, m2m=m2m,
                            expected_version=expected_version, extra_changes=extra,
                            message=message,
                            after_save=(lambda obj: _set_implementers(obj, implementers))
                            if extra else None)
    return item


def _renumber(plan, parent):
    siblings = list(PlanItem.objects.filter(plan=plan, parent=parent).order_by("position", "id"))
    for index, sibling in enumerate(siblings, start=1):
        if sibling.position != index:
            PlanItem.objects.filter(pk=sibling.pk).update(position=index)


def plan_item_move(*, actor, item, new_parent=None, position, expected_version=None) -> PlanItem:
    """Move an item (with its subtree) under `new_parent` at 1-based `position`
    among its new siblings. The item keeps its level, so the new parent must be
    one level above it."""
    with transaction.atomic():
        item = (
            PlanItem.objects.select_for_update(of=("self",))
            .select_related("level", "parent")
            .get(pk=item.pk)
        )
        if expected_version is not None and item.version != expected_version:
            raise StaleEditError(item, audit_entries_for(item)[:1])
        _check_parent(item.plan, new_parent)
        expected_depth = 1 if new_parent is None else new_parent.level.depth + 1
        if item.level.depth != expected_depth:
            raise ValidationError({"parent": _(
                "“%(item)s” is a %(level)s; it can only be placed directly under an item one "
                "level above it."
            ) % {"item": item, "level": item.level.name}})
        node = new_parent
        while node is not None:
            if node.pk == item.pk:
                raise ValidationError({"parent": _("An item cannot be moved under itself.")})
            node = node.parent
        old_parent, old_position = item.parent, item.position
        siblings = list(
            PlanItem.objects.filter(plan=item.plan, parent=new_parent).exclude(pk=item.pk)
            .order_by("position", "id")
        )
        position = max(1, min(position, len(siblings) + 1))
        siblings.insert(position - 1, item)
        for index, sibling in enumerate(siblings, start=1):
            PlanItem.objects.filter(pk=sibling.pk).update(position=index)
        PlanItem.objects.filter(pk=item.pk).update(parent=new_parent, version=item.version + 1)
        if old_parent != new_parent:
            _renumber(item.plan, old_parent)
        item.refresh_from_db()
        audit_record(
            actor=actor, action=AuditAction.UPDATE, instance=item,
            changes={
                "parent": [str(old_parent or ""), str(new_parent or "")],
                "position": [old_position, item.position],
            },
            message=_("moved"),
        )
    return item


def plan_item_delete(*, actor, item, message="") -> None:
    """Delete the item with its subtree. The deletion stays in the plan's
    history: its audit entry keeps the state of every deleted item (place,
    fields, implementers, working groups), so that plan_item_undelete can
    bring them back; each item below gets an entry of its own pointing to it."""
    with transaction.atomic():
        item = PlanItem.objects.select_for_update().get(pk=item.pk)
        descendants = _descendants(item)
        removed = [str(item)] + [str(d) for d in descendants]
        parent, plan = item.parent, item.plan
        entry = audit_record(actor=actor, action=AuditAction.DELETE, instance=item,
                             changes={"items": [removed, None]}, message=message)
        entry.snapshot = {"plan_id": plan.pk, "items": [
            {"id": node.pk, **full_snapshot(node), "summaries": [
                [s.year, s.title, s.text] for s in node.summaries.order_by("year")]}
            for node in [item, *descendants]]}
        entry.save(update_fields=["snapshot"])
        for node in descendants:
            below = audit_record(
                actor=actor, action=AuditAction.DELETE, instance=node, with_snapshot=False,
                message=_("Deleted with “%(item)s”") % {"item": item})
            below.snapshot = {"plan_id": plan.pk, "deleted_with": entry.pk}
            below.save(update_fields=["snapshot"])
        item.delete()
        _renumber(plan, parent)


def deleted_item_entry(plan, entry):
    """The audit entry that can bring a deleted item of `plan` back: `entry`
    itself when it deleted the item, the entry of the item above when the item
    went with it; None when `entry` is no deletion of this plan."""
    data = entry.snapshot or {}
    if entry.action != AuditAction.DELETE or data.get("plan_id") != plan.pk:
        return None
    if "deleted_with" in data:
        return AuditEntry.objects.filter(pk=data["deleted_with"],
                                         action=AuditAction.DELETE).first()
    return entry if data.get("items") else None


def plan_item_undelete(*, actor, plan, entry) -> PlanItem:
    """Bring back an item deleted by the audit entry `entry`, with the items
    that were below it, at its place under the same parent (which must still
    exist), with the same ids so that their history continues; each restored
    item gets an audited "created" entry."""
    data = entry.snapshot or {}
    if (entry.action != AuditAction.DELETE or data.get("plan_id") != plan.pk
            or not data.get("items") or entry.content_type.model_class() is not PlanItem):
        raise ValidationError(_("This entry did not delete an item of this plan."))
    rows = data["items"]
    top = rows[0]
    with transaction.atomic():
        Plan.objects.select_for_update().filter(pk=plan.pk).first()
        if PlanItem.objects.filter(pk__in=[row["id"] for row in rows]).exists():
            raise ValidationError(_("The item has already been restored."))
        parent = None
        if top.get("parent_id") is not None:
            parent = PlanItem.objects.filter(pk=top["parent_id"], plan=plan).first()
            if parent is None:
                raise ValidationError(_(
                    "The item stood under an item that has been deleted too; restore that "
                    "one first."))
        # Its old place: the items from there on move one down.
        siblings = PlanItem.objects.filter(plan=plan, parent=parent,
                                           position__gte=top.get("position") or 1)
        for sibling in siblings.order_by("-position"):
            PlanItem.objects.filter(pk=sibling.pk).update(position=sibling.position + 1)
        message = _("Restored after the deletion of %(when)s") % {"when": _when(entry)}
        restored = []
        for row in rows:
            fields = {k: v for k, v in row.items()
                      if k not in ("id", "implementers", "summaries")}
            values, m2m = snapshot_fields(PlanItem, fields)
            node = PlanItem(pk=row["id"], **values)
            node.full_clean(validate_unique=False)
            node.save(force_insert=True)
            groups = PlanItem._meta.get_field("working_groups").related_model.objects \
                .filter(pk__in=m2m.get("working_groups") or [])
            if m2m.get("working_groups"):
                node.working_groups.set(list(groups))
            recorded = row.get("implementers") or []
            organisations = Organisation.objects.in_bulk([org_id for org_id, _n in recorded])
            missing = [name for org_id, name in recorded if org_id not in organisations]
            if missing:
                raise ValidationError(_("The deleted item names implementers that no longer "
                                        "exist: %(names)s.") % {"names": ", ".join(missing)})
            if recorded:
                _set_implementers(node, [(organisations[o], n) for o, n in recorded])
            for year, title, text in row.get("summaries") or []:
                ItemYearSummary.objects.create(item=node, year=year, title=title, text=text)
            audit_record(actor=actor, action=AuditAction.CREATE, instance=node,
                         changes={"items": [None, [str(node)]]}, message=message)
            restored.append(node)
        _renumber(plan, parent)
    return PlanItem.objects.get(pk=restored[0].pk)


def _when(entry):
    from django.utils import formats, timezone

    return formats.date_format(timezone.localtime(entry.created_at), "SHORT_DATETIME_FORMAT")


def _descendants(item):
    found, frontier = [], [item]
    while frontier:
        children = list(PlanItem.objects.filter(parent__in=frontier).order_by("position"))
        found.extend(children)
        frontier = children
    return found


def plan_items_set_status(*, actor, items, status) -> int:
    """Bulk status change of measures; each change audited."""
    if status not in MeasureStatus.values:
        raise ValidationError({"status": _("Unknown status.")})
    changed = 0
    with transaction.atomic():
        for item in PlanItem.objects.select_for_update().filter(
            pk__in=[i.pk for i in items]
        ).select_related("level"):
            if item.level.role != LevelRole.MEASURE:
                raise ValidationError(
                    _("“%(item)s” is not a measure; only measures have a status.") % {"item": item}
                )
            if item.status != status:
                model_update(actor=actor, instance=item, data={"status": status})
                changed += 1
    return changed


# Where an item sits is changed only by plan_item_move (which renumbers the
# siblings); restoring an earlier version brings back its content, not its place.
_STRUCTURE_FIELDS = ("plan_id", "parent_id", "level_id", "position")


def plan_item_restore(*, actor, item, entry, expected_version=None) -> PlanItem:
    """Bring back the content of an earlier version, implementers included."""
    if (entry.snapshot is None or entry.object_id != str(item.pk)
            or entry.action == AuditAction.DELETE):
        raise ValueError("this history entry cannot be restored")
    snapshot = {k: v for k, v in entry.snapshot.items() if k not in _STRUCTURE_FIELDS}
    recorded = snapshot.pop("implementers", None)
    data, m2m = snapshot_fields(PlanItem, snapshot)
    implementers = None
    if recorded is not None:
        organisations = Organisation.objects.in_bulk([org_id for org_id, _name in recorded])
        missing = [name for org_id, name in recorded if org_id not in organisations]
        if missing:
            raise ValidationError(_("This version names implementers that no longer exist: "
                                    "%(names)s.") % {"names": ", ".join(missing)})
        implementers = [(organisations[org_id], name) for org_id, name in recorded]
    return plan_item_update(
        actor=actor, item=item, expected_version=expected_version, implementers=implementers,
        working_groups=m2m.get("working_groups"), message=restored_message(entry), **data,
    )


def item_summary_set(*, actor, item, year, title, text, expected_version=None) -> ItemYearSummary:
    """Create or replace the narrative of one year; the text is sanitised.
    `expected_version` is the version the editor loaded, 0 when the year had
    no summary yet: a summary written by someone else meanwhile is refused."""
    clean = sanitize_html(text)
    with transaction.atomic():
        existing = (ItemYearSummary.objects.select_for_update()
                    .filter(item=item, year=year).first())
        if existing is None:
            return model_create(actor=actor, model=ItemYearSummary,
                                data={"item": item, "year": year, "title": title, "text": clean})
        if expected_version == 0:
            raise StaleEditError(existing, audit_entries_for(existing)[:1])
        return model_update(actor=actor, instance=existing, data={"title": title, "text": clean},
                            expected_version=expected_version or None)


def plan_items_import(*, actor, plan, new_items, message="") -> int:
    """Create many items at once (a plan workbook), set-based: the items of
    each depth in one COPY (core.bulk.bulk_insert, ids from the sequence),
    their implementers, working groups and audit entries (with snapshots)
    likewise; a constant number of queries per depth, in the caller's
    transaction (or its own).

    `new_items`: dicts in printed order with "key" (any hashable), either
    "parent_key" (the key of another new item) or "parent" (an existing item
    of the plan, or None for the top level), "depth", "fields" (model field
    values, already validated), "implementers" [(organisation, name as
    printed)] and "working_groups" [WorkingGroup]. Parents come before their
    children's depth is reached; siblings follow the existing ones."""
    if not new_items:
        return 0
    with transaction.atomic():
        levels = {level.depth: level for level in plan.levels.all()}
        last = dict(PlanItem.objects.filter(plan=plan).order_by().values_list("parent_id")
                    .annotate(m=Max("position")).values_list("parent_id", "m"))
        created = {}  # key -> PlanItem
        records = []
        links, memberships = [], []
        through = PlanItem.working_groups.through
        for depth in sorted({spec["depth"] for spec in new_items}):
            batch = []
            for spec in new_items:
                if spec["depth"] != depth:
                    continue
                parent = (created[spec["parent_key"]] if spec.get("parent_key") is not None
                          else spec.get("parent"))
                parent_id = parent.pk if parent is not None else None
                last[parent_id] = (last.get(parent_id) or 0) + 1
                fields = dict(spec["fields"])
                item = PlanItem(plan=plan, parent=parent, level=levels[depth],
                                position=last[parent_id], **fields)
                item.sort_key = code_sort_key(item.code)
                batch.append((spec, item))
            bulk_insert(PlanItem, [item for _spec, item in batch])
            for spec, item in batch:
                created[spec["key"]] = item
                implementers = [(org.pk, name or "") for org, name in spec["implementers"]]
                groups = sorted(group.pk for group in spec["working_groups"])
                links.extend(PlanItemImplementer(item=item, organisation_id=org_id,
                                                 published_name=name, position=i)
                             for i, (org_id, name) in enumerate(implementers))
                memberships.extend(through(planitem_id=item.pk, workinggroup_id=pk)
                                   for pk in groups)
                records.append((item, None, _item_snapshot(item, groups, implementers)))
        bulk_insert(PlanItemImplementer, links)
        bulk_insert(through, memberships)
        audit_record_many(actor=actor, action=AuditAction.CREATE, records=records,
                          message=message)
    return len(created)


def _item_snapshot(item, group_ids, implementers):
    """What core.audit.full_snapshot records for a new item, without reading
    it back."""
    data = {}
    for field in PlanItem._meta.concrete_fields:
        if field.primary_key or not field.editable or field.name == "version":
            continue
        data[field.attname] = getattr(item, field.attname)
    data["working_groups"] = list(group_ids)
    data["implementers"] = [list(pair) for pair in implementers]
    return data


def plan_source_notes_replace(*, actor, plan, notes) -> list:
    """The plan's notes on its source become `notes` [(where, what, kept_as)]
    in this order (the notes sheet of a plan workbook)."""
    with transaction.atomic():
        old = [[n.where, n.what, n.kept_as] for n in plan.source_notes.all()]
        new = [list(note) for note in notes]
        if old == new:
            return list(plan.source_notes.all())
        rows = []
        for position, (where, what, kept_as) in enumerate(new, start=1):
            note = PlanSourceNote(plan=plan, position=position, where=where, what=what,
                                  kept_as=kept_as)
            note.full_clean(exclude=["plan"], validate_unique=False)
            rows.append(note)
        plan.source_notes.all().delete()
        PlanSourceNote.objects.bulk_create(rows)
        audit_record(actor=actor, action=AuditAction.UPDATE, instance=plan,
                     changes={"source_notes": [old, new]}, message=_("notes on the source"),
                     with_snapshot=False)
    return rows
