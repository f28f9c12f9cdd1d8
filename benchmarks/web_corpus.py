"""The dashboard benchmark's archive: N generic JSON messages plus synthetic annotations.

Messages are generated (English and Arabic, places from GeoNames, calls for help, casualty
counts, 100 authors on four platforms, 30 days, repeats forming near-duplicate clusters of
very different sizes), ingested through the real `IngestPipeline` without analysis (the path
of `sitroom ingest --no-analyze`), then annotated in the DESIGN.md section 4 layout with
`store.save_annotations`, 5,000 messages per transaction, as an analysis run would.
"""

from __future__ import annotations

import bisect
import itertools
import math
import random
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import orjson

from benchmarks.web_texts import (
    AR,
    EN,
    FILLER_AR,
    FILLER_EN,
    NEEDS_AR,
    NEEDS_EN,
    ORGS,
    PEOPLE,
    PLATFORMS,
    Template,
    places,
)
from sitroom.archive_folder import ArchiveFolder
from sitroom.evidence.checkpoints import make_checkpoint
from sitroom.evidence.keys import create_keys
from sitroom.models import JsonObject, JsonValue
from sitroom.pipeline import IngestPipeline
from sitroom.reading import InputSpec
from sitroom.sources.base import SourceSettings
from sitroom.store.base import StoredMessage

START = 1_704_585_600  # 2024-01-07T00:00:00Z
DAYS = 30
AUTHORS = 100
REPEAT_SHARE = 0.22
ANNOTATE_BATCH = 5000
CATEGORIES = (
    "requests_or_urgent_needs", "injured_or_dead_people", "missing_or_found_people",
    "displaced_people_and_evacuations", "infrastructure_and_utility_damage",
    "caution_and_advice", "sympathy_and_support", "rescue_volunteering_or_donation_effort",
    "other_relevant_information", "not_humanitarian",
)
PLACES = places()


@dataclass(frozen=True, slots=True)
class Spec:
    """What a generated message says, so its annotations can be written later."""

    arabic: bool
    template: int
    place: int
    place2: int
    number: int
    person: int
    org: int
    origin: int  # index of the message this one repeats, -1 for an original


@dataclass
class Generated:
    """The messages written to a JSONL file: one spec per line, and which ones were repeated."""

    specs: list[Spec] = field(default_factory=list)
    repeated: set[int] = field(default_factory=set)


def _author(index: int) -> tuple[str, str]:
    first = ("aleppo", "halab", "syria", "idlib", "homs", "raqqa", "civil", "media", "news",
             "relief")
    second = ("media", "now", "24", "live", "voice", "updates", "rescue", "team", "net", "desk")
    name = f"{first[index % 10]}_{second[index // 10 % 10]}"
    if index % 4 == 3:
        name = f"{('حلب', 'إدلب', 'حمص', 'الرقة')[index % 16 // 4]}_{second[index // 10 % 10]}"
    return name, PLATFORMS[(0, 0, 0, 1, 1, 2, 3)[index % 7]]


def _time(rng: random.Random, share: float) -> str:
    """A time over DAYS with a daily rhythm (busy afternoons, quiet nights)."""
    cycles = DAYS
    shaped = share - 0.6 * math.sin(2 * math.pi * cycles * share) / (2 * math.pi * cycles)
    seconds = START + int(shaped * DAYS * 86400) + rng.randint(-30, 30)
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))


def _skewed(rng: random.Random, size: int, power: float) -> int:
    return min(int(size * rng.random() ** power), size - 1)


def _new_spec(rng: random.Random) -> Spec:
    arabic = rng.random() < 0.55
    templates = AR if arabic else EN
    template = rng.randrange(len(templates))
    number = int(2 + 400 * rng.random() ** 3)
    return Spec(arabic, template, _skewed(rng, len(PLACES), 2.2),
                _skewed(rng, len(PLACES), 1.5), number,
                _skewed(rng, len(PEOPLE), 1.5) if rng.random() < 0.08 else -1,
                _skewed(rng, len(ORGS), 1.5) if rng.random() < 0.2 else -1, -1)


def template_of(spec: Spec) -> Template:
    """The template a spec was written from."""
    return (AR if spec.arabic else EN)[spec.template]


def text_of(spec: Spec, rng: random.Random) -> str:
    """The message text: the template filled in, an entity, a few filler words."""
    place, place2 = PLACES[spec.place], PLACES[spec.place2]
    needs = NEEDS_AR if spec.arabic else NEEDS_EN
    text = template_of(spec).text.format(
        place=place.arabic if spec.arabic else place.name,
        place2=place2.arabic if spec.arabic else place2.name, n=spec.number,
        need=needs[spec.number % len(needs)])
    if spec.org >= 0:
        text += f" ({ORGS[spec.org]})"
    if spec.person >= 0:
        text += f" — {PEOPLE[spec.person]}"
    filler = FILLER_AR if spec.arabic else FILLER_EN
    words = [filler[_skewed(rng, len(filler), 2.5)] for _ in range(rng.randint(1, 6))]
    return f"{text} {' '.join(words)}"


