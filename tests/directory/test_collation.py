"""People and organisations in Czech alphabetical order (Ch after H, Š after S):
the ICU collation on PostgreSQL, the same order on SQLite and in Python."""

import sqlite3
from types import SimpleNamespace

import pytest
from django.db import connection

from core.collation import czech, czech_sort_key, register_sqlite_collation
from directory.models import Organisation, Person
from tests.directory.factories import OrganisationFactory, PersonFactory

NAMES = ["Šimek", "Sova", "Chalupa", "Hora", "Irena", "Čapek", "Cyril", "Žák", "Zeman"]
CZECH_ORDER = ["Cyril", "Čapek", "Hora", "Chalupa", "Irena", "Sova", "Šimek", "Zeman", "Žák"]


@pytest.mark.django_db
def test_postgresql_orders_people_and_organisations_in_czech():
    assert connection.vendor == "postgresql"
    for name in NAMES:
        PersonFactory(title_before="", given_name="", family_name=name, organisation=None)
        OrganisationFactory(name=f"{name} o.p.s.")
    assert [p.family_name for p in Person.objects.all()] == CZECH_ORDER
    assert [o.name for o in Organisation.objects.filter(name__endswith=" o.p.s.")] == [
        f"{n} o.p.s." for n in CZECH_ORDER]
    # The byte order would put Č, Š, Ž after Z and Ch before Cy.
    assert sorted(NAMES) != CZECH_ORDER
    assert [p.family_name for p in Person.objects.order_by(czech("family_name"))] \
        == CZECH_ORDER


def test_python_and_sqlite_sort_the_same():
    assert sorted(NAMES, key=czech_sort_key) == CZECH_ORDER
    raw = sqlite3.connect(":memory:")
    register_sqlite_collation(None, SimpleNamespace(vendor="sqlite", connection=raw))
    raw.execute("CREATE TABLE t (name TEXT)")
    raw.executemany("INSERT INTO t VALUES (?)", [(n,) for n in NAMES])
    rows = raw.execute('SELECT name FROM t ORDER BY name COLLATE "czech"').fetchall()
    assert [row[0] for row in rows] == CZECH_ORDER


def test_accents_that_are_no_letters_of_their_own_only_break_ties():
    assert sorted(["Dušek", "Dana", "Ďáblová"], key=czech_sort_key) == \
        ["Ďáblová", "Dana", "Dušek"]
    assert czech_sort_key("Dana") < czech_sort_key("Ďana") < czech_sort_key("Dbal")
