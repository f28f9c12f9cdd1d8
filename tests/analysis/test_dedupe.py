"""The dedupe step: near-duplicate clusters that grow across batches and ingests."""

from __future__ import annotations

import csv
import json
import logging
import random
from collections.abc import Iterable, Sequence
from pathlib import Path

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sitroom.analysis.base import AnalysisItem, AnalysisSettings, AnalysisStep
from sitroom.analysis.cluster_index import InMemoryClusterIndex
from sitroom.analysis.dedupe import DedupeStep
from sitroom.analysis.shingles import GRAM, canonicalize
from sitroom.identity import id_for

APPEAL = (
    "URGENT: around 40 people are trapped under a collapsed building in Bustan al-Qasr, "
    "east Aleppo. White Helmets cannot reach them. Please share!"
)
APPEAL_AR = (
    "عاجل: أكثر من أربعين شخصاً محاصرون تحت أنقاض بناء في حي بستان القصر شرق حلب، "
    "الدفاع المدني لا يستطيع الوصول إليهم. انشروا"
)


def item(mid: str, text: str, *, created_at: str | None = None, **extra: str | int) -> AnalysisItem:
    return AnalysisItem(
        id=mid, text=text, platform="twitter", created_at=created_at, extra=dict(extra)
    )


def clusters(step: DedupeStep, items: Sequence[AnalysisItem]) -> list[dict[str, object]]:
    out = step.annotate(items)
    assert len(out) == len(items)
    return [dict(a["cluster"]) for a in out]


def ids(annotations: Iterable[dict[str, object]]) -> list[str]:
    return [str(a["id"]) for a in annotations]


@pytest.fixture
def step() -> DedupeStep:
    return DedupeStep(AnalysisSettings())


def test_step_contract(step: DedupeStep) -> None:
    assert isinstance(step, AnalysisStep)
    assert (step.name, step.version, step.keys) == ("dedupe", "1", ("cluster",))
    assert step.annotate([]) == []
    out = step.annotate([item("a", APPEAL), item("b", "RT @x: " + APPEAL)])
    orjson.dumps(out)
    assert out[0] == {"cluster": {"id": "a", "size": 1, "first_id": "a", "dup_of": None}}
    assert out[1] == {"cluster": {"id": "a", "size": 2, "first_id": "a", "dup_of": "a"}}


def test_copies_in_one_batch_join_the_first_and_sizes_grow(step: DedupeStep) -> None:
    got = clusters(
        step,
        [
            item("m1", APPEAL),
            item("m2", "RT @halab_today: " + APPEAL),
            item("m3", "Bread prices doubled again today in the old city #Aleppo #Syria"),
            item("m4", "🚨 " + APPEAL + " #SaveAleppo"),
            item("m5", APPEAL.replace("around 40", "about 40")),
            item("m6", APPEAL_AR),
            item("m7", "RT @aleppo_news: " + APPEAL_AR.replace("أ", "ا")),
        ],
    )
    assert ids(got) == ["m1", "m1", "m3", "m1", "m1", "m6", "m6"]
    assert [a["size"] for a in got] == [1, 2, 1, 3, 4, 1, 2]
    assert [a["dup_of"] for a in got] == [None, "m1", None, "m1", "m1", None, "m6"]
    assert step.index.cluster_sizes(["m1", "m3", "m6", "nope"]) == {"m1": 4, "m3": 1, "m6": 2}


def test_clusters_persist_across_batches(step: DedupeStep) -> None:
    clusters(step, [item("m1", APPEAL, created_at="2016-12-13T10:00:00Z")])
    later = clusters(step, [item("m9", APPEAL + " 🙏🙏"), item("m10", "unrelated words here ok")])
    assert later[0] == {"id": "m1", "size": 2, "first_id": "m1", "dup_of": "m1"}
    assert later[1]["id"] == "m10"
    assert step.index.cluster_sizes(["m1"]) == {"m1": 2}


def test_annotating_a_message_again_changes_nothing(step: DedupeStep) -> None:
    batch = [item("m1", APPEAL), item("m2", APPEAL + " #Aleppo"), item("m3", APPEAL_AR)]
    first = clusters(step, batch)
    again = clusters(step, batch)
    assert ids(again) == ids(first)
    assert [a["size"] for a in again] == [2, 2, 1]
    assert [a["dup_of"] for a in again] == [None, "m1", None]
    assert step.index.cluster_sizes(["m1"]) == {"m1": 2}


