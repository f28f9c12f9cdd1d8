"""The `classify` step: humanitarian category with probabilities, and P(informative).

Writes, per message::

    "category": {"value": "requests_or_urgent_needs",
                 "scores": {"<label>": p, ...},      # every taxonomy label, rounded to 4 places
                 "informative": 0.93}

The model (settings.model_path, else the shipped default) predicts labels of the collection's
taxonomy (settings.taxonomy_path, else the default); a model with labels the taxonomy lacks is
refused when the step is built. With `settings.embeddings` the model's embedding heads vote
too and the step adapts to the stream it sees (see `classifier.adapt.StreamAdapter`);
without, only the n-gram heads run (tens of thousands of messages per second).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import ClassVar

import numpy as np

from sitroom.analysis.base import AnalysisItem, AnalysisSettings, Annotations
from sitroom.analysis.classifier.adapt import StreamAdapter
from sitroom.analysis.classifier.embedding import Embedder, shared_embedder
from sitroom.analysis.classifier.features import prepare_embedding_text
from sitroom.analysis.classifier.model import CrisisClassifier, Prediction
from sitroom.analysis.classifier.predict import informative_probability
from sitroom.analysis.taxonomy import Taxonomy, load_taxonomy
from sitroom.errors import AnalysisError
from sitroom.models import JsonValue

log = logging.getLogger(__name__)


def check_model_fits(model: CrisisClassifier, taxonomy: Taxonomy) -> None:
    """Refuse a model that predicts labels the taxonomy does not have."""
    unknown = [label for label in model.labels if label not in taxonomy]
    if unknown:
        raise AnalysisError(
            f"the classifier model predicts labels that taxonomy {taxonomy.name!r} lacks: "
            f"{', '.join(unknown)}; train the model on this taxonomy's labels or use its taxonomy"
        )


def category_annotations(prediction: Prediction, taxonomy: Taxonomy) -> list[Annotations]:
    """Turn probabilities into `category` annotations over every taxonomy label."""
    probs = prediction.category
    informative = informative_probability(prediction, taxonomy.not_informative)
    if informative is None:  # no head and no not-informative label: nothing says otherwise
        informative = np.ones(len(probs))
    column = {label: i for i, label in enumerate(prediction.labels)}
    # One column per taxonomy label, in taxonomy order; labels the model lacks score 0.
    table = np.zeros((len(probs), len(taxonomy.ids)))
    for j, label in enumerate(taxonomy.ids):
        if label in column:
            table[:, j] = probs[:, column[label]]
    rows: list[list[float]] = np.round(table, 4).tolist()
    best = [prediction.labels[i] for i in probs.argmax(axis=1).tolist()] if len(probs) else []
    flags: list[float] = np.round(informative, 4).tolist()
    ids = taxonomy.ids
    out: list[Annotations] = []
    for row, value, flag in zip(rows, best, flags, strict=True):
        scores: dict[str, JsonValue] = dict(zip(ids, row, strict=True))
        out.append({"category": {"value": value, "scores": scores, "informative": flag}})
    return out


class ClassifyStep:
    """Humanitarian category and informativeness for each message."""

    name: ClassVar[str] = "classify"
    version: ClassVar[str] = "1"
    keys: ClassVar[tuple[str, ...]] = ("category",)
    reads: ClassVar[tuple[str, ...]] = ()
    per_message: ClassVar[bool] = False

    def __init__(self, settings: AnalysisSettings, *, embedder: Embedder | None = None) -> None:
        self.taxonomy = load_taxonomy(settings.taxonomy_path)
        self.model = CrisisClassifier.load(settings.model_path)
        check_model_fits(self.model, self.taxonomy)
        self.embedder: Embedder | None = None
        if settings.embeddings and self.model.uses_embeddings:
            self.embedder = embedder or shared_embedder()
        self.adapter = StreamAdapter()

    def annotate(self, items: Sequence[AnalysisItem]) -> list[Annotations]:
        """One `category` annotation per item (never raises for odd text)."""
        if not items:
            return []
        # Copies of one text (retweets, pasted appeals) get the same features: each distinct
        # text is read once and its row repeated, so the results do not change.
        texts = [item.text or "" for item in items]
        rows_of: dict[str, int] = {}
        rows = np.fromiter((rows_of.setdefault(t, len(rows_of)) for t in texts),
                           dtype=np.intp, count=len(texts))
        distinct = list(rows_of)
        ngrams = self.model.ngram_features(distinct)
        embeddings = None
        if self.embedder is not None:
            embeddings = self.embedder.embed([prepare_embedding_text(t) for t in distinct])
        prediction = self.model.predict_features(ngrams, embeddings)
        prediction.category = prediction.category[rows]
        if prediction.informative is not None:
            prediction.informative = prediction.informative[rows]
        if embeddings is not None:
            prediction.category = self.adapter(prediction.category, embeddings[rows])
        return category_annotations(prediction, self.taxonomy)
