"""The data checks of a plan are extensible: an app above planning (e.g.
indicators) registers a function `check(plan) -> iterable of Finding`, and
the label of each new kind of finding; `selectors.plan_data_checks` adds
their findings to the plan's own, and the data-checks page groups them by
kind.

    from planning import checks
    checks.register(duplicate_indicator_codes, kind="duplicate_indicator_code",
                    label=gettext_lazy("Indicator code used more than once"))

A finding's `items` are objects with `get_absolute_url()` and `__str__`
(plan items, indicators, ...): the page links each of them.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Finding:
    kind: str
    message: str
    items: tuple


_CHECKS = []
_LABELS = {}


def register(check, *, kind=None, label=None):
    """Add `check` (once; registering it again changes nothing) and, with
    `kind` and `label`, the heading its findings are shown under."""
    if check not in _CHECKS:
        _CHECKS.append(check)
    if kind and label:
        register_label(kind, label)
    return check


def register_label(kind, label):
    _LABELS[kind] = label


def unregister(check):
    if check in _CHECKS:
        _CHECKS.remove(check)


def registered_checks():
    return tuple(_CHECKS)


def registered_labels():
    return dict(_LABELS)


def run_registered(plan):
    """Every registered check's findings for `plan`, in registration order."""
    findings = []
    for check in _CHECKS:
        findings.extend(check(plan))
    return findings
