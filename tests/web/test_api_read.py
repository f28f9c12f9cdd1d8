"""Reading API over the fixture archive: pages, filters, detail, evidence, aggregates."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import orjson
from fastapi.testclient import TestClient

from sitroom.archive.bundle import verify_bundle
from tests.web.fixture_archive import MESSAGES

RAW_LINES = MESSAGES.read_bytes().splitlines()


def _ids(client: TestClient, **params: object) -> list[str]:
    response = client.get("/api/v1/messages", params={"limit": 500, **params})
    assert response.status_code == 200, response.text
    return [m["id"] for m in response.json()["messages"]]


def _by_platform_id(client: TestClient, platform_id: str) -> dict[str, object]:
    for message in client.get("/api/v1/messages", params={"limit": 500}).json()["messages"]:
        if message["platform_id"] == platform_id:
            return dict(message)
    raise AssertionError(platform_id)


def test_cursor_pages_cover_every_message_once(client: TestClient) -> None:
    seen: list[str] = []
    cursor = None
    for _ in range(20):
        params = {"limit": 7, "order": "newest", **({"cursor": cursor} if cursor else {})}
        body = client.get("/api/v1/messages", params=params).json()
        seen += [m["id"] for m in body["messages"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == len(RAW_LINES) == 34


def test_messages_carry_annotations_in_design_layout(client: TestClient) -> None:
    message = _by_platform_id(client, "7004")
    annotations = message["annotations"]
    assert isinstance(annotations, dict)
    assert annotations["category"]["step"] == "classify@1"
    assert annotations["cluster"]["size"] == 240
    assert annotations["places"]["value"][0]["geonameid"] == 90000001


def test_filters_narrow_the_feed(client: TestClient) -> None:
    everything = set(_ids(client))
    helped = set(_ids(client, help="true"))
    assert helped and helped < everything
    assert len(_ids(client, lang="ar")) == 6
    assert len(_ids(client, place="90000001")) == 6
    assert len(_ids(client, place="Aleppo")) == 11
    assert len(_ids(client, category="missing_or_found_people")) == 2
    assert len(_ids(client, author="un_news")) == 2
    assert len(_ids(client, platform="whatsapp")) == 2
    assert len(_ids(client, help="true", first_only="true")) < len(helped)
    hour = _ids(client, since="2016-12-12T10:00:00Z", until="2016-12-12T11:00:00Z")
    assert len(hour) == 4
    assert _ids(client, since="2016-12-12T10", until="2016-12-12T11") == hour
    assert len(_ids(client, min_priority=0.9)) == 7


def test_full_text_search_in_english_and_arabic(client: TestClient) -> None:
    assert len(_ids(client, q="trapped")) == 6
    assert len(_ids(client, q="حلب")) == 1
    assert len(_ids(client, q="محاصرون")) == 1
    assert len(_ids(client, q='"white helmets"')) == 1
    assert _ids(client, q="<script>") == _ids(client, q="script")
    body = client.get("/api/v1/messages", params={"q": "trapped", "help": "true"}).json()
    assert body["filters"]["text"] == "trapped"
    assert body["filters"]["help"] is True


def test_search_honours_the_chosen_order(client: TestClient) -> None:
    def created(**params: object) -> list[str]:
        response = client.get("/api/v1/messages", params={"limit": 500, **params})
        return [str(m["created_at"]) for m in response.json()["messages"]]

    newest = created(q="trapped", order="newest")
    assert len(newest) == 6 and newest == sorted(newest, reverse=True)
    assert created(q="trapped") != newest  # relevance is the API's default for text
    assert sorted(created(q="trapped")) == sorted(newest)
    body = client.get("/api/v1/messages", params={"q": "trapped", "order": "newest"}).json()
    assert body["filters"]["order"] == "newest"
    paged: list[str] = []
    cursor = None
    for _ in range(10):
        params = {"q": "trapped", "order": "newest", "limit": 4, "cursor": cursor}
        body = client.get("/api/v1/messages", params=params).json()
        paged += [str(m["created_at"]) for m in body["messages"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert paged == newest


def test_bad_input_is_a_clear_400(client: TestClient) -> None:
    for params in ({"q": "-alone"}, {"since": "yesterday"}, {"help": "maybe"},
                   {"order": "random"}, {"cursor": "x|y"}):
        response = client.get("/api/v1/messages", params=params)
        assert response.status_code == 400, params
        assert response.json()["error"]["message"]
    assert client.get("/api/v1/messages", params={"limit": 0}).status_code == 422


def test_message_detail_and_404(client: TestClient) -> None:
    message = _by_platform_id(client, "7011")
    detail = client.get(f"/api/v1/messages/{message['id']}").json()
    assert detail["text"].startswith("<script>")
    assert detail["provenance"]["importer"] == "jsonl@1"
    assert detail["labels"] == []
    missing = client.get("/api/v1/messages/does-not-exist")
    assert missing.status_code == 404
    assert missing.json()["error"]["type"] == "MessageNotFoundError"


def test_raw_bytes_are_the_original_line(client: TestClient) -> None:
    message = _by_platform_id(client, "7014")
    response = client.get(f"/api/v1/messages/{message['id']}/raw")
    assert response.headers["content-type"] == "application/octet-stream"
    assert response.headers["content-disposition"].startswith("attachment")
    assert response.content == RAW_LINES[14]
    assert "\u202e".encode() in response.content


def test_evidence_proves_inclusion_under_a_signed_checkpoint(client: TestClient) -> None:
    message = _by_platform_id(client, "7020")
    evidence = client.get(f"/api/v1/messages/{message['id']}/evidence").json()
    assert evidence["raw_verified"] is True
    assert evidence["raw"]["text"].encode() == RAW_LINES[20]
    entry = orjson.loads(evidence["log_entry"])
    assert entry["raw_sha256"] == message["raw_sha256"]
    checkpoint = evidence["checkpoint"]
    assert checkpoint["status"] == "covered"
    assert checkpoint["signature"] == "valid"
    assert checkpoint["inclusion"]["verified"] is True
    assert checkpoint["inclusion"]["leaf_index"] == message["log_seq"]


def test_bundle_download_verifies_offline(client: TestClient, tmp_path: Path) -> None:
    message = _by_platform_id(client, "7004")
    response = client.get(f"/api/v1/messages/{message['id']}/bundle")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/zip"
    bundle = tmp_path / "bundle.zip"
    bundle.write_bytes(response.content)
    assert "raw" in zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    key = client.get(f"/api/v1/messages/{message['id']}/evidence").json()["verifier_key"]
    report = verify_bundle(bundle, key)
    assert report.ok, report.problems


def test_aggregates(client: TestClient) -> None:
    timeline = client.get("/api/v1/timeline").json()
    assert sum(sum(h["counts"].values()) for h in timeline["hours"]) == 34
    assert timeline["categories"][0] == "requests_or_urgent_needs"
    assert timeline["from"] == "2016-12-12T08:00:00Z"
    helped = client.get("/api/v1/timeline", params={"help": "true"}).json()
    assert set(helped["categories"]) <= {"requests_or_urgent_needs",
                                          "rescue_volunteering_or_donation_effort",
                                          "missing_or_found_people",
                                          "infrastructure_and_utility_damage"}
    places = client.get("/api/v1/places").json()["places"]
    assert places[0] == {"key": "170063", "name": "Aleppo", "lat": places[0]["lat"],
                         "lon": 37.1343, "count": 11}
    orgs = client.get("/api/v1/entities", params={"kind": "orgs"}).json()["entities"]
    assert orgs[0] == {"name": "UN", "count": 4}
    overview = client.get("/api/v1/overview").json()
    killed = next(c for c in overview["counts"] if c["kind"] == "killed")
    assert (killed["latest"], killed["highest"], killed["reports"]) == (120, 120, 3)
    assert killed["messages"][0]["text"].startswith("UN: death toll")
    assert overview["totals"]["messages"] == 34
    clusters = client.get("/api/v1/clusters").json()["clusters"]
    assert clusters[0]["id"] == "c-trapped" and clusters[0]["stored"] == 5
    members = client.get("/api/v1/clusters/c-trapped").json()["messages"]
    assert len(members) == 5
    stats = client.get("/api/v1/stats").json()
    assert stats["messages"] == 34 and stats["read_only"] is True
    assert "requests_or_urgent_needs" in stats["taxonomy"]


def test_exports_follow_the_filter_and_guard_formulas(client: TestClient) -> None:
    csv_text = client.get("/api/v1/export", params={"format": "csv"}).content.decode("utf-8")
    assert csv_text.startswith("\ufeffid,")
    assert "'=HYPERLINK(" in csv_text
    assert "\n=HYPERLINK" not in csv_text and ",=HYPERLINK" not in csv_text
    lines = client.get("/api/v1/export", params={"format": "jsonl", "lang": "ar"}).content
    assert len(lines.splitlines()) == 6
    geo = client.get("/api/v1/export", params={"format": "geojson", "place": "Aleppo"}).json()
    assert geo["type"] == "FeatureCollection"
    assert all(f["geometry"]["type"] == "Point" for f in geo["features"])
    assert {f["properties"]["place"] for f in geo["features"]} >= {"Aleppo"}


def test_security_headers_and_no_cors(client: TestClient) -> None:
    page = client.get("/", headers={"Origin": "http://evil.example"})
    assert page.status_code == 200
    csp = page.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert page.headers["x-content-type-options"] == "nosniff"
    assert "access-control-allow-origin" not in page.headers
    api = client.get("/api/v1/stats", headers={"Origin": "http://evil.example"})
    assert "access-control-allow-origin" not in api.headers
    assert api.headers["cache-control"] == "no-store"
    assert client.get("/m/abc").status_code == 200
    html = page.text
    assert "<script type=\"module\" src=\"/static/js/app.js\"></script>" in html
    assert not re.search(r"<[^>]*\son\w+\s*=", html)  # no inline event handlers
    assert "<script>" not in html and "style=" not in html


def test_openapi_documents_the_api(client: TestClient) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in ("/api/v1/messages", "/api/v1/messages/{message_id}", "/api/v1/stats",
                 "/api/v1/timeline", "/api/v1/places", "/api/v1/clusters", "/api/v1/labels",
                 "/api/v1/checkpoints", "/api/v1/stream", "/api/v1/ingest", "/api/v1/export"):
        assert path in paths, path
