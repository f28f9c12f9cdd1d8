"""kill -9 during ingest: nothing acknowledged is lost, the archive verifies, a rerun completes."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import orjson
import pytest

from sitroom.archive_folder import ArchiveFolder
from sitroom.config import ArchivePaths
from sitroom.evidence.keys import create_keys
from sitroom.evidence.verify import verify_archive
from sitroom.pipeline import PROCESS_THRESHOLD_BYTES, IngestPipeline
from sitroom.reading import InputSpec
from sitroom.sources.base import SourceSettings

CHILD = Path(__file__).with_name("crash_child.py")
MESSAGES = 4000
RUNS = 20


@pytest.fixture(scope="module")
def big_input(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("crash") / "messages.jsonl"
    rng = random.Random(7)
    with open(path, "wb") as out:
        for i in range(MESSAGES):
            text = f"message {i} from the siege " + " ".join(
                rng.choice(["حلب", "aleppo", "help", "water", "مستشفى", "shelling"])
                for _ in range(rng.randint(150, 250))
            )
            out.write(orjson.dumps({"id": f"c-{i}", "text": text, "platform": "generic"}) + b"\n")
    return path


def test_input_is_large_enough_for_the_reading_worker_process(big_input: Path) -> None:
    # the kills below must also hit the two-process path (reader process + writer)
    assert big_input.stat().st_size >= PROCESS_THRESHOLD_BYTES


def _new_archive(root: Path) -> ArchiveFolder:
    archive = ArchiveFolder.create(root)
    create_keys(archive.paths, archive.config)
    return archive


def _count(root: Path) -> int:
    with ArchiveFolder(ArchivePaths(root)) as archive:
        return int(str(archive.store.stats()["messages"]))


def _run_and_kill(root: Path, source: Path, delay: float) -> list[int]:
    env = dict(os.environ, PYTHONPATH=str(CHILD.parents[1]))
    child = subprocess.Popen(
        [sys.executable, str(CHILD), str(root), str(source)],
        stdout=subprocess.PIPE, text=True, start_new_session=True, env=env,
    )
    acks: list[int] = []
    first_ack = threading.Event()

    def read() -> None:
        assert child.stdout is not None
        for line in child.stdout:
            if line.startswith("ACK"):
                acks.append(int(line.split()[1]))
                first_ack.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    first_ack.wait(timeout=30)
    time.sleep(delay)
    os.killpg(child.pid, signal.SIGKILL)
    child.wait()
    reader.join(timeout=5)
    return acks


def test_sigkill_at_random_points(tmp_path: Path, big_input: Path) -> None:
    rng = random.Random(2016)
    # how long a full ingest takes here, to spread the kills across it
    full = tmp_path / "full"
    _new_archive(full).close()
    started = time.perf_counter()
    subprocess.run([sys.executable, str(CHILD), str(full), str(big_input)], check=True,
                   capture_output=True, env=dict(os.environ, PYTHONPATH=str(CHILD.parents[1])))
    duration = time.perf_counter() - started
    assert _count(full) == MESSAGES
    interrupted = 0
    for run in range(RUNS):
        root = tmp_path / f"run-{run}"
        _new_archive(root).close()
        acks = _run_and_kill(root, big_input, rng.uniform(0, duration * 0.6))
        stored = _count(root)
        if 0 < stored < MESSAGES:
            interrupted += 1
        assert stored >= (acks[-1] if acks else 0), "an acknowledged message was lost"
        with ArchiveFolder(ArchivePaths(root)) as archive:
            report = verify_archive(archive)
            assert report.ok, report.problems
            assert report.log_size == stored + report.notices
            pipeline = IngestPipeline(archive, SourceSettings(), batch_size=500)
            rerun = pipeline.run([InputSpec(str(big_input))])
            assert rerun.total("new") == MESSAGES - stored
            assert int(str(archive.store.stats()["messages"])) == MESSAGES
            assert verify_archive(archive).ok
    assert interrupted >= RUNS // 2, f"only {interrupted} kills landed mid-ingest"
