"""Looking a batch of words' character n-grams up at once gives what one-by-one lookups give."""

from __future__ import annotations

import random

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sitroom.analysis.classifier.gramcodes import GramCodes
from sitroom.analysis.classifier.ngrams import NgramVectorizer, _char_grams

DOCS = [
    "xrt xuser trapped under the rubble in aleppo please help",
    "نحن محاصرون في حي الفردوس الرجاء المساعدة",
    "close to a hundred casualties in douma tonight xurl",
    "se necesitan voluntarios y agua potable",
    "pray for the people of aleppo 😢🙏",
    "water and food running out in the old city",
] * 3


def one_by_one(grams: dict[str, int], word: str, low: int, high: int) -> tuple[list[int], int]:
    cut = _char_grams(word, low, high)
    return [grams[g] for g in cut if g in grams], len(cut)


def vocabulary() -> NgramVectorizer:
    return NgramVectorizer(min_df=1).fit(DOCS)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(list("aelpo حلبمرن😢xé\u0301 ")), min_size=1,
                        max_size=9), max_size=30))
def test_codes_match_one_by_one_lookups(words: list[str]) -> None:
    vector = vocabulary()
    codes = GramCodes.build(vector.chars, *vector.char_range)
    assert codes is not None
    found = codes.lookup(words)
    assert [(ids.tolist(), total) for ids, total in found] == [
        one_by_one(vector.chars, word, *vector.char_range) for word in words]


def test_odd_vocabularies() -> None:
    grams = {"ab": 0, " a": 1, "b ": 2, "abcde": 3, "😢x": 4, "": 5, "far too long": 6}
    codes = GramCodes.build(grams, 2, 5)
    assert codes is not None
    for word in ["ab", "abcde", "😢x", "zz", "a", "\ud800b"]:
        ids, total = codes.lookup([word])[0]
        assert (ids.tolist(), total) == one_by_one(grams, word, 2, 5)
    assert GramCodes.build(grams, 2, 6) is None  # grams longer than five characters
    huge = {chr(0x4E00 + i) + "a": i for i in range(5000)}
    assert GramCodes.build(huge, 2, 5) is None  # more characters than 12-bit codes hold
    empty = GramCodes.build({}, 2, 5)
    assert empty is not None and empty.lookup(["abc"])[0][1] == len(_char_grams("abc", 2, 5))


def test_transform_is_the_same_with_and_without_codes() -> None:
    rng = random.Random(4)
    docs = [" ".join(rng.choice(doc.split()) for _ in range(rng.randint(0, 12)))
            for doc in DOCS * 20]
    fast, slow = vocabulary(), vocabulary()
    slow._codes = None  # as for a vocabulary the codes cannot hold: one word at a time
    for start in range(0, len(docs), 25):
        a, coverage_a = fast.transform_with_coverage(docs[start:start + 25])
        b, coverage_b = slow.transform_with_coverage(docs[start:start + 25])
        assert np.array_equal(a.indptr, b.indptr) and np.array_equal(a.indices, b.indices)
        assert np.array_equal(a.data, b.data) and np.array_equal(coverage_a, coverage_b)
    assert isinstance(fast._codes, GramCodes)
