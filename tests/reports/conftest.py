"""The reports' world: the demo (registry and event data) with one SECRET engagement on a
Norwegian channel and one SECRET objective, both made up for these tests, and a RESTRICTED
viewer who must not find them in any report.

Rendered PDFs are read back with Debian's poppler-utils (``pdftotext``, ``pdftoppm``,
``pdfinfo``); without them the tests fail under CI (``scripts/test.sh`` installs them) and are
skipped elsewhere.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from multitrack.exchange.apply import save
from multitrack.exchange.records import EngagementRecord, ObjectiveRecord
from multitrack.security.accounts import add_organisation, add_user, get_user, principal_for
from multitrack.security.principal import LOCAL_ADMIN, Principal, system_context
from multitrack.services.queries import get_channel
from multitrack.services.setup import load_demo
from multitrack.store import Store, open_store
from tests.needs import missing

#: Made up for the tests: what a RESTRICTED reader must never see in a report.
SECRET_SUMMARY = "Quiet talks on the Kestrel fisheries dispute"
SECRET_OBJECTIVE = "Keep the Kestrel fisheries talks out of the press"
SECRET_CHANNEL = "North Atlantic Council consultations"
VIEWER = "rita"  # RESTRICTED
CLEARED = "sam"  # SECRET
TOOLS = ("pdftotext", "pdftoppm", "pdfinfo")


def require_poppler() -> None:
    absent = [tool for tool in TOOLS if shutil.which(tool) is None]
    if not absent:
        return
    reason = f"{', '.join(absent)} not found: install Debian's poppler-utils (scripts/test.sh does)"
    missing("the report tests need poppler-utils", reason)


def pdf_pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    line = next(x for x in info.stdout.splitlines() if x.startswith("Pages:"))
    return int(line.split()[1])


def pdf_text(path: Path, page: int | None = None, *, layout: bool = True) -> str:
    """The text of the PDF (or of one page): laid out as on the page, or in reading order."""
    pages = [] if page is None else ["-f", str(page), "-l", str(page)]
    mode = ["-layout"] if layout else []
    done = subprocess.run(
        ["pdftotext", *mode, *pages, str(path), "-"], capture_output=True, text=True, check=True
    )
    return done.stdout


def page_png(path: Path, target: Path, page: int = 1) -> Path:
    """One page of the PDF as a PNG at ``target`` (pdftoppm)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "80", "-f", str(page), "-l", str(page), "-singlefile",
         str(path), str(target.with_suffix(""))],
        check=True,
    )  # fmt: skip
    return target


@dataclass(frozen=True)
class World:
    store: Store
    url: str
    folder: Path
    events_dir: Path
    viewer: Principal
    admin: Principal = LOCAL_ADMIN


@pytest.fixture(scope="package")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    folder = tmp_path_factory.mktemp("reports")
    url = f"sqlite:///{folder / 'multitrack.db'}"
    store = open_store(url, state_dir=folder / "state")
    load_demo(store, events_dir=folder / "events")
    with store.session(system_context("test")) as s:
        add_organisation(s, "Desk")
        add_user(s, VIEWER, organisation_name="Desk", role="viewer", clearance="RESTRICTED",
                 password="correct horse battery")  # fmt: skip
        add_user(s, CLEARED, organisation_name="Desk", role="viewer", clearance="SECRET",
                 password="correct horse battery")  # fmt: skip
    with store.session(LOCAL_ADMIN) as s:
        channel = str(get_channel(s, SECRET_CHANNEL).id)
        secret = {"classification": "SECRET", "releasable_to": ["all"]}
        save(s, "engagements", EngagementRecord.model_validate({
            "channel": channel, "kind": "diplomatic_political", "start": "2026-10-01",
            "summary": SECRET_SUMMARY,
            "follow_ups": [{"action": "Brief the Kestrel desk", "due": "2026-01-15"}],
            **secret,
        }))  # fmt: skip
        save(s, "objectives", ObjectiveRecord.model_validate({
            "title": SECRET_OBJECTIVE, "channel": channel,
            "indicators": [{"name": "Press mentions", "target": 0}], **secret,
        }))  # fmt: skip
    with store.session(system_context("test")) as s:
        viewer = principal_for(get_user(s, VIEWER))
    yield World(store, url, folder, folder / "events", viewer)
    store.dispose()
