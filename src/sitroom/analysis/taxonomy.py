"""A collection's category taxonomy: data, not code.

A taxonomy file is JSON::

    {"name": "humanitarian-default",
     "labels": [{"id": "requests_or_urgent_needs", "description": "..."}, ...],
     "not_informative": ["not_humanitarian"]}

Label ids are what the classifier predicts and what `category.value` holds; `not_informative`
names the labels whose messages carry nothing a responder can act on (used to derive an
informativeness probability when a model has no informativeness head of its own).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from sitroom.errors import AnalysisError

DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_TAXONOMY_PATH = DATA_DIR / "taxonomy_default.json"
_LABEL_ID = re.compile(r"^[\w.:-]{1,100}$")


@dataclass(frozen=True, slots=True)
class TaxonomyLabel:
    """One category: its id (what annotations hold) and what it means."""

    id: str
    description: str


@dataclass(frozen=True, slots=True)
class Taxonomy:
    """An ordered set of categories and which of them are not informative."""

    name: str
    labels: tuple[TaxonomyLabel, ...]
    not_informative: frozenset[str]

    @property
    def ids(self) -> tuple[str, ...]:
        """Label ids in file order."""
        return tuple(label.id for label in self.labels)

    def __contains__(self, label_id: object) -> bool:
        return label_id in self.ids


def parse_taxonomy(data: object, source: str = "taxonomy") -> Taxonomy:
    """Check a decoded taxonomy document and build a `Taxonomy`; `source` names it in errors."""
    if not isinstance(data, dict):
        raise AnalysisError(f"{source}: a taxonomy must be a JSON object")
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise AnalysisError(f"{source}: 'name' must be a non-empty string")
    raw_labels = data.get("labels")
    if not isinstance(raw_labels, list) or not raw_labels:
        raise AnalysisError(f"{source}: 'labels' must be a non-empty list")
    labels = tuple(_parse_label(item, i, source) for i, item in enumerate(raw_labels))
    ids = [label.id for label in labels]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise AnalysisError(f"{source}: duplicate label ids: {', '.join(duplicates)}")
    raw_not = data.get("not_informative", [])
    if not isinstance(raw_not, list) or not all(isinstance(i, str) for i in raw_not):
        raise AnalysisError(f"{source}: 'not_informative' must be a list of label ids")
    unknown = sorted(set(raw_not) - set(ids))
    if unknown:
        raise AnalysisError(
            f"{source}: 'not_informative' names unknown labels: {', '.join(unknown)}"
        )
    return Taxonomy(name=name.strip(), labels=labels, not_informative=frozenset(raw_not))


def _parse_label(item: object, index: int, source: str) -> TaxonomyLabel:
    """One entry of `labels`: an object with a well-formed `id` and optional `description`."""
    if not isinstance(item, dict):
        raise AnalysisError(f"{source}: labels[{index}] must be an object with an 'id'")
    label_id = item.get("id")
    if not isinstance(label_id, str) or not _LABEL_ID.match(label_id):
        raise AnalysisError(
            f"{source}: labels[{index}].id must be 1-100 letters, digits, '_', '.', ':' or '-'"
        )
    description = item.get("description", "")
    if not isinstance(description, str):
        raise AnalysisError(f"{source}: labels[{index}].description must be a string")
    return TaxonomyLabel(id=label_id, description=description)


def load_taxonomy(path: Path | None = None) -> Taxonomy:
    """Read a taxonomy file, or the shipped default when `path` is None."""
    if path is None:
        path = DEFAULT_TAXONOMY_PATH
    try:
        raw = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise AnalysisError(f"cannot read taxonomy file {path}: {exc}") from exc
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise AnalysisError(f"taxonomy file {path} is not valid JSON: {exc}") from exc
    return parse_taxonomy(data, str(path))


def default_taxonomy() -> Taxonomy:
    """The shipped humanitarian taxonomy (DESIGN.md section 4)."""
    return load_taxonomy(None)
