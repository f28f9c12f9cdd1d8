"""Numbers written in English and Arabic: digits, number words, and vague quantities.

Text is first folded with `fold_with_offsets` (lower case, Arabic letter variants unified,
Arabic-Indic and Persian digits made ASCII, diacritics dropped) while keeping a map back to the
original string, so a number found in the folded text has a span in the message. Then
`tokenize` cuts it into tokens and `read_number` reads one number phrase from a token position:
"6,000", "6k", "1.5 million", "two dozen", "a hundred", "twenty-five thousand", "hundreds",
"tens of thousands", "٦٠٠٠", "6 آلاف", "خمسة وعشرون ألفا", "مئتين", "عشرات". Vague quantities
("dozens", "hundreds", "عشرات", "مئات") read as a modest round value and are flagged `vague`:
dozens/عشرات 24, hundreds/مئات 200, thousands/آلاف 2000, millions/ملايين 2,000,000, "tens of
thousands" 20,000, "several hundred"/"بضعة آلاف" 3 x the scale.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

# Arabic harakat and Quranic marks, tatweel, zero-width and bidirectional controls.
_MARKS = (
    "\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640"
    "\u200b-\u200f\u202a-\u202e\u2066-\u2069\u061c"
)
_DROPPED = re.compile(f"[{_MARKS}]")
_KEPT_RUNS = re.compile(f"[^{_MARKS}]+")
_FOLD = str.maketrans(
    {
        **{chr(0x0660 + d): str(d) for d in range(10)},  # Arabic-Indic digits
        **{chr(0x06F0 + d): str(d) for d in range(10)},  # Persian (extended) digits
        "\u066c": ",",  # Arabic thousands separator
        "\u066b": ".",  # Arabic decimal separator
        "\u0622": "\u0627", "\u0623": "\u0627", "\u0625": "\u0627", "\u0671": "\u0627",
        "\u0629": "\u0647", "\u0649": "\u064a", "\u06cc": "\u064a", "\u06a9": "\u0643",
        "\u2019": "'", "\u00a0": " ", "\u202f": " ",
    }
)


@dataclass(frozen=True, slots=True)
class FoldedText:
    """Text folded for matching, with the original index of every folded character."""

    text: str
    offsets: list[int] | None  # None: folded index == original index
    original_length: int = 0

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The [start, end) span in the original text of a folded span.

        Marks dropped after the last character (a tanwin, a shadda) stay inside the span.
        """
        if self.offsets is None:
            return start, end
        at = self._original(start)
        return at, max(at, self._original(end))

    def _original(self, index: int) -> int:
        assert self.offsets is not None
        return self.offsets[index] if index < len(self.offsets) else self.original_length


def fold_with_offsets(text: str) -> FoldedText:
    """Fold `text` (see the module docstring) and keep the way back to original indexes."""
    low = text.lower()
    if len(low) != len(text):  # a few letters ("İ") lower to two characters
        low = "".join(ch.lower()[0] for ch in text)
    low = low.translate(_FOLD)
    if _DROPPED.search(low) is None:
        return FoldedText(low, None, len(text))
    pieces: list[str] = []
    offsets: list[int] = []
    for run in _KEPT_RUNS.finditer(low):
        pieces.append(run.group())
        offsets.extend(range(run.start(), run.end()))
    return FoldedText("".join(pieces), offsets, len(text))


class Token(NamedTuple):
    """One token of folded text: `kind` is "num", "word" or "sym"."""

    text: str
    start: int
    end: int
    kind: str


_TOKEN = re.compile(r"(\d+(?:[.,]\d+)*)|([^\W\d_]+(?:'[^\W\d_]+)?)|(\S)")


def tokenize(folded: str) -> list[Token]:
    """Digit groups, words and single symbols of folded text, with their spans."""
    tokens: list[Token] = []
    append = tokens.append
    for m in _TOKEN.finditer(folded):
        kind = "num" if m.lastindex == 1 else "word" if m.lastindex == 2 else "sym"
        append(Token(m.group(), m.start(), m.end(), kind))
    return tokens


