"""The `multitrack` command end to end, through typer's CliRunner.

Most cases run on SQLite copies of two template databases built once per module through the CLI
itself: `initialised` (just `multitrack init`) and `world` (init plus the small world that
`build_world` adds). A few key flows run on both backends through `db_url`.
"""

from __future__ import annotations

import json
import shlex
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from multitrack.cli.main import app
from multitrack.config import DB_ENV

ORGAN = "Norwegian Ministry of Foreign Affairs"
OSLO = "Oslo back channel"
BARENTS = "Barents dialogue"
TWIN = "Peace Research Institute"  # an academic body and an NGO: an ambiguous name


# --------------------------------------------------------------------------------------------
# Running the command


@dataclass
class Cli:
    """`multitrack --db URL ...`; calling it expects success, `run` returns whatever happened."""

    db: str | None

    def run(self, *args: str, env: dict[str, str | None] | None = None) -> Result:
        prefix = ["--db", self.db] if self.db is not None else []
        return CliRunner().invoke(app, [*prefix, *args], env=env)

    def __call__(self, *args: str, env: dict[str, str | None] | None = None) -> Result:
        result = self.run(*args, env=env)
        assert result.exit_code == 0, (
            f"multitrack {' '.join(args)} exited {result.exit_code}: "
            f"{result.stderr or result.exception!r}"
        )
        assert result.exception is None
        return result

    def json(self, *args: str, env: dict[str, str | None] | None = None) -> Any:
        return json.loads(self(*args, "--format", "json", env=env).stdout)

    def sh(self, line: str) -> Result:
        """A command written as on a shell's command line (quotes group words)."""
        return self(*shlex.split(line))


def label(row: dict[str, Any]) -> str:
    """What a record of any list is called: its name, title, summary or action."""
    if "member" in row and "organisation" in row:
        return f"{row['member']['name']} in {row['organisation']['name']}"
    for key in ("name", "title", "summary", "action"):
        if key in row:
            return str(row[key])
    raise AssertionError(f"no label in {row}")


def pluck(data: Any, path: str) -> Any:
    """``a.b`` walks into objects; ``a[].b`` maps over a list."""
    head, _, rest = path.partition(".")
    if head.endswith("[]"):
        items = data[head[:-2]]
        return [pluck(item, rest) if rest else item for item in items]
    value = data[head]
    return pluck(value, rest) if rest else value


# --------------------------------------------------------------------------------------------
# Factories: a small world, built through the CLI


def add_actor(cli: Cli, name: str, kind: str, *options: str) -> str:
    return str(cli.json("actor", "add", name, "--kind", kind, *options)["id"])


def add_channel(cli: Cli, name: str, track: str, sector: str, *participants: str) -> str:
    args = [arg for p in participants for arg in ("-p", p)]
    return str(cli.json("channel", "add", name, "--track", track, "--sector", sector, *args)["id"])


WORLD = [
    "init",
    f"actor add '{ORGAN}' --kind state_organ --country Norway --parent Norway",
    "actor add Fafo --kind academia --country NOR --alias 'Fafo Institute'",
    "actor add NATO --kind igo --alias 'North Atlantic Treaty Organization'",
    f"actor add '{TWIN}' --kind academia --country NOR",
    f"actor add '{TWIN}' --kind ngo --country NOR",
    "membership add Norway NATO --since 1949-08-24",
    "membership add Türkiye NATO --since 1952-02-18",
    "taxonomy add sectors arctic 'Arctic affairs' --parent security"
    " --description 'The High North' --source test",
    f"channel add '{OSLO}' --track 2 --sector security -p Fafo -p Israel -p Palestine",
    f"channel add '{BARENTS}' --track 1 --sector arctic -p Norway -p Russia --started 1993-01-11",
    f"channel move '{OSLO}' --track 1 --date 1993-05-01 --note officials",
    f"engagement add --channel '{OSLO}' --kind track2_process --start 1993-01-20"
    " --place Sarpsborg --summary 'First secret round' -p Fafo"
    " --follow-up 'Draft a declaration@2099-01-01' --follow-up 'Report to the ministry@2000-01-01'",
    f"engagement add --channel '{BARENTS}' --kind diplomatic_political --start 1993-01-11"
    " --place Kirkenes --summary 'Kirkenes Declaration'",
    "agreement add 'Oslo I Accord' --kind accord --status signed --adopted 1993-09-13"
    " --party Israel --party Palestine --obligation 'Mutual recognition'",
    "agreement add 'Barents Declaration' --kind declaration --status in_force"
    " --adopted 1993-01-11 --in-force 1993-01-11 --party Norway --party Russia --sector arctic",
    "objective add 'Keep the Barents channel active' --sector arctic --actor Norway"
    f" --channel '{BARENTS}' --indicator 'meetings a year=4' --target-date 2030-12-31",
]


