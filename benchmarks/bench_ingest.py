"""Ingest benchmark (one command): sitroom vs the floor script vs `twarc2 csv`, same files.

    python -m benchmarks.bench_ingest [--statuses 30000] [--repeat 3] [--big]

Writes real-size Twitter v1.1 and v2 files (see corpus.py), then in one run measures:
sitroom ingest (library pipeline, both cores, no analysis) with and without the Merkle log
(--repeat pairs, alternating which goes first; the medians are shown, and the log's cost is
the ratio of the medians), the single-threaded floor script, and twarc2 csv on the v2 file
when twarc-csv is installed (installed on first use into bench-out/twarc-venv: it needs
pandas < 2.2).
`--big` adds peak memory of `sitroom ingest` on a 1 GB file.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import orjson

from benchmarks.common import OUT, RESULTS, Measured, machine, run_measured, table
from benchmarks.corpus import write_v1, write_v2
from sitroom.archive_folder import ArchiveFolder
from sitroom.evidence.keys import create_keys
from sitroom.pipeline import IngestPipeline
from sitroom.reading import InputSpec
from sitroom.sources.base import SourceSettings


def _sitroom(path: Path, label: str, *, with_log: bool = True) -> Measured:
    root = OUT / "bench-archive"
    shutil.rmtree(root, ignore_errors=True)
    archive = ArchiveFolder.create(root)
    create_keys(archive.paths, archive.config)
    pipeline = IngestPipeline(archive, SourceSettings(), with_log=with_log)
    started = time.perf_counter()
    report = pipeline.run([InputSpec(str(path))])
    seconds = time.perf_counter() - started
    archive.close()
    return Measured(label, seconds, report.total("new"), "msgs",
                    note=f"{report.total('read'):,} records")


def _log_pairs(path: Path, name: str, repeat: int) -> list[Measured]:
    """Log on and log off, `repeat` times each, alternating which runs first; medians."""
    runs: dict[bool, list[Measured]] = {True: [], False: []}
    for round_ in range(max(1, repeat)):
        for with_log in ((True, False) if round_ % 2 == 0 else (False, True)):
            label = f"sitroom ingest {name} (log {'on' if with_log else 'off'})"
            runs[with_log].append(_sitroom(path, label, with_log=with_log))
    medians = []
    for with_log in (True, False):
        seconds = [run.seconds for run in runs[with_log]]
        middle = runs[with_log][0]
        middle.seconds = statistics.median(seconds)
        middle.note += f"; median of {', '.join(f'{x:.2f}' for x in seconds)} s"
        medians.append(middle)
    cost = medians[0].seconds / medians[1].seconds - 1
    medians[0].note += f"; the log costs {cost:+.1%} of the time without it"
    return medians


def _floor(path: Path, fmt: str) -> Measured:
    db = OUT / "floor.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    out = subprocess.run([sys.executable, str(Path(__file__).with_name("floor_ingest.py")),
                          str(path), str(db), fmt], capture_output=True, check=True, text=True)
    count, seconds = out.stdout.split()
    return Measured(f"floor script ({fmt}, 1 core)", float(seconds), int(count), "msgs")


TWARC_VENV = OUT / "twarc-venv"


def _twarc_binary() -> Path | None:
    """twarc2 with twarc-csv in its own venv (it needs pandas < 2.2, hence numpy < 2)."""
    binary = TWARC_VENV / "bin" / "twarc2"
    if binary.exists():
        return binary
    try:
        subprocess.run([sys.executable, "-m", "venv", str(TWARC_VENV)], check=True)
        subprocess.run([str(TWARC_VENV / "bin" / "pip"), "install", "-q", "twarc-csv==0.7.2",
                        "pandas<2.2", "numpy<2"], check=True)
    except (subprocess.CalledProcessError, OSError) as exc:
        print(f"(could not install twarc-csv for the comparison: {exc})")
        return None
    return binary if binary.exists() else None


def _twarc(path: Path, tweets: int) -> Measured | None:
    twarc = _twarc_binary()
    if twarc is None:
        return None
    out = OUT / "twarc.csv"
    # twarc2 asks for API keys on first use unless it is given one; csv needs none of them
    env = dict(os.environ, BEARER_TOKEN="offline-benchmark")
    return run_measured([str(twarc), "csv", str(path), str(out)], "twarc2 csv (v2)", tweets,
                        "msgs", ok=(0,), env=env)


def _memory(statuses_1gb: int) -> Measured:
    big = OUT / "big-v1.jsonl"
    if not big.exists() or big.stat().st_size < 1_000_000_000:
        write_v1(big, statuses_1gb)
    root = OUT / "big-archive"
    shutil.rmtree(root, ignore_errors=True)
    sitroom = str(Path(sys.executable).with_name("sitroom"))
    subprocess.run([sitroom, "init", str(root)], check=True, capture_output=True)
    size_gb = big.stat().st_size / 1e9
    run = run_measured([sitroom, "-a", str(root), "ingest", "--no-analyze", str(big), "--json"],
                       f"sitroom ingest, {size_gb:.2f} GB v1 file", statuses_1gb, "records")
    run.note = "peak RSS of the whole process tree"
    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--statuses", type=int, default=30_000)
    parser.add_argument("--repeat", type=int, default=3, help="log on/off pairs (median)")
    parser.add_argument("--big", action="store_true", help="also peak memory on a 1 GB input")
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    v1, v2 = OUT / "bench-v1.jsonl", OUT / "bench-v2.jsonl"
    v1_bytes = write_v1(v1, args.statuses)
    tweets = write_v2(v2, args.statuses)
    print(f"# ingest benchmark ({machine()})\n")
    print(f"v1: {args.statuses:,} statuses, {v1_bytes / args.statuses:,.0f} bytes each; "
          f"v2: {tweets:,} tweets in twarc2 pages\n")
    rows = [floor_v1 := _floor(v1, "v1"), *_log_pairs(v1, "v1", args.repeat)]
    print(table(rows, reference=floor_v1) + "\n")
    rows_v2 = [floor_v2 := _floor(v2, "v2"), *_log_pairs(v2, "v2", args.repeat)]
    twarc = _twarc(v2, tweets)
    if twarc is not None:
        rows_v2.append(twarc)
    else:
        print("(twarc2 csv unavailable: no comparison with it in this run)\n")
    print(table(rows_v2, reference=floor_v2) + "\n")
    results = rows + rows_v2
    if args.big:
        memory = _memory(200_000)
        print(table([memory]) + "\n")
        results.append(memory)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "ingest.json").write_bytes(orjson.dumps(
        [{"label": r.label, "seconds": r.seconds, "items": r.items, "rate": r.rate,
          "peak_mb": r.peak_mb} for r in results], option=orjson.OPT_INDENT_2))


if __name__ == "__main__":
    main()
