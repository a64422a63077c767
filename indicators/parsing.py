"""Reading values, periods and targets the way Czech documents print them.

Each parser returns what it understood or raises `ParseError` with a Czech
message; nothing is guessed. The published text is always kept by the caller
next to the parsed result.

Numbers: with `number_format` (core.imports.numbers: "cs" 1 234,5 or "en"
1,234.5, a workbook's stated format) a number is read in that format only,
and a text the two formats read differently ("83,511", "1.234") is reported
in `ParsedValue.ambiguities` for a person to confirm, never silently taken.
Without it (forms typed in the portal, the curated seed) the portal's own
reading applies: a comma (or a dot) is the decimal mark, spaces group."""

import calendar
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from core.imports.numbers import NumberError, read_number

from .models import PeriodKind, TargetKind

MAX_ABS_VALUE = Decimal("99999999999999")  # 14 integer digits fit DecimalField(18, 4)


class ParseError(ValueError):
    pass


# Non-breaking and narrow spaces are thousands separators in Czech print.
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]+")
_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")
_GROUPED = re.compile(r"^[+-]?\d{1,3}(?: \d{3})+(?:[.,]\d+)?$")


def parse_decimal(text, number_format=None, ambiguities=None):
    """'1 190' → 1190, '3,01' → 3.01, '-2.5' → -2.5. A comma is the decimal
    mark; spaces group thousands. With `number_format` the text is read in
    that format only, and an ambiguous text is appended to `ambiguities` (a
    list of core.imports.numbers.Ambiguity) when given, else refused."""
    if isinstance(text, bool):
        raise ParseError(_("“%(text)s” is not a number.") % {"text": text})
    if isinstance(text, (int, Decimal)):
        number = Decimal(text)
    elif isinstance(text, float):
        number = Decimal(repr(text))
    elif number_format:
        raw = _SPACES.sub(" ", str(text or "")).strip()
        if not raw:
            raise ParseError(_("The value is empty."))
        try:
            number, ambiguity = read_number(raw, number_format)
        except NumberError as error:
            raise ParseError(str(error)) from None
        if ambiguity is not None:
            if ambiguities is None:
                raise ParseError(_("“%(text)s” reads differently in the Czech and the English "
                                   "number format.") % {"text": raw[:40]})
            ambiguities.append(ambiguity)
    else:
        raw = _SPACES.sub(" ", str(text or "")).strip()
        if not raw:
            raise ParseError(_("The value is empty."))
        if not (_NUMBER.match(raw) or _GROUPED.match(raw)):
            raise ParseError(_("“%(text)s” is not a number.") % {"text": raw[:40]})
        try:
            number = Decimal(raw.replace(" ", "").replace(",", "."))
        except InvalidOperation:  # pragma: no cover - the patterns above exclude it
            raise ParseError(_("“%(text)s” is not a number.") % {"text": raw[:40]}) from None
    if not number.is_finite() or abs(number) > MAX_ABS_VALUE:
        raise ParseError(_("The number is too large."))
    if number.as_tuple().exponent < -4:
        raise ParseError(_("Use at most four decimal places."))
    return number


@dataclass
class ParsedValue:
    value: Decimal | None = None
    available: bool = True
    is_estimate: bool = False
    rank: int | None = None
    rank_scope: str = ""
    parts: list[Decimal] = field(default_factory=list)
    percent: bool = False
    # Numbers of the text the two number formats read differently (with a format).
    ambiguities: list = field(default_factory=list)

    @property
    def is_composite(self):
        return bool(self.parts)


NOT_AVAILABLE = {"n. a.", "n.a.", "n/a", "na", "-", "–", "—", "nedostupné", "není k dispozici"}
_ESTIMATE = re.compile(r"^(?:cca\.?|asi|přibližně|~)\s*", re.I)
# The rank's dot ends a word ("2. v ČR"), so "1,234.5" is no number 1 of rank 234.
_RANK = re.compile(r"^(?P<number>.+?),\s*(?P<rank>\d{1,3})\.(?=\s|$)\s*(?P<scope>.*)$")


def parse_value(text, number_format=None):
    """One published value: '39', 'cca 3 100', 'n. a.', '-', '174,1, 2. v ČR',
    '3,01 %', '12/12/4/22'; its numbers in `number_format` when given (see
    the module), each ambiguous one in `ambiguities`. A number typed as a
    number (int, float, Decimal) is taken as it is."""
    if isinstance(text, int | float | Decimal) and not isinstance(text, bool):
        return ParsedValue(value=parse_decimal(text))
    raw = _SPACES.sub(" ", str(text if text is not None else "")).strip()
    if not raw:
        raise ParseError(_("The value is empty; write “n. a.” when it is not available."))
    if raw.lower() in NOT_AVAILABLE:
        return ParsedValue(available=False)
    parsed = ParsedValue()
    estimate = _ESTIMATE.match(raw)
    if estimate:
        parsed.is_estimate = True
        raw = raw[estimate.end():]
    if "/" in raw:
        pieces = [p.strip() for p in raw.split("/")]
        if len(pieces) > 12:
            raise ParseError(_("A composite value has at most 12 parts."))
        parsed.parts = [parse_decimal(p, number_format, parsed.ambiguities) for p in pieces]
        return parsed
    ranked = _RANK.match(raw)
    if ranked:
        parsed.rank = int(ranked["rank"])
        if parsed.rank < 1:
            raise ParseError(_("A rank starts at 1."))
        parsed.rank_scope = ranked["scope"].strip()[:60]
        raw = ranked["number"].strip()
    if raw.endswith("%"):
        parsed.percent = True
        raw = raw[:-1].strip()
    parsed.value = parse_decimal(raw, number_format, parsed.ambiguities)
    return parsed


