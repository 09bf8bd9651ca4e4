"""Date arithmetic and wording used across the policy."""

from __future__ import annotations

import calendar
from datetime import date


def add_months(start: date, months: int) -> date:
    """Return ``start`` moved on by ``months``, clamped to the month's last day.

    A date past 31 December 9999 (the last one Python can hold) is clamped
    to it, so an approval dated late in year 9999 gives a review date, not an
    error.
    """
    month0 = start.month - 1 + months
    year, month = start.year + month0 // 12, month0 % 12 + 1
    if year > date.max.year:
        return date.max
    if year < date.min.year:
        return date.min
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def format_date(value: date | None) -> str:
    """Return ``value`` written the British way, "1 September 2026"."""
    return f"{value.day} {value:%B %Y}" if value else ""


_NUMBER_WORDS = ("", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def format_period(months: int) -> str:
    """Return a review cycle in words after "every": "year", "two years", "six months", "22 months"."""
    years, rest = divmod(months, 12)
    if rest == 0:
        return "year" if years == 1 else f"{_spell(years)} years"
    return "month" if months == 1 else f"{_spell(months)} months"


def _spell(number: int) -> str:
    return _NUMBER_WORDS[number] if number < len(_NUMBER_WORDS) else str(number)
