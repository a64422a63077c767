import pytest
from django.template import Context, Template
from django.utils import translation

pytestmark = pytest.mark.django_db

STRICT_CSP = {
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "frame-ancestors 'none'",
}


def test_home_answers_in_czech(client):
    response = client.get("/")
    assert response.status_code == 200
    assert '<html lang="cs">' in response.text
    assert 'href="#main"' in response.text  # skip link
    assert 'id="main"' in response.text


def test_czech_even_for_an_english_browser(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="cs">' in response.text


def test_english_is_switchable(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert '<html lang="en">' in client.get("/").text


@pytest.mark.parametrize("url", ["/", "/data/", "/groups/", "/organisations/", "/accounts/login/"])
def test_public_pages_carry_a_strict_csp_and_no_inline_code(client, url):
    response = client.get(url)
    directives = {d.strip() for d in response["Content-Security-Policy"].split(";")}
    assert directives >= STRICT_CSP
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    html = response.text
    assert "<script>" not in html and "<style" not in html and " style=" not in html
    assert " onclick=" not in html and "javascript:" not in html


def test_pages_carry_a_request_id(client):
    response = client.get("/", HTTP_X_REQUEST_ID="abcdef12-3456")
    assert response["X-Request-ID"] == "abcdef12-3456"
    assert len(client.get("/", HTTP_X_REQUEST_ID="<bad>")["X-Request-ID"]) == 32


@pytest.mark.parametrize(("template", "expected"), [
    ("{{ value|czk }}", "178\xa0730\xa0828,51\xa0Kč"),
    ("{{ value|num:2 }}", "178\xa0730\xa0828,51"),
])
def test_czech_money_and_number_formats(template, expected):
    from decimal import Decimal

    with translation.override("cs"):
        rendered = Template("{% load portal %}" + template).render(
            Context({"value": Decimal("178730828.51")})
        )
    assert rendered == expected


def test_czech_date_format():
    import datetime

    with translation.override("cs"):
        rendered = Template('{{ d|date:"SHORT_DATE_FORMAT" }}').render(
            Context({"d": datetime.date(2023, 7, 1)})
        )
    assert rendered == "1. 7. 2023"


def test_czech_integer_grouping():
    with translation.override("cs"):
        assert Template("{% load portal %}{{ 1190|num }}").render(Context()) == "1\xa0190"


def test_error_pages_are_czech_and_without_details(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Traceback" not in response.text
    assert '<html lang="cs">' in response.text


def test_json_log_lines_carry_the_request_id():
    import json
    import logging

    from core.logging import JsonFormatter
    from core.middleware import RequestIdLogFilter, _request_id

    token = _request_id.set("req-12345678")
    try:
        record = logging.LogRecord("django.request", logging.WARNING, __file__, 1,
                                   "Not Found: %s", ("/x",), None)
        RequestIdLogFilter().filter(record)
        line = json.loads(JsonFormatter().format(record))
    finally:
        _request_id.reset(token)
    assert line["request_id"] == "req-12345678"
    assert line["message"] == "Not Found: /x"
    assert line["level"] == "WARNING"
