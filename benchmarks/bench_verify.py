"""Verify benchmark (one command): `sitroom verify` vs `openssl dgst -sha256`, same raw bytes.

    python -m benchmarks.bench_verify [--statuses 200000] [--reuse]

Builds an archive of real-size v1.1 statuses (retweets also store their originals), then
times `verify` (decompress + SHA-256 every blob on all cores, check every row and log leaf,
rebuild the tree, check checkpoints) and openssl hashing the concatenated raw bytes. A middle
row times the blob re-hash alone (the same worker pool, no rows or tree) to show the split.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

import orjson

from benchmarks.common import OUT, RESULTS, Measured, machine, table
from benchmarks.corpus import write_v1
from sitroom.archive_folder import ArchiveFolder
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


def _concatenated_raw(archive: ArchiveFolder) -> tuple[int, float]:
    """Write every blob's raw bytes into one file; return its size and openssl's seconds."""
    target = OUT / "verify-raw.bin"
    with open(target, "wb") as out:
        for sha, ref, _size in archive.store.iter_blobs():
            out.write(archive.blobs.read(sha, ref))
    started = time.perf_counter()
    subprocess.run(["openssl", "dgst", "-sha256", str(target)], check=True,
                   capture_output=True)
    return target.stat().st_size, time.perf_counter() - started


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
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    archive, messages = _build(args.statuses, args.reuse)
    raw_bytes, openssl_seconds = _concatenated_raw(archive)
    blob_seconds = _blobs_only(archive)
    report = verify_archive(archive)
    if not report.ok:
        raise SystemExit(f"verify found problems on a clean archive: {report.problems[:3]}")
    mb = raw_bytes / 1e6
    rows = [
        openssl := Measured("openssl dgst -sha256 (1 core)", openssl_seconds, int(mb), "MB"),
        Measured("sitroom blob re-hash only (zstd + SHA-256)", blob_seconds, int(mb), "MB",
                 note="the part of verify that openssl's job compares with"),
        Measured("sitroom verify (all checks)", report.seconds, int(mb), "MB",
                 note=f"{messages:,} messages, {report.blobs:,} blobs"),
    ]
    print(f"# verify benchmark ({machine()})\n")
    print(table(rows, reference=openssl))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "verify.json").write_bytes(orjson.dumps(
        {"messages": messages, "raw_mb": mb, "openssl_seconds": openssl_seconds,
         "blob_rehash_seconds": blob_seconds, "verify_seconds": report.seconds},
        option=orjson.OPT_INDENT_2))


if __name__ == "__main__":
    main()
