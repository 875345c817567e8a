"""docs/cli.md documents every command and is exactly what scripts/gen_cli_docs.py generates."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

import pytest
import typer.main
from typer.core import TyperGroup

from multitrack.cli.main import app

REGENERATE = "uv run python scripts/gen_cli_docs.py"


@pytest.fixture(scope="module")
def generator(repo_root: Path) -> ModuleType:
    path = repo_root / "scripts" / "gen_cli_docs.py"
    spec = importlib.util.spec_from_file_location("gen_cli_docs", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def docs(repo_root: Path) -> str:
    path = repo_root / "docs" / "cli.md"
    assert path.exists(), f"docs/cli.md is missing: run `{REGENERATE}`"
    return path.read_text(encoding="utf-8")


def every_command_path() -> list[str]:
    """Walk the click command tree that typer builds, independently of the generator."""
    found: list[str] = []

    def walk(command: object, path: str) -> None:
        found.append(path)
        if isinstance(command, TyperGroup):
            for name, sub in command.commands.items():
                walk(sub, f"{path} {name}")

    walk(typer.main.get_command(app), "multitrack")
    return found


def test_the_tree_has_the_commands_we_expect() -> None:
    paths = set(every_command_path())
    for expected in [
        "multitrack init",
        "multitrack actor add",
        "multitrack membership list",
        "multitrack channel move",
        "multitrack engagement add",
        "multitrack followup list",
        "multitrack agreement show",
        "multitrack objective add",
        "multitrack taxonomy add",
        "multitrack brief",
    ]:
        assert expected in paths


@pytest.mark.parametrize("path", every_command_path())
def test_every_command_has_a_section_in_the_docs(docs: str, path: str) -> None:
    assert re.search(rf"^## {re.escape(path)}$", docs, re.MULTILINE), (
        f"`{path}` is not documented in docs/cli.md: run `{REGENERATE}`"
    )


def test_the_generator_walks_the_same_tree(generator: ModuleType) -> None:
    assert generator.command_paths() == every_command_path()


def test_docs_are_what_the_generator_makes(generator: ModuleType, docs: str) -> None:
    assert docs == generator.render(), f"docs/cli.md is out of date: run `{REGENERATE}`"


def test_generated_help_is_plain_and_at_most_100_columns(generator: ModuleType) -> None:
    text = generator.help_text("multitrack channel move")
    assert "\x1b[" not in text
    assert max(len(line) for line in text.splitlines()) <= 100
    assert "Usage: multitrack channel move" in text
    assert "--track" in text


def test_help_does_not_depend_on_the_day(generator: ModuleType) -> None:
    # a default computed at import time (today's date) would make the docs drift daily
    assert not re.search(r"\d{4}-\d{2}-\d{2}", generator.help_text("multitrack channel move"))
