"""Reports, in HTML and PDF: the brief of one actor and the accountability report.

A report is built from a gated session, so it holds only what the requesting principal may see;
it is marked with the highest classification of the records it names, at the top and bottom of
every page. :func:`build_brief` and :func:`build_accountability` gather the content,
:func:`render_html` and :func:`render_pdf` lay it out (Jinja2 templates, print CSS, WeasyPrint
on Debian's Pango and fonts), :func:`write_report` writes the file its suffix names.
"""

from multitrack.reports.accountability import build_accountability
from multitrack.reports.brief import build_brief
from multitrack.reports.document import (
    FORMATS,
    Report,
    Written,
    format_of,
    render,
    render_html,
    render_pdf,
    write_report,
)

__all__ = [
    "FORMATS",
    "Report",
    "Written",
    "build_accountability",
    "build_brief",
    "format_of",
    "render",
    "render_html",
    "render_pdf",
    "write_report",
]
