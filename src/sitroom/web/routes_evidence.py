"""Evidence: a message's log entry, proof and checkpoint status; bundles; checkpoints."""

from __future__ import annotations

import tempfile
from pathlib import Path as FilePath
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from starlette.background import BackgroundTask
from starlette.responses import FileResponse, Response

from sitroom.evidence.checkpoints import make_checkpoint
from sitroom.web.access import ArchiveAccess
from sitroom.web.auth import require_writer
from sitroom.web.evidence_service import checkpoints_json, evidence_for, write_message_bundle
from sitroom.web.responses import JsonResponse

router = APIRouter(tags=["evidence"])
MessageId = Annotated[str, Path(max_length=200)]


def _access(request: Request) -> ArchiveAccess:
    access: ArchiveAccess = request.app.state.access
    return access


@router.get("/messages/{message_id}/evidence", summary="Raw bytes, log entry, proof, checkpoint")
def get_evidence(request: Request, message_id: MessageId) -> Response:
    """Everything needed to check the message by hand, and whether it checks out."""
    return JsonResponse(evidence_for(_access(request).reader(), message_id))


@router.get("/messages/{message_id}/bundle", summary="Download the evidence bundle (zip)")
def get_bundle(request: Request, message_id: MessageId) -> Response:
    """The evidence bundle against the newest signed checkpoint covering the message."""
    folder = _access(request).reader()
    workdir = tempfile.TemporaryDirectory(prefix="sitroom-bundle-")
    out = FilePath(workdir.name) / f"sitroom-evidence-{message_id}.zip"
    try:
        write_message_bundle(folder, message_id, out)
    except BaseException:
        workdir.cleanup()
        raise
    return FileResponse(out, media_type="application/zip", filename=out.name,
                        background=BackgroundTask(workdir.cleanup))


@router.get("/checkpoints", summary="Signed checkpoints of the log, newest first")
def list_checkpoints(request: Request) -> Response:
    """Every stored checkpoint (C2SP signed notes)."""
    return JsonResponse({"checkpoints": checkpoints_json(_access(request).reader())})


@router.post("/checkpoints", summary="Sign a checkpoint of the log now (needs the token)",
             dependencies=[Depends(require_writer)])
def post_checkpoint(request: Request) -> Response:
    """Sign and store a checkpoint covering every leaf (or return the current one)."""
    with _access(request).writer() as folder:
        result = make_checkpoint(folder)
    return JsonResponse({"size": result.size, "note": result.note, "new": result.created})
