"""Rendering a series of maps: skip what is up to date, spread the rest over processes or a
Dask cluster, write every file atomically and keep a manifest so an interrupted run resumes."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from geomap.errors import InputError, Location
from geomap.output.files import written_by_geomap
from geomap.scenario.load import Scenario
from geomap.scenario.project import Project, known_project, open_project
from geomap.scenario.style import Style
from geomap.series.plan import Frame, frame_key, frame_name, read_manifest, write_manifest


@dataclass(frozen=True)
class RenderJob:
    """Frames for one worker: everything is plain data, so it pickles to any process."""

    scenario_path: str
    digest: str  # of the scenario's file contents: what a worker's cache is keyed by
    size_px: tuple[int, int] | None
    dpi: int | None
    fmt: str
    frames: tuple[tuple[str, str], ...]  # (ISO day, output path)


_CANVAS: dict[tuple, tuple[Project, object]] = {}


def _canvas_for(job: RenderJob) -> tuple[Project, object]:
    """The project and a canvas for ``job``, kept by the process (a local worker or a Dask
    worker that stays up) for every later job of the same file contents, size and dpi."""
    key = (job.digest, job.size_px, job.dpi)
    if key not in _CANVAS:
        from geomap.products.map import make_canvas

        project = known_project(job.digest) or open_project(job.scenario_path)
        _CANVAS.clear()
        canvas = make_canvas(project.scenario, project.style, job.size_px, job.dpi)
        _CANVAS[key] = (project, canvas)
    return _CANVAS[key]


def render_job(job: RenderJob, on_frame: Callable[[str], None] | None = None) -> list[str]:
    """Render the frames of ``job`` in order on one canvas; returns the paths written."""
    from geomap.products.map import draw_day

    project, canvas = _canvas_for(job)
    scenario, style = project.scenario, project.style
    written = []
    for iso_day, path in job.frames:
        draw_day(canvas, scenario, style, date.fromisoformat(iso_day))
        if job.fmt == "png":
            canvas.save_png_fast(Path(path))
        else:
            canvas.save(Path(path), job.fmt)
        written.append(path)
        _set_aside_the_canvas()
        if on_frame is not None:
            on_frame(path)
    return written


def _set_aside_the_canvas() -> None:
    """In a ``geomap`` command, once a frame is drawn: everything alive (the canvas, its drawn
    layers, the cached pixels) stays until the process ends, so it is set aside from the cycle
    collector for good (``gc.freeze``), as the parsed scenario is: the collections of the frames
    to come walk only their own objects, and forked workers do not copy its memory by walking it."""
    import geomap

    global _FROZEN
    if geomap.COMMAND_LINE and not _FROZEN:
        import gc

        gc.freeze()
        _FROZEN = True


_FROZEN = False


def _digest_files(paths: Iterable[Path]) -> str:
    digest = hashlib.sha256()
    for path in sorted(set(paths)):
        digest.update(str(path.name).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def plan_frames(
    scenario: Scenario,
    style: Style,
    days: list[date],
    folder: Path,
    template: str,
    fmt: str,
    size_px,
    dpi,
) -> list[Frame]:
    """The frames of a series with the key that says whether an existing file is current."""
    from geomap.products.map import resolve

    inputs = [scenario.path, *scenario.basemap.values()]
    if scenario.style_path is not None:
        inputs.append(scenario.style_path)
    fixed = {
        "files": _digest_files(inputs),
        "places": sorted(
            (p.id, p.name, p.rank, p.kind, p.lonlat) for p in scenario.places.values()
        ),
        "range": scenario.timeline.covered_range(),
        "format": fmt,
        "size": size_px,
        "dpi": dpi,
    }
    frames, names = [], set()
    for index, day in enumerate(days, start=1):
        name = frame_name(template, day, index, fmt)
        if name in names:
            raise InputError.at(
                None, f"name template '{template}' gives '{name}' to more than one frame"
            )
        names.add(name)
        states = [
            (p.place.id, p.state.holder, p.state.status, p.state.by, str(p.state.since), p.stale)
            for p in resolve(scenario, day, style)
        ]
        key = frame_key({**fixed, "day": day.isoformat(), "states": states})
        frames.append(Frame(index, day, folder / name, key))
    return frames


def frames_to_render(frames: list[Frame], folder: Path, force: bool) -> list[Frame]:
    """Frames whose file is missing or stale; refuses to replace files geomap did not write."""
    manifest = read_manifest(folder)
    todo = []
    for frame in frames:
        path = frame.path
        if path.is_dir():
            raise InputError.at(Location.of_file(path), "is a folder; cannot write a frame there")
        exists = path.exists()
        ours = exists and written_by_geomap(path)
        if exists and not ours and not force:
            raise InputError.at(
                Location.of_file(path),
                "exists and was not written by geomap; refusing to overwrite it (use --force)",
            )
        if force or not exists or manifest.get(path.name) != frame.key:
            todo.append(frame)
    return todo


def _chunks(frames: list[Frame], count: int) -> list[list[Frame]]:
    """``count`` contiguous runs of frames (neighbouring dates share most of their drawing)."""
    count = max(1, min(count, len(frames)))
    size, extra = divmod(len(frames), count)
    chunks, start = [], 0
    for i in range(count):
        end = start + size + (1 if i < extra else 0)
        chunks.append(frames[start:end])
        start = end
    return [c for c in chunks if c]


def render_frames(
    project: Project,
    frames: list[Frame],
    folder: Path,
    *,
    fmt: str,
    size_px,
    dpi,
    workers: int = 1,
    scheduler: str | None = None,
    on_frame: Callable[[str], None] | None = None,
) -> None:
    """Render ``frames`` serially, in local processes, or on a Dask cluster at ``scheduler``."""
    if not frames:
        return
    manifest = read_manifest(folder)
    keys = {str(f.path.resolve()): f.key for f in frames}

    def done(path: str) -> None:
        manifest[Path(path).name] = keys[path]
        write_manifest(folder, manifest)
        if on_frame is not None:
            on_frame(path)

    def job(chunk: list[Frame]) -> RenderJob:
        return RenderJob(
            str(project.scenario.path.resolve()),
            project.digest,
            size_px,
            dpi,
            fmt,
            tuple((f.day.isoformat(), str(f.path.resolve())) for f in chunk),
        )

    if scheduler:
        _render_on_dask(scheduler, [job(c) for c in _chunks(frames, len(frames))], done)
        return
    if workers <= 1 or len(frames) == 1:
        render_job(job(frames), on_frame=done)
        return
    # The first frame is drawn here: forked workers inherit the loaded scenario, the drawn
    # basemap, the placed labels and the legend, instead of each building them again.
    render_job(job(frames[:1]), on_frame=done)
    frames = frames[1:]
    # This process is one of the workers: it forks one fewer and, while they work, renders
    # the runs none of them has taken yet, from the last one back.
    with ProcessPoolExecutor(max_workers=workers - 1) as pool:
        # small runs of neighbouring frames: steady progress and balanced workers
        runs = _chunks(frames, max(workers, len(frames) // 4))
        futures = [pool.submit(render_job, job(run)) for run in runs]
        try:
            for run, future in zip(reversed(runs), reversed(futures), strict=True):
                if future.cancel():  # not started by a worker: render it here
                    render_job(job(run), on_frame=done)
            for future in as_completed(f for f in futures if not f.cancelled()):
                for path in future.result():
                    done(path)
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)  # Ctrl-C: workers remove their temp files
            raise


def _render_on_dask(address: str, jobs: list[RenderJob], done: Callable[[str], None]) -> None:
    try:
        from distributed import Client
        from distributed import as_completed as dask_completed
    except ImportError:
        raise InputError.at(None, "--scheduler needs Dask: pip install 'geomap[dask]'") from None
    try:
        client = Client(address, timeout="10s")
    except (OSError, TimeoutError) as error:
        raise InputError.at(
            None, f"cannot reach the Dask scheduler at {address}: {error}"
        ) from None
    with client:
        futures = client.map(render_job, jobs, pure=False)
        for future in dask_completed(futures):
            for path in future.result():
                done(path)


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 8))
