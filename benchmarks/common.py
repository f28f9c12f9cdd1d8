"""Shared benchmark helpers: timing, peak memory of a process tree, result tables."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "bench-out"
RESULTS = Path(__file__).resolve().parent / "results"


@dataclass
class Measured:
    """One run: what ran, how long, how much it handled, peak memory of its process tree."""

    label: str
    seconds: float
    items: int
    unit: str
    peak_mb: float | None = None
    note: str = ""

    @property
    def rate(self) -> float:
        """Items per second."""
        return self.items / self.seconds if self.seconds else 0.0


def _tree_rss_kb(pid: int) -> int:
    total = 0
    pids = [pid]
    while pids:
        current = pids.pop()
        try:
            with open(f"/proc/{current}/status", encoding="ascii") as handle:
                for line in handle:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
            with open(f"/proc/{current}/task/{current}/children", encoding="ascii") as handle:
                pids.extend(int(child) for child in handle.read().split())
        except (OSError, ValueError):
            continue
    return total


def run_measured(
    cmd: list[str], label: str, items: int, unit: str, *, ok: tuple[int, ...] = (0, 1),
    **kwargs: object,
) -> Measured:
    """Run a command, sampling the RSS of its whole process tree every 20 ms.

    `ok` are the exit statuses that count as a completed run (sitroom exits 1 on rejects).
    """
    started = time.perf_counter()
    child = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, **kwargs)  # type: ignore[call-overload]
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss_kb(child.pid))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _out, err = child.communicate()
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    if child.returncode not in ok:
        sys.stderr.write(err.decode(errors="replace"))
        raise SystemExit(f"{label}: exit status {child.returncode}")
    return Measured(label, seconds, items, unit, peak / 1024)


def table(rows: list[Measured], reference: Measured | None = None) -> str:
    """A Markdown table of runs, with each rate as a ratio of the reference's."""
    lines = ["| run | items | seconds | rate | vs reference | peak RSS | note |",
             "| --- | ---: | ---: | ---: | ---: | ---: | --- |"]
    for row in rows:
        ratio = f"{row.rate / reference.rate:.2f}x" if reference and reference.rate else ""
        peak = f"{row.peak_mb:.0f} MB" if row.peak_mb is not None else ""
        lines.append(
            f"| {row.label} | {row.items:,} {row.unit} | {row.seconds:.2f} | "
            f"{row.rate:,.0f} {row.unit}/s | {ratio} | {peak} | {row.note} |"
        )
    return "\n".join(lines)


def machine() -> str:
    """One line describing where the benchmark ran."""
    return f"{os.cpu_count()} cores, Python {sys.version.split()[0]}"
