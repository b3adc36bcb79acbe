from datetime import date

import pytest

from geomap.domain.dates import DateSyntaxError, long_date, parse_day, parse_period, step_dates


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("2017", date(2017, 1, 1), date(2017, 12, 31)),
        ("2017-11", date(2017, 11, 1), date(2017, 11, 30)),
        ("2016-02", date(2016, 2, 1), date(2016, 2, 29)),
        ("2015-02", date(2015, 2, 1), date(2015, 2, 28)),
        ("2017-10-17", date(2017, 10, 17), date(2017, 10, 17)),
    ],
)
def test_a_partial_date_names_its_whole_period(text, first, last):
    period = parse_period(text)
    assert (period.first_day, period.last_day) == (first, last)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2017-13", "invalid date '2017-13': month 13 is not 01-12"),
        ("2017-02-30", "invalid date '2017-02-30': day 30 is not in February 2017"),
        ("2015-02-29", "invalid date '2015-02-29': day 29 is not in February 2015"),
        (
            "17-11",
            "invalid date '17-11' (expected YYYY, YYYY-MM or YYYY-MM-DD; "
            "a partial date means the end of its period)",
        ),
        (
            "2017/11",
            "invalid date '2017/11' (expected YYYY, YYYY-MM or YYYY-MM-DD; "
            "a partial date means the end of its period)",
        ),
    ],
)
def test_bad_dates_say_what_is_wrong(text, message):
    with pytest.raises(DateSyntaxError) as raised:
        parse_period(text)
    assert str(raised.value) == message


def test_a_leap_day_is_a_day():
    assert parse_day("2016-02-29") == date(2016, 2, 29)


def test_a_snapshot_date_must_be_a_whole_day():
    with pytest.raises(DateSyntaxError, match="expected a day YYYY-MM-DD"):
        parse_day("2017-11")


def test_titles_spell_the_date_out():
    assert long_date(date(2017, 11, 30)) == "30 November 2017"


def test_monthly_steps_from_a_month_end_land_on_month_ends_including_leap_february():
    days = list(step_dates(date(2015, 12, 31), date(2016, 3, 31), "month"))
    assert days == [date(2015, 12, 31), date(2016, 1, 31), date(2016, 2, 29), date(2016, 3, 31)]


def test_monthly_steps_from_mid_month_keep_the_day_and_end_on_the_last_date():
    days = list(step_dates(date(2016, 1, 15), date(2016, 4, 2), "month"))
    assert days == [date(2016, 1, 15), date(2016, 2, 15), date(2016, 3, 15), date(2016, 4, 2)]


def test_the_peak_to_fall_series_has_35_months():
    days = list(step_dates(date(2015, 1, 31), date(2017, 11, 30), "month"))
    assert len(days) == 35
    assert (days[0], days[-1]) == (date(2015, 1, 31), date(2017, 11, 30))


def test_quarters_step_from_the_first_date_and_the_last_is_the_last_date():
    days = list(step_dates(date(2015, 1, 31), date(2017, 11, 30), "quarter"))
    assert days[:4] == [date(2015, 1, 31), date(2015, 4, 30), date(2015, 7, 31), date(2015, 10, 31)]
    assert days[-2:] == [date(2017, 10, 31), date(2017, 11, 30)]
    assert len(days) == 13


def test_years_step_from_the_first_date():
    days = list(step_dates(date(2014, 6, 30), date(2017, 11, 30), "year"))
    assert days == [
        date(2014, 6, 30),
        date(2015, 6, 30),
        date(2016, 6, 30),
        date(2017, 6, 30),
        date(2017, 11, 30),
    ]


def test_weeks_step_by_seven_days_from_the_first_and_end_on_the_last():
    days = list(step_dates(date(2017, 11, 1), date(2017, 11, 30), "week"))
    assert days == [date(2017, 11, d) for d in (1, 8, 15, 22, 29, 30)]


def test_a_range_of_whole_steps_does_not_repeat_the_last_date():
    days = list(step_dates(date(2017, 11, 2), date(2017, 11, 30), "week"))
    assert days == [date(2017, 11, d) for d in (2, 9, 16, 23, 30)]


def test_a_one_day_range_is_one_date():
    assert list(step_dates(date(2017, 11, 30), date(2017, 11, 30), "quarter")) == [
        date(2017, 11, 30)
    ]
