"""Aggregates: archive stats, overview, timeline, places on the map, people and orgs."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from starlette.responses import Response

from sitroom.store.base import SearchQuery
from sitroom.store.sqlite_views import MAX_TIMELINE_HOURS, timeline, top_entities, top_places
from sitroom.web.access import ArchiveAccess
from sitroom.web.params import filters_json, search_query
from sitroom.web.responses import JsonResponse
from sitroom.web.services import StatsCache, overview

router = APIRouter(tags=["aggregates"])
Filters = Annotated[SearchQuery, Depends(search_query)]
_STATS = StatsCache()


def _access(request: Request) -> ArchiveAccess:
    access: ArchiveAccess = request.app.state.access
    return access


@router.get("/stats", summary="Archive-wide counts, taxonomy, languages, server mode")
def stats(request: Request) -> Response:
    """Counts and ranges of the whole archive (cached a few seconds)."""
    access = _access(request)
    return JsonResponse({**_STATS.get(access.reader()), "read_only": access.read_only})


@router.get("/overview", summary="Totals, top places, people, orgs and latest counts")
def get_overview(request: Request, query: Filters) -> Response:
    """The overview panel for the current filters."""
    body = overview(_access(request).reader(), query)
    return JsonResponse({**body, "filters": filters_json(query)})


@router.get("/timeline", summary="Messages per hour by category (stacked)")
def get_timeline(
    request: Request, query: Filters,
    hours: Annotated[int, Query(ge=1, le=24 * 90)] = MAX_TIMELINE_HOURS,
) -> Response:
    """Hourly counts per category over at most `hours` up to the newest matching message."""
    body = timeline(_access(request).reader().store.db, query, hours)
    return JsonResponse({**body, "filters": filters_json(query)})


@router.get("/places", summary="Places mentioned, most mentioned first, with coordinates")
def get_places(request: Request, query: Filters) -> Response:
    """Places (gazetteer key, name, lat/lon, count) for the map."""
    db = _access(request).reader().store.db
    return JsonResponse({"places": top_places(db, query, limit=min(query.limit * 4, 500)),
                         "filters": filters_json(query)})


@router.get("/entities", summary="People or organisations most named")
def get_entities(
    request: Request, query: Filters,
    kind: Annotated[str, Query(pattern="^(people|orgs)$")] = "people",
) -> Response:
    """Top people (`kind=people`) or organisations (`kind=orgs`) among matching messages."""
    db = _access(request).reader().store.db
    return JsonResponse({"kind": kind, "entities": top_entities(db, query, kind, query.limit),
                         "filters": filters_json(query)})
