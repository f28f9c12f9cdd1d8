"""The filters every list, aggregate, stream and export accepts, as one `SearchQuery`.

The dashboard's URL and the API share these names, so a view's URL query string is also
the query string of its JSON twin.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

from sitroom.errors import QueryError
from sitroom.store.base import SearchQuery
from sitroom.timeutil import parse_iso, to_rfc3339

MAX_PAGE = 500


def normalise_time(value: str | None, name: str) -> str | None:
    """An ISO time (date, hour, minute or full) as RFC 3339 UTC; QueryError when unreadable."""
    if value is None or not value.strip():
        return None
    try:
        return to_rfc3339(parse_iso(value))
    except ValueError:
        raise QueryError(f"{name}: {value!r} is not an ISO 8601 time") from None


def _flag(value: str | None, name: str) -> bool | None:
    if value is None or value == "":
        return None
    lowered = value.lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise QueryError(f"{name}: use true or false, not {value!r}")


def _blank_to_none(value: str | None) -> str | None:
    return value if value is not None and value.strip() else None


def search_query(
    q: Annotated[str | None, Query(description="Full-text search (words, \"phrases\", "
                                               "OR, -exclude); English and Arabic")] = None,
    category: Annotated[str | None, Query(description="Category from the taxonomy")] = None,
    help: Annotated[str | None, Query(description="true: only calls for help")] = None,
    lang: Annotated[str | None, Query(description="Language code (ar, en, ...)")] = None,
    place: Annotated[str | None, Query(description="Gazetteer id or place name")] = None,
    platform: Annotated[str | None, Query()] = None,
    author: Annotated[str | None, Query()] = None,
    since: Annotated[str | None, Query(description="Created at or after (ISO time)")] = None,
    until: Annotated[str | None, Query(description="Created before (ISO time)")] = None,
    min_priority: Annotated[float | None, Query(ge=0, le=1)] = None,
    cluster: Annotated[str | None, Query(description="Near-duplicate cluster id")] = None,
    first_only: Annotated[str | None, Query(description="true: hide repeats")] = None,
    order: Annotated[str | None, Query(description="relevance, newest or priority")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
    cursor: Annotated[str | None, Query(description="next_cursor of the previous page")] = None,
) -> SearchQuery:
    """Build the SearchQuery for a request's filters (FastAPI dependency)."""
    return SearchQuery(
        text=_blank_to_none(q),
        platform=_blank_to_none(platform),
        author=_blank_to_none(author),
        since=normalise_time(since, "since"),
        until=normalise_time(until, "until"),
        lang=_blank_to_none(lang),
        category=_blank_to_none(category),
        help=_flag(help, "help"),
        place=_blank_to_none(place),
        min_priority=min_priority,
        cluster=_blank_to_none(cluster),
        first_only=bool(_flag(first_only, "first_only")),
        order=_blank_to_none(order) or "relevance",
        limit=limit,
        cursor=_blank_to_none(cursor),
    )


def filters_json(query: SearchQuery) -> dict[str, object]:
    """The filters in effect, echoed back so a client can show and share them."""
    names = ("text", "category", "help", "lang", "place", "platform", "author", "since",
             "until", "min_priority", "cluster", "first_only", "order")
    return {name: getattr(query, name) for name in names if getattr(query, name) not in
            (None, False)}
