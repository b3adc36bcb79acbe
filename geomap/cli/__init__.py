"""The ``geomap`` command line: a thin layer over the pipeline, one module per command."""

from __future__ import annotations

import click

from geomap import __version__
from geomap.errors import InputError


class GeomapGroup(click.Group):
    """Turns :class:`InputError` into ``file:line:col: message`` lines and exit status 1."""

    def invoke(self, ctx: click.Context):
        from geomap.notices import listening

        try:
            with listening(lambda message: click.echo(message, err=True)):
                return super().invoke(ctx)
        except InputError as error:
            for problem in error.problems:
                click.echo(str(problem), err=True)
            count = len(error.problems)
            if count > 1:
                click.echo(f"geomap: {count} problems found", err=True)
            ctx.exit(1)


@click.group(cls=GeomapGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="geomap")
def cli() -> None:
    """Dated maps of who controls what in a conflict, from sourced YAML snapshots.

    Dates are YYYY, YYYY-MM or YYYY-MM-DD; a partial date means the end of its period
    (2017-11 is the state on 30 November 2017).
    """


def _register() -> None:
    from geomap.cli.area import area
    from geomap.cli.batch import batch
    from geomap.cli.chart import chart
    from geomap.cli.compare import compare
    from geomap.cli.diff import diff
    from geomap.cli.export import export
    from geomap.cli.html import html
    from geomap.cli.init import init
    from geomap.cli.places import places
    from geomap.cli.render import render
    from geomap.cli.state import state
    from geomap.cli.validate import validate

    commands = (
        render,
        compare,
        batch,
        html,
        state,
        diff,
        area,
        chart,
        export,
        validate,
        init,
        places,
    )
    for command in commands:
        cli.add_command(command)


_register()


def main() -> None:
    import geomap

    geomap.COMMAND_LINE = True
    try:
        cli(prog_name="geomap")
    except SystemExit as done:
        if done.code is not None and not isinstance(done.code, int):
            raise
        _leave(done.code or 0)


def _leave(status: int) -> None:
    """End the process at once, with its output flushed: a command that drew a map holds
    hundreds of thousands of objects, and freeing them one by one at exit takes longer than
    some commands (0.1-0.2 s); the system takes the memory back whole. Every file is written
    and closed, and every worker process joined, before a command returns. ``click.echo``
    flushes what it writes; the flush here is for any other write a command may add."""
    import os
    import sys

    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except Exception:  # a closed pipe: let Python report it as usual
        sys.exit(status)
    os._exit(status)
