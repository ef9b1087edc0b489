"""The explorer in a real browser: Debian's Chromium driven by Playwright over a live server.

The store is the story corpus (tests/data/story) analysed by the real engine, plus one
hostile article; the server runs in a thread on a free 127.0.0.1 port. Screenshots go to a
temporary folder (or ONRECORD_SCREENSHOTS when set), whose path is printed. Skipped, with the
reason, when Playwright or /usr/bin/chromium is missing (``make test`` installs Chromium with
apt-get where it can).
"""
from __future__ import annotations

import os
import socket
import threading
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

pytestmark = pytest.mark.slow  # the story is analysed by the spaCy pipeline

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
STORY = Path(__file__).parent / "data" / "story"
HOSTILE = ("<script>window.pwned = 1</script>Hostile headline\n\n"
           "<img src=x onerror=\"window.pwned = 2\"> Mayor Ivo Brandt said \"<b>nothing</b> "
           "<a href='javascript:window.pwned=3'>here</a> </span><script>window.pwned = 4</script>\" "
           "at the meeting on Monday.\n\n"
           "\"We will look at <svg onload=window.pwned=5>,\" said the deputy mayor.\n")
#: How long the server may take to start: it answers in well under a second on one core;
#: 20 s leaves room for a machine busy with other test processes.
START_SECONDS = 20
#: Playwright's wait for any element or navigation, in ms: pages render in milliseconds;
#: 10 s only guards against a hung browser on a loaded machine.
WAIT_MS = 10_000


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    """The story articles and the hostile one, analysed and stored with the hashing embedder."""
    from onrecord.store.embeddings import HashingEmbedder
    from onrecord.store.bulk import ingest_paths

    work = tmp_path_factory.mktemp("browser")
    (work / "hostile.txt").write_text(HOSTILE, encoding="utf-8")
    (work / "hostile.meta.json").write_text('{"published": "2025-10-06", "outlet": "<i>Hostile</i>", '
                                            '"url": "https://hostile.example/x"}', encoding="utf-8")
    summary = ingest_paths([str(STORY), str(work / "hostile.txt")], work / "story.sqlite", embedder=HashingEmbedder())
    assert summary.added >= 10 and not summary.refused, summary
    return work / "story.sqlite"


