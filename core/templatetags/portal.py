from decimal import Decimal, InvalidOperation

from django import template
from django.utils.formats import number_format

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


