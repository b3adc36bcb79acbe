"""The ``batch`` command's work: plan, render, then animate, contact sheet and report."""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

from geomap.domain.dates import Period
from geomap.errors import InputError, display_path


def run_batch(
    scenario_path,
    start: Period,
    end: Period,
    *,
    every: str,
    fmt: str,
    out: str | None,
    template: str,
    dpi: int | None,
    size_px: tuple[int, int] | None,
    force: bool,
    workers: int | None,
    scheduler: str | None,
    animate: Sequence[str],
    frame_duration: float,
    contact_sheet: bool | None,
    report: bool,
    quiet: bool,
) -> Iterator[str]:
    """Render the series and its extras; yields every path, frames first, in date order."""
    from geomap.scenario.load import resolve_scenario_path
    from geomap.scenario.project import open_project
    from geomap.series.plan import check_name_template, output_folder, series_dates
    from geomap.series.run import default_workers, frames_to_render, plan_frames, render_frames

    check_name_template(template)
    if (animate or contact_sheet) and fmt != "png":
        raise InputError.at(None, "--animate and --contact-sheet need PNG frames (--format png)")
    from geomap.output.formats import FORMATS

    for kind in animate:
        FORMATS[kind].check_available(f"--animate {kind}")
    scenario_path = resolve_scenario_path(scenario_path)
    project = open_project(scenario_path)
    scenario, style = project.scenario, project.style
    days = series_dates(scenario.timeline, start, end, every)
    folder = output_folder(out)
    frames = plan_frames(scenario, style, days, folder, template, fmt, size_px, dpi)
    todo = frames_to_render(frames, folder, force)
    extras = _extra_paths(folder, days, animate, contact_sheet, report)
    from geomap.output.files import check_writable

    for path in extras.values():
        check_writable(path, force)

    progress = _progress(len(todo), quiet)
    try:
        render_frames(
            project,
            todo,
            folder,
            fmt=fmt,
            size_px=size_px,
            dpi=dpi,
            workers=workers or default_workers(),
            scheduler=scheduler,
            on_frame=lambda _path: progress.update(1),
        )
    finally:
        progress.close()
    skipped = len(frames) - len(todo)
    if skipped and not quiet:
        print(f"geomap: {skipped} of {len(frames)} frames were up to date", file=sys.stderr)
    for frame in frames:
        yield display_path(frame.path)
    yield from _write_extras(scenario, style, frames, extras, frame_duration, size_px, dpi)


def _extra_paths(folder: Path, days, animate, contact_sheet, report) -> dict[str, Path]:
    stem = f"geomap-{days[0].isoformat()}-to-{days[-1].isoformat()}"
    extras = {kind: folder / f"{stem}.{kind}" for kind in animate}
    if contact_sheet or (contact_sheet is None and animate):
        extras["contact-sheet"] = folder / f"{stem}-contact-sheet.png"
    if report:
        extras["report"] = folder / f"{stem}-report.pdf"
    return extras


def _write_extras(scenario, style, frames, extras, frame_duration, size_px, dpi):
    from geomap.output.formats import ANIMATION_FORMATS, FORMATS

    paths = [f.path for f in frames]
    days = [f.day for f in frames]
    for kind in ANIMATION_FORMATS:
        if kind in extras:
            keep = gif_colours(scenario, style)
            yield display_path(FORMATS[kind].write(paths, extras[kind], frame_duration, keep))
    if "contact-sheet" in extras:
        from geomap.products.contact import write_contact_sheet

        yield display_path(write_contact_sheet(scenario, style, days, extras["contact-sheet"]))
    if "report" in extras:
        from geomap.products.pdf import write_report

        yield display_path(write_report(scenario, style, days, extras["report"], size_px, dpi))


def gif_colours(scenario, style) -> list[str]:
    """The colours an animation must keep exactly: the factions', the symbols' and the text's."""
    from geomap.render.symbology import CHANGE_COLOUR, UNKNOWN_COLOUR

    factions = [faction.colour for faction in scenario.factions.values()]
    return [*factions, *style.colours.values(), CHANGE_COLOUR, UNKNOWN_COLOUR]


class _NoProgress:
    def update(self, _count: int) -> None:
        pass

    def close(self) -> None:
        pass


def _progress(total: int, quiet: bool):
    """A progress bar on a terminal; nothing when quiet or not a terminal."""
    if quiet or total == 0 or not sys.stderr.isatty():
        return _NoProgress()
    import shutil

    from tqdm import tqdm

    width = shutil.get_terminal_size((80, 24)).columns or 80  # 0 on some pseudo-terminals
    return tqdm(total=total, unit="frame", file=sys.stderr, desc="geomap batch", ncols=width)
