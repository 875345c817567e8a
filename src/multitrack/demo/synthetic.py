"""A synthetic, multi-year GDELT 2.0 events file resampled from the real GDELT samples.

The real samples (``demo/events/*.export.CSV.gz``, 5,856 GDELT 2.0 rows of three 15-minute
files) cover a few days each: enough to test readers, too little to show how relations move
over years. This module builds, deterministically (fixed seed, no clock), a GDELT 2.0 export
file covering ``FIRST_MONTH`` … ``LAST_MONTH`` whose every row is a real row with new dates:

* **background** — every month, ``BACKGROUND`` real rows drawn whole (with replacement): actors,
  codes, Goldstein scores, tone, places exactly as GDELT coded them;
* **watched dyads** (:data:`DYADS`: ISR↔PSE, USA↔RUS, USA↔CHN, NOR↔ISR, TUR↔SYR, …) — a monthly
  volume (Poisson) and a mix of the four quad classes that change at a few planted **regime
  shifts** (:data:`Regime`). Each event is a real row of the drawn quad class: when GDELT's
  samples hold *n* such rows of that very dyad, one of them *n*/(*n*+20) of the time (so a
  handful of rows is not repeated hundreds of times); otherwise a real row between two other
  states (a *template*) whose countries are rewritten to the dyad's: actor codes keep their
  role suffix (``RUSGOV`` → ``ISRGOV``), names become the country's, the code, the Goldstein score,
  the actor types, mentions and tone stay as coded; places become GDELT's own country-level
  location of one of the two states (taken from the sample). Known-group, ethnic and religion
  codes of the template are cleared.

Every row gets a new GLOBALEVENTID (from ``FIRST_ID``), a date in its month (SQLDATE,
MonthYear, Year, FractionDate, DATEADDED rewritten) and no SOURCEURL (no article reports it).
The regime shifts are **planted** to give relations charts and early warnings something to
show; their dates echo public events, but the figures describe no real period. The dataset is
marked synthetic in the catalogue.
"""

from __future__ import annotations

import gzip
import math
import random
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from importlib.resources import files
from pathlib import Path

VERSION = 1
SEED = 20151027
FIRST_MONTH = (2015, 1)
LAST_MONTH = (2026, 10)
BACKGROUND = 600  # whole real rows per month
FIRST_ID = 1_000_000_000
FILE_NAME = f"demo-synthetic-v{VERSION}.export.CSV"
OWN_ROWS_WEIGHT = 20  # a dyad's own n real rows of a quad class are drawn n/(n+20) of the time

COLUMNS = 61
# GDELT 2.0 export columns (0-based) this module reads or rewrites
ID, SQLDATE, MONTHYEAR, YEAR, FRACTION = 0, 1, 2, 3, 4
ACTOR = (5, 15)  # Actor1Code, Actor2Code; +1 Name, +2 CountryCode, +3..+6 group/ethnic/religion
QUAD = 29
GEO = (35, 43, 51)  # Actor1Geo_Type, Actor2Geo_Type, ActionGeo_Type (8 columns each)
DATEADDED, SOURCEURL = 59, 60

#: Actor names GDELT gives the states (upper case, as in Actor1Name) and their FIPS codes.
STATES: dict[str, tuple[str, str]] = {
    "ISR": ("ISRAEL", "IS"),
    "PSE": ("PALESTINE", "WE"),
    "USA": ("UNITED STATES", "US"),
    "RUS": ("RUSSIA", "RS"),
    "CHN": ("CHINA", "CH"),
    "NOR": ("NORWAY", "NO"),
    "TUR": ("TURKEY", "TU"),
    "SYR": ("SYRIA", "SY"),
    "UKR": ("UKRAINE", "UP"),
}

Mix = tuple[float, float, float, float]  # shares of quad classes 1..4


@dataclass(frozen=True)
class Regime:
    """From ``start`` (``YYYY-MM``) on: the quad-class ``mix`` and a volume ``factor``.

    ``months`` limits it to that many months (a shock), after which the previous regime returns.
    """

    start: str
    mix: Mix
    factor: float = 1.0
    months: int | None = None


@dataclass(frozen=True)
class Dyad:
    source: str
    target: str
    volume: float  # mean events a month under factor 1
    regimes: tuple[Regime, ...]


def _pair(a: str, b: str, ab: float, ba: float, *regimes: Regime) -> tuple[Dyad, Dyad]:
    return Dyad(a, b, ab, regimes), Dyad(b, a, ba, regimes)


