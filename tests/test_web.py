"""The explorer in process: routes, JSON twins, escaping, token, size limits, error shape, paths.

The store is built from hand-made Reports with the hashing embedder: no spaCy, no model.
"""
from __future__ import annotations

import asyncio
import re

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("sqlalchemy")
pytest.importorskip("hnswlib")

from fastapi.testclient import TestClient  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

from onrecord.inputs.article import from_text  # noqa: E402
from onrecord.records import Attribution, Content, Entity, Span, Speaker, When  # noqa: E402
from onrecord.report import Report  # noqa: E402
from onrecord.store.embeddings import HashingEmbedder  # noqa: E402
from onrecord.store.ingest import Store  # noqa: E402
from onrecord.web import highlight, views  # noqa: E402
from onrecord.web.app import HERE, LOOPBACK_HOSTS, create_app  # noqa: E402

CLAIM = "the Halden Water Authority had known since January that lead in the reservoir was above the limit"
ARTICLES = [
    ("Councillor Mara Quell said that " + CLAIM + ".\n\nPhoto: Courier staff\n", "Mara Quell",
     "Councillor Mara Quell", "said", "asserts", "2025-03-04", "https://courier.example/1"),
    ("Inspector Lena Vask confirmed that " + CLAIM + ".\n\nThe report runs to ninety pages.", "Lena Vask",
     "Inspector Lena Vask", "confirmed", "confirms", "2025-09-18", "https://ledger.example/2"),
]
FILLER = ("harbour ferry school clinic library tram depot market bridge tunnel park river museum hospital "
          "station airport canal theatre stadium garden archive bakery").split()
#: An article written to attack the page: scripts, event handlers, javascript: links, quotes
#: that look like HTML, in its text, title-like first line and URL.
EVIL_QUOTE = "\"<b>Nothing</b> <a href='javascript:window.pwned=3'>here</a> </span><script>window.pwned=4</script>\""
EVIL = ("<script>window.pwned = 1</script> Evil headline\n\n"
        "<img src=x onerror=\"window.pwned=2\"> Mayor Ivo Brandt said " + EVIL_QUOTE + " at the meeting.\n\n"
        "Read more: <a href=\"javascript:alert(1)\">javascript:alert(1)</a>\n")


def report(text: str, entity: str, mention: str, cue: str, stance: str, published: str, url: str | None,
           words: str | None = None) -> Report:
    """A Report with one attribution: ``mention`` ``cue`` ``words`` (default: the claim)."""
    words = words or ("that " + CLAIM)
    s, k, c = text.index(mention), text.index(cue), text.index(words)
    attr = Attribution(id="a1", kind="indirect", speaker=Speaker(s, s + len(mention), mention, entity, "PERSON"),
                       cue=Span(k, k + len(cue), cue), content=Content(c, c + len(words), words, [(c, c + len(words))]),
                       stance=stance)
    article = from_text(text, doc_id=f"doc{published}", published=published, url=url)
    return Report(article=article, attributions=[attr], entities=[Entity(entity, "PERSON", aliases=[mention],
                                                                         mentions=[(s, s + len(mention))])])


@pytest.fixture(scope="module")
def store_path(tmp_path_factory):
    """A small store: two articles on one claim and one hostile article."""
    path = tmp_path_factory.mktemp("web") / "web.sqlite"
    with Store.open(path, HashingEmbedder()) as store:
        for args in ARTICLES:
            store.add_report(report(*args), outlet=args[-1].split("/")[2])
        store.add_report(report(EVIL, "Ivo Brandt", "Mayor Ivo Brandt", "said", "asserts", "2025-10-01",
                                "javascript:window.pwned=5", words=EVIL_QUOTE), outlet="<i>evil</i>")
    return path


@pytest.fixture(scope="module")
def engine(store_path):
    """The store's engine, opened as the explorer opens it."""
    from onrecord.store.db import open_engine
    eng = open_engine(store_path, create=False)[0]
    yield eng
    eng.dispose()


