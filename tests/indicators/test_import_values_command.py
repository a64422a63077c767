"""`manage.py import_values`: the value import's preview and apply for
scripts, synchronously; exit status 1 with the errors (row and column, in
Czech) and nothing saved, 0 with a summary."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from core.models import AuditEntry
from indicators.models import IndicatorValue
from tests.indicators.import_factories import reporting_world, sheet_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(organisation_x):
    return reporting_world(organisation_x)


def _run(path, *args):
    out, err = StringIO(), StringIO()
    call_command("import_values", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_a_good_file_is_saved_with_a_summary(tmp_path, world, implementer_x):
    path = tmp_path / "hodnoty.xlsx"
    path.write_bytes(sheet_bytes([{"code": "R-own", "period": "2023", "value": "1 190"},
                                  {"code": "R-project", "period": "2024", "value": "7"}]))
    audits = AuditEntry.objects.count()
    out, err = _run(path, "--user", implementer_x.username)
    assert out.startswith("Uloženo: nové hodnoty: 2, změněné: 0, beze změny: 0"), out
    assert err == ""
    assert IndicatorValue.objects.get(indicator=world["own"]).value == Decimal(1190)
    assert AuditEntry.objects.count() == audits + 2
    # The same file again changes nothing.
    out, _err = _run(path, "--user", implementer_x.username)
    assert out.startswith("Nic k uložení: nové hodnoty: 0, změněné: 0, beze změny: 2"), out


def test_errors_name_row_and_column_exit_1_and_nothing_is_saved(tmp_path, world,
                                                                 implementer_x):
    path = tmp_path / "hodnoty.xlsx"
    path.write_bytes(sheet_bytes([{"code": "R-own", "period": "2023", "value": "7"},
                                  {"code": "R-own", "period": "2024", "value": "hodně"},
                                  {"code": "R-other", "period": "2024", "value": "1"}]))
    err = StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("import_values", str(path), "--user", implementer_x.username,
                     stdout=StringIO(), stderr=err)
    # The status the process exits with (BaseCommand.run_from_argv).
    assert raised.value.returncode == 1
    assert str(raised.value) == "2 chyby; nic nebylo uloženo."
    lines = err.getvalue().splitlines()
    assert lines[0].startswith("Řádek 3, sloupec I (Hodnota):"), lines
    assert lines[1].startswith("Řádek 4, sloupec A (Kód):"), lines
    assert not IndicatorValue.objects.exists()  # row 2 was fine, but nothing is saved


def test_a_dry_run_saves_nothing(tmp_path, world, implementer_x):
    path = tmp_path / "hodnoty.xlsx"
    path.write_bytes(sheet_bytes([{"code": "R-own", "period": "2023", "value": "7"}]))
    out, _err = _run(path, "--user", implementer_x.username, "--dry-run")
    assert out.startswith("Zkouška nanečisto, nic neuloženo: nové hodnoty: 1"), out
    assert not IndicatorValue.objects.exists()


def test_an_unknown_user_or_a_bad_file_exit_1(tmp_path, world, implementer_x):
    path = tmp_path / "hodnoty.xlsx"
    path.write_bytes(b"kod;hodnota\n")
    with pytest.raises(CommandError) as raised:
        _run(path, "--user", "nikdo")
    assert raised.value.returncode == 1 and "nikdo" in str(raised.value)
    with pytest.raises(CommandError) as raised:
        _run(path, "--user", implementer_x.username)
    assert raised.value.returncode == 1
    with pytest.raises(CommandError):
        _run(tmp_path / "chybi.xlsx", "--user", implementer_x.username)
    assert not IndicatorValue.objects.exists()
