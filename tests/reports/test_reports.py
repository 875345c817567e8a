"""The reports rendered for real: PDFs read back with pdftotext and turned into PNG pages with
pdftoppm (one page of each kept as an artefact), standalone HTML, and what a RESTRICTED reader
gets compared with what the local administrator gets."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from multitrack.analytics.coverage import events_for
from multitrack.errors import InvalidValueError, NotFoundError
from multitrack.reports import (
    Report,
    build_accountability,
    build_brief,
    format_of,
    render_html,
    write_report,
)
from multitrack.reports.document import css_string
from multitrack.reports.marking import record_ids
from multitrack.security.principal import Principal
from tests.reports.conftest import (
    SECRET_OBJECTIVE,
    SECRET_SUMMARY,
    World,
    page_png,
    pdf_pages,
    pdf_text,
    require_poppler,
)

BRIEF_SECTIONS = (
    "Memberships",
    "Channels",
    "Coverage",
    "Coverage gaps",
    "Relations trend",
    "Ego network",
    "Recent engagements",
    "Agreements in force",
    "Open follow-ups",
)
ACCOUNTABILITY_SECTIONS = ("Objectives", "Vetting warnings", "Follow-ups overdue", "Follow-ups due")
KNOWN_OBJECTIVE = "Israeli-Palestinian permanent status agreement"


@dataclass(frozen=True)
class Made:
    report: Report
    pdf: Path
    pages: int

    def text(self, page: int | None = None) -> str:
        """The text in reading order, wrapped table cells joined again."""
        return " ".join(pdf_text(self.pdf, page, layout=False).split())


def _make(world: World, who: Principal, name: str, folder: Path, build: str) -> Made:
    with world.store.session(who) as s:
        if build == "brief":
            report = build_brief(s, "Norway", events=events_for(world.events_dir))
        else:
            report = build_accountability(s, events=events_for(world.events_dir))
    written = write_report(report, folder / f"{name}.pdf")
    assert written.rendered.pages is not None
    return Made(report, written.path, written.rendered.pages)


@pytest.fixture(scope="module")
def made(
    world: World, tmp_path_factory: pytest.TempPathFactory, repo_root: Path
) -> dict[str, Made]:
    """Each report rendered once, as the administrator and as the RESTRICTED viewer; page 1 of
    the administrator's kept as ``artifacts/reports/<kind>-page1.png``."""
    require_poppler()
    folder = tmp_path_factory.mktemp("pdf")
    found = {
        f"{kind}-{who}": _make(world, principal, f"{kind}-{who}", folder, kind)
        for kind in ("brief", "accountability")
        for who, principal in (("admin", world.admin), ("viewer", world.viewer))
    }
    artefacts = repo_root / "artifacts" / "reports"
    for kind in ("brief", "accountability"):
        page_png(found[f"{kind}-admin"].pdf, artefacts / f"{kind}-page1.png")
    return found


def test_the_brief_pdf_reads_back_with_its_sections_and_records(made: dict[str, Made]) -> None:
    brief = made["brief-admin"]
    text = brief.text()
    assert brief.pages >= 3
    assert pdf_pages(brief.pdf) == brief.pages  # what the JSON summary says is the file's
    assert "Brief: Norway" in text
    for section in BRIEF_SECTIONS:
        assert section in text, section
    assert SECRET_SUMMARY in text  # the newest engagement (one cell line: read back whole)
    for e in brief.report.context["engagements"]:  # wrapped cells interleave: their start
        assert " ".join(e["summary"].split()[:3]) in text, e["summary"]
    assert "North Atlantic Treaty" in text  # an agreement in force
    assert "Organization for Security and Co-operation in Europe" in text  # a membership
    assert "Israel" in text  # the top partner in the event data, in the relations trend
    assert "Page 1 of" in brief.text(1)


def test_every_page_carries_the_marking_at_top_and_bottom(made: dict[str, Made]) -> None:
    for name in ("brief-admin", "brief-viewer", "accountability-admin"):
        one = made[name]
        for page in range(1, one.pages + 1):
            lines = [x.strip() for x in pdf_text(one.pdf, page).splitlines() if x.strip()]
            marking = one.report.classification
            assert marking in lines[0], (name, page, lines[0])
            assert marking in lines[-1], (name, page, lines[-1])
            assert f"Page {page} of {one.pages}" in lines[-1]


def test_the_marking_is_the_highest_classification_the_reader_sees(
    made: dict[str, Made],
) -> None:
    assert made["brief-admin"].report.classification == "SECRET"
    assert made["accountability-admin"].report.classification == "SECRET"
    # the demo world is UNCLASSIFIED: without the SECRET records the viewer's reports are too
    assert made["brief-viewer"].report.classification == "UNCLASSIFIED"
    assert made["accountability-viewer"].report.classification == "UNCLASSIFIED"


