import pytest

from tests.rounds.helpers import build_reporting


@pytest.fixture
def reporting(organisation_x, officer):
    return build_reporting(organisation_x, officer)
