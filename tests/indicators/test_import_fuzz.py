"""Property-based uploads to the value import: malformed files (random bytes,
random ZIPs, damaged and truncated real templates, templates filled with
random cells, wrong names and types). The preview never answers a 500 and
nothing is saved; confirming whatever batch a preview produced either saves
all of its rows or none."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from core.models import AuditEntry, PendingImport, PendingImportState
from indicators.imports import HEADERS, SHEET_TITLE, template_xlsx_bytes
from indicators.models import IndicatorValue
from indicators.selectors import reportable_indicators
from tests.indicators.import_factories import reporting_world
from tests.test_upload_fuzz import NAMES, TYPES, malformed

pytestmark = pytest.mark.fuzz

CELLS = st.one_of(
    st.none(),
    st.text(max_size=30),
    st.sampled_from(["2024", "12/2024", "1. pol. 2024", "2023/24", "k 30. 4. 2024", "13/2024",
                     "1 190", "cca 3 100", "n. a.", "174,1, 2. v ČR", "12/12/4/22", "1/2",
                     "=1+1", "'=A1", "-", "R-own", "R-other", "R-composite", "MSK", "Praha",
                     "9" * 30, "1e400", "0,00001"]),
    st.integers(-10**20, 10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
)


@st.composite
def filled_template(draw, template):
    """The real template with random cells written anywhere in its first rows
    and columns (headers included)."""
    workbook = load_workbook(io.BytesIO(template))
    sheet = workbook[SHEET_TITLE]
    for _ in range(draw(st.integers(1, 12))):
        row = draw(st.integers(1, 8))
        column = draw(st.integers(1, len(HEADERS) + 2))
        value = draw(CELLS)
        if isinstance(value, str):
            value = "".join(ch for ch in value if ch.isprintable())
        sheet.cell(row=row, column=column, value=value)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@pytest.mark.django_db
def test_no_upload_makes_the_import_fail_or_save(client, implementer_x, organisation_x):
    reporting_world(organisation_x)
    template = template_xlsx_bytes(reportable_indicators(implementer_x))
    client.force_login(implementer_x)
    url = reverse("indicators:import")
    audits_before = AuditEntry.objects.count()
    sent = []
    batches = []

    @given(content=st.one_of(malformed(template), filled_template(template)),
           name=st.sampled_from(NAMES), content_type=st.sampled_from(TYPES))
    def upload(content, name, content_type):
        sent.append(name)
        response = client.post(url, {"file": SimpleUploadedFile(name, content, content_type)})
        assert response.status_code < 500, (name, content[:40], response.status_code)
        batch = response.context.get("pending") if response.context else None
        if batch is not None:
            batches.append(batch)

    upload()
    assert len(sent) >= settings.default.max_examples  # the files really were sent
    assert not IndicatorValue.objects.exists()
    assert AuditEntry.objects.count() == audits_before

    # Whatever a preview accepted saves every row or none.
    for batch in batches[-5:]:
        if not PendingImport.objects.filter(pk=batch.pk,
                                            state=PendingImportState.PREVIEWED).exists():
            continue  # expired
        IndicatorValue.objects.all().delete()
        to_save = [r for r in batch.preview if r["outcome"] in ("new", "changed")]
        response = client.post(reverse("indicators:import_confirm", args=[batch.pk]))
        assert response.status_code in (302, 409), response.status_code
        saved = IndicatorValue.objects.count()
        assert saved == (len(to_save) if response.status_code == 302 else 0)
