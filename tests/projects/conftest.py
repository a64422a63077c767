import logging

import pytest


@pytest.fixture(autouse=True)
def _quiet_font_subsetting():
    """WeasyPrint's font subsetting logs every glyph at INFO."""
    logger = logging.getLogger("fontTools")
    level = logger.level
    logger.setLevel(logging.WARNING)
    yield
    logger.setLevel(level)
