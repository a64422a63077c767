"""What every app's demo-data loader shares: the outcome of a record, the
summary of one `seed_demo` run and its error."""

from collections import Counter

CREATED = "created"
UPDATED = "updated"
UNCHANGED = "unchanged"
DIFFERS = "kept (differs from seed)"
_OUTCOMES = (CREATED, UPDATED, UNCHANGED, DIFFERS)


class SeedError(Exception):
    """The seed data cannot be applied (e.g. a record it refers to is missing)."""


class SeedSummary:
    """Outcome counts per model, shared by every loader of one `seed_demo` run."""

    def __init__(self):
        self.counts: dict[str, Counter] = {}

    def add(self, model, outcome, n=1):
        label = model if isinstance(model, str) else model._meta.label
        self.counts.setdefault(label, Counter())[outcome] += n

    @property
    def changed(self):
        return any(c[CREATED] or c[UPDATED] for c in self.counts.values())

    def lines(self):
        for label, counter in self.counts.items():
            parts = [f"{outcome} {counter[outcome]}" for outcome in _OUTCOMES if counter[outcome]]
            yield f"  {label}: {', '.join(parts)}"


def _say(stdout, message=""):
    if stdout is not None:
        stdout.write(f"{message}\n")


def fixture_name(path):
    """A fixture's path as a reader finds it in the checkout (fixtures/x.json)."""
    from pathlib import Path

    from django.conf import settings

    path = Path(path)
    try:
        return str(path.resolve().relative_to(Path(settings.BASE_DIR).resolve()))
    except ValueError:
        return str(path)


def note(stdout, message):
    """A seed message that is a note, not an error: said so."""
    _say(stdout, f"Note (not an error): {message}")


