"""Property-based uploads: malformed files (random bytes, random ZIPs, damaged
and truncated real workbooks, wrong names and types; as many as the Hypothesis
profile says, conftest.py) to every upload of the portal (the plan workbook
into a plan and as a new plan, the indicator definitions), with any choice of
number format. The answer is never a 500, and nothing is saved."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from core.models import AuditEntry
from indicators.imports_definitions import definitions_xlsx_bytes
from indicators.models import Indicator, IndicatorTarget
from planning.imports import plan_template_bytes, plan_xlsx_bytes
from planning.models import Plan, PlanItem
from tests.indicators.factories import IndicatorFactory
from tests.planning.factories import PlanFactory, PlanItemFactory

pytestmark = pytest.mark.fuzz
NAMES = ["plan.xlsx", "plan.XLSX", "plan.xls", "plan.csv", "plan.pdf", "plan", "../../x.xlsx",
         "plán s mezerou.xlsx", "a" * 300 + ".xlsx"]
NUMBER_FORMATS = ["", "cs", "en", "de", "\x00"]  # the upload form's choice of number format
TYPES = ["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         "application/octet-stream", "text/csv", "application/pdf", ""]


def _random_zip(entries):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in dict(entries).items():
            archive.writestr(name, data)
    return out.getvalue()


@st.composite
def malformed(draw, workbook):
    kind = draw(st.sampled_from(["bytes", "zip", "mutated", "truncated", "empty"]))
    if kind == "bytes":
        return draw(st.binary(max_size=4096))
    if kind == "zip":
        names = st.sampled_from(["xl/workbook.xml", "xl/worksheets/sheet1.xml",
                                 "[Content_Types].xml", "xl/_rels/workbook.xml.rels", "a.txt"])
        return _random_zip(draw(st.lists(st.tuples(names, st.binary(max_size=512)),
                                         max_size=5)))
    if kind == "mutated":
        data = bytearray(workbook)
        for _ in range(draw(st.integers(1, 20))):
            data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
        return bytes(data)
    if kind == "truncated":
        return workbook[: draw(st.integers(0, len(workbook) - 1))]
    return b""


@pytest.fixture
def plan_with_items(db):
    plan = PlanFactory(code="fuzz", status="draft")
    PlanItemFactory.measure(plan=plan)
    IndicatorFactory(code="F1", plans=[plan])
    return plan


# upload -> (its URL, the workbook its malformed files are made from), of the plan above.
UPLOADS = {
    "plan_import": (lambda plan: reverse("planning:plan_import", args=[plan.code]),
                    plan_xlsx_bytes),
    "plan_import_new": (lambda plan: reverse("planning:plan_import_new"),
                        lambda plan: plan_template_bytes()),
    "definitions_import": (lambda plan: reverse("indicators:definitions_import"),
                           lambda plan: definitions_xlsx_bytes([plan.indicators.get()])),
}


def _saved():
    return (list(Plan.objects.order_by("pk").values()),
            list(PlanItem.objects.order_by("pk").values()),
            list(Indicator.objects.order_by("pk").values()),
            list(IndicatorTarget.objects.order_by("pk").values()),
            AuditEntry.objects.count())


@pytest.mark.django_db
@pytest.mark.parametrize("upload_name", sorted(UPLOADS))
def test_no_upload_makes_the_import_fail_or_save(client, officer, plan_with_items, settings_media,
                                                 upload_name):
    url_of, workbook_of = UPLOADS[upload_name]
    plan = plan_with_items
    workbook = workbook_of(plan)
    url = url_of(plan)
    client.force_login(officer)
    before = _saved()
    sent = []

    @given(content=malformed(workbook), name=st.sampled_from(NAMES),
           content_type=st.sampled_from(TYPES), number_format=st.sampled_from(NUMBER_FORMATS))
    def upload(content, name, content_type, number_format):
        sent.append(name)
        response = client.post(url, {"file": SimpleUploadedFile(name, content, content_type),
                                     "number_format": number_format})
        assert response.status_code < 500, (name, content[:40], response.status_code)

    upload()
    assert len(sent) >= settings.default.max_examples  # the files really were sent
    assert _saved() == before


@pytest.fixture
def settings_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.mark.django_db
def test_no_upload_makes_the_network_import_fail_or_save(client, officer, settings_media):
    from network.imports import export_rows, network_xlsx_bytes
    from network.models import Service, ServiceVersion
    from tests.network.factories import make_service

    make_service(actor=officer)
    workbook = network_xlsx_bytes(export_rows(Service.objects.get().city))
    client.force_login(officer)
    before = (Service.objects.count(), ServiceVersion.objects.count(), AuditEntry.objects.count())
    sent = []

    @given(content=malformed(workbook), name=st.sampled_from(NAMES),
           content_type=st.sampled_from(TYPES))
    def upload(content, name, content_type):
        sent.append(name)
        response = client.post(reverse("network:import"),
                               {"file": SimpleUploadedFile(name, content, content_type)})
        assert response.status_code < 500, (name, content[:40], response.status_code)

    upload()
    assert len(sent) >= settings.default.max_examples
    assert (Service.objects.count(), ServiceVersion.objects.count(),
            AuditEntry.objects.count()) == before
