"""The FastAPI application: API under /api/v1, the dashboard pages, one error handler."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.staticfiles import StaticFiles
from starlette.middleware.gzip import GZipMiddleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.responses import FileResponse, Response

from sitroom import __version__
from sitroom.errors import (
    AnalysisError,
    ArchiveBusyError,
    ConfigError,
    IntegrityError,
    MessageNotFoundError,
    NotEnoughLabelsError,
    QueryError,
    RecordRejected,
    SitroomError,
    SourceError,
    UnknownFormatError,
)
from sitroom.evidence.prove import NotCheckpointedError
from sitroom.web import (
    routes_evidence,
    routes_ingest,
    routes_labels,
    routes_messages,
    routes_stats,
    sse,
)
from sitroom.web.access import ArchiveAccess, WritesDisabledError
from sitroom.web.ingest_queue import IngestQueue
from sitroom.web.live import LiveNotifier
from sitroom.web.responses import JsonResponse, SecurityHeaders

log = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"

# Most specific first: the first matching class decides the status.
_STATUS: tuple[tuple[type[SitroomError], int], ...] = (
    (MessageNotFoundError, 404),
    (QueryError, 400),
    (UnknownFormatError, 400),
    (RecordRejected, 400),
    (SourceError, 400),
    (ArchiveBusyError, 409),
    (NotCheckpointedError, 409),
    (NotEnoughLabelsError, 409),  # before AnalysisError: the archive's state, not a fault
    (WritesDisabledError, 403),
    (IntegrityError, 500),
    (AnalysisError, 500),
    (ConfigError, 500),
)


def status_for(error: SitroomError) -> int:
    """The HTTP status a sitroom error maps to."""
    for kind, code in _STATUS:
        if isinstance(error, kind):
            return code
    return 400


async def _sitroom_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, SitroomError)
    code = status_for(exc)
    if code >= 500:
        log.error("%s %s failed: %s", request.method, request.url.path, exc)
    headers = {"Retry-After": "5"} if isinstance(exc, ArchiveBusyError) else None
    body = {"error": {"type": type(exc).__name__, "message": str(exc)}}
    return JsonResponse(body, status_code=code, headers=headers)


def _pages(app: FastAPI) -> None:
    index = STATIC / "index.html"

    @app.get("/", include_in_schema=False)
    @app.get("/m/{message_id}", include_in_schema=False)
    @app.get("/labels", include_in_schema=False)
    def page() -> Response:
        return FileResponse(index, media_type="text/html; charset=utf-8",
                            headers={"Cache-Control": "no-cache"})


def create_app(archive_path: Path, *, read_only: bool, token: str,
               allowed_hosts: Sequence[str] | None = None) -> FastAPI:
    """The dashboard and API over one archive; `token` guards every write.

    `allowed_hosts` (the names this server answers to) defends a loopback server against
    DNS rebinding; None accepts any Host header (in-process tests, library use).
    """
    access = ArchiveAccess(archive_path, read_only=read_only)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        access.close()

    app = FastAPI(
        title="sitroom", version=__version__, lifespan=lifespan,
        default_response_class=JsonResponse, openapi_url="/api/v1/openapi.json",
        docs_url=None, redoc_url=None,  # their pages load scripts from a CDN
        description="Crisis messages kept as evidence: search, aggregates, live stream, "
                    "evidence bundles, labels and ingest. Writes need the archive's token.",
    )
    app.state.access = access
    app.state.token = token
    app.state.notifier = LiveNotifier()
    app.state.ingest = IngestQueue(access)
    app.add_exception_handler(SitroomError, _sitroom_error)
    for module in (routes_messages, routes_stats, routes_evidence, routes_labels,
                   routes_ingest, sse):
        app.include_router(module.router, prefix="/api/v1")
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    _pages(app)
    # level 4, not Starlette's 9: a tenth of the CPU (the 1 MB basemap: 23 ms, not 230 ms;
    # a feed page: a few ms) for responses 4% larger, on the dashboard's critical path
    app.add_middleware(GZipMiddleware, minimum_size=2048, compresslevel=4)
    if allowed_hosts is not None:
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=list(allowed_hosts))
    app.add_middleware(SecurityHeaders)
    return app