@pytest.fixture(scope="module")
def client(engine):
    """A read-only explorer (no token)."""
    return TestClient(create_app(engine))


def no_analysis(article):
    """Ingest without spaCy: a report with no attributions."""
    return Report(article=article)


@pytest.fixture
def writer(engine, store_path):
    """A client whose explorer accepts articles with the token 's3cret'."""
    app = create_app(engine, db=str(store_path), token="s3cret", max_body=4096, analyze=no_analysis)
    with TestClient(app) as c:
        yield c


def article_id(client, outlet: str) -> int:
    """The id of the article of ``outlet``."""
    return next(a["id"] for a in client.get("/api/articles").json()["items"] if a["outlet"] == outlet)


# -- views and their JSON twins --------------------------------------------------------------


@pytest.mark.parametrize("page, twin", [("/", "/api/stats"), ("/articles", "/api/articles"),
                                        ("/people", "/api/people"), ("/claims", "/api/claims"),
                                        ("/search?q=reservoir", "/api/search?q=reservoir")])
def test_every_page_links_its_json_twin(client, page, twin):
    r = client.get(page)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert f'href="{twin}' in r.text
    assert client.get(twin).status_code == 200


def test_article_view_marks_content_speaker_and_cue(client):
    aid = article_id(client, "courier.example")
    data = client.get(f"/api/articles/{aid}").json()
    rec, ids = data["attributions"][0], data["store"]["attributions"][0]
    text, sid = data["text"], ids["statement_id"]
    assert rec["id"] == ids["id"] == "a1" and data["store"]["article_id"] == aid
    assert text[rec["content"]["start"]:rec["content"]["end"]] == "that " + CLAIM
    assert text[rec["speaker"]["start"]:rec["speaker"]["end"]] == "Councillor Mara Quell"
    assert text[rec["cue"]["start"]:rec["cue"]["end"]] == "said"
    page = client.get(f"/articles/{aid}").text
    assert f'<span id="s{sid}" class="anchor"></span><span class="content" data-s="{sid}"' in page
    assert re.search(r'class="speaker" data-s="\d+" title="Mara Quell: asserts">Councillor Mara Quell<', page)
    assert f'class="cue" data-s="{sid}" title="Mara Quell: asserts">said<' in page and f'id="card-{sid}"' in page


def test_boilerplate_is_marked_from_the_stored_structure(client):
    aid = article_id(client, "courier.example")
    data = client.get(f"/api/articles/{aid}").json()
    assert [b["text"] for b in data["structure"] if b["kind"] == "boilerplate"] == ["Photo: Courier staff"]
    assert '<span class="boilerplate">Photo: Courier staff</span>' in client.get(f"/articles/{aid}").text


def test_claim_view_links_each_event_to_its_words(client):
    claims = client.get("/api/claims").json()["items"]
    top = claims[0]
    data = client.get(f"/api/claims/{top['id']}").json()
    roles = [e["role"] for e in data["events"]]
    assert roles == ["first reported", "confirmed"]
    page = client.get(f"/claims/{top['id']}").text
    for ev in data["events"]:
        assert f'href="/articles/{ev["article_id"]}#s{ev["statement_id"]}"' in page
        assert f'id="s{ev["statement_id"]}"' in client.get(f"/articles/{ev['article_id']}").text


def test_claim_view_pages_its_events_and_keeps_counts_and_chart_whole(client):
    top = client.get("/api/claims").json()["items"][0]
    whole = client.get(f"/api/claims/{top['id']}").json()
    first = client.get(f"/api/claims/{top['id']}?per_page=1&page=1").json()
    second = client.get(f"/api/claims/{top['id']}?per_page=1&page=2").json()
    assert whole["total"] == 2 and whole["pages"] == 1 and len(whole["events"]) == 2
    assert (first["pages"], len(first["events"]), len(second["events"])) == (2, 1, 1)
    # the pages together are the whole timeline, in its order; the counts and chart cover both
    assert first["events"] + second["events"] == whole["events"]
    assert first["relations"] == second["relations"] == {"first reported": 1, "confirmed": 1}
    assert first["chart"] == second["chart"] == whole["chart"] and len(whole["chart"]["points"]) == 2
    assert client.get(f"/api/claims/{top['id']}?page=3&per_page=1").json()["events"] == []
    assert client.get(f"/api/claims/{top['id']}?per_page=101").status_code == 422
    page = client.get(f"/claims/{top['id']}").text
    assert "1 confirmed · 1 first reported" in page and 'rel="next"' not in page


