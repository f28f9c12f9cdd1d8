"""Leave-events-out evaluation of the humanitarian classifier on CrisisLexT26 (20 crises).

    python -m benchmarks.eval_classifier [--jobs 2] [--seeds 3] [--events N]

For every crisis: train on the other 19, test on it. Reports macro-F1 and weighted-F1 for the
information type (CrisisLexT26's seven types, renamed to the default taxonomy one to one: the
keyword split and the seed examples of the shipped model are left out so every method sees the
same labels) and for informativeness ("Related and informative" vs the rest), pooled over all
20 test crises, with the mean per-crisis macro-F1 beside it. Rows:

- baseline: TF-IDF word 1-2 + char_wb 2-5 n-grams (raw lower-cased text), LinearSVC;
- ablations of ours: n-gram head alone, embedding head alone (USE + logistic regression),
  both heads, both heads + self-training on the test crisis's own (unlabelled) messages;
- the learning curve of the full model after 0, 50, 100, 200 labels drawn from the test
  crisis (evaluated on the rest of it, mean over `--seeds` draws).

Embeddings are cached per crisis under bench-out/classifier-cache/. Writes the table to
benchmarks/results/classifier.md (and .json).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data" / "crisislex-t26"
CACHE = REPO / "bench-out" / "classifier-cache"
RESULTS = Path(__file__).resolve().parent / "results"
CURVE = (0, 50, 100, 200)
ROWS = ("baseline", "ngram", "embedding", "both", "adapted")
ROW_NAMES = {
    "baseline": "baseline: TF-IDF word+char n-grams + LinearSVC",
    "ngram": "ours, n-gram head only (prepared text, cross-event vocabulary, SGD)",
    "embedding": "ours, embedding head only (USE + logistic regression)",
    "both": "ours, both heads (product of experts)",
    "adapted": "ours, both heads + self-training on the crisis; informativeness averaged "
               "with the category's (shipped)",
}


@dataclass
class Event:
    """One crisis: its name, texts, mapped labels, informativeness, embeddings."""

    name: str
    texts: list[str]
    labels: np.ndarray
    informative: np.ndarray
    embeddings: np.ndarray


def load_events() -> list[Event]:
    """Read the 20 CrisisLexT26 files, with embeddings (cached)."""
    from sitroom.analysis.classifier.crisislex import DIRECT
    from sitroom.analysis.classifier.training import read_labelled

    events = []
    for path in sorted(DATA.glob("*-tweets_labeled.csv")):
        report = read_labelled(path, mapper=lambda label, _text: DIRECT.get(label))
        rows = report.examples
        events.append(Event(
            name=path.name.replace("-tweets_labeled.csv", ""), texts=[r.text for r in rows],
            labels=np.array([r.label for r in rows]),
            informative=np.array([bool(r.informative) for r in rows]),
            embeddings=_embeddings(path.stem, [r.text for r in rows]),
        ))
    return events


def _embeddings(stem: str, texts: list[str]) -> np.ndarray:
    """USE embeddings of the prepared texts, from the cache when the texts are unchanged."""
    from sitroom.analysis.classifier.embedding import shared_embedder
    from sitroom.analysis.classifier.features import prepare_embedding_text

    prepared = [prepare_embedding_text(t) for t in texts]
    digest = hashlib.sha256("\n".join(prepared).encode()).hexdigest()[:16]
    path = CACHE / f"{stem}-{digest}.npy"
    if path.exists():
        return np.load(path)
    CACHE.mkdir(parents=True, exist_ok=True)
    vectors = shared_embedder().embed(prepared)
    np.save(path, vectors)
    return vectors


class CachedEmbedder:
    """An embedder that answers from precomputed vectors (keyed by prepared text)."""

    def __init__(self, events: list[Event]) -> None:
        from sitroom.analysis.classifier.features import prepare_embedding_text

        self.table = {prepare_embedding_text(t): e.embeddings[i]
                      for e in events for i, t in enumerate(e.texts)}

    def embed(self, texts: list[str]) -> np.ndarray:
        """Rows for texts seen in the events (zeros otherwise)."""
        zero = np.zeros(512, dtype=np.float32)
        return np.vstack([self.table.get(t, zero) for t in texts]) if texts else zero[:0]


def baseline(train: list[Event], test: Event) -> tuple[np.ndarray, np.ndarray]:
    """TF-IDF word+char n-grams with LinearSVC: predicted labels and informativeness."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import FeatureUnion
    from sklearn.svm import LinearSVC

    vectorizer = FeatureUnion([
        ("word", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2)),
        ("char", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True,
                                 min_df=2)),
    ])
    features = vectorizer.fit_transform([t.lower() for e in train for t in e.texts])
    test_features = vectorizer.transform([t.lower() for t in test.texts])
    labels = np.concatenate([e.labels for e in train])
    informative = np.concatenate([e.informative for e in train])
    category = LinearSVC(C=1.0).fit(features, labels).predict(test_features)
    flag = LinearSVC(C=1.0).fit(features, informative).predict(test_features)
    return category, flag


