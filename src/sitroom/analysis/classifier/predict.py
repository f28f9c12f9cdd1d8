"""Classifying a whole set of messages at once, adapting to it (what `sitroom classify` does)."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

import numpy as np

from sitroom.analysis.classifier.adapt import AdaptConfig, adapt
from sitroom.analysis.classifier.embedding import Embedder, shared_embedder
from sitroom.analysis.classifier.features import prepare_embedding_text
from sitroom.analysis.classifier.model import CrisisClassifier, Prediction

_CHUNK = 5000


def predict_texts(model: CrisisClassifier, texts: Sequence[str], *, embeddings: bool = True,
                  transductive: bool = True, gold: Mapping[int, str] | None = None,
                  embedder: Embedder | None = None,
                  config: AdaptConfig | None = None) -> Prediction:
    """Probabilities for every text; with `transductive`, adapted to this set of messages.

    `gold` maps a row to a known label (in-crisis labels): they steer the adaptation.
    """
    use_embeddings = embeddings and model.uses_embeddings
    vectors = None
    if use_embeddings:
        embedder = embedder or shared_embedder()
        prepared = [prepare_embedding_text(t) for t in texts]
        parts = [embedder.embed(prepared[i : i + _CHUNK]) for i in range(0, len(texts), _CHUNK)]
        vectors = _stack(parts, len(texts))
    prediction = model.predict_features(model.ngram_features(texts), vectors)
    if transductive and vectors is not None:
        index = {label: i for i, label in enumerate(model.labels)}
        known = {row: index[label] for row, label in (gold or {}).items() if label in index}
        prediction.category = adapt(prediction.category, vectors, gold=known,
                                    config=config or AdaptConfig())
    return prediction


def informative_probability(prediction: Prediction, not_informative: Collection[str]
                            ) -> np.ndarray | None:
    """P(informative): the informativeness head averaged with what the category implies.

    The category part is 1 − P(labels the taxonomy calls not informative). Averaging the two
    keeps the flag consistent with the category (an urgent request is informative) and scored
    better leave-events-out than either alone. Either part alone when the other is missing;
    None when neither exists.
    """
    columns = [i for i, label in enumerate(prediction.labels) if label in not_informative]
    implied = 1.0 - prediction.category[:, columns].sum(axis=1) if columns else None
    head = prediction.informative
    if head is None or implied is None:
        return head if implied is None else implied
    return (head + implied) / 2.0  # type: ignore[no-any-return]


def _stack(parts: list[np.ndarray], rows: int) -> np.ndarray:
    """Stack embedding chunks (an empty input gives an empty 512-wide matrix)."""
    return np.vstack(parts) if parts else np.zeros((rows, 512), dtype=np.float32)