def test_a_claim_of_many_statements_is_listed_a_hundred_at_a_time(tmp_path):
    """105 councillors repeat one claim: the page lists 100 and links to the other 5."""
    import random
    from onrecord.store.db import open_engine
    path = tmp_path / "many.sqlite"
    with Store.open(path, HashingEmbedder()) as store:
        for n in range(105):
            name = f"Ada Kestrel{n}"
            rng = random.Random(n)  # a paragraph of its own: no article is a near copy of another
            filler = " ".join(rng.choice(FILLER) for _ in range(60))
            text = f"Councillor {name} said that {CLAIM}.\n\n{filler}.\n"
            store.add_report(report(text, name, f"Councillor {name}", "said", "asserts",
                                    f"2025-{1 + n // 28:02d}-{1 + n % 28:02d}", f"https://n{n}.example/a"),
                             outlet=f"n{n}.example")
    eng = open_engine(path, create=False)[0]
    try:
        c = TestClient(create_app(eng))
        top = c.get("/api/claims").json()["items"][0]
        assert top["statements"] == 105
        first, rest = c.get(f"/claims/{top['id']}").text, c.get(f"/claims/{top['id']}?page=2").text
        assert first.count('class="event role-') == 100 and rest.count('class="event role-') == 5
        assert "statements 1–100 of 105" in first and 'rel="next" href="?page=2"' in first
        assert "statements 101–105 of 105" in rest and 'rel="prev" href="?page=1"' in rest
        second = c.get(f"/api/claims/{top['id']}?page=2").json()["events"]
        assert len(second) == 5 and f'href="{second[0]["anchor"]}"' in rest and f'href="{second[0]["anchor"]}"' not in first
        assert "104 repeated" in first and "104 repeated" in rest  # the counts cover every statement
    finally:
        eng.dispose()


def test_person_view_lists_aliases_and_statements(client):
    people = client.get("/api/people").json()["items"]
    quell = next(p for p in people if p["name"] == "Mara Quell")
    data = client.get(f"/api/people/{quell['id']}").json()
    assert data["total"] == 1 and data["statements"][0]["stance"] == "asserts"
    page = client.get(f"/people/{quell['id']}").text
    assert "Councillor Mara Quell" in page and 'class="timeline"' in page


def test_paging(client):
    first = client.get("/api/articles?per_page=1&page=1").json()
    second = client.get("/api/articles?per_page=1&page=2").json()
    assert first["total"] == 3 and first["pages"] == 3
    assert first["items"][0]["id"] != second["items"][0]["id"]
    assert 'rel="next"' in client.get("/articles?per_page=1&page=2").text
    assert client.get("/api/articles?per_page=101").status_code == 422  # MAX_PER_PAGE is 100


def test_search_marks_matched_words_escaped(client):
    page = client.get("/search?q=reservoir").text
    assert "<mark>reservoir</mark>" in page
    evil = client.get("/search?q=pwned").text
    assert "<script>window" not in evil and "&lt;script&gt;" in evil


# -- untrusted text ----------------------------------------------------------------------------


def test_hostile_article_is_escaped_everywhere(client):
    aid = article_id(client, "<i>evil</i>")
    pages = [client.get(u).text for u in (f"/articles/{aid}", "/articles", "/claims", "/people", "/")]
    for page in pages:
        assert "<script>window" not in page
        assert "<img" not in page and "<i>evil" not in page and "<b>Nothing" not in page
        assert not re.search(r"href=[\"']?\s*javascript:", page, re.I)
        assert not re.search(r"<[^>]+\son\w+=", page)  # no event-handler attribute in any tag
    article_page = pages[0]
    assert "&lt;script&gt;window.pwned = 1&lt;/script&gt;" in article_page
    assert 'class="source"' in article_page and "javascript:window.pwned=5" in article_page  # shown, not linked


