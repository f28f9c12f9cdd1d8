"""Per-text memo for analysis steps: a crisis stream repeats its texts.

Retweets of one appeal carry the same text ("RT @x: ..."), and copy-pasted appeals too; in
the demo stream about half the messages repeat an earlier text. A step whose result depends
only on the text (and a few other plain values) reads each distinct text once and gives later
copies the same result, so what it writes does not change. The result object is shared
between those messages: annotations are read-only once a step has returned them (see
`analysis.base`).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

DEFAULT_LIMIT = 20_000
# Longer texts are rare and rarely repeat; keeping them would only hold memory.
MAX_KEY_CHARS = 2_000


class TextMemo(Generic[K, V]):
    """Results of a pure function of a text, for the last `limit` distinct keys or so.

    Eviction is by clearing when full: cheap, and a stream's copies arrive close together.
    """

    def __init__(self, *, limit: int = DEFAULT_LIMIT) -> None:
        self._limit = limit
        self._results: dict[K, V] = {}

    def get(self, key: K, compute: Callable[[K], V], *, text: str = "") -> V:
        """`compute(key)`, from the memo when `key` was seen; `text` long: not kept."""
        found = self._results.get(key)
        if found is None:
            found = compute(key)
            if len(text) <= MAX_KEY_CHARS:
                if len(self._results) >= self._limit:
                    self._results.clear()
                self._results[key] = found
        return found

    def clear(self) -> None:
        """Forget everything (a resource the results depend on changed)."""
        self._results.clear()
