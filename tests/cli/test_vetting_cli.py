"""``multitrack vetting add|list|show``, the warning of ``engagement add``, and
``multitrack oversight``, end to end through the CLI on both backends."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from multitrack.cli.main import app
from multitrack.config import EVENTS_DIR_ENV, STATE_DIR_ENV


class Cli:
    def __init__(self, db: str, folder: Path) -> None:
        self.db = db
        self.env = {
            STATE_DIR_ENV: str(folder / "state"),
            EVENTS_DIR_ENV: str(folder / "events"),
        }

    def run(self, *args: str) -> Result:
        return CliRunner().invoke(app, ["--db", self.db, *args], env=self.env)

    def ok(self, *args: str) -> Result:
        result = self.run(*args)
        assert result.exit_code == 0, (args, result.stdout, result.stderr, result.exception)
        return result

    def json(self, *args: str) -> Any:
        return json.loads(self.ok(*args, "--format", "json").stdout)


@pytest.fixture
def cli(db_url: str, tmp_path: Path) -> Cli:
    made = Cli(db_url, tmp_path)
    made.ok("init")
    made.ok("actor", "add", "Coastal Brigade", "--kind", "state_organ", "--country", "NOR",
            "--parent", "NOR")  # fmt: skip
    made.ok("channel", "add", "Defence line", "--track", "1", "--sector", "military",
            "-p", "NOR", "-p", "SWE")  # fmt: skip
    return made


def test_vetting_add_list_show(cli: Cli) -> None:
    added = cli.json(
        "vetting", "add", "Coastal Brigade", "--status", "flagged", "--date", "2024-03-01",
        "--source", "https://example.org/finding", "--notes", "Found responsible",
    )  # fmt: skip
    assert (added["subject"]["name"], added["status"], added["date"]) == (
        "Coastal Brigade",
        "flagged",
        "2024-03-01",
    )
    cli.ok("vetting", "add", "SWE", "--status", "cleared", "--date", "2023-05-02")
    rows = cli.json("vetting", "list")
    assert [(r["subject"]["name"], r["status"]) for r in rows] == [
        ("Coastal Brigade", "flagged"),
        ("Sweden", "cleared"),
    ]
    assert [r["status"] for r in cli.json("vetting", "list", "--status", "cleared")] == ["cleared"]
    shown = cli.json("vetting", "show", added["id"])
    assert shown["source"] == "https://example.org/finding"
    assert shown["subject"]["parent"]["name"] == "Norway"
    assert shown["standing"]["status"] == "flagged"
    assert shown["evidence"]["match"] == {"code": None, "country": "NOR",
                                          "types": ["MIL", "COP", "SPY"]}  # fmt: skip
    assert shown["evidence"]["total"] == 0  # an empty event store: no events, and it says so
    assert shown["evidence"]["note"]
    table = cli.ok("vetting", "show", added["id"]).stdout
    assert "Coastal Brigade" in table
    assert "flagged" in table


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["Coastal Brigade", "--status", "bad", "--date", "2024-01-01"], "status"),
        (["Coastal Brigade", "--status", "cleared", "--date", "01/02/2024"], "date"),
        (["Nobody", "--status", "cleared", "--date", "2024-01-01"], "subject"),
    ],
)
def test_vetting_add_refuses_bad_input_in_one_line(cli: Cli, args: list[str], message: str) -> None:
    result = cli.run("vetting", "add", *args)
    assert result.exit_code != 0
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert cli.json("vetting", "list") == []


def test_engagement_add_warns_about_an_unvetted_or_flagged_unit(cli: Cli) -> None:
    args = ["engagement", "add", "--channel", "Defence line", "--kind", "military_training",
            "--start", "2024-06-01", "-p", "Coastal Brigade", "-p", "NOR"]  # fmt: skip
    first = cli.run(*args, "--summary", "Course one")
    assert first.exit_code == 0  # a warning, not an error: the engagement is saved
    assert "warning: Coastal Brigade has not been vetted" in first.stderr
    assert "added engagement" in first.stdout

    cli.ok("vetting", "add", "Coastal Brigade", "--status", "cleared", "--date", "2024-01-01")
    quiet = cli.run(*args, "--summary", "Course two")
    assert quiet.exit_code == 0
    assert "warning" not in quiet.stderr

    cli.ok("vetting", "add", "NOR", "--status", "flagged", "--date", "2024-05-01")
    data = json.loads(cli.ok(*args, "--summary", "Course three", "--format", "json").stdout)
    assert {(w["actor"]["name"], w["status"]) for w in data["warnings"]} == {
        ("Coastal Brigade", "flagged"),  # through Norway: its own clearance is older
        ("Norway", "flagged"),
    }
    talks = cli.run("engagement", "add", "--channel", "Defence line", "--kind",
                    "negotiation_conflict_resolution", "--start", "2024-06-02", "--summary",
                    "Talks", "-p", "Coastal Brigade")  # fmt: skip
    assert talks.exit_code == 0
    assert "warning" not in talks.stderr

    report = cli.json("oversight", "--today", "2024-07-01")
    warned = {(w["engagement"]["summary"], w["actor"]["name"]) for w in report["vetting_warnings"]}
    assert warned == {(s, a) for s in ("Course one", "Course two", "Course three")
                      for a in ("Coastal Brigade", "Norway")}  # fmt: skip
    assert "Vetting warnings" in cli.ok("oversight", "--today", "2024-07-01").stdout


def test_oversight_reports_objectives_and_follow_ups(cli: Cli) -> None:
    cli.ok("objective", "add", "Train the brigade", "--target-date", "2024-12-31",
           "--indicator", "Courses held=4")  # fmt: skip
    cli.ok("engagement", "add", "--channel", "Defence line", "--kind", "military_training",
           "--start", "2024-06-01", "--summary", "Course", "--follow-up", "Report@2024-06-20",
           "--follow-up", "Plan@2024-07-05")  # fmt: skip
    data = cli.json("oversight", "--today", "2024-07-01", "--horizon", "10")
    assert [(o["title"], o["status"]) for o in data["objectives"]] == [
        ("Train the brigade", "no data")  # no measurement yet
    ]
    assert [f["action"] for f in data["follow_ups"]["overdue"]] == ["Report"]
    assert [f["action"] for f in data["follow_ups"]["due"]] == ["Plan"]
    bad = cli.run("oversight", "--today", "July")
    assert bad.exit_code != 0
    assert "today" in bad.stderr
