"""Did it move the dyad? The statistics against a plain computation, their properties, the
service on the demo world (real records, the marked synthetic event set), visibility, CLI, API."""

from __future__ import annotations

import itertools
import json
import random
import statistics
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from multitrack.analytics.impact import (
    MIN_REFERENCES,
    dyad_impact,
    dyad_marks,
    empirical_p,
    impact,
    reference_dates,
    robust_z,
)
from multitrack.cli.main import app
from multitrack.errors import InvalidValueError, NotFoundError
from multitrack.events.engines import EventStoreError, connect
from multitrack.events.parties import Party
from multitrack.events.relations import Counts, dyad_series
from multitrack.events.store import EventStore
from multitrack.exchange.apply import save
from multitrack.exchange.records import EngagementRecord
from multitrack.model import Engagement
from multitrack.security.accounts import add_organisation, add_user, get_user, principal_for
from multitrack.security.principal import Principal, system_context
from multitrack.services.event_tables import EventTables
from multitrack.services.setup import load_demo
from multitrack.store import Store, open_store

A, B = Party.state("AAA", "Aland"), Party.state("BBB", "Bland")


# ------------------------------------------------------------------------------------------
# The statistics against an independent plain computation


def plain_median(values: list[float]) -> float:
    s = sorted(values)
    n = len(s)
    return s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2


def plain_p(d: float, refs: list[float]) -> float:
    centre = plain_median([*refs, d])
    return (1 + sum(1 for r in refs if abs(r - centre) >= abs(d - centre))) / (len(refs) + 1)


def plain_z(d: float, refs: list[float]) -> float | None:
    centre = plain_median(refs)
    spread = 1.4826 * plain_median([abs(r - centre) for r in refs])
    return 0.0 if d == centre else None if spread == 0 else (d - centre) / spread


def test_known_series() -> None:
    refs = [1.0, 2.0, 3.0, 4.0, 100.0]
    # median 3, MAD 1: z = 7 / 1.4826; pooled median 3.5, only 100 is farther than 10
    assert robust_z(10.0, refs) == pytest.approx(7 / 1.4826)
    assert empirical_p(10.0, refs) == pytest.approx(2 / 6)
    assert empirical_p(1000.0, refs) == pytest.approx(1 / 6)
    assert empirical_p(3.5, refs) == pytest.approx(1.0)
    assert robust_z(5.0, [2.0, 2.0, 2.0]) is None  # no spread: no finite z
    assert robust_z(2.0, [2.0, 2.0, 2.0]) == 0.0
    assert empirical_p(1.0, []) is None


#: values on a quarter-point grid: exact in binary, so equal distances are exact ties for both
#: computations (the service also counts distances within 1e-9 as ties)
finite = st.integers(-400, 400).map(lambda i: i / 4)


@given(st.lists(finite, min_size=1, max_size=40), finite)
def test_statistics_equal_the_plain_computation(refs: list[float], d: float) -> None:
    assert empirical_p(d, refs) == pytest.approx(plain_p(d, refs))
    expected = plain_z(d, refs)
    got = robust_z(d, refs)
    assert (got is None) == (expected is None)
    if expected is not None:
        assert got == pytest.approx(expected)


@given(
    st.lists(st.integers(-400, 400), min_size=1, max_size=40),
    st.integers(-400, 400),
    st.integers(-1000, 1000),
)
def test_adding_a_constant_changes_nothing(refs: list[int], d: int, k: int) -> None:
    # quarter points: exact in binary, so shifted distances tie exactly as before
    base = [r / 4 for r in refs]
    shift = k / 4
    assert empirical_p(d / 4 + shift, [r + shift for r in base]) == empirical_p(d / 4, base)
    z0, z1 = robust_z(d / 4, base), robust_z(d / 4 + shift, [r + shift for r in base])
    assert (z0 is None) == (z1 is None)
    if z0 is not None and z1 is not None:
        assert z1 == pytest.approx(z0)


