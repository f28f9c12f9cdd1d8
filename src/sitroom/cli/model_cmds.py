"""Classifier commands: `train`, `classify`, `eval` (no archive needed, except for
`train --from-archive`, which retrains the archive's own model from its labels)."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

import click
import orjson
from rich.table import Table

from sitroom.analysis.classifier.evaluation import Evaluation, Scores, evaluate
from sitroom.analysis.classifier.model import CrisisClassifier
from sitroom.analysis.classifier.predict import informative_probability, predict_texts
from sitroom.analysis.classifier.training import (
    DEFAULT_LABEL_COLUMN,
    DEFAULT_TEXT_COLUMN,
    ColumnSpec,
    LabelledExample,
    read_labelled,
)
from sitroom.analysis.taxonomy import default_taxonomy
from sitroom.cli.context import open_archive
from sitroom.cli.output import emit_json, note, stdout
from sitroom.errors import AnalysisError
from sitroom.retraining import FOLDS, SAMPLE, RetrainOptions

EXIT_BAD_LINES = 1
F = TypeVar("F", bound=Callable[..., Any])
_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


def _data_options(command: F, *, data_required: bool = True) -> F:
    """The options `train` and `eval` share for reading labelled files."""
    for option in reversed([
        click.option("--data", "data", multiple=True, required=data_required, type=_FILE,
                     help="Labelled CSV or JSONL file (repeatable)."),
        click.option("--text-column", default=DEFAULT_TEXT_COLUMN, show_default=True),
        click.option("--label-column", default=DEFAULT_LABEL_COLUMN, show_default=True),
        click.option("--informative-column", default=None,
                     help="Informativeness column [default: Informativeness, when present]."),
        click.option("--label-map", default=None,
                     help="JSON object file {label: new label or null}, or 'crisislex-t26'."),
    ]):
        command = option(command)
    return command


def _read_all(paths: tuple[Path, ...], text: str, label: str, informative: str | None,
              label_map: str | None) -> list[LabelledExample]:
    """Read every labelled file, noting skipped rows per file."""
    from sitroom.analysis.classifier.training import load_label_map

    mapper = load_label_map(label_map) if label_map else None
    columns = ColumnSpec(text=text, label=label, informative=informative)
    examples: list[LabelledExample] = []
    for path in paths:
        report = read_labelled(path, columns, mapper=mapper)
        examples.extend(report.examples)
        for reason, count in sorted(report.skipped.items()):
            note(f"{path}: skipped {count} rows ({reason})")
    if not examples:
        raise AnalysisError("no labelled rows found in the given files")
    return examples


def _train_data_options(command: F) -> F:
    return _data_options(command, data_required=False)


@click.command()
@_train_data_options
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Where to write the model (.skops); not with --from-archive, whose model "
                   "goes in the archive's models/ folder.")
@click.option("--from-archive", is_flag=True,
              help="Retrain the archive's (-a) model from the labels people gave in it, save it "
                   "in the archive and use it from now on.")
@click.option("--analyze", "reanalyze", is_flag=True,
              help="With --from-archive: then re-run the analysis over the whole archive.")
@click.option("--sample", type=click.IntRange(min=0), default=SAMPLE, show_default=True,
              help="With --from-archive: archive messages to learn from besides the labelled.")
@click.option("--folds", type=click.IntRange(min=0), default=FOLDS, show_default=True,
              help="With --from-archive: cross-validation folds for the accuracy (0: none).")
@click.option("--no-embeddings", is_flag=True, help="Train the n-gram heads only (fast).")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.pass_context
def train(ctx: click.Context, data: tuple[Path, ...], text_column: str, label_column: str,
          informative_column: str | None, label_map: str | None, out: Path | None,
          from_archive: bool, reanalyze: bool, sample: int, folds: int, no_embeddings: bool,
          as_json: bool) -> None:
    """Train a category classifier on any labelled CSV/JSONL (CrisisLexT26 works as is), or
    with --from-archive retrain the archive's model from its labels."""
    if from_archive:
        if data or out:
            raise click.UsageError("--from-archive learns from the archive: drop --data/--out")
        options = RetrainOptions(embeddings=not no_embeddings, sample=sample, folds=folds,
                                 analyze=reanalyze)
        _retrain(ctx, options, as_json)
        return
    if not data or out is None:
        raise click.UsageError("give --data and --out (or --from-archive)")
    if reanalyze:
        raise click.UsageError("--analyze goes with --from-archive")
    _train_files(data, ColumnSpec(text_column, label_column, informative_column), label_map,
                 out, embeddings=not no_embeddings, as_json=as_json)


