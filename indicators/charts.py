"""Indicator charts as SVG, rendered on the server so that the public page, a
browser without JavaScript and the PDF report show the same picture.

Presentation attributes only (no inline `style`), so the strict CSP of the
pages holds; text in the SVG is escaped. Series are told apart by colour *and*
by marker and dash, for readers who do not see colour; the chart carries a
title and a description, and the page shows the same values as a table."""

import math
from dataclasses import dataclass, field
from decimal import Decimal
from xml.sax.saxutils import escape

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from .models import TargetKind
from .status import baseline_and_latest, next_target

WIDTH, HEIGHT = 720, 340
LEFT, RIGHT, TOP, BOTTOM = 70, 24, 24, 64
SERIES_STYLE = [
    # (colour, marker, dash) - dark enough for 4.5:1 on white
    ("#1f4e79", "circle", ""),
    ("#a34700", "square", "6 4"),
    ("#2e6b30", "diamond", "2 3"),
    ("#6a2c70", "triangle", "8 3 2 3"),
]
TARGET_COLOUR = "#8b1a1a"


@dataclass
class Series:
    label: str
    points: dict = field(default_factory=dict)  # category index -> Decimal


def _format(number):
    return number_format(Decimal(number).normalize(), force_grouping=True)


def _nice_step(span):
    if span <= 0:
        return Decimal(1)
    magnitude = Decimal(10) ** (len(str(int(span))) - 1) if span >= 1 else Decimal("0.1")
    for factor in (Decimal("0.1"), Decimal("0.2"), Decimal("0.25"), Decimal("0.5"), 1, 2, 5, 10):
        step = magnitude * Decimal(factor)
        if span / step <= 6:
            return step
    return magnitude * 10  # pragma: no cover


def chart_data(indicator, values):
    """Categories (period labels in time order) and series (home territory,
    comparison territory, or one per part of a composite value)."""
    periods = sorted({(v.period_end, v.period_start, v.period_text) for v in values})
    categories = []
    index = {}
    for end, start, text in periods:
        key = (start, end)
        if key not in index:
            index[key] = len(categories)
            categories.append(text)
    series = {}
    for value in values:
        if not value.available:
            continue
        position = index[(value.period_start, value.period_end)]
        territory = value.territory.label if hasattr(value, "territory") else ""
        if value.is_composite:
            labels = indicator.part_labels or []
            for number, part in enumerate(value.parts.all()):
                label = part.label or (labels[number] if number < len(labels) else str(number))
                series.setdefault(label, Series(label)).points[position] = part.amount
        else:
            series.setdefault(territory, Series(territory)).points[position] = value.value
    ordered = sorted(series.values(),
                     key=lambda s: (s.label != indicator.home_territory.label, s.label))
    return categories, ordered


def _target_level(target, baseline):
    if target is None:
        return None
    kind = target.kind
    if kind in (TargetKind.BELOW, TargetKind.AT_MOST, TargetKind.AT_LEAST):
        return target.value
    if kind in (TargetKind.DECREASE_BY, TargetKind.INCREASE_BY) and baseline is not None \
            and baseline.value is not None:
        sign = -1 if kind == TargetKind.DECREASE_BY else 1
        return baseline.value + sign * target.value
    return None


def _marker(shape, x, y, colour):
    if shape == "square":
        return (f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" '
                f'fill="{colour}"/>')
    if shape == "diamond":
        return (f'<polygon points="{x:.1f},{y - 5:.1f} {x + 5:.1f},{y:.1f} {x:.1f},{y + 5:.1f} '
                f'{x - 5:.1f},{y:.1f}" fill="{colour}"/>')
    if shape == "triangle":
        return (f'<polygon points="{x:.1f},{y - 5:.1f} {x + 5:.1f},{y + 4:.1f} '
                f'{x - 5:.1f},{y + 4:.1f}" fill="{colour}"/>')
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4.5" fill="{colour}"/>'


# Approximate width of a character of the 12-unit font, in SVG units.
CHAR_WIDTH = 7


def _labelled_positions(categories, x_of, *, gap=12):
    """The periods whose labels are printed under the axis: every one when they
    fit side by side; otherwise every k-th (always the first and the last), so
    that no two labels overlap. The table and the text alternative keep them all."""
    count = len(categories)
    if count <= 1:
        return list(range(count))
    spacing = x_of(1) - x_of(0)
    widest = max(len(str(label)) for label in categories) * CHAR_WIDTH + gap
    every = max(1, math.ceil(widest / spacing))
    shown = list(range(0, count, every))
    if shown[-1] != count - 1:
        if x_of(count - 1) - x_of(shown[-1]) < widest:
            shown.pop()
        shown.append(count - 1)
    return shown


