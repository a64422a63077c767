"""Codes as printed: their natural order and the address key derived from them.

Pure functions (no models), so that migrations may use them as they are."""

import re
import unicodedata

SLUG_MAX = 80
RESERVED_SLUGS = {"report", "new", "manage", "data", "definitions"}
_PARTS = re.compile(r"(\d+)")
_DIGITS = 10


def code_sort_key(code, max_length=200):
    """A text that sorts codes naturally: 1, 2, 10; 2.1.3 before 2.1.10; G2
    before G10. Runs of digits are zero-padded, letters compared without case."""
    parts = []
    for part in _PARTS.split((code or "").strip().casefold()):
        if part.isdigit():
            parts.append(part.lstrip("0").rjust(_DIGITS, "0")[-_DIGITS * 2:])
        else:
            parts.append(part)
    return "".join(parts)[:max_length]


def slug_base(code):
    """The address key a code suggests: ASCII letters, digits, dots, hyphens
    and underscores, starting with a letter or a digit ("2.1 a)" -> "2.1-a")."""
    ascii_text = unicodedata.normalize("NFKD", code or "").encode("ascii", "ignore").decode()
    text = re.sub(r"[^A-Za-z0-9._-]+", "-", ascii_text).strip("-._")
    text = re.sub(r"-{2,}", "-", text)[:SLUG_MAX - 6].strip("-._")
    if not text or text.casefold() in RESERVED_SLUGS:
        text = f"ukazatel-{text}".strip("-") if text else "ukazatel"
    return text


def unique_slug(code, taken):
    """slug_base(code), with -2, -3 ... when `taken` (a set of casefolded
    slugs) already holds it. Adds the result to `taken`."""
    base = slug_base(code)
    slug, number = base, 1
    while slug.casefold() in taken:
        number += 1
        slug = f"{base}-{number}"
    taken.add(slug.casefold())
    return slug
