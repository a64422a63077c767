"""The yearly evaluation as a report kind: a tagged PDF through
reports.kinds (the run through a real Celery worker:
test_evaluation_worker.py)."""

from datetime import date

import pytest

from network.indicator_models import ReportingPeriod
from network.indicator_services import funding_record
from reports import kinds
from reports.models import ReportKind
from tests.core.pdf_tools import assert_accessible, read_pdf

from .factories import make_indicator, make_indicator_value, make_service


def network():
    services_ = [make_service(name=f"Služba {n}", network_from=date(2023, 1, 1))
                 for n in range(3)]
    clients = make_indicator(code="klienti", counts_clients=True, comment_allowed=False)
    for service in services_:
        make_indicator_value(service=service, indicator=clients, year=2024,
                             period=ReportingPeriod.YEAR, value="40")
        funding_record(actor=None, service=service, year=2024, source="city",
                       amount=1_250_000)
    return services_


@pytest.mark.django_db
def test_the_yearly_evaluation_renders_a_tagged_pdf():
    network()
    rendered = kinds.render(ReportKind.YEARLY_EVALUATION, {"year": 2024})
    facts = read_pdf(rendered.pdf)
    assert facts.info["Title"].startswith("Roční vyhodnocení")
    assert_accessible(facts, title=facts.info["Title"])
    assert "H1" in facts.struct and "H2" in facts.struct
    assert "Financování podle zdroje" in facts.text
    assert "3 750 000 Kč" in facts.text.replace("\xa0", " ")


@pytest.mark.django_db
def test_a_year_out_of_range_is_refused_in_czech():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        kinds.render(ReportKind.YEARLY_EVALUATION, {"year": "abc"})


@pytest.mark.django_db
def test_the_yearly_evaluation_page_is_public_and_counts_the_year(client):
    from django.urls import reverse

    network()
    response = client.get(reverse("network:evaluation") + "?year=2024")
    assert response.status_code == 200
    evaluation = response.context["evaluation"]
    assert (evaluation.services, evaluation.service_clients) == (3, 120)
    assert "3 750 000" in response.content.decode().replace("\xa0", " ")


@pytest.mark.django_db
def test_the_page_shows_the_providers_a_page_at_a_time_the_pdf_all(client, monkeypatch):
    """The funding by provider grows with the network: the page prints a
    page of providers with a pager (`?page=`, kept by the page cache), the
    PDF every provider."""
    from django.urls import reverse

    from network import indicator_views
    from tests.directory.factories import OrganisationFactory

    for n in range(5):
        service = make_service(name=f"Služba {n}", network_from=date(2023, 1, 1),
                               provider=OrganisationFactory(name=f"Poskytovatel {n}"))
        funding_record(actor=None, service=service, year=2024, source="city",
                       amount=1000 * (n + 1))
    monkeypatch.setattr(indicator_views, "PROVIDERS_PER_PAGE", 2)
    url = reverse("network:evaluation")
    pages = [client.get(url, {"year": "2024", "page": str(number)}) for number in (1, 2, 3)]
    names = [[row["service__provider__name"] for row in page.context["evaluation"]
              .funding_by_provider] for page in pages]
    assert names == [["Poskytovatel 4", "Poskytovatel 3"], ["Poskytovatel 2", "Poskytovatel 1"],
                     ["Poskytovatel 0"]]
    first = pages[0].content.decode()
    assert '<nav class="pagination"' in first and 'href="?year=2024&amp;page=2"' in first
    rendered = kinds.render(ReportKind.YEARLY_EVALUATION, {"year": 2024})
    assert all(f"Poskytovatel {n}" in read_pdf(rendered.pdf).text for n in range(5))
