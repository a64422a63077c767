"""Error answers: a database outage is a clear 503 that recovers by itself, not
a 500; other failures are a Czech 500 page without details."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def raising_client(client):
    client.raise_request_exception = False
    return client


def test_unreachable_database_answers_503_then_recovers(raising_client, settings):
    real = dict(connection.settings_dict)
    connection.close()
    # A port where nothing listens: every query of this request fails to connect.
    connection.settings_dict["PORT"] = "1"
    try:
        response = raising_client.get("/")
    finally:
        connection.close()
        connection.settings_dict.update(real)
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "dočasně nedostupná" in response.content.decode()
    assert raising_client.get("/").status_code == 200  # reconnects without a restart


def test_unexpected_error_is_a_czech_500_without_details(raising_client, monkeypatch):
    from core import views

    def broken(*args, **kwargs):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(views.HomeView, "get_context_data", broken)
    response = raising_client.get("/")
    assert response.status_code == 500
    text = response.content.decode()
    assert "secret internal detail" not in text and "Traceback" not in text
    assert "chyba" in text


@pytest.mark.parametrize("template", ["errors/500.html", "errors/503.html"])
def test_the_error_pages_link_the_statement_and_the_notice_from_their_footer(template):
    """Rendered without a request or the database, as core.errors does."""
    from django.template import loader
    from django.urls import reverse

    html = loader.get_template(template).render()
    footer = html[html.index('<footer class="site-footer">'):]
    for name in ("directory:accessibility", "directory:privacy"):
        assert f'href="{reverse(name)}"' in footer, name