def serve(store, **options):
    """The explorer over ``store`` on 127.0.0.1 at a free port, as ``onrecord serve`` builds it
    (``options`` go to ``create_app``); yields its URL, then stops it."""
    import uvicorn

    from onrecord.store.db import open_engine
    from onrecord.web.app import LOOPBACK_HOSTS, create_app

    engine = open_engine(store, create=False)[0]
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))  # the OS picks a free port; the bound socket is handed to uvicorn
    app = create_app(engine, allowed_hosts=LOOPBACK_HOSTS, **options)
    srv = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(target=srv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + START_SECONDS
    while not srv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert srv.started, "the explorer did not start"
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    srv.should_exit = True
    thread.join(START_SECONDS)
    sock.close()
    engine.dispose()


@pytest.fixture(scope="module")
def server(store):
    """The explorer on 127.0.0.1 at a free port."""
    yield from serve(store)


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, headless, launched by Playwright."""
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    """Where screenshots go: ONRECORD_SCREENSHOTS, else a temporary folder (printed)."""
    folder = Path(os.environ.get("ONRECORD_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    print(f"\nscreenshots in {folder}")
    return folder


@pytest.fixture
def page(browser):
    """A fresh page that records dialogs, page errors and CSP violations reported to the console."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(WAIT_MS)
    pg.events = []
    pg.on("dialog", lambda d: (pg.events.append(f"dialog {d.message}"), d.dismiss()))
    pg.on("pageerror", lambda e: pg.events.append(f"error {e}"))
    # a CSP violation (an inline script or handler refused) is reported as a console error;
    # so is the browser's own request for /favicon.ico, which the explorer does not serve
    pg.on("console", lambda m: pg.events.append(f"console {m.type}: {m.text}")
          if m.type == "error" and not (m.location.get("url") or "").endswith("/favicon.ico") else None)
    yield pg
    context.close()


def api(page, server: str, path: str):
    """GET a JSON route through the browser's own request context."""
    r = page.request.get(server + path)
    assert r.ok, (path, r.status)
    return r.json()


def test_article_view_click_shows_speaker_and_stance(page, server, shots):
    quell = next(p for p in api(page, server, "/api/people?per_page=100")["items"] if p["name"] == "Mara Quell")
    first = api(page, server, f"/api/people/{quell['id']}")["statements"][0]
    page.goto(f"{server}/articles/{first['article_id']}")
    assert page.locator("#detail .card").count() == 0
    quote = page.locator(f"#article-text .content[data-s~='{first['id']}']").first
    assert "Mara Quell" in quote.get_attribute("title")  # what a hover shows
    quote.click()
    detail = page.locator("#detail .card")
    detail.wait_for()
    assert "Mara Quell" in detail.locator(".who").inner_text()
    assert first["stance"] in detail.locator(".how").inner_text()
    assert page.locator("#article-text .active").count() >= 1
    page.screenshot(path=str(shots / "article.png"), full_page=True)
    assert page.events == []


def test_person_view_is_a_timeline_with_aliases(page, server, shots):
    solberg = next(p for p in api(page, server, "/api/people?per_page=100")["items"] if p["name"].endswith("olberg"))
    page.goto(f"{server}/people/{solberg['id']}")
    assert page.locator("h1.person-name").inner_text() == solberg["name"]
    dates = page.locator("ol.timeline li.event time.date").all_inner_texts()
    assert len(dates) == solberg["statements"] and dates == sorted(dates)
    assert len(page.locator(".alias").all_inner_texts()) == len([a for a in solberg["aliases"] if a != solberg["name"]])
    page.screenshot(path=str(shots / "person.png"), full_page=True)


def test_claim_view_links_to_the_exact_words(page, server, shots):
    top = api(page, server, "/api/claims?per_page=1")["items"][0]
    page.goto(f"{server}/claims/{top['id']}")
    roles = page.locator("ol.timeline .role").all_inner_texts()
    assert roles[0].lower() == "first reported" and len(roles) >= 3
    page.screenshot(path=str(shots / "claim.png"), full_page=True)
    link = page.locator("ol.timeline a.words").nth(1)
    words = link.inner_text()
    link.click()
    page.wait_for_url("**/articles/*#s*")
    active = page.locator("#article-text .content.active")
    active.first.wait_for()
    assert words.startswith(active.first.inner_text()[:20])  # the anchor lands on those very words
    assert page.locator("#detail .card").count() == 1
    page.screenshot(path=str(shots / "claim-to-article.png"))


def test_hostile_article_runs_nothing(page, server, shots):
    hostile = next(a for a in api(page, server, "/api/articles?per_page=100")["items"] if a["outlet"] == "<i>Hostile</i>")
    page.goto(f"{server}/articles/{hostile['id']}")
    text = page.locator("#article-text").inner_text()
    assert "<script>window.pwned = 1</script>" in text and "<svg onload=window.pwned=5>" in text
    for quote in page.locator("#article-text .content").all():
        quote.click()
    page.goto(f"{server}/search?q=pwned")
    assert page.evaluate("typeof window.pwned") == "undefined"
    assert page.locator("a[href^='javascript:' i]").count() == 0
    assert page.locator("#article-text script, #article-text img, #article-text svg").count() == 0
    assert page.events == []
    page.goto(f"{server}/articles/{hostile['id']}")
    page.screenshot(path=str(shots / "hostile.png"), full_page=True)
    assert page.evaluate("typeof window.pwned") == "undefined"


def test_error_page_and_search_in_the_browser(page, server):
    r = page.goto(f"{server}/claims/999999")
    assert r.status == 404 and "no claim c999999" in page.locator(".error .message").inner_text()
    page.goto(server + "/")
    page.fill("input[name=q]", "Solberg")
    page.press("input[name=q]", "Enter")
    page.wait_for_url("**/search?q=Solberg")
    assert page.locator("ol.hits li").count() >= 1



def test_the_page_hears_a_csp_violation_in_the_console(page, server):
    # the listener above is what the other tests rely on: an inline script added to a page
    # must be refused by the CSP, and the refusal must reach page.events
    page.goto(server + "/")
    assert page.events == []
    with page.expect_console_message(lambda m: "Content Security Policy" in m.text):
        page.evaluate("() => { const s = document.createElement('script'); s.textContent = 'window.pwned = 9';"
                      " document.body.appendChild(s); }")
    assert page.evaluate("typeof window.pwned") == "undefined"
    assert any(e.startswith("console error:") and "Content Security Policy" in e for e in page.events), page.events


def test_a_csv_download_keeps_the_filter(page, server, tmp_path):
    import csv

    articles = api(page, server, "/api/articles?per_page=100")
    outlet = next(f for f in articles["facets"]["outlet"] if f["count"] < articles["total"])
    page.goto(f"{server}/articles")
    page.fill("form.facets input[name=outlet]", outlet["value"])
    page.click("form.facets button[type=submit]")
    page.wait_for_url("**/articles?*outlet=*")
    shown = page.locator("table.list tbody tr").count()
    assert shown == outlet["count"]
    with page.expect_download() as info:
        page.click("p.downloads a.csv")
    path = tmp_path / "articles.csv"
    info.value.save_as(path)
    assert info.value.suggested_filename == "articles.csv"
    rows = list(csv.DictReader(path.open(encoding="utf-8", newline="")))
    assert len(rows) == outlet["count"] and {r["outlet"] for r in rows} == {outlet["value"]}
    assert page.events == []


def test_the_claim_chart_renders_with_its_marks(page, server, shots):
    top = api(page, server, "/api/claims?per_page=1")["items"][0]
    data = api(page, server, f"/api/claims/{top['id']}")
    dated = [p for p in data["chart"]["points"] if p["published"]]
    page.goto(f"{server}/claims/{top['id']}")
    img = page.locator("img.timeline-chart")
    img.wait_for()
    page.wait_for_function("() => document.querySelector('img.timeline-chart').complete")
    assert page.evaluate("() => document.querySelector('img.timeline-chart').naturalWidth") > 0
    page.screenshot(path=str(shots / "claim-chart.png"), full_page=True)
    assert page.events == []
    page.goto(f"{server}/claims/{top['id']}/chart.svg")  # the drawing itself, parsed by the browser
    assert page.locator("circle.dot").count() == len(dated) >= 2
    fills = set(page.eval_on_selector_all("circle.dot", "els => els.map(e => e.getAttribute('fill'))"))
    assert len(fills) >= 2  # coloured by relation
    legend = page.locator("rect.key").count()
    assert legend == len({p["relation"] for p in dated})


def test_the_side_panel_stays_in_view_for_a_quote_near_the_end(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 420})
    pg = context.new_page()
    pg.set_default_timeout(WAIT_MS)
    try:
        articles = pg.request.get(server + "/api/articles?per_page=100").json()["items"]
        longest = max(articles, key=lambda a: a["statements"])
        pg.goto(f"{server}/articles/{longest['id']}")
        last = pg.locator("#article-text .content").last
        last.scroll_into_view_if_needed()
        last.click()
        pg.locator("#detail .card").wait_for()
        box = pg.locator("#detail .who").bounding_box()
        assert box is not None and 0 <= box["y"] and box["y"] + box["height"] <= 420, box
        quote = last.bounding_box()  # and the words clicked are still in view beside it
        assert quote is not None and quote["y"] + quote["height"] > 0 and quote["y"] < 420, quote
        gaps = pg.locator("#article-text .gap").count()
        assert gaps >= 1
    finally:
        context.close()