@given(st.lists(finite, min_size=1, max_size=40), finite)
def test_p_stays_within_its_bounds(refs: list[float], d: float) -> None:
    p = empirical_p(d, refs)
    assert p is not None
    assert 1 / (len(refs) + 1) - 1e-12 <= p <= 1


# ------------------------------------------------------------------------------------------
# One dyad from daily counts


def daily(events: list[tuple[date, int, float]]) -> dict[date, Counts]:
    """Counts per day from raw (date, quad class, Goldstein) events."""
    out: dict[date, list[tuple[int, float]]] = {}
    for day, quad, score in events:
        out.setdefault(day, []).append((quad, score))
    return {
        day: Counts(
            events=len(rows),
            verbal_coop=sum(q == 1 for q, _ in rows),
            material_coop=sum(q == 2 for q, _ in rows),
            verbal_conflict=sum(q == 3 for q, _ in rows),
            material_conflict=sum(q == 4 for q, _ in rows),
            goldstein_sum=sum(s for _, s in rows),
            goldstein_n=len(rows),
            goldstein_sq=sum(s * s for _, s in rows),
        )
        for day, rows in out.items()
    }


FIRST, LAST = date(2014, 1, 1), date(2025, 12, 31)
MILESTONE = date(2020, 3, 2)


def simulated(seed: int, step: float = 0.0, shift: float = 0.0) -> list[tuple[date, int, float]]:
    """~2 events a day with noisy scores; from the milestone on, scores move by ``step``."""
    rng = random.Random(seed)
    events = []
    day = FIRST
    while day <= LAST:
        for _ in range(rng.randint(0, 4)):
            quad = rng.choice((1, 1, 2, 3, 4))
            base = {1: 2.0, 2: 6.0, 3: -2.0, 4: -8.0}[quad]
            jump = step if day >= MILESTONE else 0.0
            events.append((day, quad, base + rng.uniform(-1, 1) + jump + shift))
        day += timedelta(days=1)
    return events


def test_windows_equal_plain_sums() -> None:
    events = simulated(3)
    result = dyad_impact(daily(events), MILESTONE, window_days=60, by="month", source=A, target=B)
    before = [e for e in events if MILESTONE - timedelta(days=60) <= e[0] < MILESTONE]
    after = [e for e in events if MILESTONE <= e[0] < MILESTONE + timedelta(days=60)]
    assert result.before.events == len(before)
    assert result.after.events == len(after)
    assert result.before.goldstein_mean == pytest.approx(
        statistics.fmean(s for _, _, s in before), abs=1e-6
    )
    assert result.after.material_conflict == sum(q == 4 for _, q, _ in after)
    assert result.after.coop_share == pytest.approx(
        sum(q in (1, 2) for _, q, _ in after) / len(after), abs=1e-6
    )
    # the reference differences, computed here from the raw events
    refs = reference_dates(MILESTONE, 60, min(e[0] for e in events), max(e[0] for e in events))
    diffs = []
    for m in refs:
        b = [s for d, _, s in events if m - timedelta(days=60) <= d < m]
        a = [s for d, _, s in events if m <= d < m + timedelta(days=60)]
        diffs.append(statistics.fmean(a) - statistics.fmean(b))
    change = result.test("goldstein_mean").change
    assert change is not None
    assert result.test("goldstein_mean").p == pytest.approx(plain_p(change, diffs))
    assert [r.change for r in result.references] == pytest.approx(diffs, abs=2e-6)
    # the references are spaced so that no two spans overlap, nor the milestone's own
    spans = sorted([*refs, MILESTONE])
    assert all(b - a >= timedelta(days=120) for a, b in itertools.pairwise(spans))
    assert sum(r.events for r in result.series) == len(before) + len(after)


@settings(max_examples=12, deadline=None)
@given(st.integers(0, 10_000), st.sampled_from([-4.0, 4.0]))
def test_a_planted_step_is_detected(seed: int, step: float) -> None:
    result = dyad_impact(
        daily(simulated(seed, step)), MILESTONE, window_days=90, by="week", source=A, target=B
    )
    assert result.verdict == "moved"
    assert result.direction == ("better" if step > 0 else "worse")
    assert result.test("goldstein_mean").references >= MIN_REFERENCES


