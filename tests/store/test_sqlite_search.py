"""Facet filters, orders and cursors over stored annotations."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitroom.errors import QueryError
from sitroom.store.base import SearchQuery, StoredMessage
from sitroom.store.sqlite import SQLiteStore


def _message(seq: int, text: str, created_at: str) -> StoredMessage:
    return StoredMessage(
        id=f"id{seq}", identity=f"t:{seq}", platform="twitter", platform_id=str(seq),
        text=text, created_at=created_at, author="a", author_id=None, lang=None, url=None,
        raw_sha256="0" * 64, source="s", locator=f"line {seq}", importer="x@1",
        received_at="2016-12-13T00:00:00Z", seq=seq,
    )


@pytest.fixture
def store(tmp_path: Path) -> SQLiteStore:
    store = SQLiteStore(tmp_path / "s.sqlite3", create=True)
    rows = [
        (_message(0, "trapped in Bustan al-Qasr, help", "2016-12-13T01:00:00Z"),
         {"lang": {"value": "en"}, "help": {"value": True, "kinds": ["rescue"], "priority": 0.9},
          "category": {"value": "requests_or_urgent_needs", "informative": 0.9},
          "places": {"value": [{"name": "Bustan al-Qasr", "geonameid": 90000001}]},
          "cluster": {"id": "c0", "size": 2, "first_id": "id0", "dup_of": None}}),
        (_message(1, "RT trapped in Bustan al-Qasr, help", "2016-12-13T02:00:00Z"),
         {"lang": {"value": "en"}, "help": {"value": True, "kinds": ["rescue"], "priority": 0.5},
          "cluster": {"id": "c0", "size": 2, "first_id": "id0", "dup_of": "id0"}}),
        (_message(2, "نحن بخير في حلب", "2016-12-13T03:00:00Z"),
         {"lang": {"value": "ar"}, "help": {"value": False, "kinds": [], "priority": 0.1},
          "places": {"value": [{"name": "Aleppo", "geonameid": 170063, "text": "حلب"}]}}),
        (_message(3, "sympathy from abroad", "2016-12-13T04:00:00Z"), {}),
    ]
    with store.transaction():
        store.add_messages([m for m, _ in rows])
        store.save_annotations([(m, ann) for m, ann in rows if ann])
    return store


def _ids(found: list[StoredMessage]) -> list[str]:
    return [m.id for m in found]


def test_facet_filters(store: SQLiteStore) -> None:
    assert _ids(store.search(SearchQuery(lang="ar"))) == ["id2"]
    assert _ids(store.search(SearchQuery(help=True))) == ["id1", "id0"]
    assert _ids(store.search(SearchQuery(min_priority=0.6))) == ["id0"]
    assert _ids(store.search(SearchQuery(place="Aleppo"))) == ["id2"]
    assert _ids(store.search(SearchQuery(place="90000001"))) == ["id0"]
    assert _ids(store.search(SearchQuery(category="requests_or_urgent_needs"))) == ["id0"]
    assert _ids(store.search(SearchQuery(help=True, first_only=True))) == ["id0"]


def test_annotations_come_back_with_messages(store: SQLiteStore) -> None:
    (found,) = store.search(SearchQuery(lang="ar"))
    assert found.annotations["places"]["value"][0]["geonameid"] == 170063  # type: ignore[index]
    assert store.get_message("id3").annotations == {}


def test_priority_order_and_cursor_pages(store: SQLiteStore) -> None:
    assert _ids(store.search(SearchQuery(order="priority"))) == ["id0", "id1", "id2", "id3"]
    seen: list[str] = []
    cursor = None
    for _ in range(5):
        page, cursor = store.search_page(SearchQuery(order="newest", limit=3, cursor=cursor))
        seen += _ids(page)
        if cursor is None:
            break
    assert seen == ["id3", "id2", "id1", "id0"]


def test_text_with_filters_and_relevance_cursor(store: SQLiteStore) -> None:
    page, cursor = store.search_page(SearchQuery(text="trapped", limit=1))
    rest, _ = store.search_page(SearchQuery(text="trapped", limit=5, cursor=cursor))
    assert sorted(_ids(page + rest)) == ["id0", "id1"]
    assert _ids(store.search(SearchQuery(text="trapped", min_priority=0.6))) == ["id0"]


def test_reannotating_replaces_facets(store: SQLiteStore) -> None:
    message = store.get_message("id2")
    with store.transaction():
        store.save_annotations([(message, {"lang": {"value": "fa"}})])
    assert _ids(store.search(SearchQuery(lang="ar"))) == []
    assert _ids(store.search(SearchQuery(place="Aleppo"))) == []
    assert _ids(store.search(SearchQuery(lang="fa"))) == ["id2"]


def test_unknown_order_is_a_query_error(store: SQLiteStore) -> None:
    with pytest.raises(QueryError):
        store.search(SearchQuery(order="random"))
