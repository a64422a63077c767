"""The fixtures of the test OpenID Connect provider (tests/oidc_provider)."""

import pytest

from . import ProviderProcess, SingleSignOn


@pytest.fixture(scope="session")
def oidc_provider():
    provider = ProviderProcess()
    yield provider
    provider.stop()


@pytest.fixture
def sso(oidc_provider, settings):
    return SingleSignOn(oidc_provider, settings)