def _retrain(ctx: click.Context, options: RetrainOptions, as_json: bool) -> None:
    """`train --from-archive`: retrain, then print the summary."""
    from sitroom.retraining import retrain_from_archive

    archive = open_archive(ctx)
    archive.lock_for_writing()
    report = retrain_from_archive(archive, options)
    if as_json:
        emit_json(report.to_json())
        return
    table = Table(title=f"{report.labels} labelled messages")
    table.add_column("label")
    table.add_column("count", justify="right")
    for label, count in report.label_counts.items():
        table.add_row(label, str(count))
    stdout.print(table)
    lines = [f"learned also from {report.archive_examples} other archive messages "
             f"(base model: {report.base_model}; embeddings: "
             f"{'yes' if report.embeddings else 'no'})"]
    if report.accuracy_before is not None:
        line = f"accuracy on the labelled messages: before {report.accuracy_before:.1%}"
        if report.accuracy_after is not None:
            line += (f", after {report.accuracy_after:.1%} ({report.folds}-fold "
                     "cross-validation: each scored by a model that did not learn from it)")
        lines.append(line)
    for label, count in report.ignored_labels.items():
        lines.append(f"ignored {count} labels {label!r}: not in the collection's taxonomy")
    lines.append(f"model written to {report.model}; the archive uses it from now on")
    lines += report.notes
    for line in lines:
        stdout.print(line, markup=False, highlight=False)


def _train_files(data: tuple[Path, ...], columns: ColumnSpec, label_map: str | None,
                 out: Path, *, embeddings: bool, as_json: bool) -> None:
    """`train --data ... --out ...`: a model from labelled files."""
    from sitroom.analysis.classifier.embedding import shared_embedder
    from sitroom.analysis.classifier.learn import train_classifier

    examples = _read_all(data, columns.text, columns.label, columns.informative, label_map)
    embedder = shared_embedder() if embeddings else None
    model = train_classifier(examples, embedder=embedder)
    model.save(out)
    counts = Counter(e.label for e in examples)
    informative = sum(1 for e in examples if e.informative is not None)
    if as_json:
        emit_json({"model": str(out), "examples": len(examples),
                   "labels": dict(sorted(counts.items())),
                   "informative_head": model.informative is not None,
                   "informative_examples": informative, "embeddings": model.uses_embeddings})
        return
    table = Table(title=f"{len(examples)} examples")
    table.add_column("label")
    table.add_column("count", justify="right")
    for label, count in sorted(counts.items()):
        table.add_row(label, str(count))
    stdout.print(table)
    head = "with" if model.informative is not None else "without"
    stdout.print(f"model ({head} informativeness, {informative} flagged rows) written to {out}",
                 markup=False, highlight=False)


def _load_model(path: Path | None) -> CrisisClassifier:
    """The given model file, or the shipped default."""
    return CrisisClassifier.load(path)


def _read_messages(handle: BinaryIO) -> tuple[list[object], list[str], int]:
    """Ids and texts of the valid JSONL lines; bad lines are reported and counted."""
    ids: list[object] = []
    texts: list[str] = []
    bad = 0
    for number, line in enumerate(handle, 1):
        if not line.strip():
            continue
        problem = None
        try:
            record = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            problem = f"not JSON ({exc})"
        else:
            if not isinstance(record, dict):
                problem = "not a JSON object"
            elif "id" not in record:
                problem = "no 'id'"
            elif not isinstance(record.get("text"), str):
                problem = "no 'text' string"
        if problem:
            bad += 1
            note(f"line {number}: {problem}; skipped")
            continue
        ids.append(record["id"])
        texts.append(record["text"])
    return ids, texts, bad