def ours(train: list[Event], test: Event, seeds: int) -> dict[str, object]:
    """Every ablation of our model on one test crisis, plus its learning curve."""
    from sitroom.analysis.classifier.adapt import adapt
    from sitroom.analysis.classifier.learn import train_classifier
    from sitroom.analysis.classifier.model import Prediction
    from sitroom.analysis.classifier.predict import informative_probability
    from sitroom.analysis.classifier.training import LabelledExample
    from sitroom.analysis.taxonomy import default_taxonomy

    examples = [LabelledExample(t, str(e.labels[i]), bool(e.informative[i]), e.name)
                for e in train for i, t in enumerate(e.texts)]
    model = train_classifier(examples, embedder=CachedEmbedder(train))
    labels = np.array(model.labels)
    ngrams = model.ngram_features(test.texts)
    emb = test.embeddings
    heads, inf = model.category, model.informative
    assert heads.embedding is not None and inf is not None and inf.embedding is not None
    p_ngram, p_emb = heads.ngram.proba(ngrams.matrix), heads.embedding.proba(emb)
    both = model.predict_features(ngrams, emb)
    p_both, i_both = both.category, both.informative
    assert i_both is not None
    p_adapted = adapt(p_both, emb)
    i_ngram, i_emb = inf.ngram.proba(ngrams.matrix)[:, 1], inf.embedding.proba(emb)[:, 1]
    out: dict[str, object] = {
        "ngram": (labels[p_ngram.argmax(1)], i_ngram >= 0.5),
        "embedding": (labels[p_emb.argmax(1)], i_emb >= 0.5),
        "both": (labels[p_both.argmax(1)], i_both >= 0.5),
    }
    adapted = Prediction(model.labels, p_adapted, i_both)
    i_adapted = informative_probability(adapted, default_taxonomy().not_informative)
    assert i_adapted is not None
    out["adapted"] = (labels[p_adapted.argmax(1)], i_adapted >= 0.5)
    out["curve"] = _curve(p_both, emb, test, labels, seeds)
    return out


def _curve(probs: np.ndarray, emb: np.ndarray, test: Event, labels: np.ndarray, seeds: int
           ) -> dict[int, list[tuple[np.ndarray, np.ndarray]]]:
    """(truth, prediction) on the unlabelled rest, after k in-crisis labels, per seed."""
    from sitroom.analysis.classifier.adapt import adapt

    index = {label: i for i, label in enumerate(labels)}
    curve: dict[int, list[tuple[np.ndarray, np.ndarray]]] = {}
    for k in CURVE:
        curve[k] = []
        for seed in range(seeds if k else 1):
            rng = np.random.default_rng(seed)
            gold = rng.choice(len(test.texts), size=min(k, len(test.texts)), replace=False)
            known = {int(r): index[str(test.labels[r])] for r in gold if test.labels[r] in index}
            predicted = labels[adapt(probs, emb, gold=known).argmax(1)]
            rest = np.setdiff1d(np.arange(len(test.texts)), gold)
            curve[k].append((test.labels[rest], predicted[rest]))
    return curve