def build_world(cli: Cli) -> None:
    for line in WORLD:
        cli.sh(line)


# --------------------------------------------------------------------------------------------
# Fixtures


@pytest.fixture(autouse=True)
def _no_ambient_database(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Neither the caller's MULTITRACK_DB nor their user data directory is ever touched."""
    monkeypatch.delenv(DB_ENV, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))


def _template(folder: Path, build: Callable[[Cli], None]) -> Path:
    path = folder / "multitrack.db"
    build(Cli(f"sqlite:///{path}"))
    return path


def _copy(template: Path, folder: Path) -> str:
    for file in template.parent.glob(template.name + "*"):  # the database and any WAL file
        shutil.copy(file, folder / file.name)
    return f"sqlite:///{folder / template.name}"


@pytest.fixture(scope="module")
def initialised_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _template(tmp_path_factory.mktemp("initialised"), lambda cli: cli("init"))


@pytest.fixture(scope="module")
def world_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _template(tmp_path_factory.mktemp("world"), build_world)


@pytest.fixture
def fresh(initialised_template: Path, tmp_path: Path) -> Cli:
    """The CLI on a new initialised SQLite database holding only the countries."""
    folder = tmp_path / "fresh"
    folder.mkdir()
    return Cli(_copy(initialised_template, folder))


@pytest.fixture
def world(world_template: Path, tmp_path: Path) -> Cli:
    """The CLI on a new SQLite copy of the small world."""
    folder = tmp_path / "world"
    folder.mkdir()
    return Cli(_copy(world_template, folder))


@pytest.fixture
def any_world(db_url: str) -> Cli:
    """The small world built on each backend."""
    cli = Cli(db_url)
    build_world(cli)
    return cli


# --------------------------------------------------------------------------------------------
# Lists and shows: --format json gives the expected records

LIST_CASES = [
    ("actor list --kind igo", ["NATO"]),
    ("actor list --kind state_organ --country Norway", [ORGAN]),
    ("actor list --q 'fafo institute'", ["Fafo"]),
    ("actor list --kind ngo", [TWIN]),
    ("channel list", [BARENTS, OSLO]),
    ("channel list --track 1", [BARENTS, OSLO]),
    ("channel list --track 2", []),
    ("channel list --sector arctic", [BARENTS]),
    ("channel list --actor Israel", [OSLO]),
    ("channel list --actor RUS --status active", [BARENTS]),
    ("engagement list", ["First secret round", "Kirkenes Declaration"]),
    (f"engagement list --channel '{BARENTS}'", ["Kirkenes Declaration"]),
    ("engagement list --actor Fafo", ["First secret round"]),
    ("engagement list --since 1993-01-15", ["First secret round"]),
    ("engagement list --limit 1", ["First secret round"]),
    ("agreement list", ["Barents Declaration", "Oslo I Accord"]),
    ("agreement list --actor Israel", ["Oslo I Accord"]),
    ("agreement list --status in_force", ["Barents Declaration"]),
    ("membership list", ["Norway in NATO", "Türkiye in NATO"]),
    (
        "membership list --org 'North Atlantic Treaty Organization'",
        ["Norway in NATO", "Türkiye in NATO"],
    ),
    ("membership list --member Turkey", ["Türkiye in NATO"]),
    ("objective list", ["Keep the Barents channel active"]),
    ("followup list", ["Report to the ministry", "Draft a declaration"]),
    ("followup list --overdue", ["Report to the ministry"]),
]


