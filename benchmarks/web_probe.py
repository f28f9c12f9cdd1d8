"""Measuring a running dashboard: request latency, first paint in chromium, live latency.

The server is `sitroom serve` in its own process (as users run it), so the client's work
never shares its interpreter; everything talks over loopback HTTP.
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import orjson

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
Params = dict[str, str]


def percentile(values: Sequence[float], share: float) -> float:
    """The `share` quantile (0..1) by linear interpolation; NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    position = (len(ordered) - 1) * share
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


class ServerProcess:
    """`sitroom.web.server.serve` (what `sitroom serve` runs) on a free loopback port."""

    def __init__(self, root: Path) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = int(probe.getsockname()[1])
        self.url = f"http://127.0.0.1:{self.port}"
        # what `sitroom -a ROOT serve --port N` runs, without loading every CLI command
        code = ("import sys; from pathlib import Path; from sitroom.web.server import serve; "
                "serve(Path(sys.argv[1]), port=int(sys.argv[2]), announce=lambda _line: None)")
        self.process = subprocess.Popen(
            [sys.executable, "-c", code, str(root), str(self.port)],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={**os.environ})
        deadline = time.monotonic() + 60
        while True:
            if self.process.poll() is not None:
                raise SystemExit(f"sitroom serve exited: {self.process.stderr.read().decode()}"
                                 if self.process.stderr else "sitroom serve exited")
            try:
                if httpx.get(f"{self.url}/api/v1/openapi.json", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise SystemExit("sitroom serve did not answer within 60 s")
            time.sleep(0.2)

    def stop(self) -> None:
        """Terminate the server (SIGTERM, then SIGKILL after 10 s)."""
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)

    def __enter__(self) -> ServerProcess:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()


@dataclass
class Kind:
    """One kind of request: a path and the parameter sets it cycles through."""

    name: str
    group: str  # feed, search, timeline or other: which target applies
    path: str
    variants: list[Params]
    pages: int = 1  # >1: measure pages 2..pages of each variant by following next_cursor
    times_ms: list[float] = field(default_factory=list)
    errors: int = 0
    first_ms: float = float("nan")  # the first request of the kind (colder caches)


def _get(client: httpx.Client, path: str, params: Params) -> tuple[float, httpx.Response]:
    if "{" in path:  # a path parameter (message id): the variant fills it in
        path, params = path.format(**params), {}
    started = time.perf_counter()
    response = client.get(path, params=params)
    _ = response.content
    return (time.perf_counter() - started) * 1000, response


def _requests(kind: Kind, count: int) -> Iterator[tuple[Params, bool]]:
    """(params, measured) in order; cursor kinds ask page 1 unmeasured, then pages 2..n."""
    made = 0
    cycle = 0
    while made < count:
        params = dict(kind.variants[cycle % len(kind.variants)])
        cycle += 1
        if kind.pages == 1:
            made += 1
            yield params, True
            continue
        yield params, False
        for _page in range(2, kind.pages + 1):
            if made >= count:
                return
            made += 1
            yield params, True


def measure(client: httpx.Client, kind: Kind, count: int, warmup: int,
            budget_s: float = 120.0) -> Kind:
    """Time `count` requests of a kind after `warmup` unmeasured ones (fewer when the kind
    has used up `budget_s`; a request that times out counts as an error)."""
    started = time.monotonic()
    try:
        for number, (params, _) in enumerate(list(_requests(kind, warmup))[:warmup]):
            elapsed, _response = _get(client, kind.path, params)
            if number == 0:
                kind.first_ms = elapsed
        _measure(client, kind, count, started + budget_s)
    except httpx.TimeoutException:
        kind.errors += 1
    print(f"  {kind.name}: {len(kind.times_ms)} requests in {time.monotonic() - started:.1f} s, "
          f"p50 {percentile(kind.times_ms, 0.5):.1f} ms", file=sys.stderr, flush=True)
    return kind


def _measure(client: httpx.Client, kind: Kind, count: int, deadline: float) -> None:
    cursor: str | None = None
    for params, measured in _requests(kind, count):
        if time.monotonic() > deadline:
            return
        if measured and kind.pages > 1:
            if cursor is None:
                continue
            params = {**params, "cursor": cursor}
        elapsed, response = _get(client, kind.path, params)
        if response.status_code != 200:
            kind.errors += 1
            cursor = None
            continue
        if kind.pages > 1:
            cursor = response.json().get("next_cursor")
        if measured:
            kind.times_ms.append(elapsed)


# Runs in the page before any of its scripts: records when the feed shows a message and the
# timeline and the map have drawn (DOM time, and after the next frame has been painted).
READY_SCRIPT = """
(() => {
  const marks = {};
  const seen = (name, selector) => {
    if (!marks[name] && document.querySelector(selector)) marks[name] = performance.now();
  };
  const check = () => {
    seen("feed", "#feed-list article.msg");
    seen("timeline", "#timeline-chart svg.timeline");
    seen("map", "#map svg.map");
    seen("overview", "#overview .count-card");
    if (marks.feed && marks.timeline && marks.map && !window.__sitroomReady) {
      window.__sitroomReady = { dom: performance.now(), marks };
      requestAnimationFrame(() => setTimeout(() => {
        window.__sitroomReady.painted = performance.now();
      }, 0));
    }
  };
  new MutationObserver(check).observe(document, { childList: true, subtree: true });
})();
"""


@dataclass
class PaintRun:
    """One page load: milliseconds from navigation start."""

    meaningful: float
    dom_ready: float
    fcp: float | None
    marks: dict[str, float]