def run_fold(index: int, seeds: int, skip_baseline: bool) -> dict[str, object]:
    """Train on all crises but one, test on it."""
    try:
        from threadpoolctl import threadpool_limits

        threadpool_limits(1)
    except ImportError:  # pragma: no cover
        pass
    events = load_events()
    test = events[index]
    train = [e for i, e in enumerate(events) if i != index]
    started = time.perf_counter()
    result = ours(train, test, seeds)
    if not skip_baseline:
        result["baseline"] = baseline(train, test)
    result["name"] = test.name
    result["seconds"] = time.perf_counter() - started
    return result


def _f1(truth: np.ndarray, predicted: np.ndarray) -> tuple[float, float]:
    """Macro and weighted F1 (scikit-learn's definitions)."""
    from sklearn.metrics import f1_score

    return (float(f1_score(truth, predicted, average="macro")),
            float(f1_score(truth, predicted, average="weighted")))


def summarise(folds: list[dict[str, object]], events: list[Event]) -> dict[str, object]:
    """Pooled and per-crisis scores of every row, and the learning curve."""
    by_name = {e.name: e for e in events}
    summary: dict[str, object] = {"rows": {}, "curve": {}, "events": len(folds)}
    for row in ROWS:
        if row not in folds[0]:
            continue
        truth_t, pred_t, truth_i, pred_i, per_event = [], [], [], [], []
        for fold in folds:
            event = by_name[str(fold["name"])]
            category, flag = fold[row]  # type: ignore[misc]
            truth_t.append(event.labels)
            pred_t.append(category)
            truth_i.append(event.informative)
            pred_i.append(np.asarray(flag, dtype=bool))
            per_event.append(_f1(event.labels, category)[0])
        macro_t, weighted_t = _f1(np.concatenate(truth_t), np.concatenate(pred_t))
        macro_i, weighted_i = _f1(np.concatenate(truth_i), np.concatenate(pred_i))
        summary["rows"][row] = {  # type: ignore[index]
            "type_macro_f1": macro_t, "type_weighted_f1": weighted_t,
            "type_macro_f1_mean_per_event": float(np.mean(per_event)),
            "informative_macro_f1": macro_i, "informative_weighted_f1": weighted_i,
        }
    for k in CURVE:
        runs = [fold["curve"][k] for fold in folds]  # type: ignore[index]
        scores = []
        for seed in range(len(runs[0])):
            truth = np.concatenate([r[seed][0] for r in runs])
            predicted = np.concatenate([r[seed][1] for r in runs])
            scores.append(_f1(truth, predicted))
        summary["curve"][k] = {  # type: ignore[index]
            "macro_f1": float(np.mean([s[0] for s in scores])),
            "macro_f1_std": float(np.std([s[0] for s in scores])),
            "weighted_f1": float(np.mean([s[1] for s in scores])), "seeds": len(scores),
        }
    return summary


