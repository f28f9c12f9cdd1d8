"""Near-duplicate clusters in SQLite: the ClusterIndex contract, persistence, batched SQL."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from sitroom.analysis.base import AnalysisItem, AnalysisSettings
from sitroom.analysis.cluster_index import (
    ClusterChanges,
    ClusterIndex,
    ClusterInfo,
    InMemoryClusterIndex,
    Membership,
)
from sitroom.analysis.dedupe import DedupeStep
from sitroom.store.sqlite_clusters import CLUSTER_SCHEMA, SQLiteClusterIndex

APPEAL = (
    "URGENT: around 40 people are trapped under a collapsed building in Bustan al-Qasr, "
    "east Aleppo. Please share!"
)
APPEAL_AR = "عاجل: أكثر من أربعين شخصاً محاصرون تحت أنقاض بناء في حي بستان القصر شرق حلب"
SIG = bytes(range(256))


def connect(path: Path | str = ":memory:") -> sqlite3.Connection:
    db = sqlite3.connect(path, isolation_level=None)
    db.executescript(CLUSTER_SCHEMA)
    return db


@pytest.fixture(params=["memory", "sqlite"])
def index(request: pytest.FixtureRequest) -> Iterator[ClusterIndex]:
    if request.param == "memory":
        yield InMemoryClusterIndex()
        return
    db = connect()
    yield SQLiteClusterIndex(db)
    db.close()


def _stream() -> list[AnalysisItem]:
    texts = [
        APPEAL,
        "RT @a: " + APPEAL,
        APPEAL_AR,
        "Bread prices doubled again today in the old city #Aleppo",
        APPEAL.replace("around", "about") + " 🙏",
        "RT @b: " + APPEAL_AR.replace("أ", "ا"),
        "",
        "🙏🙏",
        "🙏🙏",
    ]
    items = [AnalysisItem(id=f"m{i}", text=t, platform="twitter") for i, t in enumerate(texts)]
    items.append(AnalysisItem("r1", "RT @c: cut short…", "twitter", extra={"retweet_of": "77"}))
    return items


# --- the contract, on both implementations --------------------------------------------------


def test_empty_index(index: ClusterIndex) -> None:
    assert isinstance(index, ClusterIndex)
    assert index.scheme() is None
    view = index.lookup(["m1"], [1, 2])
    assert (view.members, view.keys, view.clusters) == ({}, {}, {})
    assert index.cluster_sizes(["m1"]) == {}
    index.apply(ClusterChanges())


def test_apply_then_lookup(index: ClusterIndex) -> None:
    extreme = [-(2**63), 2**63 - 1, 0]
    index.apply(
        ClusterChanges(
            new_clusters=[
                ClusterInfo("a", "2016-12-13T10:00:00Z", 2, SIG),
                ClusterInfo("b", None, 1, b""),
            ],
            keys=[("a", [*extreme, 5]), ("b", [5])],
            members=[
                ("a", Membership("a", True)),
                ("a2", Membership("a", True)),
                ("b", Membership("b", True)),
                ("orig", Membership("b", False)),
            ],
        )
    )
    view = index.lookup(["a2", "orig", "zzz"], [*extreme, 5, 6])
    assert view.members == {"a2": Membership("a", True), "orig": Membership("b", False)}
    assert view.keys == {extreme[0]: ["a"], extreme[1]: ["a"], 0: ["a"], 5: ["a", "b"]}
    assert view.clusters["a"] == ClusterInfo("a", "2016-12-13T10:00:00Z", 2, SIG)
    assert view.clusters["b"] == ClusterInfo("b", None, 1, b"")

    index.apply(
        ClusterChanges(
            size_deltas={"b": 2},
            keys=[("b", [7, 5])],
            members=[("orig", Membership("b", True)), ("c1", Membership("b", True))],
        )
    )
    assert index.cluster_sizes(["a", "b", "x"]) == {"a": 2, "b": 3}
    view = index.lookup(["orig"], [5, 7])
    assert view.members == {"orig": Membership("b", True)}
    assert view.keys == {5: ["a", "b"], 7: ["b"]}


def test_scheme_and_reset(index: ClusterIndex) -> None:
    index.set_scheme("s1")
    index.set_scheme("s2")
    assert index.scheme() == "s2"
    index.apply(
        ClusterChanges(
            new_clusters=[ClusterInfo("a", None, 1, SIG)],
            keys=[("a", [1])],
            members=[("a", Membership("a", True))],
        )
    )
    index.reset()
    assert index.scheme() is None
    assert index.cluster_sizes(["a"]) == {}
    view = index.lookup(["a"], [1])
    assert (view.members, view.keys, view.clusters) == ({}, {}, {})


def test_the_step_gives_the_same_clusters_on_both(index: ClusterIndex) -> None:
    reference = DedupeStep(AnalysisSettings()).annotate(_stream())
    step = DedupeStep(AnalysisSettings(), index)
    assert step.annotate(_stream()[:4]) + step.annotate(_stream()[4:]) == reference
    assert index.cluster_sizes(["m0", "m2", "m7"]) == {"m0": 3, "m2": 2, "m7": 2}


# --- SQLite specifics -----------------------------------------------------------------------


def test_schema_can_be_executed_again() -> None:
    db = connect()
    db.executescript(CLUSTER_SCHEMA)
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"clusters", "cluster_keys", "cluster_members", "cluster_meta"} <= tables


def test_clusters_survive_closing_the_database(tmp_path: Path) -> None:
    path = tmp_path / "archive.db"
    db = connect(path)
    DedupeStep(AnalysisSettings(), SQLiteClusterIndex(db)).annotate(
        [AnalysisItem("m1", APPEAL, "twitter", created_at="2016-12-13T10:00:00Z")]
    )
    db.close()
    db = connect(path)
    step = DedupeStep(AnalysisSettings(), SQLiteClusterIndex(db))
    out = step.annotate(
        [
            AnalysisItem("m2", APPEAL.replace("Please share!", "Please share now!"), "twitter"),
            AnalysisItem("m3", "RT @x: " + APPEAL, "twitter"),
        ]
    )
    assert [a["cluster"]["id"] for a in out] == ["m1", "m1"]
    assert [a["cluster"]["size"] for a in out] == [2, 3]
    row = db.execute("SELECT first_at, size FROM clusters WHERE id = 'm1'").fetchone()
    assert row == ("2016-12-13T10:00:00Z", 3)
    db.close()


def test_writes_join_the_callers_transaction() -> None:
    db = connect()
    step = DedupeStep(AnalysisSettings(), SQLiteClusterIndex(db))
    db.execute("BEGIN IMMEDIATE")
    step.annotate([AnalysisItem("m1", APPEAL, "twitter")])
    db.execute("ROLLBACK")
    assert db.execute("SELECT count(*) FROM clusters").fetchone() == (0,)
    # Without a transaction of the caller's, the batch is committed on its own.
    step.annotate([AnalysisItem("m1", APPEAL, "twitter")])
    assert not db.in_transaction
    assert db.execute("SELECT count(*) FROM clusters").fetchone() == (1,)


def test_a_batch_costs_a_few_statements_whatever_its_size() -> None:
    db = connect()
    step = DedupeStep(AnalysisSettings(), SQLiteClusterIndex(db))
    statements: list[str] = []
    db.set_trace_callback(statements.append)
    batch = [
        AnalysisItem(f"m{i}", f"message {i} about shelter number {i * 7} in sukkari", "twitter")
        for i in range(1000)
    ]
    step.annotate(batch)
    # executemany traces each row; count distinct statement texts instead.
    assert len({s.split("(")[0] for s in statements}) <= 14
    reads = [s for s in statements if s.startswith("SELECT")]
    assert len(reads) <= 6


def test_an_existing_cluster_id_is_not_inserted_twice() -> None:
    db = connect()
    index = SQLiteClusterIndex(db)
    first = ClusterChanges(new_clusters=[ClusterInfo("a", None, 1, SIG)])
    index.apply(first)
    index.apply(
        ClusterChanges(
            new_clusters=[ClusterInfo("a", None, 1, SIG)],
            keys=[("a", [9])],
            members=[("a", Membership("a", True))],
        )
    )
    assert db.execute("SELECT count(*) FROM clusters").fetchone() == (1,)
    assert index.lookup(["a"], [9]).keys == {9: ["a"]}
