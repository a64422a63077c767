"""Each importer has its own upload limits (Importer.max_bytes and
max_uncompressed, checked by core.uploads): the value import takes the
portal's own template of 100,000 values with its context columns, every
limit leaves the form room in the request body the portal accepts
(MAX_REQUEST_BODY_BYTES, and the proxy's client_max_body_size), and the
upload page states the limits of its importer."""

import io
import os
import zipfile

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from django.urls import reverse

from core.imports.base import _IMPORTERS, importer_named
from core.uploads import MiB
from indicators.imports import VALUE_IMPORTER
from planning.imports import PLAN_IMPORTER


def _workbook_of(size):
    """An archive that passes for an XLSX of about `size` bytes: a workbook
    and noise stored as it is, so nothing inflates."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", os.urandom(size),
                         compress_type=zipfile.ZIP_STORED)
    return out.getvalue()


def test_every_importer_leaves_the_form_room_in_the_request_body():
    importer_named("")  # every app's importers, declared
    assert {"indicators.values", PLAN_IMPORTER.name} <= set(_IMPORTERS)
    for importer in _IMPORTERS.values():
        assert importer.max_bytes + MiB <= settings.MAX_REQUEST_BODY_BYTES, importer.name
        assert importer.max_uncompressed >= importer.max_bytes, importer.name


def test_the_value_import_takes_a_file_over_the_limit_of_other_imports():
    content = _workbook_of(7 * MiB)
    assert VALUE_IMPORTER.check_upload(SimpleUploadedFile("hodnoty.xlsx", content)) == content
    with pytest.raises(ValidationError):
        PLAN_IMPORTER.check_upload(SimpleUploadedFile("plan.xlsx", content))


def test_a_file_over_the_value_imports_limit_is_refused_naming_it():
    content = _workbook_of(VALUE_IMPORTER.max_bytes)
    with pytest.raises(ValidationError) as refused:
        VALUE_IMPORTER.check_upload(SimpleUploadedFile("hodnoty.xlsx", content))
    assert filesizeformat(VALUE_IMPORTER.max_bytes) in " ".join(refused.value.messages)


@pytest.mark.django_db
def test_the_upload_pages_state_their_own_importers_limits(client, officer):
    client.force_login(officer)
    page = client.get(reverse("indicators:import")).text
    assert filesizeformat(VALUE_IMPORTER.max_bytes) in page
    assert filesizeformat(VALUE_IMPORTER.max_bytes) != filesizeformat(PLAN_IMPORTER.max_bytes)

