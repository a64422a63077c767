"""Data checks of a plan's indicators, reported next to the plan's own
(planning.selectors.plan_data_checks): inconsistencies of the document as
published, shown to officers, never corrected."""

from collections import defaultdict

from django.db.models import Count
from django.db.models.functions import Trim
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
    indicators, in printed order. One query that returns only the indicators
    whose code is printed more than once (the codes counted in a subquery), so
    that a plan of thousands of indicators is not loaded to find a few; none
    when `indicators` is given."""
    if indicators is None:
        printed = plan_indicators(plan).annotate(printed=Trim("code")).exclude(printed="")
        twice = (printed.order_by().values("printed").annotate(n=Count("pk"))
                 .filter(n__gt=1).values("printed"))
        indicators = printed.filter(printed__in=twice)
    indicators = list(indicators)
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
