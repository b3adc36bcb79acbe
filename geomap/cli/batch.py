import click

from geomap.cli.options import FORMATS, SIZE, range_options, scenario_option
from geomap.output.formats import ANIMATION_FORMATS


@click.command()
@range_options
@scenario_option
@click.option(
    "--format",
    "-f",
    "fmt",
    type=click.Choice(FORMATS),
    default="png",
    show_default=True,
    help="Format of the frames.",
)
@click.option(
    "--out",
    "-o",
    type=click.Path(file_okay=False, path_type=str),
    default=None,
    help="Output folder (created if missing; default: here).",
)
@click.option(
    "--name",
    "template",
    default="geomap-{date}.{format}",
    show_default=True,
    help="File name template: {date}, {index}, {format}; stays inside --out.",
)
@click.option("--dpi", type=click.IntRange(30, 1200), default=None, help="Dots per inch.")
@click.option("--size", type=SIZE, default=None, help="Frame size in pixels, WxH.")
@click.option(
    "--force",
    is_flag=True,
    help="Re-render frames that are up to date, and overwrite files geomap did not write.",
)
@click.option(
    "--workers",
    "-j",
    type=click.IntRange(1, 64),
    default=None,
    help="Render in N local processes (default: one per core).",
)
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    default=None,
    help="Send frames to a Dask distributed scheduler, e.g. tcp://10.0.0.5:8786 "
    "(needs geomap[dask]; workers must see the same files).",
)
@click.option(
    "--animate",
    type=click.Choice(ANIMATION_FORMATS),
    multiple=True,
    help="Also write an animation of the series (repeatable).",
)
@click.option(
    "--frame-duration",
    type=click.FloatRange(0.04, 60),
    default=0.6,
    show_default=True,
    help="Seconds per frame in animations.",
)
@click.option(
    "--contact-sheet/--no-contact-sheet",
    default=None,
    help="Also write a grid of small dated maps (default: on with --animate).",
)
@click.option(
    "--report",
    is_flag=True,
    help="Also write a multi-page PDF report: cover, one map per page, changes.",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
def batch(
    start,
    end,
    every,
    scenario,
    fmt,
    out,
    template,
    dpi,
    size,
    force,
    workers,
    scheduler,
    animate,
    frame_duration,
    contact_sheet,
    report,
    quiet,
):
    """Render one map per date from --from to --to, and optionally an animation, a contact
    sheet and a PDF report. Frames already up to date are skipped; paths are printed.

    \b
    Example: geomap batch --from 2015-01 --to 2017-11 --every month --animate gif
    """
    from geomap.series.work import run_batch

    for path in run_batch(
        scenario,
        start,
        end,
        every=every,
        fmt=fmt,
        out=out,
        template=template,
        dpi=dpi,
        size_px=size,
        force=force,
        workers=workers,
        scheduler=scheduler,
        animate=animate,
        frame_duration=frame_duration,
        contact_sheet=contact_sheet,
        report=report,
        quiet=quiet,
    ):
        click.echo(path)
