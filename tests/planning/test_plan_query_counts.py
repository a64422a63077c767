"""Plan pages run a fixed number of SQL queries, whatever the plan's size
(DESIGN.md, quality bars), in the manner of tests/directory/test_query_counts.py.

Every page is requested with a small plan (about 10 items), then the plan grows
to about 1 000 items (100x: areas, goals, specific goals, measures with
implementers, working groups and summaries), the measured item gets more
implementers and summaries, and more plans appear (public and drafts); every
page is requested again (tests/directory/test_query_counts.py's measure_pages:
the data grows once for the module, in a transaction rolled back after it).
A page's count must be equal both times, and equal to the number pinned in
PAGES. Counts are taken on a warm second request; signed-in
requests include 2 queries for the session and the user. The pages include the
public-comment slots of the comments feature, whose queries count too.
"""

import datetime
import itertools
from dataclasses import dataclass

import pytest
from django.urls import reverse

from planning.models import (
    ItemYearSummary,
    LevelRole,
    MeasureStatus,
    Plan,
    PlanItem,
    PlanItemImplementer,
    PlanLevel,
    PlanStatus,
)
from tests import roles
from tests.clients import PortalClient
from tests.directory.factories import OrganisationFactory, WorkingGroupFactory, the_city
from tests.directory.test_query_counts import check_page, measure_pages
from tests.planning.factories import PlanFactory
from tests.shared_db import module_rows

pytestmark = pytest.mark.django_db


@dataclass
class World:
    plan: Plan
    draft: Plan
    measure: PlanItem
    organisations: list
    groups: list


@dataclass(frozen=True)
class Page:
    id: str
    url: object  # World -> path
    role: str  # "public", "officer" or "member_a"
    queries: int
    grows: bool = True


def _detail(w, **query):
    url = reverse("planning:plan_detail", args=[w.plan.code])
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url


PAGES = [
    Page("plan-list", lambda w: reverse("planning:plan_list"), "public", 1),
    Page("plan-list-officer", lambda w: reverse("planning:plan_list"), "officer", 3),
    Page("plan-list-member", lambda w: reverse("planning:plan_list"), "member_a", 6),
    Page("plan-detail", _detail, "public", 7),
    Page("plan-detail-officer", _detail, "officer", 9),
    Page("plan-detail-filtered",
         lambda w: _detail(w, status="in_progress", q="1", implementer=w.organisations[0].pk,
                           group=w.groups[0].code), "public", 7),
    Page("plan-detail-draft-member",
         lambda w: reverse("planning:plan_detail", args=[w.draft.code]), "member_a", 13),
    Page("item-detail",
         lambda w: reverse("planning:plan_item_detail", args=[w.plan.code, w.measure.pk]),
         "public", 7),
    # One more for the indicators' registered check (duplicate indicator codes).
    Page("data-checks-officer",
         lambda w: reverse("planning:plan_data_checks", args=[w.plan.code]), "officer", 9),
    Page("export-xlsx",
         lambda w: reverse("planning:plan_export_xlsx", args=[w.plan.code]), "public", 7),
    Page("data-measures-json", lambda w: reverse("core:dataset_json", args=["measures"]),
         "public", 3),
    Page("data-measures-csv", lambda w: reverse("core:dataset_csv", args=["measures"]),
         "public", 3),
]

_serial = itertools.count()


def grow_plan(plan, **shape):
    return grow_plans([plan], **shape)


