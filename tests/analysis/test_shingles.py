"""Canonical text and MinHash sketches for near-duplicate detection."""

from __future__ import annotations

import random
import unicodedata

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sitroom.analysis import shingles
from sitroom.analysis.shingles import (
    BANDS,
    GRAM,
    NUM_BINS,
    canonical_key,
    canonicalize,
    similarity,
    sketch,
)
from sitroom.textnorm import normalize_for_search

APPEAL = (
    "URGENT: around 40 people are trapped under a collapsed building in Bustan al-Qasr, "
    "east Aleppo. Please share!"
)
APPEAL_AR = "عاجل: أكثر من أربعين شخصاً محاصرون تحت أنقاض بناء في حي بستان القصر شرق حلب"


def canon(text: str) -> str:
    return canonicalize(text).text


def grams(text: str) -> set[str]:
    padded = text.ljust(GRAM, "\x01")
    return {padded[i : i + GRAM] for i in range(len(padded) - GRAM + 1)}


def exact_jaccard(left: str, right: str) -> float:
    a, b = grams(left), grams(right)
    return len(a & b) / len(a | b)


# --- canonical text -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "variant",
    [
        f"RT @halab_today: {APPEAL}",
        f"rt @halab_today {APPEAL}",
        f"RT @a: RT @b: {APPEAL}",
        f"MT @halab_today: {APPEAL}",
        f"@UN @UNICEF {APPEAL}",
        f"{APPEAL} via @halab_today",
        f"{APPEAL} (h/t @halab_today)",
        f"{APPEAL} cc @UN @UNICEF",
        f"{APPEAL} https://t.co/AbC123",
        f"🚨🚨 {APPEAL} 🙏",
        APPEAL.upper(),
        APPEAL.replace(" ", "   ").replace(", ", ",\n"),
    ],
)
def test_english_copies_share_the_canonical_text(variant: str) -> None:
    assert canonicalize(variant) == canonicalize(APPEAL)


@pytest.mark.parametrize(
    "variant",
    [
        f"RT @aleppo_news: {APPEAL_AR}",
        APPEAL_AR.replace("أ", "ا").replace("إ", "ا"),
        "عَاجِلٌ: أَكْثَرُ مِنْ أَرْبَعِينَ شَخْصاً مُحَاصَرُونَ تَحْتَ أَنْقَاضِ بِنَاءٍ فِي حَيِّ بُسْتَانِ القَصْرِ شَرْقَ حَلَبَ",
        APPEAL_AR.replace("حلب", "حـــلب"),
        f"{APPEAL_AR} 💔💔 #",
        f"{APPEAL_AR}، انشروا!".replace("، انشروا!", "").replace("عاجل:", "عاجل ::"),
    ],
)
def test_arabic_copies_share_the_canonical_text(variant: str) -> None:
    assert canonicalize(variant) == canonicalize(APPEAL_AR)


def test_arabic_letter_forms_digits_and_latin_accents_fold() -> None:
    assert canon("مدرسة مستشفى ٢٠٠ عائلة") == canon("مدرسه مستشفي 200 عائلة")
    assert canon("۱۲ missing") == canon("12 missing")
    assert canon("Évacuation à Léogâne maintenant") == canon("evacuation a leogane maintenant")


def test_hashtags_keep_their_words_and_underscores_split() -> None:
    assert canon("#SaveAleppo now") == "savealeppo now"
    assert canon("#حلب_تحترق") == "حلب تحترق"


def test_combining_marks_stay_inside_words() -> None:
    assert canon("हिन्दी में संदेश") == "हिन्दी में संदेश"
    assert canon("ช่วยด้วย!") == "ช่วยด้วย"


def test_a_text_of_links_and_few_words_keeps_its_links() -> None:
    one, two = (
        canonicalize("#Aleppo #Syria https://t.co/aaa"),
        canonicalize("#Aleppo #Syria https://t.co/bbb"),
    )
    assert one.key != two.key
    assert not one.near
    assert canonicalize("RT @x: #Aleppo #Syria https://t.co/aaa") == one


def test_emoji_only_text_falls_back_to_its_folded_form() -> None:
    assert canon("🙏🙏🙏") == "🙏🙏🙏"
    assert canonicalize("🙏🙏🙏").key != canonicalize("💔💔").key
    assert not canonicalize("🙏🙏🙏").near


def test_empty_text_has_no_key() -> None:
    for text in ("", "   ", "\n\t"):
        result = canonicalize(text)
        assert result.key is None
        assert not result.near


def test_a_long_truncated_text_drops_the_cut_word() -> None:
    full = APPEAL + " Civil defence teams need heavy machinery and fuel, nobody is coming"
    cut = full[:140].rstrip() + "…"
    assert canon(cut).endswith(canon(full[:140]).rsplit(" ", 1)[0])
    assert canon(full).startswith(canon(cut))
    # A short text ending in dots keeps its last word: truncation only cuts long texts.
    assert canon("Pray for Aleppo...") == "pray for aleppo"


def test_only_long_enough_texts_match_approximately() -> None:
    assert canonicalize("help us please now").near is False
    assert canonicalize("please help us in east aleppo").near is True
    assert canonicalize(APPEAL_AR).near is True


def test_canonical_key_is_stable() -> None:
    # Keys are stored across runs: a change here orphans every stored cluster.
    assert canonical_key("help") == -6064294449549396334