@dataclass(frozen=True)
class ParsedPeriod:
    kind: str
    start: date
    end: date


_YEAR = re.compile(r"^(?:rok\s+)?(?P<year>\d{4})$", re.I)
_MONTH = re.compile(r"^(?P<month>\d{1,2})\s*/\s*(?P<year>\d{4})$")
_HALF = re.compile(r"^(?P<half>[12])\.\s*(?:pol\.|pololetí)\s*(?P<year>\d{4})$", re.I)
_SCHOOL = re.compile(r"^(?:školní\s+rok\s+)?(?P<year>\d{4})\s*/\s*(?P<next>\d{2}|\d{4})$",
                     re.I)
_AS_OF = re.compile(
    r"^(?:(?:data\s+dostupná|stav|údaje)\s+)?(?:k\s+)?"
    r"(?P<day>\d{1,2})\.\s*(?P<month>\d{1,2})\.\s*(?P<year>\d{4})$", re.I)
_ISO = re.compile(r"^(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})$")
_FIRST_YEAR, _LAST_YEAR = 1900, 2100


def _year(value):
    year = int(value)
    if not _FIRST_YEAR <= year <= _LAST_YEAR:
        raise ParseError(_("The year %(year)s is out of range.") % {"year": year})
    return year


def _day(year, month, day):
    try:
        return date(_year(year), int(month), int(day))
    except ValueError:
        raise ParseError(_("%(day)s. %(month)s. %(year)s is not a date.") % {
            "day": day, "month": month, "year": year}) from None


def parse_period(text):
    """'2021', '12/2021', '1. pol. 2021', 'školní rok 2020/21', '2022/23',
    'k 30. 4. 2024', 'Stav k 31. 12. 2023', '2024-04-30'."""
    if isinstance(text, date):
        return ParsedPeriod(PeriodKind.AS_OF, text, text)
    raw = _SPACES.sub(" ", str(text or "")).strip().rstrip(",")
    if not raw:
        raise ParseError(_("The period is empty."))
    if match := _YEAR.match(raw):
        year = _year(match["year"])
        return ParsedPeriod(PeriodKind.YEAR, date(year, 1, 1), date(year, 12, 31))
    if match := _MONTH.match(raw):
        year, month = _year(match["year"]), int(match["month"])
        if not 1 <= month <= 12:
            raise ParseError(_("%(month)s is not a month.") % {"month": month})
        last = calendar.monthrange(year, month)[1]
        return ParsedPeriod(PeriodKind.MONTH, date(year, month, 1), date(year, month, last))
    if match := _HALF.match(raw):
        year = _year(match["year"])
        if match["half"] == "1":
            return ParsedPeriod(PeriodKind.HALF_YEAR, date(year, 1, 1), date(year, 6, 30))
        return ParsedPeriod(PeriodKind.HALF_YEAR, date(year, 7, 1), date(year, 12, 31))
    if match := _SCHOOL.match(raw):
        year = _year(match["year"])
        following = int(match["next"])
        if following < 100:
            following += year - year % 100
        if following != year + 1:
            raise ParseError(_("A school year spans two following years, e.g. 2022/23."))
        return ParsedPeriod(PeriodKind.SCHOOL_YEAR, date(year, 9, 1), date(year + 1, 8, 31))
    if match := (_AS_OF.match(raw) or _ISO.match(raw)):
        day = _day(match["year"], match["month"], match["day"])
        return ParsedPeriod(PeriodKind.AS_OF, day, day)
    raise ParseError(_(
        "“%(text)s” is not a period. Write a year (2023), a month (12/2023), a half-year "
        "(1. pol. 2023), a school year (2022/23) or a date (k 30. 4. 2024)."
    ) % {"text": raw[:40]})


@dataclass(frozen=True)
class ParsedTarget:
    kind: str
    value: Decimal | None = None


_TARGET_PATTERNS = [
    (re.compile(r"^méně než\s+(?P<n>.+)$", re.I), TargetKind.BELOW),
    (re.compile(r"^(?:nejvýše|maximálně)\s+(?P<n>.+)$", re.I), TargetKind.AT_MOST),
    (re.compile(r"^(?:minimálně|alespoň|nejméně)\s+(?P<n>.+)$", re.I), TargetKind.AT_LEAST),
    (re.compile(r"^pokles\s+o\s+(?P<n>.+)$", re.I), TargetKind.DECREASE_BY),
    (re.compile(r"^(?:zvýšit|zvýšení|nárůst|růst)\s+o\s+(?P<n>.+)$", re.I),
     TargetKind.INCREASE_BY),
    (re.compile(r"^pokles\s+pod\s+(?:krajskou|republikovou|srovnávací)\s+hodnotu$", re.I),
     TargetKind.BELOW_COMPARISON),
    (re.compile(r"^pokles\s+v\s+pořadí\b.*$", re.I), TargetKind.LOWER_IN_RANKING),
    (re.compile(r"^pokles$", re.I), TargetKind.DECREASE),
    (re.compile(r"^(?:nárůst|růst|zvýšení)$", re.I), TargetKind.INCREASE),
]


def parse_target(text):
    """The evaluation's wording of a target: 'Méně než 16', 'Minimálně 700',
    'Pokles', 'Pokles o 500', 'Zvýšit o 500', 'Pokles pod krajskou hodnotu',
    'Pokles v pořadí krajských měst'."""
    raw = _SPACES.sub(" ", str(text or "")).strip().rstrip(".")
    for pattern, kind in _TARGET_PATTERNS:
        match = pattern.match(raw)
        if match:
            number = match.groupdict().get("n")
            return ParsedTarget(kind, parse_decimal(number) if number else None)
    raise ParseError(_("“%(text)s” is not a target the portal knows.") % {"text": raw[:60]})
