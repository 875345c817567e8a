"""Report downloads in the browser: the brief from the actor page, the accountability report
from the Reports page; a hidden actor's brief answers like a missing one."""

from __future__ import annotations

import uuid
from pathlib import Path

from playwright.sync_api import BrowserContext, Page, expect

from tests.web.conftest import WebApp


def test_the_actor_page_downloads_the_brief_as_pdf_and_html(page: Page, tmp_path: Path) -> None:
    page.goto("/search?q=Norway")
    page.get_by_role("link", name="Norway", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Norway")
    with page.expect_download() as pdf_download:
        page.get_by_role("link", name="Brief (PDF)").click()
    pdf = tmp_path / pdf_download.value.suggested_filename
    pdf_download.value.save_as(pdf)
    assert pdf.name == "brief-norway.pdf"
    assert pdf.read_bytes().startswith(b"%PDF-")
    with page.expect_download() as html_download:
        page.get_by_role("link", name="Brief (HTML)").click()
    html = tmp_path / html_download.value.suggested_filename
    html_download.value.save_as(html)
    text = html.read_text(encoding="utf-8")
    assert "Brief: Norway" in text
    assert "Prepared for <strong>desk-editor</strong>" in text


def test_the_reports_page_downloads_the_accountability_report(
    viewer_context: BrowserContext, tmp_path: Path
) -> None:
    page = viewer_context.new_page()
    try:
        page.goto("/")
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Reports").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Reports")
        with page.expect_download() as download:
            page.get_by_role("link", name="Accountability report (HTML)").click()
        saved = tmp_path / "accountability.html"
        download.value.save_as(saved)
        text = saved.read_text(encoding="utf-8")
        assert "Accountability report" in text
        assert "Prepared for <strong>desk-viewer</strong>" in text
        page.get_by_role("textbox", name="Actor", exact=True).fill("Norway")
        page.get_by_role("combobox", name="Format").select_option("html")
        with page.expect_download() as brief:
            page.get_by_role("button", name="Download the brief").click()
        assert brief.value.suggested_filename == "brief-norway.html"
    finally:
        page.close()


def test_a_hidden_actors_brief_answers_like_a_missing_one(
    viewer_context: BrowserContext, web_app: WebApp
) -> None:
    page = viewer_context.new_page()
    try:
        hidden = page.request.get(f"/reports/brief/{web_app.secret_actor_id}.pdf")
        missing = page.request.get(f"/reports/brief/{uuid.uuid4()}.pdf")
        assert hidden.status == missing.status == 404
        assert "Kestrel" not in hidden.text()
        assert page.request.get("/reports/accountability.docx").status == 404
    finally:
        page.close()
