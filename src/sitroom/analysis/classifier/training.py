"""Labelled training data: CSV or JSONL, any label set, with CrisisLexT26 defaults.

Column names are matched after trimming spaces and ignoring case, because CrisisLexT26 writes
its header as `Tweet ID, Tweet Text, Information Source, ...` (with leading spaces). A label
map (a JSON object file, or the built-in `crisislex-t26`) renames labels; a label mapped to
null or "" drops its rows. Rows without text or label are skipped and counted, never fatal, and
so are rows whose label says nobody labelled them ("Not labeled", as CrisisLexT26 marks the
tweets its annotators left out): such a marker is not a class, unless a label map turns it
into one (the `crisislex-t26` map reads it as `not_humanitarian`).
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from sitroom.errors import AnalysisError

DEFAULT_TEXT_COLUMN = "Tweet Text"
DEFAULT_LABEL_COLUMN = "Information Type"
DEFAULT_INFORMATIVE_COLUMN = "Informativeness"

_TRUE = {"1", "true", "yes", "y", "informative", "related and informative"}
_FALSE = {"0", "false", "no", "n", "not informative", "not_informative",
          "related - but not informative", "not related", "not applicable"}

LabelMapper = Callable[[str, str], str | None]

# Labels that mean "not labelled" (compared trimmed, case-folded, spaces collapsed).
UNLABELLED_MARKERS = frozenset({"not labeled", "not labelled", "unlabeled", "unlabelled"})


def is_unlabelled(label: str) -> bool:
    """Whether a label is a marker for an unlabelled row rather than a class."""
    return " ".join(label.split()).casefold() in UNLABELLED_MARKERS


def unlabelled_reason(label: str) -> str:
    """The `ReadReport.skipped` reason for rows carrying the marker `label`."""
    return f"unlabelled: label {label!r}"


@dataclass(frozen=True, slots=True)
class LabelledExample:
    """One training message: text, label, optional informativeness, the file it came from."""

    text: str
    label: str
    informative: bool | None
    group: str


@dataclass(frozen=True, slots=True)
class ColumnSpec:
    """Which columns (CSV) or keys (JSONL) hold text, label and informativeness.

    `informative` None means: use `Informativeness` when the file has it.
    """

    text: str = DEFAULT_TEXT_COLUMN
    label: str = DEFAULT_LABEL_COLUMN
    informative: str | None = None


@dataclass(slots=True)
class ReadReport:
    """What reading one file gave: examples, and how many rows were skipped and why."""

    path: Path
    examples: list[LabelledExample] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)

    def skip(self, reason: str) -> None:
        """Count one skipped row."""
        self.skipped[reason] = self.skipped.get(reason, 0) + 1

    @property
    def unlabelled(self) -> int:
        """How many rows were skipped because their label marks them unlabelled."""
        return sum(count for reason, count in self.skipped.items()
                   if reason.startswith("unlabelled:"))


def parse_informative(value: object) -> bool | None:
    """Read an informativeness cell: booleans, 0/1, yes/no, CrisisLexT26 wording; else None."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return bool(value)
    if not isinstance(value, str):
        return None
    folded = re.sub(r"\s+", " ", value.strip().lower())
    if folded in _TRUE:
        return True
    if folded in _FALSE:
        return False
    return None


def _pick(columns: list[str], wanted: str) -> str | None:
    """The actual column name matching `wanted` (trimmed, case-insensitive)."""
    target = wanted.strip().lower()
    return next((c for c in columns if c.strip().lower() == target), None)


def _rows(path: Path) -> Iterator[dict[str, object]]:
    """Yield the rows of a CSV (by header) or JSONL file (one object per line)."""
    try:
        if path.suffix.lower() in {".jsonl", ".ndjson", ".json"}:
            with path.open("rb") as handle:
                for number, line in enumerate(handle, 1):
                    if not line.strip():
                        continue
                    try:
                        row = orjson.loads(line)
                    except orjson.JSONDecodeError as exc:
                        raise AnalysisError(f"{path}: line {number} is not JSON: {exc}") from exc
                    if not isinstance(row, dict):
                        raise AnalysisError(f"{path}: line {number} is not a JSON object")
                    yield row
        else:
            with path.open(encoding="utf-8-sig", newline="") as handle:
                yield from csv.DictReader(handle)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise AnalysisError(f"cannot read training data {path}: {exc}") from exc


def read_labelled(path: Path, columns: ColumnSpec = ColumnSpec(), *,
                  mapper: LabelMapper | None = None) -> ReadReport:
    """Read one labelled file; raise AnalysisError if the text or label column is absent."""
    report = ReadReport(path=path)
    names: tuple[str | None, str | None, str | None] | None = None
    for row in _rows(path):
        if names is None:
            names = _resolve_columns(path, list(row), columns)
        text_key, label_key, informative_key = names
        text = row.get(text_key) if text_key else None
        label = row.get(label_key) if label_key else None
        if not isinstance(text, str) or not text.strip():
            report.skip("no text")
            continue
        if label is None or not str(label).strip():
            report.skip("no label")
            continue
        clean = str(label).strip()
        mapped = mapper(clean, text) if mapper else clean
        if not mapped:
            report.skip(f"label {clean!r} not mapped")
            continue
        if is_unlabelled(mapped):
            report.skip(unlabelled_reason(mapped))
            continue
        informative = parse_informative(row.get(informative_key)) if informative_key else None
        report.examples.append(LabelledExample(text, mapped, informative, path.stem))
    return report


def _resolve_columns(path: Path, found: list[str], columns: ColumnSpec
                     ) -> tuple[str | None, str | None, str | None]:
    """Map the wanted column names onto the file's own; a missing text/label column is fatal."""
    text_key = _pick(found, columns.text)
    label_key = _pick(found, columns.label)
    for wanted, key in ((columns.text, text_key), (columns.label, label_key)):
        if key is None:
            raise AnalysisError(
                f"{path}: no column {wanted!r} (columns: {', '.join(c.strip() for c in found)})"
            )
    informative_key = _pick(found, columns.informative or DEFAULT_INFORMATIVE_COLUMN)
    if columns.informative and informative_key is None:
        raise AnalysisError(f"{path}: no column {columns.informative!r}")
    return text_key, label_key, informative_key


def load_label_map(spec: str) -> LabelMapper:
    """A label mapper from a JSON object file, or the built-in name `crisislex-t26`."""
    if spec.strip().lower() in {"crisislex", "crisislex-t26", "crisislext26"}:
        from sitroom.analysis.classifier.crisislex import map_crisislex_label

        return map_crisislex_label
    try:
        data = json.loads(Path(spec).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise AnalysisError(f"cannot read label map {spec}: {exc}") from exc
    if not isinstance(data, dict) or not all(
        isinstance(v, str | None) for v in data.values()
    ):
        raise AnalysisError(f"label map {spec} must be a JSON object of label -> label or null")
    table: dict[str, str | None] = {str(k).strip(): v for k, v in data.items()}

    def mapper(label: str, _text: str) -> str | None:
        return table.get(label, label)

    return mapper