_AR_UNITS = {
    "واحد": 1, "واحده": 1, "اثنان": 2, "اثنين": 2, "اثنتان": 2, "اثنتين": 2, "اثنا": 2,
    "اثنتا": 2, "ثلاث": 3, "ثلاثه": 3, "اربع": 4, "اربعه": 4, "خمس": 5, "خمسه": 5, "ست": 6,
    "سته": 6, "سبع": 7, "سبعه": 7, "ثمان": 8, "ثماني": 8, "ثمانيه": 8, "تسع": 9, "تسعه": 9,
    "عشر": 10, "عشره": 10, "عشرون": 20, "عشرين": 20, "ثلاثون": 30, "ثلاثين": 30,
    "اربعون": 40, "اربعين": 40, "خمسون": 50, "خمسين": 50, "ستون": 60, "ستين": 60,
    "سبعون": 70, "سبعين": 70, "ثمانون": 80, "ثمانين": 80, "تسعون": 90, "تسعين": 90,
    "مئتان": 200, "مئتين": 200, "مائتان": 200, "مائتين": 200, "مئتا": 200, "مائتا": 200,
}
_AR_UNITS.update({f"{stem}{h}": n * 100 for stem, n in (
    ("ثلاث", 3), ("اربع", 4), ("خمس", 5), ("ست", 6), ("سبع", 7), ("ثمان", 8), ("ثماني", 8),
    ("تسع", 9)) for h in ("مئه", "مائه")})
_EN_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}
UNITS: dict[str, int] = {**_EN_UNITS, **_AR_UNITS}
_HUNDRED = {"hundred": 100, "مئه": 100, "مائه": 100, "dozen": 12}
_SCALES = {
    "thousand": 1000, "k": 1000, "الف": 1000, "الاف": 1000, "الفا": 1000, "million": 10**6,
    "m": 10**6, "mn": 10**6, "مليون": 10**6, "ملايين": 10**6, "مليونا": 10**6,
    "billion": 10**9, "bn": 10**9, "مليار": 10**9,
}
_DUAL_SCALES = {"الفان": 2000, "الفين": 2000, "مليونان": 2 * 10**6, "مليونين": 2 * 10**6}
_VAGUE = {
    "dozens": 24, "tens": 20, "scores": 40, "hundreds": 200, "thousands": 2000,
    "millions": 2 * 10**6, "عشرات": 24, "مئات": 200, "الاف": 2000, "ملايين": 2 * 10**6,
}
_FEW = {"several", "few", "بضع", "بضعه"}
_CLITICS = ("و", "ب", "ل", "ف")


def _lookup(word: str, first: bool) -> str:
    """The number word inside `word`: Arabic clitics (and, at a phrase start, "ال") stripped."""
    if word in UNITS or word in _HUNDRED or word in _SCALES or word in _VAGUE:
        return word
    if word in _DUAL_SCALES or word in _FEW:
        return word
    if len(word) > 3 and word[0] in _CLITICS:
        word = word[1:]
        if first and len(word) > 3 and word[0] in _CLITICS:
            word = word[1:]
    if first and word.startswith("ال") and len(word) > 4:
        word = word[2:]
    return word


def parse_digits(raw: str, *, scaled: bool = False) -> float | None:
    """The value of a digit group with "," or "." separators ("6,000", "1.5", "6.000")."""
    if len(raw) > 18:  # ids and phone numbers, not quantities
        return None
    if "," in raw and "." in raw:
        dec = "." if raw.rfind(".") > raw.rfind(",") else ","
        whole, _, frac = raw.rpartition(dec)
        return float(whole.replace(",", "").replace(".", "") + "." + frac)
    sep = "," if "," in raw else "." if "." in raw else ""
    if not sep:
        return float(raw)
    head, *groups = raw.split(sep)
    grouped = len(head) <= 3 and all(len(g) == 3 for g in groups)
    if grouped and not (scaled and sep == "." and len(groups) == 1):
        return float(raw.replace(sep, ""))
    if len(groups) == 1:  # "1.5 million", European "2,5"
        return float(head + "." + groups[0])
    return None


