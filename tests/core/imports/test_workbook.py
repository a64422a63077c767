"""An importer's workbook (core.imports.columns.workbook_bytes): its sheet,
and the "Návod" that states the number format the reader takes and describes
every column, in Czech."""

import io
from decimal import Decimal

from openpyxl import load_workbook

from core.imports import columns as parse
from core.imports.columns import Column, workbook_bytes

COLUMNS = [Column("code", "Kód", parse.text, help="Kód služby."),
           Column("capacity", "Kapacita", parse.text, help="Počet úvazků.")]


def test_the_sheet_and_its_guide_in_czech():
    content = workbook_bytes(title="Síť", columns=COLUMNS,
                             rows=[{"code": "A1", "capacity": Decimal("2.5")}], freeze="B2")
    book = load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["Síť", "Návod"]
    sheet = book["Síť"]
    assert [c.value for c in sheet[1]] == ["Kód", "Kapacita"] and sheet.freeze_panes == "B2"
    assert sheet["A2"].value == "A1"
    guide = [[c.value for c in row] for row in book["Návod"].iter_rows()]
    assert guide[0][0] == "Formát čísel" and guide[0][1]
    assert guide[1:] == [["Sloupec", "Popis"], ["Kód", "Kód služby."],
                         ["Kapacita", "Počet úvazků."]]
