"""Scoring a model on labelled data: per-class precision, recall, F1, support; macro/weighted F1."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from sitroom.analysis.classifier.model import CrisisClassifier
from sitroom.analysis.classifier.predict import informative_probability, predict_texts
from sitroom.analysis.classifier.training import LabelledExample
from sitroom.analysis.taxonomy import default_taxonomy
from sitroom.models import JsonObject


@dataclass(frozen=True, slots=True)
class ClassScore:
    """Precision, recall, F1 and support of one class."""

    label: str
    precision: float
    recall: float
    f1: float
    support: int


@dataclass(slots=True)
class Scores:
    """Per-class scores plus macro and weighted F1 and accuracy over `n` examples."""

    classes: list[ClassScore] = field(default_factory=list)
    macro_f1: float = 0.0
    weighted_f1: float = 0.0
    accuracy: float = 0.0
    n: int = 0

    def to_json(self) -> JsonObject:
        """Plain JSON form (rounded to 4 places)."""
        return {
            "n": self.n, "accuracy": round(self.accuracy, 4),
            "macro_f1": round(self.macro_f1, 4), "weighted_f1": round(self.weighted_f1, 4),
            "classes": [
                {"label": c.label, "precision": round(c.precision, 4), "recall": round(c.recall, 4),
                 "f1": round(c.f1, 4), "support": c.support}
                for c in self.classes
            ],
        }


def score(truth: Sequence[str], predicted: Sequence[str], labels: Sequence[str] | None = None
          ) -> Scores:
    """Scores over `labels` (default: every label seen in truth or predictions, sorted).

    Macro F1 averages over the labels that occur in `truth` or `predicted`, as scikit-learn
    does; a label the model never predicts and the data never holds does not count.
    """
    names = sorted(set(truth) | set(predicted)) if labels is None else list(labels)
    t = np.array(truth, dtype=object)
    p = np.array(predicted, dtype=object)
    result = Scores(n=len(truth))
    if not len(t):
        return result
    counted: list[ClassScore] = []
    for label in names:
        tp = int(np.sum((t == label) & (p == label)))
        predicted_n = int(np.sum(p == label))
        support = int(np.sum(t == label))
        precision = tp / predicted_n if predicted_n else 0.0
        recall = tp / support if support else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        entry = ClassScore(label, precision, recall, f1, support)
        result.classes.append(entry)
        if support or predicted_n:
            counted.append(entry)
    total = sum(c.support for c in counted)
    result.macro_f1 = float(np.mean([c.f1 for c in counted])) if counted else 0.0
    result.weighted_f1 = sum(c.f1 * c.support for c in counted) / total if total else 0.0
    result.accuracy = float(np.mean(t == p))
    return result


@dataclass(slots=True)
class Evaluation:
    """Category scores, and informativeness scores when both data and model have them."""

    category: Scores
    informative: Scores | None

    def to_json(self) -> JsonObject:
        """Plain JSON form."""
        return {"category": self.category.to_json(),
                "informative": self.informative.to_json() if self.informative else None}


def evaluate(model: CrisisClassifier, examples: Sequence[LabelledExample], *,
             embeddings: bool = True, transductive: bool = True) -> Evaluation:
    """Predict every example's text and score against its labels."""
    prediction = predict_texts(model, [e.text for e in examples], embeddings=embeddings,
                               transductive=transductive)
    predicted = [model.labels[i] for i in prediction.category.argmax(axis=1)]
    category = score([e.label for e in examples], predicted)
    informative = None
    rows = [i for i, e in enumerate(examples) if e.informative is not None]
    flags = informative_probability(prediction, default_taxonomy().not_informative)
    if prediction.informative is not None and flags is not None and rows:
        truth = ["informative" if examples[i].informative else "not_informative" for i in rows]
        guess = ["informative" if flags[i] >= 0.5 else "not_informative"
                 for i in rows]
        informative = score(truth, guess, ["informative", "not_informative"])
    return Evaluation(category, informative)
