"""Which steps may run in a second process beside the others without changing any result.

A step may run in the side lane when it says so (`per_message = True`: what it writes for a
message depends only on that message and on the annotations named in its `reads`, and it
keeps no state between messages but caches) and everything it reads is written by side-lane
steps before it. The lead lane keeps every other step, in order; it must not read what the
side lane writes (those annotations arrive only at the end of the batch), and the side lane
must not read what the lead writes. A step that does not declare `reads` is assumed to read
anything, so a chain holding one runs in one lane.

Without costs every step that may go to the side lane goes there. With each step's measured
cost, the split is the valid one whose slower lane is fastest (per-message steps may also
stay in the lead to even the lanes out).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations

from sitroom.analysis.base import AnalysisStep

# Past this many movable steps only the default split is considered (2**n candidates).
_MAX_ENUMERATED = 12


@dataclass(frozen=True, slots=True)
class LanePlan:
    """Indexes (into the runner's steps) of the lead lane's and the side lane's steps."""

    lead: tuple[int, ...]
    side: tuple[int, ...]


def plan_lanes(
    steps: Sequence[AnalysisStep], costs: Sequence[float] | None = None
) -> LanePlan | None:
    """Split the steps into two lanes; None when no split puts a step in each.

    `costs` (one per step, e.g. seconds over the same messages) pick the most even split.
    """
    reads: list[frozenset[str]] = []
    for step in steps:
        declared = getattr(step, "reads", None)
        if not isinstance(declared, tuple | list | frozenset | set):
            return None
        reads.append(frozenset(declared))
    movable = [i for i, step in enumerate(steps) if getattr(step, "per_message", False) is True]
    default = _greedy_side(steps, reads, movable)
    candidates = [default]
    if costs is not None and len(costs) == len(steps) and len(movable) <= _MAX_ENUMERATED:
        candidates += [
            set(chosen) for size in range(1, len(movable) + 1)
            for chosen in combinations(movable, size)
        ]
    best: tuple[float, int, LanePlan] | None = None
    for side in candidates:
        plan = _plan_if_valid(steps, reads, side)
        if plan is None:
            continue
        if costs is None or len(costs) != len(steps):
            return plan
        slower = max(sum(costs[i] for i in plan.lead), sum(costs[i] for i in plan.side))
        # Ties go to the bigger side lane, then to the earlier candidate (the default first).
        if best is None or (slower, -len(plan.side)) < (best[0], best[1]):
            best = (slower, -len(plan.side), plan)
    return best[2] if best is not None else None


def _greedy_side(
    steps: Sequence[AnalysisStep], reads: Sequence[frozenset[str]], movable: Sequence[int]
) -> set[int]:
    """Every movable step whose reads earlier side steps write, in step order."""
    side: set[int] = set()
    written: set[str] = set()
    for index in movable:
        if reads[index] <= written:
            side.add(index)
            written.update(steps[index].keys)
    return side


def _plan_if_valid(
    steps: Sequence[AnalysisStep], reads: Sequence[frozenset[str]], side: set[int]
) -> LanePlan | None:
    lead = [index for index in range(len(steps)) if index not in side]
    if not side or not lead:
        return None
    side_keys = {key for index in side for key in steps[index].keys}
    lead_keys = {key for index in lead for key in steps[index].keys}
    written: set[str] = set()
    for index in sorted(side):
        wanted = reads[index]
        if not wanted <= written or wanted & lead_keys:
            return None
        written.update(steps[index].keys)
    if any(reads[index] & side_keys for index in lead):
        return None
    return LanePlan(tuple(lead), tuple(sorted(side)))
