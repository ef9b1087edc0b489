"""Docs that cannot drift: the README's two commands, and every command documented."""
from __future__ import annotations

from pathlib import Path

from typer.main import get_command

from onrecord.cli import app

ROOT = Path(__file__).resolve().parents[1]


def test_readme_gives_the_two_commands():
    readme = (ROOT / "README.md").read_text()
    assert "make demo" in readme and "make test" in readme


def test_every_make_target_of_the_readme_exists():
    import re

    readme, makefile = (ROOT / "README.md").read_text(), (ROOT / "Makefile").read_text()
    targets = set(re.findall(r"^([a-z][a-z-]*):", makefile, re.M))
    named = set(re.findall(r"\bmake ([a-z][a-z-]*)", readme))
    assert {"demo", "test", "test-fast"} <= named and named <= targets, named - targets


def test_every_setting_is_documented():
    import re

    code = "".join(p.read_text() for p in (ROOT / "src" / "onrecord").rglob("*.py"))
    docs = (ROOT / "README.md").read_text() + "".join(p.read_text() for p in (ROOT / "docs").glob("*.md"))
    settings = set(re.findall(r"ONRECORD_[A-Z_]+", code))
    assert "ONRECORD_MAX_BYTES" in settings
    assert {s for s in settings if s not in docs} == set()


def test_ci_runs_make_test():
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_every_command_is_documented():
    docs = (ROOT / "README.md").read_text() + "".join(p.read_text() for p in (ROOT / "docs").glob("*.md"))
    names = list(get_command(app).commands)
    assert "analyze" in names
    for name in names:
        assert f"onrecord {name}" in docs, f"'onrecord {name}' is not in README.md or docs/"


def test_makefile_installs_everything_it_needs():
    makefile = (ROOT / "Makefile").read_text()
    assert "pip install" in makefile and "-m venv" in makefile
