"""Birth dates in the formats people type: the one reader of them.

The shared-device rule's signatures (``resolution.names.signature``) and matching's
standardised traits (``matching.traits``) both read dates here, so a date one accepts
the other never refuses.

Accepted (``day_first=False``, the default):

- ISO ``1985-03-14``, ``1985/03/14``, ``1985.03.14``, with or without a time after it
  (``1985-03-14T00:00:00Z``), and compact ``19850314``;
- slashes or dashes with the year last, ``03/14/1985`` or ``03-14-1985``: **month first**,
  unless the first part is greater than 12 (``14/03/1985`` is then day first);
- dots with the year last, ``14.03.1985``: **day first** (the European habit), unless
  the second part is greater than 12;
- month names in English, ``14 March 1985``, ``March 14, 1985``, ``Mar 14 1985``;
- a ``datetime.date`` or ``datetime.datetime``.

``day_first=True`` makes slashes and dashes day first as well (for data from countries
that write ``14/03/1985``); the "greater than 12" escape applies the other way round.
Two-digit years are 20xx when at most ``century_pivot`` (default 25), else 19xx.
Anything else, including impossible dates (``1985-02-30``) and years outside
1880-2100, is None: a birth date that cannot be read is missing, never an error.
"""

from __future__ import annotations

import datetime
import re

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}

_ISO = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[t ].*)?")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_YEAR_LAST = re.compile(r"(\d{1,2})([-/.])(\d{1,2})\2(\d{2}|\d{4})")
_DAY_MONTH_NAME = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?[ -]([a-z]+)\.?,?[ -](\d{4})")
_MONTH_NAME_DAY = re.compile(r"([a-z]+)\.?[ -](\d{1,2})(?:st|nd|rd|th)?,?[ -](\d{4})")

MIN_YEAR = 1880
MAX_YEAR = 2100


def _make(year: int, month: int, day: int) -> datetime.date | None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def _year(text: str, century_pivot: int) -> int:
    year = int(text)
    if len(text) == 2:
        year += 2000 if year <= century_pivot else 1900
    return year


def parse_date(
    value: object, *, day_first: bool = False, century_pivot: int = 25
) -> datetime.date | None:
    """The date ``value`` says, by the rules in the module docstring; None if unreadable."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if not isinstance(value, str):
        return None
    text = " ".join(value.strip().lower().split())
    if m := _ISO.fullmatch(text):
        return _make(int(m[1]), int(m[2]), int(m[3]))
    if m := _COMPACT.fullmatch(text):
        return _make(int(m[1]), int(m[2]), int(m[3]))
    if m := _YEAR_LAST.fullmatch(text):
        first, second = int(m[1]), int(m[3])
        year = _year(m[4], century_pivot)
        first_is_day = day_first or m[2] == "."
        if first_is_day and second > 12 >= first:
            first_is_day = False
        elif not first_is_day and first > 12:
            first_is_day = True
        day, month = (first, second) if first_is_day else (second, first)
        return _make(year, month, day)
    if (m := _DAY_MONTH_NAME.fullmatch(text)) and m[2] in _MONTHS:
        return _make(int(m[3]), _MONTHS[m[2]], int(m[1]))
    if (m := _MONTH_NAME_DAY.fullmatch(text)) and m[1] in _MONTHS:
        return _make(int(m[3]), _MONTHS[m[1]], int(m[2]))
    return None
