"""Writing API: the token, labels, ingest (durable, raw bytes kept), lock, checkpoints."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import orjson
import pytest
from fastapi.testclient import TestClient

from sitroom.archive_folder import ArchiveFolder
from sitroom.web.app import create_app
from tests.web.conftest import TOKEN, LiveServer, auth


def _first_id(client: TestClient, **params: object) -> str:
    body = client.get("/api/v1/messages", params={"limit": 1, **params}).json()
    return str(body["messages"][0]["id"])


def test_writes_need_the_token(writer: TestClient) -> None:
    label = {"message_id": _first_id(writer), "field": "help", "value": True}
    missing = writer.post("/api/v1/labels", json=label)
    assert missing.status_code == 401
    assert missing.headers["www-authenticate"] == "Bearer"
    wrong = writer.post("/api/v1/labels", json=label, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    for path in ("/api/v1/ingest", "/api/v1/checkpoints", "/api/v1/retrain"):
        assert writer.post(path, content=b"{}").status_code == 401, path
    assert writer.post("/api/v1/labels", json=label, headers=auth()).status_code == 201


def test_read_only_server_refuses_writes(client: TestClient) -> None:
    label = {"message_id": _first_id(client), "field": "help", "value": True}
    response = client.post("/api/v1/labels", json=label, headers=auth())
    assert response.status_code == 403
    assert client.post("/api/v1/ingest", content=b'{"text":"x"}', headers=auth()).status_code == 403


def test_labels_are_added_beside_annotations(writer: TestClient) -> None:
    message_id = _first_id(writer, q="shawarma")
    before = writer.get(f"/api/v1/messages/{message_id}").json()
    stored = writer.post("/api/v1/labels", headers=auth(), json={
        "message_id": message_id, "field": "category", "value": "not_humanitarian",
        "labelled_by": "amira"}).json()
    assert stored["labelled_by"] == "amira" and stored["labelled_at"].endswith("Z")
    writer.post("/api/v1/labels", headers=auth(), json={
        "message_id": message_id, "field": "help", "value": False})
    after = writer.get(f"/api/v1/messages/{message_id}").json()
    assert after["annotations"] == before["annotations"]
    assert [(x["field"], x["value"]) for x in after["labels"]] == [
        ("category", "not_humanitarian"), ("help", "false")]
    assert after["labels"][1]["labelled_by"] == "anonymous"
    recent = writer.get("/api/v1/labels").json()["labels"]
    assert recent[0]["message_id"] == message_id and len(recent) == 2
    queue = writer.get("/api/v1/labels/queue", params={"limit": 100}).json()["queue"]
    assert message_id not in {item["message"]["id"] for item in queue}
    margins = [item["margin"] for item in queue]
    assert margins == sorted(margins)


def test_bad_labels_are_refused(writer: TestClient) -> None:
    message_id = _first_id(writer)
    bad = [
        {"message_id": message_id, "field": "category", "value": "made_up"},
        {"message_id": message_id, "field": "help", "value": "perhaps"},
    ]
    for body in bad:
        assert writer.post("/api/v1/labels", headers=auth(), json=body).status_code == 400
    odd_field = {"message_id": message_id, "field": "lang", "value": "en"}
    assert writer.post("/api/v1/labels", headers=auth(), json=odd_field).status_code == 422
    ghost = {"message_id": "nope", "field": "help", "value": True}
    assert writer.post("/api/v1/labels", headers=auth(), json=ghost).status_code == 404


def test_ingest_object_array_and_ndjson(writer: TestClient) -> None:
    one = b'{"id": "n1", "text": "new report from Hanano", "created_at": "2016-12-14T01:00:00Z"}'
    third_raw = '{"id":"n3","text":"ثالث"}'.encode()
    array = b'[\n {"id": "n2", "text": "second"},\n ' + third_raw + b', {"text": 5}\n]'
    ndjson = b'{"id": "n4", "text": "fourth"}\n{"id": "n5", "text": "fifth"}\nnot json\n'
    first = writer.post("/api/v1/ingest", content=one, headers=auth()).json()
    assert first["new"] == 1 and len(first["ids"]) == 1 and first["checkpoint_size"] == 35
    second = writer.post("/api/v1/ingest?source=relief-bot&platform=telegram", content=array,
                         headers=auth()).json()
    assert (second["new"], second["rejected"]) == (2, 1)
    assert second["rejects"][0]["locator"].startswith("[2]")
    third = writer.post("/api/v1/ingest", content=ndjson, headers=auth()).json()
    assert (third["new"], third["rejected"]) == (2, 1)
    again = writer.post("/api/v1/ingest", content=one, headers=auth()).json()
    assert (again["new"], again["duplicate"], again["ids"]) == (0, 1, [])
    assert again["all_ids"] == first["ids"]
    stored = writer.get(f"/api/v1/messages/{second['ids'][1]}").json()
    assert stored["platform"] == "telegram" and stored["text"] == "ثالث"
    assert stored["provenance"]["source"] == "api:relief-bot"
    raw = writer.get(f"/api/v1/messages/{second['ids'][1]}/raw").content
    assert raw == third_raw
    bundle = writer.get(f"/api/v1/messages/{first['ids'][0]}/bundle")
    assert bundle.status_code == 200


def test_ingest_refuses_broken_or_empty_bodies(writer: TestClient) -> None:
    assert writer.post("/api/v1/ingest", content=b"  ", headers=auth()).status_code == 400
    broken = writer.post("/api/v1/ingest", content=b'[{"text": "a"}, {"text":', headers=auth())
    assert broken.status_code == 400
    assert writer.get("/api/v1/stats").json()["messages"] == 34
    bad_source = writer.post("/api/v1/ingest?source=../x", content=b'{"text":"a"}',
                             headers=auth())
    assert bad_source.status_code == 400


def test_ingest_answers_409_while_another_process_writes(writer: TestClient,
                                                         archive_copy: Path) -> None:
    other = ArchiveFolder.open(str(archive_copy))
    other.lock_for_writing()
    try:
        started = time.monotonic()
        busy = writer.post("/api/v1/ingest", content=b'{"text": "x"}', headers=auth())
        assert time.monotonic() - started < 5
        assert busy.status_code == 409
        assert busy.headers["retry-after"] == "5"
        assert "another sitroom process" in busy.json()["error"]["message"]
        label = {"message_id": _first_id(writer), "field": "help", "value": True}
        assert writer.post("/api/v1/labels", json=label, headers=auth()).status_code == 201
    finally:
        other.close()
    assert writer.post("/api/v1/ingest", content=b'{"text": "x"}', headers=auth()).json()["new"]


def test_checkpoint_endpoints(writer: TestClient) -> None:
    assert writer.get("/api/v1/checkpoints").json()["checkpoints"][0]["size"] == 34
    same = writer.post("/api/v1/checkpoints", headers=auth()).json()
    assert (same["size"], same["new"]) == (34, False)


def test_new_message_is_pending_until_checkpointed(archive_copy: Path) -> None:
    from sitroom.pipeline import IngestPipeline
    from sitroom.reading import InputSpec
    from sitroom.sources.base import SourceSettings

    extra = archive_copy.parent / "extra.jsonl"
    extra.write_text('{"id": "late", "text": "late message"}\n', encoding="utf-8")
    with ArchiveFolder.open(str(archive_copy)) as folder:
        new_id = IngestPipeline(folder, SourceSettings()).run([InputSpec(str(extra))]).new_ids[0]
    with TestClient(create_app(archive_copy, read_only=False, token=TOKEN)) as client:
        evidence = client.get(f"/api/v1/messages/{new_id}/evidence").json()
        assert evidence["checkpoint"]["status"] == "pending"
        assert client.get(f"/api/v1/messages/{new_id}/bundle").status_code == 409
        assert client.post("/api/v1/checkpoints", headers=auth()).json()["size"] == 35
        assert client.get(f"/api/v1/messages/{new_id}/bundle").status_code == 200


def _read_events(server: LiveServer, params: str, target: str,
                 found: list[dict[str, object]]) -> None:
    """Collect message events until one carries `target` (or 8 seconds pass)."""
    with httpx.stream("GET", f"{server.url}/api/v1/stream?{params}", timeout=10) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        started = time.monotonic()
        event = ""
        for line in response.iter_lines():
            if line.startswith("event:"):
                event = line.split(":", 1)[1].strip()
            elif line.startswith("data:") and event == "message":
                found.append({"at": time.monotonic(), **orjson.loads(line[5:])})
                if found[-1]["text"] == target:
                    return
            if time.monotonic() - started > 8:
                return


@pytest.mark.parametrize("params", ["", "q=flood"])
def test_stream_shows_new_messages_within_a_second(live_server: LiveServer, params: str) -> None:
    import threading

    text = f"flood in the old city {time.time_ns()}"
    found: list[dict[str, object]] = []
    reader = threading.Thread(target=_read_events, args=(live_server, params, text, found))
    reader.start()
    time.sleep(0.5)
    other = httpx.post(f"{live_server.url}/api/v1/ingest", headers=auth(),
                       content=orjson.dumps({"text": f"unrelated note {time.time_ns()}"}))
    assert other.status_code == 200
    sent = time.monotonic()
    posted = httpx.post(f"{live_server.url}/api/v1/ingest", headers=auth(),
                        content=orjson.dumps({"text": text}))
    assert posted.status_code == 200, posted.text
    reader.join(10)
    texts = [event["text"] for event in found]
    assert texts[-1:] == [text], texts
    assert float(str(found[-1]["at"])) - sent < 1.0
    assert len(texts) == (1 if params else 2)


def test_stream_sees_messages_stored_by_another_writer(live_server: LiveServer) -> None:
    """Messages ingested outside this server (say, `sitroom ingest`) arrive by polling."""
    import threading

    from sitroom.pipeline import IngestPipeline
    from sitroom.reading import InputSpec
    from sitroom.sources.base import SourceSettings

    text = f"stored by the command line {time.time_ns()}"
    found: list[dict[str, object]] = []
    reader = threading.Thread(target=_read_events, args=(live_server, "", text, found))
    reader.start()
    time.sleep(0.5)
    source = live_server.root.parent / "cli.jsonl"
    source.write_text(orjson.dumps({"text": text}).decode() + "\n", encoding="utf-8")
    with ArchiveFolder.open(str(live_server.root)) as folder:
        IngestPipeline(folder, SourceSettings()).run([InputSpec(str(source))])
    stored = time.monotonic()
    reader.join(10)
    assert [event["text"] for event in found][-1:] == [text]
    assert float(str(found[-1]["at"])) - stored < 1.0
