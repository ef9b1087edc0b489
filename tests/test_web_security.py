"""The explorer under attack (issue 7, parts 4 and 5): what tests/test_web.py does not already cover.

- schemathesis generates requests from /openapi.json: no operation answers 500, every error
  keeps the one shape;
- XSS through an article's title, a URL that breaks out of its attribute, and a search echoed
  back on the page;
- SQL injection and FTS5 query syntax through search: never a 500, the store unchanged and intact;
- traversal through API path parameters, oversized and malformed requests, writes without the
  token by other routes and methods; HEAD answered as GET without a body.

The load test of a real ``onrecord serve`` is ``bench/load_serve.py`` (outside the suite: it
measures time).
"""
from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("sqlalchemy")
pytest.importorskip("hnswlib")

from fastapi.testclient import TestClient  # noqa: E402
from markupsafe import escape  # noqa: E402

from onrecord.inputs.article import from_text  # noqa: E402
from onrecord.records import Attribution, Content, Entity, Span, Speaker  # noqa: E402
from onrecord.report import Report  # noqa: E402
from onrecord.store.embeddings import HashingEmbedder  # noqa: E402
from onrecord.store.ingest import Store  # noqa: E402
from onrecord.web.app import create_app  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
EVIL_TITLE = "<script>window.pwned=1</script><img src=x onerror=alert(1)>\"'><svg onload=alert(2)>"
#: An http(s) URL is linked: one that tries to close the href attribute must stay inside it.
EVIL_URL = "https://evil.example/a\"><script>window.pwned=2</script><a href=\"x"
TEXT = ("Dam repairs delayed\n\nEngineer Ola Brandt said that the spillway of the north dam "
        "would be repaired before the spring floods.\n")


def report(text: str, title: str | None, url: str | None, published: str) -> Report:
    mention = "Engineer Ola Brandt"
    words = text[text.index("that the spillway"):text.index("floods") + len("floods")]
    s, k, c = text.index(mention), text.index("said"), text.index(words)
    attr = Attribution(id="a1", kind="indirect", speaker=Speaker(s, s + len(mention), mention, "Ola Brandt", "PERSON"),
                       cue=Span(k, k + 4, "said"), content=Content(c, c + len(words), words, [(c, c + len(words))]),
                       stance="asserts")
    article = from_text(text, doc_id=f"d{published}", published=published, url=url)
    article.title = title
    return Report(article=article, attributions=[attr],
                  entities=[Entity("Ola Brandt", "PERSON", aliases=[mention], mentions=[(s, s + len(mention))])])


@pytest.fixture(scope="module")
def store_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("websec") / "sec.sqlite"
    with Store.open(path, HashingEmbedder()) as store:
        store.add_report(report(TEXT, "Dam repairs delayed", "https://plain.example/1", "2025-04-01"),
                         outlet="plain.example")
        store.add_report(report(TEXT.replace("north", "south") + "\n" + EVIL_TITLE + "\n", EVIL_TITLE, EVIL_URL,
                                "2025-04-02"), outlet="evil.example")
    return path


@pytest.fixture(scope="module")
def engine(store_path):
    from onrecord.store.db import open_engine
    eng = open_engine(store_path, create=False)[0]
    yield eng
    eng.dispose()


@pytest.fixture(scope="module")
def client(engine):
    return TestClient(create_app(engine), raise_server_exceptions=False)


def snapshot(path: Path) -> tuple:
    con = sqlite3.connect(path)
    try:
        assert con.execute("pragma integrity_check").fetchone()[0] == "ok"
        tables = [r[0] for r in con.execute("select name from sqlite_master where type='table' order by name")]
        return tuple(tables), tuple(con.execute(f'select count(*) from "{t}"').fetchone()[0]
                                    for t in ("articles", "statements", "entities", "claims"))
    finally:
        con.close()


def evil_id(client) -> int:
    return next(a["id"] for a in client.get("/api/articles").json()["items"] if a["outlet"] == "evil.example")


def no_markup_from_the_article(page: str) -> None:
    assert "<script>window" not in page and "<img src=x" not in page and "<svg" not in page
    tags = [re.sub(r'"[^"]*"', '""', t) for t in re.findall(r"<[^>]+>", page)]  # values are escaped
    assert not [t for t in tags if re.search(r"\son\w+\s*=", t)], "an event-handler attribute in a tag"
    assert re.findall(r"<script[^>]*>", page) in ([], ['<script src="/static/explorer.js" defer>'])


# -- XSS -------------------------------------------------------------------------------------------


