"""CSV downloads that no spreadsheet executes, whichever separator it splits on
(Czech Excel ";", others "," or tab)."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from core.exports import FORMULA_TRIGGERS, csv_bytes
from tests.directory.factories import OrganisationFactory

PAYLOADS = [
    "pozn.;=1+1;@SUM(1+1)",
    "Spolek SC;=cmd|' /C calc'!A0",
    "a,=HYPERLINK(\"http://x\")",
    "b\t+1+1",
    "c; -2+3",
    "=1+1",
]


def _cells_as_split(text, separator):
    """Every cell a spreadsheet would see when it splits each line on
    `separator`: both honouring quotes (csv module) and, as Excel does when
    the file's separator is not its own, not."""
    honoured = [cell for row in csv.reader(io.StringIO(text), delimiter=separator)
                for cell in row]
    naive = [cell.strip().strip('"') for line in text.splitlines()
             for cell in line.split(separator)]
    return honoured + naive


def _is_number(cell):
    try:
        float(cell)
    except ValueError:
        return False
    return True


def _executable(cells):
    return [c for c in cells
            if c.strip(" \u00a0").startswith(FORMULA_TRIGGERS) and not _is_number(c)]


@pytest.mark.parametrize("separator", [",", ";", "\t"])
def test_no_cell_starts_a_formula_on_any_separator(separator):
    text = csv_bytes(["name", "value"], [[p, Decimal("-1.5")] for p in PAYLOADS]).decode()
    assert _executable(_cells_as_split(text, separator)) == []


def test_text_is_quoted_numbers_are_not_and_the_text_reads_back():
    text = csv_bytes(["name", "n"], [["Spolek; o.p.s.", 12], ["x", Decimal("3.10")]]).decode()
    assert text.splitlines()[1] == '"Spolek; o.p.s.",12'
    assert text.splitlines()[2] == '"x",3.10'
    assert list(csv.reader(io.StringIO(text)))[1] == ["Spolek; o.p.s.", "12"]


@pytest.mark.django_db
@pytest.mark.parametrize("separator", [",", ";", "\t"])
def test_organisations_dataset_is_safe_in_czech_excel(client, separator):
    OrganisationFactory(name="Spolek SC;=cmd|' /C calc'!A0")
    response = client.get(reverse("core:dataset_csv", args=["organisations"]))
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    assert "Spolek SC" in text
    assert _executable(_cells_as_split(text, separator)) == []
