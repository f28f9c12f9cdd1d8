"""Analysis benchmark (one command): every step over a crisis stream, with and without embeddings.

    python -m benchmarks.bench_analysis [--scale 4]

Ingests the demo scenario (`--scale` times ~2,500 messages) with `--no-analyze`, then times
`ArchiveAnalyzer.analyze_archive` twice in the same run: all steps with sentence embeddings,
and all steps without them. The reference is language identification alone (fastText lite
on the same texts): what any reading of a message costs at the least.
"""

from __future__ import annotations

import argparse
import shutil
import time

import orjson

from benchmarks.common import OUT, RESULTS, Measured, machine, table
from sitroom.analysis.base import AnalysisSettings
from sitroom.analysis.language import LanguageStep
from sitroom.analyzing import ArchiveAnalyzer, item_for
from sitroom.demo.scenario import write_scenario
from sitroom.demo_run import open_demo_archive
from sitroom.pipeline import IngestPipeline
from sitroom.reading import InputSpec
from sitroom.sources.base import SourceSettings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=int, default=4)
    args = parser.parse_args()
    folder = OUT / f"analysis-{args.scale}"
    shutil.rmtree(folder, ignore_errors=True)
    scenario = write_scenario(folder / "inputs", scale=args.scale)
    archive = open_demo_archive(folder / "archive", scenario)
    IngestPipeline(archive, SourceSettings(timezone=scenario.timezone)).run(
        [InputSpec(str(path)) for path in scenario.inputs]
    )
    messages = archive.store.messages_after(-1, 10**9)
    rows: list[Measured] = []
    language = LanguageStep(AnalysisSettings())
    items = [item_for(m) for m in messages]
    started = time.perf_counter()
    for start in range(0, len(items), 1000):
        language.annotate(items[start : start + 1000])
    rows.append(reference := Measured("reference: language id alone", time.perf_counter() - started,
                                      len(items), "msgs"))
    steps: dict[str, dict[str, float]] = {}
    for label, embeddings in (("all steps, with embeddings", True),
                              ("all steps, no embeddings", False)):
        built = time.perf_counter()
        analyzer = ArchiveAnalyzer(archive, embeddings=embeddings)
        load = time.perf_counter() - built
        report = analyzer.analyze_archive()
        rows.append(Measured(label, report.seconds, report.messages, "msgs",
                             note=f"+{load:.1f}s to load models and gazetteer"))
        steps[label] = report.steps
    print(f"# analysis benchmark ({machine()}), {len(messages):,} messages\n")
    print(table(rows, reference=reference) + "\n")
    for label, per_step in steps.items():
        total = sum(per_step.values()) or 1.0
        parts = ", ".join(f"{k} {v / len(messages) * 1e6:.0f} µs ({v / total:.0%})"
                          for k, v in per_step.items())
        print(f"- {label}: {parts}")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "analysis.json").write_bytes(orjson.dumps(
        {"messages": len(messages),
         "runs": [{"label": r.label, "seconds": r.seconds, "rate": r.rate} for r in rows],
         "steps": steps}, option=orjson.OPT_INDENT_2))
    archive.close()


if __name__ == "__main__":
    main()