def render_svg(indicator, values, *, element_id=None):
    """The chart of `indicator` from its prefetched `values`, as an SVG string."""
    element_id = element_id or f"chart-{indicator.pk}"
    categories, series = chart_data(indicator, values)
    baseline, latest, _b, _l = baseline_and_latest(indicator, values)
    target = _target_level(next_target(indicator, latest=latest), baseline)
    title = _("Chart: %(name)s") % {"name": indicator.name}
    if not categories or not series:
        desc = _("No values to chart yet.")
    else:
        desc = "; ".join(
            f"{s.label}: " + ", ".join(f"{categories[i]} {_format(v)}"
                                        for i, v in sorted(s.points.items()))
            for s in series)
        if target is not None:
            desc += "; " + _("target %(value)s") % {"value": _format(target)}
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" class="indicator-chart" role="img" '
        f'aria-labelledby="{element_id}-title {element_id}-desc" '
        f'font-family="DejaVu Sans, sans-serif" font-size="12">',
        f'<title id="{element_id}-title">{escape(title)}</title>',
        f'<desc id="{element_id}-desc">{escape(desc)}</desc>',
        f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>',
    ]
    if not categories or not series:
        out.append(f'<text x="{WIDTH / 2}" y="{HEIGHT / 2}" text-anchor="middle" '
                   f'fill="#333333">{escape(desc)}</text></svg>')
        return "".join(out)
    numbers = [v for s in series for v in s.points.values()]
    if target is not None:
        numbers.append(target)
    low = min(min(numbers), Decimal(0))
    high = max(numbers)
    if high == low:
        high = low + 1
    step = _nice_step((high - low) * Decimal("1.1"))
    top = (high * Decimal("1.05") / step).to_integral_value(rounding="ROUND_CEILING") * step
    bottom = (low / step).to_integral_value(rounding="ROUND_FLOOR") * step
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def y_of(number):
        return TOP + plot_h - float((Decimal(number) - bottom) / (top - bottom)) * plot_h

    def x_of(position):
        if len(categories) == 1:
            return LEFT + plot_w / 2
        return LEFT + 20 + position * (plot_w - 40) / (len(categories) - 1)

    tick = bottom
    while tick <= top:
        y = y_of(tick)
        out.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" '
                   f'stroke="#d0d0d0" stroke-width="1"/>')
        out.append(f'<text x="{LEFT - 8}" y="{y + 4:.1f}" text-anchor="end" '
                   f'fill="#333333">{escape(_format(tick))}</text>')
        tick += step
    for position in _labelled_positions(categories, x_of):
        label = categories[position]
        out.append(f'<text x="{x_of(position):.1f}" y="{HEIGHT - BOTTOM + 18}" '
                   f'text-anchor="middle" fill="#333333">{escape(label)}</text>')
    if target is not None:
        y = y_of(target)
        out.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" '
                   f'stroke="{TARGET_COLOUR}" stroke-width="2" stroke-dasharray="10 5"/>')
        label = _("target: %(value)s") % {"value": _format(target)}
        out.append(f'<text x="{WIDTH - RIGHT - 4}" y="{y - 6:.1f}" text-anchor="end" '
                   f'fill="{TARGET_COLOUR}">{escape(label)}</text>')
    for number, one in enumerate(series):
        colour, shape, dash = SERIES_STYLE[number % len(SERIES_STYLE)]
        points = sorted(one.points.items())
        if len(points) > 1:
            path = " ".join(f"{x_of(i):.1f},{y_of(v):.1f}" for i, v in points)
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            out.append(f'<polyline points="{path}" fill="none" stroke="{colour}" '
                       f'stroke-width="2.5"{dash_attr}/>')
        for i, v in points:
            out.append(_marker(shape, x_of(i), y_of(v), colour))
            out.append(f'<text x="{x_of(i):.1f}" y="{y_of(v) - 9:.1f}" text-anchor="middle" '
                       f'fill="{colour}">{escape(_format(v))}</text>')
    if baseline is not None and baseline.available and baseline.value is not None:
        categories_index = categories.index(baseline.period_text) \
            if baseline.period_text in categories else None
        if categories_index is not None:
            x, y = x_of(categories_index), y_of(baseline.value)
            out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="9" fill="none" '
                       f'stroke="#1f4e79" stroke-width="2"/>')
    # Legend
    legend_y = HEIGHT - 18
    x = LEFT
    entries = [(s.label, *SERIES_STYLE[n % len(SERIES_STYLE)]) for n, s in enumerate(series)]
    for label, colour, shape, _dash in entries:
        out.append(_marker(shape, x + 5, legend_y - 4, colour))
        out.append(f'<text x="{x + 14}" y="{legend_y}" fill="#333333">{escape(label)}</text>')
        x += 24 + 7 * len(label)
    if baseline is not None and baseline.value is not None:
        out.append(f'<circle cx="{x + 5}" cy="{legend_y - 4}" r="7" fill="none" '
                   f'stroke="#1f4e79" stroke-width="2"/>')
        out.append(f'<text x="{x + 16}" y="{legend_y}" fill="#333333">'
                   f'{escape(_("baseline"))}</text>')
        x += 30 + 7 * len(_("baseline"))
    if target is not None:
        out.append(f'<line x1="{x}" y1="{legend_y - 4}" x2="{x + 20}" y2="{legend_y - 4}" '
                   f'stroke="{TARGET_COLOUR}" stroke-width="2" stroke-dasharray="6 3"/>')
        out.append(f'<text x="{x + 26}" y="{legend_y}" fill="#333333">'
                   f'{escape(_("target"))}</text>')
    out.append("</svg>")
    return "".join(out)

