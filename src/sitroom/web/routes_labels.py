"""Labelling: corrections with who and when, the active-learning queue, and retraining."""

from __future__ import annotations

import threading
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field
from starlette.responses import Response

from sitroom.errors import ArchiveBusyError
from sitroom.store.base import SearchQuery
from sitroom.store.sqlite_labels import recent_labels, uncertain_messages
from sitroom.web.access import ArchiveAccess
from sitroom.web.auth import require_writer
from sitroom.web.params import search_query
from sitroom.web.responses import JsonResponse
from sitroom.web.services import StatsCache, label_message, parse_label, retrain

router = APIRouter(tags=["labels"])
_TAXONOMY = StatsCache()
_RETRAINING = threading.Lock()


class LabelIn(BaseModel):
    """A correction of one message's category or help flag."""

    message_id: str = Field(max_length=200)
    field: Literal["category", "help"]
    value: str | bool
    labelled_by: str = Field(default="", max_length=200)


def _access(request: Request) -> ArchiveAccess:
    access: ArchiveAccess = request.app.state.access
    return access


@router.get("/labels", summary="Labels people gave, newest first")
def list_labels(
    request: Request,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    before: Annotated[int | None, Query(description="Label id to page before")] = None,
) -> Response:
    """The newest labels (who, when, field, value, message)."""
    rows = recent_labels(_access(request).reader().store.db, limit, before)
    return JsonResponse({
        "labels": [row.to_json() for row in rows],
        "next_before": rows[-1].id if len(rows) == limit else None,
    })


@router.post("/labels", summary="Label a message (needs the token)",
             dependencies=[Depends(require_writer)], status_code=201)
def post_label(request: Request, label: LabelIn) -> Response:
    """Store a correction; the model's annotations are never overwritten."""
    access = _access(request)
    taxonomy = _TAXONOMY.get(access.reader()).get("taxonomy")
    value = parse_label(label.field, label.value,
                        [str(c) for c in taxonomy] if isinstance(taxonomy, list) else [])
    with access.writer(exclusive=False) as folder:
        stored = label_message(folder, label.message_id, label.field, value, label.labelled_by)
    return JsonResponse(stored, status_code=201)


@router.get("/labels/queue", summary="Active learning: messages the model is least sure of")
def label_queue(request: Request, query: Annotated[SearchQuery, Depends(search_query)]
                ) -> Response:
    """Unlabelled messages with the smallest margin between their top two categories."""
    folder = _access(request).reader()
    ranked = uncertain_messages(folder.store.db, query, limit=min(query.limit, 100))
    items = []
    for message_id, margin, leading in ranked:
        message = folder.store.get_message(message_id)
        items.append({"margin": margin, "leading": leading, "message": message.to_json()})
    return JsonResponse({"queue": items})


class RetrainIn(BaseModel):
    """Options of a retraining (all optional)."""

    embeddings: bool = Field(default=True, description="Train the sentence-embedding heads "
                             "too (better; slower); false: n-gram heads only")


@router.post("/retrain", summary="Retrain the collection's model from labels (needs the token)",
             dependencies=[Depends(require_writer)])
def post_retrain(request: Request, options: RetrainIn | None = None) -> Response:
    """Retrain from the archive's labels, save the model in the archive and use it from now
    on; 409 when there are too few labels. Stored messages keep their annotations until
    `sitroom analyze` re-runs the analysis (the answer's `notes` say so)."""
    if not _RETRAINING.acquire(blocking=False):
        raise ArchiveBusyError("a retraining of this archive is already running")
    try:
        # learning takes seconds: read on a connection of its own and leave the archive's
        # writer lock to ingest meanwhile (retraining writes only the model file and config)
        with _access(request).private_reader() as folder:
            return JsonResponse(retrain(folder, embeddings=(options or RetrainIn()).embeddings))
    finally:
        _RETRAINING.release()
