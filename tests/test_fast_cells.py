"""The public lists print their cells themselves (`fast_cells`, core.tables.
FastCellsMixin): on the demo's data every list page, in each order, prints the
same bytes as django_tables2's own cell rendering, and every line goes through
`fast_cells`."""


import pytest

from directory.tables import WorkingGroupTable
from indicators.tables import IndicatorTable
from meetings.tables import MinutesTable
from network.tables import NetworkTable
from projects.tables import ProjectTable
from tests.fast_cells import both_ways, page_text
from tests.shared_db import DEMO, module_rows, seed_demo

pytestmark = pytest.mark.django_db

LISTS = [
    (IndicatorTable, "/indicators/", ["", "-code", "name", "kind", "-status"]),
    (NetworkTable, "/network/", ["", "-name", "kind", "-capacity", "unit", "provider"]),
    (ProjectTable, "/projects/", ["", "-registration_number", "title", "implementer", "call",
                                  "thematic_area", "-status", "total_budget"]),
    (WorkingGroupTable, "/groups/", ["", "-name", "code", "status", "manager",
                                     "current_member_count"]),
    (MinutesTable, "/meetings/", ["", "starts_on", "body", "kind", "-title", "place_name"]),
]


def _demo():
    seed_demo(*DEMO)


_seeded_once = module_rows(_demo)


@pytest.fixture
def seeded(_seeded_once, db):
    return None


@pytest.mark.parametrize(("table", "path", "sorts"), LISTS,
                         ids=[path for _t, path, _s in LISTS])
@pytest.mark.parametrize("reader", ["anonymous", "officer"])
def test_a_list_prints_as_django_tables2_would(client, officer, seeded, monkeypatch, table,
                                               path, sorts, reader):
    if reader == "officer":
        client.force_login(officer)
    printed = []
    for sort in sorts:
        query = {"sort": sort} if sort else {}
        for page in ({}, {"page": 2}):
            fast, slow, records = both_ways(client, monkeypatch, table, path, {**query, **page})
            printed += records
            assert fast.status_code == slow.status_code
            if fast.status_code == 200:
                assert page_text(fast) == page_text(slow), (path, sort, page)
    assert printed, path
