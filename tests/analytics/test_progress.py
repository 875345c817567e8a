"""The objective status rule: cases by hand, and properties over generated indicators."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from multitrack.analytics.progress import (
    AT_RISK,
    MISSED,
    NO_DATA,
    ON_TRACK,
    SEVERITY,
    combined,
    expected_progress,
    indicator_status,
)

START = date(2020, 1, 1)
DUE = date(2021, 1, 1)  # 366 days after START


def status(
    *measurements: tuple[date, float],
    baseline: float | None = 0,
    target: float | None = 10,
    due: date | None = DUE,
    today: date = date(2020, 7, 2),
) -> str:
    return indicator_status(
        baseline=baseline,
        target=target,
        measurements=list(measurements),
        start=START,
        due=due,
        today=today,
    ).status


@pytest.mark.parametrize(
    ("case", "got", "expected"),
    [
        # half-way through the period: expected 50 %, tolerance 10 points
        ("on schedule", status((date(2020, 6, 1), 5)), ON_TRACK),
        ("within the tolerance", status((date(2020, 6, 1), 4.1)), ON_TRACK),
        ("behind schedule", status((date(2020, 6, 1), 3.5)), AT_RISK),
        ("target reached early", status((date(2020, 3, 1), 10)), ON_TRACK),
        ("no measurement", status(), NO_DATA),
        ("no target", status((date(2020, 6, 1), 5), target=None), NO_DATA),
        ("only future measurements", status((date(2020, 9, 1), 10)), NO_DATA),
        (
            "deadline passed unmet",
            status((date(2020, 6, 1), 9), today=date(2021, 3, 1)),
            MISSED,
        ),
        (
            "deadline passed, met in time",
            status((date(2020, 12, 31), 10), today=date(2021, 3, 1)),
            ON_TRACK,
        ),
        (
            "deadline passed, met late",
            status((date(2020, 6, 1), 2), (date(2021, 2, 1), 10), today=date(2021, 3, 1)),
            MISSED,
        ),
        (
            "downward target on schedule",
            status((date(2020, 6, 1), 60), baseline=100, target=20),
            ON_TRACK,
        ),
        (
            "downward target behind",
            status((date(2020, 6, 1), 90), baseline=100, target=20),
            AT_RISK,
        ),
        (
            "no baseline: the first measurement is it",
            status((date(2020, 1, 2), 3), (date(2020, 6, 1), 3), baseline=None),
            AT_RISK,
        ),
        ("no target date, some progress", status((date(2020, 6, 1), 1), due=None), ON_TRACK),
        ("no target date, no progress", status((date(2020, 6, 1), 0), due=None), AT_RISK),
        ("no target date, reached", status((date(2020, 6, 1), 10), due=None), ON_TRACK),
    ],
)
def test_status_cases(case: str, got: str, expected: str) -> None:
    assert got == expected, case


def test_the_objective_takes_the_worst_status() -> None:
    assert combined([ON_TRACK, MISSED, AT_RISK]) == MISSED
    assert combined([ON_TRACK, NO_DATA]) == ON_TRACK
    assert combined([NO_DATA, NO_DATA]) == NO_DATA
    assert combined([]) == NO_DATA


def test_expected_progress_is_linear_and_clamped() -> None:
    assert expected_progress(START, DUE, START) == 0
    assert expected_progress(START, DUE, DUE) == 1
    assert expected_progress(START, DUE, date(2019, 1, 1)) == 0
    assert expected_progress(START, DUE, date(2030, 1, 1)) == 1
    assert expected_progress(START, DUE, START + timedelta(days=183)) == pytest.approx(0.5)


# --------------------------------------------------------------------------------------------
# Properties

#: Multiples of 1/8: scaling by a power of two and shifting by an integer are exact on them.
values = st.integers(min_value=-(10**6), max_value=10**6).map(lambda i: i / 8)
days = st.integers(min_value=0, max_value=800)


@st.composite
def indicators(draw: st.DrawFn) -> dict[str, object]:
    baseline = draw(values)
    target = draw(values.filter(lambda t: t != baseline))
    offsets = draw(st.lists(days, min_size=1, max_size=6))
    measurements = [(START + timedelta(days=d), draw(values)) for d in offsets]
    due = draw(st.none() | days.map(lambda d: START + timedelta(days=d + 1)))
    today = START + timedelta(days=draw(days))
    return {
        "baseline": baseline,
        "target": target,
        "measurements": measurements,
        "due": due,
        "today": today,
    }


def run(spec: dict[str, object], **change: object) -> str:
    values_ = {**spec, **change}
    return indicator_status(start=START, **values_).status  # type: ignore[arg-type]


@settings(max_examples=300, deadline=None)
@given(spec=indicators())
def test_no_data_exactly_when_nothing_is_measured_by_today(spec: dict[str, object]) -> None:
    measured = [m for m in spec["measurements"] if m[0] <= spec["today"]]  # type: ignore[attr-defined]
    assert (run(spec) == NO_DATA) == (not measured)


@settings(max_examples=300, deadline=None)
@given(
    spec=indicators(),
    scale=st.sampled_from([-2.0, -1.0, 0.5, 2.0]),
    shift=st.integers(-(10**6), 10**6),
)
def test_the_status_ignores_units_and_direction(
    spec: dict[str, object], scale: float, shift: int
) -> None:
    """Scaling every figure (negatively too: a target below its baseline) and shifting it
    changes nothing: only the way from baseline to target counts."""

    def moved(v: float) -> float:
        return v * scale + shift

    other = {
        "baseline": moved(spec["baseline"]),  # type: ignore[arg-type]
        "target": moved(spec["target"]),  # type: ignore[arg-type]
        "measurements": [(d, moved(v)) for d, v in spec["measurements"]],  # type: ignore[attr-defined]
    }
    assert run(spec) == run(spec, **other)


@settings(max_examples=300, deadline=None)
@given(spec=indicators(), gain=st.floats(min_value=0, max_value=1e6, allow_nan=False))
def test_a_better_latest_measurement_never_worsens_the_status(
    spec: dict[str, object], gain: float
) -> None:
    measured = sorted(
        (m for m in spec["measurements"] if m[0] <= spec["today"]),  # type: ignore[attr-defined]
        key=lambda m: m[0],
    )
    assume(measured)
    day, value = measured[-1]
    assume(all(m[0] < day for m in measured[:-1]))  # one latest measurement
    towards = 1 if spec["target"] >= spec["baseline"] else -1  # type: ignore[operator]
    better = [m for m in spec["measurements"] if m != (day, value)]  # type: ignore[attr-defined]
    better.append((day, value + towards * gain))
    before, after = run(spec), run(spec, measurements=better)
    assert SEVERITY[after] <= SEVERITY[before], (before, after)


@settings(max_examples=300, deadline=None)
@given(spec=indicators(), later=days)
def test_time_passing_without_news_never_improves_the_status(
    spec: dict[str, object], later: int
) -> None:
    latest = max(m[0] for m in spec["measurements"])  # type: ignore[attr-defined]
    today = max(spec["today"], latest)  # type: ignore[type-var]
    before = run(spec, today=today)
    after = run(spec, today=today + timedelta(days=later))
    assert SEVERITY[after] >= SEVERITY[before], (before, after)


@settings(max_examples=300, deadline=None)
@given(spec=indicators())
def test_missed_means_the_deadline_passed_without_reaching_the_target(
    spec: dict[str, object],
) -> None:
    got = run(spec)
    due, today = spec["due"], spec["today"]
    if got != MISSED:
        return
    assert due is not None
    assert due < today
    baseline, target = spec["baseline"], spec["target"]
    in_time = sorted(
        (m for m in spec["measurements"] if m[0] <= due),  # type: ignore[attr-defined,operator]
        key=lambda m: m[0],
    )
    if in_time:
        standing = in_time[-1][1]
        up = target >= baseline  # type: ignore[operator]
        assert not ((standing >= target) if up else (standing <= target))  # type: ignore[operator]


def test_a_target_reached_in_time_and_lost_afterwards_was_met() -> None:
    got = status((date(2020, 9, 1), 10), (date(2021, 2, 1), 4), today=date(2021, 3, 1))
    assert got == ON_TRACK
