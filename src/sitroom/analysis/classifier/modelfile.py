"""Reading and checking classifier model files.

skops refuses, on load, any type not in its default trusted set unless the caller names it.
A sitroom model file needs none beyond that set (dicts, lists, strings, numbers, numpy
arrays), so nothing extra is ever trusted: a file that asks for any other type is refused
before it is loaded. The decoded state is then checked field by field and shape by shape, so
a truncated, edited or foreign file gives a clear `AnalysisError` rather than a traceback
deep in prediction.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import numpy as np

from sitroom.analysis.classifier.ngrams import NgramVectorizer
from sitroom.errors import AnalysisError

if TYPE_CHECKING:
    from sitroom.analysis.classifier.model import CrisisClassifier, Heads

EMBEDDING_DIM = 512


def read_model_state(path: Path) -> dict[str, Any]:
    """Decode a model file into plain data, refusing untrusted types."""
    import skops.io

    if not path.is_file():
        raise AnalysisError(f"model file {path} does not exist")
    try:
        untrusted = skops.io.get_untrusted_types(file=path)
    except Exception as exc:  # skops raises many kinds for a damaged zip or schema
        raise AnalysisError(f"model file {path} is not a readable skops file: {exc}") from exc
    if untrusted:
        raise AnalysisError(
            f"model file {path} asks to load types sitroom does not trust: "
            f"{', '.join(sorted(untrusted)[:5])}"
        )
    try:
        state = skops.io.load(path, trusted=[])
    except Exception as exc:
        raise AnalysisError(f"model file {path} cannot be loaded: {exc}") from exc
    if not isinstance(state, dict) or not _plain(state):
        raise AnalysisError(f"model file {path} does not hold a sitroom classifier "
                            "(only plain data is accepted)")
    return state


def _plain(value: object, depth: int = 0) -> bool:
    """Whether a decoded value is plain data: JSON-like values and numeric/text arrays.

    skops trusts some scikit-learn objects by default; a sitroom model holds none, so any
    object at all (even a trusted one) means the file is not ours.
    """
    if depth > 16:
        return False
    if value is None or isinstance(value, str | int | float | bool):
        return True
    if isinstance(value, np.ndarray):
        return value.dtype.kind in "biufU"
    if isinstance(value, list | tuple):
        return all(_plain(item, depth + 1) for item in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v, depth + 1) for k, v in value.items())
    return False


def _fail(source: str, what: str) -> NoReturn:
    """Raise the uniform error of a failed model-file check."""
    raise AnalysisError(f"model file {source} is malformed: {what}")


def _need(condition: bool, source: str, what: str) -> None:
    """Raise a uniform error when a model-file check fails."""
    if not condition:
        _fail(source, what)


def check_state(state: dict[str, Any], source: str) -> CrisisClassifier:
    """Validate decoded model data and build the classifier."""
    from sitroom.analysis.classifier.model import FORMAT, FORMAT_VERSION, CrisisClassifier

    _need(state.get("format") == FORMAT, source, "not a sitroom classifier model")
    _need(state.get("format_version") == FORMAT_VERSION, source,
          f"format version {state.get('format_version')!r}, expected {FORMAT_VERSION}")
    labels = state.get("labels")
    if not (isinstance(labels, list) and len(labels) >= 2
            and all(isinstance(x, str) and x for x in labels)
            and len(set(labels)) == len(labels)):
        _fail(source, "labels must be 2+ distinct strings")
    vectorizer = _check_vectorizer(state.get("vectorizer"), source)
    width = vectorizer.n_features
    category = _check_heads(state.get("category"), len(labels), width, source, "category")
    informative = None
    if state.get("informative") is not None:
        informative = _check_heads(state["informative"], 2, width, source, "informative")
    weight = state.get("ngram_weight")
    if not (isinstance(weight, float) and 0.0 <= weight <= 1.0):
        _fail(source, "ngram_weight must be a number from 0 to 1")
    full = state.get("full_coverage")
    if not (isinstance(full, float) and 0.0 < full <= 1.0):
        _fail(source, "full_coverage must be a number in (0, 1]")
    meta = state.get("meta", {})
    _need(isinstance(meta, dict), source, "meta must be an object")
    return CrisisClassifier(labels=tuple(labels), vectorizer=vectorizer,
                            category=category, informative=informative,
                            ngram_weight=weight, full_coverage=full, meta=meta)


def _check_vectorizer(data: Any, source: str) -> NgramVectorizer:
    """The n-gram vectoriser state: vocabulary text, idf array, ranges."""
    _need(isinstance(data, dict), source, "vectorizer missing")
    vocabulary = data.get("vocabulary")
    idf = data.get("idf")
    _need(isinstance(vocabulary, str), source, "vocabulary must be text")
    words = vocabulary.split("\n") if vocabulary else []
    _need(isinstance(idf, np.ndarray) and idf.ndim == 1 and idf.shape[0] == len(words)
          and bool(np.isfinite(idf).all()), source, "idf does not match the vocabulary")
    char_range = data.get("char_range")
    _need(isinstance(char_range, list) and len(char_range) == 2
          and all(isinstance(x, int) and 1 <= x <= 10 for x in char_range)
          and char_range[0] <= char_range[1], source, "char_range")
    n_words = data.get("n_words")
    _need(isinstance(n_words, int) and 0 <= n_words <= len(words), source, "n_words")
    for key in ("min_df", "max_features"):
        _need(isinstance(data.get(key), int), source, key)
    _need(isinstance(data.get("char_weight"), float), source, "char_weight")
    return NgramVectorizer.from_state({**data, "vocabulary": words})


def _check_heads(data: Any, n_classes: int, width: int, source: str, name: str) -> Heads:
    """A pair of heads whose shapes fit the label count and feature widths."""
    from sitroom.analysis.classifier.model import Heads, head_from_state

    _need(isinstance(data, dict) and isinstance(data.get("ngram"), dict), source,
          f"{name} heads missing")
    ngram = _check_head(data["ngram"], n_classes, width, source, f"{name}.ngram")
    embedding = None
    if data.get("embedding") is not None:
        embedding = _check_head(data["embedding"], n_classes, EMBEDDING_DIM, source,
                                f"{name}.embedding")
    return Heads(ngram=head_from_state(ngram, name),
                 embedding=head_from_state(embedding, name) if embedding else None)


def _check_head(data: Any, n_classes: int, width: int, source: str, name: str
                ) -> dict[str, Any]:
    """One head: coefficient matrix and intercepts of the right shapes, finite values."""
    _need(isinstance(data, dict), source, f"{name} must be an object")
    coef, intercept = data.get("coef"), data.get("intercept")
    rows = 1 if n_classes == 2 else n_classes
    _need(isinstance(coef, np.ndarray) and coef.shape == (rows, width), source,
          f"{name}.coef must have shape ({rows}, {width})")
    _need(isinstance(intercept, np.ndarray) and intercept.shape == (rows,), source,
          f"{name}.intercept must have shape ({rows},)")
    _need(bool(np.isfinite(coef).all()) and bool(np.isfinite(intercept).all()), source,
          f"{name} holds non-finite numbers")
    _need(data.get("kind") in ("ovr", "softmax"), source, f"{name}.kind")
    return data  # type: ignore[no-any-return]
