"""Messages for the live phase of the dashboard benchmark, and their specs afterwards.

A live run's ids are `live-<seed>-<n>` and its records depend only on the seed, so the specs
(what each message says) can be regenerated to annotate them later, as analysis would.
"""

from __future__ import annotations

import random
import time
import zlib
from dataclasses import replace

from benchmarks.web_corpus import (
    DAYS,
    START,
    Generated,
    Spec,
    _new_spec,
    _records,
    _Virals,
)
from sitroom.store.base import StoredMessage


def live_records(count: int, seed: int) -> list[dict[str, object]]:
    """`count` messages for live ingest (ids `live-<seed>-<n>`), dated just after the
    archive's 30 days so the timeline keeps showing the archive."""
    rng = random.Random(seed)
    records = list(_records(rng, count, Generated(), {}, _Virals(rng)))
    end = START + DAYS * 86400
    for i, record in enumerate(records):
        record["id"] = f"live-{seed}-{i}"
        record["created_at"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(end + i))
    return records


class LiveSpecs:
    """Specs of messages stored by a live run, regenerated from their ids (`live-<seed>-<n>`:
    a run's records depend only on its seed); anything else gets a spec drawn from its id."""

    def __init__(self) -> None:
        self._runs: dict[int, Generated] = {}

    def __call__(self, message: StoredMessage) -> Spec:
        """The spec for a message left unannotated (by a live run, or by hand)."""
        seed, number = _live_id(message.platform_id or "")
        if seed is not None and number is not None:
            generated = self._runs.get(seed)
            if generated is None or len(generated.specs) <= number:
                generated = Generated()
                rng = random.Random(seed)
                for _ in _records(rng, number + 1000, generated, {}, _Virals(rng)):
                    pass
                self._runs[seed] = generated
            return replace(generated.specs[number], origin=-1)
        return _new_spec(random.Random(zlib.crc32((message.platform_id or message.id).encode())))


def _live_id(platform_id: str) -> tuple[int | None, int | None]:
    parts = platform_id.split("-")
    if len(parts) == 3 and parts[0] == "live" and parts[1].isdigit() and parts[2].isdigit():
        return int(parts[1]), int(parts[2])
    return None, None