class _Virals:
    """Messages that get repeated: recent ones, weighted by a heavy-tailed appeal, so most
    clusters stay small and a few grow to hundreds."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.items: list[int] = []
        self.weights: list[float] = []
        self.cumulative: list[float] = []

    def add(self, index: int) -> None:
        """Let message `index` be repeated from now on (the oldest of 300 drops out)."""
        self.items = [*self.items[-299:], index]
        self.weights = [*self.weights[-299:], 1 / max(self.rng.random(), 1e-3) ** 1.2]
        self.cumulative = list(itertools.accumulate(self.weights))

    def pick(self) -> int | None:
        """A message to repeat, or None before any."""
        if not self.items:
            return None
        point = self.rng.random() * self.cumulative[-1]
        return self.items[min(bisect.bisect(self.cumulative, point), len(self.items) - 1)]


def generate(path: Path, count: int, seed: int = 7, *, id_prefix: str = "") -> Generated:
    """Write `count` generic JSON messages to `path`, oldest first."""
    rng = random.Random(seed)
    out = Generated()
    texts: dict[int, str] = {}
    virals = _Virals(rng)
    with open(path, "wb") as handle:
        for i, record in enumerate(_records(rng, count, out, texts, virals)):
            record["id"] = f"{id_prefix}{i}"
            handle.write(orjson.dumps(record) + b"\n")
    return out


def _records(rng: random.Random, count: int, out: Generated, texts: dict[int, str],
             virals: _Virals) -> Iterator[dict[str, object]]:
    for i in range(count):
        author, platform = _author(_skewed(rng, AUTHORS, 1.7))
        origin = virals.pick() if rng.random() < REPEAT_SHARE else None
        if origin is not None:
            spec = replace(out.specs[origin], origin=origin)
            text = f"RT @{author}: {texts[origin]}" if platform == "twitter" else texts[origin]
            out.repeated.add(origin)
        else:
            spec = _new_spec(rng)
            text = text_of(spec, rng)
            if rng.random() < 0.04:
                virals.add(i)
                texts[i] = text
        out.specs.append(spec)
        record: dict[str, object] = {"id": "", "created_at": _time(rng, i / count),
                                     "author": author, "platform": platform, "text": text}
        if platform == "twitter":
            record["url"] = f"https://twitter.com/{author}/status/{i}"
            record["lang"] = "ar" if spec.arabic else "en"
        yield record


def _scores(rng: random.Random, category: str) -> JsonObject:
    top = round(0.55 + 0.4 * rng.random(), 4)
    runner_up = CATEGORIES[rng.randrange(len(CATEGORIES))]
    rest = (1 - top) / (len(CATEGORIES) - 1)
    scores: JsonObject = {c: round(rest * 0.4, 4) for c in CATEGORIES}
    scores[runner_up] = round(rest * 0.4 + (1 - top) * 0.6, 4)
    scores[category] = top
    return scores


def _place(spec: Spec, index: int, text: str) -> JsonObject:
    place = PLACES[index]
    admin: list[JsonValue] = [place.country, place.name]
    shown = place.arabic if spec.arabic else place.name
    start = max(text.find(shown), 0)
    return {"text": shown, "span": [start, start + len(shown)], "name": place.name,
            "geonameid": place.geonameid, "lat": place.lat, "lon": place.lon,
            "admin": admin}


def _help(rng: random.Random, template: Template) -> JsonObject:
    kinds: list[JsonValue] = [k for k in template.help_kinds if k != "supplies"]
    asks = bool(kinds) or (bool(template.help_kinds) and rng.random() < 0.5)
    if asks:
        priority = 0.6 + 0.39 * rng.random()
    elif template.category == "requests_or_urgent_needs":
        priority = 0.3 + 0.3 * rng.random()
    else:
        priority = 0.02 + 0.25 * rng.random()
    return {"value": asks, "kinds": kinds or (["supplies"] if asks else []),
            "priority": round(priority, 3), "step": "help@1"}


def annotations_for(spec: Spec, message: StoredMessage, cluster: JsonObject,
                    rng: random.Random) -> JsonObject:
    """Annotations in the DESIGN.md section 4 layout, as the analysis steps would write them."""
    template = template_of(spec)
    places_found: list[JsonValue] = [_place(spec, spec.place, message.text)]
    if "{place2}" in template.text and spec.place2 != spec.place:
        places_found.append(_place(spec, spec.place2, message.text))
    counts: list[JsonValue] = []
    if template.count_kind is not None:
        start = max(message.text.find(str(spec.number)), 0)
        qualifier = "at_least" if "least" in template.text or "الأقل" in template.text else (
            "about" if "bout" in template.text or "نحو" in template.text else "exact")
        counts.append({"kind": template.count_kind, "value": spec.number,
                       "qualifier": qualifier, "span": [start, start + len(str(spec.number))]})
    people: list[JsonValue] = [{"name": PEOPLE[spec.person]}] if spec.person >= 0 else []
    orgs: list[JsonValue] = [{"name": ORGS[spec.org]}] if spec.org >= 0 else []
    return {
        "lang": {"value": "ar" if spec.arabic else "en",
                 "score": round(0.9 + 0.099 * rng.random(), 3), "step": "lang@1"},
        "cluster": {**cluster, "step": "dedupe@1"},
        "category": {"value": template.category, "scores": _scores(rng, template.category),
                     "informative": round(0.5 + 0.49 * rng.random(), 3), "step": "classify@1"},
        "help": _help(rng, template),
        "places": {"value": places_found, "step": "places@1"},
        "people": {"value": people, "step": "entities@1"},
        "orgs": {"value": orgs, "step": "entities@1"},
        "counts": {"value": counts, "step": "counts@1"},
    }


class ClusterTracker:
    """Cluster annotations in log order: a repeat joins its original's cluster, whose size
    counts up to and including each message (as the dedupe step writes it)."""

    def __init__(self, repeated: set[int]) -> None:
        self.repeated = repeated
        self.first_ids: dict[int, str] = {}
        self.sizes: dict[int, int] = {}

    def annotate(self, index: int, spec: Spec, message_id: str) -> JsonObject:
        """The cluster annotation of message `index`."""
        if spec.origin < 0:
            if index in self.repeated:
                self.first_ids[index] = message_id
                self.sizes[index] = 1
            return {"id": message_id, "size": 1, "first_id": message_id, "dup_of": None}
        first = self.first_ids[spec.origin]
        self.sizes[spec.origin] += 1
        return {"id": first, "size": self.sizes[spec.origin], "first_id": first, "dup_of": first}


def annotate(archive: ArchiveFolder, spec_of: Callable[[StoredMessage], Spec | None],
             clusters: ClusterTracker | None = None, after_seq: int = -1) -> int:
    """Write annotations for every unannotated message after `after_seq` that `spec_of`
    knows, ANNOTATE_BATCH per transaction; returns how many were written."""
    rng = random.Random(11)
    store = archive.store
    written = 0
    while batch := store.messages_after(after_seq, ANNOTATE_BATCH, only_unanalyzed=True):
        after_seq = batch[-1].seq
        rows: list[tuple[StoredMessage, JsonObject]] = []
        for message in batch:
            spec = spec_of(message)
            if spec is None:
                continue
            cluster: JsonObject = (
                clusters.annotate(int(message.platform_id or 0), spec, message.id) if clusters
                else {"id": message.id, "size": 1, "first_id": message.id, "dup_of": None})
            rows.append((message, annotations_for(spec, message, cluster, rng)))
        with store.transaction():
            store.save_annotations(rows)
        written += len(rows)
    return written


@dataclass(frozen=True)
class Built:
    """How an archive was built (read back from its marker when reused)."""

    messages: int
    generate_s: float
    ingest_s: float
    annotate_s: float
    reused: bool = False

    @property
    def total_s(self) -> float:
        """Seconds from nothing to an annotated archive."""
        return self.generate_s + self.ingest_s + self.annotate_s


MARKER = "bench-built.json"


def build_archive(folder: Path, count: int) -> tuple[Path, Built]:
    """An archive of `count` annotated messages under `folder` (reused when complete)."""
    root = folder / "archive"
    marker = folder / MARKER
    if marker.exists():
        data = orjson.loads(marker.read_bytes())
        return root, Built(**{**data, "reused": True})
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    source = folder / "messages.jsonl"
    started = time.perf_counter()
    generated = generate(source, count)
    generate_s = time.perf_counter() - started
    archive = ArchiveFolder.create(root)
    try:
        create_keys(archive.paths, archive.config)
        started = time.perf_counter()
        pipeline = IngestPipeline(archive, SourceSettings(), analyzer=None)
        report = pipeline.run([InputSpec(str(source))])
        make_checkpoint(archive)
        ingest_s = time.perf_counter() - started
        started = time.perf_counter()
        specs = generated.specs
        annotate(archive, lambda m: specs[int(m.platform_id or 0)],
                 ClusterTracker(generated.repeated))
        annotate_s = time.perf_counter() - started
    finally:
        archive.close()
    source.unlink()
    built = Built(report.total("new"), generate_s, ingest_s, annotate_s)
    marker.write_bytes(orjson.dumps({k: v for k, v in built.__dict__.items() if k != "reused"}))
    return root, built

