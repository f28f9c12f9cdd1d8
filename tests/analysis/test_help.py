"""Calls for help, distress and farewells: kinds, negations, priority order, quality."""

from __future__ import annotations

import functools
import json
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sitroom.analysis import help_lexicon
from sitroom.analysis.base import AnalysisItem, AnalysisSettings
from sitroom.analysis.help import HelpStep
from sitroom.errors import AnalysisError

CASES = Path(__file__).resolve().parents[1] / "fixtures" / "analysis" / "rules_help_cases.jsonl"
KINDS = {"rescue", "evacuation", "medical", "food", "water", "shelter", "under_fire",
         "missing_person", "farewell"}


@functools.cache
def _step() -> HelpStep:
    return HelpStep(AnalysisSettings())


def _read(text: str, lang: str = "en") -> dict[str, object]:
    return dict(_step().read(text, (lang, 0.99)))


def _cases() -> list[dict[str, object]]:
    return [json.loads(line) for line in CASES.read_text(encoding="utf-8").splitlines() if line]


def test_labelled_set_precision_and_recall() -> None:
    cases = _cases()
    assert len(cases) >= 60
    assert {c["lang"] for c in cases} == {"en", "ar"}
    tp = fp = fn = ktp = kfp = kfn = 0
    for case in cases:
        got = _read(str(case["text"]), str(case["lang"]))
        found, want = bool(got["value"]), bool(case["value"])
        kinds, expected = set(got["kinds"]), set(case["kinds"])  # type: ignore[call-overload]
        tp, fp, fn = tp + (found and want), fp + (found and not want), fn + (want and not found)
        ktp += len(kinds & expected)
        kfp += len(kinds - expected)
        kfn += len(expected - kinds)
    assert tp / (tp + fp) >= 0.9 and tp / (tp + fn) >= 0.9
    assert ktp / (ktp + kfp) >= 0.9 and ktp / (ktp + kfn) >= 0.9


@pytest.mark.parametrize("case", _cases(), ids=lambda case: str(case["text"])[:40])
def test_each_labelled_case(case: dict[str, object]) -> None:
    got = _read(str(case["text"]), str(case["lang"]))
    assert got["value"] == case["value"]
    assert got["kinds"] == case["kinds"]


def _priority(text: str, lang: str = "en") -> float:
    value = _read(text, lang)["priority"]
    assert isinstance(value, float)
    return value


def test_priority_orders_first_person_distress_first() -> None:
    ranked = [
        "We are trapped under the rubble of our building on Baron street, my daughter is "
        "bleeding. This may be our last message, forgive us",
        "We are trapped in the basement, please help",
        "Activists say dozens of people are trapped under collapsed buildings in Sukkari",
        "Airstrikes hit the old city yesterday",
        "Pray for Aleppo #SaveAleppo",
        "Lovely weather in Beirut today",
    ]
    scores = [_priority(text) for text in ranked]
    assert scores == sorted(scores, reverse=True)
    assert len(set(scores)) == len(scores)
    assert scores[0] >= 0.9 and scores[-1] == 0.0


def test_priority_orders_arabic_messages() -> None:
    ranked = [
        "نحن محاصرون في حي الصاخور، ابني ينزف ولا يوجد اسعاف. سامحونا",
        "نحن عالقون في القبو، ساعدونا",
        "ناشطون: عشرات العالقين تحت الأنقاض في حي الشعار",
        "ادعوا لحلب",
    ]
    scores = [_priority(text, "ar") for text in ranked]
    assert scores == sorted(scores, reverse=True)
    assert len(set(scores)) == len(scores)


def test_sympathy_is_not_a_call_for_help() -> None:
    assert _read("Pray for Aleppo #SaveAleppo") == {"value": False, "kinds": [], "priority": 0.05}
    assert _read("ادعوا لحلب #حلب_تحترق", "ar")["value"] is False
    assert _read("Pray for us, they are bombing our street")["kinds"] == ["farewell", "under_fire"]


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("We are no longer trapped, thank God", "en"),
        ("The evacuation was completed this morning", "en"),
        ("Contact our help desk for support", "en"),
        ("My last message of the year: happy new year!", "en"),
        ("Everyone trapped in the building was rescued", "en"),
        ("Goodbye 2016, what a year", "en"),
        ("لم نعد محاصرين والحمد لله", "ar"),
        ("انتهت عملية الإجلاء من شرق حلب", "ar"),
        ("تم إنقاذ جميع العالقين من المبنى", "ar"),
        ("آخر رسالة لهذا العام: شكرا لكم", "ar"),
    ],
)
def test_negated_and_non_urgent_uses_do_not_fire(text: str, lang: str) -> None:
    assert _read(text, lang)["value"] is False


def test_arabic_clitics_and_normalisation() -> None:
    assert _read("وبالقصف المستمر على الحي", "ar")["kinds"] == ["under_fire"]
    assert _read("نَحْنُ مُحَاصَرُونَ", "ar")["kinds"] == ["rescue"]  # harakat removed first
    assert _read("ﻻ يوجد طعام", "ar")["kinds"] == ["food"]  # presentation-form lam-alef


def test_other_latin_languages_when_declared_or_unsure() -> None:
    assert _step().read("estamos atrapados bajo los escombros", ("es", 0.98))["kinds"] == ["rescue"]
    assert _step().read("Enkaz altındayız, yardım edin", None)["kinds"] == ["rescue"]
    assert _step().read("nous sommes coincés sous les décombres", ("fr", 0.9))["value"] is True


def test_step_uses_the_lang_annotation() -> None:
    item = AnalysisItem(id="1", text="socorro, estamos atrapados", platform="twitter",
                        annotations={"lang": {"value": "es", "score": 0.97}})
    (out,) = _step().annotate([item])
    assert out["help"]["kinds"] == ["rescue"]
    assert set(out["help"]) == {"value", "kinds", "priority"}


def test_lexicon_kinds_are_the_documented_ones() -> None:
    for kinds in help_lexicon.KINDS.values():
        assert set(kinds) - {"plea", "farewell_weak"} <= KINDS
    assert set(help_lexicon.KIND_WEIGHTS) == KINDS


def test_malformed_lexicon_raises_analysis_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(help_lexicon.KINDS, "en", {"rescue": ["(unclosed"]})
    with pytest.raises(AnalysisError, match="help lexicon"):
        HelpStep(AnalysisSettings())


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400), st.sampled_from(["en", "ar", "und", "es", "zz"]))
def test_arbitrary_text_never_raises(text: str, lang: str) -> None:
    out = _step().read(text, (lang, 0.5))
    assert isinstance(out["value"], bool)
    priority = out["priority"]
    assert isinstance(priority, float) and 0.0 <= priority <= 1.0
    assert set(out["kinds"]) <= KINDS  # type: ignore[arg-type]


@pytest.mark.parametrize("text", [
    "", "🙏" * 100, "https://t.co/abc " * 50, "we are trapped " * 7000, "قصف " * 25_000,
    "\x00\x1b[31m\u202e", "a" * 100_000,
])
def test_odd_text(text: str) -> None:
    started = time.perf_counter()
    (out,) = _step().annotate([AnalysisItem(id="x", text=text, platform="csv")])
    assert time.perf_counter() - started < 5
    json.dumps(out)
