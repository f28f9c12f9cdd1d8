"""Build the dashboard's fixture archive through the real pipeline, then annotate it.

The analysis runner is not wired into ingest yet, so the annotations (DESIGN.md section 4
layout) come from tests/fixtures/web/annotations.json, keyed by platform id.
"""

from __future__ import annotations

from pathlib import Path

import orjson

from sitroom.archive_folder import ArchiveFolder
from sitroom.evidence.checkpoints import make_checkpoint
from sitroom.evidence.keys import create_keys
from sitroom.identity import id_for
from sitroom.models import JsonObject
from sitroom.pipeline import IngestPipeline
from sitroom.reading import InputSpec
from sitroom.sources.base import SourceSettings
from sitroom.store.base import StoredMessage

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "web"
MESSAGES = FIXTURES / "messages.jsonl"
ANNOTATIONS = FIXTURES / "annotations.json"


def _resolve_cluster(annotations: JsonObject, platform: str) -> JsonObject:
    cluster = annotations.get("cluster")
    if isinstance(cluster, dict):
        first = str(cluster.pop("first_platform_id"))
        first_id = id_for(f"{platform}:{first}")
        cluster["first_id"] = first_id
        cluster["dup_of"] = None if cluster.get("dup_of") is None else first_id
    return annotations


def annotate(archive: ArchiveFolder, table: dict[str, JsonObject]) -> int:
    """Write each message's annotations from `table` (by platform id); returns how many."""
    rows: list[tuple[StoredMessage, JsonObject]] = []
    for message in archive.store.iter_messages(annotated=False):
        found = table.get(message.platform_id or "")
        if found is not None:
            rows.append((message, _resolve_cluster(dict(found), message.platform)))
    with archive.store.transaction():
        archive.store.save_annotations(rows)
    return len(rows)


def build_archive(root: Path, messages: Path = MESSAGES) -> Path:
    """Create, ingest, annotate and checkpoint an archive at `root`; returns `root`."""
    table: dict[str, JsonObject] = orjson.loads(ANNOTATIONS.read_bytes())
    archive = ArchiveFolder.create(root)
    try:
        create_keys(archive.paths, archive.config)
        IngestPipeline(archive, SourceSettings()).run([InputSpec(str(messages))])
        annotate(archive, table)
        make_checkpoint(archive)
    finally:
        archive.close()
    return root


# What a responder labels in the fixture (platform id -> category): the shipped model reads
# most of these English messages differently. Retraining tests label them and expect the
# retrained model to agree.
CORRECTIONS = {
    "7011": "requests_or_urgent_needs",  # "need water in Sukkari" (base: not humanitarian)
    "7012": "requests_or_urgent_needs",  # "family under rubble near Ramouseh"
    "7032": "requests_or_urgent_needs",  # "still hearing voices under the rubble"
    "7027": "requests_or_urgent_needs",  # "children trapped in a building"
    "7024": "other_relevant_information",  # de Mistura calls for a ceasefire
    "7018": "other_relevant_information",  # Egeland: the world must not look away
    "7020": "other_relevant_information",  # aid convoys waiting at the border
    "7009": "other_relevant_information",  # ICRC and SARC ready to evacuate
    "7023": "rescue_volunteering_or_donation_effort",  # SARC ambulances evacuated 25 injured
    "7002": "rescue_volunteering_or_donation_effort",  # White Helmets pulling families out
    "7013": "not_humanitarian",  # "Donate here: javascript:..." (spam)
    "7015": "not_humanitarian",  # =HYPERLINK spam
}


def correction_texts(messages: Path = MESSAGES) -> dict[str, str]:
    """The text of each corrected message, by platform id."""
    rows = [orjson.loads(line) for line in messages.read_bytes().splitlines() if line.strip()]
    return {str(row["id"]): str(row["text"]) for row in rows if str(row["id"]) in CORRECTIONS}