@settings(max_examples=8, deadline=None)
@given(st.integers(0, 10_000), st.floats(-3, 3))
def test_adding_a_constant_to_every_score_changes_no_verdict(seed: int, shift: float) -> None:
    one = dyad_impact(
        daily(simulated(seed)), MILESTONE, window_days=90, by="week", source=A, target=B
    )
    two = dyad_impact(
        daily(simulated(seed, shift=shift)),
        MILESTONE,
        window_days=90,
        by="week",
        source=A,
        target=B,
    )
    assert (one.verdict, one.direction) == (two.verdict, two.direction)
    assert two.test("goldstein_mean").change == pytest.approx(
        one.test("goldstein_mean").change, abs=2e-6
    )


def test_a_flat_series_did_not_move() -> None:
    flat = [
        (FIRST + timedelta(days=i), 1, 3.0) for i in range((LAST - FIRST).days + 1) for _ in (0, 1)
    ]
    result = dyad_impact(daily(flat), MILESTONE, window_days=90, by="month", source=A, target=B)
    assert result.verdict == "usual"
    primary = result.test("goldstein_mean")
    assert (primary.change, primary.p, primary.z) == (0.0, 1.0, 0.0)


def test_too_little_history_is_said_not_guessed() -> None:
    events = [e for e in simulated(5, -4) if date(2019, 1, 1) <= e[0] <= date(2021, 6, 30)]
    result = dyad_impact(daily(events), MILESTONE, window_days=90, by="week", source=A, target=B)
    assert result.verdict == "insufficient"
    assert "comparable dates" in result.reason
    assert result.direction is None
    empty = dyad_impact({}, MILESTONE, window_days=90, by="week", source=A, target=B)
    assert (empty.verdict, empty.reason) == (
        "insufficient",
        "no events of this dyad in the event store",
    )
    sparse = [
        e for e in simulated(5) if e[0] < MILESTONE - timedelta(days=90) or e[0] > date(2021, 1, 1)
    ]
    result = dyad_impact(daily(sparse), MILESTONE, window_days=90, by="week", source=A, target=B)
    assert result.verdict == "insufficient"
    assert "too few events" in result.reason


# ------------------------------------------------------------------------------------------
# The demo world: real records, the real GDELT samples and the marked synthetic set


@dataclass(frozen=True)
class Demo:
    store: Store
    url: str
    events_dir: Path
    tables: EventTables
    viewer: Principal
    editor: Principal
    secret_id: str


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    folder = tmp_path_factory.mktemp("impact-demo")
    url = f"sqlite:///{folder / 'multitrack.db'}"
    store = open_store(url, state_dir=folder / "state")
    load_demo(store, events_dir=folder / "events")
    with store.session(system_context("test")) as s:
        add_organisation(s, "Desk")
        add_user(s, "ed", organisation_name="Desk", role="editor", clearance="SECRET",
                 password="correct horse battery")  # fmt: skip
        add_user(s, "vi", organisation_name="Desk", role="viewer", clearance="UNCLASSIFIED",
                 password="correct horse battery")  # fmt: skip
    with store.session(system_context("test")) as s:
        editor, viewer = (principal_for(get_user(s, name)) for name in ("ed", "vi"))
    with store.session(editor) as s:
        icrc = find_engagement(s, "2023-11-24")
        secret = save(
            s,
            "engagements",
            EngagementRecord(
                channel=str(icrc.channel_id),
                kind=icrc.kind,
                start="2022-06-15",
                participants=["ISR", "PSE"],
                summary="Confidential talks",
                classification="SECRET",
            ),
        )
        secret_id = str(secret.id)
    yield Demo(
        store, url, folder / "events", EventTables(folder / "events"), viewer, editor, secret_id
    )
    store.dispose()


