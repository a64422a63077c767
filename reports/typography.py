"""Czech typography for printed reports.

Czech print rules keep a one-letter preposition or conjunction (k, s, v, z,
o, u, a, i) on the same line as the word after it, and a number together with
its groups and its unit ("1 190", "3,01 %", "178 730 828,51 Kč", "1. 7. 2023").
WeasyPrint breaks lines only at ordinary spaces, so these spaces become
no-break spaces (U+00A0) in the data handed to the template.

`cs_text` works on plain text (the template escapes it afterwards);
`cs_html` works on sanitised rich text, touching the text between tags only,
and sanitises it again on the way out so nothing but safe markup is printed.
"""

import re

from django.utils.safestring import mark_safe

from core.sanitize import sanitize_html

NBSP = "\xa0"

# A one-letter word at the start or after a space/opening bracket/quote,
# followed by ordinary white space.
_ONE_LETTER = re.compile(r"(?:(?<=^)|(?<=[\s(„\"“\xa0]))([kKsSvVzZoOuUaAiI])[ \t]+(?=\S|$)")
# Digit groups "1 190", "178 730 828,51": a space between a digit and three digits.
_GROUP = re.compile(r"(?<=\d) (?=\d{3}(?!\d))")
# A number and its unit or sign: "3,01 %", "14 964 994,80 Kč", "5 mil. Kč".
_UNIT = re.compile(r"(?<=\d) (?=(?:%|‰|Kč|mil\.|tis\.|€|km|m²|ks|h)(?![^\W\d_]))")
# Dates written with spaces: "1. 7. 2023", "30. 4. 2024" and "1. 7." / "č. 18".
_DATE = re.compile(r"(?<=\d\.) (?=\d)")
_ABBREVIATION = re.compile(r"(?<=\b[čs]\.) (?=\d)")
# Dashes joining words: keep the word before a spaced dash with it.
_DASH = re.compile(r" (?=[–—] )")

_TAG = re.compile(r"(<[^>]*>)")


def cs_text(text):
    """Plain text with Czech no-break spaces; None and "" stay empty."""
    if not text:
        return "" if text is None else text
    text = str(text)
    # Twice, so that "a v Praze" ties both letters.
    text = _ONE_LETTER.sub(lambda m: m.group(1) + NBSP, text)
    text = _ONE_LETTER.sub(lambda m: m.group(1) + NBSP, text)
    text = _GROUP.sub(NBSP, text)
    text = _UNIT.sub(NBSP, text)
    text = _DATE.sub(NBSP, text)
    text = _ABBREVIATION.sub(NBSP, text)
    return _DASH.sub(NBSP, text)


def cs_html(html):
    """Sanitised rich text (officers' summaries, commentaries) with Czech
    no-break spaces in its text; safe to print as markup."""
    if not html:
        return ""
    clean = sanitize_html(html)
    pieces = _TAG.split(clean)
    out = [piece if piece.startswith("<") else cs_text(piece) for piece in pieces]
    return mark_safe("".join(out))  # noqa: S308 - sanitised above, text only changed
