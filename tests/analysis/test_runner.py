"""The runner's two lanes: which steps go where, the helper process, and identical results."""

from __future__ import annotations

import gc
import json
import os
import signal
import threading
import time
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import ClassVar

import pytest

from sitroom.analysis.base import AnalysisItem, AnalysisSettings, AnalysisStep, Annotations
from sitroom.analysis.chain import collector_paused
from sitroom.analysis.classify import ClassifyStep
from sitroom.analysis.cluster_index import InMemoryClusterIndex
from sitroom.analysis.counts import CountsStep
from sitroom.analysis.dedupe import DedupeStep
from sitroom.analysis.entities import EntitiesStep
from sitroom.analysis.help import HelpStep
from sitroom.analysis.lanes import LanePlan, plan_lanes
from sitroom.analysis.language import LanguageStep
from sitroom.analysis.places import PlacesStep
from sitroom.analysis.quotes import QuotesStep
from sitroom.analysis.runner import AnalysisRunner
from sitroom.analysis.side_process import ENV_SWITCH, SideProcess
from sitroom.models import JsonObject
from tests.analysis.sample_texts import SAMPLE_TEXTS

SMALL = 8  # the runner's helper takes batches of this many messages or more in these tests
TEXTS = SAMPLE_TEXTS


@cache
def places_step() -> PlacesStep:
    return PlacesStep(AnalysisSettings(region="SY"))


def default_steps() -> list[AnalysisStep]:
    """The default chain (as `analyzing.build_steps` has it), with an in-memory cluster index."""
    settings = AnalysisSettings(embeddings=False)
    return [LanguageStep(settings), DedupeStep(settings, InMemoryClusterIndex()),
            ClassifyStep(settings), HelpStep(settings), places_step(), EntitiesStep(settings),
            CountsStep(settings), QuotesStep(settings)]


def batch(count: int, start: int = 0) -> list[AnalysisItem]:
    """`count` messages cycling through TEXTS, some with a number appended (near-duplicates)."""
    out = []
    for n in range(start, start + count):
        text = TEXTS[n % len(TEXTS)] + (f" {n}" if n % 3 == 0 else "")
        out.append(AnalysisItem(id=f"m{n}", text=text, platform="twitter",
                                extra={"coordinates": [37.16, 36.2]} if n % 5 == 0 else {}))
    return out


def ordered(annotations: list[JsonObject]) -> str:
    """Annotations as the store writes them (key order included)."""
    return json.dumps(annotations, ensure_ascii=False)


def helper_pid(runner: AnalysisRunner) -> int | None:
    side = runner._side
    return None if side is None else side._pid


# --- lanes ------------------------------------------------------------------------------------

def test_default_plan_puts_the_per_message_steps_beside_dedupe_and_classify() -> None:
    steps = default_steps()
    plan = plan_lanes(steps)
    assert plan is not None
    assert [steps[i].name for i in plan.lead] == ["dedupe", "classify"]
    assert [steps[i].name for i in plan.side] == [
        "lang", "help", "places", "entities", "counts", "quotes"]


def test_costs_even_the_lanes_out_and_keep_readers_with_what_they_read() -> None:
    steps = default_steps()
    names = [s.name for s in steps]
    costs = {"lang": 30, "dedupe": 50, "classify": 50, "help": 30, "places": 40,
             "entities": 10, "counts": 20, "quotes": 15}
    plan = plan_lanes(steps, [costs[n] for n in names])
    assert plan is not None
    lead = [names[i] for i in plan.lead]
    side = [names[i] for i in plan.side]
    # 245 in all: the best split is 120 / 125 or so, not 100 / 145.
    assert max(sum(costs[n] for n in lead), sum(costs[n] for n in side)) <= 125
    assert "help" not in lead or "lang" in lead  # help reads lang
    assert "entities" not in side or "places" in side  # entities reads places