def find_engagement(session: object, start: str) -> Engagement:
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    assert isinstance(session, Session)
    rows = session.scalars(select(Engagement).where(Engagement.start == start)).unique().all()
    found = [e for e in rows if any(p.actor.name == "Hamas" for p in e.participants)]
    assert len(found) == 1
    return found[0]


def test_the_october_2023_engagement_coincides_with_a_move_of_israel_palestine(
    demo: Demo,
) -> None:
    with demo.store.session(system_context("test")) as s:
        row = find_engagement(s, "2023-10")
        result = impact(s, demo.tables, str(row.id))
    assert result.milestone.date == date(2023, 10, 1)
    assert result.milestone.precision == "month"
    assert [side.party.label for side in result.sides] == ["ISR", "PSE"]
    assert result.sides[1].via == ("Hamas",)
    assert [o["name"] for o in result.left_out] == ["International Committee of the Red Cross"]
    assert [(d.source.label, d.target.label) for d in result.dyads] == [
        ("ISR", "PSE"),
        ("PSE", "ISR"),
    ]
    source = connect("duckdb", EventStore(demo.events_dir).events_path)
    for d in result.dyads:
        assert (d.verdict, d.direction) == ("moved", "worse")
        primary = d.test("goldstein_mean")
        assert primary.references >= MIN_REFERENCES
        assert primary.p == pytest.approx(1 / (primary.references + 1))
        # the windows agree with the relations module's own day-by-day series
        for window in (d.before, d.after):
            rows = dyad_series(
                source.events, d.source, d.target, "day", start=window.start, end=window.end
            ).rows
            assert window.events == sum(r.events for r in rows)
            total = sum(r.goldstein_sum for r in rows)
            assert window.goldstein_mean == pytest.approx(total / window.events, abs=1e-5)
    data = json.loads(json.dumps(result.to_dict()))
    assert data["dyads"][0]["verdict"] == "moved"


def test_the_november_2023_pause_is_within_usual_variation(demo: Demo) -> None:
    with demo.store.session(system_context("test")) as s:
        row = find_engagement(s, "2023-11-24")
        result = impact(s, demo.tables, str(row.id), window_days=90, by="month")
    assert [d.verdict for d in result.dyads] == ["usual", "usual"]
    assert all((d.test("goldstein_mean").p or 0) > 0.05 for d in result.dyads)


def test_agreement_milestones_and_their_sides(demo: Demo) -> None:
    from sqlalchemy import select

    from multitrack.model import Agreement

    with demo.store.session(system_context("test")) as s:
        oslo = s.scalars(
            select(Agreement).where(Agreement.name.startswith("Declaration of Principles"))
        ).one()
        result = impact(s, demo.tables, str(oslo.id))
        assert result.milestone.key == "adopted"
        keys = [m.key for m in result.milestones]
        assert keys[:2] == ["adopted", "in_force"]
        assert any(k.startswith("signature:") for k in keys)
        assert [side.party.label for side in result.sides] == ["ISR", "PSE"]
        assert {o["name"] for o in result.left_out} == {"United States", "Russia"}
        assert all(d.verdict == "insufficient" for d in result.dyads)  # no events in 1993
        signed = impact(s, demo.tables, str(oslo.id), milestone="signature")
        assert signed.milestone.date == date(1993, 9, 13)
        by_israel = impact(s, demo.tables, str(oslo.id), milestone="signature:israel")
        assert by_israel.milestone.key == "signature:ISR"
        assert impact(s, demo.tables, str(oslo.id), milestone="SIGNATURE:ISR").milestone == (
            by_israel.milestone
        )
        assert all("ISR" in (d.source.label, d.target.label) for d in by_israel.dyads)
        assert impact(s, demo.tables, str(oslo.id), milestone="IN_FORCE").milestone.date == date(
            1993, 10, 13
        )
        with pytest.raises(InvalidValueError, match="adopted"):
            impact(s, demo.tables, str(oslo.id), milestone="ratification")
        with pytest.raises(InvalidValueError):
            impact(s, demo.tables, str(oslo.id), window_days=0)
        with pytest.raises(InvalidValueError):
            impact(s, demo.tables, str(oslo.id), by="fortnight")  # type: ignore[arg-type]
        with pytest.raises(NotFoundError):
            impact(s, demo.tables, "not-an-id")
        with pytest.raises(EventStoreError, match="no event data") as raised:
            impact(s, EventTables(demo.events_dir.parent / "nowhere"), str(oslo.id))
        assert "nowhere" not in str(raised.value)


