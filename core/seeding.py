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


