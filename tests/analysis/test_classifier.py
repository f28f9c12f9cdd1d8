"""The humanitarian classifier: text preparation, vectoriser, training data, model files,
adaptation, and the `classify` step (English and Arabic)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from sitroom.analysis.classifier.crisislex import map_crisislex_label
from sitroom.analysis.classifier.features import (
    MAX_CHARS,
    prepare_embedding_text,
    prepare_ngram_text,
)
from sitroom.analysis.classifier.ngrams import NgramVectorizer
from sitroom.analysis.classifier.training import (
    ColumnSpec,
    LabelledExample,
    load_label_map,
    parse_informative,
    read_labelled,
)
from sitroom.errors import AnalysisError

# --- text preparation -------------------------------------------------------------------------

def test_ngram_text_folds_tweet_furniture() -> None:
    text = "RT @CNN: 45 dead in #NepalEarthquake http://t.co/abc via @Reuters &amp; more…"
    prepared = prepare_ngram_text(text)
    assert prepared.startswith("xrt ")
    assert "cnn" not in prepared and "reuters" not in prepared
    assert "xuser" in prepared and "xurl" in prepared and "xnum dead" in prepared
    assert "nepalearthquake nepal earthquake" in prepared
    assert "&" in prepared and "amp" not in prepared


def test_ngram_text_arabic_is_normalised() -> None:
    prepared = prepare_ngram_text("أنقذونا في #حلب ٣٠٠ عائلة محاصرة @UN http://x.y")
    assert prepared == "انقذونا في حلب xnum عائله محاصره xuser xurl"


def test_embedding_text_keeps_case_and_drops_links() -> None:
    assert prepare_embedding_text("RT @x: Please help #PrayForBoston http://t.co/x") == (
        "Please help Pray For Boston"
    )
    assert prepare_embedding_text("ساعدونا @user https://t.co/q") == "ساعدونا"


@pytest.mark.parametrize("text", ["", "   ", "🙏🙏🙏", "http://t.co/a http://t.co/b",
                                  "\x00\x07 control \u202e", "a" * 100_000, "مرحبا hello 你好"])
def test_preparation_never_fails_on_odd_text(text: str) -> None:
    for prepare in (prepare_ngram_text, prepare_embedding_text):
        out = prepare(text)
        assert isinstance(out, str)
        assert len(out) <= MAX_CHARS + 50
        assert "\x00" not in out and "\u202e" not in out


# --- vectoriser -------------------------------------------------------------------------------

def test_vectorizer_rows_are_unit_length_per_block() -> None:
    docs = ["water needed now", "water pipes burst", "pray for the victims", "needed water"]
    vectorizer = NgramVectorizer(min_df=1).fit(docs)
    matrix = vectorizer.transform([*docs, "zzz qqq"])
    n_words = len(vectorizer.words)
    for row in range(4):
        values = matrix[row].toarray().ravel()
        assert np.isclose(np.linalg.norm(values[:n_words]), 1.0)
        assert np.isclose(np.linalg.norm(values[n_words:]), 1.0)
    assert matrix[4].nnz == 0  # nothing known: an empty row, no error
    assert "water needed" in vectorizer.words and " wat" in vectorizer.chars


def test_vectorizer_state_round_trip_and_restrict() -> None:
    docs = ["water needed now", "water pipes burst", "need water", "water water"]
    vectorizer = NgramVectorizer(min_df=2).fit(docs)
    rebuilt = NgramVectorizer.from_state(vectorizer.state())
    assert (abs(rebuilt.transform(docs) - vectorizer.transform(docs)) > 1e-12).nnz == 0
    vocabulary: list[str] = vectorizer.state()["vocabulary"]  # type: ignore[assignment]
    keep = np.array([key.startswith("w") for key in vocabulary])
    vectorizer.restrict(keep)
    assert vectorizer.n_features == int(keep.sum())
    assert all(key.startswith("w") for key in {**vectorizer.words, **vectorizer.chars})


# --- training data ----------------------------------------------------------------------------

def test_read_labelled_csv_with_columns(small_examples: list[LabelledExample]) -> None:
    assert len(small_examples) == 42
    assert small_examples[0].informative is True
    sympathy = small_examples[18]
    assert sympathy.label == "sympathy_and_support" and sympathy.informative is False
    assert sum(1 for e in small_examples if any("\u0600" <= ch <= "\u06ff" for ch in e.text)) == 21


def test_read_crisislex_layout_and_mapping(tmp_path: Path) -> None:
    path = tmp_path / "crisis.csv"
    affected = "Media,Affected individuals,Related and informative"
    path.write_text(
        "Tweet ID, Tweet Text, Information Source, Information Type, Informativeness\n"
        f'"1","20 people missing after the flood",{affected}\n'
        f'"2","Thousands evacuated from the valley",{affected}\n'
        f'"3","Please send boats to Marikina, we need rescue",{affected}\n'
        f'"4","Five killed in the blast",{affected}\n'
        '"5","lol",Outsiders,Not labeled,Not related\n'
        '"6","",Outsiders,Not labeled,Not related\n',
        encoding="utf-8",
    )
    report = read_labelled(path, mapper=load_label_map("crisislex-t26"))
    assert [e.label for e in report.examples] == [
        "missing_or_found_people", "displaced_people_and_evacuations", "requests_or_urgent_needs",
        "injured_or_dead_people", "not_humanitarian"]
    assert [e.informative for e in report.examples] == [True, True, True, True, False]
    assert report.skipped == {"no text": 1}


def test_unlabelled_rows_are_skipped_without_a_label_map(tmp_path: Path) -> None:
    path = tmp_path / "crisis.csv"
    path.write_text(
        "Tweet ID, Tweet Text, Information Source, Information Type, Informativeness\n"
        '"1","Five killed in the blast",Media,Affected individuals,Related and informative\n'
        '"2","lol",Outsiders,Not labeled,Not related\n'
        '"3","me too",Outsiders, not  LABELED ,Not related\n'
        '"4","no label at all",Outsiders,,Not related\n'
        '"5","Stay indoors",Government,Caution and advice,Related and informative\n',
        encoding="utf-8",
    )
    report = read_labelled(path)
    assert [e.label for e in report.examples] == ["Affected individuals", "Caution and advice"]
    assert report.skipped == {"unlabelled: label 'Not labeled'": 1,
                              "unlabelled: label 'not  LABELED'": 1, "no label": 1}
    assert report.unlabelled == 2
    # A label map may give the marker a class of its own (CrisisLexT26's map does).
    mapped = read_labelled(path, mapper=load_label_map("crisislex-t26"))
    assert [e.label for e in mapped.examples].count("not_humanitarian") == 1
    assert mapped.unlabelled == 0
    # ...and a map that does not mention it leaves it a marker.
    mapping = tmp_path / "map.json"
    mapping.write_text(json.dumps({"Caution and advice": "advice"}), encoding="utf-8")
    own = read_labelled(path, mapper=load_label_map(str(mapping)))
    assert [e.label for e in own.examples] == ["Affected individuals", "advice"]
    assert own.unlabelled == 2


def test_read_jsonl_label_map_and_errors(tmp_path: Path) -> None:
    data = tmp_path / "mine.jsonl"
    data.write_text('{"msg": "قصف على الحي", "kind": "attack"}\n\n'
                    '{"msg": "توزيع الخبز", "kind": "aid"}\n{"msg": "x", "kind": "drop"}\n',
                    encoding="utf-8")
    mapping = tmp_path / "map.json"
    mapping.write_text(json.dumps({"attack": "shelling", "drop": None}), encoding="utf-8")
    report = read_labelled(data, ColumnSpec(text="msg", label="kind"),
                           mapper=load_label_map(str(mapping)))
    assert [e.label for e in report.examples] == ["shelling", "aid"]
    assert report.skipped == {"label 'drop' not mapped": 1}
    with pytest.raises(AnalysisError, match="no column 'Tweet Text'"):
        read_labelled(data)
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "a", "label": "b"}\n[1, 2]\n', encoding="utf-8")
    with pytest.raises(AnalysisError, match="line 2 is not a JSON object"):
        read_labelled(bad, ColumnSpec(text="text", label="label"))


@pytest.mark.parametrize(("value", "expected"), [
    ("Related and informative", True), ("Related - but not informative", False),
    ("Not related", False), ("yes", True), ("0", False), (1, True), ("maybe", None), (None, None),
])
def test_parse_informative(value: object, expected: bool | None) -> None:
    assert parse_informative(value) is expected


def test_crisislex_donation_need_becomes_request() -> None:
    assert map_crisislex_label("Donations and volunteering",
                               "PGH patients need food and water") == "requests_or_urgent_needs"
    donation = map_crisislex_label("Donations and volunteering", "Donate to the Red Cross")
    assert donation == "rescue_volunteering_or_donation_effort"
    assert map_crisislex_label("Something else", "x") is None
