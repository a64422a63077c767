"""Every list and detail page runs a fixed number of SQL queries, whatever the
data size (DESIGN.md, quality bars).

Every page is requested with small data (3 working groups with 2 member
organisations, needs, support areas and an ended seat each: fewer rows than a
list page holds, so a per-row query would change the count); then the data is
multiplied by 100 with bench.generate.multiply, the very objects whose detail
page is measured grow too (dozens more seats, history, needs, areas, audit
entries, roles), and every page is requested again (`measure_pages`: the data
grows once for the module, in a transaction rolled back after it). A page's
count must be the same both times, and equal to the number pinned in PAGES, so
that any new query shows up here.

Counts are taken on a warm second request (the first fills process-wide caches
such as ContentType's). Signed-in requests include 2 queries for the session
and the user.
"""

import datetime
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bench.generate import create_base_set, multiply
from core import pagecache
from core.models import AuditAction, AuditEntry
from directory.models import (
    GroupNeed,
    Membership,
    MembershipPosition,
    Organisation,
    Person,
    SupportArea,
    WorkingGroup,
)
from directory.selectors import current_city
from tests import roles
from tests.clients import PortalClient
from tests.directory.factories import the_city
from tests.shared_db import module_rows

FACTOR = 100
GROW = 40  # extra related rows given to each measured object at 100x

pytestmark = pytest.mark.django_db


@dataclass
class Targets:
    base_groups: list
    group: WorkingGroup
    organisation: Organisation
    person: Person


@dataclass(frozen=True)
class Page:
    id: str
    url: object  # Targets -> path
    role: str  # "public" or "officer"
    queries: int  # pinned, at any data size
    grows: bool = False  # the body must get bigger with the data (proves it was measured)


PAGES = [
    # The directory counts, then the sections of the apps above (core/home.py): upcoming
    # meetings, latest minutes, latest reports, indicator statuses: one query each.
    Page("home", lambda t: reverse("core:home"), "public", 6),
    # A list is counted once (the table's paginator), not twice.
    Page("organisation-list", lambda t: reverse("directory:organisation_list"), "public", 2),
    Page("organisation-list-csv", lambda t: reverse("directory:organisation_list") + "?export=csv",
         "public", 1, grows=True),
    Page("person-list-officer", lambda t: reverse("directory:person_list"), "officer", 4),
    Page("person-list-csv-officer", lambda t: reverse("directory:person_list") + "?export=csv",
         "officer", 3, grows=True),
    Page("group-list", lambda t: reverse("directory:group_list"), "public", 4),
    Page("group-list-csv", lambda t: reverse("directory:group_list") + "?export=csv",
         "public", 2, grows=True),
    Page("group-detail-anonymous",
         lambda t: reverse("directory:group_detail", args=[t.group.code]), "public", 4, grows=True),
    Page("group-detail-officer",
         lambda t: reverse("directory:group_detail", args=[t.group.code]), "officer", 7,
         grows=True),
    Page("organisation-detail",
         lambda t: reverse("directory:organisation_detail", args=[t.organisation.pk]), "public", 2,
         grows=True),
    Page("person-detail-officer",
         lambda t: reverse("directory:person_detail", args=[t.person.pk]), "officer", 6,
         grows=True),
    Page("data-organisations-json",
         lambda t: reverse("core:dataset_json", args=["organisations"]), "public", 1, grows=True),
    Page("data-working-groups-json",
         lambda t: reverse("core:dataset_json", args=["working-groups"]), "public", 2, grows=True),
    Page("data-working-groups-csv",
         lambda t: reverse("core:dataset_csv", args=["working-groups"]), "public", 2, grows=True),
]


def make_targets(officer):
    groups = create_base_set(groups=3, members_per_group=2)
    group = groups[0]
    seat = Membership.objects.filter(body=group, valid_to__isnull=True).order_by("pk").first()
    for i in range(2):
        AuditEntry.objects.create(
            actor=officer, action=AuditAction.UPDATE, content_type_id=_content_type_id(group),
            object_id=str(group.pk), object_repr=str(group),
            changes={"name": [f"Stará {i}", group.name]},
        )
    return Targets(base_groups=groups, group=group, organisation=seat.organisation,
                   person=seat.member)


def _content_type_id(instance):
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(instance).pk


