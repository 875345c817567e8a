"""Who sees what: login required, failed logins, CSRF, and hidden records answering as missing."""

from __future__ import annotations

import uuid

from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.web.conftest import WebApp


def test_every_page_needs_a_login_and_a_failed_login_says_so(
    browser: Browser, web_app: WebApp
) -> None:
    context = browser.new_context(base_url=web_app.url)
    try:
        page = context.new_page()
        page.goto("/network")
        assert page.url.startswith(f"{web_app.url}/login?next=")
        page.get_by_label("User name").fill(web_app.editor[0])
        page.get_by_label("Password").fill("not the password")
        page.get_by_role("button", name="Log in").click()
        expect(page.get_by_role("alert")).to_contain_text("Login failed")
        page.get_by_label("Password").fill(web_app.editor[1])
        page.get_by_role("button", name="Log in").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Network")  # back to next
        page.get_by_role("button", name="Log out").click()
        page.goto("/")
        assert "/login" in page.url
    finally:
        context.close()


def test_a_form_posted_without_the_session_token_is_refused(page: Page) -> None:
    page.goto("/actors/new")
    response = page.request.post(
        "/actors/new", form={"name": "Forged", "kind": "ngo", "csrf_token": "guess"}
    )
    assert response.status == 403
    assert page.request.get("/search?q=Forged").text().count("Forged</a>") == 0


def test_viewer_cannot_reach_a_secret_record_by_url(
    viewer_context: BrowserContext, editor_context: BrowserContext, web_app: WebApp
) -> None:
    editor = editor_context.new_page()
    viewer = viewer_context.new_page()
    try:
        seen = editor.goto(f"/actors/{web_app.secret_actor_id}")
        assert seen is not None
        assert seen.status == 200
        expect(editor.get_by_role("heading", level=1)).to_contain_text("Kestrel")

        hidden = viewer.goto(f"/actors/{web_app.secret_actor_id}")
        hidden_body = viewer.locator("main").inner_html()
        missing = viewer.goto(f"/actors/{uuid.uuid4()}")
        missing_body = viewer.locator("main").inner_html()
        assert hidden is not None
        assert missing is not None
        assert hidden.status == missing.status == 404
        assert hidden_body == missing_body
        assert "Kestrel" not in viewer.content()
        edit = viewer.goto(f"/actors/{web_app.secret_actor_id}/edit")
        assert edit is not None
        assert edit.status == 404
        viewer.goto("/search?q=Kestrel")
        expect(viewer.locator("#h-actors ~ ul")).to_contain_text("None.")
    finally:
        editor.close()
        viewer.close()
