"""Date parsing for captured metadata, and date finding for the glued-story detector."""

from __future__ import annotations

import functools
import re
import warnings
from datetime import date, datetime, timedelta, timezone

from dateutil import parser as dateparser
from dateutil.parser import UnknownTimezoneWarning

from .month_names import OTHER_LANGUAGES

DATE_CACHE_SIZE = 4096  # distinct captured date strings remembered per process
# Two defaults that differ in every field: whatever differs between the two parses was not in
# the text, so "5 Jan 2024" stays a date and "09 Feb 2024 09:21 UTC" keeps its time and zone.
_DEFAULT_A = datetime(2001, 1, 1, 0, 0, 0)
_DEFAULT_B = datetime(2002, 2, 2, 1, 1, 1)

# Zone abbreviations news sites print, as UTC offsets in seconds (dateutil knows only UTC/GMT).
ZONES = {
    "EST": -5 * 3600,
    "EDT": -4 * 3600,
    "CST": -6 * 3600,
    "CDT": -5 * 3600,
    "MST": -7 * 3600,
    "MDT": -6 * 3600,
    "PST": -8 * 3600,
    "PDT": -7 * 3600,
    "BST": 3600,
    "CET": 3600,
    "CEST": 7200,
    "EET": 7200,
    "EEST": 3 * 3600,
    "PKT": 5 * 3600,
    "JST": 9 * 3600,
    "AEST": 10 * 3600,
}
_MONTH = (
    r"(?P<month>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
# "Feb. 7, 2024", "17 June 2025", "2024-02-07": the shapes news captions and datelines use.
_DATE_IN_TEXT = re.compile(
    rf"\b{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>(?:19|20)\d\d)\b"
    rf"|\b(?P<day2>\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH.replace('month', 'month2')}"
    r"\s+(?P<year2>(?:19|20)\d\d)\b"
    r"|\b(?P<iso>(?:19|20)\d\d-\d\d-\d\d)\b",
    re.IGNORECASE,
)
_MONTHS = {
    m: i
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
    )
}


# The shapes news sites print their dates in: "Fri, 09 Feb 2024 09:21:09 GMT", "Feb 09, 2024
# 09:21 UTC", "Friday 5 Jan 2024", "March 19th, 2024 at 3:05 pm". These are read directly;
# anything else goes to dateutil (about 60 us a string, and dateutil reads ISO dates as
# year-day-month when told dates are day-first).
_WRITTEN_DATE = re.compile(
    r"(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]{0,6}\.?,?\s+)?"
    rf"(?:(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH},?"
    rf"|{_MONTH.replace('month', 'month2')}\s+(?P<day2>\d{{1,2}})(?:st|nd|rd|th)?,?)"
    r"\s+(?P<year>(?:19|20)\d\d)"
    r"(?:,?\s+(?:at\s+)?(?P<hour>\d{1,2})[:.](?P<minute>\d\d)(?::(?P<second>\d\d))?"  # "18.45"
    r"(?:\s*(?P<half>[AaPp])\.?[Mm]\.?)?"
    r"(?:\s+(?P<zone>[A-Z]{3,4}))?)?",
    re.IGNORECASE,
)
_UTC_NAMES = {"UTC", "GMT"}


# dateutil reads the "a" of "a las 10:30" as "a.m." and "10.32" as a number.
_SPANISH_AT = re.compile(r"\ba las\b", re.IGNORECASE)
_DOTTED_TIME = re.compile(r"(?<=\s)(\d{1,2})\.(\d\d)(?=\s*(?:[Uu]hr|h)?(?:\s+[A-Z]{2,4})?$)")


def _in_other_language(text: str) -> str | None:
    """`parse_date` for a date in French, German or Spanish (day first, as they write it)."""
    text = _DOTTED_TIME.sub(r"\1:\2", _SPANISH_AT.sub(" ", text))
    return _parse_fuzzy(text, True, OTHER_LANGUAGES)


