"""Writing maps: never over a folder or a file geomap did not write (without --force), and never a
half-written file, even when the disk fills up mid-write."""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

import pytest

from geomap.errors import InputError
from geomap.output.files import CREATOR, check_writable, write_atomically, written_by_geomap

SMALL = ("--size", "400x300", "--dpi", "50")


def refusal(action) -> str:
    with pytest.raises(InputError) as raised:
        action()
    return "\n".join(str(problem) for problem in raised.value.problems)


def disk_full(*args, **kwargs):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_a_folder_is_never_replaced_by_a_map(tmp_path):
    folder = tmp_path / "maps.png"
    folder.mkdir()
    for force in (False, True):
        assert refusal(lambda force=force: check_writable(folder, force)) == (
            f"{folder}: is a folder; give a file name to write"
        )
    assert folder.is_dir()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("photo.png", b"\x89PNG\r\n\x1a\n my holiday photo"),
        ("README", b"# Notes\nMade with geomap 0.1.0, see https://example.org\n"),
        ("sketch.svg", b'<?xml version="1.0"?><svg><!-- drawn by hand --></svg>'),
        ("report.pdf", b"%PDF-1.7 written by another program"),
    ],
)
def test_a_file_geomap_did_not_write_is_refused_without_force(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    assert not written_by_geomap(path)
    assert refusal(lambda: check_writable(path, force=False)) == (
        f"{path}: exists and was not written by geomap; refusing to overwrite it (use --force)"
    )
    check_writable(path, force=True)
    assert path.read_bytes() == content


def test_geomap_recognises_its_own_files(tmp_path):
    mark = CREATOR.encode()
    samples = {
        "a.png": b"\x89PNG\r\n\x1a\n....tEXtSoftware\x00" + mark,
        "a.svg": b'<?xml version="1.0"?>\n<svg><dc:title>' + mark + b"</dc:title></svg>",
        "a.pdf": b"%PDF-1.4\n" + b"x" * 100_000 + b"/Creator (" + mark + b")",
        "a.gif": b"GIF89a....!\xfe" + mark,
        "a.mp4": b"\x00\x00\x00\x20ftypisom" + b"\x00" * 200_000 + b"comment" + mark,
    }
    for name, content in samples.items():
        (tmp_path / name).write_bytes(content)
        assert written_by_geomap(tmp_path / name), name
        check_writable(tmp_path / name, force=False)


def test_a_missing_output_folder_is_reported(tmp_path):
    assert refusal(lambda: check_writable(tmp_path / "nope" / "map.png", force=False)) == (
        f"{tmp_path / 'nope'}: output folder does not exist"
    )


def test_a_full_disk_leaves_no_partial_file_and_the_old_one_intact(tmp_path):
    path = tmp_path / "map.png"
    path.write_bytes(b"the previous map")

    def write(temp: Path) -> None:
        with temp.open("wb") as handle:
            handle.write(b"\x89PNG half of a")
            disk_full()

    assert refusal(lambda: write_atomically(path, write)) == (
        f"{path}: cannot write the file: No space left on device"
    )
    assert path.read_bytes() == b"the previous map"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["map.png"]


def test_an_interrupted_write_leaves_no_partial_file(tmp_path):
    def write(temp: Path) -> None:
        temp.write_bytes(b"half")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_atomically(tmp_path / "map.png", write)
    assert list(tmp_path.iterdir()) == []


def test_a_folder_where_nothing_can_be_written_is_reported(tmp_path, monkeypatch):
    def refuse(*args, **kwargs):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    assert refusal(lambda: write_atomically(tmp_path / "map.png", lambda temp: None)) == (
        f"{tmp_path / 'map.png'}: cannot write here: Permission denied"
    )


def test_render_into_an_existing_folder_writes_a_file_inside_it(run, mini, tmp_path):
    folder = tmp_path / "work" / "maps"
    folder.mkdir()
    result = run("render", "--date", "2017-11", "--scenario", mini, "--out", folder, *SMALL)
    assert result.exit_code == 0, result.output
    assert result.stdout == "maps/geomap-2017-11-30.png\n"
    assert folder.is_dir() and written_by_geomap(folder / "geomap-2017-11-30.png")


def test_render_refuses_a_text_file_without_a_suffix(run, mini, tmp_path):
    notes = tmp_path / "work" / "NOTES"
    notes.write_text("Maps made with geomap 0.1.0\n")
    result = run("render", "--date", "2017-11", "--scenario", mini, "--out", notes, *SMALL)
    assert result.exit_code == 1
    assert result.stderr == (
        "NOTES: exists and was not written by geomap; refusing to overwrite it (use --force)\n"
    )
    assert notes.read_text() == "Maps made with geomap 0.1.0\n"


def test_render_on_a_full_disk_exits_1_with_no_partial_file(run, mini, tmp_path, monkeypatch):
    from matplotlib.figure import Figure

    work = tmp_path / "work"
    old = work / "map.svg"
    assert run("render", "--date", "2017-11", "--scenario", mini, "--out", old).exit_code == 0
    before = old.read_bytes()

    def savefig_until_the_disk_is_full(self, fname, *args, **kwargs):
        with open(fname, "wb") as handle:
            handle.write(b"<?xml version='1.0'?><svg>the first half")
        disk_full()

    monkeypatch.setattr(Figure, "savefig", savefig_until_the_disk_is_full)
    result = run("render", "--date", "2017-10", "--scenario", mini, "--out", old)
    assert result.exit_code == 1
    assert result.stderr == "map.svg: cannot write the file: No space left on device\n"
    assert "Traceback" not in result.output
    assert old.read_bytes() == before  # the previous map is untouched
    assert sorted(p.name for p in work.iterdir()) == ["map.svg"]  # no temporary file left


def test_every_registered_format_is_offered_recognised_and_written(monkeypatch):
    """One registry entry is all a format needs: the commands offer it, geomap knows its files
    again by their first bytes, and its writer exists."""
    from geomap.cli import cli
    from geomap.output.formats import ANIMATION_FORMATS, FORMATS, MAP_FORMATS, Format, format_of

    def choices(command: str, option: str) -> tuple[str, ...]:
        found = next(p for p in cli.commands[command].params if p.name == option)
        return tuple(found.type.choices)

    assert MAP_FORMATS == ("png", "svg", "pdf") and ANIMATION_FORMATS == ("gif", "mp4")
    for command in ("render", "compare", "chart", "batch"):
        assert choices(command, "fmt") == MAP_FORMATS
    assert choices("batch", "animate") == ANIMATION_FORMATS
    for name, entry in FORMATS.items():
        assert callable(entry.function()), name
        head = b"\0" * entry.offset + entry.signatures[0] + b" geomap 0.1"
        assert format_of(head) is entry
    webp = Format("webp", ".webp", "map", (b"RIFF",), metadata={"Software": CREATOR})
    monkeypatch.setitem(FORMATS, "webp", webp)
    assert format_of(b"RIFF....WEBP") is webp
