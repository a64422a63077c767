"""The actual values of a project's own indicators are recorded in the portal
(issue 15: projects showed "zatím nevykázáno" with no screen to fill it): by
officers and by the implementer's users for their own projects, one period
for all indicators at once, audited with the actor, all or nothing; the
project page then shows the actual value."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from core.models import AuditEntry
from indicators.models import Indicator, IndicatorKind, IndicatorValue, Territory
from indicators.services import indicator_value_approve
from projects.models import ProjectIndicator
from tests.accounts.factories import UserFactory
from tests.directory.factories import OrganisationFactory

from .factories import ProjectFactory

pytestmark = pytest.mark.django_db


def _text(response):
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("\xa0", " ")


@pytest.fixture
def home(db):
    return Territory.objects.create(code="mesto", name="Město")


def _indicator(project, home, code, name, planned):
    indicator = Indicator.objects.create(
        code=f"p-{code}", slug=f"p-{code}", name=name, national_code=code,
        kind=IndicatorKind.PROJECT, home_territory=home)
    indicator.targets.create(kind="at_least", value=Decimal(planned), due=date(2026, 6, 30))
    ProjectIndicator.objects.create(project=project, indicator=indicator)
    return indicator


@pytest.fixture
def project(implementer_x, home):
    project = ProjectFactory(implementer=implementer_x.implementer_organisation)
    _indicator(project, home, "60000", "Celkový počet účastníků", "300")
    _indicator(project, home, "67001", "Kapacita podpořených služeb", "20")
    return project


def test_the_implementer_records_the_actuals_and_the_project_page_shows_them(
        client, implementer_x, project):
    first, second = Indicator.objects.order_by("code")
    client.force_login(implementer_x)
    page = client.get(project.get_absolute_url())
    url = reverse("projects:project_actuals", args=[project.pk])
    assert url in page.content.decode()
    assert "zatím nevykázáno" in _text(page)
    form = client.get(url)
    assert "Plánovaná hodnota: 300" in _text(form)

    response = client.post(url, {"period_text": "2025", f"indicator_{first.pk}": "1 190",
                                 f"indicator_{second.pk}": "18,5"})

    assert response.status_code == 302 and response["Location"] == project.get_absolute_url()
    values = {v.indicator_id: v for v in IndicatorValue.objects.all()}
    assert values[first.pk].value == Decimal("1190")
    assert values[second.pk].value == Decimal("18.5")
    assert values[first.pk].period_start == date(2025, 1, 1)
    assert values[first.pk].source == project.registration_number
    assert AuditEntry.objects.filter(actor=implementer_x,
                                     content_type__model="indicator").count() == 2
    # Submitted, not public until a city officer approves them.
    assert {v.review_state for v in values.values()} == {"submitted"}
    assert "1 190" not in _text(client.get(project.get_absolute_url()))
    officer = UserFactory(is_city_officer=True)
    for value in values.values():
        indicator_value_approve(actor=officer, value=value)
    text = _text(client.get(project.get_absolute_url()))
    assert "1 190" in text and "18,5" in text
    assert "zatím nevykázáno" not in text


def test_an_officer_records_one_actual_and_leaves_the_other(client, officer, project):
    first, second = Indicator.objects.order_by("code")
    client.force_login(officer)
    url = reverse("projects:project_actuals", args=[project.pk])
    response = client.post(url, {"period_text": "1. pol. 2025", f"indicator_{second.pk}": "7"})
    assert response.status_code == 302
    assert list(IndicatorValue.objects.values_list("indicator_id", "value")) == [
        (second.pk, Decimal("7"))]


def test_a_bad_period_or_no_value_is_a_czech_error_and_nothing_is_saved(
        client, officer, project):
    first, _second = Indicator.objects.order_by("code")
    client.force_login(officer)
    url = reverse("projects:project_actuals", args=[project.pk])
    response = client.post(url, {"period_text": "letos", f"indicator_{first.pk}": "5"})
    assert response.status_code == 200
    assert "není období" in _text(response)
    response = client.post(url, {"period_text": "2025"})
    assert response.status_code == 200
    assert "Zadejte alespoň jednu skutečnou hodnotu." in _text(response)
    assert not IndicatorValue.objects.exists()


def test_another_organisations_project_refuses_its_actuals(client, implementer_x, home):
    other = ProjectFactory(implementer=OrganisationFactory())
    indicator = _indicator(other, home, "60000", "Celkový počet účastníků", "10")
    client.force_login(implementer_x)
    url = reverse("projects:project_actuals", args=[other.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"period_text": "2025",
                             f"indicator_{indicator.pk}": "5"}).status_code == 403
    assert "actuals" not in client.get(other.get_absolute_url()).content.decode()
    assert not IndicatorValue.objects.exists()


def test_the_service_refuses_an_indicator_of_another_project(officer, project, home):
    from django.core.exceptions import ValidationError

    from projects import services

    foreign = _indicator(ProjectFactory(), home, "60001", "Cizí", "1")
    own = Indicator.objects.get(code="p-60000")
    with pytest.raises(ValidationError):
        services.project_actuals_record(actor=officer, project=project, period_text="2025",
                                        values={own: Decimal("3"), foreign: Decimal("4")})
    assert not IndicatorValue.objects.exists()


def test_the_form_runs_a_fixed_number_of_queries(client, officer, project, home,
                                                  django_assert_num_queries):
    client.force_login(officer)
    url = reverse("projects:project_actuals", args=[project.pk])
    client.get(url)
    with CountQueries() as first:
        client.get(url)
    for n in range(5):
        _indicator(project, home, f"7000{n}", f"Ukazatel {n}", "5")
    with CountQueries() as second:
        client.get(url)
    assert first.count == second.count


class CountQueries:
    def __enter__(self):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        self.context = CaptureQueriesContext(connection)
        self.context.__enter__()
        return self

    def __exit__(self, *exc):
        self.context.__exit__(*exc)
        self.count = len(self.context)
