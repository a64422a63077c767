"""The officers' page for a plan's own report texts (headings and the
introduction of its interim evaluation): who may open it, what a save does."""

import pytest
from django.urls import reverse

from core.audit import AuditAction, audit_entries_for
from reports import services
from reports.models import PlanReportTexts
from tests.accounts.factories import UserFactory
from tests.planning.factories import PlanFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan():
    return PlanFactory(code="plan-textu")


@pytest.fixture
def other_officer():
    return UserFactory(username="officer2", is_city_officer=True)


def _url(plan):
    return reverse("reports:plan_texts", args=[plan.code])


def _data(**overrides):
    return {"global_indicators_heading": "Globální indikátory sociálního začleňování",
            "global_indicators_intro": "Úvod ke globálním indikátorům.",
            "timeline_heading": "Spolupráce v roce {year}", **overrides}


def test_anonymous_is_sent_to_sign_in(client, plan):
    response = client.get(_url(plan))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


@pytest.mark.parametrize("role", ["manager_a", "member_a", "implementer_x", "plain_user"])
def test_other_roles_are_refused(client, plan, role, request):
    client.force_login(request.getfixturevalue(role))
    assert client.get(_url(plan)).status_code == 403
    assert client.post(_url(plan), _data()).status_code == 403
    assert not PlanReportTexts.objects.exists()


def test_an_officer_writes_the_plan_s_texts_and_the_save_is_audited(
        client, officer, plan, django_assert_max_num_queries):
    client.force_login(officer)
    with django_assert_max_num_queries(12):
        page = client.get(_url(plan))
    assert page.status_code == 200
    assert str(plan) in page.text
    response = client.post(_url(plan), _data())
    assert response.status_code == 302
    texts = PlanReportTexts.objects.get(plan=plan)
    assert texts.timeline_heading == "Spolupráce v roce {year}"
    assert audit_entries_for(texts).filter(actor=officer, action=AuditAction.CREATE).exists()
    # The second save changes the same row.
    response = client.post(_url(plan), _data(timeline_heading="Rok {year}",
                                             version=texts.version))
    assert response.status_code == 302
    texts.refresh_from_db()
    assert texts.timeline_heading == "Rok {year}" and texts.version == 2
    assert PlanReportTexts.objects.filter(plan=plan).count() == 1


def test_a_stale_save_is_refused_and_nothing_is_overwritten(client, officer, other_officer,
                                                            plan):
    texts = services.plan_report_texts_save(actor=officer, plan=plan, timeline_heading="A")
    services.plan_report_texts_save(actor=other_officer, plan=plan, timeline_heading="B",
                                    expected_version=texts.version)
    client.force_login(officer)
    response = client.post(_url(plan), _data(timeline_heading="C", version=texts.version))
    assert response.status_code == 409
    texts.refresh_from_db()
    assert texts.timeline_heading == "B"


def test_an_unknown_plan_is_404_for_an_officer(client, officer):
    client.force_login(officer)
    assert client.get(reverse("reports:plan_texts", args=["nic"])).status_code == 404


def test_the_texts_page_links_every_plan(client, officer, plan):
    client.force_login(officer)
    page = client.get(reverse("reports:glossary"))
    assert _url(plan) in page.text
