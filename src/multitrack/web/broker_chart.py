"""The brokers chart: one row per broker, a bar for its reach (scaled to the largest) and one
for its neutrality (0 … 1), with the score written beside them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from markupsafe import Markup

from multitrack.web.svg import svg, tag, text, title

ROW, BAR, LEFT, WIDTH = 46, 15, 250, 760
NAME_CHARS = 34


def _short(name: str) -> str:
    return name if len(name) <= NAME_CHARS else name[: NAME_CHARS - 1].rstrip() + "…"


def broker_bars(brokers: Sequence[dict[str, Any]], *, label: str) -> Markup:
    """Grouped horizontal bars: reach (relative to the largest reach shown) and neutrality."""
    most = max((b["reach"] for b in brokers), default=0.0) or 1.0
    span = WIDTH - LEFT - 150
    parts: list[str] = [
        text("reach (share of the largest)", x=LEFT, y=14, class_="axis-label"),
        tag("rect", class_="swatch-key reach", x=LEFT - 14, y=5, width=10, height=10),
        text("neutrality (0–1)", x=LEFT + 230, y=14, class_="axis-label"),
        tag("rect", class_="swatch-key neutrality", x=LEFT + 216, y=5, width=10, height=10),
    ]
    for i, b in enumerate(brokers):
        name = b["actor"]["name"]
        y = 26 + i * ROW
        parts.append(text(f"{i + 1}. {_short(name)}", x=LEFT - 8, y=y + 20, class_="axis-label",
                          text_anchor="end"))  # fmt: skip
        for n, (part, value, width) in enumerate(
            (
                ("reach", b["reach"], span * b["reach"] / most),
                ("neutrality", b["neutrality"], span * b["neutrality"]),
            )
        ):
            parts.append(
                tag(
                    "rect",
                    title(f"{name}: {part} {value:g}"),
                    class_=f"bar {part}",
                    x=LEFT,
                    y=y + n * (BAR + 2),
                    width=max(width, 1.0),
                    height=BAR,
                    data_part=part,
                    data_value=f"{value:g}",
                    data_broker=name,
                )
            )
            parts.append(text(f"{value:g}", x=LEFT + width + 6, y=y + n * (BAR + 2) + 12,
                              class_="value"))  # fmt: skip
        parts.append(text(f"score {b['score']:g}", x=WIDTH - 4, y=y + 20, class_="value",
                          text_anchor="end"))  # fmt: skip
    return svg(parts, width=WIDTH, height=32 + ROW * max(len(brokers), 1), label=label,
               class_="chart broker-bars")  # fmt: skip
