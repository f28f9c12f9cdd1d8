"""The character n-grams of many new words looked up in a vocabulary at once, exactly.

The n-gram vectoriser meets thousands of words it has not cached in a stream of distinct
tweets; cutting each into n-grams and looking them up one by one cost more than all the rest
of the classifier. Here every character of the vocabulary's alphabet gets a 12-bit code
(1 to 4,095) and an n-gram of at most five characters the integer of its codes side by side,
so two different n-grams never share an integer, and one `searchsorted` over the vocabulary's
sorted integers answers for every n-gram of a batch of words. An n-gram holding a character
outside the alphabet is in no vocabulary. A vocabulary with longer n-grams or more than 4,095
distinct characters is not handled (`GramCodes.build` returns None and the caller looks its
n-grams up one by one).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import numpy.typing as npt

_BITS = 12
_MAX_CODE = (1 << _BITS) - 1
_MAX_GRAM = 64 // _BITS

Ids = npt.NDArray[np.int32]


class GramCodes:
    """A vocabulary of character n-grams as sorted integer codes (see the module docstring)."""

    def __init__(self, alphabet: npt.NDArray[np.uint32], keys: npt.NDArray[np.uint64],
                 ids: Ids, low: int, high: int) -> None:
        self._alphabet = alphabet
        self._keys = keys
        self._ids = ids
        self._low = low
        self._high = high

    @classmethod
    def build(cls, grams: Mapping[str, int], low: int, high: int) -> GramCodes | None:
        """Codes of `grams` (n-gram → feature id) for words cut into `low`..`high`-grams."""
        if not 1 <= low <= high <= _MAX_GRAM:
            return None
        usable = {gram: index for gram, index in grams.items() if 1 <= len(gram) <= _MAX_GRAM}
        joined = "".join(usable)
        alphabet = sorted(set(joined))
        if len(alphabet) > _MAX_CODE:
            return None
        points = np.array([ord(char) for char in alphabet], dtype=np.uint32)
        ids = np.fromiter(usable.values(), dtype=np.int32, count=len(usable))
        if not usable:
            return cls(points, np.zeros(0, dtype=np.uint64), ids, low, high)
        # Every n-gram's integer at once: each character's code shifted to its position.
        sizes = np.fromiter(map(len, usable), dtype=np.int64, count=len(usable))
        starts = np.cumsum(sizes) - sizes
        chars = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        codes = np.searchsorted(points, chars).astype(np.uint64) + np.uint64(1)
        offsets = np.arange(len(chars), dtype=np.int64) - np.repeat(starts, sizes)
        shifted = codes << (offsets * _BITS).astype(np.uint64)
        keys = np.bitwise_or.reduceat(shifted, starts)
        order = np.argsort(keys, kind="stable")
        return cls(points, keys[order], ids[order], low, high)

    def lookup(self, words: Sequence[str]) -> list[tuple[Ids, int]]:
        """Per word: the ids of its known n-grams, in the order `ngrams._char_grams` makes
        them (the word padded with a space on each side; by length, then by position), and
        how many n-grams it has."""
        if not words:
            return []
        padded = [f" {word} " for word in words]
        sizes = np.fromiter(map(len, padded), dtype=np.int64, count=len(padded))
        starts = np.cumsum(sizes) - sizes
        codes = self._codes("".join(padded))
        owners: list[npt.NDArray[np.int64]] = []
        found_ids: list[Ids] = []
        totals = np.zeros(len(words), dtype=np.int64)
        for n in range(self._low, self._high + 1):
            per_word = np.maximum(sizes - n + 1, 0)
            totals += per_word
            count = int(per_word.sum())
            if not count:
                continue
            first = np.cumsum(per_word) - per_word
            begin = np.arange(count, dtype=np.int64) + np.repeat(starts - first, per_word)
            key = np.zeros(count, dtype=np.uint64)
            valid = np.ones(count, dtype=bool)
            for offset in range(n):
                code = codes[begin + offset]
                valid &= code != 0
                key |= code << np.uint64(_BITS * offset)
            slot = np.searchsorted(self._keys, key)
            slot[slot == len(self._keys)] = 0
            hit = valid & (self._keys[slot] == key) if len(self._keys) else valid & False
            owners.append(np.repeat(np.arange(len(words), dtype=np.int64), per_word)[hit])
            found_ids.append(self._ids[slot[hit]])
        owner = np.concatenate(owners) if owners else np.zeros(0, dtype=np.int64)
        ids = np.concatenate(found_ids) if found_ids else np.zeros(0, dtype=np.int32)
        order = np.argsort(owner, kind="stable")  # by word; within one, by length then position
        ids = ids[order]
        ends = np.cumsum(np.bincount(owner, minlength=len(words)))
        bounds = [0, *ends.tolist()]
        total_list = totals.tolist()
        return [(ids[bounds[i]:bounds[i + 1]], total_list[i]) for i in range(len(words))]

    def _codes(self, text: str) -> npt.NDArray[np.uint64]:
        """The code of each character of `text` (0 outside the alphabet)."""
        points = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        if not len(self._alphabet):
            return np.zeros(len(points), dtype=np.uint64)
        slot = np.searchsorted(self._alphabet, points)
        slot[slot == len(self._alphabet)] = 0
        known = self._alphabet[slot] == points
        return np.where(known, slot + 1, 0).astype(np.uint64)
