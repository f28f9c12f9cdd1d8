"""Canonical text and MinHash sketches for near-duplicate detection.

Canonical form (what two copies of one appeal must agree on), in order:

1. `normalize_for_search`: NFKC, case-folded, Arabic diacritics and tatweel dropped, alef forms,
   taa marbuta and alef maqsura unified; then Latin accents dropped and Arabic-Indic digits
   made ASCII.
2. Retweet prefixes (`RT @x:`, `MT @x:`, repeated), links, @mentions and a trailing credit
   (`via @x`, `h/t @x`, `cc @x`) removed; in a text of 100 characters or more, a last word cut
   off by `...` or `…` (a truncated retweet) dropped.
3. Words are runs of letters, digits and combining marks; everything else (punctuation,
   symbols, emoji, `#`, `_`) separates them; they are joined by single spaces.

A text whose canonical form has fewer than 3 words keeps its links (two `#Aleppo` tweets with
different links are different messages); one with no words at all (emoji only) falls back to its
case-folded text. Only canonical forms of at least `NEAR_MIN_CHARS` characters take part in
near-duplicate matching; shorter ones match exactly or not at all. For those, `number_mask`
records the numbers they mention: copies must agree on them.

The sketch is our own MinHash over character 5-grams of the canonical text (one-permutation
hashing into 128 bins with optimal densification; 14 LSH bands of 5 bins), vectorised over a
batch in numpy. It is ours, not a library's, because signatures and band keys are stored across
ingests and must not change when a dependency is upgraded; `SCHEME` names it and is recorded
beside stored clusters. (rensa's R-MinHash fed with these gram hashes is about as fast once its
rows are turned back into an array, but its digests changed with its algorithm version in 0.5,
which would orphan every stored cluster on an upgrade.)
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from sitroom.textnorm import normalize_for_search

NUM_BINS = 128
BANDS = 14
ROWS = 5
GRAM = 5
NEAR_MIN_CHARS = 20
MAX_SKETCH_CHARS = 20_000
SCHEME = f"oph{NUM_BINS}-b{BANDS}r{ROWS}-c{GRAM}-canon1"

U64 = npt.NDArray[np.uint64]

_RT_PREFIX = re.compile(r"^(?:[\s.:]*\b(?:rt|mt)\b\s*:?\s*@\w+\s*:?)+")
_URL = re.compile(r"(?:https?://|www\.|t\.co/)\S*")
_MENTION = re.compile(r"@\w+")
_NUMBER = re.compile(r"\b\d+\b")
_MENTION_TOKEN = re.compile(r"[^\w@]*@\w+[^\w@]*")
_CREDIT_WORDS = frozenset({"via", "h/t", "ht", "cc", "by"})
_LATIN_MARKS = re.compile("[\u0300-\u036f]")


def _word_pattern() -> re.Pattern[str]:
    """Letters, digits and combining marks (BMP): vowel signs stay inside Indic or Thai words."""
    ranges: list[list[int]] = []
    for code in range(0x80, 0x10000):
        if unicodedata.category(chr(code)) in ("Mn", "Mc", "Me"):
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1][1] = code
            else:
                ranges.append([code, code])
    marks = "".join(f"\\u{lo:04x}-\\u{hi:04x}" for lo, hi in ranges)
    return re.compile(f"[\\w{marks}]+")


# `_` is a word character to `\w` but separates words here; it is replaced by a space first.
_WORD = _word_pattern()
_DIGITS = tuple(zip("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789", strict=True))
_ARABIC_DIGIT = re.compile("[\u0660-\u0669\u06f0-\u06f9]")
# Text that normalize_for_search changes beyond NFKC and case folding has one of these (the
# Arabic blocks, the presentation and mathematical forms NFKC turns into Arabic, bidi marks).
_ARABIC_OR_BIDI = re.compile(
    "[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff"
    "\u200e\u200f\u202a-\u202e\u2066-\u2069\U0001ee00-\U0001eeff]"
)
_TRUNCATION_MIN_CHARS = 100
_MIN_WORDS_WITHOUT_LINKS = 3


@dataclass(frozen=True, slots=True)
class Canonical:
    """A message's canonical text, its 64-bit key, and whether it may match approximately."""

    text: str
    key: int | None
    near: bool
    numbers: int = 0


