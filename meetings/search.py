"""Full-text search of published minutes.

The searched text is kept accent-free and lower-case (`Meeting.search_text`).
A query is cut into words; each word loses its accents and a common Czech
ending, and what is left is matched as a prefix, so "zápis", "zápisu",
"zapisy" all find "zápis" and "zápisem". On PostgreSQL this is a real
full-text query (`simple` configuration over `unaccent`ed text, prefix terms);
on SQLite (the embedded default) every stem must occur in the text.

Czech changes a word's last consonant as it declines ("dobrovolník",
"dobrovolníci", "dobrovolnících"): a stem ending in such a consonant (k/c,
h/z) loses it, so that every form is a prefix match.

Each result carries the passage that matched: the words around the first
match, cut from the text as printed (`Meeting.search_display`: accents and
capitals kept, which the searched text has lost, so not PostgreSQL's
`ts_headline` over it); the matched words are marked (`passage_html`). Rows
written before the printed copy existed show the searched text instead.
"""

import html
import re
import unicodedata

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import F, Func, Q, TextField, Value
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

# Longest first; a stem keeps at least MIN_STEM characters.
_ENDINGS = sorted(
    ["ami", "emi", "ech", "ich", "ych", "ove", "ovi", "ova", "ou", "em", "om", "um",
     "ie", "mi", "a", "e", "i", "o", "u", "y"],
    key=len, reverse=True,
)
MIN_STEM = 4
MAX_TERMS = 8
_WORD = re.compile(r"[0-9a-z]+")


_TAG = re.compile(r"<[^>]*>")


def plain_text(markup: str) -> str:
    """The words of an HTML fragment: a tag parts words (two paragraphs are
    not one word), entities read as the characters they stand for."""
    return " ".join(html.unescape(_TAG.sub(" ", markup or "")).split())


def normalise(text: str) -> str:
    """Lower-case, accent-free text."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


# Consonants that alternate at the end of a Czech stem (k/c, h/z).
_ALTERNATING = ("k", "c", "h", "z")


def stem(word: str) -> str:
    for ending in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= MIN_STEM:
            word = word[: -len(ending)]
            break
    if word.endswith(_ALTERNATING) and len(word) - 1 >= MIN_STEM:
        word = word[:-1]
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


# Marks of a matched word in a passage: control characters that no searched
# text contains, turned into <mark> after the passage is escaped.
START, STOP = "\x02", "\x03"
PASSAGE_WORDS = 30


def passage_html(passage: str):
    """The passage escaped, its matched words in <mark>."""
    text = conditional_escape(passage or "")
    return mark_safe(text.replace(START, "<mark>").replace(STOP, "</mark>"))  # noqa: S308


def python_passage(text: str, stems: list[str]) -> str:
    """The words of `text` around the first word whose accent-free, lower-case
    form starts with a stem, the matches marked as printed."""
    words = (text or "").split()
    hits = [i for i, w in enumerate(words) if any(_WORD_START(w, s) for s in stems)]
    if not hits:
        return ""
    first = max(0, hits[0] - PASSAGE_WORDS // 3)
    shown = words[first:first + PASSAGE_WORDS]
    marked = [_MARKABLE.sub(lambda m: f"{START}{m[0]}{STOP}" if any(
        normalise(m[0]).startswith(s) for s in stems) else m[0], w, count=1) for w in shown]
    return ("… " if first else "") + " ".join(marked) + (
        " …" if first + PASSAGE_WORDS < len(words) else "")


# A run of letters or digits as printed (its normal form is [0-9a-z]+).
_MARKABLE = re.compile(r"[^\W_]+")


def _WORD_START(word, prefix):  # noqa: N802
    return "".join(_WORD.findall(normalise(word))).startswith(prefix)


def search(queryset, query: str):
    """`queryset` (meetings) narrowed to those matching every word of `query`;
    each carries the query's stems in `search_passage` (see `passage_of`)."""
    stems = query_stems(query)
    if not stems:
        return queryset
    if connection.vendor == "postgresql":
        # Stems are [0-9a-z]+ only, so the raw tsquery cannot be malformed.
        raw = " & ".join(f"{s}:*" for s in stems)
        vector = SearchVector(Unaccent(F("search_text")), config="simple")
        tsquery = SearchQuery(raw, search_type="raw", config="simple")
        queryset = queryset.annotate(_search=vector).filter(_search=tsquery)
    else:
        condition = Q()
        for s in stems:
            condition &= Q(search_text__contains=s)
        queryset = queryset.filter(condition)
    return queryset.annotate(
        search_passage=Value(" ".join(stems), output_field=TextField()))


def passage_of(record) -> str:
    """The passage of a result of `search`, cut from the text as printed around
    the stems the query left in `search_passage`."""
    stems = getattr(record, "search_passage", None)
    if stems is None:
        return ""
    return python_passage(record.search_display or record.search_text, stems.split())
