"""Filters of the printed reports: typography and money in the report's
language (the language interim_html activates)."""

from django import template
from django.utils import translation
from django.utils.safestring import mark_safe

from core.sanitize import sanitize_html
from reports import typography
from reports.interim import money as _money
from reports.interim import signed_money

register = template.Library()


def _czech():
    return (translation.get_language() or "cs").startswith("cs")


@register.filter
def cs(value):
    """Plain text with Czech no-break spaces in a Czech report; as it is in
    another language (escaped by the template either way)."""
    if not _czech():
        return "" if value is None else value
    return typography.cs_text(value)


@register.filter
def cs_html(value):
    """Sanitised rich text, with Czech no-break spaces in a Czech report,
    printed as markup."""
    if not _czech():
        return mark_safe(sanitize_html(value)) if value else ""  # noqa: S308 - sanitised
    return typography.cs_html(value)


@register.filter
def money(value, currency="CZK"):
    """"1 234,50 Kč" / "€1,234.50": the amount in the plan's currency."""
    return _money(value, currency)


@register.filter
def money_signed(value, currency="CZK"):
    return signed_money(value, currency)
