"""Counts of killed, injured, missing, displaced... people, in English and Arabic."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sitroom.analysis.base import AnalysisItem, AnalysisSettings
from sitroom.analysis.counts import KINDS, CountsStep, find_counts

CASES = Path(__file__).resolve().parents[1] / "fixtures" / "analysis" / "rules_counts_cases.jsonl"


def _cases() -> list[dict[str, object]]:
    return [json.loads(line) for line in CASES.read_text(encoding="utf-8").splitlines() if line]


def _brief(found: list[dict[str, object]]) -> list[dict[str, object]]:
    return [{k: c[k] for k in ("kind", "value", "qualifier", "unit")} for c in found]


@pytest.mark.parametrize("case", _cases(), ids=lambda case: str(case["text"])[:40])
def test_labelled_case(case: dict[str, object]) -> None:
    assert _brief(find_counts(str(case["text"]))) == case["expect"]


def test_the_case_file_covers_both_languages_and_negatives() -> None:
    cases = _cases()
    assert len(cases) >= 40
    assert sum(any("\u0600" <= ch <= "\u06ff" for ch in str(c["text"])) for c in cases) >= 15
    assert sum(not c["expect"] for c in cases) >= 10


def test_span_and_text_point_into_the_message() -> None:
    text = "Officials said more than 6,000 men and boys are missing since July."
    (count,) = find_counts(text)
    assert count["text"] == "more than 6,000 men and boys are missing"
    s, e = count["span"]  # type: ignore[misc]
    assert text[s:e] == count["text"]


def test_arabic_span_survives_diacritics() -> None:
    text = "قُتِلَ ما لا يقل عن ٤٠ مدنياً أمس"
    (count,) = find_counts(text)
    assert (count["kind"], count["value"], count["qualifier"]) == ("killed", 40, "at_least")
    s, e = count["span"]  # type: ignore[misc]
    assert text[s:e] == count["text"] == "قُتِلَ ما لا يقل عن ٤٠ مدنياً"


def test_kind_list_is_documented_and_closed() -> None:
    texts = [
        "5 killed", "5 injured", "5 casualties", "5 missing", "5 displaced", "5 trapped",
        "5 threatened", "5 evacuated", "5 detained", "5 arrested", "5 homeless", "5 affected",
    ]
    assert [find_counts(t)[0]["kind"] for t in texts] == list(KINDS)


def test_step_writes_the_layout() -> None:
    step = CountsStep(AnalysisSettings())
    items = [AnalysisItem(id="1", text="dozens injured", platform="twitter"),
             AnalysisItem(id="2", text="", platform="twitter")]
    out = step.annotate(items)
    assert out[1] == {"counts": {"value": []}}
    (count,) = out[0]["counts"]["value"]  # type: ignore[misc]
    assert count == {"kind": "injured", "value": 24, "qualifier": "about", "unit": "people",
                     "span": [0, 14], "text": "dozens injured"}
    json.dumps(out)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_arbitrary_text_never_raises(text: str) -> None:
    for count in find_counts(text):
        s, e = count["span"]  # type: ignore[misc]
        assert 0 <= s <= e <= len(text)
        assert count["kind"] in KINDS


@pytest.mark.parametrize("text", [
    "", "🙏" * 50, "https://t.co/x " * 20, "x" * 100_000, "killed " * 14_000,
    "عشرات القتلى " * 8_000, "1," * 50_000, "\x00\x01\u202e", "٩" * 5000,
])
def test_odd_text(text: str) -> None:
    started = time.perf_counter()
    CountsStep(AnalysisSettings()).annotate([AnalysisItem(id="x", text=text, platform="csv")])
    assert time.perf_counter() - started < 5
