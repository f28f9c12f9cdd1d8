"""The dashboard's SQL: facet-only fast paths agree with the general path."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from sitroom.store.base import SearchQuery, StoredMessage
from sitroom.store.sqlite import SQLiteStore
from sitroom.store.sqlite_labels import add_label, labels_for, uncertain_messages
from sitroom.store.sqlite_views import (
    UNCLASSIFIED,
    count_matching,
    facet_only,
    ids_since,
    latest_counts,
    matching,
    timeline,
    top_places,
)


def _message(seq: int, text: str, hour: int) -> StoredMessage:
    return StoredMessage(
        id=f"id{seq}", identity=f"t:{seq}", platform="twitter", platform_id=str(seq),
        text=text, created_at=f"2016-12-13T{hour:02d}:30:00Z", author="a", author_id=None,
        lang=None, url=None, raw_sha256="0" * 64, source="s", locator=f"line {seq}",
        importer="x@1", received_at="2016-12-13T00:00:00Z", seq=seq,
    )


def _annotations(category: str, help_: bool, scores: dict[str, float]) -> dict[str, object]:
    return {
        "category": {"value": category, "scores": scores, "step": "classify@1"},
        "help": {"value": help_, "kinds": [], "priority": 0.9 if help_ else 0.1},
        "places": {"value": [{"name": "Aleppo", "geonameid": 170063, "lat": 36.2,
                              "lon": 37.16}]},
        "counts": {"value": [{"kind": "killed", "value": 10 + 0, "qualifier": "about"}]},
    }


@pytest.fixture
def store(tmp_path: Path) -> SQLiteStore:
    store = SQLiteStore(tmp_path / "s.sqlite3", create=True)
    messages = [_message(n, f"message {n} help", n % 3) for n in range(6)]
    annotated = [
        (messages[0], _annotations("requests_or_urgent_needs", True, {"a": 0.5, "b": 0.45})),
        (messages[1], _annotations("requests_or_urgent_needs", False, {"a": 0.9, "b": 0.1})),
        (messages[2], _annotations("caution_and_advice", True, {"a": 0.6, "b": 0.3})),
    ]
    with store.transaction():
        store.add_messages(messages)
        store.save_annotations(annotated)  # type: ignore[arg-type]
    return store


def _general_count(store: SQLiteStore, query: SearchQuery) -> int:
    found = matching(query)
    return int(store.db.execute(f"SELECT COUNT(*) FROM {found.sql}", found.params).fetchone()[0])


@pytest.mark.parametrize("query", [
    SearchQuery(), SearchQuery(help=True), SearchQuery(help=False), SearchQuery(first_only=True),
    SearchQuery(category="caution_and_advice"), SearchQuery(place="Aleppo"),
    SearchQuery(since="2016-12-13T01:00:00Z"), SearchQuery(text="help", help=True),
    SearchQuery(min_priority=0.5, until="2016-12-13T02:00:00Z"),
])
def test_fast_paths_agree_with_the_general_path(store: SQLiteStore, query: SearchQuery) -> None:
    assert count_matching(store.db, query)[0] == _general_count(store, query)
    hours = orjson.loads(orjson.dumps(timeline(store.db, query)["hours"]))
    assert sum(sum(h["counts"].values()) for h in hours) == _general_count(store, query)


def test_facet_only_is_used_only_when_exact() -> None:
    assert facet_only(SearchQuery()) is None
    assert facet_only(SearchQuery(help=False)) is None
    assert facet_only(SearchQuery(text="x", help=True)) is None
    where, params = facet_only(SearchQuery(help=True, since="2016")) or ([], [])
    assert where == ["f.created_at >= ?", "f.help = ?"] and params == ["2016", 1]


def test_timeline_puts_unanalysed_messages_in_unclassified(store: SQLiteStore) -> None:
    data = timeline(store.db, SearchQuery())
    assert UNCLASSIFIED in data["categories"]  # type: ignore[operator]
    assert data["from"] == "2016-12-13T00:00:00Z" and data["to"] == "2016-12-13T02:00:00Z"
    narrow = timeline(store.db, SearchQuery(), max_hours=1)
    assert narrow["truncated"] is True


def test_places_counts_and_queue(store: SQLiteStore) -> None:
    assert top_places(store.db, SearchQuery(help=True))[0]["count"] == 2
    killed = latest_counts(store.db, SearchQuery())[0]
    assert (killed["kind"], killed["reports"], killed["latest_qualifier"]) == ("killed", 3, "about")
    queue = uncertain_messages(store.db, SearchQuery())
    assert [item[0] for item in queue] == ["id0", "id2", "id1"]
    with store.transaction():
        add_label(store.db, 0, "help", "true", labelled_by="x", labelled_at="2016-12-14T00:00:00Z")
    assert labels_for(store.db, 0)[0].value == "true"
    assert [item[0] for item in uncertain_messages(store.db, SearchQuery())] == ["id2", "id1"]


def test_ids_since(store: SQLiteStore) -> None:
    assert [seq for seq, _ in ids_since(store.db, SearchQuery(), 3)] == [4, 5]
    assert ids_since(store.db, SearchQuery(text="help", help=True), 0) == [(2, "id2")]
