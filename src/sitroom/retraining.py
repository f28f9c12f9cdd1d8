"""Retraining a collection's classifier from the labels people gave in its archive.

What `sitroom train --from-archive` and the dashboard's Retrain button do. The new model
starts from the collection's base model (the shipped default, unless the archive was pointed
at a model of its own) and keeps its vocabulary, heads and informativeness heads, so it
forgets nothing the base learned from other crises. The base, steered by the labels as the
classify step adapts it to a crisis (`analysis.classifier.adapt`), reads a sample of the
archive's own messages spread over its whole log; heads of the same kind fitted on those
messages (the base's answers) and on the labelled ones (the people's answers, each counting
`GOLD_WEIGHT` times) then pull the base's heads `MIX` of the way towards them, and the
class mix of the labels shifts its priors (`adapt.reweigh_priors`, baked into the
intercepts; scaled down while labels are few). Checked on three CrisisLexT26 crises left
out of training, 50 random labels each, scored on the rest of the crisis with the classify
step's self-training: accuracy 0.60 -> 0.62, 0.73 -> 0.79, 0.70 -> 0.73, and the labelled
messages themselves are read as labelled.

Each message counts once, with its newest category label (a later correction supersedes an
earlier one); the labels themselves are never changed. Help labels are counted but not
learned from: calls for help are found by the help step's lexicon, not by this classifier.

The model is written into the archive (`models/collection-<UTC time>.skops`; earlier ones
are kept, so every stored annotation can still be traced to the model that made it) and
`sitroom.toml` points at it. Retraining again always starts from the same base, never from
an earlier retrained model, so labels are not counted twice. New messages are classified
with the new model at once; stored messages keep their annotations until `sitroom analyze`
(or `train --from-archive --analyze`) re-runs the analysis, which on a large archive takes a
while and is therefore never done behind the user's back.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from sitroom.analysis.classifier.embedding import Embedder, shared_embedder
from sitroom.analysis.classifier.features import prepare_embedding_text
from sitroom.analysis.classifier.heads import LinearHead
from sitroom.analysis.classifier.learn import TrainConfig, fit_embedding_head, fit_ngram_head
from sitroom.analysis.classifier.model import CrisisClassifier, Heads
from sitroom.analysis.classifier.predict import predict_texts
from sitroom.analysis.classify import check_model_fits
from sitroom.analysis.taxonomy import Taxonomy, load_taxonomy
from sitroom.analyzing import ArchiveAnalyzer
from sitroom.archive_folder import ArchiveFolder
from sitroom.config import write_config
from sitroom.errors import AnalysisError, NotEnoughLabelsError
from sitroom.models import JsonObject
from sitroom.store.sqlite_labels import labelled_counts, newest_labels, spread_texts
from sitroom.timeutil import to_rfc3339

log = logging.getLogger(__name__)

MIN_LABELS = 10
GOLD_WEIGHT = 10.0  # as `AdaptConfig.gold_weight`: one person's label outweighs a guess
MIX = 0.3  # how far the base model's heads move towards the ones fitted on the archive
FULL_SHIFT_LABELS = 50
SAMPLE = 3000
FOLDS = 5
MODELS_FOLDER = "models"
DEFAULT_BASE = "default"


@dataclass(frozen=True, slots=True)
class RetrainOptions:
    """How to retrain: embedding heads or n-grams only, how many archive messages to learn
    from besides the labelled ones, cross-validation folds (0: none), and whether to re-run
    the analysis over the archive afterwards."""

    embeddings: bool = True
    sample: int = SAMPLE
    folds: int = FOLDS
    min_labels: int = MIN_LABELS
    analyze: bool = False


@dataclass(frozen=True, slots=True)
class RetrainReport:
    """What retraining did, as `train --from-archive --json` and the API show it."""

    model: str
    previous_model: str | None
    base_model: str
    labels: int
    label_counts: dict[str, int]
    ignored_labels: dict[str, int]
    help_labels: int
    archive_examples: int
    classes: list[str]
    embeddings: bool
    accuracy_before: float | None
    accuracy_after: float | None
    folds: int
    trained_at: str
    seconds: float
    analyzed: int | None = None
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> JsonObject:
        """Plain JSON form."""
        return {
            "model": self.model, "previous_model": self.previous_model,
            "base_model": self.base_model, "labels": self.labels,
            "label_counts": dict(self.label_counts), "ignored_labels": dict(self.ignored_labels),
            "help_labels": self.help_labels, "archive_examples": self.archive_examples,
            "classes": list(self.classes), "embeddings": self.embeddings,
            "accuracy_before": self.accuracy_before, "accuracy_after": self.accuracy_after,
            "folds": self.folds, "trained_at": self.trained_at,
            "seconds": round(self.seconds, 2), "analyzed": self.analyzed,
            "notes": list(self.notes),
        }


@dataclass(frozen=True, slots=True)
class _Data:
    """The texts to learn from: labelled ones (with their labels) and the archive sample."""

    gold_texts: list[str]
    gold_labels: list[str]
    pool: list[str]


def retrain_from_archive(folder: ArchiveFolder, options: RetrainOptions = RetrainOptions(),
                         *, embedder: Embedder | None = None) -> RetrainReport:
    """Train the collection's model from its labels, save it in the archive, point
    `sitroom.toml` at it (and, with `options.analyze`, re-analyse the archive)."""
    started = time.perf_counter()
    db = folder.store.db
    taxonomy = load_taxonomy(folder.paths.resolve(folder.config.taxonomy))
    gold_texts, gold_labels, ignored = _gold(newest_labels(db, "category"), taxonomy)
    _check_enough(gold_labels, options.min_labels, ignored)
    base_name, base = _base_model(folder)
    check_model_fits(base, taxonomy)
    active = None
    if options.embeddings and base.uses_embeddings:
        active = embedder or shared_embedder()
    taken = set(gold_texts)
    pool = list(dict.fromkeys(text for _seq, text in spread_texts(db, options.sample)
                              if text.strip() and text not in taken))
    data = _Data(gold_texts, gold_labels, pool)
    model, used = _fit(base, data, active)
    before = _accuracy(_predicted(base, gold_texts, active), gold_labels)
    folds = min(options.folds, len(gold_labels))
    after = _cross_validate(base, data, active, folds) if folds >= 2 else None
    trained_at = _now()
    relative = _save(folder, model, base_name, trained_at, len(gold_labels))
    previous = folder.config.model
    folder.config = replace(folder.config, model=relative)
    write_config(folder.paths, folder.config)
    report = RetrainReport(
        model=relative, previous_model=previous, base_model=base_name,
        labels=len(gold_labels), label_counts=dict(sorted(Counter(gold_labels).items())),
        ignored_labels=ignored, help_labels=labelled_counts(db).get("help", 0),
        archive_examples=used, classes=list(model.labels), embeddings=active is not None,
        accuracy_before=before, accuracy_after=after, folds=folds if after is not None else 0,
        trained_at=trained_at, seconds=0.0,
    )
    return _finish(folder, report, options, started)


def _finish(folder: ArchiveFolder, report: RetrainReport, options: RetrainOptions,
            started: float) -> RetrainReport:
    """Re-analyse when asked, and say what the user has to know."""
    notes = []
    analyzed = None
    if options.analyze:
        analyzer = ArchiveAnalyzer(folder, embeddings=options.embeddings)
        analyzed = analyzer.analyze_archive().messages
        notes.append(f"re-analysed {analyzed} stored messages with the new model")
    else:
        notes.append("new messages are classified with the new model; run `sitroom analyze` "
                     "to re-classify the messages already stored")
    if report.help_labels:
        notes.append("help labels are kept but not learned from: calls for help are found "
                     "by the help step's lexicon")
    return replace(report, analyzed=analyzed, notes=notes,
                   seconds=time.perf_counter() - started)


def _gold(db_labels: Sequence[tuple[int, str, str]], taxonomy: Taxonomy
          ) -> tuple[list[str], list[str], dict[str, int]]:
    """Texts and labels of the labelled messages (one each); labels the collection's
    taxonomy does not know are counted and left out."""
    texts: list[str] = []
    labels: list[str] = []
    ignored: Counter[str] = Counter()
    for _seq, text, label in db_labels:
        if label not in taxonomy:
            ignored[label] += 1
        elif text.strip():
            texts.append(text)
            labels.append(label)
    return texts, labels, dict(sorted(ignored.items()))


def _check_enough(labels: Sequence[str], minimum: int, ignored: dict[str, int]) -> None:
    """Refuse clearly when there is too little to learn from."""
    if len(labels) >= minimum:
        return
    extra = f" ({sum(ignored.values())} more name categories the taxonomy lacks)" if ignored \
        else ""
    raise NotEnoughLabelsError(
        f"retraining needs category labels on at least {minimum} messages; this archive has "
        f"{len(labels)}{extra}. Label more messages (dashboard: Labelling, or POST "
        f"/api/v1/labels), starting with the least certain ones, then retrain."
    )


def _base_model(folder: ArchiveFolder) -> tuple[str, CrisisClassifier]:
    """The model retraining starts from: the collection's model, or, when that was itself
    retrained, the model it was retrained from (so labels are never learned twice)."""
    setting = folder.config.model
    if not setting:
        return DEFAULT_BASE, CrisisClassifier.load(None)
    current = CrisisClassifier.load(folder.paths.resolve(setting))
    retrained = current.meta.get("retrained")
    base = retrained.get("base") if isinstance(retrained, dict) else None
    if not isinstance(base, str):
        return setting, current
    if base == DEFAULT_BASE:
        return DEFAULT_BASE, CrisisClassifier.load(None)
    path = folder.paths.resolve(base)
    if path is None or not path.is_file():
        raise AnalysisError(f"{setting} was retrained from {base}, which is missing; restore "
                            "it or set `model` in sitroom.toml to the model to start from")
    return base, CrisisClassifier.load(path)


def _fit(base: CrisisClassifier, data: _Data, embedder: Embedder | None
         ) -> tuple[CrisisClassifier, int]:
    """The new model, and how many archive messages it learned from besides the labels."""
    labels = base.labels + tuple(sorted(set(data.gold_labels) - set(base.labels)))
    if len(set(data.gold_labels)) < 2 and not data.pool:
        raise NotEnoughLabelsError(
            "the labels name only one category and the archive gives nothing else to learn "
            "from; label messages of at least two categories"
        )
    texts = data.gold_texts + data.pool
    start = len(data.gold_texts)
    index = {label: i for i, label in enumerate(labels)}
    gold = {row: label for row, label in enumerate(data.gold_labels) if label in base.labels}
    steered = predict_texts(base, texts, embeddings=embedder is not None,
                            transductive=embedder is not None, gold=gold, embedder=embedder)
    targets = np.array([index[label] for label in data.gold_labels]
                       + steered.category[start:].argmax(axis=1).tolist(), dtype=np.int64)
    weights = np.array([GOLD_WEIGHT] * start + [1.0] * len(data.pool))
    config = TrainConfig()
    ngram = _blend(base.category.ngram, fit_ngram_head(
        base.ngram_features(texts).matrix, targets, config, weights), targets, len(labels))
    embedding = base.category.embedding
    if embedder is not None and embedding is not None:
        vectors = embedder.embed([prepare_embedding_text(t) for t in texts])
        embedding = _blend(embedding, fit_embedding_head(vectors, targets, config, weights),
                           targets, len(labels))
    plain = base.predict(data.pool, embedder).category if data.pool else None
    shift = _prior_shift(plain, targets[:start], len(labels))
    model = replace(base, labels=labels, category=Heads(_shifted(ngram, shift),
                    None if embedding is None else _shifted(embedding, shift)),
                    meta=dict(base.meta))
    return model, len(data.pool)


def _rows(head: LinearHead, classes: np.ndarray, width: int) -> LinearHead:
    """A fitted head's weights as one row per class of the model (`classes` are the ones it
    was fitted on; a two-class fit has one row; other classes get no weights)."""
    coef, intercept = head.coef, head.intercept
    if len(coef) == 1:  # binary: p(second) = sigmoid(z); the same as these two rows
        low = -coef if head.kind == "ovr" else np.zeros_like(coef)
        low_b = -intercept if head.kind == "ovr" else np.zeros_like(intercept)
        coef, intercept = np.vstack([low, coef]), np.concatenate([low_b, intercept])
    full = np.zeros((width, coef.shape[1]))
    full_b = np.zeros(width)
    full[classes], full_b[classes] = coef, intercept
    return LinearHead(coef=full, intercept=full_b, kind=head.kind)


def _blend(base: LinearHead, fitted: LinearHead, targets: np.ndarray, width: int
           ) -> LinearHead:
    """Move the base head `MIX` of the way to the head fitted on this archive, for the classes
    that head saw; the others keep the base's weights (a new class starts from nothing)."""
    classes = np.unique(targets)
    new = _rows(fitted, classes, width)
    coef = np.zeros((width, base.coef.shape[1]))
    coef[: len(base.coef)] = base.coef
    floor = float(base.intercept.min()) - 5.0  # a class the base model never predicts
    intercept = np.full(width, floor)
    intercept[: len(base.intercept)] = base.intercept
    coef[classes] = (1.0 - MIX) * coef[classes] + MIX * new.coef[classes]
    intercept[classes] = (1.0 - MIX) * intercept[classes] + MIX * new.intercept[classes]
    return LinearHead(coef=coef, intercept=intercept, kind=base.kind)


