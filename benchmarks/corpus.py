"""Benchmark inputs: real-size Twitter v1.1 and v2 files made from the real samples.

Statuses and pages from ../shared/data are repeated with fresh, unique ids (and a counter in
the text) so every message is new to the archive; when the shared data is absent, the demo
scenario's files are used as templates instead.
"""

from __future__ import annotations

import re
from pathlib import Path

import orjson

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "data"
_ID = re.compile(rb'"(\d{15,20})"')


def _v1_templates() -> list[dict[str, object]]:
    path = SHARED / "twitter-v1" / "get_home_timeline.json"
    if path.exists():
        statuses: list[dict[str, object]] = orjson.loads(path.read_bytes())
        return statuses
    from sitroom.demo.scenario import write_scenario

    folder = REPO / "bench-out" / "templates"
    files = write_scenario(folder)
    return [orjson.loads(line) for line in files.tweets_v1.read_bytes().splitlines()[:50]]


def write_v1(path: Path, count: int) -> int:
    """Write `count` v1.1 statuses, one per line; return bytes written."""
    templates = _v1_templates()
    base = 800_000_000_000_000_000
    with open(path, "wb") as out:
        for i in range(count):
            status = dict(templates[i % len(templates)])
            status["id"] = base + i
            status["id_str"] = str(base + i)
            status["text"] = f"{status.get('text', '')} #{i}"
            if isinstance(status.get("retweeted_status"), dict):
                original = dict(status["retweeted_status"])  # type: ignore[arg-type]
                original["id_str"] = str(base // 2 + i)
                original["id"] = base // 2 + i
                status["retweeted_status"] = original
            out.write(orjson.dumps(status) + b"\n")
    return path.stat().st_size


def write_v2(path: Path, tweets: int) -> int:
    """Write twarc2 pages holding about `tweets` tweets; return the number of tweets."""
    source = SHARED / "twitter-v2" / "kpop.jsonl"
    if not source.exists():
        from sitroom.demo.scenario import write_scenario

        source = write_scenario(REPO / "bench-out" / "templates").tweets_v2
    pages = [line for line in source.read_bytes().splitlines() if b'"data"' in line]
    written = 0
    page_no = 0
    with open(path, "wb") as out:
        while written < tweets:
            template = pages[page_no % len(pages)]
            prefix = f"9{page_no:06d}".encode()
            line = _ID.sub(lambda m, p=prefix: b'"' + p + m.group(1)[-12:] + b'"', template)
            out.write(line + b"\n")
            written += len(orjson.loads(line)["data"])
            page_no += 1
    return written
