"""A correction end to end in a real browser (Debian's Chromium through Playwright): enter the
token, change a speaker, see it after the reload and after the store is analysed again, undo
it; a wrong token writes nothing.

The store holds the hand-made story reports of tests/test_store.py (no spaCy needed); the
explorer runs with a token on a free 127.0.0.1 port. Skipped, with the reason, when
Playwright or /usr/bin/chromium is missing.
"""
from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")
pytest.importorskip("hnswlib")
sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")

CHROMIUM = "/usr/bin/chromium"
if not Path(CHROMIUM).exists():
    pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium): browser tests skipped", allow_module_level=True)

from test_store import story_reports  # noqa: E402
from test_web_browser import ARGS, WAIT_MS, serve  # noqa: E402

pytestmark = pytest.mark.slow  # a browser
TOKEN = "browser-token-123"


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    from onrecord.store.embeddings import HashingEmbedder
    from onrecord.store.ingest import Store

    path = tmp_path_factory.mktemp("wb") / "wb.sqlite"
    with Store.open(path, HashingEmbedder()) as s:
        for r in story_reports():
            s.add_report(r, source=f"{r.article.doc_id}.txt")
    return path


@pytest.fixture(scope="module")
def server(store):
    """The explorer with the write token, on 127.0.0.1 at a free port."""
    yield from serve(store, token=TOKEN)


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


def new_page(browser, answers: list[str]):
    """A page that answers each prompt with the next of ``answers`` and records every dialog
    and console error."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(WAIT_MS)
    pg.events = []

    def dialog(d):
        pg.events.append(f"{d.type} {d.message}")
        if d.type == "prompt" and answers:
            d.accept(answers.pop(0))
        else:
            d.dismiss()
    pg.on("dialog", dialog)
    pg.on("pageerror", lambda e: pg.events.append(f"error {e}"))
    pg.on("console", lambda m: pg.events.append(f"console {m.type}: {m.text}")
          if m.type == "error" and not (m.location.get("url") or "").endswith("/favicon.ico") else None)
    return context, pg


def log_size(store: Path) -> int:
    with sqlite3.connect(store) as conn:
        return conn.execute("SELECT count(*) FROM corrections").fetchone()[0]


def test_change_a_speaker_see_it_after_reload_and_undo_it(browser, server, store):
    context, pg = new_page(browser, [TOKEN, "Ann Editor"])
    try:
        pg.goto(f"{server}/articles/1")
        card = pg.locator(".cards .card").first
        form = card.locator("form.correct")
        form.locator("select[name=action]").select_option("speaker")
        form.locator("input[name=value]").fill("Nina Brandt")
        form.locator("input[name=by]").fill("Ann Editor")
        with pg.expect_navigation():
            form.locator("button[type=submit]").click()
        card = pg.locator(".cards .card").first
        assert "speaker: Mara Quell -> Nina Brandt" in " ".join(card.inner_text().split())
        assert card.locator("dd.who").inner_text().startswith("Nina Brandt")
        pg.reload()
        assert "Nina Brandt" in pg.locator(".cards .card").first.locator("dd.who").inner_text()
        # the store is analysed again while the explorer serves it: the correction is still there
        from onrecord.store.embeddings import HashingEmbedder
        from onrecord.store.ingest import Store
        from onrecord.store.sources import Item
        with Store.open(store, HashingEmbedder()) as s:
            done = s.reanalyse([Item(f"{r.article.doc_id}.txt", report=r) for r in story_reports()])
        assert len(done.reanalysed) == 4 and done.orphaned == []
        with sqlite3.connect(store) as conn:  # the rebuild may give the article a new id
            (article_id,) = conn.execute("SELECT id FROM articles WHERE source = ?",
                                         (f"{story_reports()[0].article.doc_id}.txt",)).fetchone()
        pg.goto(f"{server}/articles/{article_id}")
        card = pg.locator(".cards .card").first
        assert card.locator("dd.who").inner_text().startswith("Nina Brandt")
        assert "speaker: Mara Quell -> Nina Brandt" in " ".join(card.inner_text().split())
        # undo: the token is kept for the tab, the name is asked
        with pg.expect_navigation():
            pg.locator(".cards .card").first.locator("button.undo").click()
        card = pg.locator(".cards .card").first
        assert card.locator("dd.who").inner_text().startswith("Mara Quell")
        assert "undone by correction" in card.inner_text()
        assert [e for e in pg.events if not e.startswith("prompt")] == [], pg.events
        assert log_size(store) == 2
    finally:
        context.close()


def test_a_wrong_token_is_refused_and_writes_nothing(browser, server, store):
    before = log_size(store)
    context, pg = new_page(browser, ["not-the-token"])
    try:
        pg.goto(f"{server}/articles/2")
        form = pg.locator(".cards .card").first.locator("form.correct")
        form.locator("select[name=action]").select_option("reject")
        form.locator("input[name=by]").fill("Mallory")
        form.locator("button[type=submit]").click()
        pg.wait_for_function("document.readyState === 'complete'")
        deadline = time.monotonic() + WAIT_MS / 1000
        while not any(e.startswith("alert") for e in pg.events) and time.monotonic() < deadline:
            pg.wait_for_timeout(100)
        assert any(e.startswith("alert") and "token" in e for e in pg.events), pg.events
        assert log_size(store) == before
        assert "rejected" not in pg.locator(".cards .card").first.get_attribute("class")
    finally:
        context.close()


def test_review_queue_keyboard_accepts_and_rejects(browser, server, store):
    context, pg = new_page(browser, ["Ann Editor", TOKEN])
    try:
        pg.goto(f"{server}/review")
        left = int(pg.locator("#left").inner_text().split()[0])
        first = pg.locator("ol.queue li.item").first.get_attribute("data-s")
        with pg.expect_navigation():
            pg.keyboard.press("a")  # the first row has the focus
        assert int(pg.locator("#left").inner_text().split()[0]) == left - 1
        assert first not in [el.get_attribute("data-s") for el in pg.locator("ol.queue li.item").all()]
        pg.keyboard.press("j")
        second = pg.evaluate("document.activeElement.getAttribute('data-s')")
        with pg.expect_navigation():
            pg.keyboard.press("r")
        assert int(pg.locator("#left").inner_text().split()[0]) == left - 2
        with sqlite3.connect(store) as conn:
            got = conn.execute("SELECT target_id, action FROM corrections ORDER BY id DESC LIMIT 2").fetchall()
        assert got == [(int(second), "reject"), (int(first), "accept")]
        assert [e for e in pg.events if not e.startswith("prompt")] == [], pg.events
    finally:
        context.close()


def test_the_charts_render_with_their_marks(browser, server):
    context, pg = new_page(browser, [])
    try:
        pg.goto(f"{server}/people/1")
        img = pg.locator("figure.chart img.bars")
        pg.wait_for_function("document.querySelector('figure.chart img.bars').complete")
        assert img.evaluate("el => el.naturalWidth") == 640
        svg = pg.request.get(f"{server}/people/1/chart.svg").text()
        assert svg.count('<rect class="bar"') >= 1 and 'fill="#4a78b5"' in svg
        pg.goto(f"{server}/outlets/claims")
        pg.wait_for_function("document.querySelector('figure.chart img.grid').complete")
        assert pg.locator("figure.chart img.grid").evaluate("el => el.naturalWidth") > 0
        assert pg.request.get(f"{server}/outlets/claims.svg").text().count('<rect class="cell"') >= 1
        assert pg.events == [], pg.events
    finally:
        context.close()
