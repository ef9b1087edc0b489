"""One reader: the same inputs get the same verdict (and reason) from analyze, ingest, batch and the POST.

No spaCy here: each entry point runs with its analysis replaced by an empty Report, so what
is compared is the reading alone. The pages served on 127.0.0.1 are written for these tests.
"""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import BytesIO
from pathlib import Path

import pytest
from typer.testing import CliRunner

from onrecord.inputs import readers
from onrecord.inputs.article import from_html, from_text
from onrecord.report import Report

LIMIT = 4000  # bytes: the test's --max-bytes, so that "big.txt" is over it
TEXT = ("Ferry fares to rise in spring\n\nFares on the Kellbrook ferry will rise by a tenth in April, "
        "the operator said on Monday.\n\n\"Fuel has doubled in two years,\" said operator chief Ines Varro.\n")
PAGE = ("<html><head><title>Library hours cut</title><meta name='date' content='2026-02-03'></head><body>"
        "<article><h1>Library hours cut</h1><p>The Dunmere library will close on Sundays from March, "
        "the council said on Tuesday, after its budget was cut by a fifth.</p><p>\"We kept the weekday "
        "hours because that is when the schools use it,\" said councillor Oren Blake, who chairs the "
        "culture committee.</p><p>Readers have until the end of the month to return books borrowed "
        "for the holidays without a fine, the library added in a notice.</p></article></body></html>")
GERMAN = ("Die Stadtbibliothek von Dunmere bleibt ab März sonntags geschlossen, teilte der Gemeinderat am "
          "Dienstag mit. \"Wir haben die Öffnungszeiten unter der Woche behalten, weil die Schulen sie dann "
          "nutzen\", sagte Ratsmitglied Oren Blake, der den Kulturausschuss leitet. Leser können bis Ende "
          "des Monats ausgeliehene Bücher ohne Gebühr zurückgeben.")


def write_warc(path: Path) -> Path:
    """A WARC with a page (200), a 404 page, an image and a redirect."""
    warcio = pytest.importorskip("warcio", reason="reading WARC needs warcio (the store extra)")
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    assert warcio is not None
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for url, body, ctype, status in (
                ("https://www.dunmere-post.example/news/library-hours.html", PAGE.encode(), "text/html", "200 OK"),
                ("https://www.dunmere-post.example/gone", b"<html><body>Not here</body></html>", "text/html",
                 "404 Not Found"),
                ("https://www.dunmere-post.example/logo.png", b"\x89PNG\r\n", "image/png", "200 OK"),
                ("https://www.dunmere-post.example/old", b"<html></html>", "text/html", "301 Moved")):
            headers = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=BytesIO(body),
                                                          http_headers=headers,
                                                          warc_headers_dict={"WARC-Date": "2026-02-04T10:00:00Z"}))
    return path