CALM: Mix = (0.55, 0.20, 0.17, 0.08)
DYADS: tuple[Dyad, ...] = (
    *_pair(
        "ISR", "PSE", 45, 35,
        Regime("2015-01", (0.35, 0.10, 0.25, 0.30)),
        Regime("2021-05", (0.10, 0.03, 0.22, 0.65), 3.0, months=1),
        Regime("2023-10", (0.08, 0.04, 0.20, 0.68), 3.0),
        Regime("2025-01", (0.22, 0.12, 0.26, 0.40), 2.0),
    ),
    *_pair(
        "USA", "RUS", 40, 35,
        Regime("2015-01", (0.45, 0.08, 0.30, 0.17)),
        Regime("2022-02", (0.15, 0.02, 0.50, 0.33), 1.6),
    ),
    *_pair(
        "USA", "CHN", 45, 35,
        Regime("2015-01", (0.50, 0.15, 0.25, 0.10)),
        Regime("2018-07", (0.35, 0.08, 0.42, 0.15)),
        Regime("2026-10", (0.12, 0.03, 0.40, 0.45), 1.5),
    ),
    *_pair(
        "NOR", "ISR", 18, 15,
        Regime("2015-01", (0.55, 0.10, 0.25, 0.10)),
        Regime("2024-05", (0.20, 0.04, 0.58, 0.18), 1.5),
    ),
    *_pair(
        "TUR", "SYR", 25, 18,
        Regime("2015-01", (0.30, 0.10, 0.25, 0.35)),
        Regime("2019-10", (0.06, 0.02, 0.20, 0.72), 3.0, months=1),
        Regime("2026-10", (0.55, 0.30, 0.10, 0.05), 1.5),
    ),
    *_pair("USA", "ISR", 30, 30, Regime("2015-01", CALM)),
    *_pair("NOR", "PSE", 10, 8, Regime("2015-01", (0.55, 0.35, 0.08, 0.02))),
    *_pair("RUS", "SYR", 20, 15, Regime("2015-01", (0.45, 0.30, 0.10, 0.15))),
    *_pair(
        "RUS", "UKR", 25, 25,
        Regime("2015-01", (0.30, 0.05, 0.35, 0.30)),
        Regime("2022-02", (0.05, 0.02, 0.20, 0.73), 4.0),
    ),
)  # fmt: skip


# ------------------------------------------------------------------------------------------
# The real rows


def sample_files() -> list[Path]:
    """The vendored GDELT 2.0 samples (gzipped), in name order."""
    folder = files("multitrack.demo") / "events"
    return sorted(
        Path(str(entry)) for entry in folder.iterdir() if entry.name.endswith(".export.CSV.gz")
    )


def real_rows() -> list[list[str]]:
    rows: list[list[str]] = []
    for path in sample_files():
        with gzip.open(path, "rt", encoding="utf-8", newline="\n") as handle:
            for line in handle:
                fields = line.rstrip("\n").split("\t")
                if len(fields) == COLUMNS:
                    rows.append(fields)
    return rows


def _is_template(row: list[str]) -> bool:
    """A row between two different states whose actor codes start with their country."""
    a, b = row[ACTOR[0] + 2], row[ACTOR[1] + 2]
    return (
        len(a) == 3
        and len(b) == 3
        and a != b
        and row[ACTOR[0]].startswith(a)
        and row[ACTOR[1]].startswith(b)
        and row[QUAD] in ("1", "2", "3", "4")
    )


def _country_geo(rows: Sequence[list[str]]) -> dict[str, list[str]]:
    """Per FIPS code, GDELT's most frequent country-level (type 1) ActionGeo block."""
    seen: Counter[tuple[str, ...]] = Counter()
    for row in rows:
        block = tuple(row[GEO[2] : GEO[2] + 8])
        if block[0] == "1":
            seen[block] += 1
    chosen: dict[str, list[str]] = {}
    for block, _ in sorted(seen.items(), key=lambda item: (-item[1], item[0])):
        chosen.setdefault(block[2], list(block))
    return chosen


# ------------------------------------------------------------------------------------------
# Building


def _months(last: tuple[int, int] = LAST_MONTH) -> Iterator[date]:
    year, month = FIRST_MONTH
    while (year, month) <= last:
        yield date(year, month, 1)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def _days_in(month: date) -> int:
    following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return (following - month).days


def _regime(dyad: Dyad, month: date) -> Regime:
    label = f"{month.year:04d}-{month.month:02d}"
    current = dyad.regimes[0]
    for regime in dyad.regimes:
        if regime.start > label:
            break
        if regime.months is not None:
            start = date(int(regime.start[:4]), int(regime.start[5:7]), 1)
            elapsed = (month.year - start.year) * 12 + month.month - start.month
            if elapsed >= regime.months:
                continue
        current = regime
    return current


