"""A fast word + character n-gram TF-IDF vectoriser with a plain, serialisable state.

It computes what scikit-learn's `TfidfVectorizer(analyzer="word", ngram_range=(1, 2))` and
`TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5))` joined in a `FeatureUnion` compute
(sublinear tf, smoothed idf, each block L2-normalised), but caches the character n-grams of
every word it has met, so transforming a tweet costs a few dictionary lookups per word. That
is what lets the classifier run at tens of thousands of messages per second without
embeddings. Its state is a list of strings and an array, so the model file needs no code.
"""

from __future__ import annotations

import re
from array import array
from collections import Counter
from collections.abc import Iterable, Sequence
from itertools import pairwise
from typing import Any, TypeAlias

import numpy as np
import scipy.sparse as sp

from sitroom.analysis.classifier.gramcodes import GramCodes

_TOKEN = re.compile(r"\w+|[^\w\s]")
_CACHE_LIMIT = 300_000
Matrix: TypeAlias = sp.csr_matrix


def _char_grams(word: str, low: int, high: int) -> list[str]:
    """Character n-grams of one word padded with spaces, as `char_wb` makes them."""
    padded = f" {word} "
    size = len(padded)
    return [padded[i : i + n] for n in range(low, high + 1) for i in range(size - n + 1)]


def _word_keys(tokens: Sequence[str]) -> list[str]:
    """Unigram and bigram keys of a token sequence (bigrams joined by one space)."""
    return [*tokens, *(f"{a} {b}" for a, b in pairwise(tokens))]


