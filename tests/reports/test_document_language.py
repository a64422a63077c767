"""Published documents are written in the city's language of documents
(directory.City.document_language), not in the reader's."""

import pytest

from reports.interim import interim_html
from tests.directory.factories import CityFactory
from tests.planning.factories import PlanFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("language", "heading"), [("cs", "Manažerské shrnutí"),
                                                   ("en", "Management summary")])
def test_the_interim_evaluation_is_in_the_city_s_language(language, heading):
    plan = PlanFactory(city=CityFactory(document_language=language))
    html = interim_html(plan, year=2023)
    assert f'<html lang="{language}">' in html
    assert heading in html
