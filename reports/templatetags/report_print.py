"""Filters of the printed reports: Czech typography and money."""

from django import template

from reports import typography
from reports.interim import money, signed_money

register = template.Library()


@register.filter
def cs(value):
    """Plain text with Czech no-break spaces (escaped by the template)."""
    return typography.cs_text(value)


@register.filter
def cs_html(value):
    """Sanitised rich text with Czech no-break spaces, printed as markup."""
    return typography.cs_html(value)


@register.filter
def czk(value):
    return money(value)


@register.filter
def czk_signed(value):
    return signed_money(value)