def canonical_key(text: str) -> int:
    """A signed 64-bit key of a canonical text (stable across processes and platforms)."""
    digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def canonicalize(text: str) -> Canonical:
    """The canonical form of a message text (see the module docstring); never raises."""
    ascii_text = text.isascii()
    folded = text.lower() if ascii_text else _fold(text)
    body = _RT_PREFIX.sub(" ", folded) if "@" in folded else folded
    has_links = "http" in body or "www." in body or "t.co/" in body
    if has_links:
        body = _URL.sub(" ", body)
    body = _strip_truncation(body)
    if "@" in body:
        body = _MENTION.sub(" ", _strip_credit(body))
    words = _WORD.findall(body.replace("_", " ") if "_" in body else body)
    if len(words) < _MIN_WORDS_WITHOUT_LINKS and has_links:
        words.extend(_URL.findall(_RT_PREFIX.sub(" ", folded)))
        return _exact(" ".join(words))
    if not words:
        return _exact(" ".join(folded.split()))
    canon = " ".join(words)
    if len(canon) < NEAR_MIN_CHARS:
        return Canonical(canon, canonical_key(canon), False)
    return Canonical(canon, canonical_key(canon), True, number_mask(canon))


def number_mask(text: str) -> int:
    """The numbers in a canonical text as a 64-bit set (signed): one bit per number, by its hash.

    Near-duplicates must agree on their numbers (one's set within the other's): "kills 12
    in Douma" and "kills 30 in Douma" share most of their text but not their facts.
    """
    mask = 0
    for number in _NUMBER.findall(text):
        mask |= 1 << (canonical_key(number) & 63)
    return mask - (1 << 64) if mask >> 63 else mask


def numbers_compatible(left: int, right: int) -> bool:
    """Whether one number set is contained in the other (a copy may add a phone number)."""
    return left & ~right == 0 or right & ~left == 0


def _fold(text: str) -> str:
    """`normalize_for_search`, then Latin accents off and Arabic-Indic digits made ASCII."""
    if _ARABIC_OR_BIDI.search(text):
        folded = normalize_for_search(text)
        if _ARABIC_DIGIT.search(folded):
            for arabic, ascii_digit in _DIGITS:
                folded = folded.replace(arabic, ascii_digit)
    else:
        # What normalize_for_search does to text with no Arabic and no bidi controls, faster.
        folded = unicodedata.normalize("NFKC", text).casefold()
    if folded.isascii():
        return folded
    decomposed = unicodedata.normalize("NFD", folded)
    if not _LATIN_MARKS.search(decomposed):
        return folded
    return unicodedata.normalize("NFC", _LATIN_MARKS.sub("", decomposed))


def _strip_truncation(body: str) -> str:
    """Drop `word...` at the end of a long text: a cut-off word never matches the full one."""
    body = body.rstrip()
    if len(body) < _TRUNCATION_MIN_CHARS or not body.endswith("..."):
        return body
    cut = body.rstrip(".")
    space = cut.rfind(" ")
    return cut[:space] if space > 0 else cut


def _strip_credit(body: str) -> str:
    """Drop trailing mentions and the credit word before them (`via @x`, `(h/t @x)`, `cc @x`)."""
    tokens = body.split()
    end = len(tokens)
    while end and "@" in tokens[end - 1] and _MENTION_TOKEN.fullmatch(tokens[end - 1]):
        end -= 1
    if end == len(tokens):
        return body
    if end and tokens[end - 1].strip("([|:-") in _CREDIT_WORDS:
        end -= 1
    return " ".join(tokens[:end])


def _exact(canon: str) -> Canonical:
    """A canonical form that matches exactly only (or nothing at all when empty)."""
    return Canonical(canon, canonical_key(canon) if canon else None, False)


def _u64(value: int) -> np.uint64:
    return np.uint64(value & 0xFFFFFFFFFFFFFFFF)


_C1 = _u64(0xBF58476D1CE4E5B9)
_C2 = _u64(0x94D049BB133111EB)
_GOLDEN = _u64(0x9E3779B97F4A7C15)
_S30, _S27, _S31, _S57 = _u64(30), _u64(27), _u64(31), _u64(57)
_VALUE_MASK = _u64((1 << 57) - 1)
_EMPTY = _u64(0xFFFFFFFFFFFFFFFF)
_PROBES = 160
_CHUNK_CHARS = 1_000_000


def _mix(values: U64) -> U64:
    """splitmix64's finaliser: a bijective scramble of 64-bit values (wrapping arithmetic)."""
    values = values ^ (values >> _S30)
    values = values * _C1
    values = values ^ (values >> _S27)
    values = values * _C2
    return values ^ (values >> _S31)


def _constants(salt: int, count: int) -> U64:
    """`count` fixed odd 64-bit multipliers, derived from `salt` (no RNG stream involved)."""
    seq = (np.arange(count, dtype=np.uint64) + _u64(salt)) * _GOLDEN
    return _mix(seq) | np.uint64(1)


_GRAM_MULT = _constants(1, GRAM)
_ROW_MULT = _constants(2, ROWS)
_BAND_SALT = _constants(3, BANDS)
_PROBE_TABLE = (
    (_mix(np.arange(_PROBES * NUM_BINS, dtype=np.uint64) * _GOLDEN + _u64(4)) % _u64(NUM_BINS))
    .astype(np.intp)
    .reshape(_PROBES, NUM_BINS)
)


