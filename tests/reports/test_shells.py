"""The reports from the CLI (``multitrack report``) and the API (``/api/v1/reports``): what was
written or answered, its format and marking, and the errors a user can cause."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner, Result

from multitrack.api.app import create_app
from multitrack.cli.main import app
from multitrack.config import DB_ENV, EVENTS_DIR_ENV, STATE_DIR_ENV, Settings
from multitrack.security.accounts import create_token
from multitrack.security.principal import system_context
from tests.reports.conftest import (
    CLEARED,
    SECRET_SUMMARY,
    VIEWER,
    World,
    pdf_pages,
    pdf_text,
    require_poppler,
)


def cli(world: World, *args: str) -> Result:
    env = {
        DB_ENV: world.url,
        STATE_DIR_ENV: str(world.folder / "state"),
        EVENTS_DIR_ENV: str(world.events_dir),
    }
    return CliRunner().invoke(app, list(args), env=env)


def test_report_brief_writes_the_pdf_and_says_what_it_wrote(world: World, tmp_path: Path) -> None:
    require_poppler()
    out = tmp_path / "norway.pdf"
    result = cli(world, "report", "brief", "Norway", "--out", str(out), "--format", "json")
    assert result.exit_code == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["path"] == str(out)
    assert summary["format"] == "pdf"
    assert summary["pages"] == pdf_pages(out) >= 3
    assert summary["classification"] == "SECRET"  # the local administrator sees the SECRET one
    assert summary["sections"][:3] == ["Memberships", "Channels", "Coverage"]
    assert summary["bytes"] == out.stat().st_size
    assert SECRET_SUMMARY in " ".join(pdf_text(out, layout=False).split())


def test_report_as_a_restricted_user_holds_only_what_they_see(world: World, tmp_path: Path) -> None:
    out = tmp_path / "norway.html"
    result = cli(world, "--as", VIEWER, "report", "brief", "Norway", "--out", str(out))
    assert result.exit_code == 0, result.stderr
    assert "Wrote" in result.stdout
    assert "UNCLASSIFIED" in result.stdout
    page = out.read_text(encoding="utf-8")
    assert "Brief: Norway" in page
    assert "Kestrel" not in page
    out = tmp_path / "accountability.html"
    result = cli(world, "--as", VIEWER, "report", "accountability", "--out", str(out), "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["classification"] == "UNCLASSIFIED"
    assert "Kestrel" not in out.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["brief", "Norway", "--out", "{dir}/norway.docx"], 2, "name a .pdf or an .html file"),
        (["brief", "Atlantis", "--out", "{dir}/atlantis.pdf"], 3, "no actor matches 'Atlantis'"),
        (["accountability", "--out", "{dir}/missing/a.html"], 2, "is not a folder"),
        (["brief", "Norway"], 2, "Missing option '--out'"),
    ],
)
def test_report_errors_are_one_line_and_write_nothing(
    world: World, tmp_path: Path, args: list[str], code: int, message: str
) -> None:
    result = cli(world, "report", *[a.replace("{dir}", str(tmp_path)) for a in args])
    assert result.exit_code == code, (result.stdout, result.stderr)
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not list(tmp_path.iterdir())


@pytest.fixture(scope="module")
def client(world: World) -> Iterator[tuple[TestClient, dict[str, str]]]:
    with world.store.session(system_context("test")) as s:
        tokens = {name: create_token(s, name) for name in (VIEWER, CLEARED)}
    made = create_app(
        Settings(db_url=world.url, events_dir=world.events_dir), store=world.store, secret_key="t"
    )
    with TestClient(made) as test_client:
        yield test_client, tokens


def _get(
    client: tuple[TestClient, dict[str, str]], path: str, who: str, **params: str
) -> httpx.Response:
    test_client, tokens = client
    headers = {"Authorization": f"Bearer {tokens[who]}"}
    response: httpx.Response = test_client.get(path, params=params, headers=headers)
    return response


def test_the_api_answers_a_pdf_for_the_cleared_and_html_without_the_secret_for_others(
    client: tuple[TestClient, dict[str, str]], tmp_path: Path
) -> None:
    require_poppler()
    pdf = _get(client, "/api/v1/reports/brief/Norway", CLEARED)
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.headers["x-classification"] == "SECRET"
    assert "brief-norway.pdf" in pdf.headers["content-disposition"]
    (tmp_path / "b.pdf").write_bytes(pdf.content)
    assert SECRET_SUMMARY in " ".join(pdf_text(tmp_path / "b.pdf", layout=False).split())
    page = _get(client, "/api/v1/reports/brief/Norway", VIEWER, format="html")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert page.headers["x-classification"] == "UNCLASSIFIED"
    assert "Kestrel" not in page.text
    account = _get(client, "/api/v1/reports/accountability", VIEWER, format="html")
    assert account.status_code == 200
    assert "Objectives" in account.text
    assert "Kestrel" not in account.text


@pytest.mark.parametrize(
    ("path", "params", "status"),
    [
        ("/api/v1/reports/brief/Atlantis", {"format": "html"}, 404),
        ("/api/v1/reports/brief/Norway", {"format": "docx"}, 422),
        ("/api/v1/reports/accountability", {"format": "txt"}, 422),
    ],
)
def test_api_report_errors_are_problems(
    client: tuple[TestClient, dict[str, str]], path: str, params: dict[str, str], status: int
) -> None:
    response = _get(client, path, VIEWER, **params)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"


def test_the_openapi_document_declares_the_file_types(
    client: tuple[TestClient, dict[str, str]],
) -> None:
    paths = client[0].app.openapi()["paths"]
    for path in ("/api/v1/reports/brief/{actor}", "/api/v1/reports/accountability"):
        content = paths[path]["get"]["responses"]["200"]["content"]
        assert set(content) == {"application/pdf", "text/html"}, content