@pytest.mark.parametrize(("line", "expected"), LIST_CASES, ids=[case[0] for case in LIST_CASES])
def test_list_as_json_gives_the_expected_records(
    world: Cli, line: str, expected: list[str]
) -> None:
    assert [label(row) for row in world.json(*shlex.split(line))] == expected


@pytest.mark.parametrize(
    ("vocabulary", "present"),
    [
        ("tracks", {"1", "1.5", "2", "9"}),
        ("sectors", {"security", "arctic"}),
        ("engagement_kinds", {"track2_process", "military_exercises"}),
        ("channel_statuses", {"active", "dormant", "closed"}),
    ],
)
def test_taxonomy_list_as_json(world: Cli, vocabulary: str, present: set[str]) -> None:
    rows = world.json("taxonomy", "list", vocabulary)
    assert present <= {row["id"] for row in rows}
    assert all(row["name"] for row in rows)


SHOW_CASES = [
    (f"actor show '{ORGAN}'", "parent.name", "Norway"),
    (f"actor show '{ORGAN}'", "kind", "state_organ"),
    ("actor show Norway", "organs[].name", [ORGAN]),
    ("actor show Norway", "codes", ["NOR", "NO"]),
    ("actor show Norway", "memberships[].organisation.name", ["NATO"]),
    ("actor show Turkey", "name", "Türkiye"),
    ("actor show NATO", "members", 2),
    ("actor show 'Fafo Institute'", "aliases", ["Fafo Institute"]),
    (f"channel show '{OSLO}'", "track", "1"),
    (f"channel show '{OSLO}'", "participants[].name", ["Fafo", "Israel", "Palestine"]),
    (f"channel show '{BARENTS}'", "history[].track", ["1"]),
    ("agreement show 'Oslo I Accord'", "parties[].name", ["Israel", "Palestine"]),
    ("agreement show 'Oslo I Accord'", "obligations", ["Mutual recognition"]),
    ("agreement show 'Barents Declaration'", "in_force", "1993-01-11"),
    ("brief Norway", "actor.iso3", "NOR"),
    ("brief Norway", "channels[].name", [BARENTS]),
    ("brief Norway", "agreements_in_force[].name", ["Barents Declaration"]),
    ("brief Norway", "memberships[].organisation.name", ["NATO"]),
    ("brief Israel", "open_follow_ups[].action", ["Report to the ministry", "Draft a declaration"]),
    ("brief Israel", "recent_engagements[].summary", ["First secret round"]),
]


@pytest.mark.parametrize(
    ("line", "path", "expected"), SHOW_CASES, ids=[f"{c[0]}: {c[1]}" for c in SHOW_CASES]
)
def test_show_as_json_gives_the_expected_record(
    world: Cli, line: str, path: str, expected: object
) -> None:
    assert pluck(world.json(*shlex.split(line)), path) == expected


def test_lists_and_shows_on_each_backend(any_world: Cli) -> None:
    for line, expected in LIST_CASES:
        assert [label(row) for row in any_world.json(*shlex.split(line))] == expected, line
    for line, path, value in SHOW_CASES:
        assert pluck(any_world.json(*shlex.split(line)), path) == value, (line, path)


@pytest.mark.parametrize(
    "line",
    [
        "actor list",
        "actor show Norway",
        "channel list",
        f"channel show '{OSLO}'",
        "engagement list",
        "agreement list",
        "agreement show 'Oslo I Accord'",
        "membership list",
        "objective list",
        "followup list",
        "taxonomy list sectors",
        "brief Norway",
    ],
)
def test_table_output_is_printed(world: Cli, line: str) -> None:
    result = world(*shlex.split(line), env={"COLUMNS": "200"})
    assert result.stdout.strip()
    assert result.stderr == ""


# --------------------------------------------------------------------------------------------
# Adding records: each add is then visible

CHANNEL_C = "channel add C --track 2 --sector energy -p NOR -p RUS"

