import logging

import pytest
from django.core.management import call_command

from tests.shared_db import DEMO, module_rows, seed_demo

SEED_LOADERS = ("directory", "plans", "projects", "indicators", "meetings")


def seed_interim_data():
    """The demo data the interim evaluation reads: seed_demo's loaders of the
    apps it draws on, then the reports loader (glossary, officers' texts)."""
    from io import StringIO

    from directory.seed import SeedSummary
    from reports.seed import load

    args = []
    for name in SEED_LOADERS:
        args += ["--only", name]
    call_command("seed_demo", *args, "--without-accounts", verbosity=0, stdout=StringIO())
    load(stdout=None, summary=SeedSummary(), verbosity=0)


# Loaded once per session and copied for each module that asks
# (tests/shared_db.py).
def _demo():
    """The whole demo, which holds what seed_interim_data loads; the same load
    as the other modules reading the demo, so built once per session."""
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