@click.command()
@click.argument("source", default="-")
@click.option("--model", "model_path", type=_FILE, default=None,
              help="Model file [default: the shipped model].")
@click.option("--no-embeddings", is_flag=True, help="N-gram heads only (much faster).")
@click.option("--no-adapt", is_flag=True, help="Do not adapt to the input's own messages.")
@click.pass_context
def classify(ctx: click.Context, source: str, model_path: Path | None, no_embeddings: bool,
             no_adapt: bool) -> None:
    """Classify JSONL messages ({"id", "text"} per line) from FILE or stdin (-).

    Reads the whole input first, so the model can adapt to this crisis's messages.
    """
    model = _load_model(model_path)
    try:
        if source == "-":
            ids, texts, bad = _read_messages(sys.stdin.buffer)
        else:
            with Path(source).open("rb") as handle:
                ids, texts, bad = _read_messages(handle)
    except OSError as exc:
        raise AnalysisError(f"cannot read {source}: {exc}") from exc
    prediction = predict_texts(model, texts, embeddings=not no_embeddings,
                               transductive=not no_adapt)
    probs = prediction.category.round(4).tolist()
    best = prediction.category.argmax(axis=1).tolist() if ids else []
    informative = informative_probability(prediction, default_taxonomy().not_informative)
    for row, message_id in enumerate(ids):
        out: dict[str, object] = {"id": message_id, "label": model.labels[best[row]],
                                  "scores": dict(zip(model.labels, probs[row], strict=True))}
        if informative is not None:
            out["informative"] = round(float(informative[row]), 4)
        emit_json(out)
    if bad:
        note(f"{bad} bad lines skipped")
        ctx.exit(EXIT_BAD_LINES)


def _print_scores(title: str, scores: Scores) -> None:
    """One table of per-class scores with the averages under it."""
    table = Table(title=title)
    for column in ("label", "precision", "recall", "f1", "support"):
        table.add_column(column, justify="left" if column == "label" else "right")
    for c in scores.classes:
        table.add_row(c.label, f"{c.precision:.3f}", f"{c.recall:.3f}", f"{c.f1:.3f}",
                      str(c.support))
    stdout.print(table)
    stdout.print(f"macro-F1 {scores.macro_f1:.4f}  weighted-F1 {scores.weighted_f1:.4f}  "
                 f"accuracy {scores.accuracy:.4f}  n={scores.n}", markup=False, highlight=False)


@click.command(name="eval")
@_data_options
@click.option("--model", "model_path", type=_FILE, default=None,
              help="Model file [default: the shipped model].")
@click.option("--no-embeddings", is_flag=True, help="N-gram heads only.")
@click.option("--no-adapt", is_flag=True, help="Do not adapt to the test messages' text.")
@click.option("--json", "as_json", is_flag=True, help="Scores as one JSON object.")
def eval_(data: tuple[Path, ...], text_column: str, label_column: str,
          informative_column: str | None, label_map: str | None, model_path: Path | None,
          no_embeddings: bool, no_adapt: bool, as_json: bool) -> None:
    """Score a model on labelled data: per-class precision/recall/F1, macro and weighted F1."""
    model = _load_model(model_path)
    examples = _read_all(data, text_column, label_column, informative_column, label_map)
    result: Evaluation = evaluate(model, examples, embeddings=not no_embeddings,
                                  transductive=not no_adapt)
    if as_json:
        emit_json(result.to_json())
        return
    _print_scores("category", result.category)
    if result.informative is not None:
        _print_scores("informativeness", result.informative)


COMMANDS = [train, classify, eval_]