def _wait_ready(page: Any) -> dict[str, Any]:
    """Poll (from outside: the page's CSP forbids string eval) until the marks are set; the
    times themselves are taken inside the page."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        ready = page.evaluate("() => window.__sitroomReady")
        if ready and ready.get("painted"):
            return dict(ready)
        time.sleep(0.05)
    raise SystemExit("the dashboard did not show the feed, timeline and map within 60 s")


def first_paint(url: str, runs: int) -> list[PaintRun]:
    """Load the dashboard `runs` times (a fresh browser context each, so no warm HTTP cache)."""
    from playwright.sync_api import sync_playwright

    out: list[PaintRun] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            for _ in range(runs):
                context = browser.new_context(viewport={"width": 1440, "height": 900})
                page = context.new_page()
                errors: list[str] = []
                page.on("pageerror", lambda exc: errors.append(str(exc)))  # noqa: B023
                page.add_init_script(READY_SCRIPT)
                page.goto(f"{url}/", wait_until="commit")
                ready = _wait_ready(page)
                fcp = page.evaluate(
                    "(performance.getEntriesByName('first-contentful-paint')[0] || {}).startTime"
                    " ?? null")
                if errors:
                    raise SystemExit(f"dashboard script errors: {errors}")
                out.append(PaintRun(float(ready["painted"]), float(ready["dom"]),
                                    None if fcp is None else float(fcp),
                                    {k: float(v) for k, v in ready["marks"].items()}))
                context.close()
        finally:
            browser.close()
    return out


def median(values: Sequence[float]) -> float:
    """The median (NaN for none)."""
    return statistics.median(values) if values else float("nan")


@dataclass
class LiveResult:
    """Ingest-to-screen: each message's receive time through SSE minus its send time."""

    sent: int
    received: int
    seconds: float
    latencies_ms: list[float]
    post_ms: list[float]
    failed: list[int]  # statuses of POSTs that were not answered 200 (0: no answer)

    @property
    def rate(self) -> float:
        """Messages per second actually sent."""
        return self.sent / self.seconds if self.seconds else 0.0


@dataclass
class _Watch:
    """What the SSE reader shares with the sender: ids to wait for, latencies seen."""

    expected: set[str] = field(default_factory=set)
    got: dict[str, float] = field(default_factory=dict)
    started: threading.Event = field(default_factory=threading.Event)
    sending_done: threading.Event = field(default_factory=threading.Event)
    deadline: float = 0.0

    def finished(self, now: float) -> bool:
        """Everything sent has been seen, or time is up."""
        return now > self.deadline or (
            self.sending_done.is_set() and self.expected <= self.got.keys())


def _read_stream(url: str, watch: _Watch) -> None:
    with httpx.Client(timeout=httpx.Timeout(30.0)) as client, client.stream(
            "GET", f"{url}/api/v1/stream") as response:
        event = ""
        try:
            for line in response.iter_lines():
                now = time.time()
                if line.startswith("event:"):
                    event = line[6:].strip()
                    if event == "hello":
                        watch.started.set()
                elif line.startswith("data:") and event == "message":
                    data = orjson.loads(line[5:])
                    fields = (data.get("extra") or {}).get("fields") or {}
                    if isinstance(fields.get("sent_at"), float):
                        watch.got[str(data["platform_id"])] = now - fields["sent_at"]
                if watch.finished(now):
                    return
        except httpx.ReadTimeout:
            return


def _post(client: httpx.Client, url: str, token: str, batch: list[dict[str, object]]
          ) -> tuple[float, int]:
    """POST one batch stamped with its send time; (milliseconds to the answer, status)."""
    sent_at = time.time()
    body = b"".join(orjson.dumps({**r, "sent_at": sent_at}) + b"\n" for r in batch)
    try:
        answer = client.post(f"{url}/api/v1/ingest", content=body, params={"source": "bench-live"},
                             headers={"Authorization": f"Bearer {token}",
                                      "Content-Type": "application/x-ndjson"})
        status = answer.status_code
    except httpx.HTTPError:
        status = 0
    return (time.time() - sent_at) * 1000, status


def live_latency(url: str, token: str, batches: list[list[dict[str, object]]],
                 interval: float, budget_s: float) -> LiveResult:
    """POST one batch every `interval` seconds (open loop, as independent senders would:
    a slow answer does not slow the senders) while an SSE client reads the stream; stop
    sending after `budget_s` seconds."""
    watch = _Watch(deadline=time.time() + budget_s + 60)
    reader = threading.Thread(target=_read_stream, args=(url, watch), daemon=True)
    reader.start()
    if not watch.started.wait(30):
        raise SystemExit("the SSE stream did not start")
    with httpx.Client(timeout=60, limits=httpx.Limits(max_connections=32)) as client, \
            ThreadPoolExecutor(max_workers=32) as pool:
        begin = time.perf_counter()
        futures = []
        for number, batch in enumerate(batches):
            if time.perf_counter() - begin > budget_s:
                break
            watch.expected.update(str(record["id"]) for record in batch)
            delay = begin + number * interval - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            futures.append(pool.submit(_post, client, url, token, batch))
        seconds = time.perf_counter() - begin
        answers = [future.result() for future in futures]
    failed = [status for _ms, status in answers if status != 200]
    watch.deadline = time.time() + 10
    watch.sending_done.set()
    reader.join(40)
    return LiveResult(len(watch.expected), len(watch.got), seconds,
                      [v * 1000 for v in watch.got.values()],
                      [ms for ms, status in answers if status == 200], failed)