class Plain:
    """A step that declares nothing: it may read anything."""

    name: ClassVar[str] = "plain"
    version: ClassVar[str] = "1"
    keys: ClassVar[tuple[str, ...]] = ("plain",)

    def annotate(self, items: Sequence[AnalysisItem]) -> list[Annotations]:
        return [{"plain": {"value": len(item.annotations)}} for item in items]


class ReadsLang(Plain):
    name: ClassVar[str] = "reads_lang"
    keys: ClassVar[tuple[str, ...]] = ("reads_lang",)
    reads: ClassVar[tuple[str, ...]] = ("lang",)
    per_message: ClassVar[bool] = False


def test_no_plan_when_a_step_may_read_anything_or_the_lead_reads_the_side() -> None:
    settings = AnalysisSettings(embeddings=False)
    assert plan_lanes([LanguageStep(settings), CountsStep(settings), Plain()]) is None
    assert plan_lanes([LanguageStep(settings), ReadsLang()]) is None
    assert plan_lanes([LanguageStep(settings), CountsStep(settings)]) is None  # no lead step
    plan = plan_lanes([DedupeStep(settings, InMemoryClusterIndex()), CountsStep(settings)])
    assert plan == LanePlan(lead=(0,), side=(1,))


# --- two lanes, same results ------------------------------------------------------------------

def test_two_lanes_write_what_one_lane_writes_key_for_key() -> None:
    sequential = AnalysisRunner(default_steps(), parallel=False)
    parallel = AnalysisRunner(default_steps(), min_parallel_batch=SMALL)
    try:
        for start, count in ((0, 40), (40, 3), (43, 40), (83, 40)):
            one = sequential.run(batch(count, start))
            two = parallel.run(batch(count, start))
            assert ordered(two) == ordered(one)
        assert helper_pid(parallel) is not None
        assert set(parallel.timings.seconds) == set(sequential.timings.seconds)
        assert parallel.timings.wall > 0
    finally:
        parallel.close()
    assert helper_pid(parallel) is None


def test_a_helper_that_dies_is_replaced_by_the_lead(caplog: pytest.LogCaptureFixture) -> None:
    reference = AnalysisRunner(default_steps(), parallel=False)
    runner = AnalysisRunner(default_steps(), min_parallel_batch=SMALL)
    try:
        assert ordered(runner.run(batch(20))) == ordered(reference.run(batch(20)))
        pid = helper_pid(runner)
        assert pid is not None
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        assert ordered(runner.run(batch(20, 20))) == ordered(reference.run(batch(20, 20)))
        assert runner._side is not None and runner._side.broken
        assert "analysis helper" in caplog.text
        assert ordered(runner.run(batch(20, 40))) == ordered(reference.run(batch(20, 40)))
    finally:
        runner.close()


class Fragile:
    """A per-message step that fails on one text, wherever it runs."""

    name: ClassVar[str] = "fragile"
    version: ClassVar[str] = "1"
    keys: ClassVar[tuple[str, ...]] = ("fragile",)
    reads: ClassVar[tuple[str, ...]] = ()
    per_message: ClassVar[bool] = True

    def annotate(self, items: Sequence[AnalysisItem]) -> list[Annotations]:
        if any(item.text == "boom" for item in items):
            raise ValueError("boom")
        return [{"fragile": {"value": item.text.upper()}} for item in items]


def test_a_step_error_in_the_helper_surfaces_in_the_lead() -> None:
    settings = AnalysisSettings(embeddings=False)
    runner = AnalysisRunner([DedupeStep(settings, InMemoryClusterIndex()), Fragile()],
                            min_parallel_batch=SMALL)
    try:
        items = batch(10)
        assert runner.run(items)[0]["fragile"]["value"] == TEXTS[0].upper() + " 0"
        bad = batch(10, 10)
        bad[3].text = "boom"
        with pytest.raises(ValueError, match="boom"):
            runner.run(bad)
        # The helper is still in service for the next batch.
        assert runner._side is not None and not runner._side.broken
        assert runner.run(batch(10, 20))[1]["fragile"]["step"] == "fragile@1"
    finally:
        runner.close()