ADD_CASES = [
    # (setup, add, check: a list command whose records then include `expected`, expected)
    (
        [],
        "actor add 'Oslo Forum' --kind ngo --country Norway",
        "actor list --kind ngo",
        "Oslo Forum",
    ),
    (
        ["actor add NATO --kind igo"],
        "membership add Norway NATO --since 1949 --role member",
        "membership list --org NATO",
        "Norway in NATO",
    ),
    ([], CHANNEL_C, "channel list --actor Norway", "C"),
    (
        [CHANNEL_C],
        "engagement add --channel C --kind economic_cooperation --start 2024-03-05"
        " --summary 'Gas talks' --follow-up 'Send draft@2031-03-01'",
        "engagement list --channel C",
        "Gas talks",
    ),
    (
        [CHANNEL_C],
        "engagement add --channel C --kind economic_cooperation --start 2024-03-05"
        " --summary 'Gas talks' --follow-up 'Send draft@2031-03-01'",
        "followup list",
        "Send draft",
    ),
    (
        [],
        "agreement add 'Gas accord' --kind mou --status signed --adopted 2024-03"
        " --party Norway --party Germany",
        "agreement list --actor DEU",
        "Gas accord",
    ),
    (
        [],
        "objective add 'More gas talks' --actor Norway --indicator talks=3",
        "objective list",
        "More gas talks",
    ),
    (
        [],
        "taxonomy add sectors arctic 'Arctic affairs' --parent security",
        "taxonomy list sectors",
        "Arctic affairs",
    ),
    (
        ["taxonomy add sectors arctic 'Arctic affairs'"],
        "channel add 'High North' --track 1.5 --sector arctic -p NOR -p RUS",
        "channel list --sector arctic",
        "High North",
    ),
    (
        [
            CHANNEL_C,
            "taxonomy add engagement_kinds energy_dialogue 'Energy dialogue'"
            " --parent trade_investment",
        ],
        "engagement add --channel C --kind energy_dialogue --start 2024 --summary 'On gas'",
        "engagement list --kind energy_dialogue",
        "On gas",
    ),
]


@pytest.mark.parametrize(
    ("setup", "add", "check", "expected"), ADD_CASES, ids=[case[1] for case in ADD_CASES]
)
def test_an_added_record_is_then_visible(
    fresh: Cli, setup: list[str], add: str, check: str, expected: str
) -> None:
    for line in setup:
        fresh.sh(line)
    fresh.sh(add)
    assert expected in [label(row) for row in fresh.json(*shlex.split(check))]


def test_add_as_json_returns_the_new_id(fresh: Cli) -> None:
    added = fresh.json("actor", "add", "Oslo Forum", "--kind", "ngo")
    assert fresh.json("actor", "show", added["id"])["name"] == "Oslo Forum"


def test_engagement_follow_up_splits_action_and_due_date(fresh: Cli) -> None:
    fresh.sh(CHANNEL_C)
    fresh.sh(
        "engagement add --channel C --kind economic_cooperation --start 2024-03-05 --summary Talks"
        " --follow-up 'Send the draft to b@example.org@2031-03-01' --follow-up 'Call back'"
    )
    [engagement] = fresh.json("engagement", "list")
    follow_ups = [{k: v for k, v in f.items() if k != "id"} for f in engagement["follow_ups"]]
    assert follow_ups == [
        {"action": "Send the draft to b@example.org", "due": "2031-03-01", "done": False},
        {"action": "Call back", "due": None, "done": False},
    ]


def test_channel_move_appends_history_and_changes_the_current_track(fresh: Cli) -> None:
    fresh.sh(
        f"channel add '{OSLO}' --track 2 --sector security -p Norway -p Israel -p Palestine"
        " --started 1993-01-20"
    )
    channel_id = fresh.json("channel", "show", OSLO)["id"]

    result = fresh("channel", "move", channel_id, "--track", "1", "--date", "1993-06-01")

    assert "track 1" in result.stdout
    shown = fresh.json("channel", "show", channel_id)
    assert shown["track"] == "1"
    assert [(h["date"], h["track"], h["status"]) for h in shown["history"]] == [
        ("1993-01-20", "2", "active"),
        ("1993-06-01", "1", "active"),
    ]
    assert [c["name"] for c in fresh.json("channel", "list", "--track", "1")] == [OSLO]
    assert fresh.json("channel", "list", "--track", "2") == []


def test_channel_move_by_id_prefix_and_status_only(fresh: Cli) -> None:
    channel_id = add_channel(fresh, "C", "2", "energy", "Norway", "Russia")
    fresh("channel", "move", channel_id[:8], "--status", "dormant", "--date", "2024-01-01")
    shown = fresh.json("channel", "show", channel_id)
    assert (shown["track"], shown["status"]) == ("2", "dormant")
    assert shown["history"][-1]["date"] == "2024-01-01"


