"""What the routes call: message detail, overview, labels and retraining, over an archive.

Routes stay thin (parse, call one of these, render); these functions hold no HTTP types.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, replace

from sitroom.archive_folder import ArchiveFolder
from sitroom.errors import QueryError
from sitroom.models import JsonObject
from sitroom.store.base import SearchQuery
from sitroom.store.sqlite_labels import add_label, labels_for
from sitroom.store.sqlite_views import (
    count_matching,
    distinct_facets,
    latest_counts,
    matched_once,
    max_seq,
    top_entities,
    top_places,
)
from sitroom.timeutil import utc_now

DEFAULT_CATEGORIES = (
    "requests_or_urgent_needs", "injured_or_dead_people", "missing_or_found_people",
    "displaced_people_and_evacuations", "infrastructure_and_utility_damage",
    "caution_and_advice", "sympathy_and_support", "rescue_volunteering_or_donation_effort",
    "other_relevant_information", "not_humanitarian",
)
LABEL_FIELDS = ("category", "help")
MAX_LABELLER = 80
STATS_TTL_SECONDS = 10.0


def message_detail(folder: ArchiveFolder, message_id: str) -> JsonObject:
    """A message as the API shows it, with the labels people gave it."""
    message = folder.store.get_message(message_id)
    data = message.to_json()
    data["labels"] = [label.to_json() for label in labels_for(folder.store.db, message.seq)]
    return data


@dataclass
class _Cached:
    key: int
    at: float
    value: JsonObject


class StatsCache:
    """Archive-wide counts (full scans on big archives) recomputed at most every few seconds,
    however fast messages arrive."""

    def __init__(self) -> None:
        self._cached: _Cached | None = None
        self._lock = threading.Lock()

    def get(self, folder: ArchiveFolder) -> JsonObject:
        """The store's stats plus facet menus and the taxonomy."""
        key = max_seq(folder.store.db)
        with self._lock:
            cached = self._cached
        if cached and (cached.key == key or time.monotonic() - cached.at < STATS_TTL_SECONDS):
            return cached.value
        value: JsonObject = {
            **folder.store.stats(),  # type: ignore[dict-item]
            **distinct_facets(folder.store.db),
            "archive": {"name": folder.config.name, "origin": folder.config.origin},
        }
        known = value.get("categories")
        merged = list(DEFAULT_CATEGORIES) + [
            c for c in known if isinstance(c, str) and c not in DEFAULT_CATEGORIES
        ] if isinstance(known, list) else list(DEFAULT_CATEGORIES)
        value["taxonomy"] = list(merged)
        with self._lock:
            self._cached = _Cached(key, time.monotonic(), value)
        return value


def overview(folder: ArchiveFolder, query: SearchQuery) -> JsonObject:
    """Totals, top places, people and organisations, and the latest casualty figures."""
    db = folder.store.db
    stored, _ = count_matching(db, SearchQuery(), cap=1 << 62)
    helped, help_capped = count_matching(db, replace(query, help=True))
    checkpoints = db.execute("SELECT COUNT(*) FROM checkpoints").fetchone()[0]
    # the panels below share one evaluation of the filters (a text search, say)
    with matched_once(db, query) as within:
        matched, capped = count_matching(db, query, within=within)
        return {
            "archive": {"name": folder.config.name, "origin": folder.config.origin},
            "totals": {
                "messages": stored, "matching": matched, "matching_capped": capped,
                "help": helped, "help_capped": help_capped,
                "log_size": folder.store.log_size(), "checkpoints": int(checkpoints),
            },
            "places": list(top_places(db, query, limit=10, within=within)),
            "people": list(top_entities(db, query, "people", limit=8, within=within)),
            "orgs": list(top_entities(db, query, "orgs", limit=8, within=within)),
            "counts": list(latest_counts(db, query, within=within)),
        }


def parse_label(field: str, value: object, taxonomy: list[str]) -> str:
    """Check a label's field and value; returns the value as stored (text)."""
    if field not in LABEL_FIELDS:
        raise QueryError(f"field must be one of {', '.join(LABEL_FIELDS)}, not {field!r}")
    if field == "help":
        if isinstance(value, bool):
            return "true" if value else "false"
        if value in ("true", "false"):
            return str(value)
        raise QueryError("a help label is true or false")
    if not isinstance(value, str) or value not in taxonomy:
        raise QueryError(f"unknown category {value!r}; use one of the collection's taxonomy")
    return value


def label_message(folder: ArchiveFolder, message_id: str, field: str, value: str,
                  labelled_by: str) -> JsonObject:
    """Add one label to a message (annotations are never touched); returns the label."""
    who = labelled_by.strip()[:MAX_LABELLER] or "anonymous"
    store = folder.store
    message = store.get_message(message_id)
    with store.transaction():
        label_id = add_label(store.db, message.seq, field, value, labelled_by=who,
                             labelled_at=utc_now())
    (label,) = [row for row in labels_for(store.db, message.seq) if row.id == label_id]
    return label.to_json()


def retrain(folder: ArchiveFolder, *, embeddings: bool = True) -> JsonObject:
    """Retrain the collection's model from the archive's labels (see `sitroom.retraining`);
    stored messages keep their annotations until `sitroom analyze` re-runs the analysis."""
    # imported here: scikit-learn and the analysis steps cost the server a second at start
    # and their memory for as long as it runs, which only a retraining needs
    from sitroom.retraining import RetrainOptions, retrain_from_archive

    return retrain_from_archive(folder, RetrainOptions(embeddings=embeddings)).to_json()
