"""Charts drawn on the server as SVG: counts by track, relations over time, timelines."""

from __future__ import annotations

import bisect
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from multitrack.events.relations import QUAD_COLUMNS, PeriodRow
from multitrack.web.svg import svg, tag, text, title, track_class, year_of

if TYPE_CHECKING:
    from multitrack.analytics.impact import DyadImpact

QUAD_NAMES = {
    "verbal_coop": "Verbal cooperation",
    "material_coop": "Material cooperation",
    "verbal_conflict": "Verbal conflict",
    "material_conflict": "Material conflict",
}


def count_bars(
    bars: Sequence[tuple[str, int, str, str, Mapping[str, object]]],
    *,
    left: int,
    width: int,
    label: str,
    class_: str,
) -> Markup:
    """Horizontal bars, one per ``(axis label, count, tooltip, CSS class, data attributes)``,
    each with its count beside it."""
    row = 26
    most = max((count for _, count, _, _, _ in bars), default=0) or 1
    parts: list[str] = []
    for i, (name, count, tip, css, data) in enumerate(bars):
        y = 8 + i * row
        bar = (width - left - 50) * count / most
        parts.append(text(name, x=left - 8, y=y + 15, class_="axis-label", text_anchor="end"))
        parts.append(
            tag(
                "rect",
                title(tip),
                class_=f"bar {css}",
                x=left,
                y=y,
                width=max(bar, 1.0),
                height=row - 8,
                **data,
            )
        )
        parts.append(text(str(count), x=left + bar + 6, y=y + 15, class_="value"))
    return svg(parts, width=width, height=16 + row * max(len(bars), 1), label=label, class_=class_)


def track_bars(counts: Sequence[tuple[str, str, int]], *, label: str) -> Markup:
    """Horizontal bars, one per ``(track id, track name, count)``."""
    bars = [
        (
            f"Track {track}",
            count,
            f"Track {track} ({name}): {count} channels",
            track_class(track),
            {"data_track": track},
        )
        for track, name, count in counts
    ]
    return count_bars(bars, left=80, width=560, label=label, class_="chart track-bars")


def relations_chart(
    rows: Sequence[PeriodRow], *, label: str, markers: Sequence[ChartMarker] = ()
) -> Markup:
    """Stacked bars of the four quad classes per period and the Goldstein mean as a line
    (right axis, −10 … +10); ``markers`` (our engagements, agreement dates) as vertical lines
    over the period they fall in, each a link to its record."""
    width, height, left, right, top, bottom = 760, 300, 48, 48, 16, 64
    plot_w, plot_h = width - left - right, height - top - bottom
    n = max(len(rows), 1)
    step = plot_w / n
    most = max((r.events for r in rows), default=0) or 1
    parts: list[str] = [
        tag("line", x1=left, y1=top + plot_h, x2=left + plot_w, y2=top + plot_h, class_="axis"),
        tag("line", x1=left, y1=top, x2=left, y2=top + plot_h, class_="axis"),
        text(str(most), x=left - 6, y=top + 10, class_="axis-label", text_anchor="end"),
        text("0", x=left - 6, y=top + plot_h, class_="axis-label", text_anchor="end"),
        text("+10", x=left + plot_w + 6, y=top + 10, class_="axis-label"),
        text("−10", x=left + plot_w + 6, y=top + plot_h, class_="axis-label"),
    ]
    zero = top + plot_h / 2
    parts.append(tag("line", x1=left, y1=zero, x2=left + plot_w, y2=zero, class_="zero"))
    bars, points = _quad_bars(rows, left=left, top=top, plot_h=plot_h, step=step, most=most)
    parts += bars
    parts.append(_goldstein_line(points))
    for point in points:
        if point is not None:
            parts.append(tag("circle", class_="goldstein-point", cx=point[0], cy=point[1], r=2.5))
    starts = [r.start for r in rows]
    for marker in markers:
        index = bisect.bisect_right(starts, marker.date) - 1
        if index < 0 or (index == len(rows) - 1 and marker.date > _period_last(rows)):
            continue
        parts.append(_marker(marker, left + index * step + step / 2, top, top + plot_h))
    return svg(parts, width=width, height=height, label=label, class_="chart relations")


