"""Demo data for the indicators app, loaded by `manage.py seed_demo`."""


def load(*, stdout, summary, verbosity=1):
    """Filled in by the indicators issue."""
