"""schemathesis against the served OpenAPI schema (in-process ASGI, a real token): for a
bounded number of generated requests per operation (valid and invalid ones), no 5xx, and every
answer matches its declared status, media type and schema.

Bounded for CI: ``FUZZ_EXAMPLES`` examples per operation (default 15), derandomised, no
deadline. The app runs on the demo world with the GDELT 2.0 samples, as ``ed`` (an editor),
so writes are exercised too.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from multitrack.events.ingest import ingest
from multitrack.services.setup import load_demo
from multitrack.store import open_store
from tests.api.conftest import GDELT2, Api, add_users, make_api

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "15"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> Iterator[Api]:
    folder = tmp_path_factory.mktemp("fuzz")
    url = f"sqlite:///{folder / 'multitrack.db'}"
    store = open_store(url, state_dir=folder / "state")
    load_demo(store)
    tokens = add_users(store)
    store.dispose()
    ingest([shared_data / "gdelt2" / GDELT2[0]], events_dir=folder / "events")
    made = make_api(url, folder, tokens)
    yield made
    made.store.dispose()


@pytest.fixture(scope="module")
def api_schema(fuzzed: Api) -> schemathesis.BaseSchema:
    return schemathesis.openapi.from_asgi("/openapi.json", fuzzed.client.app)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_keeps_its_contract(case: schemathesis.Case, fuzzed: Api) -> None:
    case.call_and_validate(headers=fuzzed.headers("ed"), checks=CHECKS)
