"""Words of a message and an index of multi-word names over their folded keys.

Places and entities both look for known names (Bustan al-Qasr, حي الفردوس, Syrian Arab Red
Crescent) in short texts, fast. Both tokenise with `tokenize` and look names up in a
`PhraseIndex`: a dict from the folded key of a whole name ("bustan qasr") to its payloads,
plus, per first word, the most words any name starting with it has. The scan tries the
longest name first at each word and only builds longer keys where a name can start, so a
typical tweet costs a few dozen dict look-ups. (spaCy's tokenizer alone runs at about 9,500
tweets/s on this machine; this whole scan runs several times faster, and it folds Arabic
clitics and romanisation variants, which spaCy's PhraseMatcher cannot.)

URLs, @mentions and e-mail addresses are skipped; a hashtag's words are kept (#Aleppo,
#Bustan_al_Qasr: an underscore joins words like a space).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from typing import Generic, NamedTuple, TypeVar

from sitroom.analysis.transliteration import (
    LATIN_ARTICLES,
    SPACE_ARTICLES,
    arabic_clitic_variants,
    arabic_key,
    latin_key,
)
from sitroom.textnorm import normalize_for_search

T = TypeVar("T")
R = TypeVar("R")

_MARKS = "\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed"
_SKIP = re.compile(r"https?://\S+|www\.\S+|\S+@\S+\.\w+|@\w+")
_WORD = re.compile(rf"[^\W\d_](?:[^\W\d_]|[{_MARKS}])*(?:['’ʼ‘`](?:[^\W\d_]|[{_MARKS}])+)*")
_MARK_RE = re.compile(f"[{_MARKS}\u0640]")
_JOINERS = frozenset({" ", "-", "\u00a0", " -", "- ", " - "})

LOWER, CAPITAL, UPPER, ARABIC = 0, 1, 2, 3
_new_tuple = tuple.__new__


class Token(NamedTuple):
    """One word: its span, folded key, shape and the keys it may stand for as a first word.

    `shape` is LOWER, CAPITAL (first letter upper), UPPER (all capitals, two letters or
    more) or ARABIC. `joined` says the word follows the previous one across nothing but a
    space or a hyphen, so a name may run over both. `variants` are `(key, cut)` pairs:
    for Arabic words the keys left once proclitics are cut (`cut` letters of the word).
    """

    start: int
    end: int
    key: str
    shape: int
    joined: bool
    variants: tuple[tuple[str, int], ...]


@lru_cache(maxsize=4096)
def tokenize(text: str) -> tuple[Token, ...]:
    """The words of `text`, with Latin articles (al-, ar-, al + space) merged into the next.

    Cached for the last few thousand texts: the places and entities steps read the same batch.
    """
    if "@" in text or "http" in text or "www." in text:
        # Blank out URLs and mentions without moving any offset.
        text = _SKIP.sub(lambda found: " " * len(found.group()), text)
    raw = [(found.start(), found.end(), found.group()) for found in _WORD.finditer(text)]
    tokens: list[Token] = []
    prev_end = -1
    index, count = 0, len(raw)
    while index < count:
        start, end, word = raw[index]
        if len(word) <= 3 and index + 1 < count and _is_article(text, word, end, raw[index + 1][0]):
            index += 1
            _, end, word = raw[index]
        key, shape, variants = _word_form(word)
        gap = start - prev_end
        joined = (gap == 1 and text[prev_end] in " -_\u00a0") or (
            1 < gap <= 3 and prev_end >= 0 and text[prev_end:start] in _JOINERS
        )
        # tuple.__new__ skips NamedTuple's Python-level constructor: this loop is the hot path.
        tokens.append(_new_tuple(Token, (start, end, key, shape, joined, variants)))
        prev_end = end
        index += 1
    return tuple(tokens)


def _is_article(text: str, word: str, end: int, next_start: int) -> bool:
    lowered = word.lower()
    if lowered not in LATIN_ARTICLES:
        return False
    gap = text[end:next_start]
    if gap in ("-", "_"):
        return True
    return gap == " " and lowered in SPACE_ARTICLES and text[next_start].isupper()


@lru_cache(maxsize=131_072)
def _word_form(word: str) -> tuple[str, int, tuple[tuple[str, int], ...]]:
    """Key, shape and first-word variants of a word (cached: words repeat across messages)."""
    first = word[0]
    if "\u0600" <= first <= "\u06ff" or "\u0750" <= first <= "\u077f":
        folded = normalize_for_search(word)
        variants = tuple(
            (key, _original_offset(word, cut)) for key, cut in arabic_clitic_variants(folded)
        )
        return arabic_key(word), ARABIC, variants
    key = latin_key(word)
    if not first.isupper():
        return key, LOWER, ((key, 0),)
    return key, UPPER if len(word) > 1 and word.isupper() else CAPITAL, ((key, 0),)


def _original_offset(word: str, letters: int) -> int:
    """Characters of `word` that hold its first `letters` letters (harakat skipped)."""
    if letters == 0:
        return 0
    seen = 0
    for offset, char in enumerate(word):
        if not _MARK_RE.match(char):
            seen += 1
            if seen > letters:
                return offset
    return len(word)


def name_keys(name: str) -> set[str]:
    """The keys a gazetteer or list name is indexed under (with and without articles)."""
    tokens = tokenize(name)
    if not tokens:
        return set()
    keys = {" ".join(t.key for t in tokens)}
    bare = [
        t for i, t in enumerate(tokens) if not (i + 1 < len(tokens) and t.key in LATIN_ARTICLES)
    ]
    if bare:
        keys.add(" ".join(t.key for t in bare))
    return keys


class Match(NamedTuple, Generic[R]):
    """A name found in the tokens [first, last), its character span and the accepted value."""

    first: int
    last: int
    start: int
    end: int
    value: R


class PhraseIndex(Generic[T]):
    """Folded multi-word names -> payloads, scanned longest name first."""

    def __init__(self) -> None:
        """An empty index."""
        self._entries: dict[str, list[T]] = {}
        self._longest: dict[str, int] = {}
        # The first two words, first three... of every name of two words or more: a scan
        # stops lengthening a candidate as soon as no name starts with it.
        self._stems: set[str] = set()

    def __len__(self) -> int:
        """How many distinct keys the index holds."""
        return len(self._entries)

    def add(self, key: str, value: T) -> None:
        """File `value` under the folded key `key` (words separated by single spaces)."""
        if not key:
            return
        bucket = self._entries.setdefault(key, [])
        if value not in bucket:
            bucket.append(value)
        words = key.split(" ")
        if len(words) > self._longest.get(words[0], 0):
            self._longest[words[0]] = len(words)
        for size in range(2, len(words) + 1):
            self._stems.add(" ".join(words[:size]))

    def get(self, key: str) -> list[T]:
        """The payloads filed under `key` (empty when none)."""
        return self._entries.get(key, [])

    def keys(self) -> Iterable[str]:
        """Every key in the index."""
        return self._entries.keys()

    def scan(
        self,
        tokens: Sequence[Token],
        accept: Callable[[Sequence[Token], int, int, str, list[T]], R | None],
    ) -> list[Match[R]]:
        """Non-overlapping names in `tokens`, left to right, the longest accepted one first.

        `accept(tokens, first, last, key, payloads)` sees each candidate (`key` is the folded
        name looked up, clitics cut) and returns the value to keep, or None to try a shorter
        name (and then the next clitic variant).
        """
        found: list[Match[R]] = []
        count = len(tokens)
        index = 0
        longest = self._longest
        while index < count:
            variants = tokens[index].variants
            if len(variants) == 1 and variants[0][0] not in longest:
                index += 1
                continue
            hit = self._longest_at(tokens, index, accept)
            if hit is None:
                index += 1
                continue
            found.append(hit)
            index = hit.last
        return found

    def _longest_at(
        self,
        tokens: Sequence[Token],
        index: int,
        accept: Callable[[Sequence[Token], int, int, str, list[T]], R | None],
    ) -> Match[R] | None:
        reach = 0
        for first_key, cut in tokens[index].variants:
            longest = self._longest.get(first_key)
            if longest is None:
                continue
            if not reach:
                reach = 1
                while index + reach < len(tokens) and tokens[index + reach].joined:
                    reach += 1
            # Longer candidates only while some name starts with them (the same candidates
            # as trying every length down from the longest, without building dead keys).
            keys = [first_key]
            stems = self._stems
            for size in range(2, min(longest, reach) + 1):
                longer = keys[-1] + " " + tokens[index + size - 1].key
                if longer not in stems:
                    break
                keys.append(longer)
            for size in range(len(keys), 0, -1):
                key = keys[size - 1]
                payloads = self._entries.get(key)
                if payloads is None:
                    continue
                value = accept(tokens, index, index + size, key, payloads)
                if value is not None:
                    last = tokens[index + size - 1]
                    return Match(index, index + size, tokens[index].start + cut, last.end, value)
        return None

    def starts(self, key: str) -> bool:
        """Whether some name in the index starts with the word `key`."""
        return key in self._longest