def test_hostile_title_and_url_are_escaped_on_every_page(client):
    aid = evil_id(client)
    person = client.get("/api/people").json()["items"][0]["id"]
    claim = client.get("/api/claims").json()["items"][0]["id"]
    for url in ("/", "/articles", f"/articles/{aid}", f"/people/{person}", f"/claims/{claim}",
                "/search?q=spillway", "/search?q=pwned"):
        page = client.get(url).text
        no_markup_from_the_article(page)
    page = client.get(f"/articles/{aid}").text
    assert "&lt;script&gt;window.pwned=1&lt;/script&gt;" in page
    # the URL is http(s), so it is linked, but its quote cannot close the attribute
    hrefs = re.findall(r'href="([^"]*evil\.example[^"]*)"', page)
    assert hrefs and all("<" not in h and '"' not in h for h in hrefs)


@pytest.mark.parametrize("q", ["<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>",
                               "javascript:alert(1)", "</title><script>x</script>", "{{7*7}}", "{% raw %}"])
def test_search_words_are_echoed_escaped(client, q):
    r = client.get("/search", params={"q": q})
    assert r.status_code == 200
    # the words come back in the search box, escaped as an attribute value
    assert f'name="q" placeholder="Search words, claims, people" value="{escape(q)}"' in r.text
    if any(c in q for c in "<>\"'"):
        assert f'value="{q}"' not in r.text
    no_markup_from_the_article(r.text)
    assert "49" not in re.sub(r"\d{3,}", "", r.text) or "{{7*7}}" not in q  # no template evaluation
    assert client.get("/api/search", params={"q": q}).status_code == 200


def test_json_answers_are_json_not_html(client):
    r = client.get(f"/api/articles/{evil_id(client)}")
    assert r.headers["content-type"] == "application/json" and r.headers["x-content-type-options"] == "nosniff"
    assert r.json()["store"]["title"] == EVIL_TITLE  # kept exactly, as data


# -- SQL injection and FTS5 syntax -----------------------------------------------------------------

FTS_ATTACKS = ['"', '""', '"dam', "dam*", "*", "* dam", "NEAR(", "NEAR(dam spillway", "NEAR(dam spillway, 2)",
               "dam OR", "OR", "AND", "NOT dam", "dam NOT", "(dam", "dam)", "^dam", "title:dam", "text:dam",
               "{title text}:dam", "-dam", "+dam", ":", "dam:", "'", "'; DROP TABLE articles; --",
               "\"; DROP TABLE articles; --", "1' OR '1'='1", "dam' UNION SELECT sql FROM sqlite_master --",
               "articles_fts MATCH 'x'", "\\", "%", "_", "\x00", "dam\x00spillway", "🙂", "ﬁ", "dam" * 66]


@pytest.mark.parametrize("q", FTS_ATTACKS)
def test_search_syntax_is_words_not_sql(client, store_path, q):
    before = snapshot(store_path)
    for route in ("/api/search", "/search"):
        r = client.get(route, params={"q": q})
        assert r.status_code in (200, 422), (route, q, r.status_code)
    after = snapshot(store_path)
    assert after == before


def test_sql_in_search_finds_nothing_it_should_not(client):
    hits = client.get("/api/search", params={"q": "1' OR '1'='1"}).json()
    assert hits["articles"] == []  # not every article: the quote is a word boundary, not SQL


# -- paths, sizes, malformed requests --------------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/articles/..%2f..%2fetc%2fpasswd", "/api/articles/%2e%2e", "/api/articles/1;drop",
                                  "/api/people/-1", "/api/claims/c1", "/api/claims/1e9", "/api/articles/99999999999999999999999",
                                  "/api/articles/-99999999999999999999999", "/articles/99999999999999999999999",
                                  "/api/people/9223372036854775808", "/claims/99999999999999999999999",
                                  "/articles/..%2f..%2fapp.py", "/api/articles/%00", "/api/../app.py",
                                  "/static/%00", "/static/explorer.js%00.html", "/static/.%2e/app.py"])
def test_traversal_through_path_parameters(client, path):
    r = client.get(path)
    assert r.status_code in (404, 422), (path, r.status_code)
    assert b"import" not in r.content and b"root:" not in r.content


@pytest.mark.parametrize("query", ["page=0", "page=-1", "page=abc", "page=99999999999999999999999999", "per_page=0",
                                   "per_page=1e3", "per_page=%00", "status=confirmed%00"])
def test_malformed_parameters_are_422_not_500(client, query):
    r = client.get("/api/articles?" + query) if "status" not in query else client.get("/api/claims?" + query)
    assert r.status_code == 422, (query, r.status_code)
    error = r.json()["error"]
    assert error["status"] == 422 and query.split("=")[0] in error["message"]


def test_a_repeated_parameter_takes_its_last_value(client):
    r = client.get("/api/articles?page=1&page=2&per_page=1")
    assert r.status_code == 200 and r.json()["page"] == 2


def test_oversized_requests(client):
    assert client.get("/api/search", params={"q": "x" * 60_000}).status_code == 422
    r = client.get("/api/stats", headers={"x-padding": "y" * 60_000})
    assert r.status_code in (200, 400, 431)
    r = client.post("/api/articles", content=b"x", headers={"content-length": "99999999999999999999"})
    assert r.status_code in (403, 413)


