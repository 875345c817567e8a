"""Relations on the real GDELT 2.0 samples against an independent computation over the raw files.

The expected figures below come from the raw tab-separated files through the csv module alone:
counting per ``SQLDATE`` period and distinct ``GLOBALEVENTID``, with labels from ``datetime``.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from multitrack.cli.main import app
from multitrack.events.asymmetry import asymmetry
from multitrack.events.engines import EventSource, EventStoreError, connect
from multitrack.events.parties import Party, party_of, resolve_party
from multitrack.events.partners import top_partners
from multitrack.events.periods import PERIODS, Period
from multitrack.events.relations import SERIES_COLUMNS, dyad_series, dyad_table
from multitrack.model import Actor
from multitrack.security.principal import LOCAL_ADMIN
from multitrack.services.setup import init_database
from multitrack.store import open_store
from tests.events.relations_data import DUPLICATED

# ------------------------------------------------------------------------------------------
# The independent computation


def label(day: str, by: str) -> str:
    d = date(int(day[:4]), int(day[4:6]), int(day[6:8]))
    if by == "day":
        return d.isoformat()
    if by == "week":
        year, week, _ = d.isocalendar()
        return f"{year}-W{week:02d}"
    if by == "month":
        return day[:4] + "-" + day[4:6]
    if by == "quarter":
        return f"{day[:4]}-Q{(int(day[4:6]) + 2) // 3}"
    return day[:4]


def expected(
    raw: list[list[str]], by: str, *, source: str, target: str, code: bool = False
) -> dict[str, dict[str, Any]]:
    """Per period label: distinct events, quad-class counts, Goldstein sum, of source → target
    (countries, columns 7 and 17; or with ``code``, codes 5 and 15 starting with the given)."""
    seen: set[str] = set()
    out: dict[str, dict[str, Any]] = {}
    for row in raw:
        if code:
            hit = row[5].startswith(source) and row[15].startswith(target)
        else:
            hit = row[7] == source and row[17] == target
        if not hit or row[0] in seen:
            continue
        seen.add(row[0])
        cell = out.setdefault(
            label(row[1], by),
            {"events": 0, "q": Counter(), "goldstein_sum": 0.0},
        )
        cell["events"] += 1
        cell["q"][row[29]] += 1
        cell["goldstein_sum"] += float(row[30])
    return out


def busiest_dyads(raw: list[list[str]], n: int) -> list[tuple[str, str]]:
    counts = Counter(
        (r[7], r[17]) for r in {r[0]: r for r in raw}.values() if r[7] and r[17] and r[7] != r[17]
    )
    return [pair for pair, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:n]]


def check_against(series_records: list[dict[str, Any]], want: dict[str, dict[str, Any]]) -> None:
    got = {r["period"]: r for r in series_records if r["events"]}
    assert set(got) == set(want)
    for period, cell in want.items():
        row = got[period]
        assert row["events"] == cell["events"], period
        assert [row[c] for c in SERIES_COLUMNS[4:8]] == [cell["q"][q] for q in "1234"], period
        assert row["goldstein_sum"] == pytest.approx(cell["goldstein_sum"], abs=1e-6)
        assert row["goldstein_mean"] == pytest.approx(cell["goldstein_sum"] / cell["events"])
        coop = cell["q"]["1"] + cell["q"]["2"]
        assert row["coop_share"] == pytest.approx(coop / cell["events"])
    for row in series_records:
        if not row["events"]:
            assert row["goldstein_sum"] == 0.0
            assert row["goldstein_mean"] is None
            assert row["coop_share"] is None
            assert all(row[c] == 0 for c in SERIES_COLUMNS[4:8])


# ------------------------------------------------------------------------------------------
# Fixtures


@pytest.fixture(scope="module")
def duck(gdelt2_events: Path) -> EventSource:
    return connect("duckdb", gdelt2_events)


USA, CHN = Party.state("USA"), Party.state("CHN")


# ------------------------------------------------------------------------------------------
# Dyad series on the real sample


def test_the_store_holds_one_sample_twice(gdelt2_events: Path) -> None:
    """The fixture's duplicate: every figure below also proves each event counts once."""
    parts = [p for p in gdelt2_events.rglob("*.parquet") if p.name.startswith(DUPLICATED)]
    again = sum(pq.read_metadata(p).num_rows for p in parts if "again" in p.name)
    assert again == 2111