def test_a_secret_record_is_in_the_admins_pdf_and_not_in_a_restricted_readers(
    made: dict[str, Made],
) -> None:
    assert SECRET_SUMMARY in made["brief-admin"].text()
    assert SECRET_SUMMARY not in made["brief-viewer"].text()
    assert "Kestrel" not in made["brief-viewer"].text()
    assert SECRET_OBJECTIVE in made["accountability-admin"].text()
    assert "Kestrel" not in made["accountability-viewer"].text()
    # the rest of the brief is the same for both
    admin = [e["id"] for e in made["brief-admin"].report.context["engagements"]]
    viewer = [e["id"] for e in made["brief-viewer"].report.context["engagements"]]
    assert viewer[:9] == admin[1:10]  # all but the SECRET one, the newest
    assert made["brief-viewer"].report.prepared_for == "rita"


def test_the_accountability_pdf_reads_back(made: dict[str, Made]) -> None:
    one = made["accountability-admin"]
    text = one.text()
    assert "Accountability report" in text
    for section in ACCOUNTABILITY_SECTIONS:
        assert section in text, section
    assert KNOWN_OBJECTIVE in text
    assert "Brief the Kestrel desk" in text  # the SECRET engagement's overdue follow-up
    statuses = {o["status"] for o in one.report.context["objectives"]}
    assert statuses <= {"on track", "at risk", "missed", "no data"}
    assert "missed" in statuses  # the Oslo permanent-status deadline of 1999
    warnings = one.report.context["warnings"]
    assert warnings, "the demo world has a police or military engagement with a flagged unit"
    for w in warnings:
        assert w["actor"]["name"] in text
        assert w["status"] in ("flagged", "pending", "unvetted")


def test_the_page_artefacts_are_pngs(made: dict[str, Made], repo_root: Path) -> None:
    for kind in ("brief", "accountability"):
        png = repo_root / "artifacts" / "reports" / f"{kind}-page1.png"
        data = png.read_bytes()
        assert data.startswith(b"\x89PNG\r\n\x1a\n")
        assert len(data) > 20_000  # a rendered A4 page, not an empty image


def test_the_html_report_is_standalone_and_marked(made: dict[str, Made]) -> None:
    html = render_html(made["brief-admin"].report)
    assert html.count('class="marking banner') == 2  # top and bottom of the document
    assert "<svg" in html  # charts inline
    for remote in ("<link", "<script", "<img", "src=", "url(http", "@import"):
        assert remote not in html, remote
    assert SECRET_SUMMARY in html
    viewer = render_html(made["brief-viewer"].report)
    assert "Kestrel" not in viewer
    assert "UNCLASSIFIED" in viewer


@pytest.mark.parametrize(
    ("name", "wanted"),
    [("a.pdf", "pdf"), ("b.PDF", "pdf"), ("c.html", "html"), ("d.htm", "html")],
)
def test_the_suffix_chooses_the_format(name: str, wanted: str) -> None:
    assert format_of(name) == wanted


@pytest.mark.parametrize("name", ["report", "report.txt", "report.pdf.zip", "report."])
def test_other_suffixes_are_refused(name: str) -> None:
    with pytest.raises(InvalidValueError, match=r"name a \.pdf or an \.html file"):
        format_of(name)


def test_an_unknown_actor_writes_nothing(world: World, tmp_path: Path) -> None:
    with world.store.session(world.viewer) as s, pytest.raises(NotFoundError):
        build_brief(s, "Atlantis")
    assert not list(tmp_path.iterdir())


@given(st.text(max_size=40))
def test_a_css_string_cannot_leave_its_quotes_or_the_style_element(value: str) -> None:
    quoted = str(css_string(value))
    inner = quoted[1:-1]
    assert quoted[0] == quoted[-1] == '"'
    for c in ('"', "'", "<", ">", "\\\n", "\n", "\r", "{", "}"):
        assert c not in inner.replace("\\", "") or c == "\\\n"
    assert re.fullmatch(r'(?:[^"<>\n\r{}\\]|\\[0-9a-f]+ )*', inner), inner


def test_record_ids_are_found_at_any_depth() -> None:
    a, b = "6f0123ee-0d0b-5c74-969b-ce7905709aff", "0e9239e9-4c28-5058-ad61-22d86fd1fac7"
    found = {str(x) for x in record_ids({"x": [{"id": a}, ("y", {"z": b})], "n": 3, "s": "36"})}
    assert found == {a, b}