def test_only_package_scripts_and_no_inline_script(client):
    aid = article_id(client, "<i>evil</i>")
    page = client.get(f"/articles/{aid}").text
    assert re.findall(r"<script[^>]*>", page) == ['<script src="/static/explorer.js" defer>']
    csp = client.get(f"/articles/{aid}").headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp


def test_no_template_marks_text_safe():
    for template in (HERE / "templates").glob("*.html"):
        assert "|safe" not in template.read_text().replace(" ", ""), template.name


def test_pieces_cover_the_text_exactly():
    text = "Ann said that it rained, Bob said."
    marks = [highlight.Mark(9, 23, "content", 1, anchor=True), highlight.Mark(0, 3, "speaker", 1),
             highlight.Mark(14, 23, "content", 2, anchor=True), highlight.Mark(25, 34, "boilerplate")]
    pieces = highlight.pieces(text, marks)
    assert "".join(p.text for p in pieces) == text
    overlap = next(p for p in pieces if p.text == "it rained")
    assert overlap.statements == [1, 2] and overlap.roles == {"content"}
    assert next(p for p in pieces if p.text == "that ").anchors == [1]
    assert overlap.anchors == [2]


def test_a_discontinuous_content_is_marked_piece_by_piece_with_one_anchor():
    text = '"We will," Ann said, "finish it."'
    rec = {"content": {"start": 0, "end": 33, "spans": [[0, 10], [21, 33]]},
           "speaker": {"start": 11, "end": 14}, "cue": {"start": 15, "end": 19}, "addressee": None}
    marks = highlight.record_marks(text, rec, 5)
    assert [(text[m.start:m.end], m.role, m.anchor) for m in marks] == [
        ('"We will,"', "content", True), ('"finish it."', "content", False), ("Ann", "speaker", False),
        ("said", "cue", False)]
    assert sum(p.anchors == [5] for p in highlight.pieces(text, marks)) == 1


def test_render_escapes_every_piece_and_title():
    text = "<b>x</b> said \"<script>y</script>\""
    marks = [highlight.Mark(0, 8, "speaker", 7), highlight.Mark(14, 35, "content", 7)]
    out = str(highlight.render(highlight.pieces(text, marks), {7: '"><script>z</script>'}))
    assert "<script>" not in out and "<b>" not in out
    assert "&lt;script&gt;y&lt;/script&gt;" in out and 'title="&#34;&gt;&lt;script&gt;z' in out


@pytest.mark.parametrize("url, ok", [("https://a.example/x", True), ("http://a", True),
                                     ("javascript:alert(1)", False), (" JavaScript:alert(1)", False),
                                     ("data:text/html,<script>", False), ("//evil.example", False), (None, False)])
def test_only_http_links(url, ok):
    assert (views.safe_href(url) is not None) is ok


def test_snippet_pieces():
    assert highlight.snippet_pieces("a «b» c «<d>»") == [("a ", False), ("b", True), (" c ", False), ("<d>", True)]


# -- writing: token, size, types ---------------------------------------------------------------


def test_read_only_by_default(client):
    r = client.post("/api/articles", content=b"Some text.", headers={"content-type": "text/plain"})
    assert r.status_code == 403 and "read-only" in r.json()["error"]["message"]


@pytest.mark.parametrize("auth", [None, "Bearer wrong", "Bearer s3cre", "s3cret", "Basic s3cret"])
def test_wrong_or_missing_token_is_refused(writer, auth):
    headers = {"content-type": "text/plain", **({"authorization": auth} if auth else {})}
    r = writer.post("/api/articles", content=b"Some text.", headers=headers)
    assert r.status_code == 401 and r.json()["error"]["status"] == 401
    assert r.headers["www-authenticate"] == "Bearer"


