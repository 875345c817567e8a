"""Early warnings, trends and code descriptions on synthetic series with known answers."""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from multitrack.events.engines import EventSource, connect
from multitrack.events.eventcodes import describe, event_code_descriptions
from multitrack.events.parties import Party
from multitrack.events.periods import next_start
from multitrack.events.relations import Counts, DyadSeries, dyad_series, fill
from multitrack.events.trends import mad, median, theil_sen, trend
from multitrack.events.warnings import WarningRules, detect, early_warnings, watch
from tests.events.relations_data import write_store

#: code -> (quad class, Goldstein) as in GDELT's CAMEO tables.
CODES: dict[str, tuple[int, float]] = {
    "042": (1, 1.9),
    "036": (1, 4.0),
    "057": (1, 8.0),
    "051": (1, 3.4),
    "111": (3, -2.0),
    "190": (4, -10.0),
    "173": (4, -5.0),
}
CALM = (("042", 0.4), ("036", 0.2), ("057", 0.1), ("051", 0.1), ("111", 0.2))
BREAK = {"190": 12, "173": 6}
MONTHS = [date(2017 + i // 12, i % 12 + 1, 1) for i in range(24)]


def event(n: int, source: str, target: str, day: date, code: str) -> dict[str, Any]:
    quad, goldstein = CODES[code]
    return {
        "dataset": "synthetic",
        "event_id": f"{source}{target}-{n}",
        "date": day,
        "source_code": source,
        "source_country": source,
        "target_code": target,
        "target_country": target,
        "event_code": code,
        "root_code": code[:2],
        "quad_class": quad,
        "goldstein": goldstein,
        "file": "synthetic",
        "line": n,
    }


def dyad_events(
    source: str,
    target: str,
    *,
    seed: int,
    per_month: tuple[int, int] = (18, 24),
    breaks: dict[int, dict[str, int]] | None = None,
) -> list[dict[str, Any]]:
    """Two years of calm monthly relations, with planted extra codes in the given months."""
    rng = random.Random(seed)
    codes, weights = zip(*CALM, strict=True)
    out: list[dict[str, Any]] = []
    for i, month in enumerate(MONTHS):
        drawn = rng.choices(codes, weights, k=rng.randint(*per_month))
        for code, count in (breaks or {}).get(i, {}).items():
            drawn += [code] * count
        for code in drawn:
            out.append(event(len(out), source, target, month.replace(day=rng.randint(1, 28)), code))
    return out


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> EventSource:
    events = (
        dyad_events("AAA", "BBB", seed=1, breaks={20: BREAK})  # a break in 2018-09
        + dyad_events("CCC", "DDD", seed=2, per_month=(28, 34), breaks={23: BREAK})  # 2018-12
        + dyad_events("EEE", "FFF", seed=3, per_month=(6, 9))
        + [event(i, "GGG", "GGG", date(2018, 12, 5), "190") for i in range(40)]  # domestic
    )
    for seed in range(10, 15):
        events += dyad_events(f"S{seed}", "ZZZ", seed=seed)
    root = write_store(tmp_path_factory.mktemp("synthetic") / "events", events)
    return connect("duckdb", root)


def test_a_planted_break_is_found_with_the_codes_that_drove_it(store: EventSource) -> None:
    series = dyad_series(store.events, Party.state("AAA"), Party.state("BBB"), "month")
    found = early_warnings(store.events, series)
    assert [w.period for w in found] == ["2018-09"]
    warning = found[0]
    assert warning.direction == "worse"
    assert warning.goldstein_z <= -3.5
    assert warning.conflict_z >= 3.5
    assert [d.code for d in warning.drivers[:2]] == ["190", "173"]
    assert warning.drivers[0].count == 12
    assert warning.drivers[0].baseline == 0
    assert warning.drivers[0].description == "Use conventional military force, not specified below"
    assert "173 Arrest, detain, or charge with legal action (+6)" in warning.explanation


@pytest.mark.parametrize("seed", range(10, 15))
def test_stable_relations_raise_no_warning(store: EventSource, seed: int) -> None:
    series = dyad_series(store.events, Party.state(f"S{seed}"), Party.state("ZZZ"), "month")
    assert len(series.rows) == 24
    assert early_warnings(store.events, series) == []


def test_too_few_events_are_not_tested(store: EventSource) -> None:
    series = dyad_series(store.events, Party.state("EEE"), Party.state("FFF"), "month")
    strict = WarningRules(min_events=10)
    assert early_warnings(store.events, series, strict) == []


def test_an_improvement_is_a_warning_too() -> None:
    calm = [Counts(events=20, verbal_conflict=20, goldstein_sum=-40.0, goldstein_n=20)] * 12
    better = Counts(events=20, verbal_coop=20, goldstein_sum=80.0, goldstein_n=20)
    counts = {m: c for m, c in zip(MONTHS, [*calm, better], strict=False)}
    rows = fill(counts, by="month", source="X", target="Y", first=None, last=None)
    series = DyadSeries(Party.state("X"), Party.state("Y"), "month", rows)
    codes = {m: {"111": 20} for m in MONTHS[:12]} | {MONTHS[12]: {"057": 20}}
    (warning,) = detect(series, codes, {"111": -2.0, "057": 8.0})
    assert (warning.period, warning.direction) == ("2018-01", "better")
    assert [d.code for d in warning.drivers] == ["057"]


def test_a_flat_baseline_uses_the_scale_floor() -> None:
    """With identical baseline periods MAD is 0: a 0.3-point wobble must not warn."""
    calm = [Counts(events=10, verbal_coop=10, goldstein_sum=20.0, goldstein_n=10)] * 12
    wobble = Counts(events=10, verbal_coop=10, goldstein_sum=17.0, goldstein_n=10)
    counts = dict(zip(MONTHS, [*calm, wobble], strict=False))
    rows = fill(counts, by="month", source="X", target="Y", first=None, last=None)
    series = DyadSeries(Party.state("X"), Party.state("Y"), "month", rows)
    assert detect(series, {}, {}) == []


def test_watch_reports_current_warnings_of_the_most_active_dyads(store: EventSource) -> None:
    found = watch(store.events, by="month", top=3)
    assert [(w.source, w.target, w.period) for w in found] == [("CCC", "DDD", "2018-12")]
    assert [d.code for d in found[0].drivers[:2]] == ["190", "173"]
    # CCC->DDD is the busiest pair; with the top 1 only it is watched; the 2018-09 break of
    # AAA->BBB is not current, unless we watch as of then
    assert [w.source for w in watch(store.events, top=1)] == ["CCC"]
    then = watch(store.events, top=10, as_of=date(2018, 9, 30))
    assert [(w.source, w.period) for w in then] == [("AAA", "2018-09")]
    assert watch(store.events, top=10, dataset="gdelt2") == []


# ------------------------------------------------------------------------------------------
# Trend


def line_series(values: list[float | None]) -> DyadSeries:
    counts = {
        m: Counts(events=10, verbal_coop=10, goldstein_sum=v * 10, goldstein_n=10)
        for m, v in zip(MONTHS, values, strict=False)
        if v is not None
    }
    rows = fill(
        counts, by="month", source="X", target="Y", first=MONTHS[0],
        last=MONTHS[len(values) - 1],
    )  # fmt: skip
    return DyadSeries(Party.state("X"), Party.state("Y"), "month", rows)


def test_theil_sen_ignores_an_outlier() -> None:
    xs = [float(x) for x in range(10)]
    ys = [2.0 * x + 1 for x in xs]
    ys[7] = 100.0
    slope, intercept = theil_sen(xs, ys)
    assert slope == pytest.approx(2.0)
    assert intercept == pytest.approx(1.0)
    assert median([3.0, 1.0, 2.0, 10.0]) == 2.5
    assert mad([1.0, 2.0, 3.0, 4.0, 100.0]) == 1.0


@pytest.mark.parametrize(
    ("values", "direction", "slope"),
    [
        ([1.0, 1.5, 2.0, 2.5, 3.0, 3.5], "improving", 0.5),
        ([3.0, 2.0, None, 0.0, -1.0, 9.0, -3.0], "worsening", -1.0),  # a gap keeps its place
        ([2.0, 2.1, 1.9, 2.0, 2.05, 1.95], "flat", None),
        ([2.0, None, None, 1.0], "unknown", None),
    ],
)
def test_trend(values: list[float | None], direction: str, slope: float | None) -> None:
    result = trend(line_series(values), window=12)
    assert result.direction == direction
    if slope is not None:
        assert result.slope == pytest.approx(slope)


def test_trend_uses_the_last_window_periods_only() -> None:
    result = trend(line_series([9.0, 9.0, 9.0, 1.0, 2.0, 3.0]), window=3)
    assert (result.first, result.last, result.slope) == ("2017-04", "2017-06", 1.0)


# ------------------------------------------------------------------------------------------
# CAMEO descriptions


def test_the_vendored_cameo_table() -> None:
    table = event_code_descriptions()
    assert len(table) == 311
    assert sum(len(code) == 2 for code in table) == 20
    assert table["044"] == 'Meet at a "third" location'
    assert all(text.isascii() and text == text.strip() for text in table.values())
    assert describe("999") == "(not a CAMEO event code)"


def test_next_start_is_used_for_the_warning_range() -> None:
    assert next_start(date(2018, 12, 1), "month") == date(2019, 1, 1)


def test_write_store_layout(tmp_path: Path) -> None:
    root = write_store(tmp_path / "events", [event(1, "A", "B", date(2019, 2, 3), "042")])
    assert [p.relative_to(root).as_posix() for p in root.rglob("*.parquet")] == [
        "dataset=synthetic/month=2019-02/part-0.parquet"
    ]