def test_hostile_article_stays_inert_in_the_new_views(page, server):
    """The review queue, the filtered lists, the outlet grid and the charts show the hostile
    article's words and outlet as text: nothing runs, no element comes from them."""
    person = api(page, server, "/api/people?per_page=1")["items"][0]
    claims = api(page, server, "/api/claims")["items"]
    routes = ["/review", "/outlets/claims", "/outlets/claims.svg", "/articles?outlet=%3Ci%3EHostile%3C%2Fi%3E",
              f"/people/{person['id']}", f"/people/{person['id']}/chart.svg", "/search?q=pwned&since=2025-01-01"]
    routes += [f"/claims/{c['id']}/chart.svg" for c in claims[:3]]
    for route in routes:
        r = page.goto(server + route)
        assert r.status == 200, route
        assert page.evaluate("typeof window.pwned") == "undefined", route
        assert page.locator("script:not([src]), a[href^='javascript:' i]").count() == 0, route
        assert all("Hostile" not in el.text_content() for el in page.locator("i, b").all()), route
        assert page.locator("svg script, svg [onload], img[onerror]").count() == 0, route
    page.goto(server + "/review?per_page=100")  # the deputy mayor's quote, markup and all, as text
    assert "<svg onload=window.pwned=5>" in page.locator("body").inner_text()
    page.goto(server + "/articles?outlet=%3Ci%3EHostile%3C%2Fi%3E")
    assert "<i>Hostile</i>" in page.locator("body").inner_text()
    assert page.events == []
