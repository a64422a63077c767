"""An administrator's first login in the real browser: the portal insists on
setting up two-step verification (TOTP) before anything else."""

import base64
import re

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.accounts.factories import UserFactory
from tests.browser.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_administrator_sets_up_totp_at_first_login(page, live_server, password):
    UserFactory(username="spravce", is_superuser=True, is_staff=True)

    login(page, live_server, "spravce", password)
    # Sign-in leads to the desk; the second factor is set up first.
    expect(page).to_have_url(re.compile(r"/accounts/otp/setup/\?next=%2Fdesk%2F$"))
    qr = page.locator("img.otp-qr")
    expect(qr).to_be_visible()
    assert qr.get_attribute("src").startswith("data:image/svg+xml;base64,")
    page.wait_for_function("document.querySelector('img.otp-qr').naturalWidth > 0")

    # Other pages stay closed until the authenticator is set up.
    page.goto(f"{live_server.url}/admin/")
    expect(page).to_have_url(re.compile(r"/accounts/otp/setup/\?next=%2Fadmin%2F$"))
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/accounts/otp/setup/\?next=%2F$"))

    # Type what an authenticator app would show for the secret on the page.
    secret = page.locator("#otp-secret").inner_text().replace(" ", "")
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    page.locator("#id_token").fill("000000" if totp(key) != 0 else "111111")
    page.locator("form.edit-form button[type=submit]").click()
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator("#otp-secret")).to_have_text(re.compile(secret[:4]))

    TOTPDevice.objects.filter(user__username="spravce").update(
        throttling_failure_timestamp=None, throttling_failure_count=0)
    page.locator("#id_token").fill(f"{totp(key):06d}")
    page.locator("form.edit-form button[type=submit]").click()
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator(".messages .message-success")).to_be_visible()
    assert TOTPDevice.objects.get(user__username="spravce").confirmed

    # Verified: the administration opens.
    page.goto(f"{live_server.url}/admin/")
    expect(page).to_have_url(f"{live_server.url}/admin/")
