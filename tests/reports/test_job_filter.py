"""The officers' list of report runs filtered by status (the desk links it):
`waiting` is queued or running; whatever the filter is given, never a 500."""

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from reports.models import JobStatus
from tests.reports.factories import ReportJobFactory

pytestmark = pytest.mark.django_db

MANAGE = reverse("reports:manage")


def test_the_runs_by_status(client, officer):
    for status in (JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.FAILED, JobStatus.FAILED):
        ReportJobFactory(status=status)
    client.force_login(officer)
    statuses = {value: sorted(j.status for j in client.get(MANAGE, {"status": value})
                              .context["jobs"]) for value in ("waiting", "failed", "")}
    assert statuses == {"waiting": ["queued", "running"], "failed": ["failed", "failed"],
                        "": ["failed", "failed", "queued", "running"]}


@pytest.mark.fuzz
@given(status=st.one_of(st.sampled_from(["waiting", "failed", "", "x", "\x00"]),
                        st.text(max_size=40)))
def test_no_filter_value_breaks_the_list(client, officer, status):
    client.force_login(officer)
    assert client.get(MANAGE, {"status": status}).status_code == 200