def test_no_helper_for_small_batches_other_threads_or_when_switched_off(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    runner = AnalysisRunner(default_steps(), min_parallel_batch=SMALL)
    runner.run(batch(SMALL - 1))
    assert helper_pid(runner) is None
    done: list[list[JsonObject]] = []
    thread = threading.Thread(target=lambda: done.append(runner.run(batch(SMALL))))
    thread.start()
    thread.join()
    assert done and helper_pid(runner) is None
    monkeypatch.setenv(ENV_SWITCH, "0")
    other = AnalysisRunner(default_steps(), min_parallel_batch=SMALL)
    assert len(other.run(batch(SMALL))) == SMALL
    assert helper_pid(other) is None


def test_the_helper_keeps_no_inherited_file_open(tmp_path: Path) -> None:
    lock = open(tmp_path / "lock", "w")  # noqa: SIM115 - kept open on purpose
    runner = AnalysisRunner(default_steps(), min_parallel_batch=SMALL)
    try:
        runner.run(batch(SMALL))
        pid = helper_pid(runner)
        assert pid is not None
        open_in_helper = {os.readlink(f"/proc/{pid}/fd/{fd}")
                          for fd in os.listdir(f"/proc/{pid}/fd") if int(fd) > 2}
        assert str(tmp_path / "lock") not in open_in_helper
        assert all(target.startswith("socket:") for target in open_in_helper)
    finally:
        runner.close()
        lock.close()


def test_closing_the_runner_reaps_the_helper() -> None:
    runner = AnalysisRunner(default_steps(), min_parallel_batch=SMALL)
    runner.run(batch(SMALL))
    pid = helper_pid(runner)
    assert pid is not None
    del runner
    gc.collect()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.02)
    pytest.fail("the helper outlived its runner")


def test_side_process_refuses_when_broken() -> None:
    side = SideProcess([CountsStep(AnalysisSettings())])
    side._broken = True
    assert side.submit((0,), batch(2)) is False
    assert side.collect() is None


def test_collector_pause_nests_and_restores() -> None:
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()  # it was off before: it stays off
    finally:
        gc.enable()


def test_ingest_with_the_helper_stores_what_it_stores_without(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    from sitroom.analyzing import ArchiveAnalyzer
    from sitroom.archive_folder import ArchiveFolder
    from sitroom.pipeline import IngestPipeline
    from sitroom.reading import InputSpec
    from sitroom.sources.base import SourceSettings

    source = tmp_path / "messages.jsonl"
    source.write_text("".join(
        json.dumps({"id": item.id, "text": item.text, "platform": "generic"}) + "\n"
        for item in batch(700)), encoding="utf-8")
    stored: dict[str, list[tuple[str, JsonObject]]] = {}
    for helper in ("1", "0"):
        monkeypatch.setenv(ENV_SWITCH, helper)
        archive = ArchiveFolder.create(tmp_path / f"archive-{helper}", region="SY")
        analyzer = ArchiveAnalyzer(archive, embeddings=False)
        IngestPipeline(archive, SourceSettings(), batch_size=300, analyzer=analyzer).run(
            [InputSpec(str(source))])
        side = analyzer.runner._side
        assert (side is not None and side.running) == (helper == "1")
        analyzer.runner.close()
        stored[helper] = [(m.id, m.annotations) for m in archive.store.iter_messages()]
        archive.close()
    assert len(stored["1"]) == 700
    assert ordered([a for _, a in stored["1"]]) == ordered([a for _, a in stored["0"]])


def test_a_batch_from_another_thread_does_not_rule_the_helper_out() -> None:
    runner = AnalysisRunner(default_steps(), min_parallel_batch=SMALL)
    try:
        thread = threading.Thread(target=runner.run, args=(batch(SMALL),))
        thread.start()
        thread.join()
        assert helper_pid(runner) is None
        runner.run(batch(SMALL, SMALL))
        assert helper_pid(runner) is not None
    finally:
        runner.close()
