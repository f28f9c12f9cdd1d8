"""What every analysis step is, and what it sees of a message.

A step has a `name` and `version`, is built once from `AnalysisSettings`, and turns a batch of
items into annotations: for each item a mapping from annotation key (`lang`, `category`,
`places`, ...) to an annotation object in the layout of DESIGN.md section 4, without the
`step` field (the runner adds `"step": "<name>@<version>"`). Steps run in a declared order and
each sees what earlier steps wrote in `item.annotations`. A step that finds nothing writes an
empty value (`[]`, `false`), never a missing key. What a step returns is read-only from then
on: copies of one text may share one result object (see `analysis.memo`). A step must never
raise for odd text (empty, emoji only, 100 KB, mixed scripts); it raises `AnalysisError` only
for a broken resource (a malformed model or taxonomy file) when it is built.

Two optional class attributes let the runner run a step in a second process beside the
others (see `analysis.lanes`): `reads`, the annotation keys of earlier steps it reads (a step
without it is assumed to read anything), and `per_message`, true when what it writes for a
message depends only on that message and on what it reads (no state kept between messages
but caches that do not change results).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar, Protocol, runtime_checkable

from sitroom.models import JsonObject


@dataclass(slots=True)
class AnalysisItem:
    """One message as steps see it; `annotations` fills up as steps run."""

    id: str
    text: str
    platform: str
    created_at: str | None = None
    declared_lang: str | None = None
    extra: JsonObject = field(default_factory=dict)
    annotations: dict[str, JsonObject] = field(default_factory=dict)
    platform_id: str | None = None


@dataclass(frozen=True, slots=True)
class AnalysisSettings:
    """Where a collection keeps its analysis resources, and its defaults.

    Any path left None means the shipped default. `region` is an ISO country code (or
    several, comma-separated) whose places win when a name is ambiguous.
    """

    taxonomy_path: Path | None = None
    model_path: Path | None = None
    gazetteer_path: Path | None = None
    names_path: Path | None = None
    region: str | None = None
    embeddings: bool = True


Annotations = dict[str, JsonObject]


@runtime_checkable
class AnalysisStep(Protocol):
    """An analysis step (see the module docstring for the contract)."""

    name: ClassVar[str]
    version: ClassVar[str]
    keys: ClassVar[tuple[str, ...]]

    def annotate(self, items: Sequence[AnalysisItem]) -> list[Annotations]:
        """One mapping of annotation key to annotation object per item, in order."""
        ...