@dataclass(frozen=True, slots=True)
class Sketches:
    """Per text: a 16-bit-per-bin signature (kept for verification) and its LSH band keys."""

    signatures: npt.NDArray[np.uint16]
    band_keys: npt.NDArray[np.int64]


def sketch(texts: list[str]) -> Sketches:
    """Sketch a batch of non-empty canonical texts: signatures `(n, 128)`, band keys `(n, 20)`."""
    parts: list[Sketches] = []
    start = 0
    while start < len(texts):
        end, chars = start, 0
        while end < len(texts) and (end == start or chars < _CHUNK_CHARS):
            chars += min(len(texts[end]), MAX_SKETCH_CHARS)
            end += 1
        parts.append(_sketch_chunk(texts[start:end]))
        start = end
    if not parts:
        return Sketches(np.zeros((0, NUM_BINS), np.uint16), np.zeros((0, BANDS), np.int64))
    if len(parts) == 1:
        return parts[0]
    return Sketches(
        np.concatenate([p.signatures for p in parts]), np.concatenate([p.band_keys for p in parts])
    )


def _sketch_chunk(texts: list[str]) -> Sketches:
    """Sketch texts whose total length is bounded (memory grows with it)."""
    bins = _densify(_one_permutation(_gram_hashes(texts), len(texts)))
    banded = bins[:, : BANDS * ROWS].reshape(len(texts), BANDS, ROWS)
    keys = _mix((banded * _ROW_MULT).sum(axis=2, dtype=np.uint64) + _BAND_SALT)
    return Sketches(bins.astype(np.uint16), keys.view(np.int64))


def _gram_hashes(texts: list[str]) -> tuple[U64, npt.NDArray[np.intp]]:
    """Hashes of every character 5-gram of every text, and the text each belongs to."""
    clipped = [t[:MAX_SKETCH_CHARS].ljust(GRAM, "\x01") for t in texts]
    lengths = np.fromiter((len(t) for t in clipped), dtype=np.intp, count=len(clipped))
    chars = np.frombuffer("".join(clipped).encode("utf-32-le", "surrogatepass"), np.uint32)
    mixed = _mix(chars.astype(np.uint64) + _GOLDEN)
    windows = len(mixed) - GRAM + 1
    grams = mixed[:windows] * _GRAM_MULT[0]
    for offset in range(1, GRAM):
        grams += mixed[offset : offset + windows] * _GRAM_MULT[offset]
    counts = lengths - (GRAM - 1)
    starts = np.cumsum(lengths) - lengths
    owner = np.repeat(np.arange(len(texts), dtype=np.intp), counts)
    first_gram = np.cumsum(counts) - counts
    positions = np.arange(len(owner), dtype=np.intp) - np.repeat(first_gram - starts, counts)
    return _mix(grams[positions]), owner


def _one_permutation(hashed: tuple[U64, npt.NDArray[np.intp]], count: int) -> U64:
    """Minimum value per (text, bin); bins that got no gram hold `_EMPTY`."""
    grams, owner = hashed
    bins = np.full(count * NUM_BINS, _EMPTY, dtype=np.uint64)
    slots = owner * NUM_BINS + (grams >> _S57).astype(np.intp)
    np.minimum.at(bins, slots, grams & _VALUE_MASK)
    return bins.reshape(count, NUM_BINS)


def _densify(bins: U64) -> U64:
    """Fill empty bins from non-empty ones along one fixed probe order (optimal densification).

    Every text follows the same probe sequence, so two texts agree on a filled bin exactly when
    they agree on the bin it was copied from: the estimate stays unbiased for short texts.
    """
    out = bins.copy()
    flat, filled = bins.ravel(), out.ravel()
    empty = np.flatnonzero(flat == _EMPTY)
    base, slots = empty - empty % NUM_BINS, empty % NUM_BINS
    for probe in _PROBE_TABLE:
        if not len(empty):
            return out
        source = flat[base + probe[slots]]
        found = source != _EMPTY
        filled[empty[found]] = source[found]
        missing = ~found
        empty, base, slots = empty[missing], base[missing], slots[missing]
    for row in np.unique(empty // NUM_BINS):
        _fill_cyclic(out[row], bins[row])
    return out


def _fill_cyclic(out: U64, original: U64) -> None:
    """Last resort for the rare bins no probe reached: the next non-empty bin to the right."""
    full = np.flatnonzero(original != _EMPTY)
    if not len(full):
        return
    for slot in np.flatnonzero(out == _EMPTY):
        after = full[full > slot]
        out[slot] = original[after[0] if len(after) else full[0]]


def similarity(left: npt.NDArray[np.uint16], right: npt.NDArray[np.uint16]) -> float:
    """Estimated Jaccard similarity of two signatures: the share of bins on which they agree."""
    return float(np.count_nonzero(left == right)) / NUM_BINS