def _prior_shift(probs: np.ndarray | None, gold: np.ndarray, width: int) -> np.ndarray:
    """Per class, log(labelled share / share the base model predicts), as
    `adapt.reweigh_priors` does at run time; scaled down while labels are few (their mix is
    noisy: measured on CrisisLexT26, a full shift hurt at 20 labels and helped from 50)."""
    if probs is None or len(gold) < MIN_LABELS:
        return np.zeros(width)
    counts = np.bincount(gold, minlength=width).astype(np.float64)
    target = (counts + 1.0) / (counts.sum() + width)
    assumed = np.full(width, 1e-6)
    assumed[: probs.shape[1]] = np.maximum(probs.mean(axis=0), 1e-6)
    strength = min(1.0, len(gold) / FULL_SHIFT_LABELS)
    return strength * np.log(target / assumed)  # type: ignore[no-any-return]


def _shifted(head: LinearHead, shift: np.ndarray) -> LinearHead:
    return LinearHead(coef=head.coef, intercept=head.intercept + shift, kind=head.kind)


def _predicted(model: CrisisClassifier, texts: Sequence[str], embedder: Embedder | None
               ) -> list[str]:
    """The category the model gives each text (as the classify step would, unadapted)."""
    if not texts:
        return []
    prediction = predict_texts(model, list(texts), embeddings=embedder is not None,
                               transductive=False, embedder=embedder)
    return [model.labels[i] for i in prediction.category.argmax(axis=1).tolist()]