def test_token_adds_an_article_once(writer):
    headers = {"content-type": "text/plain", "authorization": "Bearer s3cret"}
    body = b"A new article about the weir, posted through the API."
    first = writer.post("/api/articles?published=2025-11-02&outlet=api.example", content=body, headers=headers)
    assert first.status_code == 201 and first.json()["status"] == "added"
    assert writer.get(first.json()["page"]).status_code == 200
    again = writer.post("/api/articles", content=body, headers=headers)
    assert again.status_code == 200 and again.json()["status"] == "duplicate"


def test_unsupported_content_type(writer):
    r = writer.post("/api/articles", content=b"{}", headers={"content-type": "application/json",
                                                             "authorization": "Bearer s3cret"})
    assert r.status_code == 415


def test_declared_body_over_the_limit_is_413(writer):
    r = writer.post("/api/articles", content=b"x" * 5000, headers={"content-type": "text/plain",
                                                                    "authorization": "Bearer s3cret"})
    assert r.status_code == 413 and r.json() == {"error": {"status": 413, "message": r.json()["error"]["message"]}}


def test_streamed_body_over_the_limit_is_413(writer):
    def chunks():  # no Content-Length: the limit is counted while reading
        for _ in range(10):
            yield b"y" * 1000
    r = writer.post("/api/articles", content=chunks(), headers={"content-type": "text/plain",
                                                                 "authorization": "Bearer s3cret"})
    assert r.status_code == 413


# -- errors, paths, hosts, OpenAPI -------------------------------------------------------------


@pytest.mark.parametrize("method, url, status", [
    ("GET", "/api/articles/999999", 404), ("GET", "/api/people/999999", 404), ("GET", "/api/claims/999999", 404),
    ("GET", "/api/articles/abc", 422), ("GET", "/api/claims?status=wrong", 422), ("GET", "/api/search", 422),
    ("GET", "/api/search?q=" + "x" * 201, 422), ("GET", "/api/nothing", 404), ("DELETE", "/api/articles/1", 405),
    ("POST", "/api/articles", 403)])
def test_api_errors_have_one_shape(client, method, url, status):
    r = client.request(method, url)
    assert r.status_code == status
    assert r.headers["content-type"] == "application/json"
    body = r.json()
    assert set(body) == {"error"} and set(body["error"]) == {"status", "message"}
    assert body["error"]["status"] == status and body["error"]["message"]


@pytest.mark.parametrize("url, status", [("/articles/999999", 404), ("/claims/999999", 404), ("/people/0", 404),
                                         ("/articles/abc", 422), ("/claims?status=wrong", 422), ("/nowhere", 404)])
def test_page_errors_are_pages(client, url, status):
    r = client.get(url)
    assert r.status_code == status and r.headers["content-type"].startswith("text/html")
    assert f'<section class="error" data-status="{status}">' in r.text
    assert "unsafe-inline" not in r.headers["content-security-policy"]


def raw_get(app, raw_path: bytes) -> tuple[int, bytes]:
    """Call the ASGI app with a path exactly as given (no client-side normalisation)."""
    path = raw_path.decode("latin-1")
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
             "scheme": "http", "path": path, "raw_path": raw_path, "query_string": b"", "root_path": "",
             "headers": [(b"host", b"testserver")], "client": ("127.0.0.1", 1), "server": ("testserver", 80)}
    sent = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    return status, b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")


@pytest.mark.parametrize("raw", [b"/static/../../etc/passwd", b"/static/../../../../../../etc/passwd",
                                 b"/static/..%2f..%2f..%2fetc%2fpasswd", b"/static/%2e%2e/%2e%2e/etc/passwd",
                                 b"/static/%252e%252e/etc/passwd", b"/static//etc/passwd",
                                 b"/static/..\\..\\etc\\passwd", b"/static/../app.py", b"/static/../templates/base.html"])
