from decimal import Decimal, InvalidOperation

from django import template
from django.template.base import render_value_in_context
from django.templatetags import l10n
from django.utils.formats import number_format
from django.utils.safestring import mark_safe

from core import rules
from core.formats import readable_number

register = template.Library()


@register.simple_tag(takes_context=True)
def can(context, name, obj=None):
    """{% can "edit_working_group" group as allowed %}: asks the rule registered
    under that name (core.rules)."""
    return rules.check(name, context["request"].user, obj)


@register.filter
def czk(value, decimals=2):
    """178730828.51 -> "178 730 828,51 Kč" (locale-aware separators)."""
    if value in (None, ""):
        return ""
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return value
    return f"{number_format(amount, decimal_pos=int(decimals), force_grouping=True)}\xa0Kč"


@register.filter
def num(value, decimals=None):
    """Grouped number in the active locale: 1190 -> "1 190", 3.01 -> "3,01".
    Without `decimals` a Decimal prints its digits without trailing zeros and
    never in exponent form: Decimal("12.0000") -> "12", Decimal("2E+1") -> "20"."""
    if value in (None, ""):
        return ""
    if decimals is None and isinstance(value, Decimal):
        return readable_number(value)
    pos = None if decimals is None else int(decimals)
    return number_format(value, decimal_pos=pos, force_grouping=True)


@register.filter
def percent(value, decimals=2):
    if value in (None, ""):
        return ""
    return f"{number_format(value, decimal_pos=int(decimals))}\xa0%"




# --- Table rows (components/table.html) ----------------------------------------------------

_CELL = '\n  \n  <td {attrs} data-label="{label}">{value}</td>\n  '


def _column_parts(table, context):
    """Per column of `table`: (bound column, its <td> attributes or None when
    they depend on the cell, its header as printed, its `localize`) - worked
    out once per table; django_tables2 rebuilds the attributes and the header
    for every cell (a third of the time of a 25-row list)."""
    parts = getattr(table, "_portal_column_parts", None)
    if parts is None:
        parts = []
        for column in table.columns:
            merged = {**table.attrs, **column.column.attrs}
            per_cell = any(callable(v) for key in ("td", "cell")
                           for v in (merged.get(key) or {}).values())
            attrs = None if per_cell else render_value_in_context(
                column.attrs["td"].as_html(), context)
            parts.append((column, attrs, render_value_in_context(column.header, context),
                          column.localize))
        table._portal_column_parts = parts
    return parts


@register.simple_tag(takes_context=True)
def table_cells(context, row):
    """The <td>s of one table row, exactly as the loop over `row.items` in
    components/table.html printed them."""
    parts = _column_parts(row.table, context)
    fast = getattr(row.table, "fast_cells", None)
    if fast is not None and all(attrs is not None for _b, attrs, _l, _z in parts):
        # The table prints its cells itself (core.tables.FastCellsMixin): the
        # same text as django_tables2's per-cell machinery, without it.
        values = fast(row.record)
        return mark_safe("".join(  # noqa: S308 - each part escaped as the template did
            _CELL.format(attrs=attrs, label=label, value=render_value_in_context(
                values[bound.name] if localize is None else (
                    l10n.localize(values[bound.name]) if localize
                    else l10n.unlocalize(values[bound.name])), context))
            for bound, attrs, label, localize in parts))
    cells = []
    for (column, cell), (_bound, attrs, label, localize) in zip(row.items(), parts,
                                                               strict=True):
        if attrs is None:
            attrs = render_value_in_context(column.attrs["td"].as_html(), context)
        if localize is not None:
            cell = l10n.localize(cell) if localize else l10n.unlocalize(cell)
        cells.append(_CELL.format(attrs=attrs, label=label,
                                  value=render_value_in_context(cell, context)))
    return mark_safe("".join(cells))  # noqa: S308 - each part escaped as the template did
