"""English and Arabic number parsing: digits, separators, number words, vague quantities."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sitroom.analysis.numbers import (
    fold_with_offsets,
    parse_digits,
    parse_number,
    read_number,
    tokenize,
)


@pytest.mark.parametrize(
    ("phrase", "value"),
    [
        ("6,000", 6000),
        ("6000", 6000),
        ("6.000", 6000),
        ("1,234,567", 1234567),
        ("6k", 6000),
        ("1.5 million", 1_500_000),
        ("2 million", 2_000_000),
        ("two dozen", 24),
        ("a dozen", 12),
        ("a hundred", 100),
        ("one hundred and twenty", 120),
        ("twenty-five", 25),
        ("two hundred and fifty thousand", 250_000),
        ("hundreds", 200),
        ("dozens", 24),
        ("tens of thousands", 20_000),
        ("hundreds of thousands", 200_000),
        ("a few hundred", 300),
        ("several thousand", 3000),
        ("٦٠٠٠", 6000),
        ("۱۲۳", 123),
        ("١٬٥٠٠", 1500),
        ("6 آلاف", 6000),
        ("واحد", 1),
        ("اثنين", 2),
        ("ثلاثة عشر", 13),
        ("عشرين", 20),
        ("خمسة وعشرون ألفا", 25_000),
        ("مئة", 100),
        ("مائة", 100),
        ("مئة وخمسون", 150),
        ("مئتين", 200),
        ("ثلاثمائة", 300),
        ("ثلاث مئة", 300),
        ("ألف", 1000),
        ("ألفين", 2000),
        ("ثلاثة آلاف", 3000),
        ("مائة ألف", 100_000),
        ("مليون", 1_000_000),
        ("ومئة", 100),
        ("عشرات", 24),
        ("مئات", 200),
        ("عشرات الآلاف", 20_000),
        ("بضعة آلاف", 3000),
    ],
)
def test_parse_number(phrase: str, value: int) -> None:
    assert parse_number(phrase) == value


@pytest.mark.parametrize("phrase", ["", "hello", "لست", "the 5", "6 apples", "k", "1,2,3"])
def test_not_a_number_phrase(phrase: str) -> None:
    assert parse_number(phrase) is None


def test_decimal_and_thousands_separators() -> None:
    assert parse_digits("1.5") == 1.5
    assert parse_digits("6,000.5") == 6000.5
    assert parse_digits("1.500", scaled=True) == 1.5  # "1.500 million"
    assert parse_digits("9" * 40) is None  # an id, not a quantity


def test_vague_numbers_are_flagged() -> None:
    tokens = tokenize(fold_with_offsets("dozens injured").text)
    read = read_number(tokens, 0)
    assert read is not None and read.vague and read.value == 24
    read = read_number(tokenize("82 killed"), 0)
    assert read is not None and not read.vague


def test_fold_keeps_a_map_to_the_original_text() -> None:
    text = "حَلَبُ: ١٢ قتيلاً"
    folded = fold_with_offsets(text)
    assert folded.text == "حلب: 12 قتيلا"
    start = folded.text.index("12")
    s, e = folded.span(start, start + 2)
    assert text[s:e] == "١٢"
    s, e = folded.span(folded.text.index("قتيلا"), len(folded.text))
    assert text[s:e] == "قتيلاً"


def test_fold_without_marks_is_the_identity_map() -> None:
    folded = fold_with_offsets("At least 82 KILLED")
    assert folded.offsets is None
    assert folded.text == "at least 82 killed"
    assert folded.span(9, 11) == (9, 11)


@given(st.text(max_size=300))
def test_arbitrary_text_never_raises(text: str) -> None:
    folded = fold_with_offsets(text)
    tokens = tokenize(folded.text)
    for i in range(len(tokens)):
        read = read_number(tokens, i)
        if read is not None:
            s, e = folded.span(tokens[read.start].start, tokens[read.end - 1].end)
            assert 0 <= s <= e <= len(text)
    parse_number(text)
