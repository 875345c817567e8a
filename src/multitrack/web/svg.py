"""A few helpers to write SVG (and track CSS names) safely: every value escaped."""

from __future__ import annotations

from collections.abc import Iterable

from markupsafe import Markup, escape


def attrs(**values: object) -> str:
    """``key="value"`` pairs; ``class_`` becomes ``class``, ``_`` in names becomes ``-``;
    ``None`` values are left out."""
    parts = []
    for key, value in values.items():
        if value is None:
            continue
        name = "class" if key == "class_" else key.rstrip("_").replace("_", "-")
        if isinstance(value, float):
            value = f"{value:.1f}"
        parts.append(f'{name}="{escape(str(value))}"')
    return " ".join(parts)


def tag(name: str, children: Iterable[str] | str = "", **values: object) -> Markup:
    inner = children if isinstance(children, str) else "".join(children)
    return Markup(f"<{name} {attrs(**values)}>{inner}</{name}>")


def title(text: str) -> Markup:
    """A tooltip (and accessible name) for the element it is placed in."""
    return Markup(f"<title>{escape(text)}</title>")


def text(value: str, **values: object) -> Markup:
    return Markup(f"<text {attrs(**values)}>{escape(value)}</text>")


def svg(children: Iterable[str], *, width: int, height: int, label: str, class_: str) -> Markup:
    """An SVG image that scales to its container, named for screen readers."""
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" {attrs(class_=class_)} '
        f'viewBox="0 0 {width} {height}" role="img" '
        f'{attrs(aria_label=label)} preserveAspectRatio="xMinYMin meet">'
        f"{title(label)}{''.join(children)}</svg>"
    )


def track_class(track: str) -> str:
    """A CSS-safe name for a track id ("1.5" → "track-1-5")."""
    return "track-" + "".join(c if c.isalnum() else "-" for c in track)


def year_of(value: str | None) -> float | None:
    """A partial ISO date ("1993", "1993-05", "1993-05-20") as a fractional year."""
    if not value:
        return None
    parts = value.split("-")
    try:
        year = int(parts[0])
        month = int(parts[1]) if len(parts) > 1 else 1
        day = int(parts[2]) if len(parts) > 2 else 1
    except ValueError:
        return None
    return year + (month - 1) / 12 + (day - 1) / 365
