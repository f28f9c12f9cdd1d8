"""Running steps in order over one batch: each annotation stamped, each step timed.

Both lanes of the runner (see `lanes`) go through `run_chain`, in the lead process and in the
side process, so a step's output is stamped the same way wherever it ran.
"""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from sitroom.analysis.base import AnalysisItem, AnalysisStep, Annotations


@dataclass
class StepTimings:
    """Seconds spent in each step, for `analyze --json` and the benchmark.

    `wall` is the runner's own wall-clock time over its batches: with the side lane in a
    second process, the steps' seconds add up to more than the time the batches took.
    """

    seconds: dict[str, float] = field(default_factory=dict)
    wall: float = 0.0

    def add(self, step: str, seconds: float) -> None:
        """Count time spent in one step."""
        self.seconds[step] = self.seconds.get(step, 0.0) + seconds


def stamp(step: AnalysisStep) -> str:
    """`name@version` of a step, as every annotation it writes records it."""
    return f"{step.name}@{step.version}"


def run_chain(
    steps: Sequence[AnalysisStep], items: Sequence[AnalysisItem], timings: StepTimings
) -> list[list[Annotations]]:
    """Run `steps` in order; each sees what the earlier ones wrote into `item.annotations`.

    Returns, per step, each item's stamped annotations (what the step added to the item).
    """
    outputs: list[list[Annotations]] = []
    for step in steps:
        name = stamp(step)
        started = time.perf_counter()
        produced = step.annotate(items)
        timings.add(name, time.perf_counter() - started)
        if len(produced) != len(items):
            raise RuntimeError(f"step {name} returned {len(produced)} results for "
                               f"{len(items)} messages")
        stamped = [_stamped(annotations, name) for annotations in produced]
        for item, added in zip(items, stamped, strict=True):
            item.annotations.update(added)
        outputs.append(stamped)
    return outputs


def _stamped(annotations: Annotations, name: str) -> Annotations:
    out: Annotations = {}
    for key, value in annotations.items():
        copy = dict(value)
        copy["step"] = name
        out[key] = copy
    return out


_PAUSE_LOCK = threading.Lock()
_pauses = 0
_resume = False


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while one batch runs through the steps.

    A batch allocates a few hundred thousand short-lived containers (tokens, matches,
    annotation dicts); the collector's passes over them cost about a seventh of the steps'
    time and find nothing, since reference counting frees them. What a batch leaves behind
    is collected as usual once it is done. Nested or concurrent runs (threads) share one
    pause; the collector comes back, if it was on, when the last one ends.
    """
    global _pauses, _resume
    with _PAUSE_LOCK:
        if _pauses == 0:
            _resume = gc.isenabled()
            gc.disable()
        _pauses += 1
    try:
        yield
    finally:
        with _PAUSE_LOCK:
            _pauses -= 1
            if _pauses == 0 and _resume:
                gc.enable()
