"""Numbers in the value import read in the workbook's number format: the
parser takes the format and reports ambiguity; the template states the
format; an ambiguous number is confirmed per row or nothing is saved; bad
input (unknown territory, megabytes in a cell, 100,000 rows) is refused with
the row and the column, in Czech and in English."""

import io
import time
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from core.imports.numbers import NumberFormat, read_in, write_number
from core.models import PendingImport, PendingImportState
from indicators.imports import (
    FORMAT_CELL,
    HEADERS,
    HELP_TITLE,
    SHEET_TITLE,
    VALUE_IMPORTER,
    ValueImporter,
)
from indicators.models import IndicatorValue
from indicators.parsing import ParseError, parse_value
from tests.indicators.import_factories import fill_template, reporting_world, sheet_bytes

CS, EN = NumberFormat.CZECH, NumberFormat.ENGLISH
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- The parser -----------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "number_format", "value", "ambiguous"), [
    ("cca 3 100", CS, "3100", []),
    ("cca 3,100", EN, "3100", ["3,100"]),
    ("174,1, 2. v ČR", CS, "174.1", []),
    ("174.1, 2. v ČR", EN, "174.1", []),
    ("1,234.5, 2. v ČR", EN, "1234.5", []),
    ("3,01 %", CS, "3.01", []),
    ("3.01 %", EN, "3.01", []),
    ("83,511", CS, "83.511", ["83,511"]),
    ("83,511", EN, "83511", ["83,511"]),
    ("1.234", CS, "1234", ["1.234"]),
    ("1\u00a0234,5", CS, "1234.5", []),
])
def test_published_values_in_a_format(text, number_format, value, ambiguous):
    parsed = parse_value(text, number_format=number_format)
    assert parsed.value == Decimal(value)
    assert [a.text for a in parsed.ambiguities] == ambiguous


def test_a_rank_of_the_english_format_is_not_mistaken_for_a_decimal():
    parsed = parse_value("1,234.5", number_format=EN)
    assert (parsed.value, parsed.rank) == (Decimal("1234.5"), None)
    ranked = parse_value("1,234.5, 2. v ČR", number_format=EN)
    assert (ranked.value, ranked.rank, ranked.rank_scope) == (Decimal("1234.5"), 2, "v ČR")


def test_composite_parts_each_report_their_ambiguity():
    parsed = parse_value("1,200/2,000/3/4", number_format=EN)
    assert parsed.parts == [1200, 2000, 3, 4]
    assert [a.text for a in parsed.ambiguities] == ["1,200", "2,000"]
    assert parse_value("n. a.", number_format=EN).available is False


def test_values_of_the_other_format_are_refused():
    for text, number_format in (("1,234.5", CS), ("1 234,5", EN), ("174,1, 2. v ČR", EN),
                                ("2.5", CS)):
        with pytest.raises(ParseError):
            parse_value(text, number_format=number_format)


def test_without_a_format_the_portal_reads_as_before():
    assert parse_value("2.5").value == Decimal("2.5")
    assert parse_value("83,511").value == Decimal("83.511")
    assert not parse_value("83,511").ambiguities
    assert parse_value(83511).value == Decimal(83511)


VALUES = st.decimals(min_value=Decimal("-99999999999999"), max_value=Decimal("99999999999999"),
                     places=4, allow_nan=False, allow_infinity=False)


@given(VALUES, st.sampled_from([CS, EN]), st.booleans(),
       st.sampled_from(["", "cca ", "~"]), st.sampled_from(["", " %"]))
def test_a_value_written_in_a_format_reads_back_in_it(value, number_format, grouping, estimate,
                                                      percent):
    written = write_number(value, number_format, grouping=grouping)
    parsed = parse_value(estimate + written + percent, number_format=number_format)
    assert parsed.value == value
    assert parsed.is_estimate == bool(estimate) and parsed.percent == bool(percent)


@given(st.text(alphabet="0123456789 ,.", min_size=1, max_size=14), st.sampled_from([CS, EN]))
def test_an_ambiguous_value_is_never_read_silently(text, number_format):
    czech, english = read_in(text, CS), read_in(text, EN)
    try:
        parsed = parse_value(text, number_format=number_format)
    except ParseError:
        return
    if czech is not None and english is not None and czech != english:
        assert parsed.ambiguities, text


# --- Template and import ----------------------------------------------------------------------


