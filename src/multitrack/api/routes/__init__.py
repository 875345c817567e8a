"""The REST API's routes, one module per resource; every route needs a principal."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from multitrack.api.deps import current_principal
from multitrack.api.routes import (
    actors,
    agreements,
    analytics,
    brokers,
    channels,
    engagements,
    impact,
    memberships,
    meta,
    objectives,
    oversight,
    relations,
    reports,
    vetting,
)
from multitrack.api.routes.common import COMMON_PROBLEMS
from multitrack.api.schemas import problem_responses

router = APIRouter(
    dependencies=[Depends(current_principal)], responses=problem_responses(*COMMON_PROBLEMS)
)
for module in (actors, memberships, channels, engagements, agreements, objectives, relations, meta):
    router.include_router(module.router)
router.include_router(analytics.router)
router.include_router(impact.router)
router.include_router(brokers.router)
router.include_router(vetting.router)
router.include_router(oversight.router)
router.include_router(reports.router)

__all__ = ["router"]