class NgramVectorizer:
    """Word (1-2) and character (2-5 within words) n-gram TF-IDF features."""

    def __init__(self, *, char_range: tuple[int, int] = (2, 5), min_df: int = 2,
                 max_features: int = 150_000, char_weight: float = 1.0) -> None:
        self.char_range = char_range
        self.min_df = min_df
        self.max_features = max_features
        self.char_weight = char_weight
        self.words: dict[str, int] = {}
        self.chars: dict[str, int] = {}
        self.idf = np.zeros(0, dtype=np.float64)
        self._cache: dict[str, tuple[array[int], int, int]] = {}
        self._codes: GramCodes | bool | None = False  # False: not built for this vocabulary

    @property
    def n_features(self) -> int:
        """Width of the matrices `transform` returns."""
        return len(self.words) + len(self.chars)

    def fit(self, docs: Iterable[str]) -> NgramVectorizer:
        """Choose the vocabulary (by document frequency) and compute idf."""
        low, high = self.char_range
        word_df: Counter[str] = Counter()
        char_df: Counter[str] = Counter()
        grams_of: dict[str, list[str]] = {}
        n_docs = 0
        for doc in docs:
            n_docs += 1
            tokens = _TOKEN.findall(doc)
            word_df.update(set(_word_keys(tokens)))
            grams: set[str] = set()
            for token in set(tokens):
                found = grams_of.get(token)
                if found is None:
                    found = grams_of[token] = _char_grams(token, low, high)
                grams.update(found)
            char_df.update(grams)
        words = self._select(word_df, self.max_features // 3)
        chars = self._select(char_df, self.max_features - len(words))
        self.words = {key: i for i, key in enumerate(words)}
        self.chars = {key: i + len(words) for i, key in enumerate(chars)}
        df = np.array([word_df[k] for k in words] + [char_df[k] for k in chars], dtype=np.float64)
        self.idf = np.log((1.0 + n_docs) / (1.0 + df)) + 1.0
        self._cache = {}
        self._codes = False
        return self

    def restrict(self, keep: np.ndarray) -> None:
        """Drop every feature whose entry in the boolean mask `keep` is False."""
        vocab = self.state()["vocabulary"]
        kept = np.flatnonzero(keep)
        n_words = int(np.count_nonzero(kept < len(self.words)))
        keys = [vocab[i] for i in kept]
        self.words = {key: i for i, key in enumerate(keys[:n_words])}
        self.chars = {key: i + n_words for i, key in enumerate(keys[n_words:])}
        self.idf = self.idf[kept]
        self._cache = {}
        self._codes = False

    def _select(self, df: Counter[str], limit: int) -> list[str]:
        """The most frequent keys seen in at least `min_df` documents, in a stable order."""
        kept = [(count, key) for key, count in df.items() if count >= self.min_df]
        kept.sort(key=lambda pair: (-pair[0], pair[1]))
        return sorted(key for _, key in kept[:limit])

    def _token_ids(self, token: str) -> tuple[array[int], int, int]:
        """A token's feature ids (known character n-grams, its unigram), and how many of its
        character n-grams are known out of how many.

        Cached per token: tweets repeat words, so most lookups are one dictionary hit. The ids
        are kept in a C array, which `transform` copies into the batch's array in one go.
        """
        found = self._cache.get(token)
        if found is None:
            if len(self._cache) > _CACHE_LIMIT:
                self._cache.clear()
            grams = _char_grams(token, *self.char_range)
            ids = array("i", [i for i in map(self.chars.get, grams) if i is not None])
            known = len(ids)
            own = self.words.get(token)
            if own is not None:
                ids.append(own)
            found = self._cache[token] = (ids, known, len(grams))
        return found

    def _learn_tokens(self, tokenized: Sequence[list[str]]) -> None:
        """Cache the ids of every token of a batch the cache lacks, all in one go."""
        cache = self._cache
        new = list(dict.fromkeys(t for tokens in tokenized for t in tokens if t not in cache))
        if len(new) < 2:
            return
        if self._codes is False:
            self._codes = GramCodes.build(self.chars, *self.char_range)
        codes = self._codes
        if not isinstance(codes, GramCodes):
            return  # looked up one by one as they come
        if len(cache) + len(new) > _CACHE_LIMIT:
            cache.clear()
        words = self.words
        for token, (found, total) in zip(new, codes.lookup(new), strict=True):
            ids = array("i", found.tobytes())
            known = len(ids)
            own = words.get(token)
            if own is not None:
                ids.append(own)
            cache[token] = (ids, known, total)

    def transform(self, docs: Sequence[str]) -> Matrix:
        """TF-IDF rows for the documents (unknown n-grams are ignored)."""
        return self.transform_with_coverage(docs)[0]

    def transform_with_coverage(self, docs: Sequence[str]) -> tuple[Matrix, np.ndarray]:
        """TF-IDF rows, and per document the share of its character n-grams in the vocabulary.

        Coverage says how much of a message the n-gram model has seen the like of: near 1 for
        the languages and wording it was trained on, near 0 for a script it never met.
        """
        # The hot loop of the no-embeddings path: locals instead of attribute lookups, and
        # a C array instead of a list of Python ints.
        findall = _TOKEN.findall
        tokenized = [findall(doc) for doc in docs]
        self._learn_tokens(tokenized)
        indices = array("i")
        indptr = [0]
        coverage: list[float] = []
        cached, compute, pair_id = self._cache.get, self._token_ids, self.words.get
        extend, append = indices.extend, indices.append
        for tokens in tokenized:
            known = total = 0
            for token in tokens:
                ids, hits, count = cached(token) or compute(token)
                extend(ids)
                known += hits
                total += count
            for a, b in pairwise(tokens):
                pair = pair_id(f"{a} {b}")
                if pair is not None:
                    append(pair)
            coverage.append(known / total if total else 0.0)
            indptr.append(len(indices))
        matrix = self._weigh(np.frombuffer(indices, dtype=np.int32) if indices else
                             np.zeros(0, dtype=np.int32), np.asarray(indptr, np.int64))
        return matrix, np.asarray(coverage, dtype=np.float64)

    def _weigh(self, indices: np.ndarray, indptr: np.ndarray) -> Matrix:
        """Counts → sublinear tf × idf, each block (words, characters) L2-normalised."""
        n_rows = len(indptr) - 1
        counts = sp.csr_matrix(
            (np.ones(len(indices), dtype=np.float64), indices, indptr),
            shape=(n_rows, self.n_features),
        )
        counts.sum_duplicates()
        data = (1.0 + np.log(counts.data)) * self.idf[counts.indices]
        rows = np.repeat(np.arange(n_rows), np.diff(counts.indptr))
        block = (counts.indices >= len(self.words)).astype(np.int64)
        norms = np.bincount(rows * 2 + block, weights=data * data, minlength=2 * n_rows)
        norms = np.sqrt(norms)
        norms[norms == 0.0] = 1.0
        data /= norms[rows * 2 + block]
        data[block == 1] *= self.char_weight
        weighted: Matrix = sp.csr_matrix((data, counts.indices, counts.indptr), shape=counts.shape)
        return weighted

    def state(self) -> dict[str, Any]:
        """Everything needed to rebuild this vectoriser, as plain lists and arrays."""
        vocab = [""] * self.n_features
        for table in (self.words, self.chars):
            for key, index in table.items():
                vocab[index] = key
        return {
            "char_range": list(self.char_range), "min_df": self.min_df,
            "max_features": self.max_features, "char_weight": self.char_weight,
            "n_words": len(self.words), "vocabulary": vocab, "idf": self.idf,
        }

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> NgramVectorizer:
        """Rebuild from `state()` output (types are checked by the model loader)."""
        low, high = state["char_range"]
        vectorizer = cls(char_range=(int(low), int(high)), min_df=int(state["min_df"]),
                         max_features=int(state["max_features"]),
                         char_weight=float(state["char_weight"]))
        vocab: list[str] = list(state["vocabulary"])
        n_words = int(state["n_words"])
        vectorizer.words = {key: i for i, key in enumerate(vocab[:n_words])}
        vectorizer.chars = {key: i + n_words for i, key in enumerate(vocab[n_words:])}
        vectorizer.idf = np.asarray(state["idf"], dtype=np.float64)
        return vectorizer