def _stream(count: int, seed: int = 3) -> list[AnalysisItem]:
    """Appeals, their retweets and edited copies, and unique chatter, interleaved."""
    rng = random.Random(seed)
    pairs = [json.loads(line) for line in _pairs_path().read_text("utf-8").splitlines()]
    bases = [p["a"] for p in pairs] + [p["b"] for p in pairs]
    out = []
    for n in range(count):
        roll = rng.random()
        base = rng.choice(bases)
        if roll < 0.3:
            text = base
        elif roll < 0.5:
            text = f"RT @user{rng.randint(1, 50)}: {base}"
        elif roll < 0.7:
            text = base + rng.choice([" 🙏", " #Aleppo", " please share", " !!!"])
        else:
            text = f"unique note {n} from {rng.random():.6f} about the situation"
        out.append(item(f"m{n:04d}", text))
    return out


def _run_in_batches(stream: list[AnalysisItem], size: int) -> list[dict[str, object]]:
    step = DedupeStep(AnalysisSettings())
    out: list[dict[str, object]] = []
    for start in range(0, len(stream), size):
        out.extend(clusters(step, stream[start : start + size]))
    return out


def test_clusters_do_not_depend_on_batch_boundaries() -> None:
    stream = _stream(400)
    whole = _run_in_batches(stream, 1000)
    assert len(set(ids(whole))) < 300
    assert _run_in_batches(stream, 37) == whole
    assert _run_in_batches(stream, 1) == whole


def test_reset_then_rerun_reproduces_the_clusters(step: DedupeStep) -> None:
    stream = _stream(300, seed=5)
    first = [a for s in range(0, 300, 100) for a in clusters(step, stream[s : s + 100])]
    step.reset()
    assert step.index.cluster_sizes(ids(first)) == {}
    second = [a for s in range(0, 300, 100) for a in clusters(step, stream[s : s + 100])]
    assert second == first


def test_a_retweet_joins_its_original_by_platform_id_in_either_order(step: DedupeStep) -> None:
    original = item(id_for("twitter:111"), APPEAL)
    # A retweet whose text was cut short so much that the text alone would not match.
    retweet = item("r1", "RT @halab_today: URGENT: around 40 people are trapped…", retweet_of="111")
    forward = clusters(step, [original, retweet])
    assert ids(forward) == [original.id, original.id]

    other = DedupeStep(AnalysisSettings())
    first = clusters(other, [retweet, item("r2", "RT @x: URGENT trapped…", retweet_of=111)])
    assert ids(first) == ["r1", "r1"]
    late = clusters(other, [original])
    assert late[0] == {"id": "r1", "size": 3, "first_id": "r1", "dup_of": "r1"}


def test_a_malformed_retweet_of_is_ignored(step: DedupeStep) -> None:
    a = clusters(step, [item("a", "some first message text here", retweet_of=True)])
    b = clusters(step, [item("b", "another message entirely", retweet_of="")])
    assert (a[0]["id"], b[0]["id"]) == ("a", "b")


def test_quotes_join_with_a_short_comment_not_a_long_one(step: DedupeStep) -> None:
    short = "Please help them!! " + APPEAL
    long_comment = (
        "I have been trying to reach my cousin in that neighbourhood for two days, nobody "
        "answers, the phones are dead and the roads are cut. If anyone can check on the "
        "Haddad family please message me. "
    )
    got = clusters(step, [item("a", APPEAL), item("b", short), item("c", long_comment + APPEAL)])
    assert ids(got) == ["a", "a", "c"]


def test_messages_sharing_only_boilerplate_stay_apart(step: DedupeStep) -> None:
    got = clusters(
        step,
        [
            item("a", "Power cut across all of east Aleppo since noon #Aleppo #Syria"),
            item("b", "The last bakery in Masaken Hanano has closed #Aleppo #Syria"),
            item("c", "#Aleppo #Syria https://t.co/aaa111"),
            item("d", "#Aleppo #Syria https://t.co/bbb222"),
            item("e", "انقطاع الكهرباء عن كامل الأحياء الشرقية منذ الظهر #حلب #سوريا"),
            item("f", "إغلاق آخر فرن في مساكن هنانو بسبب القصف #حلب #سوريا"),
        ],
    )
    assert ids(got) == ["a", "b", "c", "d", "e", "f"]


def test_first_seen_time_is_kept() -> None:
    index = InMemoryClusterIndex()
    step = DedupeStep(AnalysisSettings(), index)
    clusters(step, [item("a", APPEAL, created_at="2016-12-13T10:22:00Z")])
    clusters(step, [item("b", APPEAL, created_at="2016-12-13T11:00:00Z")])
    view = index.lookup(["a"], [])
    assert view.clusters["a"].first_at == "2016-12-13T10:22:00Z"
    assert view.clusters["a"].size == 2


