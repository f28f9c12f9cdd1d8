"""Run the ordered analysis steps over batches of messages and stamp each annotation.

Steps run in their declared order and each sees what earlier steps wrote. On a big batch
(`side_process.MIN_BATCH` messages or more) the per-message steps that depend on nothing the
others write (language, help, places, entities, counts, quotes: see `lanes`) run in a forked
helper process while this process runs the rest (near-duplicates, classification), on the
second core; after the first such batch the steps are split again by their measured cost so
that the two lanes take about as long. The annotations are the same either way, key for key
and in the same order: a step's output depends only on the message and on what the steps it
reads wrote. `SITROOM_ANALYSIS_HELPER=0` (or `parallel=False`) keeps every step in one process.
"""

from __future__ import annotations

import gc
import logging
import time
from collections.abc import Sequence

from sitroom.analysis.base import AnalysisItem, AnalysisStep, Annotations
from sitroom.analysis.chain import StepTimings, collector_paused, run_chain, stamp
from sitroom.analysis.lanes import LanePlan, plan_lanes
from sitroom.analysis.side_process import MIN_BATCH, SideProcess
from sitroom.models import JsonObject

log = logging.getLogger(__name__)

__all__ = ["AnalysisRunner", "StepTimings", "settle_resources"]


class AnalysisRunner:
    """Runs steps in their declared order; each sees what earlier steps wrote.

    `parallel=False` keeps every step in this process; `min_parallel_batch` is the smallest
    batch the helper process takes.
    """

    def __init__(self, steps: Sequence[AnalysisStep], *, parallel: bool = True,
                 min_parallel_batch: int = MIN_BATCH) -> None:
        self.steps = list(steps)
        self.min_parallel_batch = min_parallel_batch
        self.timings = StepTimings()
        self._plan: LanePlan | None = plan_lanes(self.steps) if parallel else None
        self._balanced = False
        self._side: SideProcess | None = None
        if self._plan is not None:
            self._side = SideProcess(self.steps)
        settle_resources()

    @property
    def step_names(self) -> list[str]:
        """`name@version` of every step, in order."""
        return [f"{step.name}@{step.version}" for step in self.steps]

    def run(self, items: Sequence[AnalysisItem]) -> list[JsonObject]:
        """Annotate items in place and return each item's annotations."""
        started = time.perf_counter()
        try:
            with collector_paused():
                side = self._side
                if side is not None and len(items) >= self.min_parallel_batch and not side.broken:
                    self._run_in_two_lanes(items, side)
                else:
                    run_chain(self.steps, items, self.timings)
                return [dict(item.annotations) for item in items]
        finally:
            self.timings.wall += time.perf_counter() - started

    def close(self) -> None:
        """Stop the helper process, if one was started (it also stops with this object)."""
        if self._side is not None:
            self._side.close()

    def _run_in_two_lanes(self, items: Sequence[AnalysisItem], side: SideProcess) -> None:
        plan = self._plan
        assert plan is not None
        before = [dict(item.annotations) for item in items]
        if not side.submit(plan.side, items):
            run_chain(self.steps, items, self.timings)
            return
        try:
            lead = run_chain([self.steps[i] for i in plan.lead], items, self.timings)
            reply = side.collect()
        except BaseException:
            side.abandon()
            raise
        if reply is None:
            side_outputs = run_chain([self.steps[i] for i in plan.side], items, self.timings)
        else:
            side_outputs, seconds = reply
            for name, spent in seconds.items():
                self.timings.add(name, spent)
        by_step: dict[int, list[Annotations]] = dict(zip(plan.lead, lead, strict=True))
        by_step.update(zip(plan.side, side_outputs, strict=True))
        # What a run in one lane leaves: the annotations each step added, in step order.
        for n, item in enumerate(items):
            merged = before[n]
            for index in range(len(self.steps)):
                merged.update(by_step[index][n])
            item.annotations = merged
        if not self._balanced:
            # Once every step has been timed, even the lanes out (results do not change).
            # Decided once: a step that moved would start again with an empty memo.
            self._balanced = True
            costs = [self.timings.seconds.get(stamp(step), 0.0) for step in self.steps]
            self._plan = plan_lanes(self.steps, costs) or plan


def settle_resources() -> None:
    """Move what is alive now (steps' models, gazetteer, lexicons) out of the collector's reach.

    The steps hold a few hundred thousand long-lived objects; every full garbage collection
    walked all of them again, which cost about a quarter of the time of the steps without
    embeddings. Frozen objects are still freed by reference counting; only a reference cycle
    among them would outlive its use, so garbage is collected once before freezing.
    """
    gc.collect()
    gc.freeze()