@pytest.fixture
def writer(engine, store_path):
    from onrecord.report import Report as R
    app = create_app(engine, db=str(store_path), token="s3cret", max_body=4096, analyze=lambda a: R(article=a))
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


AUTH = {"authorization": "Bearer s3cret"}


@pytest.mark.parametrize("length", ["-1", "abc", "1.5", " 10", "0x10"])
def test_malformed_content_length_is_refused(writer, length):
    r = writer.post("/api/articles", content=b"Some text.", headers={**AUTH, "content-type": "text/plain",
                                                                      "content-length": length})
    assert r.status_code in (400, 413), (length, r.status_code)


@pytest.mark.parametrize("body, ctype, params", [
    (b"\xff\xfe\xfa broken bytes", "text/plain", {}),
    (b"\x00\x00\x00\x00", "text/plain", {}),
    (b"", "text/plain", {}),
    (b"<html><body><p>", "text/html", {}),
    (b"Ann said it rained on the dam.", "text/plain; charset=utf-16", {}),
    (b"Ann said it rained on the weir.", "text/plain", {"published": "2025-13-45"}),
    (b"Ann said it rained on the canal.", "text/plain", {"published": "'; DROP TABLE articles; --"}),
    (b"Ann said it rained on the lock.", "text/plain", {"url": "javascript:alert(1)"}),
    (b"Ann said it rained on the quay.", "text/plain", {"url": "x" * 3000}),
])
def test_malformed_article_bodies_are_refused_not_500(writer, store_path, body, ctype, params):
    r = writer.post("/api/articles", content=body, params=params, headers={**AUTH, "content-type": ctype})
    assert r.status_code in (200, 201, 415, 422), (r.status_code, r.text[:300])
    assert set(r.json()) >= ({"error"} if r.status_code >= 400 else {"status"})
    snapshot(store_path)  # integrity holds


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
def test_no_other_method_writes(writer, method):
    r = writer.request(method, "/api/articles", content=b"x", headers={**AUTH, "content-type": "text/plain"})
    assert r.status_code == 405


def test_token_is_only_taken_from_the_authorization_header(writer, store_path):
    before = snapshot(store_path)
    for params, headers in (({"token": "s3cret"}, {}), ({}, {"x-token": "s3cret"}), ({}, {"cookie": "token=s3cret"}),
                            ({}, {"authorization": "Bearer  s3cret\x00"}), ({}, {"authorization": "bearer"})):
        r = writer.post("/api/articles", content=b"A text.", params=params,
                        headers={"content-type": "text/plain", **headers})
        assert r.status_code == 401, (params, headers)
    assert client_post_page(writer) == 405
    assert snapshot(store_path) == before


def client_post_page(c) -> int:
    return c.post("/articles", content=b"A text.", headers={**AUTH, "content-type": "text/plain"}).status_code


# -- schemathesis over the OpenAPI description -----------------------------------------------------


@pytest.mark.slow  # heavy: a schemathesis run over the API
def test_schemathesis_finds_no_server_error(engine, store_path):
    schemathesis = pytest.importorskip("schemathesis")
    from hypothesis import HealthCheck, given, settings

    app = create_app(engine, db=str(store_path), token="s3cret", max_body=4096,
                     analyze=lambda a: Report(article=a))
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    failures, tried = [], 0
    for result in schema.get_all_operations():
        operation = result.ok()

        @settings(max_examples=25, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def check(case):
            nonlocal tried
            tried += 1
            response = case.call()
            if response.status_code >= 500:
                failures.append((case.method, case.formatted_path, case.query, response.status_code))
            if response.status_code >= 400 and case.path.startswith("/api"):
                body = response.json()
                assert set(body) == {"error"} and body["error"]["status"] == response.status_code

        check()
    assert tried > 50 and failures == []
    snapshot(store_path)


# -- HEAD ----------------------------------------------------------------------------------------


def test_head_is_answered_like_get_without_a_body(client):
    aid = evil_id(client)
    person = client.get("/api/people").json()["items"][0]["id"]
    for url in ("/", "/articles", f"/articles/{aid}", f"/api/articles/{aid}", f"/people/{person}",
                "/api/stats", "/search?q=dam", "/static/explorer.css", "/articles/999999", "/api/claims/999999"):
        get, head = client.get(url), client.head(url)
        assert head.status_code == get.status_code and head.status_code != 405, url
        assert head.content == b"" and get.content != b"", url
        assert head.headers["content-type"] == get.headers["content-type"], url
        assert head.headers["content-security-policy"] == get.headers["content-security-policy"], url
        if "content-length" in get.headers:
            assert head.headers["content-length"] == get.headers["content-length"], url


def test_head_never_writes(writer, store_path):
    before = snapshot(store_path)
    r = writer.head("/api/articles", headers=AUTH)
    assert r.status_code == 200 and r.content == b""
    assert snapshot(store_path) == before
