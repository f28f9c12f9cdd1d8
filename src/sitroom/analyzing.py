"""Analysing stored messages: build the collection's steps, run them, store annotations.

Runs on ingest (after each batch is durable) and over the whole archive (`sitroom analyze`).
Steps that keep state in the store (near-duplicate clusters) write it in the same
transaction as the annotations, so a crash leaves no half-analysed batch.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from sitroom.analysis.base import AnalysisItem, AnalysisSettings, AnalysisStep
from sitroom.analysis.classify import ClassifyStep
from sitroom.analysis.counts import CountsStep
from sitroom.analysis.dedupe import DedupeStep
from sitroom.analysis.entities import EntitiesStep
from sitroom.analysis.help import HelpStep
from sitroom.analysis.language import LanguageStep
from sitroom.analysis.places import PlacesStep
from sitroom.analysis.quotes import QuotesStep
from sitroom.analysis.runner import AnalysisRunner
from sitroom.archive_folder import ArchiveFolder
from sitroom.store.base import StoredMessage
from sitroom.store.sqlite_clusters import SQLiteClusterIndex

BATCH = 1000


def analysis_settings(archive: ArchiveFolder, *, embeddings: bool = True) -> AnalysisSettings:
    """The collection's analysis resources, from its configuration."""
    paths, config = archive.paths, archive.config
    return AnalysisSettings(
        taxonomy_path=paths.resolve(config.taxonomy),
        model_path=paths.resolve(config.model),
        gazetteer_path=paths.resolve(config.gazetteer),
        names_path=paths.resolve(config.names),
        region=config.region,
        embeddings=embeddings,
    )


def build_steps(archive: ArchiveFolder, settings: AnalysisSettings) -> list[AnalysisStep]:
    """The default steps in their declared order (DESIGN.md section 4)."""
    return [
        LanguageStep(settings),
        DedupeStep(settings, SQLiteClusterIndex(archive.store.db)),
        ClassifyStep(settings),
        HelpStep(settings),
        PlacesStep(settings),
        EntitiesStep(settings),
        CountsStep(settings),
        QuotesStep(settings),
    ]


def item_for(message: StoredMessage) -> AnalysisItem:
    """What steps see of a stored message."""
    return AnalysisItem(
        id=message.id, text=message.text, platform=message.platform,
        created_at=message.created_at, declared_lang=message.lang, extra=message.extra,
        platform_id=message.platform_id,
    )


@dataclass
class AnalyzeReport:
    """What `analyze` did: messages, time, and seconds per step."""

    messages: int = 0
    seconds: float = 0.0
    steps: dict[str, float] = field(default_factory=dict)

    def to_json(self) -> dict[str, object]:
        """The report for `analyze --json`."""
        rate = self.messages / self.seconds if self.seconds else 0.0
        return {"messages": self.messages, "seconds": round(self.seconds, 3),
                "messages_per_second": round(rate, 1),
                "steps": {k: round(v, 3) for k, v in self.steps.items()}}


class ArchiveAnalyzer:
    """Runs the archive's analysis steps over stored messages and saves the annotations."""

    def __init__(self, archive: ArchiveFolder, *, embeddings: bool = True,
                 steps: Sequence[AnalysisStep] | None = None) -> None:
        self.archive = archive
        settings = analysis_settings(archive, embeddings=embeddings)
        self.runner = AnalysisRunner(steps if steps is not None else build_steps(archive, settings))

    def close(self) -> None:
        """Stop the runner's helper process now (it would also stop with this object)."""
        self.runner.close()

    def analyze(self, messages: Sequence[StoredMessage]) -> None:
        """Annotate these messages (one transaction: annotations and cluster state)."""
        if not messages:
            return
        store = self.archive.store
        with store.transaction():
            annotations = self.runner.run([item_for(m) for m in messages])
            store.save_annotations(list(zip(messages, annotations, strict=True)))

    def analyze_archive(
        self, *, only_missing: bool = False, progress: Callable[[int, int], None] | None = None
    ) -> AnalyzeReport:
        """Re-run every step over the archive in log order (or only unanalysed messages)."""
        store = self.archive.store
        started = time.perf_counter()
        if not only_missing:
            for step in self.runner.steps:
                reset = getattr(step, "reset", None)
                if callable(reset):
                    with store.transaction():
                        reset()
        total = int(str(store.stats()["messages"]))
        report = AnalyzeReport()
        after = -1
        while batch := store.messages_after(after, BATCH, only_unanalyzed=only_missing):
            self.analyze(batch)
            after = batch[-1].seq
            report.messages += len(batch)
            if progress is not None:
                progress(report.messages, total)
        report.seconds = time.perf_counter() - started
        report.steps = dict(self.runner.timings.seconds)
        return report
