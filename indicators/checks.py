"""Data checks of a plan's indicators, reported next to the plan's own
(planning.selectors.plan_data_checks): inconsistencies of the document as
published, shown to officers, never corrected."""

from collections import defaultdict

from django.utils.translation import gettext_lazy, ngettext

from planning import checks
from planning.checks import Finding

from .selectors import plan_indicators

CHECK_LABELS = {
    "duplicate_indicator_code": gettext_lazy("Indicator code printed more than once"),
}


def duplicate_indicator_codes(plan, indicators=None):
    """One Finding per code that the plan prints for more than one indicator
    (codes compared as printed, spaces at the ends ignored); its items are the
    indicators, in printed order. One query (none when `indicators` given)."""
    indicators = list(indicators if indicators is not None else plan_indicators(plan))
    by_code = defaultdict(list)
    for indicator in indicators:
        if indicator.code.strip():
            by_code[indicator.code.strip()].append(indicator)
    findings = []
    for code, same in by_code.items():
        if len(same) > 1:
            findings.append(Finding(
                "duplicate_indicator_code",
                ngettext("Indicator code %(code)s is printed %(count)d time.",
                         "Indicator code %(code)s is printed %(count)d times.", len(same))
                % {"code": code, "count": len(same)},
                tuple(same),
            ))
    return findings


def register():
    """Show these findings on every plan's data-checks page."""
    checks.register(duplicate_indicator_codes, kind="duplicate_indicator_code",
                    label=CHECK_LABELS["duplicate_indicator_code"])