def test_key_adds_and_move_on_each_backend(db_url: str) -> None:
    cli = Cli(db_url)
    cli("init")
    cli("taxonomy", "add", "sectors", "arctic", "Arctic affairs")
    channel_id = add_channel(cli, "High North", "2", "arctic", "Norway", "Russia")
    cli("channel", "move", channel_id, "--track", "1", "--date", "1993-06-01")
    cli.sh(
        "engagement add --channel 'High North' --kind diplomatic_political --start 1993-06-02"
        " --summary Talks --follow-up 'Write up@2031-01-01'"
    )

    shown = cli.json("channel", "show", channel_id)
    assert (shown["track"], shown["sector"]) == ("1", "arctic")
    assert [h["track"] for h in shown["history"]] == ["1"]  # no start date: only the move
    assert [f["due"] for f in cli.json("followup", "list")] == ["2031-01-01"]
    assert [c["name"] for c in cli.json("brief", "Russia")["channels"]] == ["High North"]


# --------------------------------------------------------------------------------------------
# Errors: a non-zero exit, one line on stderr, never a traceback

CHANNEL_X = "channel add X --track 1 --sector energy"
ENGAGEMENT = f"engagement add --channel '{OSLO}' --kind relief --summary x"

ERROR_CASES = [
    # unknown or ambiguous actor
    ("actor show Atlantis", "no actor matches 'Atlantis'"),
    (f"actor show '{TWIN}'", "matches 2 actors"),
    ("brief Atlantis", "no actor matches 'Atlantis'"),
    ("membership add Norway Atlantis", "no actor matches 'Atlantis'"),
    (f"{CHANNEL_X} -p Norway -p Atlantis", "no actor matches 'Atlantis'"),
    ("channel list --actor Atlantis", "no actor matches 'Atlantis'"),
    ("agreement add X --kind mou --status signed --party Atlantis", "Atlantis"),
    # unknown channel or agreement
    ("channel show 'No such channel'", "no channel matches"),
    ("channel move 'No such channel' --track 1", "no channel matches"),
    ("engagement add --channel Nope --kind relief --start 2024 --summary x", "no channel matches"),
    ("agreement show 'No such accord'", "no agreement matches"),
    # bad dates
    (f"{CHANNEL_X} -p NOR -p RUS --started 1993-13-45", "invalid date '1993-13-45'"),
    (f"channel move '{OSLO}' --track 1 --date '1 June 1993'", "invalid date '1 June 1993'"),
    (f"{ENGAGEMENT} --start soon", "invalid date 'soon'"),
    (f"{ENGAGEMENT} --start 2024 --follow-up Call@2031-02-30", "invalid date '2031-02-30'"),
    (f"{ENGAGEMENT} --start 2024 --follow-up @2031-01-01", "ACTION@YYYY-MM-DD"),
    ("engagement list --since yesterday", "invalid date 'yesterday'"),
    ("membership add Norway NATO --since 1949-02-30", "invalid date"),
    ("objective add T --target-date 2030", "invalid date '2030'"),
    # unknown track, sector or status
    ("channel add X --track 42 --sector energy -p NOR -p RUS", "unknown track '42'"),
    ("channel add X --track 1 --sector polar -p NOR -p RUS", "unknown sector 'polar'"),
    (f"{CHANNEL_X} -p NOR -p RUS --status asleep", "unknown channel status 'asleep'"),
    (f"channel move '{OSLO}' --track 0", "unknown track '0'"),
    ("channel list --track 10", "unknown track '10'"),
    ("channel list --sector polar", "unknown sector 'polar'"),
    # bad kinds
    ("actor add X --kind alien", "unknown actor kind 'alien'"),
    ("actor list --kind alien", "unknown actor kind 'alien'"),
    (
        f"engagement add --channel '{OSLO}' --kind party --start 2024 --summary x",
        "unknown engagement kind 'party'",
    ),
    ("engagement list --kind party", "unknown engagement kind 'party'"),
    ("agreement add X --kind pact --status signed", "unknown agreement kind 'pact'"),
    ("agreement list --status dreamt", "unknown agreement status 'dreamt'"),
    ("taxonomy list moods", "unknown 'moods'"),
    ("taxonomy add tracks 10 'Track ten'", "cannot be extended"),
    ("taxonomy add sectors security 'Security again'", "already"),
    # missing or misused options
    ("actor add X", "Missing option '--kind'"),
    ("channel add X --track 1 -p NOR -p RUS", "Missing option '--sector'"),
    (f"engagement add --channel '{OSLO}' --kind relief --start 2024", "Missing option '--summary'"),
    ("agreement add X --kind mou", "Missing option '--status'"),
    ("membership add Norway", "Missing argument"),
    ("actor list --format xml", "'xml'"),
    ("actor list --colour red", "No such option"),
    ("frobnicate", "No such command 'frobnicate'"),
    (f"{CHANNEL_X} -p NOR", "participants"),
    (f"channel move '{OSLO}'", "give --track, --status or both"),
    ("actor add NATO --kind igo", "already exists"),
]


