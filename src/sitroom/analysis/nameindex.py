"""Words of a message and an index of multi-word names over their folded keys.

Places and entities both look for known names (Bustan al-Qasr, حي الفردوس, Syrian Arab Red
Crescent) in short texts, fast. Both tokenise with `tokenize` and look names up in a
`PhraseIndex`: a dict from the folded key of a whole name ("bustan qasr") to its payloads,
plus, per first word, the most words any name starting with it has. The scan tries the
longest name first at each word and only builds longer keys where a name can start, so a
typical tweet costs a few dozen dict look-ups. (spaCy's tokenizer alone runs at about 9,500
tweets/s on this machine; this whole scan runs several times faster, and it folds Arabic
clitics and romanisation variants, which spaCy's PhraseMatcher cannot.)

URLs, @mentions and e-mail addresses are skipped; a hashtag's word is kept (#Aleppo).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Generic, NamedTuple, TypeVar

from sitroom.analysis.transliteration import (
    LATIN_ARTICLES,
    SPACE_ARTICLES,
    arabic_clitic_variants,
    arabic_key,
    is_arabic,
    latin_key,
)
from sitroom.textnorm import normalize_for_search

T = TypeVar("T")
R = TypeVar("R")

_MARKS = "\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed"
_WORD = rf"[^\W\d_][^\W\d_{_MARKS[:0]}{_MARKS}]*"
_TOKEN = re.compile(
    rf"(?P<skip>https?://\S+|www\.\S+|\S+@\S+\.\w+|@\w+)"
    rf"|(?P<word>[^\W\d_](?:[^\W\d_]|[{_MARKS}])*(?:['’ʼ‘`](?:[^\W\d_]|[{_MARKS}])+)*)"
)
_MARK_RE = re.compile(f"[{_MARKS}\u0640]")
_JOINERS = frozenset({" ", "-", "\u00a0", " -", "- ", " - "})

LOWER, CAPITAL, UPPER, ARABIC = 0, 1, 2, 3


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


def tokenize(text: str) -> list[Token]:
    """The words of `text`, with Latin articles (al-, ar-, al + space) merged into the next."""
    raw: list[tuple[int, int, str]] = []
    for found in _TOKEN.finditer(text):
        if found.lastgroup == "word":
            raw.append((found.start(), found.end(), found.group()))
    tokens: list[Token] = []
    prev_end = -10
    skip_next_merge = False
    for index, (start, end, word) in enumerate(raw):
        if skip_next_merge:
            skip_next_merge = False
            continue
        if index + 1 < len(raw) and _is_article(text, word, end, raw[index + 1][0]):
            _, next_end, next_word = raw[index + 1]
            token = _make_token(text, start, next_end, next_word, prev_end)
            skip_next_merge = True
        else:
            token = _make_token(text, start, end, word, prev_end)
        tokens.append(token)
        prev_end = token.end
    return tokens


def _is_article(text: str, word: str, end: int, next_start: int) -> bool:
    lowered = word.lower()
    if lowered not in LATIN_ARTICLES:
        return False
    gap = text[end:next_start]
    return gap == "-" or (gap == " " and lowered in SPACE_ARTICLES and text[next_start].isupper())


def _make_token(text: str, start: int, end: int, word: str, prev_end: int) -> Token:
    joined = text[prev_end:start] in _JOINERS if prev_end >= 0 else False
    if is_arabic(word):
        folded = normalize_for_search(word)
        variants = tuple(
            (key, _original_offset(word, cut)) for key, cut in arabic_clitic_variants(folded)
        )
        key = arabic_key(word)
        return Token(start + len(text[start:end]) - len(word), end, key, ARABIC, joined,
                     variants)
    key = latin_key(word)
    if word[:1].isupper():
        shape = UPPER if len(word) > 1 and word.isupper() else CAPITAL
    else:
        shape = LOWER
    return Token(start, end, key, shape, joined, ((key, 0),))


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
    bare = [t for i, t in enumerate(tokens) if not (i + 1 < len(tokens) and t.key in LATIN_ARTICLES)]
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

    def get(self, key: str) -> list[T]:
        """The payloads filed under `key` (empty when none)."""
        return self._entries.get(key, [])

    def keys(self) -> Iterable[str]:
        """Every key in the index."""
        return self._entries.keys()

    def scan(
        self, tokens: list[Token], accept: Callable[[list[Token], int, int, int, list[T]], R | None]
    ) -> list[Match[R]]:
        """Non-overlapping names in `tokens`, left to right, the longest accepted one first.

        `accept(tokens, first, last, cut, payloads)` sees each candidate and returns the value
        to keep, or None to try a shorter name (and then the next clitic variant).
        """
        found: list[Match[R]] = []
        count = len(tokens)
        index = 0
        while index < count:
            hit = self._longest_at(tokens, index, accept)
            if hit is None:
                index += 1
                continue
            found.append(hit)
            index = hit.last
        return found

    def _longest_at(
        self,
        tokens: list[Token],
        index: int,
        accept: Callable[[list[Token], int, int, int, list[T]], R | None],
    ) -> Match[R] | None:
        reach = 1
        while index + reach < len(tokens) and tokens[index + reach].joined:
            reach += 1
        for first_key, cut in tokens[index].variants:
            longest = self._longest.get(first_key)
            if longest is None:
                continue
            for size in range(min(longest, reach), 0, -1):
                if size == 1:
                    key = first_key
                else:
                    key = first_key + " " + " ".join(t.key for t in tokens[index + 1 : index + size])
                payloads = self._entries.get(key)
                if payloads is None:
                    continue
                value = accept(tokens, index, index + size, cut, payloads)
                if value is not None:
                    last = tokens[index + size - 1]
                    return Match(index, index + size, tokens[index].start + cut, last.end, value)
        return None
