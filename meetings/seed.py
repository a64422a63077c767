"""Demo data for the meetings app, loaded by `manage.py seed_demo`."""


def load(*, stdout, summary, verbosity=1):
    """Filled in by the meetings issue."""
