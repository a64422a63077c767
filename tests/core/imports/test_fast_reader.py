"""core.imports.reader reads a sheet's cells without openpyxl's cell objects
(sheet_rows, _FastParser): the same values and data types as openpyxl's own
read-only cells, for every kind of cell."""

import io
from datetime import date, datetime
from xml.etree.ElementTree import fromstring

from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from openpyxl.cell.text import Text
from openpyxl.worksheet._reader import WorkSheetParser
from openpyxl.xml.constants import SHEET_MAIN_NS

from core.imports.reader import _FastParser, inline_text, sheet_rows

NS = f'xmlns="{SHEET_MAIN_NS}"'
# A text of a cell: any characters XML can carry, spaces of every kind included.
TEXTS = st.text(st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from(
    " \t\n\u00a0\u202f"), max_size=20)


def _element(xml):
    return fromstring(xml)  # noqa: S314 - the test's own XML


def _parsers():
    shared = ["první", " druhý ", ""]
    options = {"date_formats": {1}, "timedelta_formats": set()}
    return (WorkSheetParser(None, shared, **options), _FastParser(None, shared, **options))


CELLS = [
    '<c r="B3" t="s"><v>1</v></c>',
    '<c r="C3" t="s" s="2"><v>2</v></c>',
    '<c t="str"><v>vzorec</v></c>',
    '<c t="str"/>',
    '<c r="A1" t="inlineStr"><is><t>1 190,5</t></is></c>',
    '<c r="A2" t="inlineStr"><is><t xml:space="preserve"> a  b </t></is></c>',
    '<c t="inlineStr"><is><r><t>a</t></r><r><rPr><b/></rPr><t>b</t></r>'
    '<rPh sb="0" eb="1"><t>x</t></rPh></is></c>',
    '<c t="inlineStr"><is><t>a</t><r><t>b</t></r><r><t/></r></is></c>',
    '<c t="inlineStr"><is><t>first</t><t>last</t></is></c>',
    '<c t="inlineStr"><is/></c>',
    '<c t="inlineStr"><is><t/></is></c>',
    '<c t="inlineStr"/>',
    '<c t="inlineStr"><f>1+1</f><is><t>2</t></is></c>',
    '<c t="str"><f>A1</f><v>x</v></c>',
    '<c r="D4"><v>12.5</v></c>',
    '<c r="D5" s="1"><v>45000</v></c>',
    '<c t="b"><v>1</v></c>',
    '<c t="e"><v>#DIV/0!</v></c>',
    '<c r="E1"/>',
]


def test_every_kind_of_cell_as_openpyxl_reads_it():
    for xml in CELLS:
        slow, fast = _parsers()
        element = _element(xml.replace("<c ", f"<c {NS} ", 1))
        assert fast.parse_cell(element) == slow.parse_cell(element), xml


@given(plain=st.none() | TEXTS, runs=st.lists(st.none() | TEXTS, max_size=3),
       phonetic=st.booleans())
def test_an_inline_string_reads_as_openpyxl_reads_it(plain, runs, phonetic):
    def t(text):
        element = _element(f"<t {NS}/>")
        element.text = text
        return element

    element = _element(f"<is {NS}/>")
    if plain is not None:
        element.append(t(plain))
    for run in runs:
        r = _element(f"<r {NS}/>")
        if run is not None:
            r.append(t(run))
        element.append(r)
    if phonetic:
        rph = _element(f'<rPh {NS} sb="0" eb="1"/>')
        rph.append(t("fonetika"))
        element.append(rph)
    assert inline_text(element) == Text.from_tree(element).content


VALUES = (st.none() | TEXTS | st.integers(-10**6, 10**6)
          | st.floats(allow_nan=False, allow_infinity=False) | st.booleans()
          | st.dates(date(1950, 1, 1), date(2100, 1, 1))
          | st.datetimes(datetime(1950, 1, 1), datetime(2100, 1, 1)).map(
              lambda d: d.replace(microsecond=0))
          | st.sampled_from(["=1+1", "=A1", "'=1+1"]))


@given(rows=st.lists(st.lists(VALUES, max_size=6), max_size=6),
       gaps=st.lists(st.integers(1, 3), min_size=6, max_size=6),
       max_col=st.integers(1, 7), min_row=st.integers(1, 3))
def test_a_workbook_reads_as_openpyxl_reads_its_cells(rows, gaps, max_col, min_row):
    book = Workbook()
    sheet = book.active
    number = 0
    for cells, gap in zip(rows, gaps, strict=False):
        number += gap  # rows left out in between
        for column, value in enumerate(cells, start=1):
            sheet.cell(row=number, column=column, value=value)
    out = io.BytesIO()
    book.save(out)
    read = load_workbook(io.BytesIO(out.getvalue()), read_only=True)
    sheet = read.active
    expected = [[(cell.value, cell.data_type) for cell in cells]
                for cells in sheet.iter_rows(min_row=min_row, max_col=max_col)]
    assert [list(cells) for cells in sheet_rows(sheet, min_row=min_row, max_col=max_col)] == (
        expected)



def test_a_text_repeated_on_many_rows_is_read_once_yet_each_row_has_its_own():
    from core.imports.base import Importer
    from core.imports.columns import Column, integer, text_list
    from core.imports.reader import read_sheet

    class Tags(Importer):
        columns = (Column("tags", "Štítky", text_list, required=True),
                   Column("count", "Počet", integer))

        def check(self, read, *, actor, target):  # pragma: no cover - not called
            return []

    book = Workbook()
    book.active.append(["Štítky", "Počet"])
    for _n in range(3):
        book.active.append(["a; b", "dvě"])
    out = io.BytesIO()
    book.save(out)
    read = read_sheet(Tags(), out.getvalue())
    assert [row.values["tags"] for row in read.rows] == [["a", "b"]] * 3
    # A list may be changed by whoever reads the row: never one list for all rows.
    assert len({id(row.values["tags"]) for row in read.rows}) == 3
    # Every row keeps its own error, naming its own row.
    assert [[e.row for e in row.errors] for row in read.rows] == [[2], [3], [4]]
