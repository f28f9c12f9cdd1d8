"""Adapting the classifier to one crisis from its own messages (self-training).

A model trained on other crises is confident about part of a new crisis's stream. Those
confident messages, labelled by the model itself, train a small logistic regression on the new
crisis's own sentence embeddings; its vote joins the original model's (geometric mean). Any
in-crisis labels a person has given do two things: their class mix re-weights the model's
probabilities (a crisis has its own mix: a haze is mostly advice, a shooting mostly
sympathy), and they join the small model with a higher weight. That is how a few dozen labels
move the whole crisis. Measured leave-events-out on CrisisLexT26 (see
benchmarks/results/classifier.md); only the embedding view is adapted, because self-training
the n-gram view on its own mistakes did not help.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass

import numpy as np
from sklearn.linear_model import LogisticRegression
from threadpoolctl import ThreadpoolController  # type: ignore[import-untyped]

from sitroom.analysis.classifier.heads import combine

_FLOOR = 1e-3


@dataclass(frozen=True, slots=True)
class AdaptConfig:
    """How much to trust the crisis's own messages."""

    fraction: float = 0.5
    weight: float = 0.5
    gold_weight: float = 10.0
    prior_strength: float = 1.0
    min_gold_for_prior: int = 10
    min_messages: int = 100
    c: float = 1.0


@dataclass(frozen=True, slots=True)
class TargetHead:
    """A logistic regression fitted on one crisis, over a subset of the model's classes."""

    model: LogisticRegression
    n_classes: int

    def proba(self, embeddings: np.ndarray) -> np.ndarray:
        """Probabilities over all classes (classes it never saw get a small floor)."""
        out = np.full((embeddings.shape[0], self.n_classes), _FLOOR)
        out[:, self.model.classes_] = np.maximum(self.model.predict_proba(embeddings), _FLOOR)
        return out / out.sum(axis=1, keepdims=True)  # type: ignore[no-any-return]


def _confident_rows(probs: np.ndarray, fraction: float, exclude: np.ndarray) -> np.ndarray:
    """For each predicted class, the most confident `fraction` of its messages (≥ 3)."""
    predicted = probs.argmax(axis=1)
    confidence = probs.max(axis=1)
    chosen: list[np.ndarray] = []
    for label in range(probs.shape[1]):
        rows = np.flatnonzero(predicted == label)
        rows = rows[~np.isin(rows, exclude)]
        if len(rows) < 3:
            continue
        keep = max(3, int(len(rows) * fraction))
        chosen.append(rows[np.argsort(-confidence[rows], kind="stable")[:keep]])
    return np.concatenate(chosen) if chosen else np.zeros(0, dtype=np.int64)


def fit_target_head(embeddings: np.ndarray, probs: np.ndarray, *,
                    gold: Mapping[int, int] | None = None,
                    config: AdaptConfig = AdaptConfig()) -> TargetHead | None:
    """Self-train on confident messages (+ gold rows); None when there is too little to learn."""
    gold = gold or {}
    usable = np.flatnonzero(np.abs(embeddings).sum(axis=1) > 0)
    if len(usable) < config.min_messages and len(gold) < 10:
        return None
    gold_rows = np.array(sorted(gold), dtype=np.int64)
    rows = _confident_rows(probs[usable], config.fraction, np.searchsorted(usable, gold_rows))
    rows = usable[rows]
    targets = probs[rows].argmax(axis=1)
    weights = np.ones(len(rows))
    if len(gold_rows):
        rows = np.concatenate([rows, gold_rows])
        targets = np.concatenate([targets, [gold[int(r)] for r in gold_rows]])
        weights = np.concatenate([weights, np.full(len(gold_rows), config.gold_weight)])
    if len(np.unique(targets)) < 2:
        return None
    model = LogisticRegression(C=config.c, max_iter=300, tol=1e-3, class_weight="balanced")
    with _one_blas_thread():
        model.fit(embeddings[rows], targets, sample_weight=weights)
    return TargetHead(model=model, n_classes=probs.shape[1])


def _one_blas_thread() -> AbstractContextManager[object]:
    """Run the fit's matrix products on one BLAS thread.

    The products are small (a few thousand rows by 512), so threads gain nothing, and on a
    busy 2-core machine OpenBLAS's spinning threads made each fit 3 to 10 times slower
    (measured 0.2-0.9 s against 0.04-0.09 s). The coefficients differ from a threaded fit by
    float rounding only (probabilities by under 1e-6).
    """
    global _CONTROLLER
    if _CONTROLLER is None:
        _CONTROLLER = ThreadpoolController()
    return _CONTROLLER.limit(limits=1, user_api="blas")  # type: ignore[no-any-return]


_CONTROLLER: ThreadpoolController | None = None


def reweigh_priors(probs: np.ndarray, gold: Mapping[int, int], strength: float) -> np.ndarray:
    """Shift probabilities towards the class mix of the labelled rows (Laplace-smoothed).

    The model's own average prediction over the crisis stands for the prior it assumes; each
    class is scaled by (labelled share / assumed share) ** strength.
    """
    counts = np.bincount(np.fromiter(gold.values(), dtype=np.int64), minlength=probs.shape[1])
    target = (counts + 1.0) / (counts.sum() + probs.shape[1])
    assumed = np.maximum(probs.mean(axis=0), 1e-6)
    scaled = probs * (target / assumed) ** strength
    return scaled / scaled.sum(axis=1, keepdims=True)  # type: ignore[no-any-return]


def adapt(probs: np.ndarray, embeddings: np.ndarray, *, gold: Mapping[int, int] | None = None,
          config: AdaptConfig = AdaptConfig()) -> np.ndarray:
    """Adapted probabilities for one crisis's messages (unchanged when adaptation can't run)."""
    if gold and len(gold) >= config.min_gold_for_prior and config.prior_strength > 0:
        probs = reweigh_priors(probs, gold, config.prior_strength)
    head = fit_target_head(embeddings, probs, gold=gold, config=config)
    if head is None:
        return probs
    return combine(probs, head.proba(embeddings), 1.0 - config.weight)


class StreamAdapter:
    """Self-training over a sliding window of a stream (for the analysis step).

    The step sees a crisis in batches; the window keeps the most recent messages so the small
    model follows the stream, and it is refitted every `refit_every` messages to bound cost.
    """

    def __init__(self, config: AdaptConfig = AdaptConfig(), *, window: int = 4000,
                 refit_every: int = 1000) -> None:
        self.config = config
        self.window = window
        self.refit_every = refit_every
        self._embeddings: list[np.ndarray] = []
        self._probs: list[np.ndarray] = []
        self._since_fit = 0
        self._head: TargetHead | None = None

    def __call__(self, probs: np.ndarray, embeddings: np.ndarray) -> np.ndarray:
        """Record the batch, refit when due, and return its adapted probabilities."""
        self._embeddings.append(embeddings)
        self._probs.append(probs)
        self._since_fit += len(probs)
        kept, total = 0, 0
        for block in reversed(self._probs):
            total += len(block)
            kept += 1
            if total >= self.window:
                break
        self._embeddings = self._embeddings[-kept:]
        self._probs = self._probs[-kept:]
        due = self.refit_every if self._head is not None else self.config.min_messages
        if self._since_fit >= due:
            self._head = fit_target_head(np.vstack(self._embeddings), np.vstack(self._probs),
                                         config=self.config)
            self._since_fit = 0
        if self._head is None:
            return probs
        return combine(probs, self._head.proba(embeddings), 1.0 - self.config.weight)
