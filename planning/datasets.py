"""The open dataset `measures`: one row per measure row of every public plan
(drafts never appear), as published: a measure the source prints twice has
two rows, the second marked `repeat_of` the first (same code and title, as
`planning.selectors.measure_key` says). Four queries whatever the number of plans and
measures: the items of public plans with their plan and level, implementers,
working groups."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.opendata import Column, Dataset, register

from .models import PUBLIC_PLAN_STATUSES, LevelRole, PlanItem, PlanItemImplementer

_FIELDS = ("id", "parent_id", "plan_id", "level__role", "code", "title", "status",
           "status_text", "reports_done", "reports_total", "activity_type", "service_type",
           "period_start", "period_end", "period_text", "ongoing",
           "plan__code", "plan__title", "plan__subtitle")


def _measure_rows():
    items = list(PlanItem.objects.in_public_plans()
                 .order_by("plan__period_start", "plan__code", "parent_id", "position", "id")
                 .values(*_FIELDS))
    implementers, groups = {}, {}
    links = (PlanItemImplementer.objects.filter(item__plan__status__in=PUBLIC_PLAN_STATUSES)
             .order_by("item_id", "position", "pk")
             .values_list("item_id", "published_name", "organisation__name"))
    for item_id, published, organisation in links:
        implementers.setdefault(item_id, []).append(published or organisation)
    memberships = (PlanItem.working_groups.through.objects
                   .filter(planitem__plan__status__in=PUBLIC_PLAN_STATUSES)
                   .values_list("planitem_id", "workinggroup__code"))
    for item_id, code in memberships:
        groups.setdefault(item_id, []).append(code)
    template = reverse("planning:plan_item_detail", args=["plancode", 4242424242])

    def url(plan_code, pk):
        return template.replace("plancode", plan_code, 1).replace("4242424242", str(pk), 1)

    children, by_plan = {}, {}
    for item in items:
        children.setdefault(item["parent_id"], []).append(item)
        if item["parent_id"] is None:
            by_plan.setdefault(item["plan_id"], []).append(item)
    for roots in by_plan.values():
        first = {}  # measure key -> id of its first row in printed order, per plan
        for root in roots:
            yield from _rows_under(root, children, area=root, specific=None,
                                   extra=(implementers, groups, url), first=first)


def _rows_under(item, children, *, area, specific, extra, first):
    if item["level__role"] == LevelRole.SPECIFIC_GOAL:
        specific = item
    if item["level__role"] == LevelRole.MEASURE:
        repeat_of = None
        key = ((item["code"] or "").strip(), (item["title"] or "").strip())
        if key[0]:
            repeat_of = first.setdefault(key, item["id"])
            if repeat_of == item["id"]:
                repeat_of = None
        yield _row(item, area if area is not item else None, specific, repeat_of, *extra)
    for child in children.get(item["id"], ()):
        yield from _rows_under(child, children, area=area, specific=specific, extra=extra,
                               first=first)


def _iso(day):
    return day.isoformat() if day else None


def _row(item, area, specific, repeat_of, implementers, groups, url):
    plan_title = (f"{item['plan__title']} – {item['plan__subtitle']}" if item["plan__subtitle"]
                  else item["plan__title"])
    return {
        "id": item["id"],
        "repeat_of": repeat_of,
        "plan_code": item["plan__code"],
        "plan_title": plan_title,
        "area_code": area["code"] if area else "",
        "area_title": area["title"] if area else "",
        "specific_goal_code": specific["code"] if specific else "",
        "code": item["code"],
        "title": item["title"],
        "status": item["status"],
        "status_text": item["status_text"],
        "reports_done": item["reports_done"],
        "reports_total": item["reports_total"],
        "implementers": ";".join(implementers.get(item["id"], ())),
        "activity_type": item["activity_type"],
        "service_type": item["service_type"],
        "period_start": _iso(item["period_start"]),
        "period_end": _iso(item["period_end"]),
        "period_text": item["period_text"],
        "ongoing": item["ongoing"],
        "working_groups": ";".join(sorted(groups.get(item["id"], ()))),
        "url": url(item["plan__code"], item["id"]),
    }


def register_plan_datasets():
    register(Dataset(
        slug="measures",
        title=_("Measures of plans"),
        description=_("Every measure of the published community plans and social inclusion "
                      "plans, with its status as published, implementers and period. Drafts "
                      "are not included."),
        keywords=(
            _("measures"),
            _("community plan"),
            _("social inclusion plan"),
            _("social services"),
        ),
        themes=("SOCI", "GOVE"),
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