@pytest.fixture
def inputs(tmp_path, monkeypatch) -> Path:
    """A folder of good and bad inputs of every kind."""
    monkeypatch.setenv("ONRECORD_MAX_BYTES", str(LIMIT))
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(TEXT, encoding="utf-8")
    (folder / "page.html").write_text(PAGE, encoding="utf-8")
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02 not an article")
    (folder / "blank.txt").write_text("   \n\n", encoding="utf-8")
    (folder / "big.txt").write_text("word " * 1000, encoding="utf-8")
    (folder / "dated.txt").write_text(TEXT, encoding="utf-8")
    (folder / "dated.meta.json").write_text('{"published": "2026-13-40"}', encoding="utf-8")
    (folder / "typed.txt").write_text(TEXT, encoding="utf-8")
    (folder / "typed.meta.json").write_text('{"url": ["https://x.example"]}', encoding="utf-8")
    lines = [json.dumps({"id": "fares", "doc": "other", "url": "https://www.harbour-news.example/fares",
                         "text": TEXT, "outlet": "Harbour News"}),
             json.dumps({"url": "https://www.dunmere-post.example/2026/library.html", "html": PAGE}),
             "this line is not JSON",
             json.dumps({"text": " "}),
             json.dumps({"url": 7, "text": TEXT}),
             json.dumps({"text": TEXT, "published": "yesterday"}),
             json.dumps(["a list"]),
             json.dumps({"title": "no article"}),
             json.dumps({"text": "word " * 1000})]
    (folder / "feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    write_warc(folder / "crawl.warc.gz")
    return folder


EXPECTED = {
    "good.txt": "ok", "page.html": "ok", "dated.txt": "'published': '2026-13-40' is not a real date "
                                                     "(expected YYYY-MM-DD)",
    "binary.txt": "binary file (NUL bytes), not an article", "blank.txt": "the file is empty",
    "big.txt": "is 5,000 bytes, over the 4,000-byte limit (set --max-bytes or ONRECORD_MAX_BYTES)",
    "typed.txt": "typed.meta.json: 'url' must be a string, not list",
    "feed.jsonl:1": "ok", "feed.jsonl:2": "ok", "feed.jsonl:3": "not JSON (Expecting value)",
    "feed.jsonl:4": "'text' is blank: no article in it", "feed.jsonl:5": "'url' must be a string, not int",
    "feed.jsonl:6": "'published': 'yesterday' is not a real date (expected YYYY-MM-DD)",
    "feed.jsonl:7": "not a JSON object (a list)", "feed.jsonl:8": "a record needs 'html' or 'text'",
    "feed.jsonl:9": "'text' is 5,000 bytes, over the 4,000-byte limit (set --max-bytes or ONRECORD_MAX_BYTES)",
    "crawl.warc.gz#1": "ok", "crawl.warc.gz#2": "HTTP status 404, not a page to read",
}


def _name(source: str, folder: Path) -> str:
    return source.replace(str(folder.resolve()) + "/", "").replace(str(folder) + "/", "")


def _empty(article, **_):
    return Report(article=article)


def test_the_reader_gives_each_input_its_verdict(inputs):
    got = {}
    for read in readers.read_all([str(inputs)]):
        if isinstance(read, readers.Failure):
            got[_name(read.source, inputs)] = read.reason
        else:
            got[_name(read.source, inputs)] = "ok"
    assert got == EXPECTED


def test_analyze_ingest_batch_agree_on_every_verdict(inputs, tmp_path, monkeypatch):
    verdicts = {"analyze": _analyze(inputs, monkeypatch), "ingest": _ingest(inputs, tmp_path),
                "batch": _batch(inputs, monkeypatch)}
    for name, got in verdicts.items():
        assert got == EXPECTED, name


def _analyze(folder: Path, monkeypatch) -> dict:
    from onrecord import cli, engine

    monkeypatch.setattr(cli, "_load_model", lambda model: None)
    monkeypatch.setattr(engine, "analyze_article", _empty)
    res = CliRunner().invoke(cli.app, ["analyze", str(folder), "--format", "json"])
    assert res.exit_code == 1  # some inputs were refused
    got = {}
    for line in res.stderr.splitlines():
        head = "onrecord: error: "
        assert line.startswith(head), line
        source, reason = line[len(head):].split(": ", 1)
        got[_name(source, folder)] = reason
    for report in json.loads(res.stdout):
        got[_name(report["metadata"]["source"], folder)] = "ok"
    return got


def _ingest(folder: Path, tmp_path: Path) -> dict:
    pytest.importorskip("sqlalchemy", reason="ingest needs the store extra")
    from onrecord.store.embeddings import HashingEmbedder
    from onrecord.store.ingest import Store, ingest_items
    from onrecord.store.sources import iter_items

    got = {}
    with Store.open(tmp_path / "s.sqlite", HashingEmbedder()) as store:
        def seen(outcome):
            got[_name(outcome.source, folder)] = outcome.reason if outcome.status == "refused" else "ok"
        ingest_items(store, iter_items([str(folder)]), analyze=_empty, on_outcome=seen)
    return got


def _batch(folder: Path, monkeypatch) -> dict:
    from onrecord.batch import inputs, worker

    monkeypatch.setattr(worker, "_analyse", lambda unit, article, model: "ok")
    got = {}
    for shard in inputs.plan([folder], done=set()):
        for unit in inputs.iter_shard(shard):
            result = worker.process(unit)
            got[_name(unit.source, folder)] = "ok" if result == "ok" else result.reason
    return got


def test_the_explorer_post_refuses_what_the_reader_refuses(inputs, tmp_path):
    pytest.importorskip("fastapi", reason="the explorer needs the web extra")
    from fastapi.testclient import TestClient

    from onrecord.store.db import open_engine
    from onrecord.store.embeddings import HashingEmbedder
    from onrecord.store.ingest import Store
    from onrecord.web.app import create_app

    db = tmp_path / "web.sqlite"
    Store.open(db, HashingEmbedder()).close()
    app = create_app(open_engine(db, create=False)[0], db=str(db), token="t", max_body=LIMIT, analyze=_empty)
    auth = {"authorization": "Bearer t"}
    with TestClient(app) as client:
        for name in ("good.txt", "binary.txt", "blank.txt", "big.txt", "page.html"):
            ctype = "text/html" if name.endswith(".html") else "text/plain"
            r = client.post("/api/articles", content=(inputs / name).read_bytes(),
                            headers={**auth, "content-type": ctype})
            if EXPECTED[name] == "ok":
                assert r.status_code in (200, 201), (name, r.text)
            elif name == "big.txt":
                assert r.status_code == 413  # the server refuses it before reading the body
            else:
                assert r.status_code == 422 and EXPECTED[name] in r.text, (name, r.text)
        r = client.post("/api/articles", content=TEXT.encode(), params={"published": "yesterday"},
                        headers={**auth, "content-type": "text/plain"})
        assert r.status_code == 422 and EXPECTED["feed.jsonl:6"] in r.text


def test_id_outlet_title_and_date_rules(inputs):
    got = {_name(a.source, inputs): a for a in readers.read_all([str(inputs)])
           if not isinstance(a, readers.Failure)}
    fares, library, page = got["feed.jsonl:1"], got["feed.jsonl:2"], got["crawl.warc.gz#1"]
    assert (fares.doc_id, fares.outlet) == ("fares", "Harbour News")  # `id` beats `doc`
    assert fares.title == "Ferry fares to rise in spring"  # the text's headline
    assert (library.doc_id, library.outlet, library.title) == ("library", "dunmere-post.example", "Library hours cut")
    assert got["good.txt"].doc_id == "good" and got["good.txt"].outlet is None
    assert page.doc_id == "library-hours" and page.published == "2026-02-03"  # the page's own date
    assert page.published_source == "html metadata"


def test_date_rule_record_then_option_then_page_then_crawl(tmp_path):
    pytest.importorskip("warcio", reason="reading WARC needs warcio (the store extra)")
    feed = tmp_path / "f.jsonl"
    feed.write_text(json.dumps({"html": PAGE, "published": "2026-01-30"}) + "\n" + json.dumps({"html": PAGE}) + "\n")
    own, plain = [readers.read(r, "2026-01-31") for r in readers.iter_jsonl(feed)]
    assert (own.published, own.published_source) == ("2026-01-30", "given")
    assert (plain.published, plain.published_source) == ("2026-01-31", "given")
    undated = PAGE.replace("<meta name='date' content='2026-02-03'>", "")
    warc = tmp_path / "c.warc.gz"
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter
    with warc.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        writer.write_record(writer.create_warc_record(
            "https://a.example/x", "response", payload=BytesIO(undated.encode()),
            http_headers=StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1"),
            warc_headers_dict={"WARC-Date": "2026-02-04T10:00:00Z"}))
    [crawled] = [readers.read(r) for r in readers.iter_warc(warc)]
    assert (crawled.published, crawled.published_source) == ("2026-02-04", "WARC-Date")


# -- reading real pages: warnings and language ----------------------------------------------

def test_a_page_whose_extraction_keeps_little_gets_a_warning():
    comments = "".join(f"<p>Reader {i} wrote that the library should stay open on Sundays, when families "
                       "use it, and that the council should find the money elsewhere.</p>" for i in range(40))
    page = ("<html><body><article><p>The Dunmere library, photographed on Monday.</p></article>"
            f"<section id='comments' class='comments'>{comments}</section></body></html>")
    article = from_html(page)  # the comments are left out: a caption is all that is kept
    assert any("1% of the page's" in w for w in article.warnings), article.warnings
    assert not from_html(PAGE).warnings  # a page that is mostly its article


def test_an_extraction_without_a_paragraph_gets_a_warning():
    article = from_html("<html><body><article><h1>Library hours cut</h1></article></body></html>")
    assert any("no paragraph" in w for w in article.warnings), (article.text, article.warnings)


def test_a_page_not_in_english_has_a_warning_and_no_rows():
    from onrecord.engine import analyze_article

    report = analyze_article(from_text(GERMAN, doc_id="bibliothek"))  # returns before any model loads
    assert report.article.language == "de" and report.attributions == [] and report.claims == []
    assert any("another language (de" in w for w in report.warnings)
    data = report.to_dict()
    assert data["metadata"]["language"] == "de" and data["warnings"] == report.warnings


def test_short_or_english_texts_are_english():
    from onrecord.engine import english

    assert english(from_text(GERMAN[:150]))  # under MIN_CHARS: too short to tell
    english_article = from_text(TEXT * 3)
    assert english(english_article) and english_article.language == "en" and not english_article.warnings


# -- fetching a URL ---------------------------------------------------------------------------

class _Pages(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server's name)
        routes = {"/library.html": (200, "text/html; charset=utf-8", PAGE.encode()),
                  "/logo.png": (200, "image/png", b"\x89PNG\r\n" * 10)}
        status, ctype, body = routes.get(self.path, (404, "text/html", b"<html><body>no such page</body></html>"))
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server(monkeypatch):
    """A web server on 127.0.0.1 serving one original page, an image, and 404 for the rest."""
    monkeypatch.setenv("ONRECORD_FETCH_PRIVATE", "1")
    monkeypatch.setenv("ONRECORD_FETCH_TIMEOUT", "5")
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Pages)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_a_url_is_fetched_and_read(server):
    article = readers.read(readers.fetch(f"{server}/library.html"))
    assert not isinstance(article, readers.Failure), article
    assert article.source_format == "html" and "councillor Oren Blake" in article.text
    assert article.url == f"{server}/library.html" and article.doc_id == "library"
    assert article.outlet == "127.0.0.1" and article.published == "2026-02-03"


def test_urls_that_cannot_be_read_are_one_clear_line_each(server, monkeypatch):
    import socket

    from onrecord import cli, engine

    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{s.getsockname()[1]}/x"
    monkeypatch.setattr(cli, "_load_model", lambda model: None)
    monkeypatch.setattr(engine, "analyze_article", _empty)
    res = CliRunner().invoke(cli.app, ["analyze", f"{server}/library.html", f"{server}/missing",
                                       f"{server}/logo.png", closed, "--format", "json"])
    assert res.exit_code == 1
    assert json.loads(res.stdout)["metadata"]["title"] == "Library hours cut"
    assert res.stderr.splitlines() == [
        f"onrecord: error: {server}/missing: HTTP status 404, not a page to read",
        f"onrecord: error: {server}/logo.png: not an HTML page (Content-Type: image/png)",
        f"onrecord: error: {closed}: cannot be fetched: no answer (connection refused or failed, timed "
        f"out, or over the {10 * 1024 * 1024:,}-byte limit)"]


def test_private_addresses_are_refused_unless_allowed(server, monkeypatch):
    monkeypatch.delenv("ONRECORD_FETCH_PRIVATE")
    failure = readers.fetch(f"{server}/library.html")
    assert isinstance(failure, readers.Failure)
    assert failure.reason == ("host '127.0.0.1' is a private or loopback address (127.0.0.1): not fetched "
                              "unless ONRECORD_FETCH_PRIVATE=1")
    unknown = readers.fetch("http://no-such-host.invalid/x")
    assert isinstance(unknown, readers.Failure) and "host 'no-such-host.invalid' not found" in unknown.reason


def test_a_url_list_is_fetched_line_by_line(server, tmp_path):
    urls = tmp_path / "reading.urls"
    urls.write_text(f"# to read\n{server}/library.html\n\nnot-a-url\n{server}/missing  # gone\n")
    got = [(r.source, r.reason if isinstance(r, readers.Failure) else "ok")
           for r in readers.read_all([str(urls)])]
    assert got == [(f"{server}/library.html", "ok"), (f"{urls}:4", "'not-a-url' is not an http(s) URL"),
                   (f"{server}/missing", "HTTP status 404, not a page to read")]


def test_ingest_prints_a_line_for_each_reading_warning(tmp_path):
    pytest.importorskip("sqlalchemy", reason="ingest needs the store extra")
    from onrecord import cli

    (tmp_path / "bibliothek.txt").write_text(GERMAN, encoding="utf-8")
    res = CliRunner().invoke(cli.app, ["ingest", str(tmp_path / "bibliothek.txt"), "--db",
                                       str(tmp_path / "s.sqlite"), "--embedder", "hashing"])
    assert res.exit_code == 0, res.output
    assert (f"onrecord: warning: {tmp_path / 'bibliothek.txt'}: the text is in another language (de"
            in " ".join(res.stderr.split()))


def test_blank_html_gives_way_to_text_and_both_blank_is_refused():
    both = readers.jsonl_record(json.dumps({"html": " ", "text": TEXT}), "f.jsonl:1", "f-1")
    assert isinstance(both, readers.Record) and both.kind == "text"
    blank = readers.jsonl_record(json.dumps({"html": "", "text": "\n"}), "f.jsonl:2", "f-2")
    assert isinstance(blank, readers.Failure) and blank.reason == "'html' is blank: no article in it"


def test_analyze_json_carries_the_language_warning_and_says_it_on_stderr(tmp_path, monkeypatch):
    from onrecord import cli

    monkeypatch.setattr(cli, "_load_model", lambda model: None)  # a German text never needs the model
    (tmp_path / "bibliothek.txt").write_text(GERMAN, encoding="utf-8")
    res = CliRunner().invoke(cli.app, ["analyze", str(tmp_path / "bibliothek.txt"), "--format", "json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["metadata"]["language"] == "de" and data["attributions"] == []
    assert len(data["warnings"]) == 1 and "another language (de" in data["warnings"][0]
    assert res.stderr.startswith(f"onrecord: warning: {tmp_path / 'bibliothek.txt'}: the text is in another")


def test_a_file_keeps_its_name_as_doc_beside_a_sidecar_url(tmp_path):
    (tmp_path / "03-fares.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "03-fares.meta.json").write_text('{"url": "https://www.harbour-news.example/2026/fares-rise"}')
    (tmp_path / "04-named.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "04-named.meta.json").write_text('{"id": "fares-again", "outlet": "Harbour News"}')
    fares, named = readers.read_all([str(tmp_path)])
    assert (fares.doc_id, fares.outlet, fares.url) == ("03-fares", "harbour-news.example",
                                                      "https://www.harbour-news.example/2026/fares-rise")
    assert (named.doc_id, named.outlet) == ("fares-again", "Harbour News")