@pytest.mark.parametrize("by", PERIODS)
def test_usa_to_china_matches_the_raw_file(
    duck: EventSource, gdelt2_raw: list[list[str]], by: Period
) -> None:
    series = dyad_series(duck.events, USA, CHN, by)
    records = series.records()
    assert tuple(records[0]) == SERIES_COLUMNS
    assert {(r["source"], r["target"]) for r in records} == {("USA", "CHN")}
    want = expected(gdelt2_raw, by, source="USA", target="CHN")
    assert sum(c["events"] for c in want.values()) > 10
    check_against(records, want)
    # the range runs from the dyad's first to its last event, every period listed once
    assert records[0]["period"] == min(want)
    assert records[-1]["period"] == max(want)
    assert len({r["period"] for r in records}) == len(records)


@pytest.mark.parametrize("by", PERIODS)
def test_the_busiest_dyads_match_the_raw_file(
    duck: EventSource, gdelt2_raw: list[list[str]], by: Period
) -> None:
    for source, target in busiest_dyads(gdelt2_raw, 5):
        series = dyad_series(duck.events, Party.state(source), Party.state(target), by)
        check_against(series.records(), expected(gdelt2_raw, by, source=source, target=target))


def test_month_counts_of_the_busiest_dyads_by_hand(
    duck: EventSource, gdelt2_raw: list[list[str]]
) -> None:
    """The plainest check: events per SQLDATE month, nothing else."""
    for source, target in [("USA", "CHN"), *busiest_dyads(gdelt2_raw, 3)]:
        ids: dict[str, set[str]] = defaultdict(set)
        for r in gdelt2_raw:
            if r[7] == source and r[17] == target:
                ids[f"{r[1][:4]}-{r[1][4:6]}"].add(r[0])
        series = dyad_series(duck.events, Party.state(source), Party.state(target), "month")
        got = {r.period: r.events for r in series.rows if r.events}
        assert got == {m: len(v) for m, v in ids.items()}


def test_actor_codes_match_by_prefix(duck: EventSource, gdelt2_raw: list[list[str]]) -> None:
    series = dyad_series(duck.events, Party.coded("USAGOV"), Party.state("RUS"), "year")
    want: dict[str, dict[str, Any]] = {}
    seen: set[str] = set()
    for r in gdelt2_raw:
        if r[5].startswith("USAGOV") and r[17] == "RUS" and r[0] not in seen:
            seen.add(r[0])
            want.setdefault(r[1][:4], {"events": 0})["events"] += 1
    assert {r.period: r.events for r in series.rows if r.events} == {
        k: v["events"] for k, v in want.items()
    }
    coded = dyad_series(duck.events, Party.coded("USA"), Party.coded("CHN"), "year")
    check_against(
        coded.records(), expected(gdelt2_raw, "year", source="USA", target="CHN", code=True)
    )


def test_a_range_fills_every_period_with_zeros(duck: EventSource) -> None:
    series = dyad_series(
        duck.events, USA, CHN, "month", start=date(2018, 11, 15), end=date(2019, 3, 2)
    )
    assert [r.period for r in series.rows] == [
        "2018-11",
        "2018-12",
        "2019-01",
        "2019-02",
        "2019-03",
    ]
    whole = {r.period: r for r in dyad_series(duck.events, USA, CHN, "month").rows}
    for row in series.rows:
        if row.period not in ("2018-11", "2019-03"):  # partial months at the ends
            assert row == whole[row.period]


def test_a_dyad_without_events(duck: EventSource) -> None:
    nobody = Party.state("ATA")
    assert dyad_series(duck.events, nobody, USA, "year").rows == ()
    empty = dyad_series(duck.events, nobody, USA, "quarter", date(2019, 1, 1), date(2019, 12, 31))
    assert [r.period for r in empty.rows] == ["2019-Q1", "2019-Q2", "2019-Q3", "2019-Q4"]
    assert all(r.events == 0 and r.goldstein_mean is None for r in empty.rows)


