"""Group commit of API posts: bodies stored together still get their own answers."""

from __future__ import annotations

import threading
from pathlib import Path

from sitroom.errors import SourceError
from sitroom.web.access import ArchiveAccess
from sitroom.web.ingest_body import PostedBody, ingest_bodies
from sitroom.web.ingest_queue import IngestQueue


def test_bodies_stored_together_answer_separately(archive_copy: Path) -> None:
    access = ArchiveAccess(archive_copy, read_only=False)
    try:
        with access.writer() as folder:
            first, broken, second = ingest_bodies(folder, [
                PostedBody(b'{"id": "g1", "text": "one"}', "api:a"),
                PostedBody(b"   ", "api:b"),
                PostedBody(b'{"id": "g2", "text": "two"}\n{"id": "g3", "text": "three"}',
                           "api:c", "telegram"),
            ])
    finally:
        access.close()
    assert isinstance(broken, SourceError)
    assert isinstance(first, dict) and isinstance(second, dict)
    assert (first["new"], second["new"]) == (1, 2)
    assert set(first["ids"]).isdisjoint(second["ids"])  # type: ignore[arg-type]
    assert first["checkpoint_size"] == second["checkpoint_size"] == second["log_size"] == 37


def test_concurrent_posts_each_get_their_ids(archive_copy: Path) -> None:
    access = ArchiveAccess(archive_copy, read_only=False)
    queue = IngestQueue(access)
    answers: dict[int, object] = {}

    def post(number: int) -> None:
        body = f'{{"id": "c{number}", "text": "message {number}"}}'.encode()
        answers[number] = queue.store(PostedBody(body, "api:test"))

    try:
        threads = [threading.Thread(target=post, args=(n,)) for n in range(12)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
    finally:
        access.close()
    assert sorted(answers) == list(range(12))
    ids = [answer["ids"] for answer in answers.values()]  # type: ignore[index]
    assert all(len(found) == 1 for found in ids)
    assert len({found[0] for found in ids}) == 12
    assert max(answer["log_size"] for answer in answers.values()) == 34 + 12  # type: ignore[index]
