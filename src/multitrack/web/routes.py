"""The web pages: one router, one module per page under :mod:`multitrack.web.pages`."""

from __future__ import annotations

from fastapi import APIRouter

from multitrack.web.core import WebRoute
from multitrack.web.pages import (
    actors,
    auth,
    brokers,
    channels,
    coverage,
    dashboard,
    forms,
    network,
    oversight,
    records,
    reports,
    search,
    transitions,
)

router = APIRouter(route_class=WebRoute, include_in_schema=False)
# Forms first: "/actors/new" must not be read as the actor whose id is "new".
for page in (auth, dashboard, forms, actors, channels, records, network, coverage, search):
    router.include_router(page.router)
router.include_router(reports.router)
router.include_router(transitions.router)
router.include_router(oversight.router)
router.include_router(brokers.router)
