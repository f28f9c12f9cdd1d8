"""Dashboard and API benchmark (one command) over an archive of N annotated messages.

    python -m benchmarks.bench_web [--messages 1000000] [--requests 50]

Builds (or reuses, under bench-out/web-<N>/) an archive of N generated messages ingested
through the real pipeline and annotated (web_corpus.py), serves it with `sitroom serve` in
its own process, and measures over loopback HTTP: p50/p95/p99 of each kind of API request
(feed, filtered feed, search, cursor pages, timeline, places, overview, message detail),
first meaningful paint of the dashboard in Debian's chromium, and ingest-to-screen latency
through the SSE stream while POSTing 200 messages a second. In the same run, references:
the same requests on a small archive, and raw SQLite queries of the same page (the floor).
Writes benchmarks/results/web.json and web.md. Targets (issue 5): feed and search p95 under
100 ms, timeline under 300 ms, first meaningful paint under 1.5 s, live p99 under 1 s.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

import httpx
import orjson

from benchmarks.common import OUT, RESULTS, machine
from benchmarks.web_corpus import Built, annotate, build_archive
from benchmarks.web_kinds import (
    TARGETS_MS,
    floor_queries,
    request_kinds,
    sample_ids,
    time_floor,
)
from benchmarks.web_live import LiveSpecs, live_records
from benchmarks.web_probe import (
    CHROMIUM,
    Kind,
    LiveResult,
    PaintRun,
    ServerProcess,
    first_paint,
    live_latency,
    measure,
    median,
    percentile,
)
from sitroom.archive_folder import ArchiveFolder
from sitroom.config import ArchivePaths
from sitroom.web.auth import load_or_create_token

PAINT_TARGET_MS = 1500.0
LIVE_TARGET_MS = 1000.0


def prepare(messages: int) -> tuple[Path, Built]:
    """The archive, built or reused, opened once for writing so new indexes exist."""
    root, built = build_archive(OUT / f"web-{messages}", messages)
    started = time.perf_counter()
    catch_up(root)  # opening for writing runs the schema: CREATE INDEX IF NOT EXISTS
    opened = time.perf_counter() - started
    if opened > 1:
        print(f"(opening for writing and annotating took {opened:.1f} s)", file=sys.stderr)
    return root, built


def catch_up(root: Path) -> None:
    """Annotate what live runs stored (as analysis would), so every run sees an archive
    where every message is analysed."""
    with ArchiveFolder(ArchivePaths(root)) as archive:
        archive.lock_for_writing()
        annotate(archive, LiveSpecs())


def run_kinds(url: str, kinds: list[Kind], requests: int, warmup: int) -> list[Kind]:
    """Measure every kind against a server."""
    with httpx.Client(base_url=url, timeout=60) as client:
        return [measure(client, kind, requests, warmup) for kind in kinds]


def _ms(value: float) -> str:
    return "" if math.isnan(value) else f"{value:,.1f}"


def kinds_table(kinds: list[Kind], small: dict[str, list[float]], floor: dict[str, list[float]],
                small_n: int) -> str:
    """Markdown: percentiles, target, and the small-archive and floor references."""
    lines = [f"| request | n | p50 ms | p95 ms | p99 ms | target p95 | met | first ms "
             f"| {small_n:,} msgs p50 | ratio | SQL floor p50 | vs floor |",
             "| --- " + "| ---: " * 5 + "| :---: " + "| ---: " * 5 + "|"]
    for kind in kinds:
        p50, p95, p99 = (percentile(kind.times_ms, q) for q in (0.5, 0.95, 0.99))
        target = TARGETS_MS.get(kind.group)
        met = "" if target is None else ("yes" if p95 < target else "**no**")
        ref = median(small.get(kind.name, []))
        low = median(floor.get(kind.name, []))
        errors = f" ({kind.errors} errors)" if kind.errors else ""
        lines.append(
            f"| {kind.name}{errors} | {len(kind.times_ms)} | {_ms(p50)} | {_ms(p95)} | {_ms(p99)} "
            f"| {'' if target is None else f'{target:.0f}'} | {met} | {_ms(kind.first_ms)} "
            f"| {_ms(ref)} "
            f"| {'' if math.isnan(ref) else f'{p50 / ref:.1f}x'} | {_ms(low)} "
            f"| {'' if math.isnan(low) else f'{p50 / low:.1f}x'} |")
    return "\n".join(lines)


def paint_table(runs: list[PaintRun]) -> str:
    """Markdown: medians over the page loads."""
    def row(label: str, values: list[float], target: float | None = None) -> str:
        mid = median(values)
        met = "" if target is None else ("yes" if mid < target else "**no**")
        spread = f"{min(values):,.0f}–{max(values):,.0f}" if values else ""
        return f"| {label} | {_ms(mid)} | {spread} | {'' if target is None else target} | {met} |"

    marks = sorted({name for run in runs for name in run.marks})
    return "\n".join([
        "| dashboard load (ms from navigation) | median | range | target | met |",
        "| --- | ---: | ---: | ---: | :---: |",
        row("first contentful paint", [r.fcp for r in runs if r.fcp is not None]),
        *[row(f"{name} shown", [r.marks[name] for r in runs if name in r.marks])
          for name in marks],
        row("first meaningful paint (feed + timeline + map, painted)",
            [r.meaningful for r in runs], PAINT_TARGET_MS),
    ])


def live_table(live: LiveResult) -> str:
    """Markdown: the ingest-to-screen percentiles."""
    lat = live.latencies_ms
    p99 = percentile(lat, 0.99)
    return "\n".join([
        "| live | sent | received | rate | p50 ms | p95 ms | p99 ms | target p99 | met |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | :---: |",
        f"| POST sent → SSE received | {live.sent:,} | {live.received:,} | {live.rate:,.0f}/s "
        f"| {_ms(percentile(lat, 0.5))} | {_ms(percentile(lat, 0.95))} | {_ms(p99)} "
        f"| {LIVE_TARGET_MS:.0f} | {'yes' if p99 < LIVE_TARGET_MS else '**no**'} |",
        f"| POST answered (durable) | {len(live.post_ms):,} batches | "
        f"{len(live.failed)} failed {sorted(set(live.failed))} | | "
        f"{_ms(percentile(live.post_ms, 0.5))} | {_ms(percentile(live.post_ms, 0.95))} "
        f"| {_ms(percentile(live.post_ms, 0.99))} | | |",
    ])


def live_phase(root: Path, url: str, args: argparse.Namespace) -> LiveResult:
    """Ingest at `--rate` messages/s for `--live-seconds` while an SSE client reads (sending
    stops at twice that time if the server cannot keep up)."""
    batch = 20
    count = int(args.live_seconds * args.rate) // batch * batch
    records = live_records(count, seed=int(time.time()))
    batches = [records[i:i + batch] for i in range(0, count, batch)]
    return live_latency(url, load_or_create_token(root), batches, batch / args.rate,
                        budget_s=2 * args.live_seconds)


def reference(root: Path, kinds: list[Kind], args: argparse.Namespace) -> dict[str, list[float]]:
    """The same kinds of request on the small archive."""
    with ServerProcess(root) as server:
        return {k.name: k.times_ms for k in run_kinds(server.url, kinds, args.requests,
                                                      args.warmup)}


def floor(database: Path, args: argparse.Namespace) -> dict[str, list[float]]:
    """Raw SQLite of the same pages, in process."""
    return {name: time_floor(query, args.requests, args.warmup)
            for name, query in floor_queries(database).items()}


def _built_line(label: str, built: Built) -> str:
    how = "reused from an earlier run, built in" if built.reused else "built in"
    return (f"{label}: {built.messages:,} messages, {how} {built.total_s:,.0f} s "
            f"(generate {built.generate_s:.0f} s, ingest through IngestPipeline "
            f"{built.ingest_s:.0f} s, annotate {built.annotate_s:.0f} s)")


def chosen(kinds: list[Kind], only: list[str] | None) -> list[Kind]:
    """The kinds whose name contains one of `only` (all without it)."""
    return [k for k in kinds if not only or any(part in k.name for part in only)]


def run(args: argparse.Namespace, say: Callable[[str], None]) -> dict[str, object]:
    """The whole benchmark; `say` prints and keeps each line for web.md."""
    say(f"# dashboard benchmark ({machine()})\n")
    root, built = prepare(args.messages)
    small_root, small_built = prepare(args.small)
    say(_built_line("archive", built))
    say(_built_line("reference archive", small_built) + "\n")
    database = ArchivePaths(root).database
    print("reference archive and SQL floor:", file=sys.stderr)
    small = reference(small_root, chosen(request_kinds(sample_ids(
        ArchivePaths(small_root).database)), args.only), args)
    lows = {name: times for name, times in floor(database, args).items()
            if chosen([Kind(name, "", "", [])], args.only)}
    print(f"{built.messages:,} messages:", file=sys.stderr)
    paint: list[PaintRun] = []
    live: LiveResult | None = None
    with ServerProcess(root) as server:
        measured = run_kinds(server.url, chosen(request_kinds(sample_ids(database)), args.only),
                             args.requests, args.warmup)
        say(f"## API over loopback HTTP, {args.requests} requests per kind after "
            f"{args.warmup} warm-up (one client, sequential)\n")
        say(kinds_table(measured, small, lows, args.small) + "\n")
        say("first: the kind's first request (before warm-up); ratio: p50 here / p50 on the "
            "reference archive; vs floor: p50 here / p50 of the raw SQLite query of the same "
            "page (in process, no HTTP, no JSON)\n")
        if CHROMIUM.exists() and args.paint_runs:
            paint = first_paint(server.url, args.paint_runs)
            say(f"## Dashboard in chromium ({len(paint)} loads, fresh context each)\n")
            say(paint_table(paint) + "\n")
        elif args.paint_runs:
            say("(no /usr/bin/chromium: first paint not measured)\n")
        if args.live_seconds > 0:
            live = live_phase(root, server.url, args)
            say(f"## Ingest to screen while POSTing {args.rate} messages/s (20 per request)\n")
            say(live_table(live) + "\n")
    catch_up(root)
    return {
        "machine": machine(), "messages": built.messages, "build": asdict(built),
        "reference_messages": small_built.messages,
        "requests": [{"name": k.name, "group": k.group, "n": len(k.times_ms), "errors": k.errors,
                      **{f"p{int(q * 100)}_ms": percentile(k.times_ms, q)
                         for q in (0.5, 0.95, 0.99)},
                      "target_p95_ms": TARGETS_MS.get(k.group), "first_ms": k.first_ms,
                      "reference_p50_ms": median(small.get(k.name, [])),
                      "floor_p50_ms": median(lows[k.name]) if k.name in lows else None}
                     for k in measured],
        "paint": [asdict(run) for run in paint],
        "paint_median_ms": median([r.meaningful for r in paint]) if paint else None,
        "live": None if live is None else live_json(live),
    }


def live_json(live: LiveResult) -> dict[str, object]:
    """The live measurement for web.json."""
    return {"sent": live.sent, "received": live.received, "rate": live.rate,
            **{f"p{int(q * 100)}_ms": percentile(live.latencies_ms, q) for q in (0.5, 0.95, 0.99)},
            "post_p50_ms": percentile(live.post_ms, 0.5),
            "post_p99_ms": percentile(live.post_ms, 0.99), "failed_posts": len(live.failed)}


def main() -> None:
    """Parse the options, run, print, write the results."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--small", type=int, default=10_000, help="reference archive size")
    parser.add_argument("--requests", type=int, default=50, help="per kind of request")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--paint-runs", type=int, default=5)
    parser.add_argument("--live-seconds", type=float, default=30.0)
    parser.add_argument("--rate", type=int, default=200, help="live ingest, messages/s")
    parser.add_argument("--only", action="append", default=None, metavar="TEXT",
                        help="only request kinds whose name contains TEXT (repeatable); "
                             "prints the tables but leaves results/web.* as they are")
    args = parser.parse_args()
    lines: list[str] = []

    def say(line: str) -> None:
        print(line, flush=True)
        lines.append(line)

    results = run(args, say)
    if args.only:
        return
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "web.json").write_bytes(orjson.dumps(results, option=orjson.OPT_INDENT_2))
    (RESULTS / "web.md").write_text("\n".join(lines), encoding="utf-8")


if __name__ == "__main__":
    main()
