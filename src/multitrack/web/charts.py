"""Charts drawn on the server as SVG: counts by track, relations over time, timelines."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date
from typing import Any

from markupsafe import Markup

from multitrack.events.relations import QUAD_COLUMNS, PeriodRow
from multitrack.web.svg import svg, tag, text, title, track_class, year_of

QUAD_NAMES = {
    "verbal_coop": "Verbal cooperation",
    "material_coop": "Material cooperation",
    "verbal_conflict": "Verbal conflict",
    "material_conflict": "Material conflict",
}


def track_bars(counts: Sequence[tuple[str, str, int]], *, label: str) -> Markup:
    """Horizontal bars, one per ``(track id, track name, count)``."""
    row, left, width = 26, 80, 560
    most = max((c for _, _, c in counts), default=0) or 1
    parts: list[str] = []
    for i, (track, name, count) in enumerate(counts):
        y = 8 + i * row
        bar = (width - left - 50) * count / most
        parts.append(
            text(f"Track {track}", x=left - 8, y=y + 15, class_="axis-label", text_anchor="end")
        )
        parts.append(
            tag(
                "rect",
                title(f"Track {track} ({name}): {count} channels"),
                class_=f"bar {track_class(track)}",
                x=left,
                y=y,
                width=max(bar, 1.0),
                height=row - 8,
                data_track=track,
            )
        )
        parts.append(text(str(count), x=left + bar + 6, y=y + 15, class_="value"))
    return svg(
        parts,
        width=width,
        height=16 + row * max(len(counts), 1),
        label=label,
        class_="chart track-bars",
    )


def relations_chart(rows: Sequence[PeriodRow], *, label: str) -> Markup:
    """Stacked bars of the four quad classes per period and the Goldstein mean as a line
    (right axis, −10 … +10)."""
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
    label_every = max(1, math.ceil(n / 12))
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
    path, pen_down = [], False
    for point in points:
        if point is None:
            pen_down = False
            continue
        path.append(f"{'L' if pen_down else 'M'}{point[0]:.1f},{point[1]:.1f}")
        pen_down = True
    parts.append(tag("path", class_="goldstein", d=" ".join(path) or "M0,0"))
    for point in points:
        if point is not None:
            parts.append(tag("circle", class_="goldstein-point", cx=point[0], cy=point[1], r=2.5))
    return svg(parts, width=width, height=height, label=label, class_="chart relations")


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