def test_no_path_reaches_the_filesystem(engine, raw):
    app = create_app(engine)
    status, body = raw_get(app, raw)
    assert status == 404, (raw, status)
    assert b"root:" not in body and b"import" not in body and b"{% block" not in body


def test_static_files_are_served(client):
    r = client.get("/static/explorer.js")
    assert r.status_code == 200 and "addEventListener" in r.text
    assert "nosniff" == r.headers["x-content-type-options"]


def test_loopback_explorer_refuses_other_hosts(engine):
    c = TestClient(create_app(engine, allowed_hosts=LOOPBACK_HOSTS), base_url="http://127.0.0.1:8000")
    assert c.get("/api/stats").status_code == 200
    r = c.get("/api/stats", headers={"host": "rebound.example:8000"})
    assert r.status_code == 400 and r.json()["error"]["status"] == 400


def test_openapi_describes_the_api(client):
    spec = client.get("/openapi.json").json()
    for path in ("/api/articles", "/api/articles/{article_id}", "/api/people/{entity_id}",
                 "/api/claims/{claim_id}", "/api/search", "/api/stats"):
        assert "get" in spec["paths"][path], path
    assert set(spec["paths"]["/api/articles"]["post"]["requestBody"]["content"]) == {"text/html", "text/plain"}
    assert not any(p.startswith("/articles") for p in spec["paths"])  # pages stay out of the API description


# -- the command --------------------------------------------------------------------------------


def test_serve_command_is_registered_with_an_example():
    from onrecord.cli import app
    r = CliRunner().invoke(app, ["serve", "--help"])
    assert r.exit_code == 0 and "Example: onrecord serve" in r.output and "ONRECORD_TOKEN" in r.output


def test_serve_on_a_missing_store_is_one_error(tmp_path):
    from onrecord.cli import app
    r = CliRunner().invoke(app, ["serve", "--db", str(tmp_path / "none.sqlite")])
    assert r.exit_code == 2 and "no store here yet" in r.output


# -- highlights come from the stored record ---------------------------------------------------

RECUR = ("Councillor Mara Quell, who said last year that she would resign, said on Monday to the "
         "residents of Halden that the dam was safe.\n")


def recurring_cue_report() -> Report:
    """An original article whose cue word "said" recurs next to the speaker: the record's cue is
    the second one; the first, in the appositive, sits nearer the speaker."""
    text = RECUR
    cue = text.index("said", text.index("resign"))
    words = "that the dam was safe"
    c, to, mon = text.index(words), text.index("the residents of Halden"), text.index("on Monday")
    attr = Attribution(id="a1", kind="indirect", speaker=Speaker(0, 21, text[0:21], "Mara Quell", "PERSON"),
                       cue=Span(cue, cue + 4, "said"), content=Content(c, c + len(words), words, [(c, c + len(words))]),
                       addressee=Span(to, to + 23, text[to:to + 23]),
                       when=When("on Monday", mon, mon + 9, "2025-03-03"), stance="asserts")
    article = from_text(text, doc_id="recur", published="2025-03-04", url="https://courier.example/recur")
    article.author = "Petra Lund"
    return Report(article=article, attributions=[attr],
                  entities=[Entity("Mara Quell", "PERSON", ["Councillor Mara Quell"], [(0, 21)])])


def test_the_highlighted_cue_is_the_records_span_where_the_cue_word_recurs(tmp_path):
    with Store.open(tmp_path / "recur.sqlite", HashingEmbedder()) as store:
        aid = store.add_report(recurring_cue_report(), outlet="courier.example").article_id
        app = create_app(store.engine)
        data = TestClient(app).get(f"/api/articles/{aid}").json()
        page = TestClient(app).get(f"/articles/{aid}").text
    rec = data["attributions"][0]
    first_said = RECUR.index("said")
    assert rec["cue"]["start"] == RECUR.index("said", RECUR.index("resign")) != first_said
    marks = highlight.record_marks(RECUR, rec, 1)
    assert [(m.start, m.end) for m in marks if m.role == "cue"] == [(rec["cue"]["start"], rec["cue"]["end"])]
    # the page marks the second "said" only: the appositive's stays plain text
    assert "who said last year" in page and 'who <span class="cue"' not in page
    assert re.search(r'resign, <span class="cue" data-s="\d+" title="Mara Quell: asserts">said</span>', page)
    assert re.search(r'<dd class="addressee">the residents of Halden</dd>', page)
    assert 'on Monday <span class="note">(2025-03-03)</span>' in page
    assert '<span class="author">Petra Lund</span>' in page