def test_dataset_filter(duck: EventSource) -> None:
    assert dyad_series(duck.events, USA, CHN, "year", dataset="gdelt2").rows
    assert dyad_series(duck.events, USA, CHN, "year", dataset="acled").rows == ()


def test_arrow_output_has_the_columns_in_order(duck: EventSource) -> None:
    table = dyad_series(duck.events, USA, CHN, "quarter").to_arrow()
    assert tuple(table.column_names) == SERIES_COLUMNS


def test_asymmetry_puts_both_directions_side_by_side(duck: EventSource) -> None:
    rows = asymmetry(duck.events, USA, CHN, "year")
    forward = {r.period: r for r in dyad_series(duck.events, USA, CHN, "year").rows}
    backward = {r.period: r for r in dyad_series(duck.events, CHN, USA, "year").rows}
    assert rows
    assert {r.period for r in rows} == set(forward) | set(backward)
    for row in rows:
        f, b = forward.get(row.period), backward.get(row.period)
        assert row.events_ab == (f.events if f else 0)
        assert row.events_ba == (b.events if b else 0)
        if f and b and f.goldstein_mean is not None and b.goldstein_mean is not None:
            assert row.goldstein_gap == pytest.approx(f.goldstein_mean - b.goldstein_mean)
            assert row.coop_share_gap == pytest.approx(f.coop_share - b.coop_share)  # type: ignore[operator]


def test_top_partners_of_the_usa(duck: EventSource, gdelt2_raw: list[list[str]]) -> None:
    unique = {r[0]: r for r in gdelt2_raw}.values()
    out = Counter(r[17] for r in unique if r[7] == "USA" and r[17] and r[17] != "USA")
    into = Counter(r[7] for r in unique if r[17] == "USA" and r[7] and r[7] != "USA")
    total = out + into
    rows = top_partners(duck.events, USA, 8)
    assert [r.partner for r in rows] == [
        p for p, _ in sorted(total.items(), key=lambda kv: (-kv[1], kv[0]))[:8]
    ]
    for row in rows:
        assert (row.outgoing, row.incoming, row.events) == (
            out[row.partner],
            into[row.partner],
            total[row.partner],
        )
        assert (
            row.verbal_coop + row.material_coop + row.verbal_conflict + row.material_conflict
            == (row.events)
        )


def test_dyad_table_agrees_with_dyad_series(duck: EventSource, gdelt2_raw: list[list[str]]) -> None:
    table = dyad_table(duck.events, by="month").to_pyarrow().to_pylist()
    for source, target in busiest_dyads(gdelt2_raw, 3):
        mine = {
            f"{r['period_start']:%Y-%m}": r["events"]
            for r in table
            if (r["source"], r["target"]) == (source, target)
        }
        series = dyad_series(duck.events, Party.state(source), Party.state(target), "month")
        assert mine == {r.period: r.events for r in series.rows if r.events}


