"""core.middleware.client_ip: the one place that decides a client's address."""

import logging

import pytest
from django.test import RequestFactory

from core.middleware import RequestIdLogFilter, RequestIdMiddleware, client_ip


def _request(remote, forwarded=None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = []
    assert client_ip(_request("192.0.2.1", "198.51.100.7")) == "192.0.2.1"


def test_a_request_from_outside_the_trusted_networks_keeps_its_address(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert client_ip(_request("192.0.2.1", "198.51.100.7")) == "192.0.2.1"


def test_the_proxy_appended_address_is_the_client(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert client_ip(_request("10.0.0.2", "6.6.6.6, 198.51.100.7")) == "198.51.100.7"


def test_a_chain_of_trusted_proxies_is_skipped(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8", "172.16.0.0/12"]
    request = _request("10.0.0.2", "6.6.6.6, 198.51.100.7, 172.16.3.4")
    assert client_ip(request) == "198.51.100.7"


def test_ipv6_and_a_malformed_hop(settings):
    settings.TRUSTED_PROXIES = ["::1/128", "10.0.0.0/8"]
    assert client_ip(_request("::1", "2001:db8::7")) == "2001:db8::7"
    # A malformed entry ends the walk at the last address a proxy vouched for.
    assert client_ip(_request("10.0.0.2", "198.51.100.7, not-an-ip, 10.0.0.3")) == "10.0.0.3"


def test_no_header_behind_a_proxy_gives_the_proxy(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert client_ip(_request("10.0.0.2")) == "10.0.0.2"


@pytest.mark.parametrize("forwarded", ["198.51.100.9", "1.2.3.4, 198.51.100.9"])
def test_log_lines_carry_the_same_address(settings, forwarded):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    seen = {}

    def view(request):
        record = logging.LogRecord("t", logging.INFO, __file__, 1, "m", None, None)
        RequestIdLogFilter().filter(record)
        seen["ip"] = record.client_ip
        from django.http import HttpResponse

        return HttpResponse()

    RequestIdMiddleware(view)(_request("10.0.0.2", forwarded))
    assert seen["ip"] == "198.51.100.9"