def _poisson(rng: random.Random, mean: float) -> int:
    """Knuth's method in chunks of 30 (exact, deterministic, fine for means up to a few 100)."""
    total = 0
    while mean > 0:
        step = min(mean, 30.0)
        limit, k, p = math.exp(-step), 0, 1.0
        while True:
            p *= rng.random()
            if p <= limit:
                break
            k += 1
        total += k
        mean -= step
    return total


def _dated(row: list[str], day: date, event_id: int, rng: random.Random) -> list[str]:
    out = list(row)
    out[ID] = str(event_id)
    out[SQLDATE] = day.strftime("%Y%m%d")
    out[MONTHYEAR] = day.strftime("%Y%m")
    out[YEAR] = str(day.year)
    out[FRACTION] = f"{day.year + (day.timetuple().tm_yday - 1) / 365:.4f}"
    quarter = rng.randrange(96)
    added = day + timedelta(days=rng.choice((0, 0, 0, 1)))
    out[DATEADDED] = f"{added:%Y%m%d}{quarter // 4:02d}{(quarter % 4) * 15:02d}00"
    out[SOURCEURL] = ""
    return out


def _transplant(
    row: list[str], source: str, target: str, geo: dict[str, list[str]], rng: random.Random
) -> list[str]:
    out = list(row)
    for start, iso3 in ((ACTOR[0], source), (ACTOR[1], target)):
        old = out[start + 2]
        out[start] = iso3 + out[start][len(old) :]
        out[start + 1] = STATES[iso3][0]
        out[start + 2] = iso3
        for offset in range(3, 7):  # known group, ethnic, religion 1 and 2
            out[start + offset] = ""
    blocks = [geo.get(STATES[source][1]), geo.get(STATES[target][1])]
    for index, geo_start in enumerate(GEO):
        block = blocks[index] if index < 2 else rng.choice(blocks)
        out[geo_start : geo_start + 8] = block if block else ["0", "", "", "", "", "", "", ""]
    return out


@dataclass(frozen=True)
class SyntheticFile:
    path: Path
    rows: int
    background: int
    watched: int


def generate(
    out_dir: Path,
    *,
    last: tuple[int, int] = LAST_MONTH,
    progress: Callable[[float], None] | None = None,
) -> SyntheticFile:
    """Write the synthetic file into ``out_dir`` (same bytes on every run) and describe it.

    ``last`` (year, month) ends it earlier; the months it has are the same rows either way.
    """
    rng = random.Random(SEED)
    pool = real_rows()
    geo = _country_geo(pool)
    templates: dict[str, list[list[str]]] = {q: [] for q in "1234"}
    own: dict[tuple[str, str, str], list[list[str]]] = {}
    for row in pool:
        if _is_template(row):
            templates[row[QUAD]].append(row)
            key = (row[ACTOR[0] + 2], row[ACTOR[1] + 2], row[QUAD])
            own.setdefault(key, []).append(row)
    months = list(_months(last))
    path = out_dir / FILE_NAME
    next_id = FIRST_ID
    background = watched = 0
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        for number, month in enumerate(months, start=1):
            days = _days_in(month)
            batch: list[list[str]] = []
            for _ in range(BACKGROUND):
                day = month + timedelta(days=rng.randrange(days))
                batch.append(_dated(rng.choice(pool), day, 0, rng))
            background += BACKGROUND
            for dyad in DYADS:
                regime = _regime(dyad, month)
                for _ in range(_poisson(rng, dyad.volume * regime.factor)):
                    quad = rng.choices("1234", weights=regime.mix)[0]
                    real = own.get((dyad.source, dyad.target, quad))
                    if real and rng.random() < len(real) / (len(real) + OWN_ROWS_WEIGHT):
                        row = rng.choice(real)
                    else:
                        template = rng.choice(templates[quad])
                        row = _transplant(template, dyad.source, dyad.target, geo, rng)
                    day = month + timedelta(days=rng.randrange(days))
                    batch.append(_dated(row, day, 0, rng))
                    watched += 1
            batch.sort(key=lambda r: r[SQLDATE])
            for row in batch:
                row[ID] = str(next_id)
                next_id += 1
                handle.write("\t".join(row) + "\n")
            if progress is not None:
                progress(number / len(months))
    return SyntheticFile(path, background + watched, background, watched)
