"""Run the ordered analysis steps over batches of messages and stamp each annotation."""

from __future__ import annotations

import gc
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from sitroom.analysis.base import AnalysisItem, AnalysisStep, Annotations
from sitroom.models import JsonObject

log = logging.getLogger(__name__)


@dataclass
class StepTimings:
    """Seconds spent in each step, for `analyze --json` and the benchmark."""

    seconds: dict[str, float] = field(default_factory=dict)

    def add(self, step: str, seconds: float) -> None:
        """Count time spent in one step."""
        self.seconds[step] = self.seconds.get(step, 0.0) + seconds


class AnalysisRunner:
    """Runs steps in their declared order; each sees what earlier steps wrote."""

    def __init__(self, steps: Sequence[AnalysisStep]) -> None:
        self.steps = list(steps)
        self.timings = StepTimings()
        settle_resources()

    @property
    def step_names(self) -> list[str]:
        """`name@version` of every step, in order."""
        return [f"{step.name}@{step.version}" for step in self.steps]

    def run(self, items: Sequence[AnalysisItem]) -> list[JsonObject]:
        """Annotate items in place and return each item's annotations."""
        for step in self.steps:
            stamp = f"{step.name}@{step.version}"
            started = time.perf_counter()
            produced = step.annotate(items)
            self.timings.add(stamp, time.perf_counter() - started)
            if len(produced) != len(items):
                raise RuntimeError(f"step {stamp} returned {len(produced)} results for "
                                   f"{len(items)} messages")
            for item, produced_here in zip(items, produced, strict=True):
                _stamp_into(item, produced_here, stamp)
        return [dict(item.annotations) for item in items]


def settle_resources() -> None:
    """Move what is alive now (steps' models, gazetteer, lexicons) out of the collector's reach.

    The steps hold a few hundred thousand long-lived objects; every full garbage collection
    walked all of them again, which cost about a quarter of the time of the steps without
    embeddings. Frozen objects are still freed by reference counting; only a reference cycle
    among them would outlive its use, so garbage is collected once before freezing.
    """
    gc.collect()
    gc.freeze()


def _stamp_into(item: AnalysisItem, annotations: Annotations, stamp: str) -> None:
    for key, value in annotations.items():
        stamped: JsonObject = dict(value)
        stamped["step"] = stamp
        item.annotations[key] = stamped
