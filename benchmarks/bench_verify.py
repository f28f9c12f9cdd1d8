"""Verify benchmark (one command): `sitroom verify` vs `openssl dgst -sha256`, same raw bytes.

    python -m benchmarks.bench_verify [--statuses 200000] [--reuse] [--repeat 3]

Builds an archive of real-size v1.1 statuses (retweets also store their originals), then
times `verify` (decompress + SHA-256 every blob on all cores, check every row and log leaf,
rebuild the tree, check checkpoints) and openssl hashing the concatenated raw bytes. A middle
row times the blob re-hash alone (the same worker pool, no rows or tree) to show the split; a
last row times `verify` with its C extensions switched off (what an install without a C
compiler gets). Each figure is the median of --repeat runs, interleaved.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import orjson

from benchmarks.common import OUT, RESULTS, Measured, machine, table
from benchmarks.corpus import write_v1
from sitroom.archive_folder import ArchiveFolder
from sitroom.evidence import blob_check, seq_check
from sitroom.evidence.blob_check import blob_windows, check_window
from sitroom.evidence.checkpoints import make_checkpoint
from sitroom.evidence.keys import create_keys
from sitroom.evidence.verify import verify_archive
from sitroom.pipeline import IngestPipeline
from sitroom.reading import InputSpec
from sitroom.sources.base import SourceSettings
from sitroom.store.sqlite_verify import VerifyReader


def _build(statuses: int, reuse: bool) -> tuple[ArchiveFolder, int]:
    source = OUT / f"verify-v1-{statuses}.jsonl"
    if not source.exists():
        write_v1(source, statuses)
    root = OUT / f"verify-archive-{statuses}"
    if reuse and (root / "store.sqlite3").exists():
        archive = ArchiveFolder.open(str(root))
        return archive, int(str(archive.store.stats()["messages"]))
    shutil.rmtree(root, ignore_errors=True)
    archive = ArchiveFolder.create(root)
    create_keys(archive.paths, archive.config)
    report = IngestPipeline(archive, SourceSettings()).run([InputSpec(str(source))])
    make_checkpoint(archive)
    return archive, report.total("new")


def _concatenated_raw(archive: ArchiveFolder) -> Path:
    """Write every blob's raw bytes into one file, for openssl."""
    target = OUT / "verify-raw.bin"
    with open(target, "wb") as out:
        for sha, ref, _size in archive.store.iter_blobs():
            out.write(archive.blobs.read(sha, ref))
    return target


def _openssl(target: Path) -> float:
    started = time.perf_counter()
    subprocess.run(["openssl", "dgst", "-sha256", str(target)], check=True,
                   capture_output=True)
    return time.perf_counter() - started


def _verify(archive: ArchiveFolder, compiled: bool = True) -> float:
    saved = seq_check.COMPILED, blob_check.COMPILED
    seq_check.COMPILED = blob_check.COMPILED = compiled and saved[0] and saved[1]
    try:
        report = verify_archive(archive)
    finally:
        seq_check.COMPILED, blob_check.COMPILED = saved
    if not report.ok:
        raise SystemExit(f"verify found problems on a clean archive: {report.problems[:3]}")
    return report.seconds


def _blobs_only(archive: ArchiveFolder) -> float:
    """Seconds to re-hash every blob with verify's worker pool and nothing else."""
    database = archive.paths.database
    started = time.perf_counter()
    reader = VerifyReader(database)
    windows = list(blob_windows(reader.pack_ends()))
    with ProcessPoolExecutor(os.cpu_count(), mp_context=get_context("fork")) as pool:
        results = list(pool.map(check_window, [database] * len(windows),
                                [archive.paths.blobs] * len(windows), windows))
    if any(result.bad for result in results):
        raise SystemExit("the blob check found problems on a clean archive")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--statuses", type=int, default=200_000)
    parser.add_argument("--reuse", action="store_true",
                        help="reuse the archive an earlier run built, if there is one")
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure (median)")
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    archive, messages = _build(args.statuses, args.reuse)
    target = _concatenated_raw(archive)
    mb = target.stat().st_size / 1e6
    runs: dict[str, list[float]] = {"openssl": [], "blobs": [], "verify": [], "python": []}
    jobs: dict[str, Callable[[], float]] = {
        "openssl": lambda: _openssl(target), "blobs": lambda: _blobs_only(archive),
        "verify": lambda: _verify(archive), "python": lambda: _verify(archive, compiled=False),
    }
    for _round in range(max(1, args.repeat)):
        for name, job in jobs.items():
            runs[name].append(job())
    median = {name: statistics.median(seconds) for name, seconds in runs.items()}
    compiled = "C extensions" if seq_check.COMPILED and blob_check.COMPILED else "NOT BUILT"
    blobs = archive.store.stats()["blobs"]
    rows = [
        openssl := Measured("openssl dgst -sha256 (1 core)", median["openssl"], int(mb), "MB"),
        Measured("sitroom blob re-hash only (zstd + SHA-256)", median["blobs"], int(mb), "MB",
                 note="the part of verify that openssl's job compares with"),
        Measured("sitroom verify (all checks)", median["verify"], int(mb), "MB",
                 note=f"{messages:,} messages, {blobs:,} blobs; {compiled}"),
        Measured("sitroom verify, C extensions off", median["python"], int(mb), "MB",
                 note="what an install without a C compiler gets"),
    ]
    report = "\n".join([
        f"# verify benchmark ({machine()}), median of {max(1, args.repeat)} runs\n",
        table(rows, reference=openssl),
        "\nall runs (seconds): " + "; ".join(
            f"{name} {', '.join(f'{x:.2f}' for x in seconds)}"
            for name, seconds in runs.items()),
    ])
    print(report)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "verify.md").write_text(report + "\n", encoding="utf-8")
    (RESULTS / "verify.json").write_bytes(orjson.dumps(
        {"messages": messages, "raw_mb": mb, "compiled": compiled, "runs": runs,
         "openssl_seconds": median["openssl"], "blob_rehash_seconds": median["blobs"],
         "verify_seconds": median["verify"], "verify_python_seconds": median["python"]},
        option=orjson.OPT_INDENT_2))


if __name__ == "__main__":
    main()
