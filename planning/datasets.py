"""The open dataset `measures`: one row per measure row of every public plan
(drafts never appear), as published: a measure the source prints twice has
two rows, the second marked `repeat_of` the first. Four queries whatever the number of plans and
measures: the items of public plans with their plan and level, implementers,
working groups."""

from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.opendata import Column, Dataset, register

from .models import LevelRole, PlanItem, PlanItemImplementer
from .selectors import build_tree, repeated_measures


def _public_items():
    return (
        PlanItem.objects.in_public_plans()
        .select_related("plan", "level")
        .prefetch_related(
            Prefetch("implementer_links",
                     queryset=PlanItemImplementer.objects.select_related("organisation")),
            "working_groups",
        )
        .order_by("plan__period_start", "plan__code", "parent_id", "position", "id")
    )


def _measure_rows():
    by_plan = {}
    for item in _public_items():
        by_plan.setdefault(item.plan_id, []).append(item)
    for items in by_plan.values():
        roots = build_tree(items)
        repeats = repeated_measures(roots)
        for root in roots:
            yield from _rows_under(root, area=root.item, specific=None, repeats=repeats)


def _rows_under(node, *, area, specific, repeats):
    item = node.item
    if item.level.role == LevelRole.SPECIFIC_GOAL:
        specific = item
    if item.level.role == LevelRole.MEASURE:
        yield _row(item, area if area is not item else None, specific, repeats.get(item.pk))
    for child in node.children:
        yield from _rows_under(child, area=area, specific=specific, repeats=repeats)


def _row(item, area, specific, repeat_of):
    plan = item.plan
    return {
        "id": item.pk,
        "repeat_of": repeat_of.pk if repeat_of is not None else None,
        "plan_code": plan.code,
        "plan_title": str(plan),
        "area_code": area.code if area else "",
        "area_title": area.title if area else "",
        "specific_goal_code": specific.code if specific else "",
        "code": item.code,
        "title": item.title,
        "status": item.status,
        "status_text": item.status_text,
        "reports_done": item.reports_done,
        "reports_total": item.reports_total,
        "implementers": ";".join(str(link) for link in item.implementer_links.all()),
        "activity_type": item.activity_type,
        "service_type": item.service_type,
        "period_start": item.period_start.isoformat() if item.period_start else None,
        "period_end": item.period_end.isoformat() if item.period_end else None,
        "period_text": item.period_text,
        "ongoing": item.ongoing,
        "working_groups": ";".join(sorted(g.code for g in item.working_groups.all())),
        "url": reverse("planning:plan_item_detail", args=[plan.code, item.pk]),
    }


def register_plan_datasets():
    register(Dataset(
        slug="measures",
        title=_("Measures of plans"),
        description=_("Every measure of the published community plans and social inclusion "
                      "plans, with its status as published, implementers and period. Drafts "
                      "are not included."),
        columns=(
            Column("id", "integer",
                   _("Stable identifier of the measure in this portal (other datasets link "
                     "to it)")),
            Column("repeat_of", "integer",
                   _("Where the source prints the same measure (code and title) again: the "
                     "id of the row printed first; empty otherwise. Count measures without "
                     "these rows")),
            Column("plan_code", "string", _("Short code of the plan, as in its address")),
            Column("plan_title", "string", _("Title of the plan")),
            Column("area_code", "string",
                   _("Code of the top-level item the measure belongs to (thematic area; "
                     "the goal in a community plan)")),
            Column("area_title", "string", _("Title of that top-level item")),
            Column("specific_goal_code", "string",
                   _("Code of the specific goal (empty where the plan has none)")),
            Column("code", "string", _("Code of the measure as published")),
            Column("title", "string", _("Title of the measure")),
            Column("status", "string",
                   _("not_started, in_progress, completed, cancelled, or empty")),
            Column("status_text", "string", _("Status as published, e.g. V realizaci")),
            Column("reports_done", "integer", _("Implementation reports submitted")),
            Column("reports_total", "integer", _("Implementation reports planned")),
            Column("implementers", "list",
                   _("Implementers as published, separated by semicolons")),
            Column("activity_type", "string", _("project, non_project or empty")),
            Column("service_type", "string",
                   _("SAS, OSP, TP, SNP, krizova_pomoc, pecovatelska_sluzba, other or empty")),
            Column("period_start", "date", _("Start of the measure (ISO 8601)")),
            Column("period_end", "date", _("End of the measure (ISO 8601)")),
            Column("period_text", "string", _("Period as published")),
            Column("ongoing", "boolean", _("True for an ongoing measure (průběžně)")),
            Column("working_groups", "list",
                   _("Codes of the working groups, separated by semicolons")),
            Column("url", "url", _("Page in this portal (path)")),
        ),
        rows=_measure_rows,
    ))