# -- the person page and the review queue read by index -----------------------------------------

def full_scans_of_statements(engine, client, url: str) -> list[str]:
    """The plan lines of every query ``url`` runs that read the statements table from end to
    end (SQLite's ``SCAN`` of it without an index): on a large store each costs a full read."""
    from sqlalchemy import event

    seen: list[str] = []  # every statement as SQLite ran it, its parameters written in

    def trace(dbapi_conn, _record) -> None:
        dbapi_conn.set_trace_callback(seen.append)

    engine.dispose()  # new connections, each tracing (the store's raw SQL goes past SQLAlchemy)
    event.listen(engine, "connect", trace)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(engine, "connect", trace)
        engine.dispose()
    selects = [q for q in seen if q.lstrip().upper().startswith("SELECT")]
    assert any("statements" in q for q in selects)
    scans = []
    with engine.connect() as conn:
        for statement in selects:
            for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement.replace("%", "%%")).fetchall():
                if re.fullmatch(r"SCAN (s|statements)( LEFT-JOIN)?", row[-1]):
                    scans.append(f"{row[-1]}: {statement[:160]}")
    return scans


def test_person_page_reads_only_that_persons_statements(engine, client):
    with engine.connect() as conn:
        quell = conn.exec_driver_sql("SELECT id FROM entities WHERE name = 'Mara Quell'").scalar()
    assert full_scans_of_statements(engine, client, f"/people/{quell}") == []
    assert full_scans_of_statements(engine, client, f"/people/{quell}?stance=asserts&sort=newest") == []


def test_review_queue_reads_the_confidence_index(engine, client):
    assert full_scans_of_statements(engine, client, "/review") == []
    with engine.connect() as conn:
        plan = " ".join(r[-1] for r in conn.exec_driver_sql(
            "EXPLAIN QUERY PLAN SELECT s.id FROM statements s LEFT OUTER JOIN statement_overrides o "
            "ON o.statement_id = s.id WHERE s.kind <> 'stated' AND s.record IS NOT NULL AND o.review IS NULL "
            "ORDER BY json_extract(s.record, '$.confidence'), s.id LIMIT 20").fetchall())
    assert "ix_statements_review_confidence" in plan and "TEMP B-TREE" not in plan


def test_review_queue_order_is_the_confidence_order(engine):
    from onrecord.store import corrections as log
    with engine.connect() as conn:
        rows = conn.exec_driver_sql("SELECT s.id, json_extract(s.record, '$.confidence') FROM statements s "
                                    "WHERE s.kind <> 'stated' AND s.record IS NOT NULL").fetchall()
        found, left = log.unreviewed(conn, 100)
    wanted = sorted(rows, key=lambda r: (-1 if r[1] is None else r[1], r[0]))
    assert found == [tuple(r) for r in wanted] and left == len(rows) > 0


def test_serve_workers_app_takes_its_settings_from_the_environment(store_path, monkeypatch):
    from onrecord.web import cli as web_cli
    monkeypatch.setenv("ONRECORD_DB", str(store_path))
    monkeypatch.setenv("ONRECORD_TOKEN", "s3cret")
    monkeypatch.setenv("ONRECORD_MAX_BYTES", "1234")
    monkeypatch.setenv("ONRECORD_SERVE_LOOPBACK", "1")
    app = web_cli.worker_app()
    try:
        assert (app.state.db, app.state.token, app.state.max_body) == (str(store_path), "s3cret", 1234)
        assert app.state.allowed_hosts == LOOPBACK_HOSTS
        c = TestClient(app, base_url="http://127.0.0.1")
        assert c.get("/api/stats").status_code == 200
        assert c.get("/", headers={"host": "evil.example"}).status_code == 400
        assert c.post("/api/articles", content=b"x" * 2000, headers={"authorization": "Bearer s3cret"}).status_code == 413
    finally:
        app.state.engine.dispose()
    monkeypatch.setenv("ONRECORD_SERVE_LOOPBACK", "0")
    monkeypatch.delenv("ONRECORD_TOKEN")
    app = web_cli.worker_app()
    try:
        assert app.state.allowed_hosts is None and app.state.token is None
    finally:
        app.state.engine.dispose()