@pytest.mark.parametrize(
    "text",
    ["", "🙏", "x" * 100_000, "\x00\x01\x1f", "مرحبا hello Привет 你好", "\ud800 lone", "@" * 50],
)
def test_canonicalize_never_raises_on_odd_text(text: str) -> None:
    canonicalize(text)


@given(st.text(max_size=300))
@settings(max_examples=300, deadline=None)
def test_canonicalize_never_raises(text: str) -> None:
    result = canonicalize(text)
    assert (result.key is None) == (result.text == "")


_SEARCH_ALPHABET = st.sampled_from(
    list("abcXYZ éàü أإآاةىیکـ ًٌٍَُِّْ ٠١٩۰۹ \u200e\u202b\u2067 ﻻ ﷲ ﺎ \U0001ee00 ß İ ﬁ")
)


@given(st.text(alphabet=_SEARCH_ALPHABET, max_size=60))
@settings(max_examples=400, deadline=None)
def test_fast_fold_agrees_with_normalize_for_search(text: str) -> None:
    expected = normalize_for_search(text)
    for arabic, digit in shingles._DIGITS:
        expected = expected.replace(arabic, digit)
    expected = unicodedata.normalize(
        "NFC", shingles._LATIN_MARKS.sub("", unicodedata.normalize("NFD", expected))
    )
    assert unicodedata.normalize("NFC", shingles._fold(text)) == expected


# --- sketches -------------------------------------------------------------------------------


def test_sketch_shapes_and_empty_batch() -> None:
    empty = sketch([])
    assert empty.signatures.shape == (0, NUM_BINS)
    assert empty.band_keys.shape == (0, BANDS)
    result = sketch(["please help us in east aleppo", "x"])
    assert result.signatures.shape == (2, NUM_BINS)
    assert result.band_keys.shape == (2, BANDS)


def test_sketch_of_a_text_does_not_depend_on_its_batch() -> None:
    text = canon(APPEAL)
    alone = sketch([text])
    among = sketch(["something else entirely here", text, canon(APPEAL_AR)])
    assert np.array_equal(alone.signatures[0], among.signatures[1])
    assert np.array_equal(alone.band_keys[0], among.band_keys[1])


def test_sketch_is_stable_across_versions() -> None:
    # Band keys and signatures are stored: if this changes, bump shingles.SCHEME.
    result = sketch(["forty families trapped under rubble in bustan al qasr"])
    assert result.band_keys[0][:3].tolist() == [
        -108029538034023906,
        1805820879051331036,
        3645231328597950565,
    ]
    assert result.signatures[0][:6].tolist() == [63112, 34788, 49723, 26610, 60202, 23161]


def test_large_batches_are_sketched_in_chunks_with_the_same_result(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    texts = [f"message number {i} about the shelter in sukkari" for i in range(50)]
    whole = sketch(texts)
    monkeypatch.setattr(shingles, "_CHUNK_CHARS", 100)
    chunked = sketch(texts)
    assert np.array_equal(whole.signatures, chunked.signatures)
    assert np.array_equal(whole.band_keys, chunked.band_keys)


def test_identical_texts_agree_everywhere_and_unrelated_ones_hardly() -> None:
    result = sketch([canon(APPEAL), canon(APPEAL), canon(APPEAL_AR)])
    assert similarity(result.signatures[0], result.signatures[1]) == 1.0
    assert np.array_equal(result.band_keys[0], result.band_keys[1])
    assert similarity(result.signatures[0], result.signatures[2]) < 0.1


def test_estimates_track_exact_jaccard() -> None:
    rng = random.Random(7)
    words = [
        "".join(rng.choices("abcdefghijklmnoprstuwy", k=rng.randint(2, 8))) for _ in range(800)
    ]
    pairs = []
    for _ in range(300):
        left = rng.choices(words, k=rng.randint(5, 40))
        right = list(left)
        for _ in range(rng.randint(0, len(left) // 2)):
            right[rng.randrange(len(right))] = rng.choice(words)
        pairs.append((" ".join(left), " ".join(right)))
    result = sketch([text for pair in pairs for text in pair])
    errors = np.array(
        [
            similarity(result.signatures[2 * i], result.signatures[2 * i + 1])
            - exact_jaccard(left, right)
            for i, (left, right) in enumerate(pairs)
        ]
    )
    assert abs(errors.mean()) < 0.01
    assert np.sqrt((errors**2).mean()) < 0.06
    assert np.abs(errors).max() < 0.2


def test_short_texts_with_few_grams_get_full_signatures() -> None:
    result = sketch(["abcde", "please help"])
    # Densification fills every bin from the few that got a gram; no bin is left empty.
    assert similarity(result.signatures[0], result.signatures[0]) == 1.0
    assert len(set(result.signatures[0].tolist())) == 1
    assert len(set(result.signatures[1].tolist())) <= 7


def test_a_huge_text_is_sketched() -> None:
    result = sketch(["a b c d e f g " * 20_000])
    assert result.signatures.shape == (1, NUM_BINS)


@given(st.lists(st.text(min_size=1, max_size=200), min_size=1, max_size=20))
@settings(max_examples=100, deadline=None)
def test_sketch_never_raises(texts: list[str]) -> None:
    result = sketch(texts)
    assert result.signatures.shape == (len(texts), NUM_BINS)
