"""Messages: filtered pages with cursors, one message, its raw bytes, clusters, exports."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from starlette.responses import Response, StreamingResponse

from sitroom.evidence.prove import read_raw
from sitroom.store.base import SearchQuery
from sitroom.store.sqlite_views import top_clusters
from sitroom.timeutil import utc_now
from sitroom.web.access import ArchiveAccess
from sitroom.web.exports import FORMATS, export_stream
from sitroom.web.params import filters_json, search_query
from sitroom.web.responses import JsonResponse
from sitroom.web.services import message_detail

router = APIRouter(tags=["messages"])
Filters = Annotated[SearchQuery, Depends(search_query)]
MessageId = Annotated[str, Path(max_length=200)]


def _access(request: Request) -> ArchiveAccess:
    access: ArchiveAccess = request.app.state.access
    return access


@router.get("/messages", summary="Messages matching the filters, one page at a time")
def list_messages(request: Request, query: Filters) -> Response:
    """A page of whole messages (with annotations) and `next_cursor` for the next page."""
    page, cursor = _access(request).reader().store.search_page(query)
    return JsonResponse({
        "messages": [message.to_json() for message in page],
        "next_cursor": cursor,
        "filters": filters_json(query),
    })


@router.get("/messages/{message_id}", summary="One message with its labels")
def get_message(request: Request, message_id: MessageId) -> Response:
    """The normalised message, provenance, annotations (step@version) and labels."""
    return JsonResponse(message_detail(_access(request).reader(), message_id))


@router.get("/messages/{message_id}/raw", summary="The message's original bytes")
def get_raw(request: Request, message_id: MessageId) -> Response:
    """The raw bytes exactly as received, as a download (never rendered by the browser)."""
    folder = _access(request).reader()
    message = folder.store.get_message(message_id)
    return Response(
        read_raw(folder, message), media_type="application/octet-stream",
        headers={"Content-Disposition": f'attachment; filename="{message.raw_sha256}.raw"'},
    )


@router.get("/clusters", summary="Largest near-duplicate clusters among matching messages")
def list_clusters(request: Request, query: Filters) -> Response:
    """Clusters with their stored size and first message."""
    db = _access(request).reader().store.db
    return JsonResponse({"clusters": top_clusters(db, query, limit=min(query.limit, 100)),
                         "filters": filters_json(query)})


@router.get("/clusters/{cluster_id}", summary="Messages of one near-duplicate cluster")
def cluster_members(request: Request, cluster_id: Annotated[str, Path(max_length=200)],
                    query: Filters) -> Response:
    """A page of a cluster's members, newest first."""
    members = replace(query, cluster=cluster_id, order="newest", text=None)
    page, cursor = _access(request).reader().store.search_page(members)
    return JsonResponse({"cluster": cluster_id,
                         "messages": [message.to_json() for message in page],
                         "next_cursor": cursor})


@router.get("/export", summary="Export matching messages: csv, jsonl or geojson")
def export(
    request: Request, query: Filters,
    format: Annotated[str, Query(pattern="^(csv|jsonl|geojson)$")] = "csv",
    max_messages: Annotated[int | None, Query(ge=1)] = None,
) -> Response:
    """Every matching message (CSV cells that a spreadsheet would run are neutralised)."""
    access = _access(request)

    def chunks() -> Iterator[bytes]:
        with access.private_reader() as folder:
            yield from export_stream(folder, query, format, max_messages)

    stamp = utc_now().replace(":", "")[:15]
    return StreamingResponse(
        chunks(), media_type=FORMATS[format],
        headers={"Content-Disposition": f'attachment; filename="sitroom-{stamp}.{format}"'},
    )
