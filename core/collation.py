"""Czech alphabetical order (Š after S, Ch after H, Ž last), the same on
PostgreSQL and on SQLite (the embedded default).

* PostgreSQL: the ICU collation `czech` (provider icu, locale cs-CZ), created
  by the migration directory.0004 (django.contrib.postgres CreateCollation).
* SQLite: a collation of the same name registered on every new connection
  (`register_sqlite_collation`, connected in CoreConfig.ready), comparing by
  `czech_sort_key`.

Order by it with `czech(field)` (a `Collate` expression), in Meta.ordering or
in `order_by()`; sort Python lists with `czech_sort_key`.
"""

import unicodedata

from django.db.models import F
from django.db.models.functions import Collate

COLLATION = "czech"

# Letters of the Czech alphabet with their own place; other accented letters
# (á, é, ě, í, ó, ú, ů, ý, ď, ť, ň) sort as their base letter, their accent
# breaking ties only.
_ALPHABET = ["a", "b", "c", "č", "d", "e", "f", "g", "h", "ch", "i", "j", "k", "l", "m",
             "n", "o", "p", "q", "r", "ř", "s", "š", "t", "u", "v", "w", "x", "y", "z", "ž"]
_OWN = {"č", "ř", "š", "ž"}
_RANK = {letter: index for index, letter in enumerate(_ALPHABET)}
_DIGITS_AND_SPACE = 0  # digits, space and punctuation sort before letters


def _letters(text):
    text = unicodedata.normalize("NFC", text.casefold())
    index = 0
    while index < len(text):
        if text.startswith("ch", index):
            yield "ch", "ch"
            index += 2
            continue
        char = text[index]
        index += 1
        if char in _OWN:
            yield char, char
            continue
        base = unicodedata.normalize("NFD", char)[0]
        yield base, char


def czech_sort_key(text):
    """A key that sorts strings in Czech alphabetical order, case-insensitive
    (ties broken by accents, then by case)."""
    text = str(text or "")
    primary, secondary = [], []
    for base, char in _letters(text):
        if base in _RANK:
            primary.append((1, _RANK[base], ""))
        elif base.isalpha():
            primary.append((1, len(_ALPHABET), base))
        else:
            primary.append((_DIGITS_AND_SPACE, 0, base))
        secondary.append(char)
    return (primary, secondary, text)


def _compare(left, right):
    a, b = czech_sort_key(left), czech_sort_key(right)
    return (a > b) - (a < b)


def register_sqlite_collation(sender, connection, **kwargs):
    """connection_created: SQLite connections learn the `czech` collation."""
    if connection.vendor == "sqlite":
        connection.connection.create_collation(COLLATION, _compare)


def czech(field):
    """`field` in Czech order: `order_by(czech("name"))`."""
    return Collate(F(field), COLLATION)
