"""The automatic status of an indicator: is it moving the way its target asks?

Inputs are the indicator's milestones and its values (home territory and,
where the target compares with one, the comparison territory). The status is
judged against the NEXT milestone (next_target): the earliest whose year or
due date is not yet past at the latest value's period; when all are past, the
last. An undated milestone is never past. The rules, per target:

* less than / at most / at least N: met → on track; else moving towards N
  since the baseline → improving; else off track.
* decrease / increase: latest against the baseline.
* decrease / increase by N: met → on track; moving the right way → improving.
* below the comparison territory: below it → on track; the gap to it narrowed
  since the baseline → improving; else off track.
* lower in the ranking: a higher ordinal than at the baseline (fewer places
  above) → on track; else off track.

No value after the baseline → no data. No target → no target set. The sentence
explains the result with the figures, e.g. "278,7, 2. v ČR (2023) against
174,1, 2. v ČR (2021); target: lower in the ranking → off the expected trend".
"""

from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from .models import Status, TargetKind, Unit


@dataclass(frozen=True)
class Assessment:
    status: str
    sentence: str

    @property
    def label(self):
        return Status(self.status).label


def display_value(value, indicator=None):
    """A value as the reader sees it: the published text where there is one,
    otherwise the number in the active locale with its unit."""
    if value is None:
        return _("n. a.")
    if value.value_text:
        return value.value_text
    if not value.available:
        return _("n. a.")
    if value.is_composite:
        return "/".join(number_format(p.amount.normalize(), force_grouping=True)
                        for p in value.parts.all())
    text = number_format(value.value.normalize(), force_grouping=True)
    if indicator is not None and indicator.unit == Unit.PERCENT:
        text += "\xa0%"
    if value.is_estimate:
        text = _("approx. %(value)s") % {"value": text}
    if value.rank:
        text = f"{text}, {value.rank}. {value.rank_scope}".rstrip()
    return text


def _split(indicator, values):
    home, comparison = [], {}
    for value in values:
        if value.territory_id == indicator.home_territory_id:
            home.append(value)
        elif value.territory_id == indicator.comparison_territory_id:
            comparison[(value.period_start, value.period_end)] = value
    home.sort(key=lambda v: (v.period_end, v.period_start))
    return home, comparison


def baseline_and_latest(indicator, values):
    """(baseline, latest, comparison at baseline, comparison at latest) of the
    home territory; latest is None when nothing came after the baseline."""
    home, comparison = _split(indicator, values)
    baseline = next((v for v in home if v.is_baseline), None)
    later = [v for v in home if baseline is None or v.period_end > baseline.period_end]
    latest = later[-1] if later else None
    baseline_cmp = comparison.get((baseline.period_start, baseline.period_end)) \
        if baseline else None
    latest_cmp = comparison.get((latest.period_start, latest.period_end)) if latest else None
    return baseline, latest, baseline_cmp, latest_cmp


def _number(value):
    if value is None or not value.available or value.is_composite:
        return None
    return value.value


def _met(kind, number, target):
    if kind == TargetKind.BELOW:
        return number < target
    if kind == TargetKind.AT_MOST:
        return number <= target
    return number >= target  # AT_LEAST


def _dated_order(target):
    return (target.ends is None, target.ends or 0, target.position)


def next_target(indicator, values=None, latest=None):
    """The milestone the status is judged against (prefetched `targets`), or
    None. `latest`: the latest home value, found from `values` when not given."""
    targets = sorted(indicator.targets.all(), key=_dated_order)
    if not targets:
        return None
    if latest is None and values is not None:
        latest = baseline_and_latest(indicator, values)[1]
    if latest is None:
        return targets[0]
    for target in targets:
        if target.ends is None or target.ends >= latest.period_end:
            return target
    return targets[-1]


def _judge(target, baseline, latest, baseline_cmp, latest_cmp):
    kind = target.kind
    now, then = _number(latest), _number(baseline)
    if now is None:
        return Status.NO_DATA
    if kind in (TargetKind.BELOW, TargetKind.AT_MOST, TargetKind.AT_LEAST):
        if _met(kind, now, target.value):
            return Status.ON_TRACK
        if then is None:
            return Status.OFF_TRACK
        towards = now < then if kind != TargetKind.AT_LEAST else now > then
        return Status.IMPROVING if towards else Status.OFF_TRACK
    if then is None and kind != TargetKind.BELOW_COMPARISON:
        return Status.NO_DATA
    if kind == TargetKind.DECREASE:
        return Status.ON_TRACK if now < then else Status.OFF_TRACK
    if kind == TargetKind.INCREASE:
        return Status.ON_TRACK if now > then else Status.OFF_TRACK
    if kind == TargetKind.DECREASE_BY:
        if now <= then - target.value:
            return Status.ON_TRACK
        return Status.IMPROVING if now < then else Status.OFF_TRACK
    if kind == TargetKind.INCREASE_BY:
        if now >= then + target.value:
            return Status.ON_TRACK
        return Status.IMPROVING if now > then else Status.OFF_TRACK
    if kind == TargetKind.BELOW_COMPARISON:
        other = _number(latest_cmp)
        if other is None:
            return Status.NO_DATA
        if now < other:
            return Status.ON_TRACK
        other_then = _number(baseline_cmp)
        if then is None or other_then is None:
            return Status.OFF_TRACK
        gap_now, gap_then = now - other, then - other_then
        return Status.IMPROVING if gap_now < gap_then else Status.OFF_TRACK
    if kind == TargetKind.LOWER_IN_RANKING:
        if latest.rank is None or baseline.rank is None:
            return Status.NO_DATA
        return Status.ON_TRACK if latest.rank > baseline.rank else Status.OFF_TRACK
    return Status.NO_TARGET  # pragma: no cover - every kind is handled above


def _with_period(value, indicator, comparison=None):
    text = display_value(value, indicator)
    if comparison is not None:
        text = _("%(value)s vs. %(comparison)s") % {
            "value": text, "comparison": display_value(comparison, indicator)}
    return f"{text} ({value.period_text})"


def _target_phrase(target):
    phrase = target.phrase
    if target.when and target.when not in phrase:
        phrase = f"{phrase} ({target.when})"
    return phrase


def assess(indicator, values):
    """The status and its sentence, from the indicator and all its values
    (prefetched, with its `targets`; no queries beyond those prefetched)."""
    baseline, latest, baseline_cmp, latest_cmp = baseline_and_latest(indicator, values)
    target = next_target(indicator, latest=latest)
    if target is None:
        status = Status.NO_TARGET
    elif latest is None:
        status = Status.NO_DATA
    else:
        status = _judge(target, baseline, latest, baseline_cmp, latest_cmp)
    parts = []
    if latest is not None:
        current = _with_period(latest, indicator, latest_cmp)
        if baseline is not None:
            parts.append(_("%(current)s against %(baseline)s") % {
                "current": current,
                "baseline": _with_period(baseline, indicator, baseline_cmp)})
        else:
            parts.append(current)
    elif baseline is not None:
        parts.append(_("only the baseline is known: %(baseline)s") % {
            "baseline": _with_period(baseline, indicator, baseline_cmp)})
    else:
        parts.append(_("no value yet"))
    if target is not None:
        parts.append(_("target: %(target)s") % {"target": _target_phrase(target)})
    sentence = "; ".join(parts) + f" → {Status(status).label}"
    return Assessment(status, sentence)
