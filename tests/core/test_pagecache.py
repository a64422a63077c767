"""The page cache cannot be inflated by query strings the page ignores."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.indicators.factories import IndicatorFactory
from tests.planning.factories import PlanFactory

pytestmark = pytest.mark.django_db


def _page_keys():
    return [k for k in cache._cache.get_client().keys("*pagecache*")
            if b"generation" not in k]


def test_unknown_parameters_are_redirected_not_cached(client):
    IndicatorFactory(plans=[PlanFactory(status="in_force")])
    url = reverse("indicators:list")
    for n in range(30):
        response = client.get(url, {"utm": n})
        assert response.status_code == 302
        assert response["Location"] == url
    client.get(url)
    assert len(_page_keys()) == 1


def test_known_parameters_keep_theirs_and_order_does_not_matter(client):
    IndicatorFactory(plans=[PlanFactory(status="in_force")])
    url = reverse("indicators:list")
    response = client.get(url + "?status=no_data&utm_source=x&kind=global")
    assert response.status_code == 302
    assert response["Location"] == url + "?status=no_data&kind=global"
    assert client.get(url + "?status=no_data&kind=global")["X-Page-Cache"] == "miss"
    assert client.get(url + "?kind=global&status=no_data")["X-Page-Cache"] == "hit"
    assert len(_page_keys()) == 1


def test_a_detail_page_understands_no_parameters(client):
    indicator = IndicatorFactory(plans=[PlanFactory(status="in_force")])
    url = indicator.get_absolute_url()
    assert client.get(url + "?x=1")["Location"] == url
    assert client.get(url).status_code == 200


def test_signed_in_readers_are_never_redirected(client, officer):
    client.force_login(officer)
    assert client.get(reverse("indicators:list") + "?utm=1").status_code == 200
