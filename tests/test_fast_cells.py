"""The public lists print their cells themselves (`fast_cells`, core.tables.
FastCellsMixin): on the demo's data every list page, in each order, prints the
same bytes as django_tables2's own cell rendering, and every line goes through
`fast_cells`."""

import re

import pytest
from django.core.cache import cache

from directory.tables import WorkingGroupTable
from indicators.tables import IndicatorTable
from meetings.tables import MinutesTable
from network.tables import NetworkTable
from projects.tables import ProjectTable
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


def _page(response):
    """The page without its CSRF token (masked anew for every response)."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())


@pytest.mark.parametrize(("table", "path", "sorts"), LISTS,
                         ids=[path for _t, path, _s in LISTS])
@pytest.mark.parametrize("reader", ["anonymous", "officer"])
def test_a_list_prints_as_django_tables2_would(client, officer, seeded, monkeypatch, table,
                                               path, sorts, reader):
    if reader == "officer":
        client.force_login(officer)
    printed = []
    fast_cells = table.fast_cells

    def counted(self, record):
        printed.append(record)
        return fast_cells(self, record)

    for sort in sorts:
        query = {"sort": sort} if sort else {}
        for page in ({}, {"page": 2}):
            cache.clear()
            with monkeypatch.context() as patched:
                patched.setattr(table, "fast_cells", counted)
                fast = client.get(path, {**query, **page})
            cache.clear()
            with monkeypatch.context() as patched:
                patched.setattr(table, "fast_cells", None)
                slow = client.get(path, {**query, **page})
            assert fast.status_code == slow.status_code
            if fast.status_code == 200:
                assert _page(fast) == _page(slow), (path, sort, page)
    assert printed, path