class NumberRead(NamedTuple):
    """A number phrase read from tokens[start:end]; `vague` for "dozens", "مئات" and the like."""

    value: int
    start: int
    end: int
    vague: bool


def read_number(tokens: list[Token], i: int) -> NumberRead | None:
    """Read the longest number phrase starting at token `i`, or None if none starts there."""
    tok = tokens[i]
    if tok.kind == "num":
        return _read_digits(tokens, i)
    if tok.kind != "word":
        return None
    word = _lookup(tok.text, True)
    if word in _VAGUE or word in _FEW:
        return _read_vague(tokens, i, word)
    if word in ("a", "an") and i + 1 < len(tokens):
        nxt = tokens[i + 1].text
        if nxt in _FEW:
            few = _read_vague(tokens, i + 1, nxt)
            return NumberRead(few.value, i, few.end, True)
        if nxt in _HUNDRED or nxt in ("thousand", "million"):
            return _read_words(tokens, i + 1, start=i)
        return None
    if word in UNITS or word in _HUNDRED or word in _SCALES or word in _DUAL_SCALES:
        return _read_words(tokens, i, start=i)
    return None


def _read_digits(tokens: list[Token], i: int) -> NumberRead | None:
    nxt = tokens[i + 1] if i + 1 < len(tokens) else None
    scale = 1
    end = i + 1
    if nxt is not None and nxt.kind == "word":
        word = _lookup(nxt.text, False)
        if word in _SCALES and (nxt.start == tokens[i].end or len(word) > 2):
            scale, end = _SCALES[word], i + 2
    value = parse_digits(tokens[i].text, scaled=scale > 1)
    if value is None:
        return None
    return NumberRead(round(value * scale), i, end, False)


def _read_vague(tokens: list[Token], i: int, word: str) -> NumberRead:
    if word in _FEW:
        j = i + 1
        if j < len(tokens):
            nxt = _lookup(tokens[j].text, False)
            scale = _HUNDRED.get(nxt) or _SCALES.get(nxt)
            if scale and nxt not in ("k", "m", "mn", "bn"):
                return NumberRead(3 * scale, i, j + 1, True)
        return NumberRead(3, i, i + 1, True)
    value, end = _VAGUE[word], i + 1
    j = end + 1 if end < len(tokens) and tokens[end].text in ("of", "من") else end
    if j < len(tokens):
        nxt = _lookup(tokens[j].text, True)
        if nxt in ("thousands", "millions", "الاف", "ملايين") and word not in ("الاف", "thousands"):
            base = 20 if word in ("عشرات", "tens", "dozens") else value
            return NumberRead(base * _SCALES.get(nxt, 1000 if nxt == "thousands" else 10**6),
                              i, j + 1, True)
    return NumberRead(value, i, end, True)


def _read_words(tokens: list[Token], i: int, *, start: int) -> NumberRead | None:
    total = current = 0
    end = i
    j = i
    while j < len(tokens):
        tok = tokens[j]
        if tok.kind != "word":
            if tok.text == "-" and end == j and j + 1 < len(tokens) and tokens[j + 1].text in UNITS:
                j += 1
                continue
            break
        word = _lookup(tok.text, j == i)
        if tok.text == "and" and end > i and j + 1 < len(tokens) and tokens[j + 1].text in UNITS:
            j += 1
            continue
        if word in UNITS:
            current += UNITS[word]
        elif word in _HUNDRED:
            current = (current or 1) * _HUNDRED[word]
        elif word in _DUAL_SCALES:
            total += _DUAL_SCALES[word]
        elif word in _SCALES and len(word) > 2:
            total += (current or 1) * _SCALES[word]
            current = 0
        else:
            break
        j += 1
        end = j
    if end == i:
        return None
    return NumberRead(total + current, start, end, False)


def parse_number(phrase: str) -> int | None:
    """The value of a whole number phrase ("6,000", "two dozen", "مئتين"), or None."""
    tokens = tokenize(fold_with_offsets(phrase).text)
    if not tokens:
        return None
    read = read_number(tokens, 0)
    if read is None or read.end != len(tokens):
        return None
    return read.value