def _quad_bars(
    rows: Sequence[PeriodRow], *, left: float, top: float, plot_h: float, step: float, most: int
) -> tuple[list[str], list[tuple[float, float] | None]]:
    """Stacked bars of the four quad classes per period, with the periods labelled at about
    twelve places at most; and where each period's Goldstein mean stands (``None``: no mean)."""
    zero = top + plot_h / 2
    label_every = max(1, math.ceil(len(rows) / 12))
    parts: list[str] = []
    points: list[tuple[float, float] | None] = []
    for i, row in enumerate(rows):
        x = left + i * step
        y: float = top + plot_h
        for column in QUAD_COLUMNS:
            value = int(getattr(row, column))
            if value:
                h = plot_h * value / most
                y -= h
                parts.append(
                    tag(
                        "rect",
                        title(f"{row.period}: {value} {QUAD_NAMES[column].lower()}"),
                        class_=f"bar {column}",
                        x=x + step * 0.1,
                        y=y,
                        width=step * 0.8,
                        height=h,
                        data_period=row.period,
                    )
                )
        if i % label_every == 0:
            parts.append(
                text(
                    row.period,
                    class_="axis-label tick",
                    transform=f"translate({x + step / 2:.1f},{top + plot_h + 12}) rotate(40)",
                )
            )
        mean = row.goldstein_mean
        points.append(None if mean is None else (x + step / 2, zero - plot_h / 2 * mean / 10))
    return parts, points


def _goldstein_line(points: Sequence[tuple[float, float] | None]) -> Markup:
    """The Goldstein means as one path, lifting the pen over periods without a mean."""
    path, pen_down = [], False
    for point in points:
        if point is None:
            pen_down = False
            continue
        path.append(f"{'L' if pen_down else 'M'}{point[0]:.1f},{point[1]:.1f}")
        pen_down = True
    return tag("path", class_="goldstein", d=" ".join(path) or "M0,0")


@dataclass(frozen=True)
class ChartMarker:
    """A dated record drawn over a relations chart: a vertical line linking to the record."""

    date: date
    label: str
    href: str
    kind: str  # engagement | agreement


def _period_last(rows: Sequence[PeriodRow]) -> date:
    """The last day the rows cover (the last period is as long as the one before it)."""
    last = rows[-1].start
    if len(rows) < 2:
        return last
    return last + (last - rows[-2].start) - timedelta(days=1)


def _marker(marker: ChartMarker, x: float, y0: float, y1: float) -> Markup:
    name = f"{marker.kind.capitalize()} {marker.date.isoformat()}: {marker.label}"
    return tag(
        "a",
        [
            title(name),
            tag(
                "rect",
                class_="marker-hit",
                x=x - 5,
                y=y0 - 8,
                width=10,
                height=y1 - y0 + 8,
                fill="transparent",
            ),
            tag("line", class_=f"marker {marker.kind}", x1=x, y1=y0, x2=x, y2=y1),
            tag(
                "path",
                class_=f"marker-head {marker.kind}",
                d=f"M{x - 5:.1f},{y0 - 8:.1f} L{x + 5:.1f},{y0 - 8:.1f} L{x:.1f},{y0:.1f} Z",
            ),
        ],
        href=marker.href,
        class_="chart-marker",
        aria_label=name,
        data_date=marker.date.isoformat(),
        data_kind=marker.kind,
    )


def _axis_years(lo: float, hi: float, x_of: Any, y: float) -> list[str]:
    span = max(hi - lo, 1)
    stride = max(1, math.ceil(span / 8))
    parts: list[str] = []
    for year in range(math.floor(lo), math.ceil(hi) + 1, stride):
        if lo <= year <= hi:
            x = x_of(year)
            parts.append(tag("line", class_="tick", x1=x, y1=y, x2=x, y2=y + 5))
            parts.append(text(str(year), x=x, y=y + 18, class_="axis-label", text_anchor="middle"))
    return parts


def engagement_timeline(engagements: Sequence[dict[str, Any]], *, label: str) -> Markup:
    """One dot per engagement along a time axis, linked to the engagement's page."""
    width, height, left, right = 760, 90, 24, 24
    dated = [(year_of(e["start"]), e) for e in engagements]
    points = [(y, e) for y, e in dated if y is not None]
    if not points:
        return svg(
            [text("No engagements yet", x=left, y=40, class_="empty")],
            width=width,
            height=height,
            label=label,
            class_="chart timeline",
        )
    lo = min(y for y, _ in points) - 0.5
    hi = max(y for y, _ in points) + 0.5

    def x_of(value: float) -> float:
        return left + (width - left - right) * (value - lo) / (hi - lo)

    axis = 50.0
    parts: list[str] = [tag("line", class_="axis", x1=left, y1=axis, x2=width - right, y2=axis)]
    parts += _axis_years(lo, hi, x_of, axis)
    for i, (when, e) in enumerate(sorted(points, key=lambda p: p[0])):
        dot = tag(
            "circle",
            title(f"{e['start']} · {e['kind']} · {e['summary']}"),
            class_="engagement",
            cx=x_of(when),
            cy=axis - 10 - (i % 3) * 10,
            r=6,
        )
        parts.append(tag("a", dot, href=f"/engagements/{e['id']}"))
    return svg(parts, width=width, height=height, label=label, class_="chart timeline")