def grow_plans(plans, *, areas, goals, specifics, measures, organisations, groups):
    """Bulk-create a full tree under each of `plans`: areas × goals × specifics
    × measures, one bulk insert per kind of row for all the plans."""
    levels = {(level.plan_id, level.depth): level
              for level in PlanLevel.objects.filter(plan__in=plans)}
    tags = {plan.pk: next(_serial) for plan in plans}
    statuses = [s.value for s in MeasureStatus]

    def create(parents, depth, count, extra=None):
        rows = [
            PlanItem(plan=plan, parent=parent, level=levels[plan.pk, depth], position=i + 1,
                     code=f"{parent.code}.{i + 1}" if parent else f"{tags[plan.pk]}-{i + 1}",
                     title=f"Položka {tags[plan.pk]} {depth} {i}", **extra(i) if extra else {})
            for plan, parent in parents for i in range(count)
        ]
        return PlanItem.objects.bulk_create(rows)

    top = create([(plan, None) for plan in plans], 1, areas)
    mid = create([(item.plan, item) for item in top], 2, goals)
    spec = create([(item.plan, item) for item in mid], 3, specifics,
                  extra=lambda i: {"target_text": f"Cíl {i}", "target_year": 2025})
    leaves = create([(item.plan, item) for item in spec], 4, measures, extra=lambda i: {
        "status": statuses[i % len(statuses)], "reports_done": i % 3, "reports_total": 3,
        "period_start": datetime.date(2023, 1, 1), "ongoing": i % 2 == 0})
    # Each plan's measures are numbered from 0, as in a plan grown on its own.
    PlanItemImplementer.objects.bulk_create(
        PlanItemImplementer(item=m, organisation=organisations[(k + j) % len(organisations)],
                            position=j)
        for k, m in _numbered_per_plan(leaves) for j in range(2)
    )
    through = PlanItem.working_groups.through
    through.objects.bulk_create(
        through(planitem_id=m.pk, workinggroup_id=groups[k % len(groups)].pk)
        for k, m in _numbered_per_plan(leaves)
    )
    ItemYearSummary.objects.bulk_create(
        ItemYearSummary(item=m, year=2023, title="Shrnutí za rok 2023", text="<p>Text.</p>")
        for m in leaves
    )
    return top + mid + spec + leaves


def _numbered_per_plan(items):
    seen = {}
    for item in items:
        k = seen.get(item.plan_id, 0)
        seen[item.plan_id] = k + 1
        yield k, item


def make_world(group_a):
    organisations = [OrganisationFactory() for _ in range(3)]
    groups = [group_a, WorkingGroupFactory()]
    plan = PlanFactory(code="velky-plan", status=PlanStatus.IN_FORCE)
    draft = PlanFactory(code="navrh", status=PlanStatus.DRAFT, working_group=group_a)
    PlanFactory(code="archiv", status=PlanStatus.ARCHIVED)
    items = grow_plan(plan, areas=1, goals=1, specifics=2, measures=3,
                      organisations=organisations, groups=groups)
    grow_plan(draft, areas=1, goals=1, specifics=1, measures=2,
              organisations=organisations, groups=groups)
    measure_item = next(i for i in items if i.level.role == LevelRole.MEASURE)
    return World(plan=plan, draft=draft, measure=measure_item,
                 organisations=organisations, groups=groups)


def grow(w):
    """~10 items -> ~1 000; more plans; a fuller measured item."""
    more_orgs = w.organisations + [OrganisationFactory() for _ in range(20)]
    grow_plans([w.plan, w.draft], areas=5, goals=3, specifics=3, measures=22,
               organisations=more_orgs, groups=w.groups)
    size = PlanItem.objects.filter(plan=w.plan).count()
    assert size >= 1000, size
    others = [PlanFactory(status=PlanStatus.IN_FORCE if i % 2 else PlanStatus.DRAFT)
              for i in range(30)]
    grow_plans(others, areas=1, goals=1, specifics=1, measures=3,
               organisations=more_orgs, groups=w.groups)
    PlanItemImplementer.objects.bulk_create(
        PlanItemImplementer(item=w.measure, organisation=org, position=10 + i)
        for i, org in enumerate(more_orgs[3:])
    )
    ItemYearSummary.objects.bulk_create(
        ItemYearSummary(item=w.measure, year=2000 + i, title=f"Shrnutí za rok {2000 + i}",
                        text="<p>Text.</p>") for i in range(15)
    )
    # Make the data checks find more, too.
    PlanItem.objects.filter(plan=w.plan, level__depth=4, position=1).update(code="9.9.9.9")


def _measured():
    """Every page of PAGES measured with the small plan and at 100x."""
    the_city()
    group_a = roles.make_group_a()
    users = {"officer": roles.make_officer(), "member_a": roles.make_member_a(group_a)}
    world = make_world(group_a)
    clients = {"public": PortalClient()}
    for role, user in users.items():
        clients[role] = PortalClient()
        clients[role].force_login(user)
    return measure_pages(PAGES, clients, world, lambda: grow(world))


measured = module_rows(_measured)


@pytest.mark.parametrize("page", PAGES, ids=[p.id for p in PAGES])
def test_plan_page_query_count_does_not_grow(page, measured):
    check_page(page, measured[page.id], 100)