def render(summary: dict[str, object], seconds: float, jobs: int) -> str:
    """The Markdown table written to benchmarks/results/classifier.md."""
    lines = [
        "# Humanitarian classifier: leave-events-out on CrisisLexT26",
        "",
        f"{summary['events']} crises; for each, train on the others and test on it. Scores are "
        "pooled over all test crises (per-crisis mean of macro-F1 beside it). Information type: "
        "CrisisLexT26's 7 types renamed to the default taxonomy; informativeness: 'Related and "
        "informative' vs the rest. Produced by `python -m benchmarks.eval_classifier` in "
        f"{seconds / 60:.1f} min with {jobs} worker(s).",
        "",
        "| model | type macro-F1 | type weighted-F1 | type macro-F1, mean per crisis "
        "| informative macro-F1 | informative weighted-F1 |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row, s in summary["rows"].items():  # type: ignore[attr-defined]
        lines.append(
            f"| {ROW_NAMES[row]} | {s['type_macro_f1']:.3f} | {s['type_weighted_f1']:.3f} | "
            f"{s['type_macro_f1_mean_per_event']:.3f} | {s['informative_macro_f1']:.3f} | "
            f"{s['informative_weighted_f1']:.3f} |"
        )
    lines += [
        "",
        "Learning curve (information type, shipped model with self-training): labels drawn at "
        "random from the test crisis, given to the adaptation with a higher weight, scored on "
        "the rest of that crisis.",
        "",
        "| in-crisis labels | macro-F1 | ± (std over seeds) | weighted-F1 | seeds |",
        "| ---: | ---: | ---: | ---: | ---: |",
    ]
    for k, s in summary["curve"].items():  # type: ignore[attr-defined]
        lines.append(f"| {k} | {s['macro_f1']:.3f} | {s['macro_f1_std']:.3f} | "
                     f"{s['weighted_f1']:.3f} | {s['seeds']} |")
    rate: dict[str, float] = summary.get("speed", {})  # type: ignore[assignment]
    if rate:
        lines += [
            "",
            f"Speed of the `classify` step (shipped model, {int(rate['messages'])} CrisisLexT26 "
            f"tweets in batches of 1,000, {rate['distinct_share']:.0%} distinct after "
            "preparation, nothing cached): "
            f"{rate['with_embeddings']:,.0f} messages/s with embeddings, "
            f"{rate['without_embeddings']:,.0f} messages/s without.",
        ]
    return "\n".join(lines) + "\n"


def speed(events: list[Event], count: int = 6000) -> dict[str, float]:
    """Messages per second of the `classify` step (shipped model, batches of 1,000), with a
    fresh embedder (nothing cached), with and without embeddings."""
    from sitroom.analysis.base import AnalysisItem, AnalysisSettings
    from sitroom.analysis.classifier.embedding import Embedder
    from sitroom.analysis.classifier.features import prepare_embedding_text
    from sitroom.analysis.classify import ClassifyStep

    texts = [t for e in events[::-1] for t in e.texts][:count]
    items = [AnalysisItem(id=str(i), text=t, platform="twitter") for i, t in enumerate(texts)]
    result = {"messages": float(len(items)),
              "distinct_share": len({prepare_embedding_text(t) for t in texts}) / len(texts)}
    for name, embeddings in (("with_embeddings", True), ("without_embeddings", False)):
        step = ClassifyStep(AnalysisSettings(embeddings=embeddings), embedder=Embedder())
        step.annotate(items[:50])  # load the encoder outside the clock
        started = time.perf_counter()
        for start in range(0, len(items), 1000):
            step.annotate(items[start : start + 1000])
        result[name] = len(items) / (time.perf_counter() - started)
    return result


def main() -> None:
    """Run every fold (in parallel), print and write the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--events", type=int, default=0, help="Only the first N test crises.")
    parser.add_argument("--skip-baseline", action="store_true")
    parser.add_argument("--out", type=Path, default=RESULTS / "classifier.md")
    args = parser.parse_args()
    started = time.perf_counter()
    events = load_events()
    chosen = range(args.events or len(events))
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        futures = [pool.submit(run_fold, i, args.seeds, args.skip_baseline) for i in chosen]
        folds = []
        for future in futures:
            fold = future.result()
            print(f"{fold['name']}: {fold['seconds']:.0f}s", flush=True)
            folds.append(fold)
    summary = summarise(folds, events)
    summary["speed"] = speed(events)
    text = render(summary, time.perf_counter() - started, args.jobs)
    print(text)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    args.out.with_suffix(".json").write_text(json.dumps(summary, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
