"""The dashboard in a real browser (Playwright driving Debian's chromium).

Checks the feed, filters and the URL, the map, the message page with raw bytes and proof,
live updates, labelling, and that hostile messages stay inert text. Screenshots go to a
temporary folder, or to $SITROOM_SCREENSHOTS when set.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import orjson
import pytest

from tests.web.conftest import TOKEN, LiveServer, auth

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="Debian's chromium is not installed at /usr/bin/chromium (CI installs it)",
)

if CHROMIUM.exists():
    from playwright.sync_api import Browser, Dialog, Page, expect, sync_playwright

    # A loaded 2-core machine can be slow to render; the latency goals live in benchmarks.
    expect.set_options(timeout=15_000)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One headless chromium for the module."""
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where screenshots go."""
    chosen = os.environ.get("SITROOM_SCREENSHOTS")
    folder = Path(chosen) if chosen else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh page; fails the test if any dialog opened or any script error happened."""
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    opened = context.new_page()
    dialogs: list[str] = []
    errors: list[str] = []

    def refuse(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    opened.on("dialog", refuse)
    opened.on("pageerror", lambda error: errors.append(str(error)))
    yield opened
    pwned = opened.evaluate("window.__pwned")
    context.close()
    assert dialogs == [], f"a hostile message opened a dialog: {dialogs}"
    assert pwned is None, "a hostile message ran script"
    assert errors == [], errors


def _dashboard(page: Page, server: LiveServer, query: str = "") -> None:
    page.goto(f"{server.url}/{query}")
    expect(page.locator(".msg").first).to_be_visible()
    expect(page.locator("#live-state")).to_have_text("live")


def test_dashboard_shows_feed_timeline_map_overview(page: Page, live_server: LiveServer,
                                                    shots: Path) -> None:
    started = time.monotonic()
    _dashboard(page, live_server)
    expect(page.locator(".place-dot").first).to_be_attached()
    painted = time.monotonic() - started
    assert page.locator(".msg").count() == 34
    assert page.locator("svg.timeline .bar").count() > 10
    assert page.locator(".place-dot").count() >= 8
    expect(page.locator("#counts [data-kind=killed] .count-figure")).to_have_text("≥ 120")
    expect(page.locator(".feed-status")).to_have_text("34 matching")
    expect(page.locator(".msg .chip.cluster").first).to_contain_text("seen 240 times")
    page.screenshot(path=str(shots / "dashboard.png"))
    assert painted < 5


def test_filters_change_the_url_and_the_feed(page: Page, live_server: LiveServer,
                                             shots: Path) -> None:
    _dashboard(page, live_server)
    page.select_option("#f-category", "missing_or_found_people")
    expect(page).to_have_url(re.compile(r"category=missing_or_found_people"))
    expect(page.locator(".msg")).to_have_count(2)
    page.check("#f-help")
    expect(page).to_have_url(re.compile(r"help=true"))
    expect(page.locator(".msg")).to_have_count(2)
    page.click("#clear")
    expect(page.locator(".msg")).to_have_count(34)
    page.fill("#f-q", "trapped")
    page.press("#f-q", "Enter")
    expect(page).to_have_url(re.compile(r"q=trapped"))
    expect(page.locator(".msg")).to_have_count(6)
    page.go_back()
    expect(page.locator(".msg")).to_have_count(34)
    page.locator(".place-dot[data-key='90000003']").dispatch_event("click")
    expect(page).to_have_url(re.compile(r"place=90000003"))
    expect(page.locator(".msg")).to_have_count(4)
    expect(page.locator("#chips")).to_contain_text("place: Sukkari")
    page.screenshot(path=str(shots / "filtered.png"))
    page.click("#clear")
    expect(page.locator(".msg")).to_have_count(34)
    page.locator("svg.timeline .bar[data-hour='2016-12-12T08:00:00Z']").dispatch_event("click")
    expect(page).to_have_url(re.compile(r"since=2016-12-12T08%3A00%3A00Z&until=2016-12-12T09"))
    expect(page.locator(".msg")).to_have_count(2)
    shared = page.url
    page.goto(shared)
    expect(page.locator(".msg")).to_have_count(2)
    expect(page.locator("#f-since")).to_have_value("2016-12-12T08:00")


def test_search_keeps_the_chosen_order(page: Page, live_server: LiveServer) -> None:
    def shown() -> list[str]:
        expect(page.locator("#feed-list > .msg")).to_have_count(6)
        return list(page.locator("#feed-list > .msg").evaluate_all(
            "nodes => nodes.map(n => n.dataset.id)"))

    def api(order: str) -> list[str]:
        body = httpx.get(f"{live_server.url}/api/v1/messages",
                         params={"q": "trapped", "order": order}).json()
        return [m["id"] for m in body["messages"]]

    _dashboard(page, live_server, "?q=trapped")
    expect(page.locator("#f-order")).to_have_value("newest")
    assert shown() == api("newest")
    page.select_option("#f-order", "relevance")
    expect(page).to_have_url(re.compile(r"order=relevance"))
    page.wait_for_function("ids => [...document.querySelectorAll('#feed-list > .msg')]"
                           ".map(n => n.dataset.id).join() === ids.join()", arg=api("relevance"))
    page.select_option("#f-order", "newest")
    expect(page).not_to_have_url(re.compile(r"order="))
    page.wait_for_function("ids => [...document.querySelectorAll('#feed-list > .msg')]"
                           ".map(n => n.dataset.id).join() === ids.join()", arg=api("newest"))


def test_hostile_messages_render_as_inert_text(page: Page, live_server: LiveServer) -> None:
    _dashboard(page, live_server)
    feed = page.locator("#feed-list").inner_text()
    assert "<script>window.__pwned=1;alert(1)</script> need water in Sukkari" in feed
    assert '<img src=x onerror="window.__pwned=1;alert(1)"> family under rubble' in feed
    assert "[click](javascript:window.__pwned=1)" in feed
    assert '=HYPERLINK("http://evil.example/","click for aid")' in feed
    injected = page.locator("#feed-list script, #feed-list img, #feed-list svg foreignObject")
    assert injected.count() == 0
    assert page.locator("a[href^='javascript']").count() == 0
    page.locator("button.author", has_text="<b onmouseover=alert(1)>x</b>").hover()
    evil = page.locator(".chip.place", has_text='<svg onload="window.__pwned=1;alert(1)">')
    expect(evil).to_have_count(1)
    page.locator(".place-dot").last.hover(force=True)
    override = page.locator(".msg-text", has_text="evacuation bus")
    expect(override.locator(".esc")).to_have_text(["U+202E", "U+202C"])
    assert page.evaluate("getComputedStyle(document.body).direction") == "ltr"
    arabic = page.locator(".msg-text", has_text="هذه رسالتي الأخيرة")
    assert arabic.evaluate("node => getComputedStyle(node).direction") == "rtl"
    hostile = page.locator(".msg", has_text="Donate here")
    hostile.locator("a.details").click()
    expect(page.locator("#raw-bytes")).to_contain_text('"url": "javascript:alert(1)"')
    assert page.locator("a[href^='javascript']").count() == 0


def test_message_page_shows_raw_bytes_and_proof(page: Page, live_server: LiveServer,
                                                shots: Path) -> None:
    _dashboard(page, live_server, "?q=%22last%20hospital%22")
    page.locator(".msg a.details").first.click()
    expect(page).to_have_url(re.compile(r"/m/[0-9a-f]{20}$"))
    expect(page.locator("#raw-bytes")).to_contain_text('"text": "Last hospital in eastern Aleppo')
    expect(page.locator("#proof-status")).to_contain_text("inclusion proof verified")
    expect(page.locator("#proof-status")).to_contain_text("checkpoint signature valid")
    assert page.locator("#inclusion-proof li").count() >= 5
    href = page.locator("#bundle-link").get_attribute("href") or ""
    bundle = page.request.get(f"{live_server.url}{href}")
    assert bundle.status == 200 and bundle.body()[:2] == b"PK"
    page.screenshot(path=str(shots / "message.png"), full_page=True)
    page.locator(".crumbs a").click()
    expect(page.locator(".msg").first).to_be_visible()


def test_new_messages_appear_live(page: Page, live_server: LiveServer) -> None:
    _dashboard(page, live_server)
    text = f"Fire reported in Sukkari bakery {time.time_ns()}"
    posted = httpx.post(f"{live_server.url}/api/v1/ingest", headers=auth(),
                        content=orjson.dumps({"text": text, "author": "live_test"}))
    assert posted.status_code == 200
    expect(page.locator(".msg.fresh", has_text=text)).to_be_visible(timeout=3000)
    assert page.locator(".msg").first.inner_text().find(text) >= 0


def _labels_page_with_token(page: Page, live_server: LiveServer) -> None:
    """Open the labelling page and enter the write token the way a user does."""
    page.goto(f"{live_server.url}/labels")
    expect(page.locator(".queue-item").first).to_be_visible()
    page.click("#token-button")
    page.fill("#token-input", TOKEN)
    page.click("#token-save")
    expect(page.locator("#mode")).to_have_text("write access")


def test_labelling_with_the_token(page: Page, live_server: LiveServer, shots: Path) -> None:
    _labels_page_with_token(page, live_server)
    first = page.locator(".queue-item").first
    labelled = first.locator(".msg").get_attribute("data-id")
    first.locator("input[name=labelled_by]").fill("amira")
    first.locator("select[name=category]").select_option("caution_and_advice")
    first.get_by_role("button", name="Set category").click()
    expect(page.locator(".recent")).to_contain_text("amira")
    expect(page.locator(f".queue-item .msg[data-id='{labelled}']")).to_have_count(0)
    page.screenshot(path=str(shots / "labels.png"))
    detail = httpx.get(f"{live_server.url}/api/v1/messages/{labelled}").json()
    assert detail["labels"][0]["value"] == "caution_and_advice"


def test_retrain_button_shows_what_it_did(page: Page, live_server: LiveServer,
                                          shots: Path) -> None:
    from tests.web.fixture_archive import CORRECTIONS

    listed = httpx.get(f"{live_server.url}/api/v1/messages", params={"limit": 500}).json()
    ids = {m["platform_id"]: m["id"] for m in listed["messages"]}
    for platform_id, category in CORRECTIONS.items():
        stored = httpx.post(f"{live_server.url}/api/v1/labels", headers=auth(), json={
            "message_id": ids[platform_id], "field": "category", "value": category,
            "labelled_by": "amira"})
        assert stored.status_code == 201, stored.text
    _labels_page_with_token(page, live_server)
    page.click("#retrain")
    out = page.locator("#retrain-out")
    # earlier tests in this module may have labelled one more
    expect(out).to_contain_text(re.compile(r"Retrained from 1[23] labelled messages"),
                                timeout=90_000)
    expect(page.locator("#retrain-model")).to_contain_text("models/collection-")
    expect(page.locator("#retrain-accuracy")).to_contain_text("before")
    expect(out).to_contain_text("sitroom analyze")
    page.screenshot(path=str(shots / "retrained.png"), full_page=True)
