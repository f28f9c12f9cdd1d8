"""`sitroom demo`: write the fictional siege scenario, ingest it into an archive, analyse it."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from sitroom.analyzing import ArchiveAnalyzer
from sitroom.archive_folder import ArchiveFolder
from sitroom.config import ArchivePaths
from sitroom.demo.scenario import ScenarioFiles, write_scenario
from sitroom.evidence.checkpoints import make_checkpoint
from sitroom.evidence.keys import create_keys
from sitroom.pipeline import IngestPipeline, IngestReport, ProgressCallback
from sitroom.reading import InputSpec
from sitroom.sources.base import SourceSettings
from sitroom.store.base import SearchQuery
from sitroom.store.sqlite_views import count_matching, top_places

DEMO_REGION = "SY"


@dataclass(frozen=True, slots=True)
class DemoResult:
    """Where the demo archive is and what went into it."""

    archive_root: Path
    scenario: ScenarioFiles
    report: IngestReport
    stats: dict[str, object]
    calls_for_help: int
    top_places: list[tuple[str, int]]


def open_demo_archive(root: Path, scenario: ScenarioFiles) -> ArchiveFolder:
    """Open the demo archive, creating it (with the scenario's gazetteer) the first time."""
    if ArchivePaths(root).config.exists():
        return ArchiveFolder(ArchivePaths(root))
    archive = ArchiveFolder.create(
        root, timezone=scenario.timezone, region=DEMO_REGION, gazetteer="gazetteer.tsv"
    )
    shutil.copyfile(scenario.gazetteer, root / "gazetteer.tsv")
    create_keys(archive.paths, archive.config)
    return archive


def build_demo(
    folder: Path, *, scale: int = 1, progress: ProgressCallback | None = None
) -> DemoResult:
    """Write the scenario under `folder/inputs`, ingest it into `folder/archive` with every
    analysis step (language, near-duplicates, category, help, places, people, counts,
    quotes) running on each batch as it is stored, then checkpoint."""
    scenario = write_scenario(folder / "inputs", scale=scale)
    root = folder / "archive"
    with open_demo_archive(root, scenario) as archive:
        settings = SourceSettings(timezone=scenario.timezone)
        analyzer = ArchiveAnalyzer(archive)
        try:
            pipeline = IngestPipeline(archive, settings, progress=progress, analyzer=analyzer)
            report = pipeline.run([InputSpec(str(path)) for path in scenario.inputs])
        finally:
            analyzer.close()  # no idle helper process while the dashboard is served
        report.checkpoint = make_checkpoint(archive).note
        stats = archive.store.stats()
        db = archive.store.db
        calls, _capped = count_matching(db, SearchQuery(help=True), cap=1 << 62)
        places = [(str(p["name"]), int(str(p["count"]))) for p in top_places(db, SearchQuery(),
                                                                                limit=4)]
    return DemoResult(root, scenario, report, stats, calls, places)