def channel_timeline(
    history: Sequence[dict[str, Any]], *, label: str, today: date | None = None
) -> Markup:
    """One segment per history entry, from its date to the next one (the last one: a year, or
    to today while the channel is active), coloured by track."""
    width, left, right, row = 760, 24, 24, 34
    entries = [(year_of(h["date"]), h) for h in history]
    steps = sorted(((y, h) for y, h in entries if y is not None), key=lambda p: p[0])
    if not steps:
        return svg(
            [text("No history recorded", x=left, y=30, class_="empty")],
            width=width,
            height=60,
            label=label,
            class_="chart timeline",
        )
    now = today or date.today()
    last = steps[-1]
    tail = now.year + (now.month - 1) / 12 if last[1]["status"] == "active" else last[0] + 0.1
    lo, hi = steps[0][0], max(tail, last[0] + 0.1)

    def x_of(value: float) -> float:
        return left + (width - left - right) * (value - lo) / (hi - lo)

    height = 40 + row * len(steps)
    parts: list[str] = []
    for i, (start, h) in enumerate(steps):
        end = steps[i + 1][0] if i + 1 < len(steps) else hi
        x, y = x_of(start), 8 + i * row
        segment = tag(
            "rect",
            title(
                f"{h['date']}: track {h['track']}, {h['status']}"
                + (f" — {h['note']}" if h.get("note") else "")
            ),
            class_=f"segment {track_class(h['track'])} {h['status']}",
            x=x,
            y=y,
            width=max(x_of(end) - x, 4.0),
            height=row - 10,
            data_track=h["track"],
            data_status=h["status"],
        )
        parts.append(segment)
        anchor = "end" if x > width * 0.7 else "start"
        parts.append(
            text(
                f"{h['date']} · Track {h['track']} · {h['status']}",
                x=x - 4 if anchor == "end" else x + 4,
                y=y + row - 15,
                class_="segment-label",
                text_anchor=anchor,
            )
        )
    axis = 8 + row * len(steps)
    parts.append(tag("line", class_="axis", x1=left, y1=axis, x2=width - right, y2=axis))
    parts += _axis_years(lo, hi, x_of, axis)
    return svg(parts, width=width, height=height, label=label, class_="chart timeline")