@pytest.mark.parametrize(
    "text",
    ["", "   ", "🙏", "https://t.co/x", "x" * 100_000, "\x00\x07 \u202e", "حلب hello 你好 Привет"],
)
def test_odd_text_never_raises(step: DedupeStep, text: str) -> None:
    got = clusters(step, [item("a", text), item("b", text)])
    assert got[0]["id"] == "a"
    # Empty texts are not copies of one another; anything else with text is.
    assert got[1]["id"] == ("b" if not text.strip() else "a")


@given(st.lists(st.text(max_size=200), min_size=1, max_size=12))
@settings(max_examples=100, deadline=None)
def test_arbitrary_text_never_raises(texts: list[str]) -> None:
    step = DedupeStep(AnalysisSettings())
    got = clusters(step, [item(f"m{i}", t) for i, t in enumerate(texts)])
    orjson.dumps(got)
    assert all(isinstance(a["size"], int) and a["size"] >= 1 for a in got)


def test_a_changed_sketch_scheme_warns_and_keeps_working(
    caplog: pytest.LogCaptureFixture,
) -> None:
    index = InMemoryClusterIndex()
    index.set_scheme("older-scheme")
    step = DedupeStep(AnalysisSettings(), index)
    with caplog.at_level(logging.WARNING):
        clusters(step, [item("a", APPEAL)])
        got = clusters(step, [item("b", APPEAL)])
    assert got[0]["id"] == "a"
    assert "sketch scheme older-scheme" in caplog.text
    step.reset()
    clusters(step, [item("c", APPEAL)])
    assert index.scheme() != "older-scheme"


# --- quality on a labelled set of pairs -----------------------------------------------------


def _pairs_path() -> Path:
    return (
        Path(__file__).resolve().parents[1] / "fixtures" / "analysis" / "near_duplicate_pairs.jsonl"
    )


def test_precision_and_recall_on_labelled_pairs() -> None:
    pairs = [json.loads(line) for line in _pairs_path().read_text("utf-8").splitlines()]
    assert len(pairs) >= 50
    assert any(any("\u0600" <= ch <= "\u06ff" for ch in p["a"]) for p in pairs)
    outcomes = []
    for pair in pairs:
        step = DedupeStep(AnalysisSettings())
        got = clusters(step, [item("a", pair["a"]), item("b", pair["b"])])
        outcomes.append((pair["same"], got[1]["id"] == "a", pair["kind"]))
    tp = sum(same and joined for same, joined, _ in outcomes)
    fp = sum(joined and not same for same, joined, _ in outcomes)
    fn = sum(same and not joined for same, joined, _ in outcomes)
    assert fp == 0, [kind for same, joined, kind in outcomes if joined and not same]
    assert tp / (tp + fn) >= 0.95, [kind for same, joined, kind in outcomes if same and not joined]


# --- real data --------------------------------------------------------------------------------


def _grams(text: str) -> set[str]:
    padded = text.ljust(GRAM, "\x01")
    return {padded[i : i + GRAM] for i in range(len(padded) - GRAM + 1)}


def test_near_joins_on_crisis_tweets_are_real_near_duplicates(shared_data: Path) -> None:
    files = sorted((shared_data / "crisislex-t26").glob("*Typhoon_Pablo*.csv"))
    files += sorted((shared_data / "crisislex-t26").glob("*Boston_bombings*.csv"))
    if not files:
        pytest.skip("crisislex-t26 events not present")
    texts = []
    for path in files:
        with path.open(encoding="utf-8", errors="replace") as handle:
            texts += [r["Tweet Text"] for r in csv.DictReader(handle, skipinitialspace=True)]
    step = DedupeStep(AnalysisSettings())
    items = [item(f"m{i}", t) for i, t in enumerate(texts)]
    got = [a for s in range(0, len(items), 500) for a in clusters(step, items[s : s + 500])]
    by_id = {it.id: it.text for it in items}
    near = []
    for it, ann in zip(items, got, strict=True):
        first = by_id[str(ann["id"])]
        if ann["dup_of"] and canonicalize(first).key != canonicalize(it.text).key:
            a, b = _grams(canonicalize(first).text), _grams(canonicalize(it.text).text)
            near.append(len(a & b) / len(a | b))
    assert len(set(ids(got))) < 0.95 * len(items)
    assert near, "no near (non-exact) duplicates found"
    assert sum(j >= 0.55 for j in near) / len(near) >= 0.98
