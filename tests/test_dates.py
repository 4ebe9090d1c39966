"""Dates read from captured metadata: the direct reading of common shapes agrees with dateutil."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.dates import _parse_fuzzy, _written_date, parse_date

MONTHS = ["Jan", "Feb.", "March", "Sept", "Sept.", "June", "Jul", "December", "oct"]
WEEKDAYS = ["", "Fri, ", "Friday ", "Thursday, ", "Mon. "]
TIMES = ["", " 09:21", " 9:05:33", " at 3:05 pm", ", 12:00 AM", " 11:59 p.m.", " 23:10"]
ZONES = ["", " GMT", " UTC", " PKT", " EST", " XYZ"]


@st.composite
def written_dates(draw: st.DrawFn) -> str:
    day = draw(st.integers(1, 31))
    month = draw(st.sampled_from(MONTHS))
    year = draw(st.integers(1995, 2030))
    suffix = draw(st.sampled_from(["", "th", "st"]))
    comma = draw(st.sampled_from(["", ","]))
    if draw(st.booleans()):
        text = f"{day}{suffix} {month}{comma} {year}"
    else:
        text = f"{month} {day}{suffix}{comma} {year}"
    time = draw(st.sampled_from(TIMES))
    zone = draw(st.sampled_from(ZONES)) if time else ""
    return draw(st.sampled_from(WEEKDAYS)) + text + time + zone


@settings(max_examples=400, deadline=None)
@given(written_dates())
def test_direct_reading_agrees_with_dateutil(text: str) -> None:
    direct = _written_date(text)
    if direct is not None:  # shapes it does not read go to dateutil anyway
        assert direct == _parse_fuzzy(text, dayfirst=True) == _parse_fuzzy(text, dayfirst=False)


def test_direct_reading_covers_the_sites_shapes() -> None:
    assert _written_date("Fri, 09 Feb 2024 09:21:09 GMT") == "2024-02-09T09:21:09+00:00"
    assert _written_date("Feb 09, 2024 09:21 UTC") == "2024-02-09T09:21:00+00:00"
    assert _written_date("Friday 5 Jan 2024") == "2024-01-05"
    assert _written_date("March 19th, 2024") == "2024-03-19"
    assert _written_date("7 Feb 2024 10:30 PKT") == "2024-02-07T10:30:00+05:00"


def test_iso_dates_are_year_month_day_even_for_day_first_sites() -> None:
    assert parse_date("2024-02-07", dayfirst=True) == "2024-02-07"
    assert parse_date("2024-02-31") is None
    assert parse_date("2024-02-07T09:21:00Z", dayfirst=True) == "2024-02-07T09:21:00+00:00"
    assert parse_date("2024-02-07 09:21", dayfirst=True) == "2024-02-07T09:21:00"
    assert parse_date("2024-02-07T09:21:00+02:00") == "2024-02-07T09:21:00+02:00"


def test_other_shapes_and_non_dates() -> None:
    assert parse_date("07/02/2024", dayfirst=True) == "2024-02-07"
    assert parse_date("07/02/2024", dayfirst=False) == "2024-07-02"
    assert parse_date("31 Feb 2024") is None
    assert parse_date("yesterday") is None
    assert parse_date("10:30 GMT") is None  # a time without a date is not a date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("5 mars 2024 à 10h32", "2024-03-05T10:32:00"),
        ("mardi 1er mars 2022", "2022-03-01"),
        ("12 sept. 2024 à 8h05", "2024-09-12T08:05:00"),
        ("14/02/2024 à 08:15", "2024-02-14T08:15:00"),
        ("5. März 2024, 10:32 Uhr", "2024-03-05T10:32:00"),
        ("05.03.2024, 10.32 Uhr", "2024-03-05T10:32:00"),
        ("7. Dez. 2023 um 09:12 Uhr", "2023-12-07T09:12:00"),
        ("5 de marzo de 2024 a las 10:30", "2024-03-05T10:30:00"),
        ("3 de ago. del 2024", "2024-08-03"),
        ("5 de mayo de 2024, 10.30 h CET", "2024-05-05T10:30:00+01:00"),
    ],
)
def test_french_german_and_spanish_dates(text: str, expected: str) -> None:
    assert parse_date(text) == expected


def test_a_date_in_another_language_still_needs_day_month_and_year() -> None:
    assert parse_date("5 de marzo a las 10:30") is None
    assert parse_date("31 février 2024") is None
    assert parse_date("mis à jour à 10h02") is None


def test_a_zone_offset_of_a_day_or_more_is_no_date() -> None:
    """ "+9900" parses as an offset of 99 hours, which no datetime can hold: no date, and no
    exception out of the cleaner (a page's meta date or a site rule's capture of it)."""
    assert parse_date("Fri, 09 Feb 2024 09:21:09 +9900") is None
    assert parse_date("2024-02-09T09:21:09+99:00") is None
    assert parse_date("Fri, 09 Feb 2024 09:21:09 +0330") == "2024-02-09T09:21:09+03:30"
