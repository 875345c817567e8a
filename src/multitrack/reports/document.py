"""A report as data, and its two renderings: a standalone HTML file and a paginated PDF.

The HTML holds everything it shows (styles inline, charts as inline SVG): it loads nothing.
The PDF is that HTML laid out by WeasyPrint for print (A4, the classification marking at the
top and bottom of every page, page numbers), with a URL fetcher that refuses every URL but
``data:`` ones, so a report can never reach the network or the file system.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from multitrack import __version__
from multitrack.errors import InvalidValueError

Format = Literal["pdf", "html"]
FORMATS: tuple[Format, ...] = ("pdf", "html")
MEDIA_TYPES: dict[Format, str] = {"pdf": "application/pdf", "html": "text/html; charset=utf-8"}

_env = Environment(
    loader=PackageLoader("multitrack.reports", "templates"),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


@dataclass
class Report:
    """What a report shows, ready for its template.

    ``sections`` are the titles of the sections it holds, in order; ``omitted`` says which
    sections were left out and why (no event data, nothing visible ...).
    """

    kind: Literal["brief", "accountability"]
    title: str
    subject: str
    classification: str
    classification_rank: int
    prepared_for: str
    sections: list[str]
    context: dict[str, Any]
    omitted: list[str] = field(default_factory=list)
    generated: datetime = field(default_factory=lambda: datetime.now(UTC))

    def summary(self) -> dict[str, Any]:
        return {
            "report": self.kind,
            "title": self.title,
            "classification": self.classification,
            "prepared_for": self.prepared_for,
            "generated": self.generated.isoformat(timespec="seconds"),
            "sections": self.sections,
            "omitted": self.omitted,
        }


@dataclass(frozen=True)
class Rendered:
    format: Format
    content: bytes
    pages: int | None  # PDF only

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self.format]


@dataclass(frozen=True)
class Written:
    path: Path
    rendered: Rendered
    report: Report

    def summary(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "format": self.rendered.format,
            "bytes": len(self.rendered.content),
            "pages": self.rendered.pages,
            **self.report.summary(),
        }


def format_of(path: Path | str) -> Format:
    """The format a file name asks for, from its suffix."""
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix == "htm":
        return "html"
    for known in FORMATS:
        if suffix == known:
            return known
    raise InvalidValueError("out", f"{path}: name a .pdf or an .html file")


#: The colour of the marking by classification rank (the highest for every rank above).
LEVEL_COLOURS = ("#007a33", "#1f5fae", "#0033a0", "#c8102e")


def css_string(value: object) -> Markup:
    """``value`` as a quoted CSS string, safe inside a ``<style>`` element."""
    escaped = "".join(
        c if c.isalnum() or c in " .,:;·-_()/+" else f"\\{ord(c):x} " for c in str(value)
    )
    return Markup(f'"{escaped}"')


_env.filters["css_string"] = css_string


def _level(rank: int) -> tuple[str, str]:
    step = max(0, min(rank, len(LEVEL_COLOURS) - 1))
    return f"level-{step}", LEVEL_COLOURS[step]


def render_html(report: Report) -> str:
    template = _env.get_template(f"{report.kind}.html")
    level_class, level_colour = _level(report.classification_rank)
    return template.render(
        report=report,
        level_class=level_class,
        level_colour=level_colour,
        version=__version__,
        **report.context,
    )


def render_pdf(report: Report) -> Rendered:
    """The report laid out for print; refuses to fetch anything but ``data:`` URLs."""
    import weasyprint  # type: ignore[import-untyped]  # ~0.3 s: only when a PDF is made
    from weasyprint.urls import URLFetcher  # type: ignore[import-untyped]

    html = weasyprint.HTML(
        string=render_html(report), url_fetcher=URLFetcher(allowed_protocols={"data"})
    )
    document = html.render()
    return Rendered("pdf", bytes(document.write_pdf()), len(document.pages))


def render(report: Report, fmt: Format) -> Rendered:
    if fmt == "pdf":
        return render_pdf(report)
    return Rendered("html", render_html(report).encode("utf-8"), None)


def write_report(report: Report, path: Path) -> Written:
    """Render the report in the format the file's suffix names and write it."""
    fmt = format_of(path)
    if not path.parent.is_dir():
        raise InvalidValueError("out", f"{path.parent} is not a folder")
    rendered = render(report, fmt)
    partial = path.with_name(f".{path.name}.partial")
    try:
        partial.write_bytes(rendered.content)
        partial.replace(path)  # all or nothing: never a half-written report
    finally:
        partial.unlink(missing_ok=True)
    return Written(path, rendered, report)


def file_name(report: Report, fmt: Format) -> str:
    """A download name: ``brief-norway.pdf``, ``accountability-2026-11-26.html``."""
    slug = re.sub(r"[^a-z0-9]+", "-", report.subject.lower()).strip("-")[:60] or report.kind
    return f"{report.kind}-{slug}.{fmt}"


_SVG_OPEN = re.compile(r"<svg\b[^>]*>")


def styled(svg: Markup, css: str) -> Markup:
    """``svg`` with ``css`` as its own stylesheet: an inline SVG in a PDF does not take the
    page's styles, so every chart carries the rules it needs."""
    match = _SVG_OPEN.search(svg)
    if match is None:
        return svg
    end = match.end()
    return Markup(f"{svg[:end]}<style>{css}</style>{svg[end:]}")
