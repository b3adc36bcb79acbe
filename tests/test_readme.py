"""The README's examples are run, so they stay true."""

import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from geomap.cli import cli

README = Path(__file__).resolve().parents[1] / "README.md"


def console_examples() -> list[tuple[str, list[str]]]:
    """(command, expected output lines) for every `$ geomap …` line in console blocks."""
    examples = []
    for block in re.findall(r"```console\n(.*?)```", README.read_text(), flags=re.S):
        lines = block.splitlines()
        for index, line in enumerate(lines):
            if line.startswith("$ geomap "):
                expected = []
                for following in lines[index + 1 :]:
                    if following.startswith("$ "):
                        break
                    expected.append(following)
                examples.append((line[2:], expected))
    return examples


def test_the_readme_has_examples_of_every_command():
    commands = {command.split()[1] for command, _ in console_examples()}
    assert commands == {
        "render",
        "compare",
        "batch",
        "state",
        "diff",
        "validate",
        "area",
        "chart",
        "export",
        "html",
        "init",
        "places",
    }


@pytest.mark.parametrize(("command", "expected"), console_examples(), ids=lambda v: str(v)[:60])
def test_readme_example(command, expected, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, shlex.split(command)[1:], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    if expected:
        assert result.stdout.splitlines() == expected


def test_the_readme_shows_both_setup_commands():
    text = README.read_text()
    assert "pip install . && geomap render --date 2017-11" in text
    assert "pip install '.[test]' && python -m pytest" in text