def test_a_hidden_record_is_absent_and_never_marked(demo: Demo) -> None:
    window = (date(2022, 1, 1), date(2022, 12, 31))
    isr, pse = Party.state("ISR", "Israel"), Party.state("PSE", "Palestine")
    with demo.store.session(demo.viewer) as s:
        with pytest.raises(NotFoundError) as hidden:
            impact(s, demo.tables, demo.secret_id)
        with pytest.raises(NotFoundError) as absent:
            impact(s, demo.tables, "00000000-0000-4000-8000-000000000000")
        assert str(hidden.value).replace(demo.secret_id, "ID") == str(absent.value).replace(
            "00000000-0000-4000-8000-000000000000", "ID"
        )
        assert demo.secret_id not in {m.record_id for m in dyad_marks(s, isr, pse, *window)}
    with demo.store.session(demo.editor) as s:
        assert demo.secret_id in {m.record_id for m in dyad_marks(s, isr, pse, *window)}
        assert impact(s, demo.tables, demo.secret_id).record["id"] == demo.secret_id


def test_marks_of_a_dyad(demo: Demo) -> None:
    isr, pse = Party.state("ISR", "Israel"), Party.state("PSE", "Palestine")
    with demo.store.session(system_context("test")) as s:
        marks = dyad_marks(s, isr, pse, date(1993, 1, 1), date(1993, 12, 31))
        oct_2023 = dyad_marks(s, isr, pse, date(2023, 9, 1), date(2023, 12, 31))
    kinds = {(m.kind, m.date) for m in marks}
    assert ("agreement", date(1993, 9, 13)) in kinds  # Oslo I adopted
    assert ("engagement", date(1993, 8, 20)) in kinds  # the initialling in Oslo
    # the two ICRC engagements (Israel and Hamas, filed under Palestine), among any others
    assert {date(2023, 10, 1), date(2023, 11, 24)} <= {
        m.date for m in oct_2023 if m.kind == "engagement"
    }
    assert all(date(2023, 9, 1) <= m.date <= date(2023, 12, 31) for m in oct_2023)


# ------------------------------------------------------------------------------------------
# The CLI and the API


def run(demo: Demo, *args: str) -> object:
    result = CliRunner().invoke(
        app, ["--db", demo.url, "--events-dir", str(demo.events_dir), *args], env={"COLUMNS": "200"}
    )
    return result


def test_cli_json_is_the_service_answer(demo: Demo, tmp_path: Path) -> None:
    with demo.store.session(system_context("test")) as s:
        row = find_engagement(s, "2023-10")
        expected = impact(s, demo.tables, str(row.id), window_days=60, by="month").to_dict()
    chart = tmp_path / "impact.png"
    result = run(
        demo, "impact", str(row.id), "--window", "60", "--by", "month", "--format", "json",
        "--chart", str(chart),
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr  # type: ignore[attr-defined]
    assert json.loads(result.stdout) == json.loads(json.dumps(expected))  # type: ignore[attr-defined]
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    table = run(demo, "impact", str(row.id))
    assert table.exit_code == 0  # type: ignore[attr-defined]
    assert "moved (worse)" in table.stdout  # type: ignore[attr-defined]
    bad = run(demo, "impact", str(row.id), "--window", "0")
    assert bad.exit_code != 0  # type: ignore[attr-defined]
    assert "window" in bad.stderr  # type: ignore[attr-defined]
    assert len(bad.stderr.strip().splitlines()) == 1  # type: ignore[attr-defined]
    missing = run(demo, "impact", "00000000-0000-4000-8000-000000000000")
    assert missing.exit_code == 3  # type: ignore[attr-defined]