# dateutil is the costliest step of a document with a dated byline; a batch repeats its dates.
@functools.lru_cache(maxsize=DATE_CACHE_SIZE)
def parse_date(text: str, dayfirst: bool = True) -> str | None:
    """ISO 8601 for a date written in a captured group, or None when it is not a date.

    Only the parts present in the text are kept: a date alone gives 'YYYY-MM-DD', a time gives
    'YYYY-MM-DDTHH:MM:SS' and a zone adds its offset.
    """
    text = text.strip().strip("()").strip()
    written = _written_date(text)
    if written is not None:
        return written
    if _ISO_START.match(text):  # year first, whatever the site writes elsewhere
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            return _parse_fuzzy(text, dayfirst=False)
        return moment.date().isoformat() if len(text) == 10 else moment.isoformat("T", "seconds")
    return _parse_fuzzy(text, dayfirst) or _in_other_language(text)


_ISO_START = re.compile(r"(?:19|20)\d\d-\d\d-\d\d(?!\d)")


def _written_date(text: str) -> str | None:
    """The ISO form of a date in one of the shapes of _WRITTEN_DATE, or None (not that shape,
    or not a real date: dateutil then decides)."""
    m = _WRITTEN_DATE.fullmatch(text)
    if m is None:
        return None
    zone = m.group("zone")
    if zone is not None and zone.upper() != zone:
        return None  # "at 3:05 pm Wednesday" and the like: let dateutil read it
    try:
        month = _MONTHS[(m.group("month") or m.group("month2"))[:3].lower()]
        day = date(int(m.group("year")), month, int(m.group("day") or m.group("day2")))
        if m.group("hour") is None:
            return day.isoformat()
        hour = int(m.group("hour"))
        half = (m.group("half") or "").lower()
        if half and not 1 <= hour <= 12:
            return None
        if half == "p" and hour < 12:
            hour += 12
        elif half == "a" and hour == 12:
            hour = 0
        moment = datetime(
            day.year, day.month, day.day, hour, int(m.group("minute")), int(m.group("second") or 0)
        )
    except ValueError:
        return None
    if zone is None:
        return moment.isoformat(timespec="seconds")
    if zone in _UTC_NAMES:
        offset = 0
    elif zone in ZONES:
        offset = ZONES[zone]
    else:
        return None  # an unknown zone: dateutil's reading stands
    return moment.replace(tzinfo=timezone(timedelta(seconds=offset))).isoformat(timespec="seconds")


def _parse_fuzzy(
    text: str, dayfirst: bool, names: dateparser.parserinfo | None = None
) -> str | None:
    """dateutil's fuzzy reading (with English names unless `names` are given), keeping only
    the parts present in the text."""
    try:
        with warnings.catch_warnings():  # an unknown zone name leaves the time without a zone
            warnings.simplefilter("ignore", UnknownTimezoneWarning)
            first = dateparser.parse(
                text, names, default=_DEFAULT_A, dayfirst=dayfirst, fuzzy=True, tzinfos=ZONES
            )
            second = dateparser.parse(
                text, names, default=_DEFAULT_B, dayfirst=dayfirst, fuzzy=True, tzinfos=ZONES
            )
    except (ValueError, OverflowError, TypeError):
        return None
    if first.year != second.year or first.month != second.month or first.day != second.day:
        return None  # no full date in the text
    has_time = first.hour == second.hour and first.minute == second.minute
    if not has_time:
        return first.date().isoformat()
    try:
        return first.isoformat(timespec="seconds")
    except ValueError:  # a zone offset of a day or more ("+9900"): no time of any place
        return None


def find_dates(text: str) -> list[date]:
    """Calendar dates written out in a line of text (English month names or ISO)."""
    found = []
    for m in _DATE_IN_TEXT.finditer(text):
        try:
            if m.group("iso"):
                found.append(date.fromisoformat(m.group("iso")))
                continue
            month = m.group("month") or m.group("month2")
            day = m.group("day") or m.group("day2")
            year = m.group("year") or m.group("year2")
            found.append(date(int(year), _MONTHS[month[:3].lower()], int(day)))
        except (ValueError, KeyError):
            continue
    return found