@pytest.mark.parametrize(("line", "message"), ERROR_CASES, ids=[case[0] for case in ERROR_CASES])
def test_an_error_is_one_line_on_stderr_and_a_non_zero_exit(
    world: Cli, line: str, message: str
) -> None:
    result = world.run(*shlex.split(line))

    assert result.exit_code != 0
    assert isinstance(result.exception, SystemExit | None), repr(result.exception)
    assert "Traceback" not in result.output
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    assert message in lines[0]


def test_a_refused_add_changes_nothing(world: Cli) -> None:
    before = world.json("channel", "list")
    result = world.run(*shlex.split(f"{CHANNEL_X} -p NOR -p Atlantis"))
    assert result.exit_code != 0
    assert world.json("channel", "list") == before


def test_errors_on_each_backend(db_url: str) -> None:
    cli = Cli(db_url)
    refused = cli.run("actor", "list")
    assert refused.exit_code != 0
    assert "multitrack init" in refused.stderr
    cli("init")
    for args, message in [
        (["actor", "show", "Atlantis"], "no actor matches"),
        (["actor", "show", "\x00"], "no actor matches"),
        (["channel", "list", "--track", "42"], "unknown track"),
        (["engagement", "list", "--since", "soon"], "invalid date"),
    ]:
        result = cli.run(*args)
        assert result.exit_code != 0, args
        assert isinstance(result.exception, SystemExit), repr(result.exception)
        assert message in result.stderr, (args, result.stderr)
        assert len(result.stderr.strip().splitlines()) == 1


def test_a_bare_subcommand_prints_its_help(world: Cli) -> None:
    result = world.run("channel")
    assert "Usage" in result.stdout + result.stderr
    assert "move" in result.stdout + result.stderr


def test_version() -> None:
    result = Cli(None)("--version")
    assert result.stdout.startswith("multitrack ")


# --------------------------------------------------------------------------------------------
# Choosing the database: --db, then MULTITRACK_DB


def test_db_option_and_environment_select_the_database(world: Cli, fresh: Cli) -> None:
    assert world.db is not None
    assert fresh.db is not None
    only_env = Cli(None)
    assert [c["name"] for c in only_env.json("channel", "list", env={DB_ENV: world.db})] == [
        BARENTS,
        OSLO,
    ]
    assert only_env.json("channel", "list", env={DB_ENV: fresh.db}) == []
    # --db wins over MULTITRACK_DB
    assert fresh.json("channel", "list", env={DB_ENV: world.db}) == []
    assert len(world.json("channel", "list", env={DB_ENV: fresh.db})) == 2


def test_db_accepts_a_bare_sqlite_path(world: Cli) -> None:
    assert world.db is not None
    path = world.db.removeprefix("sqlite:///")
    assert len(Cli(path).json("channel", "list")) == 2
    assert len(Cli(None).json("channel", "list", env={DB_ENV: path})) == 2


def test_without_db_or_environment_the_user_data_directory_is_used(tmp_path: Path) -> None:
    result = Cli(None)("init")
    expected = tmp_path / "xdg-data" / "multitrack" / "multitrack.db"
    assert str(expected) in result.stdout.replace("\n", "")
    assert expected.exists()
