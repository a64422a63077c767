import csv
import gzip
import io
import json
import zipfile
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.http import FileResponse
from django.urls import reverse

from core import dataversion, opendata
from directory.models import Organisation
from indicators.models import IndicatorTarget, TargetKind
from tests.directory.factories import MembershipFactory, OrganisationFactory, WorkingGroupFactory
from tests.indicators.factories import IndicatorFactory, year_value
from tests.planning.factories import PlanFactory

pytestmark = pytest.mark.django_db


def test_catalogue_lists_the_datasets_with_their_columns(client):
    page = client.get(reverse("core:data_catalogue"))
    assert page.status_code == 200
    slugs = [d.slug for d in page.context["datasets"]]
    assert {"organisations", "working-groups"} <= set(slugs)
    assert 'href="/data/organisations.csv"' in page.text
    assert 'href="/data/working-groups.json"' in page.text
    assert "<code>ico</code>" in page.text  # columns are documented


def test_organisations_csv_is_utf8_with_the_documented_header(client):
    OrganisationFactory(name="Diecézní charita ostravsko-opavská", ico="00845451")
    response = client.get("/data/organisations.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))
    assert rows[0]["name"] == "Diecézní charita ostravsko-opavská"
    assert rows[0]["ico"] == "00845451"
    from core.opendata import get

    assert list(rows[0].keys()) == get("organisations").column_names()


def test_working_groups_json_has_rows_and_column_descriptions(client):
    group = WorkingGroupFactory(name="Děti a rodina", code="DaR")
    MembershipFactory(body=group)
    payload = client.get("/data/working-groups.json").json()
    assert payload["dataset"] == "working-groups"
    assert {c["name"] for c in payload["columns"]} >= {"code", "manager", "current_member_count"}
    row = next(r for r in payload["rows"] if r["code"] == "DaR")
    assert row["name"] == "Děti a rodina"
    assert row["current_member_count"] == 1
    assert row["manager"] == group.manager.full_name


def test_unknown_dataset_is_404(client):
    assert client.get("/data/nothing.csv").status_code == 404


# --- generated once per change -------------------------------------------------------------

committed = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize(("sql", "writes"), [
    ('INSERT INTO "directory_organisation" ("name") VALUES (%s)', True),
    ('UPDATE "indicators_indicatorvalue" SET "value" = 1', True),
    ('DELETE FROM "planning_planitem_working_groups" WHERE 1', True),
    ('INSERT OR IGNORE INTO "projects_project" ("title") VALUES (1)', True),
    ('TRUNCATE "meetings_meeting", "auth_user"', True),
    # the network's tables feed the datasets services and service-capacities
    ('UPDATE "network_serviceversion" SET "capacity_value" = 2', True),
    ('SELECT * FROM "directory_organisation"', False),
    ('UPDATE "django_session" SET "expire_date" = now()', False),
    ('UPDATE "core_dataversion" SET "token" = %s', False),
    ('UPDATE "reports_reportjob" SET "progress" = 50', False),
    ('INSERT INTO "axes_accessattempt" ("username") VALUES (%s)', False),
])
def test_which_statements_change_the_published_data(sql, writes):
    assert dataversion.writes_data(sql) is writes


@committed
def test_a_committed_write_moves_the_version_on_and_a_rollback_does_not():
    first = dataversion.current()
    assert dataversion.current() == first  # reading does not move it
    with transaction.atomic():
        Organisation.objects.create(name="Charita")
        assert dataversion.current() is None  # uncommitted data on this connection
    second = dataversion.current()
    assert second.token != first.token
    with pytest.raises(RuntimeError), transaction.atomic():
        Organisation.objects.create(name="Slezská diakonie")
        raise RuntimeError
    assert dataversion.current() == second
    # Writes that send no signals move it on too: bulk_create, update, raw SQL.
    Organisation.objects.bulk_create([Organisation(name="Bulk")])
    third = dataversion.current()
    assert third.token != second.token
    Organisation.objects.filter(name="Bulk").update(short_name="B")
    assert dataversion.current().token != third.token
    fourth = dataversion.current()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM directory_organisation WHERE name = %s", ["Bulk"])
    assert dataversion.current().token != fourth.token


@committed
def test_a_dataset_is_generated_once_and_answers_304_until_the_data_changes(
        client, django_assert_num_queries):
    OrganisationFactory(name="Charita Horni Ves")
    first = client.get("/data/organisations.csv")
    assert first.status_code == 200
    assert first["Cache-Control"] == "public, no-cache"
    etag, modified = first["ETag"], first["Last-Modified"]
    body = b"".join(first.streaming_content)
    assert b"Charita Horni Ves" in body
    # Warm: one query (the version), the file as written, no rows read again.
    with django_assert_num_queries(1):
        again = client.get("/data/organisations.csv")
    assert b"".join(again.streaming_content) == body and again["ETag"] == etag
    with django_assert_num_queries(1):
        assert client.get("/data/organisations.csv",
                          HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get("/data/organisations.csv",
                      HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    # A change: the next request shows it, under a new ETag.
    OrganisationFactory(name="Slezská diakonie")
    changed = client.get("/data/organisations.csv", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert "Slezská diakonie" in b"".join(changed.streaming_content).decode()
    files = list((opendata.root() / "organisations.csv").iterdir())
    assert len([f for f in files if f.suffix == ".meta"]) == 1  # earlier versions removed


@committed
def test_gzip_only_where_the_client_asks(client):
    OrganisationFactory(name="Charita Horni Ves")
    plain = client.get("/data/organisations.json")
    assert "Content-Encoding" not in plain
    body = b"".join(plain.streaming_content)
    packed = client.get("/data/organisations.json", HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    assert gzip.decompress(b"".join(packed.streaming_content)) == body
    assert packed["ETag"] != plain["ETag"]
    assert client.get("/data/organisations.json", HTTP_ACCEPT_ENCODING="gzip",
                      HTTP_IF_NONE_MATCH=packed["ETag"]).status_code == 304
    refused = client.get("/data/organisations.json", HTTP_ACCEPT_ENCODING="gzip;q=0, identity")
    assert "Content-Encoding" not in refused
    assert json.loads(body)["rows"][0]["name"] == "Charita Horni Ves"


@committed
def test_the_zip_holds_every_dataset_and_answers_304(client):
    OrganisationFactory(name="Charita Horni Ves")
    response = client.get(reverse("core:dataset_zip"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    expected = {f"{d.slug}.{fmt}" for d in opendata.datasets() for fmt in ("csv", "json")}
    assert expected <= set(archive.namelist())
    assert "Charita Horni Ves" in archive.read("organisations.csv").decode()
    assert archive.read("organisations.csv") == b"".join(
        client.get("/data/organisations.csv").streaming_content)
    assert client.get(reverse("core:dataset_zip"),
                      HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


def test_uncommitted_data_is_served_but_never_kept(client):
    OrganisationFactory(name="Jen v transakci")
    response = client.get("/data/organisations.csv")
    assert "Jen v transakci" in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    assert "ETag" not in response


def test_catalogue_links_the_zip(client):
    assert 'href="/data/opendata.zip"' in client.get(reverse("core:data_catalogue")).text


def test_a_post_to_a_dataset_is_refused(client):
    assert client.post("/data/organisations.csv").status_code == 405


# --- decimals as decimals (issue 15) -------------------------------------------------------

NUMBERS = [("20", "20"), ("310", "310"), ("0.5", "0.5"), ("12.0000", "12"),
           ("2E+1", "20"), ("3.1E+2", "310")]


@pytest.mark.parametrize(("stored", "printed"), NUMBERS)
def test_plain_number_never_writes_an_exponent(stored, printed):
    from core.exports import csv_line
    from core.formats import plain_number

    assert plain_number(Decimal(stored)) == printed
    assert opendata.json_default(Decimal(stored)) == printed
    assert "E" not in csv_line([Decimal(stored)])


def test_indicator_values_and_data_json_print_decimals_as_decimals(client):
    indicator = IndicatorFactory(code="G01", plans=[PlanFactory()])
    for year, (stored, _printed) in enumerate(NUMBERS[:4], start=2020):
        year_value(indicator, year, Decimal(stored).normalize())
    IndicatorTarget.objects.create(indicator=indicator, position=1, kind=TargetKind.AT_LEAST,
                                   value=Decimal("20").normalize(), year=2030)
    rows = list(csv.DictReader(io.StringIO(client.get("/data/indicator-values.csv").text)))
    assert [r["value"] for r in rows if r["indicator_code"] == "G01"] == [
        "20", "310", "0.5", "12"]
    payload = client.get("/data/indicator-values.json").json()
    assert [r["value"] for r in payload["rows"]] == ["20", "310", "0.5", "12"]
    detail = client.get(reverse("indicators:download", args=[indicator.slug, "json"])).json()
    assert [v["value"] for v in detail["values"]] == ["20", "310", "0.5", "12"]
    assert detail["milestones"][0]["value"] == "20"
    indicators = client.get("/data/indicators.csv").text
    assert "E+" not in indicators


@committed
def test_a_file_another_request_is_writing_is_waited_for_not_written_twice(monkeypatch):
    import threading

    from django.core.cache import cache

    monkeypatch.setattr(opendata, "WRITE_WAIT_SECONDS", 5)
    version = dataversion.current()
    directory = opendata.root() / "probe.csv"
    directory.mkdir(parents=True, exist_ok=True)
    assert cache.add(f"opendata:writing:probe.csv:{version.token}", 1, 5)  # the other writer

    def other_writer():
        opendata._write_with_meta(directory / version.token, directory / f"{version.token}.meta",
                                  lambda: [b"a,b\n"], True)

    calls = []
    timer = threading.Timer(0.3, other_writer)
    timer.start()
    made = opendata.generated("probe.csv", lambda: calls.append(1) or [b"never\n"])
    timer.join()
    assert calls == []
    assert made.path.read_bytes() == b"a,b\n"
    # Without the other writer's file, after the wait the request writes it itself.
    monkeypatch.setattr(opendata, "WRITE_WAIT_SECONDS", 0.2)
    assert cache.add(f"opendata:writing:other.csv:{version.token}", 1, 5)
    made = opendata.generated("other.csv", lambda: [b"own\n"])
    assert made.path.read_bytes() == b"own\n"


@committed
def test_opendata_refresh_moves_the_version_on_and_warms_every_file():
    from django.core.management import call_command

    before = dataversion.current()
    out = io.StringIO()
    call_command("opendata_refresh", "--warm", stdout=out)
    after = dataversion.current()
    assert after.token != before.token
    assert f"Data version {after.token}" in out.getvalue()
    for dataset in opendata.datasets():
        for fmt in ("csv", "json"):
            assert (opendata.root() / f"{dataset.slug}.{fmt}" / f"{after.token}.meta").exists()
    assert (opendata.root() / opendata.ZIP_NAME / after.token).exists()


@committed
def test_head_answers_the_headers_of_the_file(client):
    OrganisationFactory(name="Charita Horni Ves")
    get = client.get("/data/organisations.csv")
    head = client.head("/data/organisations.csv")
    assert head.status_code == 200
    assert head["ETag"] == get["ETag"]
    assert head["Content-Length"] == get["Content-Length"]


@committed
def test_a_rolled_back_savepoint_takes_its_writes_back_but_not_the_ones_before_it():
    first = dataversion.current()
    with transaction.atomic():
        with pytest.raises(RuntimeError), transaction.atomic():
            Organisation.objects.create(name="Jen v savepointu")
            raise RuntimeError
        assert dataversion.current() is not None  # nothing of it is left to commit
    assert dataversion.current() == first
    with transaction.atomic():
        Organisation.objects.create(name="Před savepointem")
        with pytest.raises(RuntimeError), transaction.atomic():
            Organisation.objects.create(name="V savepointu")
            raise RuntimeError
        Organisation.objects.filter(name="Před savepointem").update(short_name="P")
    assert dataversion.current().token != first.token


def test_backups_leave_out_the_generated_files_and_the_data_version(settings, tmp_path):
    from core.backup import media_files, table_counts

    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "opendata" / "organisations.csv").mkdir(parents=True)
    (tmp_path / "opendata" / "organisations.csv" / "token").write_bytes(b"a\n")
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / "report.pdf").write_bytes(b"%PDF")
    assert list(media_files()) == ["reports/report.pdf"]
    dataversion.current()
    assert "core_dataversion" not in table_counts()


# --- answered before sessions, CSRF and auth (core.opendata.OpenDataMiddleware) ------------


def _refuse_views(monkeypatch):
    """Any request that reaches a dataset view from now on fails the test."""
    from core import lkod

    def reached(*args, **kwargs):
        raise AssertionError("the view ran: the file was not answered by the middleware")

    for module, name in ((opendata, "serve_dataset"), (opendata, "serve_zip"),
                         (lkod, "serve_csvw"), (lkod, "serve_catalogue"),
                         (lkod, "serve_dataset")):
        monkeypatch.setattr(module, name, reached)


@committed
def test_a_written_dataset_is_sent_from_its_file_before_sessions_and_auth(
        client, monkeypatch, django_assert_num_queries):
    OrganisationFactory(name="Charita Horni Ves")
    first = client.get("/data/organisations.csv")  # the view writes the file
    body = b"".join(first.streaming_content)
    _refuse_views(monkeypatch)
    with django_assert_num_queries(1):  # the data version, nothing else
        again = client.get("/data/organisations.csv")
    assert isinstance(again, FileResponse)  # gunicorn sends it with sendfile()
    assert b"".join(again.streaming_content) == body
    assert "Set-Cookie" not in again and "Cookie" not in again["Vary"]
    for name in ("ETag", "Last-Modified", "Cache-Control", "Content-Type",
                 "Content-Disposition", "Content-Length", "X-Content-Type-Options",
                 "Content-Security-Policy", "X-Frame-Options", "Permissions-Policy",
                 "Cross-Origin-Resource-Policy"):
        assert again[name] == first[name], name
    packed = client.get("/data/organisations.csv", HTTP_ACCEPT_ENCODING="gzip")
    assert packed["Content-Encoding"] == "gzip"
    assert gzip.decompress(b"".join(packed.streaming_content)) == body
    with django_assert_num_queries(1):
        assert client.get("/data/organisations.csv",
                          HTTP_IF_NONE_MATCH=again["ETag"]).status_code == 304
    assert client.head("/data/organisations.csv")["ETag"] == again["ETag"]


@committed
def test_after_a_change_the_next_request_shows_it_and_is_sent_from_the_file_again(
        client, monkeypatch):
    OrganisationFactory(name="Charita Horni Ves")
    old = client.get("/data/organisations.json")
    b"".join(old.streaming_content)
    OrganisationFactory(name="Slezská diakonie")
    changed = client.get("/data/organisations.json", HTTP_IF_NONE_MATCH=old["ETag"])
    assert changed.status_code == 200 and changed["ETag"] != old["ETag"]
    assert "Slezská diakonie" in b"".join(changed.streaming_content).decode()
    _refuse_views(monkeypatch)
    again = client.get("/data/organisations.json")
    assert again["ETag"] == changed["ETag"]
    assert "Slezská diakonie" in b"".join(again.streaming_content).decode()


@committed
def test_the_zip_and_the_catalogue_documents_are_sent_from_their_files(client, monkeypatch):
    from tests.directory.factories import the_city

    the_city()
    paths = [reverse("core:dataset_zip"), reverse("core:lkod_catalogue"),
             reverse("core:lkod_dataset", args=["organisations"]),
             reverse("core:dataset_csvw", args=["organisations"]),
             reverse("core:datapackage")]
    first = {path: client.get(path) for path in paths}
    assert all(response.status_code == 200 for response in first.values())
    bodies = {path: b"".join(response.streaming_content) for path, response in first.items()}
    _refuse_views(monkeypatch)
    for path in paths:
        again = client.get(path)
        assert again["ETag"] == first[path]["ETag"], path
        assert b"".join(again.streaming_content) == bodies[path], path


@committed
def test_what_the_middleware_does_not_know_goes_on_to_the_view(client):
    OrganisationFactory(name="Charita Horni Ves")
    b"".join(client.get("/data/organisations.csv").streaming_content)
    assert client.get("/data/nothing.csv").status_code == 404
    assert client.post("/data/organisations.csv").status_code == 405
    # the catalogue page is a page (the page cache's), not a file
    assert client.get(reverse("core:data_catalogue"))["Content-Type"].startswith("text/html")


def test_uncommitted_data_goes_on_to_the_view_and_is_never_kept(client):
    OrganisationFactory(name="Jen v transakci")
    response = client.get("/data/organisations.csv")
    assert "Jen v transakci" in response.content.decode()
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db(transaction=True)
def test_the_version_read_by_plain_sql_is_the_row_the_orm_reads():
    from core.models import DataVersion

    made = dataversion.bump()
    read = dataversion.current()
    row = DataVersion.objects.get(pk=1)
    assert read == made == dataversion.Version(row.token, row.changed_at)
    assert read.changed_at.tzinfo is not None
