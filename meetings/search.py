"""Full-text search of published minutes.

The searched text is kept accent-free and lower-case (`Meeting.search_text`).
A query is cut into words; each word loses its accents and a common Czech
ending, and what is left is matched as a prefix, so "zápis", "zápisu",
"zapisy" all find "zápis" and "zápisem". On PostgreSQL this is a real
full-text query (`simple` configuration over `unaccent`ed text, prefix terms);
on SQLite (the embedded default) every stem must occur in the text.
"""

import re
import unicodedata

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import F, Func, Q

# Longest first; a stem keeps at least MIN_STEM characters.
_ENDINGS = sorted(
    ["ami", "emi", "ech", "ich", "ych", "ove", "ovi", "ova", "ou", "em", "om", "um",
     "ie", "mi", "a", "e", "i", "o", "u", "y"],
    key=len, reverse=True,
)
MIN_STEM = 4
MAX_TERMS = 8
_WORD = re.compile(r"[0-9a-z]+")


def normalise(text: str) -> str:
    """Lower-case, accent-free text."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def stem(word: str) -> str:
    for ending in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= MIN_STEM:
            return word[: -len(ending)]
    return word


def query_stems(query: str) -> list[str]:
    words = _WORD.findall(normalise(query))
    stems = []
    for word in words:
        s = stem(word)
        if s not in stems:
            stems.append(s)
    return stems[:MAX_TERMS]


class Unaccent(Func):
    function = "unaccent"


def search(queryset, query: str):
    """`queryset` (meetings) narrowed to those matching every word of `query`."""
    stems = query_stems(query)
    if not stems:
        return queryset
    if connection.vendor == "postgresql":
        # Stems are [0-9a-z]+ only, so the raw tsquery cannot be malformed.
        raw = " & ".join(f"{s}:*" for s in stems)
        vector = SearchVector(Unaccent(F("search_text")), config="simple")
        return queryset.annotate(_search=vector).filter(
            _search=SearchQuery(raw, search_type="raw", config="simple"))
    condition = Q()
    for s in stems:
        condition &= Q(search_text__contains=s)
    return queryset.filter(condition)
