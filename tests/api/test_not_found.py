"""An unknown address answers in the language of its part of the app: the web app's HTML
not-found page for pages, problem+json under /api."""

from __future__ import annotations

import pytest

from tests.api.conftest import Api


@pytest.mark.parametrize("path", ["/no-such-page", "/actors/x/y/z", "/static/missing.css"])
def test_an_unknown_page_gets_the_html_not_found_page(api: Api, path: str) -> None:
    response = api.get(path, as_=None)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "<h1>Not found</h1>" in response.text
    assert 'href="/"' in response.text


@pytest.mark.parametrize("path", ["/api/v1/no-such-kind", "/api/v2/actors", "/api"])
def test_an_unknown_api_address_gets_problem_json(api: Api, path: str) -> None:
    response = api.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["status"] == 404