def test_serve_workers_keep_their_store_connections_open(store_path, monkeypatch):
    # a connection per route thread, kept: none opened and closed again at every busy moment
    from onrecord.web import cli as web_cli
    from onrecord.web.app import READ_THREADS
    monkeypatch.setenv("ONRECORD_DB", str(store_path))
    app = web_cli.worker_app()
    try:
        assert app.state.engine.pool.size() == READ_THREADS
    finally:
        app.state.engine.dispose()


def test_the_app_is_ready_before_its_first_request(engine):
    # every template compiled when the app is made, not by the first request that needs it
    app = create_app(engine)
    env = app.state.templates.env
    compiled = {key[1] for key in env.cache.keys()}
    assert set(env.list_templates()) <= compiled and "article.html" in compiled
    # started: the route threads sized, the start's objects frozen out of the collector; stopped: thawed
    import gc

    import anyio.to_thread

    from onrecord.web.app import READ_THREADS
    with TestClient(app) as c:
        assert c.portal.call(lambda: anyio.to_thread.current_default_thread_limiter().total_tokens) == READ_THREADS
        assert gc.get_freeze_count() > 0
        assert c.get("/api/stats").status_code == 200
    assert gc.get_freeze_count() == 0


def test_serve_help_offers_workers():
    from onrecord.cli import app
    r = CliRunner().invoke(app, ["serve", "--help"])
    assert r.exit_code == 0 and "--workers" in r.output


@pytest.mark.slow
def test_posted_articles_are_analysed_in_a_writer_process_and_stored_once(tmp_path):
    import os
    from pathlib import Path

    from onrecord.store.db import open_engine
    from onrecord.web import ingest

    db = tmp_path / "posted.sqlite"
    with Store.open(db, HashingEmbedder()) as store:
        store.add_report(report(*ARTICLES[0]), outlet="courier.example")
    app = create_app(open_engine(db, create=False)[0], db=str(db), token="t")
    text = "Posted story\n\nCouncillor Edda Marsh said on Monday that the depot would close in May.\n"
    try:
        with TestClient(app) as c:
            first = c.post("/api/articles", content=text.encode(), headers={"authorization": "Bearer t",
                                                                            "content-type": "text/plain"})
            again = c.post("/api/articles", content=text.encode(), headers={"authorization": "Bearer t",
                                                                            "content-type": "text/plain"})
            writer = app.state.writer
            assert writer is not None and app.state.store is None  # analysed out of the explorer's process
            pids = {p.pid for p in writer._processes.values()}
            assert pids and os.getpid() not in pids
        # leaving the client ran the app's shutdown: the writer saved the index and stopped
        assert app.state.writer is None
    finally:
        ingest.close(app)
        app.state.engine.dispose()
    assert (first.status_code, first.json()["status"]) == (201, "added") and first.json()["statements"] >= 1
    assert (again.status_code, again.json()["status"]) == (200, "duplicate")
    with open_engine(db, create=False)[0].connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM articles WHERE instr(text, 'depot') > 0").scalar() == 1
        n = conn.exec_driver_sql("SELECT count(*) FROM statements").scalar()
    import json
    from onrecord.store.embeddings import VectorIndex
    meta = json.loads(Path(str(db) + ".hnsw.json").read_text())
    assert len(VectorIndex.load(meta["dim"], Path(str(db) + ".hnsw"), meta["embedder"])) == n