@pytest.fixture
def world(organisation_x):
    return reporting_world(organisation_x)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _upload(client, content, **data):
    return client.post(reverse("indicators:import"),
                       {"file": SimpleUploadedFile("hodnoty.xlsx", content, XLSX), **data})


def _english(client):
    """The language switch's choice: English."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _guide(content):
    return load_workbook(io.BytesIO(content))[HELP_TITLE]


@pytest.mark.django_db
def test_the_template_states_the_format_of_the_downloaders_language(client, world,
                                                                      implementer_x):
    client.force_login(implementer_x)
    czech = client.get(reverse("indicators:template")).content
    english = _english(client).get(reverse("indicators:template")).content
    assert (_guide(czech)["A4"].value, _guide(czech)[FORMAT_CELL].value) == (
        "Formát čísel", "český (1 234,5)")
    assert _guide(english)[FORMAT_CELL].value == "anglický (1,234.5)"
    limits = _guide(czech)["A3"].value
    assert "100000 vyplněných řádků" in limits and "110000 řádků" in limits


@pytest.mark.django_db
def test_an_ambiguous_value_is_confirmed_on_its_row_or_nothing_is_saved(client, world,
                                                                        implementer_x,
                                                                        import_jobs):
    client.force_login(implementer_x)
    template = client.get(reverse("indicators:template")).content
    content = fill_template(template, {"R-own": {"period": "2024", "value": "83,511"},
                                       "R-project": {"period": "2024", "value": "12"}})
    response = _upload(client, content)
    batch = response.context["pending"]
    assert batch is not None and batch.number_format == "cs"
    preview = response.context["preview"]
    assert preview.number_format_source == "workbook"
    (row,) = preview.ambiguous
    html = response.content.decode()
    assert f'name="confirm_number" value="{row["row"]}"' in html
    assert "Potvrzuji, že „83,511“ znamená 83,511 (ne 83\u00a0511)." in html
    assert 'id="import-number-format"' in html and "český (1 234,5)" in html

    with import_jobs():
        refused = client.post(reverse("indicators:import_confirm", args=[batch.pk]))
    assert refused.status_code == 409
    text = refused.content.decode()
    assert f"Řádek {row['row']}, sloupec I (Hodnota): „83,511“ se v číselném formátu" in text
    assert 'name="confirm_number"' in text  # the preview stays open to confirm
    assert not IndicatorValue.objects.exists()
    batch.refresh_from_db()
    assert batch.state == PendingImportState.PREVIEWED

    with import_jobs():
        saved = client.post(reverse("indicators:import_confirm", args=[batch.pk]),
                            {"confirm_number": [str(row["row"])]})
    assert saved.status_code == 302
    value = IndicatorValue.objects.get(indicator=world["own"])
    assert (value.value, value.value_text) == (Decimal("83.511"), "83,511")
    batch.refresh_from_db()
    assert batch.confirmed_rows == [row["row"]]


@pytest.mark.django_db
def test_an_english_workbook_reads_english_numbers(client, world, implementer_x, import_jobs):
    client.force_login(implementer_x)
    template = _english(client).get(reverse("indicators:template")).content
    client.cookies.pop(settings.LANGUAGE_COOKIE_NAME)  # the upload page in Czech again
    content = fill_template(template, {
        "R-own": {"period": "2024", "value": "1,234.5"},
        "R-project": {"period": "2024", "value": "83,511"},
        "R-composite": {"period": "2024", "value": "1,200/2.5/3/4"}})
    response = _upload(client, content)
    preview = response.context["preview"]
    assert not preview.errors and preview.number_format == "en"
    rows = {r["code"]: r for r in preview.rows}
    assert rows["R-own"]["value"] == "1234.5" and "ambiguous" not in rows["R-own"]
    assert rows["R-project"]["value"] == "83511"
    assert [a["text"] for a in rows["R-composite"]["ambiguous"]] == ["1,200"]
    numbers = sorted(str(r["row"]) for r in preview.ambiguous)
    with import_jobs():
        saved = client.post(reverse("indicators:import_confirm",
                                    args=[response.context["pending"].pk]),
                            {"confirm_number": numbers})
    assert saved.status_code == 302
    assert IndicatorValue.objects.get(indicator=world["project"]).value == Decimal(83511)
    assert IndicatorValue.objects.get(indicator=world["own"]).value_text == "1,234.5"


@pytest.mark.django_db
def test_the_upload_form_choice_overrides_the_workbook(client, world, implementer_x):
    client.force_login(implementer_x)
    page = client.get(reverse("indicators:import")).content.decode()
    assert 'name="number_format"' in page and "Formát čísel" in page
    content = sheet_bytes([{"code": "R-own", "period": "2024", "value": "2.5"}])
    refused = _upload(client, content).context["preview"]
    assert refused.number_format_source == "language"
    assert [str(e) for e in refused.errors] == [
        "Řádek 2, sloupec I (Hodnota): „2.5“ není číslo v číselném formátu tohoto sešitu, "
        "český (1 234,5). Napište je v tomto formátu (např. 1 234,5), nebo uveďte druhý "
        "číselný formát."]
    accepted = _upload(client, content, number_format="en").context["preview"]
    assert not accepted.errors and accepted.rows[0]["value"] == "2.5"


@pytest.mark.django_db
def test_numbers_typed_as_numbers_need_no_confirmation(world, implementer_x):
    content = sheet_bytes([{"code": "R-own", "period": "2024", "value": 83.511},
                           {"code": "R-own", "period": "2023", "value": 83511}])
    preview = VALUE_IMPORTER.preview(content, actor=implementer_x)
    assert not preview.errors and not preview.ambiguous
    assert [r["value"] for r in preview.rows] == ["83.511", "83511"]


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "expected"), [
    ("cs", "Řádek 2, sloupec E (Území): „Praha“ není území tohoto indikátoru"),
    ("en", "Row 2, column E (Území): “Praha” is not a territory of this indicator"),
])
def test_an_unknown_territory_names_row_and_column(world, implementer_x, language, expected):
    content = sheet_bytes([{"code": "R-own", "territory": "Praha", "period": "2024",
                            "value": "1"}])
    with translation.override(language):
        preview = VALUE_IMPORTER.preview(content, actor=implementer_x)
    assert [str(e) for e in preview.errors][0].startswith(expected)


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["value", "period", "territory", "note", "code"])
def test_megabytes_of_text_in_one_cell_are_one_short_error(world, implementer_x, key):
    row = {"code": "R-own", "period": "2024", "value": "1"}
    row[key] = "9 " * (5 * 1024 * 1024)  # 10 MB
    content = sheet_bytes([row])
    started = time.monotonic()
    preview = VALUE_IMPORTER.preview(content, actor=implementer_x)
    assert time.monotonic() - started < 30
    assert preview.errors and preview.rows[0]["outcome"] == "error"
    assert all(len(str(e)) < 400 for e in preview.errors)
    assert str(preview.errors[0]).startswith("Řádek 2, sloupec ")
    assert len(repr(preview.rows)) < 10_000  # the row keeps only the start of the cell


# At the real limits (a sheet of 110,001 rows, seconds to write and read) in
# `make test`; the same check at limits made small in `make test-fast`.
_REAL_LIMITS = pytest.param(None, marks=pytest.mark.slow, id="real-limits")


@pytest.mark.django_db
@pytest.mark.parametrize("limits", [_REAL_LIMITS, pytest.param((100, 110), id="small-limits")])
@pytest.mark.parametrize(("filled", "message"), [
    (True, "List má více než {rows} vyplněných řádků; rozdělte ho do více souborů."),
    (False, "List má více než {sheet_rows} řádků."),  # rows with a code only are skipped, not read
])
def test_rows_over_the_limits_are_refused_whole(client, world, implementer_x, filled,
                                                message, limits, monkeypatch):
    if limits is not None:
        monkeypatch.setattr(ValueImporter, "max_rows", limits[0])
        monkeypatch.setattr(ValueImporter, "max_sheet_rows", limits[1])
    else:
        assert (ValueImporter.max_rows, ValueImporter.max_sheet_rows) == (100_000, 110_000)
    message = message.format(rows=ValueImporter.max_rows,
                             sheet_rows=ValueImporter.max_sheet_rows)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(SHEET_TITLE)
    sheet.append(HEADERS)
    for number in range(ValueImporter.max_sheet_rows + 1):
        sheet.append(["R-own", None, None, None, None, None, None,
                      str(1900 + number % 200) if filled else None,
                      str(number) if filled else None])
    out = io.BytesIO()
    book.save(out)
    client.force_login(implementer_x)
    response = _upload(client, out.getvalue())
    assert response.status_code == 200
    preview = response.context["preview"]
    assert [str(e) for e in preview.errors] == [message]
    assert not preview.rows and response.context["pending"] is None
    assert not PendingImport.objects.exclude(state=PendingImportState.INVALID).exists()
    assert not IndicatorValue.objects.exists()
