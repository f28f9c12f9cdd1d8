"""The trainable humanitarian classifier: n-gram and embedding heads, and their model file.

Two views of a message vote as a product of experts: a word + character n-gram TF-IDF model
(fast, sharp on wording seen in training) and a logistic regression over multilingual sentence
embeddings (carries meaning across crises and into languages the training set lacks, Arabic
included). Each view has a head for the category and, when the training data says which
messages were informative, one for informativeness. Without embeddings the n-gram heads
answer alone.

The model file is a skops archive holding only strings, numbers, lists, dicts and numpy
arrays. It is loaded with no extra trusted types at all and then checked field by field, so
a crafted file cannot run code and a damaged one fails with a clear `AnalysisError`.
"""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from sitroom.analysis.classifier.features import prepare_embedding_text, prepare_ngram_text
from sitroom.analysis.classifier.heads import HeadKind, LinearHead, combine
from sitroom.analysis.classifier.ngrams import Matrix, NgramVectorizer
from sitroom.errors import AnalysisError

FORMAT = "sitroom-classifier"
FORMAT_VERSION = 1
DEFAULT_MODEL_PATH = Path(__file__).resolve().parents[1] / "data" / "default_model.skops"


@dataclass(slots=True)
class Heads:
    """The n-gram head and (optionally) the embedding head for one question."""

    ngram: LinearHead
    embedding: LinearHead | None = None


@dataclass(frozen=True, slots=True)
class NgramView:
    """N-gram TF-IDF rows of some messages, and how much of each the vocabulary covers."""

    matrix: Matrix
    coverage: np.ndarray


@dataclass(slots=True)
class Prediction:
    """Category probabilities (columns in `labels` order) and P(informative) per message."""

    labels: tuple[str, ...]
    category: np.ndarray
    informative: np.ndarray | None


@dataclass(slots=True)
class CrisisClassifier:
    """Category (+ informativeness) classifier over any label set."""

    labels: tuple[str, ...]
    vectorizer: NgramVectorizer
    category: Heads
    informative: Heads | None = None
    ngram_weight: float = 0.5
    full_coverage: float = 1.0
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def uses_embeddings(self) -> bool:
        """Whether the model has embedding heads (it still works without embeddings)."""
        return self.category.embedding is not None

    def ngram_features(self, texts: Sequence[str]) -> NgramView:
        """N-gram TF-IDF rows (and vocabulary coverage) for raw message texts."""
        matrix, coverage = self.vectorizer.transform_with_coverage(
            [prepare_ngram_text(t) for t in texts])
        return NgramView(matrix, coverage)

    def ngram_weights(self, ngrams: NgramView) -> np.ndarray:
        """Per message, the n-gram head's share of the vote.

        It shrinks with the share of the message's character n-grams the vocabulary knows
        (relative to a typical training message): on a language or script the n-gram model
        never saw in training, the embedding head, which reads meaning across languages,
        decides alone.
        """
        share = np.clip(ngrams.coverage / self.full_coverage, 0.0, 1.0)
        return self.ngram_weight * share

    def predict_features(self, ngrams: NgramView, embeddings: np.ndarray | None) -> Prediction:
        """Probabilities from precomputed features; `embeddings` None → n-gram heads only."""
        weights = self.ngram_weights(ngrams)
        category = _vote(self.category, ngrams.matrix, embeddings, weights)
        informative = None
        if self.informative is not None:
            informative = _vote(self.informative, ngrams.matrix, embeddings, weights)[:, 1]
        return Prediction(self.labels, category, informative)

    def predict(self, texts: Sequence[str], embedder: Any | None = None) -> Prediction:
        """Probabilities for raw texts; pass an `Embedder` to use the embedding heads."""
        embeddings = None
        if embedder is not None and self.uses_embeddings:
            embeddings = embedder.embed([prepare_embedding_text(t) for t in texts])
        return self.predict_features(self.ngram_features(texts), embeddings)

    def save(self, path: Path) -> None:
        """Write the model file (skops, compressed)."""
        import skops.io

        try:
            skops.io.dump(self.to_state(), Path(path), compression=zipfile.ZIP_DEFLATED,
                          compresslevel=9)
        except OSError as exc:
            raise AnalysisError(f"cannot write model file {path}: {exc}") from exc

    def to_state(self) -> dict[str, Any]:
        """The model as plain data (what the file holds)."""
        vector = self.vectorizer.state()
        vocabulary: list[str] = vector.pop("vocabulary")
        vector["vocabulary"] = "\n".join(vocabulary)
        vector["idf"] = np.asarray(vector["idf"], dtype=np.float32)
        return {
            "format": FORMAT, "format_version": FORMAT_VERSION, "labels": list(self.labels),
            "vectorizer": vector, "category": _heads_state(self.category),
            "informative": _heads_state(self.informative) if self.informative else None,
            "ngram_weight": float(self.ngram_weight), "full_coverage": float(self.full_coverage),
            "meta": self.meta,
        }

    @classmethod
    def load(cls, path: Path | None = None) -> CrisisClassifier:
        """Read a model file (None: the shipped default), refusing anything but plain data."""
        from sitroom.analysis.classifier.modelfile import read_model_state

        target = DEFAULT_MODEL_PATH if path is None else Path(path)
        return cls.from_state(read_model_state(target), str(target))

    @classmethod
    def from_state(cls, state: dict[str, Any], source: str = "model") -> CrisisClassifier:
        """Rebuild from `to_state()` output, checking every field."""
        from sitroom.analysis.classifier.modelfile import check_state

        return check_state(state, source)


def _vote(heads: Heads, ngrams: Matrix, embeddings: np.ndarray | None,
          ngram_weight: np.ndarray) -> np.ndarray:
    """One head's probabilities, or both heads' combined when embeddings are given."""
    probs = heads.ngram.proba(ngrams)
    if heads.embedding is None or embeddings is None:
        return probs
    return combine(probs, heads.embedding.proba(embeddings), ngram_weight)


def _heads_state(heads: Heads) -> dict[str, Any]:
    """Plain-data form of a pair of heads (coefficients as float32 to halve the file)."""

    def one(head: LinearHead | None) -> dict[str, Any] | None:
        if head is None:
            return None
        return {"coef": head.coef.astype(np.float32), "intercept": head.intercept,
                "kind": head.kind}

    return {"ngram": one(heads.ngram), "embedding": one(heads.embedding)}


def head_from_state(data: Any, where: str) -> LinearHead:
    """A `LinearHead` from its plain-data form (shapes are checked by the caller)."""
    kind: HeadKind = "ovr" if data["kind"] == "ovr" else "softmax"
    return LinearHead(coef=np.asarray(data["coef"], dtype=np.float64),
                      intercept=np.asarray(data["intercept"], dtype=np.float64), kind=kind)