def grow(t, officer):
    """100x the data, and much more around each measured object."""
    before = Organisation.objects.count()
    multiply(FACTOR)
    assert Organisation.objects.count() == FACTOR * before

    base_ids = [g.pk for g in t.base_groups]
    copies = list(WorkingGroup.objects.exclude(pk__in=base_ids).order_by("pk")[: 3 * GROW])
    orgs = Organisation.objects.bulk_create(
        [Organisation(name=f"Nová organizace {i}") for i in range(3 * GROW)]
    )
    people = Person.objects.bulk_create(
        [Person(given_name="Nový", family_name=f"Člen {i}", organisation=orgs[i % len(orgs)])
         for i in range(4 * GROW)]
    )
    past_from, past_to = datetime.date(2020, 1, 1), datetime.date(2021, 6, 30)
    seats = []
    # The group: more current seats, more history.
    for i in range(GROW):
        seats.append(Membership(body=t.group, organisation=orgs[i], member=people[2 * i],
                                substitute=people[2 * i + 1]))
        seats.append(Membership(body=t.group, organisation=orgs[GROW + i],
                                member=people[2 * GROW + i], valid_from=past_from,
                                valid_to=past_to, source=f"Zápis {i}"))
    # The organisation: seats in many other groups, current and ended.
    for i, body in enumerate(copies[:GROW]):
        seats.append(Membership(body=body, organisation=t.organisation, member=people[i]))
        seats.append(Membership(body=body, organisation=t.organisation, valid_from=past_from,
                                valid_to=past_to, member=people[GROW + i]))
    # The person: member and substitute in many groups.
    for i, body in enumerate(copies[GROW: 2 * GROW]):
        seats.append(Membership(body=body, member=t.person,
                                position=MembershipPosition.COORDINATOR))
        seats.append(Membership(body=body, organisation=orgs[2 * GROW + i],
                                member=people[3 * GROW + i], substitute=t.person))
    Membership.objects.bulk_create(seats)
    WorkingGroup.objects.filter(pk__in=[g.pk for g in copies[2 * GROW:]]).update(
        manager=t.person, contact_person=t.person
    )
    GroupNeed.objects.bulk_create(
        [GroupNeed(group=t.group, position=100 + i, text=f"Další potřeba {i}") for i in range(GROW)]
    )
    areas = SupportArea.objects.bulk_create(
        [SupportArea(numeral=f"G{i}", position=5000 + i, name=f"Další oblast {i}")
         for i in range(GROW)]
    )
    t.group.support_areas.add(*areas)
    WorkingGroup.support_areas.through.objects.bulk_create(
        [WorkingGroup.support_areas.through(workinggroup_id=g.pk, supportarea_id=a.pk)
         for g in copies for a in areas[:5]]
    )
    AuditEntry.objects.bulk_create(
        [AuditEntry(actor=officer, action=AuditAction.UPDATE,
                    content_type_id=_content_type_id(t.group), object_id=str(t.group.pk),
                    object_repr=str(t.group), changes={"status": ["active", "archived"]})
         for _ in range(GROW)]
    )


def measure(client, path, *, warm_up=True):
    """(number of queries, their SQL, body size) of a warm GET. The second
    measure of a test, after the data grew, needs no warm-up of its own: the
    first one's left the caches warm, and its render is the costly one."""
    if warm_up:
        client.get(path)
    pagecache.invalidate()  # the render is counted, not a page-cache hit
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
        body = (b"".join(response.streaming_content) if response.streaming
                else response.content)
    assert response.status_code == 200, f"GET {path} answered {response.status_code}"
    return len(ctx.captured_queries), [q["sql"] for q in ctx.captured_queries], len(body)


def _listing(sqls):
    return "\n".join(f"  {i}. {sql[:300]}" for i, sql in enumerate(sqls, 1))


def measure_pages(pages, clients, targets, grow_data):
    """{page id: (path, small measure, large measure)}, or the exception a page
    raised: every page measured, the data grown once by `grow_data()`, every
    page measured again."""
    results, small = {}, {}
    for page in pages:
        path = page.url(targets)
        try:
            small[page.id] = (path, measure(clients[page.role], path))
        except Exception as error:  # noqa: BLE001 - reported by the page's own test
            results[page.id] = error
    grow_data()
    # Growing may save the city (a factory's), which forgets its cached row: the
    # first measure's warm-up warmed it, and it is warmed again here instead of a
    # second warm-up render of every page.
    current_city()
    for page in pages:
        if page.id in results:
            continue
        path, before = small[page.id]
        try:
            results[page.id] = (path, before,
                                measure(clients[page.role], path, warm_up=False))
        except Exception as error:  # noqa: BLE001 - reported by the page's own test
            results[page.id] = error
    return results


def check_page(page, result, factor):
    """The assertions of one page's measures (see measure_pages)."""
    if isinstance(result, Exception):
        raise result
    path, (small, small_sql, small_size), (large, large_sql, large_size) = result
    assert large == small, (
        f"BUG (N+1): GET {path} as {page.role} runs {small} SQL queries with small data but "
        f"{large} with {factor}x the data; the query count must not depend on the data size.\n"
        f"Queries at {factor}x:\n{_listing(large_sql)}"
    )
    assert small == page.queries, (
        f"GET {path} as {page.role} now runs {small} SQL queries (pinned: {page.queries}); "
        f"if the change is intended, update PAGES.\n{_listing(small_sql)}"
    )
    if page.grows:
        assert large_size > small_size, f"GET {path} did not show the grown data"


def _measured():
    """Every page of PAGES measured small and at 100x (measure_pages)."""
    the_city()
    officer = roles.make_officer()
    targets = make_targets(officer)
    signed_in = PortalClient()
    signed_in.force_login(officer)
    clients = {"public": PortalClient(), "officer": signed_in}
    return measure_pages(PAGES, clients, targets, lambda: grow(targets, officer))


measured = module_rows(_measured)


@pytest.mark.parametrize("page", PAGES, ids=[p.id for p in PAGES])
def test_query_count_does_not_grow_with_data(page, measured):
    check_page(page, measured[page.id], FACTOR)
