"""Published documents are written in their plan's language, which a new plan
takes from the city's language of documents (directory.City.document_language),
never in the reader's."""

import pytest
from django.utils import translation

from planning.models import LevelRole
from planning.services import plans as plan_services
from reports.interim import interim_html
from tests.directory.factories import CityFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("language", "heading"), [("cs", "Manažerské shrnutí"),
                                                   ("en", "Management summary")])
def test_a_new_plan_is_reported_in_the_city_s_language(language, heading):
    city = CityFactory(document_language=language, currency="EUR")
    plan = plan_services.plan_create(
        actor=None, city=city, levels=[("Priority", LevelRole.AREA)], kind="kp",
        title="Plan", code="p", period_start=2025)
    assert (plan.language, plan.currency) == (language, "EUR")
    with translation.override("cs" if language == "en" else "en"):
        html = interim_html(plan, year=2023)
    assert f'<html lang="{language}">' in html
    assert heading in html