def impact_chart(dyad: DyadImpact, *, label: str | None = None) -> Markup:
    """One dyad around a milestone: stacked quad-class bars per period and the Goldstein mean
    (as :func:`relations_chart`), the milestone as a vertical line, the mean of each window as
    a dashed level; below, the change of the Goldstein mean at every reference date of the
    dyad's history (dots) and at the milestone (diamond)."""
    rows = dyad.series
    width, left, right, top, plot_h = 760, 48, 48, 22, 190
    strip_top, strip_h = top + plot_h + 70, 44
    height = strip_top + strip_h + 30
    plot_w = width - left - right
    name = label or (
        f"{dyad.label}: {dyad.verdict}"
        + (f" ({dyad.direction})" if dyad.direction and dyad.verdict != "insufficient" else "")
        + f" — {dyad.reason}"
    )
    if not rows:
        return svg(
            [text("No periods to draw", x=left, y=40, class_="empty")],
            width=width,
            height=80,
            label=name,
            class_="chart impact",
        )
    n = len(rows)
    step = plot_w / n
    starts = [r.start for r in rows]
    span = _period_last(rows) if n > 1 else rows[0].start + timedelta(days=6)
    ends = [*starts[1:], span + timedelta(days=1)]

    def x_of(day: date) -> float:
        i = min(max(bisect.bisect_right(starts, day) - 1, 0), n - 1)
        length = max((ends[i] - starts[i]).days, 1)
        fraction = min(max((day - starts[i]).days / length, 0.0), 1.0)
        return left + (i + fraction) * step

    zero = top + plot_h / 2

    def y_of(mean: float) -> float:
        return zero - plot_h / 2 * mean / 10

    most = max((r.events for r in rows), default=0) or 1
    before, after = dyad.before, dyad.after
    m = after.start
    parts: list[str] = [
        tag(
            "rect",
            title(f"Before: {before.start} – {before.end}, {before.events} events"),
            class_="window before",
            x=x_of(before.start),
            y=top,
            width=max(x_of(m) - x_of(before.start), 1.0),
            height=plot_h,
        ),
        tag(
            "rect",
            title(f"After: {after.start} – {after.end}, {after.events} events"),
            class_="window after",
            x=x_of(m),
            y=top,
            width=max(left + plot_w - x_of(m), 1.0),
            height=plot_h,
        ),
        tag("line", x1=left, y1=top + plot_h, x2=left + plot_w, y2=top + plot_h, class_="axis"),
        tag("line", x1=left, y1=top, x2=left, y2=top + plot_h, class_="axis"),
        tag("line", x1=left, y1=zero, x2=left + plot_w, y2=zero, class_="zero"),
        text(str(most), x=left - 6, y=top + 10, class_="axis-label", text_anchor="end"),
        text("0", x=left - 6, y=top + plot_h, class_="axis-label", text_anchor="end"),
        text("+10", x=left + plot_w + 6, y=top + 10, class_="axis-label"),
        text("−10", x=left + plot_w + 6, y=top + plot_h, class_="axis-label"),
    ]
    bars, points = _quad_bars(rows, left=left, top=top, plot_h=plot_h, step=step, most=most)
    parts += bars
    parts.append(_goldstein_line(points))
    for window, x0, x1 in ((before, x_of(before.start), x_of(m)), (after, x_of(m), left + plot_w)):
        if window.goldstein_mean is not None:
            level = y_of(window.goldstein_mean)
            parts.append(
                tag(
                    "line",
                    title(
                        f"Mean Goldstein {window.start} – {window.end}: "
                        f"{window.goldstein_mean:+.2f}"
                    ),
                    class_="window-mean",
                    x1=x0,
                    y1=level,
                    x2=x1,
                    y2=level,
                )
            )
    xm = x_of(m)
    parts.append(
        tag(
            "line",
            title(f"Milestone {m.isoformat()}"),
            class_="milestone",
            x1=xm,
            y1=top - 6,
            x2=xm,
            y2=top + plot_h,
        )
    )
    parts.append(text(m.isoformat(), x=xm + 4, y=top - 8, class_="axis-label"))
    parts += _reference_strip(dyad, left, plot_w, strip_top, strip_h)
    return svg(parts, width=width, height=height, label=name, class_="chart impact")


def _reference_strip(
    dyad: DyadImpact, left: float, plot_w: float, top: float, height: float
) -> list[str]:
    change = dyad.test("goldstein_mean").change
    values = [r.change for r in dyad.references]
    parts: list[str] = [
        text(
            f"Change of the mean Goldstein score: at {len(values)} other dates of the dyad's "
            "history (dots) and at the milestone (◆)",
            x=left,
            y=top - 8,
            class_="axis-label",
        )
    ]
    shown = [*values, 0.0, *([change] if change is not None else [])]
    lo, hi = min(shown), max(shown)
    pad = max((hi - lo) * 0.05, 0.25)
    lo, hi = lo - pad, hi + pad
    axis = top + height / 2

    def x_of(value: float) -> float:
        return left + plot_w * (value - lo) / (hi - lo)

    parts.append(tag("line", class_="axis", x1=left, y1=axis, x2=left + plot_w, y2=axis))
    parts.append(tag("line", class_="zero", x1=x_of(0.0), y1=top, x2=x_of(0.0), y2=top + height))
    parts.append(text(f"{lo:+.1f}", x=left, y=top + height + 14, class_="axis-label"))
    parts.append(
        text(f"{hi:+.1f}", x=left + plot_w, y=top + height + 14, class_="axis-label",
             text_anchor="end")
    )  # fmt: skip
    for i, ref in enumerate(dyad.references):
        parts.append(
            tag(
                "circle",
                title(f"{ref.date.isoformat()}: {ref.change:+.2f}"),
                class_="reference",
                cx=x_of(ref.change),
                cy=axis - 6 + (i % 3) * 6,
                r=3.5,
            )
        )
    if change is not None:
        x = x_of(change)
        parts.append(
            tag(
                "path",
                title(f"Milestone: {change:+.2f} ({dyad.verdict})"),
                class_=f"milestone-change {dyad.verdict}",
                d=f"M{x:.1f},{axis - 9:.1f} L{x + 7:.1f},{axis:.1f} L{x:.1f},{axis + 9:.1f} "
                f"L{x - 7:.1f},{axis:.1f} Z",
            )
        )
    return parts
