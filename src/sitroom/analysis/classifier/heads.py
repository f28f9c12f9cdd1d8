"""Linear classifier heads kept as plain arrays, and how their probabilities are combined.

Storing coefficients instead of scikit-learn objects keeps the model file to numpy arrays and
strings (nothing executable, nothing version-bound) and makes prediction one sparse or dense
matrix product.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import scipy.sparse as sp

HeadKind = Literal["ovr", "softmax"]


@dataclass(frozen=True, slots=True)
class LinearHead:
    """Weights of one linear classifier over `k` classes (one row when k == 2).

    "ovr" normalises one-vs-rest sigmoids (what SGDClassifier's log loss gives);
    "softmax" is multinomial logistic regression.
    """

    coef: np.ndarray
    intercept: np.ndarray
    kind: HeadKind

    def proba(self, features: np.ndarray | sp.csr_matrix) -> np.ndarray:
        """Class probabilities, one row per input row."""
        scores = np.asarray(features @ self.coef.T, dtype=np.float64) + self.intercept
        if scores.shape[1] == 1:
            positive = _sigmoid(scores[:, 0])
            return np.column_stack([1.0 - positive, positive])
        if self.kind == "ovr":
            probs = _sigmoid(scores)
            total = probs.sum(axis=1, keepdims=True)
            total[total == 0.0] = 1.0
            return probs / total  # type: ignore[no-any-return]
        return softmax(scores)

    @classmethod
    def from_estimator(cls, estimator: object, kind: HeadKind) -> LinearHead:
        """Copy the weights out of a fitted scikit-learn linear classifier."""
        coef = np.asarray(estimator.coef_, dtype=np.float64)  # type: ignore[attr-defined]
        intercept = np.asarray(estimator.intercept_, dtype=np.float64)  # type: ignore[attr-defined]
        return cls(coef=coef, intercept=intercept, kind=kind)


def _sigmoid(values: np.ndarray) -> np.ndarray:
    """Numerically safe logistic function."""
    return 1.0 / (1.0 + np.exp(-np.clip(values, -40.0, 40.0)))  # type: ignore[no-any-return]


def softmax(scores: np.ndarray) -> np.ndarray:
    """Row-wise softmax."""
    shifted = scores - scores.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=1, keepdims=True)  # type: ignore[no-any-return]


def combine(first: np.ndarray, second: np.ndarray, first_weight: float | np.ndarray
            ) -> np.ndarray:
    """Weighted geometric mean of two probability matrices, renormalised per row.

    A product of experts: a class needs support from both models, which held up better across
    crises than averaging (and far better than concatenating the two feature sets).
    `first_weight` is one number or one per row.
    """
    weight = np.asarray(first_weight, dtype=np.float64)
    if weight.ndim == 1:
        weight = weight[:, None]
    logs = weight * np.log(first + 1e-9) + (1.0 - weight) * np.log(second + 1e-9)
    return softmax(logs)
