"""Fitting a `CrisisClassifier` from labelled examples (deterministic for fixed inputs).

Choices, each measured leave-events-out on CrisisLexT26 (benchmarks/eval_classifier.py):
- n-grams: SGD logistic loss, averaged, class-balanced; better across crises than a LinearSVC
  or an L-BFGS logistic regression, and ten times faster to fit;
- vocabulary: only n-grams seen in at least `min_groups` of the training files/events, so the
  model cannot lean on one crisis's place names and hashtags;
- embeddings: multinomial logistic regression on the USE vectors as they are;
- the two heads vote as a geometric mean (see `heads.combine`).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression, SGDClassifier

from sitroom.analysis.classifier.features import prepare_embedding_text, prepare_ngram_text
from sitroom.analysis.classifier.heads import LinearHead
from sitroom.analysis.classifier.model import CrisisClassifier, Heads
from sitroom.analysis.classifier.ngrams import Matrix, NgramVectorizer
from sitroom.analysis.classifier.training import LabelledExample
from sitroom.errors import AnalysisError

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class TrainConfig:
    """Hyper-parameters (the defaults are the measured ones)."""

    max_features: int = 120_000
    min_groups: int = 3
    ngram_alpha: float = 3e-5
    ngram_epochs: int = 15
    embedding_c: float = 1.0
    ngram_weight: float = 0.5
    min_informative: int = 5
    seed: int = 0


def fit_ngram_head(features: Matrix, targets: np.ndarray, config: TrainConfig,
                   weights: np.ndarray | None = None) -> LinearHead:
    """Averaged SGD logistic regression, class-balanced."""
    model = SGDClassifier(loss="log_loss", alpha=config.ngram_alpha, max_iter=config.ngram_epochs,
                          tol=None, average=True, class_weight="balanced",
                          random_state=config.seed)
    model.fit(features, targets, sample_weight=weights)
    return LinearHead.from_estimator(model, "ovr")


def fit_embedding_head(embeddings: np.ndarray, targets: np.ndarray, config: TrainConfig,
                       weights: np.ndarray | None = None) -> LinearHead:
    """Multinomial logistic regression on sentence embeddings."""
    model = LogisticRegression(C=config.embedding_c, max_iter=300, tol=1e-3)
    model.fit(embeddings, targets, sample_weight=weights)
    return LinearHead.from_estimator(model, "softmax")


def _group_filter(vectorizer: NgramVectorizer, docs: Sequence[str], groups: Sequence[str],
                  min_groups: int) -> Matrix:
    """Features of `docs` after dropping n-grams seen in fewer than `min_groups` groups.

    With fewer groups than that (one training file, say) nothing is dropped.
    """
    features = vectorizer.transform(docs)
    names = sorted(set(groups))
    if len(names) < max(min_groups, 2):
        return features
    position = {name: i for i, name in enumerate(names)}
    index = np.array([position[g] for g in groups])
    seen = np.zeros(features.shape[1], dtype=np.int64)
    for group in range(len(names)):
        seen += features[index == group].getnnz(axis=0) > 0
    vectorizer.restrict(seen >= min_groups)
    return vectorizer.transform(docs)


def train_classifier(examples: Sequence[LabelledExample], *, embedder: Any | None,
                     config: TrainConfig = TrainConfig(),
                     weights: Sequence[float] | None = None) -> CrisisClassifier:
    """Fit the n-gram heads (and the embedding heads when an embedder is given)."""
    labels = sorted({e.label for e in examples})
    if len(labels) < 2:
        raise AnalysisError("training needs at least two different labels")
    docs = [prepare_ngram_text(e.text) for e in examples]
    vectorizer = NgramVectorizer(max_features=config.max_features).fit(docs)
    features = _group_filter(vectorizer, docs, [e.group for e in examples], config.min_groups)
    targets = np.array([labels.index(e.label) for e in examples])
    sample = None if weights is None else np.asarray(weights, dtype=np.float64)
    embeddings = None
    if embedder is not None:
        embeddings = embedder.embed([prepare_embedding_text(e.text) for e in examples])
    category = Heads(fit_ngram_head(features, targets, config, sample))
    if embeddings is not None:
        category.embedding = fit_embedding_head(embeddings, targets, config, sample)
    informative = _fit_informative(examples, features, embeddings, config, sample)
    coverage = vectorizer.transform_with_coverage(docs)[1]
    return CrisisClassifier(
        labels=tuple(labels), vectorizer=vectorizer, category=category, informative=informative,
        ngram_weight=config.ngram_weight, full_coverage=_full_coverage(coverage),
        meta=_meta(examples, config, embeddings is not None),
    )


def _full_coverage(coverage: np.ndarray) -> float:
    """What "fully covered" means for this vocabulary: a typical training message's coverage."""
    covered = coverage[coverage > 0]
    return float(np.clip(np.median(covered), 0.05, 1.0)) if len(covered) else 1.0


def _fit_informative(examples: Sequence[LabelledExample], features: Matrix,
                     embeddings: np.ndarray | None, config: TrainConfig,
                     sample: np.ndarray | None) -> Heads | None:
    """Informativeness heads, when enough examples of both kinds carry the flag."""
    known = np.array([e.informative is not None for e in examples])
    flags = np.array([bool(e.informative) for e in examples])
    if min(int((flags & known).sum()), int((~flags & known).sum())) < config.min_informative:
        return None
    rows = np.flatnonzero(known)
    weights = None if sample is None else sample[rows]
    heads = Heads(fit_ngram_head(features[rows], flags[rows].astype(int), config, weights))
    if embeddings is not None:
        heads.embedding = fit_embedding_head(embeddings[rows], flags[rows].astype(int), config,
                                             weights)
    return heads


def _meta(examples: Sequence[LabelledExample], config: TrainConfig, embedded: bool
          ) -> dict[str, Any]:
    """What the model was trained on, kept in the file for `sitroom eval` and people."""
    counts = Counter(e.label for e in examples)
    return {
        "examples": len(examples),
        "label_counts": dict(sorted(counts.items())),
        "groups": sorted({e.group for e in examples}),
        "embeddings": embedded,
        "config": {k: getattr(config, k) for k in config.__dataclass_fields__},
    }
