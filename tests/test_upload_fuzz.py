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


@pytest.mark.django_db
def test_no_upload_makes_the_value_import_fail_or_save(client, implementer_x, settings_media):
    from network.indicator_models import IndicatorValue
    from network.value_imports import template_rows, values_xlsx_bytes
    from tests.network.factories import make_indicator_value, make_service

    service = make_service(provider=implementer_x.implementer_organisation)
    make_indicator_value(service=service)
    workbook = values_xlsx_bytes(template_rows(implementer_x, service.city, 2024, "half"))
    client.force_login(implementer_x)
    before = (list(IndicatorValue.objects.values()), AuditEntry.objects.count())
    sent = []

    @given(content=malformed(workbook), name=st.sampled_from(NAMES),
           content_type=st.sampled_from(TYPES), number_format=st.sampled_from(NUMBER_FORMATS))
    def upload(content, name, content_type, number_format):
        sent.append(name)
        response = client.post(reverse("network:values_import"),
                               {"file": SimpleUploadedFile(name, content, content_type),
                                "number_format": number_format})
        assert response.status_code < 500, (name, content[:40], response.status_code)

    upload()
    assert len(sent) >= settings.default.max_examples
    assert (list(IndicatorValue.objects.values()), AuditEntry.objects.count()) == before


@pytest.mark.django_db
def test_no_upload_makes_the_register_import_fail_or_save(client, officer, settings_media):
    """The national register's JSON (network/register.py), damaged the same ways."""
    from network.models import Service, ServiceVersion
    from tests.directory.factories import OrganisationFactory
    from tests.network.factories import make_service
    from tests.network.register_sample import PROVIDER_ICO, as_bytes, sample

    existing = make_service(provider=OrganisationFactory(ico=PROVIDER_ICO))
    content = as_bytes(sample(existing.register_id))
    client.force_login(officer)
    before = (Service.objects.count(), ServiceVersion.objects.count(), AuditEntry.objects.count())
    sent = []

    @given(content=malformed(content), name=st.sampled_from([*NAMES, "rpss.json"]),
           content_type=st.sampled_from([*TYPES, "application/json"]))
    def upload(content, name, content_type):
        sent.append(name)
        response = client.post(reverse("network:register_import"),
                               {"file": SimpleUploadedFile(name, content, content_type)})
        assert response.status_code < 500, (name, content[:40], response.status_code)

    upload()
    assert len(sent) >= settings.default.max_examples
    assert (Service.objects.count(), ServiceVersion.objects.count(),
            AuditEntry.objects.count()) == before


@pytest.mark.django_db
@pytest.mark.parametrize("upload_to", ["attachment", "extract"])
def test_no_upload_makes_an_update_request_or_decision_fail_or_half_save(
        client, officer, implementer_x, settings_media, monkeypatch, upload_to):
    """A request's attachment and a decision's extract are checked by content:
    a file that passes is of an allowed kind, anything else saves nothing."""
    from django.db import transaction

    from core.uploads import sniff_type
    from network import selectors
    from network.models import RequestAttachment, RequestDecision, UpdateRequest
    from network.services import ATTACHMENT_TYPES, EXTRACT_TYPES
    from tests.network.factories import make_service, unit
    from tests.network.requests_factories import IN_WINDOW, PDF, file_request, pdf

    monkeypatch.setattr(selectors, "filing_day", lambda: IN_WINDOW)
    service = make_service(provider=implementer_x.implementer_organisation, capacity="2")
    update_request = file_request(actor=None, service=service)
    if upload_to == "attachment":
        client.force_login(implementer_x)
        url, allowed = reverse("network:request_create"), ATTACHMENT_TYPES
    else:
        client.force_login(officer)
        url = reverse("network:request_decide", args=[update_request.pk])
        allowed = EXTRACT_TYPES
    sent = []

    def counts():
        return (UpdateRequest.objects.count(), RequestAttachment.objects.count(),
                RequestDecision.objects.count(), AuditEntry.objects.count())

    @given(content=malformed(PDF * 3), name=st.sampled_from([*NAMES, "vypis.pdf"]),
           content_type=st.sampled_from(TYPES))
    def upload(content, name, content_type):
        sent.append(name)
        bad = SimpleUploadedFile(name, content, content_type)
        if upload_to == "attachment":
            data = {"kind": "increase", "service": service.pk, "effective_from": "2026-01-01",
                    "capacity_value": "3", "capacity_unit": unit().pk, "reasoning": "Růst.",
                    "attachment_justification": pdf(), "attachment_budget": bad}
        else:
            data = {"body": "commission", "decided_on": "2025-09-01",
                    "resolution_number": "1/2025", "outcome": "approved", "extract": bad}
        with transaction.atomic():
            before = counts()
            response = client.post(url, data)
            assert response.status_code < 500, (name, content[:40], response.status_code)
            if response.status_code == 302:
                assert sniff_type(content) in allowed
            else:
                assert counts() == before
            transaction.set_rollback(True)

    upload()
    assert len(sent) >= settings.default.max_examples
