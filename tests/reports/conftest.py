import logging

import pytest

from tests.shared_db import DEMO, module_rows, seed_demo


def _demo():
    """The whole demo (the interim evaluation reads its directory, plans,
    projects, indicators, meetings and report texts); the same load as the
    other modules reading the demo, so built once per session."""
    seed_demo(*DEMO)


_seeded_once = module_rows(_demo)


@pytest.fixture
def seeded(_seeded_once, db):
    return None


@pytest.fixture(autouse=True)
def _quiet_font_subsetting():
    """WeasyPrint's font subsetting logs every glyph at INFO."""
    logger = logging.getLogger("fontTools")
    level = logger.level
    logger.setLevel(logging.WARNING)
    yield
    logger.setLevel(level)
