"""Options shared by several commands, defined once."""

from __future__ import annotations

import re

import click

from geomap.domain.dates import DATE_HELP, DateSyntaxError, Period, parse_period
from geomap.output.formats import MAP_FORMATS as FORMATS


class PeriodType(click.ParamType):
    """``2017-11`` → the period November 2017 (maps show its last day)."""

    name = "DATE"

    def convert(self, value, param, ctx) -> Period:
        if isinstance(value, Period):
            return value
        try:
            return parse_period(value)
        except DateSyntaxError as error:
            self.fail(str(error), param, ctx)


class SizeType(click.ParamType):
    """``1600x1200`` → (1600, 1200) pixels."""

    name = "WxH"

    def convert(self, value, param, ctx) -> tuple[int, int]:
        if isinstance(value, tuple):
            return value
        match = re.fullmatch(r"\s*(\d+)\s*[xX×]\s*(\d+)\s*", str(value))
        if not match:
            self.fail(f"'{value}' is not a size like 1600x1200 (pixels)", param, ctx)
        width, height = int(match.group(1)), int(match.group(2))
        if not (200 <= width <= 20000 and 200 <= height <= 20000):
            self.fail(
                f"size {width}x{height} must be between 200 and 20000 pixels a side", param, ctx
            )
        return width, height


PERIOD = PeriodType()
SIZE = SizeType()


def date_option(function):
    return click.option(
        "--date", "-d", "period", type=PERIOD, required=True, help=f"As-of date: {DATE_HELP}."
    )(function)


def scenario_option(function):
    return click.option(
        "--scenario",
        "-s",
        type=click.Path(path_type=str),  # the loader says what is wrong with it, exit 1
        default=None,
        help="Scenario YAML file (default: the bundled ISIS 2014-2017 scenario).",
    )(function)


def output_options(function):
    for option in reversed(
        [
            click.option(
                "--format",
                "-f",
                "fmt",
                type=click.Choice(FORMATS),
                default=None,
                help="Output format (default: from --out's suffix, else png).",
            ),
            click.option(
                "--out",
                "-o",
                type=click.Path(path_type=str),
                default=None,
                help="Output file or existing folder (default: geomap-DATE.FMT here).",
            ),
            click.option(
                "--dpi",
                type=click.IntRange(30, 1200),
                default=None,
                help="Resolution in dots per inch (default 150).",
            ),
            click.option(
                "--size",
                "size",
                type=SIZE,
                default=None,
                help="Image size in pixels, WxH (default 1600x1200).",
            ),
            click.option(
                "--force",
                is_flag=True,
                help="Overwrite an existing file that geomap did not write.",
            ),
        ]
    ):
        function = option(function)
    return function


def table_format_option(function):
    return click.option(
        "--format",
        "-f",
        "fmt",
        type=click.Choice(("table", "csv", "json")),
        default="table",
        show_default=True,
        help="Output format.",
    )(function)


EVERY_CHOICES = ("day", "week", "month", "quarter", "year", "change")


def range_options(function):
    """``--from``, ``--to`` and ``--every``: the dates of a series."""
    for option in reversed(
        [
            click.option(
                "--from", "start", type=PERIOD, required=True, help="First date (the first frame)."
            ),
            click.option(
                "--to", "end", type=PERIOD, required=True, help="Last date (the last frame)."
            ),
            click.option(
                "--every",
                type=click.Choice(EVERY_CHOICES),
                default="month",
                show_default=True,
                help="Step counted from --from (the last step ends on --to), or every day on "
                "which something changed hands.",
            ),
        ]
    ):
        function = option(function)
    return function