def _accuracy(predicted: Sequence[str], labels: Sequence[str]) -> float | None:
    """Share of predictions equal to the labels (None without any)."""
    if not labels:
        return None
    return round(sum(p == t for p, t in zip(predicted, labels, strict=True)) / len(labels), 4)


def _cross_validate(base: CrisisClassifier, data: _Data, embedder: Embedder | None,
                    folds: int) -> float | None:
    """Accuracy on labelled messages of models retrained without them (k folds, each
    label's messages dealt round the folds)."""
    order = sorted(range(len(data.gold_labels)), key=lambda i: (data.gold_labels[i], i))
    fold_of = {row: n % folds for n, row in enumerate(order)}
    predicted: list[str] = []
    truth: list[str] = []
    for fold in range(folds):
        held = [i for i in order if fold_of[i] == fold]
        kept = [i for i in order if fold_of[i] != fold]
        train = _Data([data.gold_texts[i] for i in kept], [data.gold_labels[i] for i in kept],
                      data.pool)
        try:
            model, _ = _fit(base, train, embedder)
        except NotEnoughLabelsError:
            return None
        predicted += _predicted(model, [data.gold_texts[i] for i in held], embedder)
        truth += [data.gold_labels[i] for i in held]
    return _accuracy(predicted, truth)


def _now() -> str:
    return to_rfc3339(datetime.now(UTC).replace(microsecond=0))


def _save(folder: ArchiveFolder, model: CrisisClassifier, base: str, trained_at: str,
          labels: int) -> str:
    """Write the model under the archive's models folder; returns its path as
    `sitroom.toml` holds it (relative to the archive)."""
    model.meta["retrained"] = {
        "base": base, "archive_id": folder.config.archive_id, "trained_at": trained_at,
        "labels": labels, "gold_weight": GOLD_WEIGHT,
    }
    stamp = trained_at.replace("-", "").replace(":", "")
    target_dir = folder.paths.root / MODELS_FOLDER
    target_dir.mkdir(exist_ok=True)
    target = target_dir / f"collection-{stamp}.skops"
    n = 1
    while target.exists():
        n += 1
        target = target_dir / f"collection-{stamp}-{n}.skops"
    partial = target.with_suffix(".partial")
    model.save(partial)
    partial.replace(target)  # the config never names a half-written file
    return Path(MODELS_FOLDER, target.name).as_posix()
