"""A report whose file is gone (a lost media volume, a partial restore)
answers a Czech 410 page, is marked missing, and an officer renders it again."""

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from core.models import AuditEntry
from reports.models import JobStatus, ReportJob
from tests.reports.factories import ReportJobFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def lost(db):
    job = ReportJobFactory.finished(published=True)
    default_storage.delete(job.file.name)
    return job


def test_a_missing_file_answers_410_in_czech_and_marks_the_run(client, lost):
    response = client.get(reverse("reports:download", args=[lost.pk]))
    assert response.status_code == 410
    html = response.content.decode()
    assert "Soubor zprávy není k dispozici" in html
    assert "Traceback" not in html and "FileNotFoundError" not in html
    lost.refresh_from_db()
    assert lost.file_missing_at is not None
    assert AuditEntry.objects.filter(object_id=str(lost.pk), actor=None).count() == 1
    # A second visitor does not audit it again.
    client.get(reverse("reports:download", args=[lost.pk]))
    assert AuditEntry.objects.filter(object_id=str(lost.pk), actor=None).count() == 1


def test_the_officer_sees_it_and_renders_it_again(
        client, officer, lost, django_capture_on_commit_callbacks):
    client.get(reverse("reports:download", args=[lost.pk]))
    client.force_login(officer)
    page = client.get(lost.get_absolute_url()).content.decode()
    assert 'id="rerender"' in page
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(reverse("reports:job_rerender", args=[lost.pk]))
    new_job = ReportJob.objects.exclude(pk=lost.pk).get()
    assert response["Location"] == new_job.get_absolute_url()
    assert (new_job.kind, new_job.parameters, new_job.status) == (
        lost.kind, lost.parameters, JobStatus.QUEUED)
    assert new_job.requested_by == officer
    lost.refresh_from_db()
    assert not lost.is_published  # nobody is sent to the lost file any more
