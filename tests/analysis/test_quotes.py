"""Quotes in news text: speaker, role, quoted words and their span, English and Arabic."""

from __future__ import annotations

import json
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sitroom.analysis.base import AnalysisItem, AnalysisSettings
from sitroom.analysis.quotes import QuotesStep, find_quotes

COLVILLE = ('"We are extremely alarmed that civilians are trapped," said Rupert Colville, '
            "spokesman for the UN human rights office.")

CASES: list[tuple[str, list[tuple[str, str | None, str]]]] = [
    (COLVILLE, [("Rupert Colville", "spokesman for the UN human rights office",
                 "We are extremely alarmed that civilians are trapped")]),
    ('"The situation is a complete meltdown of humanity," Colville said.',
     [("Colville", None, "The situation is a complete meltdown of humanity")]),
    ('UN human rights spokesman Rupert Colville said: "We have received reports of killings."',
     [("Rupert Colville", "UN human rights spokesman", "We have received reports of killings.")]),
    ("“Every hour counts,” said Jan Egeland, the UN humanitarian adviser, in Geneva.",
     [("Jan Egeland", "UN humanitarian adviser", "Every hour counts")]),
    ('"We need a ceasefire now," said a UN official. "Every hour counts," he added.',
     [("a UN official", None, "We need a ceasefire now"),
      ("a UN official", None, "Every hour counts")]),
    ('The spokesman told reporters: "The convoy is ready to move."',
     [("The spokesman", None, "The convoy is ready to move.")]),
    ("According to the UN, 50,000 civilians are threatened in eastern Aleppo.",
     [("UN", None, "50,000 civilians are threatened in eastern Aleppo")]),
    ("More than 6,000 men and boys are missing, according to the International Committee of "
     "the Red Cross.",
     [("International Committee of the Red Cross", None,
       "More than 6,000 men and boys are missing")]),
    ("Jan Egeland, the UN humanitarian adviser, said that the evacuation must resume.",
     [("Jan Egeland", "UN humanitarian adviser", "the evacuation must resume")]),
    ("The shelling continued overnight, the ministry said.",
     [("the ministry", None, "The shelling continued overnight")]),
    ("قال روبرت كولفيل، المتحدث باسم مكتب حقوق الإنسان، «لدينا تقارير عن إعدامات ميدانية»",
     [("روبرت كولفيل", "المتحدث باسم مكتب حقوق الإنسان", "لدينا تقارير عن إعدامات ميدانية")]),
    ("وأكد المرصد السوري لحقوق الإنسان في بيان أن 82 مدنيا قتلوا في الأحياء الشرقية.",
     [("المرصد السوري لحقوق الإنسان", None, "82 مدنيا قتلوا في الأحياء الشرقية")]),
    ("«الوضع كارثي»، قال الطبيب حمزة الخطيب.",
     [("الطبيب حمزة الخطيب", None, "الوضع كارثي")]),
    ('وقال المتحدث: "القافلة جاهزة للتحرك"',
     [("المتحدث", None, "القافلة جاهزة للتحرك")]),
    ("قتل 40 مدنيا على الأقل بحسب الدفاع المدني.",
     [("الدفاع المدني", None, "قتل 40 مدنيا على الأقل")]),
    ("صرح مدير المشفى أحمد، إن المستشفى خرج عن الخدمة.",
     [("مدير المشفى أحمد", None, "المستشفى خرج عن الخدمة")]),
    ("As I said before, this is fine.", []),
    ('He said "go home".', []),
    ("RT “@user: pray for Aleppo”", []),
    ("We are trapped under the rubble, please help", []),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0][:40] for c in CASES])
def test_quote(text: str, expected: list[tuple[str, str | None, str]]) -> None:
    found = find_quotes(text)
    assert [(q["speaker"], q["role"], q["text"]) for q in found] == expected
    for quote in found:
        s, e = quote["span"]  # type: ignore[misc]
        assert text[s:e] == quote["text"]


def test_span_excludes_the_quote_marks() -> None:
    (quote,) = find_quotes(COLVILLE)
    assert quote["span"] == [1, 52]
    assert COLVILLE[0] == '"' and COLVILLE[52] == ","


def test_step_writes_the_layout() -> None:
    step = QuotesStep(AnalysisSettings())
    out = step.annotate([AnalysisItem(id="1", text=COLVILLE, platform="csv"),
                         AnalysisItem(id="2", text="", platform="csv")])
    assert out[1] == {"quotes": {"value": []}}
    (quote,) = out[0]["quotes"]["value"]  # type: ignore[misc]
    assert set(quote) == {"speaker", "role", "text", "span"}
    json.dumps(out)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([*'ab CD"“”«»,.:;', "said ", "قال ", "إن ", "Colville ", "the "]),
                max_size=80).map("".join) | st.text(max_size=300))
def test_arbitrary_text_never_raises(text: str) -> None:
    for quote in find_quotes(text):
        s, e = quote["span"]  # type: ignore[misc]
        assert 0 <= s <= e <= len(text)
        assert isinstance(quote["speaker"], str) and quote["speaker"]


@pytest.mark.parametrize("text", [
    "", '"' * 100_000, "Rupert Colville said " * 5000, "قال المتحدث " * 9000,
    "according to " * 8000, "The UN, " * 12_000, "\x00\u202e«»", "a." * 50_000,
])
def test_odd_text(text: str) -> None:
    started = time.perf_counter()
    QuotesStep(AnalysisSettings()).annotate([AnalysisItem(id="x", text=text, platform="csv")])
    assert time.perf_counter() - started < 5
