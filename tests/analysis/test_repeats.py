"""Repeated texts (retweets, pasted appeals) are read once and get what a fresh read gives."""

from __future__ import annotations

import gc
from functools import cache

import pytest

from sitroom.analysis.base import AnalysisItem, AnalysisSettings, AnalysisStep, Annotations
from sitroom.analysis.classify import ClassifyStep
from sitroom.analysis.counts import CountsStep
from sitroom.analysis.entities import EntitiesStep
from sitroom.analysis.help import HelpStep
from sitroom.analysis.language import LanguageStep
from sitroom.analysis.memo import MAX_KEY_CHARS, TextMemo
from sitroom.analysis.places import PlacesStep
from sitroom.analysis.quotes import QuotesStep
from sitroom.analysis.runner import AnalysisRunner
from tests.analysis.sample_texts import SAMPLE_TEXTS

TEXTS = SAMPLE_TEXTS[:6]
# Copies come back in a different order, and the batch ends on a copy.
ORDER = [0, 1, 0, 2, 3, 1, 4, 5, 2, 0, 3, 4, 5, 1]


@cache
def places_step() -> PlacesStep:
    return PlacesStep(AnalysisSettings(region="SY"))


def items(indexes: list[int]) -> list[AnalysisItem]:
    return [AnalysisItem(id=f"m{n}", text=TEXTS[i], platform="twitter")
            for n, i in enumerate(indexes)]


def run_chain(steps: list[AnalysisStep], batch: list[AnalysisItem]) -> list[Annotations]:
    """The steps in order, each seeing what the earlier ones wrote (as the runner does)."""
    for step in steps:
        for item, produced in zip(batch, step.annotate(batch), strict=True):
            item.annotations.update(produced)
    return [dict(item.annotations) for item in batch]


def fresh_steps() -> list[AnalysisStep]:
    settings = AnalysisSettings(embeddings=False)
    return [LanguageStep(settings), ClassifyStep(settings), HelpStep(settings), places_step(),
            EntitiesStep(settings), CountsStep(settings), QuotesStep(settings)]


def test_copies_get_what_a_fresh_read_gives() -> None:
    once = run_chain(fresh_steps(), items(list(range(len(TEXTS)))))
    steps = fresh_steps()
    run_chain(steps, items([5, 4, 3]))  # something already in the memos
    repeated = run_chain(steps, items(ORDER))
    for written, index in zip(repeated, ORDER, strict=True):
        assert written == once[index], TEXTS[index]
    assert repeated[0]["help"]["value"] is True and repeated[0]["places"]["value"]


def test_a_geotag_stays_on_its_own_message() -> None:
    step = places_step()
    text = "Shelling again tonight in Aleppo"
    tagged = {"coordinates": [37.16, 36.2]}
    batch = [AnalysisItem(id="a", text=text, platform="twitter", extra=tagged),
             AnalysisItem(id="b", text=text, platform="twitter"),
             AnalysisItem(id="c", text=text, platform="twitter", extra=tagged)]
    values = [a["places"]["value"] for a in step.annotate(batch)]
    sources = [[p["source"] for p in value] for value in values]  # type: ignore[index, union-attr]
    assert sources == [["text", "geotag"], ["text"], ["text", "geotag"]]
    again = step.annotate(batch[1:2])[0]["places"]["value"]
    assert [p["source"] for p in again] == ["text"]  # type: ignore[index, union-attr]


def test_entities_read_again_when_places_differ() -> None:
    step = EntitiesStep(AnalysisSettings())
    text = "Sheikh Maqsoud is under fire, says the UNHCR"
    plain = AnalysisItem(id="a", text=text, platform="twitter")
    placed = AnalysisItem(id="b", text=text, platform="twitter",
                          annotations={"places": {"value": [{"span": [0, 14]}]}})
    first, second = step.annotate([plain, placed])
    fresh = EntitiesStep(AnalysisSettings()).annotate(
        [AnalysisItem(id="c", text=text, platform="twitter", annotations=placed.annotations)])
    assert second == fresh[0]
    assert first["orgs"] == second["orgs"]


def test_memo_limit_and_long_texts() -> None:
    calls: list[str] = []

    def compute(key: str) -> list[str]:
        calls.append(key)
        return [key.upper()]

    memo: TextMemo[str, list[str]] = TextMemo(limit=2)
    assert memo.get("a", compute, text="a") == ["A"]
    assert memo.get("a", compute, text="a") == ["A"] and calls == ["a"]
    memo.get("b", compute, text="b")
    memo.get("c", compute, text="c")  # full: cleared, then kept
    memo.get("a", compute, text="a")
    assert calls == ["a", "b", "c", "a"]
    long = "x" * (MAX_KEY_CHARS + 1)
    memo.get(long, compute, text=long)
    memo.get(long, compute, text=long)
    assert calls[-2:] == [long, long]  # never kept


def test_classify_repeats_match_distinct_rows() -> None:
    step = ClassifyStep(AnalysisSettings(embeddings=False))
    distinct = step.annotate(items(list(range(len(TEXTS)))))
    repeated = step.annotate(items(ORDER))
    assert repeated == [distinct[i] for i in ORDER]


@pytest.mark.parametrize("frozen_before", [False, True])
def test_runner_freezes_long_lived_objects(frozen_before: bool) -> None:
    if frozen_before:
        gc.freeze()
    AnalysisRunner([CountsStep(AnalysisSettings())])
    assert gc.isenabled() and gc.get_freeze_count() > 0
    counted = AnalysisRunner([CountsStep(AnalysisSettings())]).run(items([1]))
    assert counted[0]["counts"]["step"] == "counts@1"