def test_a_missing_store_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(EventStoreError, match="no event store"):
        connect("duckdb", tmp_path / "nothing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(EventStoreError, match="holds no events"):
        connect("duckdb", tmp_path / "empty")


# ------------------------------------------------------------------------------------------
# Registry actors -> match specs


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("registry") / "multitrack.db"
    store = open_store(f"sqlite:///{path}")
    init_database(store)
    store.dispose()
    return str(path)


@pytest.mark.parametrize(
    ("ref", "party"),
    [
        ("United States", Party.state("USA")),
        ("USA", Party.state("USA")),
        ("CN", Party.state("CHN")),
        ("People's Republic of China", Party.state("CHN")),
    ],
)
def test_actor_references_resolve_through_the_registry(
    registry: str, ref: str, party: Party
) -> None:
    store = open_store(f"sqlite:///{registry}")
    try:
        with store.session(LOCAL_ADMIN) as s:
            found = resolve_party(s, ref)
    finally:
        store.dispose()
    assert (found.label, found.country, found.code) == (party.label, party.country, party.code)


def test_non_state_actors_match_on_their_cameo_code() -> None:
    un = Actor(kind="igo", name="United Nations", cameo_code="IGOUNO")
    assert party_of(un) == Party.coded("IGOUNO", "United Nations")
    with pytest.raises(Exception, match="no ISO3 or CAMEO code"):
        party_of(Actor(kind="ngo", name="Nobody"))


# ------------------------------------------------------------------------------------------
# The CLI


@pytest.fixture(scope="module")
def cli_env(registry: str, gdelt2_events: Path) -> dict[str, str]:
    return {"MULTITRACK_DB": registry, "MULTITRACK_EVENTS_DIR": str(gdelt2_events.parent)}


def test_cli_relations_csv_has_the_exact_columns(
    cli_env: dict[str, str], gdelt2_raw: list[list[str]]
) -> None:
    result = CliRunner().invoke(
        app, ["relations", "United States", "China", "--by", "quarter", "--format", "csv"],
        env=cli_env,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert lines[0] == ",".join(SERIES_COLUMNS)
    want = expected(gdelt2_raw, "quarter", source="USA", target="CHN")
    got = {line.split(",")[0]: int(line.split(",")[3]) for line in lines[1:]}
    assert {k: v for k, v in got.items() if v} == {k: v["events"] for k, v in want.items()}


def test_cli_relations_json_table_and_chart(cli_env: dict[str, str], tmp_path: Path) -> None:
    runner = CliRunner()
    as_json = runner.invoke(
        app,
        ["relations", "USA", "CHN", "--format", "json", "--from", "2019-01", "--to", "2019-03"],
        env=cli_env,
    )
    assert as_json.exit_code == 0, as_json.output
    data = json.loads(as_json.stdout)
    assert [r["period"] for r in data] == ["2019-01", "2019-02", "2019-03"]
    assert list(data[0]) == list(SERIES_COLUMNS)
    for name in ("chart.png", "chart.svg"):
        table = runner.invoke(
            app, ["relations", "USA", "CHN", "--by", "year", "--chart", str(tmp_path / name)],
            env=cli_env,
        )  # fmt: skip
        assert table.exit_code == 0, table.output
        assert "USA" in table.stdout or "United States" in table.stdout
    assert (tmp_path / "chart.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "<svg" in (tmp_path / "chart.svg").read_text()[:2000]


def test_cli_partners_and_watch(cli_env: dict[str, str]) -> None:
    runner = CliRunner()
    partners = runner.invoke(
        app, ["partners", "USA", "--top", "3", "--format", "json"], env=cli_env
    )
    assert partners.exit_code == 0, partners.output
    assert [r["partner"] for r in json.loads(partners.stdout)] == ["ISR", "GBR", "SYR"]
    watch = runner.invoke(app, ["watch", "--format", "csv"], env=cli_env)
    assert watch.exit_code == 0, watch.output
    assert watch.stdout.startswith("source,target,period,direction,score")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["relations", "USA", "Atlantis"], "no actor matches 'Atlantis'"),
        (["relations", "USA", "CHN", "--by", "fortnight"], "unknown period 'fortnight'"),
        (
            ["relations", "USA", "CHN", "--from", "2019-13"],
            "from: '2019-13': month must be in 1..12",
        ),
        (["relations", "USA", "CHN", "--chart", "x.pdf"], "use a .png or .svg"),
        (["partners", "USA", "--engine", "hadoop"], "unknown engine 'hadoop'"),
    ],
)
def test_cli_errors_are_one_line(cli_env: dict[str, str], args: list[str], message: str) -> None:
    result = CliRunner().invoke(app, args, env=cli_env)
    assert result.exit_code != 0
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_cli_without_an_event_store(registry: str, tmp_path: Path) -> None:
    env = {"MULTITRACK_DB": registry, "MULTITRACK_EVENTS_DIR": str(tmp_path)}
    result = CliRunner().invoke(app, ["relations", "USA", "CHN"], env=env)
    assert result.exit_code == 6
    assert "no event store" in result.stderr
