"""Facet filters, orders and cursors over stored annotations."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from sitroom.errors import QueryError
from sitroom.store import sqlite as sqlite_module
from sitroom.store import sqlite_search_plan as search_plan
from sitroom.store.base import SearchQuery, StoredMessage
from sitroom.store.sqlite import SQLiteStore
from sitroom.store.sqlite_search import SearchHints
from sitroom.store.sqlite_search_plan import search_hints


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


@pytest.fixture
def half_analysed(tmp_path: Path) -> SQLiteStore:
    """Twelve messages, every other one analysed (some with priority 0, tied), the rest not."""
    store = SQLiteStore(tmp_path / "half.sqlite3", create=True)
    messages = [_message(seq, f"flood report {seq}", f"2016-12-13T{seq:02d}:00:00Z")
                for seq in range(12)]
    priorities = {0: 0.7, 2: 0.0, 4: 0.7, 6: 0.0, 8: 0.2, 10: 0.0}
    with store.transaction():
        store.add_messages(messages)
        store.save_annotations([
            (messages[seq], {"lang": {"value": "en"},
                             "help": {"value": p > 0, "kinds": [], "priority": p}})
            for seq, p in priorities.items()
        ])
    return store


def _all_pages(store: SQLiteStore, query: SearchQuery) -> list[str]:
    seen: list[str] = []
    cursor = None
    for _ in range(50):
        page, cursor = store.search_page(replace(query, cursor=cursor))
        seen += _ids(page)
        if cursor is None:
            return seen
    raise AssertionError(f"paging did not end: {seen}")


@pytest.mark.parametrize("limit", [1, 2, 3, 5, 12])
@pytest.mark.parametrize("text", [None, "flood"])
@pytest.mark.parametrize("platform", [None, "twitter"])
def test_priority_pages_cross_into_unanalysed_once_each(
        half_analysed: SQLiteStore, limit: int, text: str | None, platform: str | None) -> None:
    query = SearchQuery(order="priority", limit=limit, text=text, platform=platform)
    expected = ["id4", "id0", "id8", "id10", "id6", "id2",  # by priority, ties newest first
                "id11", "id9", "id7", "id5", "id3", "id1"]  # then unanalysed, newest first
    assert _ids(half_analysed.search(replace(query, limit=100))) == expected
    assert _all_pages(half_analysed, query) == expected


def test_priority_pages_with_a_facet_filter(half_analysed: SQLiteStore) -> None:
    query = SearchQuery(order="priority", limit=2, lang="en")
    assert _all_pages(half_analysed, query) == ["id4", "id0", "id8", "id10", "id6", "id2"]


WORDS = ("flood", "water", "bridge", "rubble", "convoy", "help")


@pytest.fixture(scope="module")
def varied(tmp_path_factory: pytest.TempPathFactory) -> SQLiteStore:
    """Ninety messages: common words (dense matches), repeated texts (tied ranks), times out of
    log order, three in four analysed with several languages, categories, priorities and
    places, the rest not."""
    store = SQLiteStore(tmp_path_factory.mktemp("varied") / "s.sqlite3", create=True)
    messages, annotated = [], []
    for seq in range(90):
        words = [WORDS[(seq * k) % len(WORDS)] for k in (1, 2, 5)]
        text = "RT same flood text" if seq % 9 == 0 else " ".join(words) + f" n{seq % 4}"
        hour = (seq * 37) % 48
        created = f"2016-12-{12 + hour // 24:02d}T{hour % 24:02d}:00:00Z"
        message = replace(_message(seq, text, created), platform=("twitter", "telegram")[seq % 2])
        messages.append(message)
        if seq % 4 != 3:
            annotated.append((message, {
                "lang": {"value": ("en", "ar", "fr")[seq % 5 % 3]},
                "category": {"value": ("requests_or_urgent_needs", "caution_and_advice")[seq % 2]},
                "help": {"value": seq % 4 == 1, "kinds": [], "priority": round((seq % 7) / 7, 3)},
                "places": {"value": [{"name": ("Aleppo", "Sukkari")[seq % 5 == 0],
                                      "geonameid": (170063, 90000003)[seq % 5 == 0]}]},
            }))
    with store.transaction():
        store.add_messages(messages)
        store.save_annotations(annotated)
    return store


PLANS = [
    SearchHints(),
    SearchHints(dense_text=True),
    SearchHints(dense_text=True, place_set=True),
    SearchHints(dense_text=True, place_set=True, place_drives=True),
    SearchHints(dense_text=True, rank_first=True),
]
QUERIES = [
    {"text": "flood"}, {"text": "flood", "lang": "en"},
    {"text": "water", "category": "caution_and_advice"},
    {"text": "rubble OR convoy", "help": True}, {"text": "flood", "place": "Aleppo"},
    {"text": "flood", "place": "90000003"}, {"text": "bridge", "platform": "telegram"},
    {"text": "flood", "since": "2016-12-12T10:00:00Z", "until": "2016-12-13T06:00:00Z"},
    {"text": "help", "first_only": True}, {"text": "flood", "min_priority": 0.4},
]


@pytest.mark.parametrize("order", ["relevance", "newest", "priority"])
@pytest.mark.parametrize("filters", QUERIES,
                         ids=lambda f: "-".join(f"{k}={v}" for k, v in f.items()))
def test_every_search_plan_pages_the_same_rows(varied: SQLiteStore, order: str,
                                               filters: dict[str, object],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever plan the hints choose, the pages hold the same rows in the same order."""
    query = SearchQuery(order=order, limit=7, **filters)  # type: ignore[arg-type]
    monkeypatch.setattr(sqlite_module, "search_hints", lambda _db, _q: SearchHints())
    expected = _ids(varied.search(replace(query, limit=500)))
    assert expected, "the fixture should match something"
    for hints in PLANS:
        monkeypatch.setattr(sqlite_module, "search_hints", lambda _db, _q, h=hints: h)
        assert _all_pages(varied, query) == expected, hints


def test_search_hints_read_the_data(varied: SQLiteStore, monkeypatch: pytest.MonkeyPatch
                                    ) -> None:
    monkeypatch.setattr(search_plan, "DENSE_MIN", 10)
    assert search_hints(varied.db, SearchQuery(text="nothing-like-it")) == SearchHints()
    assert search_hints(varied.db, SearchQuery()) == SearchHints()
    dense = search_hints(varied.db, SearchQuery(text="flood", place="Aleppo", order="newest"))
    assert dense.dense_text and dense.place_set and dense.place_drives
    # half pass, each checked in the messages table: rank first, then check a few
    ranked = search_hints(varied.db, SearchQuery(text="flood", platform="twitter", limit=1))
    assert ranked.dense_text and ranked.rank_first
    none_pass = search_hints(varied.db, SearchQuery(text="flood", author="nobody", limit=1))
    assert none_pass.dense_text and not none_pass.rank_first
    monkeypatch.setattr(search_plan, "DENSE_MIN", 1000)
    assert not search_hints(varied.db, SearchQuery(text="flood")).dense_text
