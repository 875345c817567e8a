"""Charts of the analytics pages, drawn on the server as SVG: ranked gaps, track moves over
time, and a centrality ranking. Every bar and mark carries its figures in ``data-*``
attributes and a ``<title>`` tooltip."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from markupsafe import Markup

from multitrack.web.svg import svg, tag, text, title, track_class, year_of

GAP_LABELS = {
    "traffic_without_channel": "Heavy traffic, no channel",
    "track1_only": "Track 1 only",
    "dormant_worsening": "Dormant, relations worsening",
}


def _short(value: str, most: int = 34) -> str:
    return value if len(value) <= most else value[: most - 1] + "…"


def _empty(message: str, *, label: str, class_: str) -> Markup:
    return svg([text(message, x=16, y=30, class_="empty")], width=760, height=50, label=label,
               class_=class_)  # fmt: skip


def gap_bars(gaps: Sequence[dict[str, Any]], *, label: str) -> Markup:
    """One horizontal bar per gap, longest for the highest score, coloured by kind."""
    if not gaps:
        return _empty("No gaps found", label=label, class_="chart gap-bars")
    row, left, width = 24, 250, 760
    most = max(g["score"] for g in gaps) or 1.0
    parts: list[str] = []
    for i, gap in enumerate(gaps):
        y = 8 + i * row
        where = gap.get("sector") or (f"Track {gap['track']}" if gap.get("track") else "")
        name = _short(f"{i + 1}. {gap['counterpart']['name']}" + (f" · {where}" if where else ""))
        bar = (width - left - 60) * gap["score"] / most
        parts.append(text(name, x=left - 8, y=y + 14, class_="axis-label", text_anchor="end"))
        parts.append(
            tag(
                "rect",
                title(
                    f"{GAP_LABELS.get(gap['kind'], gap['kind'])}, score {gap['score']:g}: "
                    + "; ".join(gap["reasons"])
                ),
                class_=f"bar gap {gap['kind']}",
                x=left,
                y=y,
                width=max(bar, 1.0),
                height=row - 7,
                data_kind=gap["kind"],
                data_score=f"{gap['score']:g}",
                data_rank=i + 1,
            )
        )
        parts.append(text(f"{gap['score']:.1f}", x=left + bar + 6, y=y + 14, class_="value"))
    return svg(parts, width=width, height=16 + row * len(gaps), label=label,
               class_="chart gap-bars")  # fmt: skip


def _years(lo: float, hi: float, x_of: Any, y: float) -> list[str]:
    """Ticks on years, or on months when the axis spans less than two years."""
    ticks: list[tuple[float, str]] = []
    if hi - lo < 2:
        step = 1 if hi - lo < 0.75 else 3
        month = math.ceil(lo * 12)
        while month / 12 <= hi:
            if month % step == 0:
                ticks.append((month / 12, f"{month // 12}-{month % 12 + 1:02d}"))
            month += 1
    else:
        stride = max(1, math.ceil((hi - lo) / 8))
        ticks = [(y0, str(y0)) for y0 in range(math.ceil(lo), math.floor(hi) + 1, stride)]
    parts: list[str] = []
    for value, name in ticks:
        x = x_of(value)
        parts.append(tag("line", class_="tick", x1=x, y1=y, x2=x, y2=y + 5))
        parts.append(text(name, x=x, y=y + 18, class_="axis-label", text_anchor="middle"))
    return parts


def transitions_timeline(moves: Sequence[dict[str, Any]], *, label: str) -> Markup:
    """One row per channel: a segment per track it was on (coloured by track) and a mark at
    each move, from the track it left to the one it joined."""
    if not moves:
        return _empty("No channel has moved between tracks", label=label,
                      class_="chart transitions")  # fmt: skip
    rows: dict[str, list[dict[str, Any]]] = {}
    for move in moves:
        rows.setdefault(move["channel"]["id"], []).append(move)
    stamps = [year_of(m[key]) for m in moves for key in ("since", "date")]
    known = [s for s in stamps if s is not None]
    lo, hi = min(known), max(known)
    pad = max((hi - lo) * 0.15, 0.25)
    lo, hi = lo - pad / 3, hi + pad
    width, left, right, row, top = 760, 210, 24, 44, 10

    def x_of(value: float) -> float:
        return left + (width - left - right) * (value - lo) / (hi - lo)

    parts: list[str] = []
    for n, channel_moves in enumerate(rows.values()):
        channel_moves.sort(key=lambda m: m["date"])
        y = top + n * row
        name = channel_moves[0]["channel"]["name"]
        parts.append(text(_short(name, 32), x=left - 8, y=y + 19, class_="axis-label",
                          text_anchor="end"))  # fmt: skip
        spans = [(m["since"], m["date"], m["from_track"]) for m in channel_moves]
        last = channel_moves[-1]
        spans.append((last["date"], None, last["to_track"]))
        for start, end, track in spans:
            x0 = x_of(year_of(start) or lo)
            x1 = x_of(year_of(end) or hi) if end else x_of(hi) - 2
            parts.append(
                tag(
                    "rect",
                    title(f"{name}: Track {track} from {start}" + (f" to {end}" if end else "")),
                    class_=f"segment {track_class(track)}",
                    x=x0,
                    y=y + 6,
                    width=max(x1 - x0, 3.0),
                    height=18,
                    data_track=track,
                )
            )
        for m in channel_moves:
            x = x_of(year_of(m["date"]) or lo)
            parts.append(
                tag(
                    "circle",
                    title(
                        f"{m['date']}: {name} moved from Track {m['from_track']} to Track "
                        f"{m['to_track']} ({m['direction']})"
                    ),
                    class_=f"move {m['direction'].replace(' ', '-')}",
                    cx=x,
                    cy=y + 15,
                    r=6,
                    data_from=m["from_track"],
                    data_to=m["to_track"],
                    data_date=m["date"],
                )
            )
            parts.append(text(f"T{m['from_track']}→T{m['to_track']}", x=x, y=y + 40,
                              class_="move-label", text_anchor="middle"))  # fmt: skip
    axis = top + row * len(rows) + 4
    parts.append(tag("line", class_="axis", x1=left, y1=axis, x2=width - right, y2=axis))
    parts += _years(lo, hi, x_of, axis)
    return svg(parts, width=width, height=axis + 26, label=label, class_="chart transitions")


def centrality_bars(rows: Sequence[dict[str, Any]], *, label: str, key: str) -> Markup:
    """Horizontal bars of one centrality measure (``key``), highest first."""
    ranked = sorted(rows, key=lambda r: (-r[key], r["name"]))
    if not ranked:
        return _empty("No actors", label=label, class_="chart centrality")
    row, left, width = 22, 250, 760
    most = ranked[0][key] or 1.0
    parts: list[str] = []
    for i, r in enumerate(ranked):
        y = 8 + i * row
        bar = (width - left - 60) * r[key] / most
        parts.append(text(_short(r["name"]), x=left - 8, y=y + 13, class_="axis-label",
                          text_anchor="end"))  # fmt: skip
        parts.append(
            tag(
                "rect",
                title(
                    f"{r['name']}: {key} {r[key]:.3f}; degree {r['degree']:.3f}, "
                    f"betweenness {r['betweenness']:.3f}, eigenvector {r['eigenvector']:.3f}, "
                    f"{r['channels']} channels, community {r['community']}"
                ),
                class_=f"bar centrality community-{(r['community'] - 1) % 6 + 1}",
                x=left,
                y=y,
                width=max(bar, 1.0),
                height=row - 6,
                data_actor=r["id"],
                data_value=f"{r[key]:g}",
            )
        )
        parts.append(text(f"{r[key]:.3f}", x=left + bar + 6, y=y + 13, class_="value"))
    return svg(parts, width=width, height=16 + row * len(ranked), label=label,
               class_="chart centrality")  # fmt: skip
