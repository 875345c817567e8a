"""Event ingest and query benchmark (issue 3, "Performance"): one command, ratios in one run.

    uv run python benchmarks/events.py --rows 1000000 10000000 --out /tmp/mtbench

For each size it generates a GDELT 2.0 export file (61 tab-separated columns, no header) by
resampling the real rows of ``shared/data/gdelt2`` with a fixed seed (GLOBALEVENTID rewritten
unique; rows in publication order over 2015-2019, each dated by a real row's lag between
DATEADDED and SQLDATE, MonthYear/Year/FractionDate to match; ``--dates uniform`` spreads the
dates uniformly in random order instead), then measures, each route in its own process
(A B A B ..., medians of ``--repeats`` runs):

* **ours** — ``multitrack.events.ingest.ingest`` into a fresh events dir (one Parquet file under
  ``events/_incoming``, queryable at once), then **compact** timed apart (``EventStore.compact``:
  splits it by month and sorts each month by dyad and date);
* **floor** — the faster of DuckDB alone (``COPY (SELECT cols FROM read_csv) TO parquet``) and
  polars alone (``scan_csv().select().sink_parquet()``), same file, same 18 columns, zstd;
* **pandas** — ``pandas.read_csv(usecols=..., dtype=...)`` + ``to_parquet`` (zstd);
* **queries** over everything stored — all dyads by month (``relations.table_on``) and one
  busy dyad's monthly series (``relations.series_on``, USA -> CHN), after building the dyad
  rollup (timed): on a store already open, as a new source in a running process (open +
  answer: a web page), in a new process (open + answer, imports left out: a CLI command), and
  from the raw events without the rollup — against pandas answering the same question from its
  Parquet file: reading the columns then grouping (in a running process and in a new one) and
  grouping a frame already in memory;
* **peak memory** of each ingest process (``ru_maxrss`` of the finished child).

Generated files stay under ``--out`` (never in the repo) and are reused when present;
``--queries-only`` reruns just the query part on the stores an earlier run left there.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO.parent / "shared" / "data" / "gdelt2"
SEED = 20240603
FIRST_DAY = date(2015, 1, 1)
LAST_DAY = date(2019, 12, 31)
CHUNK = 1_000_000

#: The GDELT columns our ingest keeps (schema columns), and the type each route gives them.
KEPT: dict[str, str] = {
    "GLOBALEVENTID": "int64",
    "SQLDATE": "int32",
    "Actor1Code": "str",
    "Actor1Name": "str",
    "Actor1CountryCode": "str",
    "Actor2Code": "str",
    "Actor2Name": "str",
    "Actor2CountryCode": "str",
    "EventCode": "str",
    "EventRootCode": "str",
    "QuadClass": "int8",
    "GoldsteinScale": "float64",
    "NumMentions": "int32",
    "NumSources": "int32",
    "ActionGeo_CountryCode": "str",
    "ActionGeo_Lat": "float64",
    "ActionGeo_Long": "float64",
    "SOURCEURL": "str",
}
DUCK = {"int64": "BIGINT", "int32": "INTEGER", "int8": "TINYINT", "float64": "DOUBLE"}
DYAD = ("USA", "CHN")
TARGETS = {
    "ingest / floor": 1.5,
    "pandas ingest / ingest": 2.0,
    "dyad-by-month (s)": 0.25,
    "one dyad (s)": 0.05,
    "pandas / ours (queries)": 50.0,
    "peak RSS (MB)": 1536.0,
}


def columns() -> tuple[str, ...]:
    from multitrack.events.formats.gdelt import GDELT2_EXPORT

    return GDELT2_EXPORT.columns


# ------------------------------------------------------------------------------------------
# Generation


def generate(rows: int, path: Path, seed: int = SEED, dates: str = "chronological") -> None:
    """Write ``rows`` resampled GDELT 2.0 rows to ``path`` (1M-row chunks, polars).

    ``chronological`` (the default) is what GDELT's files are: rows in publication order, the
    publication day advancing evenly over 2015-2019 through the file, each row dated by the
    lag between DATEADDED and SQLDATE of the real row it copies. ``uniform`` spreads SQLDATE
    uniformly over the five years in random order (no real file looks like that)."""
    import numpy as np
    import polars as pl

    names = columns()
    real = pl.concat(
        [
            pl.read_csv(
                p,
                separator="\t",
                has_header=False,
                new_columns=list(names),
                infer_schema=False,
                quote_char=None,
            )
            for p in sorted(SAMPLES.glob("*.export.CSV"))
        ]
    )
    # how many days before its publication (DATEADDED) each real event happened: GDELT dates an
    # event by SQLDATE, mostly the day it was reported, some a month or a year earlier
    lag = (
        real.select(
            pl.col("DATEADDED").str.slice(0, 8).str.strptime(pl.Date, "%Y%m%d")
            - pl.col("SQLDATE").str.strptime(pl.Date, "%Y%m%d")
        )
        .to_series()
        .dt.total_days()
        .to_numpy()
    )
    rng = np.random.default_rng(seed)
    days = (LAST_DAY - FIRST_DAY).days + 1
    epoch = (FIRST_DAY - date(1970, 1, 1)).days
    tmp = path.with_suffix(".partial")
    with tmp.open("wb") as out:
        for start in range(0, rows, CHUNK):
            n = min(CHUNK, rows - start)
            index = rng.integers(0, real.height, n)
            picked = real[index]
            if dates == "uniform":  # the worst case for writing month folders: any row any month
                offset = rng.integers(0, days, n)
                published = offset
            else:  # published in file order over the span, dated by the real lags
                published = (np.arange(start, start + n) * days) // rows
                offset = published - lag[index]
            day = pl.Series("d", epoch + offset, dtype=pl.Int32).cast(pl.Date)
            added = pl.Series("a", epoch + published, dtype=pl.Int32).cast(pl.Date)
            frame = picked.with_columns(
                pl.Series("GLOBALEVENTID", np.arange(start, start + n) + 1_000_000_000).cast(
                    pl.String
                ),
                (added.dt.strftime("%Y%m%d") + pl.col("DATEADDED").str.slice(8)).alias("DATEADDED"),
                day.dt.strftime("%Y%m%d").alias("SQLDATE"),
                day.dt.strftime("%Y%m").alias("MonthYear"),
                day.dt.strftime("%Y").alias("Year"),
                (day.dt.year() + (day.dt.ordinal_day() - 1) / 365.0)
                .round(4)
                .cast(pl.String)
                .alias("FractionDate"),
            ).select(names)
            frame.write_csv(out, separator="\t", include_header=False, quote_style="never")
    tmp.replace(path)


# ------------------------------------------------------------------------------------------
# Routes (each runs in its own process: ``--route NAME``); each prints one JSON line


def route_ours(source: Path, target: Path) -> dict[str, Any]:
    import polars  # noqa: F401 - ingest imports it on first use; imports are left out of every route
    import pyarrow.parquet  # noqa: F401

    from multitrack.events.ingest import ingest

    started = time.perf_counter()
    [report] = ingest([source], events_dir=target)
    seconds = time.perf_counter() - started
    assert report.ok, report
    assert report.rows_stored == report.rows_read, report
    return {"seconds": seconds, "rows": report.rows_stored}


def route_compact(store: Path) -> dict[str, Any]:
    from multitrack.events.store import EventStore

    started = time.perf_counter()
    done = EventStore(store).compact()
    return {"seconds": time.perf_counter() - started, "rows": sum(c.rows for c in done)}


def route_duckdb(source: Path, target: Path) -> dict[str, Any]:
    import duckdb

    spec = ", ".join(f"'{c}': '{DUCK.get(KEPT.get(c, 'str'), 'VARCHAR')}'" for c in columns())
    started = time.perf_counter()
    con = duckdb.connect()
    con.execute(
        f"COPY (SELECT {', '.join(KEPT)} FROM read_csv('{source}', delim = '\t', "
        f"header = false, quote = '', escape = '', auto_detect = false, columns = {{{spec}}})) "
        f"TO '{target / 'out.parquet'}' (FORMAT parquet, COMPRESSION zstd)"
    )
    return {"seconds": time.perf_counter() - started}


def route_polars(source: Path, target: Path) -> dict[str, Any]:
    import polars as pl

    types = {"int64": pl.Int64, "int32": pl.Int32, "int8": pl.Int8, "float64": pl.Float64}
    schema = {c: types.get(KEPT.get(c, "str"), pl.String) for c in columns()}
    started = time.perf_counter()
    pl.scan_csv(source, separator="\t", has_header=False, schema=schema, quote_char=None).select(
        list(KEPT)
    ).sink_parquet(target / "out.parquet", compression="zstd")
    return {"seconds": time.perf_counter() - started}


def route_pandas(source: Path, target: Path) -> dict[str, Any]:
    import csv

    import pandas as pd

    started = time.perf_counter()
    frame = pd.read_csv(
        source,
        sep="\t",
        header=None,
        names=list(columns()),
        usecols=list(KEPT),
        dtype=KEPT,
        quoting=csv.QUOTE_NONE,
    )
    frame.to_parquet(target / "out.parquet", compression="zstd", index=False)
    return {"seconds": time.perf_counter() - started}


def route_rollup(store: Path) -> dict[str, Any]:
    from multitrack.events.rollup import build, rollup_dir
    from multitrack.events.store import EventStore

    events_path = EventStore(store).events_path
    shutil.rmtree(rollup_dir(events_path), ignore_errors=True)  # time a whole build
    started = time.perf_counter()
    made = build(events_path)
    assert made is not None
    return {"seconds": time.perf_counter() - started}


def route_query_ours(store: Path, repeats: int) -> dict[str, Any]:
    """Our answers three ways in one process: on a store already open (a notebook, the API),
    as a new source (open the store, then answer: what a web page does per request), and from
    the raw events with the rollup left out (what the rollup saves). The first question of a
    new process is :func:`route_query_ours_once`."""
    import dataclasses

    from multitrack.events.engines import connect
    from multitrack.events.parties import Party
    from multitrack.events.relations import series_on, table_on
    from multitrack.events.store import EventStore

    events_path = EventStore(store).events_path
    a, b = Party.state(DYAD[0]), Party.state(DYAD[1])
    out: dict[str, list[float]] = {
        k: [] for k in ("table", "series", "table_fresh", "series_fresh", "connect")
    }
    out |= {"table_raw": [], "series_raw": []}

    def timed(key: str, work: Any) -> Any:
        started = time.perf_counter()
        result = work()
        out[key].append(time.perf_counter() - started)
        return result

    # a new source: open the store and answer one question, per repeat (the first also warms
    # the page cache and the process: imports, DuckDB's start, the first compilations)
    for i in range(repeats + 1):
        for question in ("table", "series"):
            started = time.perf_counter()
            source = connect("duckdb", events_path)
            opened = time.perf_counter() - started
            if question == "table":
                table_on(source, by="month")
            else:
                series_on(source, a, b, "month")
            if i:
                out[f"{question}_fresh"].append(time.perf_counter() - started)
                out["connect"].append(opened)
    # open: one source, one warm-up question of each kind, then the timed ones
    source = connect("duckdb", events_path)
    raw = dataclasses.replace(source, path=None)  # no rollup: every answer from the events
    assert source.rollup("month") is not None, "no rollup: run the rollup route first"
    table_on(source, by="month"), series_on(source, a, b, "month")
    table_on(raw, by="month"), series_on(raw, a, b, "month")
    dyads = events = 0
    for _ in range(repeats * 5):  # milliseconds each: more runs steady the median
        dyads = timed("table", lambda: table_on(source, by="month")).num_rows
        got = timed("series", lambda: series_on(source, a, b, "month"))
        events = sum(row.events for row in got.rows)
        assert timed("table_raw", lambda: table_on(raw, by="month")).num_rows == dyads
        got_raw = timed("series_raw", lambda: series_on(raw, a, b, "month"))
        assert got_raw == got
    return {**out, "groups": dyads, "dyad_events": events, "unique": source.unique}


PANDAS_COLUMNS = [
    "Actor1CountryCode",
    "Actor2CountryCode",
    "SQLDATE",
    "QuadClass",
    "GoldsteinScale",
]


def _pandas_measures(frame: Any, keys: list[str]) -> Any:
    quad = frame["QuadClass"]
    frame = frame.assign(
        q1=quad == 1, q2=quad == 2, q3=quad == 3, q4=quad == 4, gsq=frame.GoldsteinScale**2
    )
    return frame.groupby(keys, sort=False).agg(
        events=("QuadClass", "size"),
        verbal_coop=("q1", "sum"),
        material_coop=("q2", "sum"),
        verbal_conflict=("q3", "sum"),
        material_conflict=("q4", "sum"),
        goldstein_sum=("GoldsteinScale", "sum"),
        goldstein_n=("GoldsteinScale", "count"),
        goldstein_sq=("gsq", "sum"),
    )


def _pandas_table(frame: Any) -> int:
    """All dyads by month, the pandas way; the number of (dyad, month) groups."""
    frame = frame[
        frame.Actor1CountryCode.notna()
        & frame.Actor2CountryCode.notna()
        & (frame.Actor1CountryCode != frame.Actor2CountryCode)
    ]
    frame = frame.assign(month=frame.SQLDATE // 100)
    return len(_pandas_measures(frame, ["Actor1CountryCode", "Actor2CountryCode", "month"]))


def _pandas_series(frame: Any) -> int:
    """One dyad by month, the pandas way; the dyad's events."""
    frame = frame[(frame.Actor1CountryCode == DYAD[0]) & (frame.Actor2CountryCode == DYAD[1])]
    frame = frame.assign(month=frame.SQLDATE // 100)
    return int(_pandas_measures(frame, ["month"])["events"].sum())


def route_query_pandas_once(parquet: Path, question: str) -> dict[str, Any]:
    """One question in a new process (imports done first): read the columns, then group."""
    import pandas as pd
    import pyarrow.dataset
    import pyarrow.parquet  # noqa: F401

    answer = _pandas_table if question == "table" else _pandas_series
    started = time.perf_counter()
    answer(pd.read_parquet(parquet, columns=PANDAS_COLUMNS))
    return {"seconds": time.perf_counter() - started}


def route_query_ours_once(store: Path, question: str) -> dict[str, Any]:
    """One question in a new process (imports done first): open the store, then answer."""
    import ibis.backends.duckdb  # noqa: F401 - connect imports it on first use

    from multitrack.events.engines import connect
    from multitrack.events.parties import Party
    from multitrack.events.relations import series_on, table_on
    from multitrack.events.store import EventStore

    events_path = EventStore(store).events_path
    a, b = Party.state(DYAD[0]), Party.state(DYAD[1])
    started = time.perf_counter()
    source = connect("duckdb", events_path)
    if question == "table":
        table_on(source, by="month")
    else:
        series_on(source, a, b, "month")
    return {"seconds": time.perf_counter() - started}


def route_query_pandas(parquet: Path, repeats: int) -> dict[str, Any]:
    import pandas as pd

    wanted = PANDAS_COLUMNS
    table, series = _pandas_table, _pandas_series

    # per question: read the Parquet columns, then groupby (a script answering one question);
    # in memory: the frame read once, then only the groupby (a notebook asking many questions)
    out: dict[str, list[float]] = {k: [] for k in ("table", "series", "table_mem", "series_mem")}
    dyads = events = 0
    for _ in range(repeats):
        started = time.perf_counter()
        dyads = table(pd.read_parquet(parquet, columns=wanted))
        out["table"].append(time.perf_counter() - started)
        started = time.perf_counter()
        events = series(pd.read_parquet(parquet, columns=wanted))
        out["series"].append(time.perf_counter() - started)
    frame = pd.read_parquet(parquet, columns=wanted)
    for _ in range(repeats):
        started = time.perf_counter()
        assert table(frame) == dyads
        out["table_mem"].append(time.perf_counter() - started)
        started = time.perf_counter()
        assert series(frame) == events
        out["series_mem"].append(time.perf_counter() - started)
    return {**out, "groups": dyads, "dyad_events": events}


INGESTS = {"ours": route_ours, "duckdb": route_duckdb, "polars": route_polars}
INGESTS["pandas"] = route_pandas


@dataclass
class Runs:
    seconds: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    wall: list[float] = field(default_factory=list)
    rss_mb: list[float] = field(default_factory=list)


def child(args: list[str], timeout: float) -> tuple[dict[str, Any], float, float]:
    """Run this script as a child; its JSON result, its wall seconds and its peak RSS (MB)."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, __file__, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise
    # communicate() reaped the child; its rusage is folded into RUSAGE_CHILDREN only as a max
    # over all children, so the child reports its own peak (ru_maxrss) in its JSON instead.
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        raise RuntimeError(f"{args[:2]} failed:\n{err.decode(errors='replace')[-3000:]}")
    result: dict[str, Any] = json.loads(out.decode().strip().splitlines()[-1])
    return result, wall, float(result.get("rss_mb", 0.0))


# ------------------------------------------------------------------------------------------
# The run


def stats(values: list[float]) -> str:
    if not values:
        return "-"
    if len(values) == 1:
        return f"{values[0]:.3f}"
    return f"{min(values):.3f} / {statistics.median(values):.3f} / {max(values):.3f}"


def ratio_runs(a: list[float], b: list[float]) -> list[float]:
    return [x / y for x, y in zip(a, b, strict=False) if y > 0]


def bench_size(
    rows: int, out: Path, repeats: int, pandas_repeats: int, dates: str
) -> dict[str, Any]:
    source = out / f"gdelt2-{rows}-{dates}.export.CSV"
    if not source.exists():
        started = time.perf_counter()
        generate(rows, source, dates=dates)
        print(f"  generated {source} in {time.perf_counter() - started:.1f} s", flush=True)
    size_mb = source.stat().st_size / 1e6
    runs = {name: Runs() for name in INGESTS}
    timeout = max(120.0, rows / 1e6 * 60)
    order = ["ours", "duckdb", "polars", "pandas"]
    for i in range(repeats):
        for name in order:
            if name == "pandas" and i >= pandas_repeats:
                continue
            target = out / f"store-{name}-{rows}-{dates}"
            shutil.rmtree(target, ignore_errors=True)
            target.mkdir(parents=True)
            result, wall, rss = child(["--route", name, str(source), str(target)], timeout)
            runs[name].seconds.append(result["seconds"])
            runs[name].cpu.append(result["cpu"])
            runs[name].wall.append(wall)
            runs[name].rss_mb.append(rss)
            print(f"  {name:7s} run {i + 1}: {result['seconds']:.2f} s, {rss:.0f} MB", flush=True)
    ours_store = out / f"store-ours-{rows}-{dates}"
    compact, _, compact_rss = child(["--route", "compact", str(ours_store)], timeout)
    print(f"  compact: {compact['seconds']:.2f} s, {compact_rss:.0f} MB", flush=True)
    queries = bench_queries(rows, out, max(repeats, 3), dates)
    floor_name = min(("duckdb", "polars"), key=lambda n: statistics.median(runs[n].seconds))
    return {
        "rows": rows,
        "dates": dates,
        "file_mb": size_mb,
        "runs": {n: r.__dict__ for n, r in runs.items()},
        "floor": floor_name,
        "compact": compact,
        **queries,
    }


def bench_queries(rows: int, out: Path, repeats: int, dates: str) -> dict[str, Any]:
    """The query part alone, on the stores an earlier run left under ``out`` (ours, compacted;
    pandas' Parquet file): builds our dyad rollup (timed), then both routes' questions."""
    ours_store = out / f"store-ours-{rows}-{dates}"
    parquet = out / f"store-pandas-{rows}-{dates}" / "out.parquet"
    if not ours_store.is_dir() or not parquet.is_file():
        raise SystemExit(f"no stores for {rows:,} rows under {out}: run the full benchmark once")
    built, _, built_rss = child(["--route", "rollup", str(ours_store)], 600)
    print(f"  rollup: {built['seconds']:.2f} s, {built_rss:.0f} MB", flush=True)
    ours_q, _, _ = child(["--route", "query-ours", str(ours_store), str(repeats)], 600)
    pandas_q, _, _ = child(["--route", "query-pandas", str(parquet), str(repeats)], 600)
    # one question per new process, both routes in turn (imports left out of the time)
    for _ in range(repeats):
        for question in ("table", "series"):
            mine, _, _ = child(["--route", "query-ours-once", str(ours_store), question], 600)
            ours_q.setdefault(f"{question}_process", []).append(mine["seconds"])
            theirs, _, _ = child(["--route", "query-pandas-once", str(parquet), question], 600)
            pandas_q.setdefault(f"{question}_process", []).append(theirs["seconds"])
    return {"rollup": built, "query_ours": ours_q, "query_pandas": pandas_q}


def report(result: dict[str, Any]) -> list[str]:
    runs = {n: Runs(**r) for n, r in result["runs"].items()}
    med = {n: statistics.median(r.seconds) for n, r in runs.items()}
    floor = result["floor"]
    ours_rss = max(runs["ours"].rss_mb)
    lines = [
        f"### {result['rows']:,} rows, {result['dates']} dates ({result['file_mb']:.0f} MB)",
        "",
        "| figure | min / median / max | target | verdict |",
        "|---|---|---|---|",
    ]

    def row(name: str, values: list[float], target: str = "", ok: bool | None = None) -> None:
        verdict = "" if ok is None else ("met" if ok else "**missed**")
        lines.append(f"| {name} | {stats(values)} | {target} | {verdict} |")

    row("ingest, ours (s)", runs["ours"].seconds)
    compact = result["compact"]
    row("compact after ingest, ours (s; splits by month, sorts each month)", [compact["seconds"]])
    row("peak RSS, compact (MB)", [compact["rss_mb"]])
    row("DuckDB alone (s)", runs["duckdb"].seconds)
    row("polars alone (s)", runs["polars"].seconds)
    row("pandas read_csv + to_parquet (s)", runs["pandas"].seconds)
    paired_floor = ratio_runs(runs["ours"].seconds, runs[floor].seconds)
    row(
        f"ingest / floor ({floor})",
        paired_floor,
        "≤ 1.5",
        med["ours"] / med[floor] <= TARGETS["ingest / floor"],
    )
    row("(ingest + compact) / floor, for scale", [(med["ours"] + compact["seconds"]) / med[floor]])
    row(
        "pandas / ingest",
        ratio_runs(runs["pandas"].seconds, runs["ours"].seconds),
        "≥ 2",
        med["pandas"] / med["ours"] >= 2.0,
    )
    row(
        f"CPU seconds ours / {floor} (whole process, all threads)",
        ratio_runs(runs["ours"].cpu, runs[floor].cpu),
    )
    row("peak RSS, ours ingest (MB)", runs["ours"].rss_mb, "< 1536", ours_rss < 1536)
    row("peak RSS, pandas ingest (MB)", runs["pandas"].rss_mb)
    lines += query_rows(result)
    return [*lines, ""]


def query_rows(result: dict[str, Any]) -> list[str]:
    """The query lines of the results table (figure, min / median / max, target, verdict).

    Comparisons with pandas: the issue's, the open store against pandas reading the Parquet
    columns then grouping; a store already open against a frame already in memory; a new source
    in a running process (open, then answer) against reading then grouping; and, for scale, a
    new process on each side, and the events without the rollup against a frame in memory. The
    50x target is the issue's for 10M stored events: smaller sizes show their ratios for scale."""
    qo, qp = result["query_ours"], result["query_pandas"]
    med = {k: statistics.median(v) for k, v in (qo | {f"pd_{k}": qp[k] for k in qp}).items()
           if isinstance(v, list) and v}  # fmt: skip
    lines: list[str] = []

    def row(name: str, values: list[float], target: str = "", ok: bool | None = None) -> None:
        verdict = "" if ok is None else ("met" if ok else "**missed**")
        lines.append(f"| {name} | {stats(values)} | {target} | {verdict} |")

    if "rollup" in result:
        row("dyad rollup build after compact, ours (s)", [result["rollup"]["seconds"]])
    names = {
        "table": f"dyad-by-month ({qo['groups']:,} rows)",
        "series": f"one dyad {DYAD[0]}→{DYAD[1]} by month ({qo['dyad_events']:,} events)",
    }
    for q, limit in (("table", 0.25), ("series", 0.05)):
        name = names[q]
        row(f"{name}, ours, store open (s)", qo[q], f"< {limit}", med[q] < limit)
        row(f"{name}, ours, a new source in a running process: open + answer (s)", qo[f"{q}_fresh"])
        row(f"{name}, ours, a new process: open + answer (s)", qo.get(f"{q}_process", []))
        row(f"{name}, ours without the rollup, store open (s)", qo[f"{q}_raw"])
        row(f"{name}, pandas read_parquet + groupby (s)", qp[q])
        row(f"{name}, pandas groupby, frame in memory (s)", qp[f"{q}_mem"])
        row(f"{name}, pandas, a new process: read + groupby (s)", qp.get(f"{q}_process", []))
        for label, mine, theirs, target in (
            ("pandas read + groupby / ours open (issue's comparison)", q, f"pd_{q}", True),
            ("pandas in memory / ours open", q, f"pd_{q}_mem", True),
            ("pandas read + groupby / ours new source", f"{q}_fresh", f"pd_{q}", True),
            (
                "pandas / ours, each a new process, for scale",
                f"{q}_process",
                f"pd_{q}_process",
                False,
            ),
            (
                "pandas in memory / ours without the rollup, for scale",
                f"{q}_raw",
                f"pd_{q}_mem",
                False,
            ),
        ):
            if mine not in med or theirs not in med:
                continue
            ratio = med[theirs] / med[mine]
            if target and result["rows"] >= 10_000_000:  # the 50x is over 10M events
                row(f"{name}: {label}", [ratio], "≥ 50", ratio >= 50)
            else:
                row(f"{name}: {label}", [ratio])
    row("opening the store, a new source in a running process (s)", qo.get("connect", []))
    if qo["groups"] != qp["groups"] or qo["dyad_events"] != qp["dyad_events"]:
        lines.append(
            f"\nWARNING: answers differ: ours {qo['groups']} groups / {qo['dyad_events']} "
            f"events, pandas {qp['groups']} / {qp['dyad_events']}"
        )
    return lines


def machine() -> str:
    model = "?"
    with open("/proc/cpuinfo", encoding="utf-8") as info:
        for line in info:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    ram = 0.0
    with open("/proc/meminfo", encoding="utf-8") as info:
        for line in info:
            if line.startswith("MemTotal:"):
                ram = int(line.split()[1]) / 2**20
                break
    return f"{os.cpu_count()} CPUs ({model}), {ram:.0f} GiB RAM, Python {sys.version.split()[0]}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000_000])
    parser.add_argument("--out", type=Path, default=Path("/tmp/mtbench"))
    parser.add_argument("--repeats", type=int, default=3, help="ingest runs per route")
    parser.add_argument("--pandas-repeats", type=int, default=2)
    parser.add_argument("--json", type=Path, help="also write the raw figures here")
    parser.add_argument(
        "--queries-only",
        action="store_true",
        help="only the query part, on the stores of an earlier full run under --out",
    )
    parser.add_argument(
        "--dates",
        choices=("chronological", "uniform"),
        default="chronological",
        help="how generated rows are dated (see generate)",
    )
    parser.add_argument("--route", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.route:
        return run_route(args.route)
    out: Path = args.out.resolve()
    if out.is_relative_to(REPO):
        parser.error("--out must be outside the repository")
    out.mkdir(parents=True, exist_ok=True)
    print(f"machine: {machine()}", flush=True)
    results, lines = [], []
    for rows in args.rows:
        print(f"{rows:,} rows", flush=True)
        if args.queries_only:
            queries = bench_queries(rows, out, max(args.repeats, 3), args.dates)
            result = {"rows": rows, "dates": args.dates, **queries}
            table = ["| figure | min / median / max | target | verdict |", "|---|---|---|---|"]
            shown = [
                f"### {rows:,} rows, {args.dates} dates (queries)",
                "",
                *table,
                *query_rows(result),
                "",
            ]
        else:
            pandas_repeats = min(args.pandas_repeats, args.repeats)
            result = bench_size(rows, out, args.repeats, pandas_repeats, args.dates)
            shown = report(result)
        results.append(result)
        lines += shown
        print("\n".join(shown), flush=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))
    return 0


def run_route(spec: list[str]) -> int:
    import resource

    name, *rest = spec
    result: dict[str, Any]
    if name in INGESTS:
        result = INGESTS[name](Path(rest[0]), Path(rest[1]))
    elif name == "compact":
        result = route_compact(Path(rest[0]))
    elif name == "rollup":
        result = route_rollup(Path(rest[0]))
    elif name == "query-ours":
        result = route_query_ours(Path(rest[0]), int(rest[1]))
    elif name == "query-pandas":
        result = route_query_pandas(Path(rest[0]), int(rest[1]))
    elif name == "query-ours-once":
        result = route_query_ours_once(Path(rest[0]), rest[1])
    elif name == "query-pandas-once":
        result = route_query_pandas_once(Path(rest[0]), rest[1])
    else:
        raise SystemExit(f"unknown route {name}")
    usage = resource.getrusage(resource.RUSAGE_SELF)
    result["rss_mb"] = usage.ru_maxrss / 1024
    result["cpu"] = usage.ru_utime + usage.ru_stime  # whole process, all threads
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
