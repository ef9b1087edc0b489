"""Hostile articles through ingest, the explorer and batch: stored as read, shown escaped, bad ones reported.

The articles are original, written for onrecord: markup in the headline, the speaker's name,
the words said, the title, the outlet and the URL; bidi controls, zero-width characters, NUL,
CR and CRLF (a file with NUL is refused as binary; NUL comes in a JSONL record). Ingest reads them with the real readers (text files with metadata, HTML, JSONL);
the attribution stage is replaced by a small one that takes "NAME said WORDS" line by line, so
the store holds people, statements and claims made of the hostile text without loading spaCy.
Every explorer page and its JSON twin that shows them answers 200, with nothing of the article
as markup; the JSON gives the text back exactly as the reader read it. A batch over hostile
and bad inputs reports each bad one and completes the rest (slow: spaCy).
"""
from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("sqlalchemy")
pytest.importorskip("hnswlib")

from fastapi.testclient import TestClient  # noqa: E402

from onrecord.records import Attribution, Content, Entity, Span, Speaker  # noqa: E402
from onrecord.report import Report  # noqa: E402
from onrecord.store import sources  # noqa: E402
from onrecord.store.db import open_engine  # noqa: E402
from onrecord.store.embeddings import HashingEmbedder  # noqa: E402
from onrecord.store.bulk import ingest_paths  # noqa: E402
from onrecord.web.app import create_app  # noqa: E402

MARKUP = "<script>window.pwned=1</script>"
TEXTS = {
    "markup.txt": (f"{MARKUP} Harbour vote\n\n"
                   "<b onmouseover=alert(1)>Ivo Brandt</b> said the harbour fee would rise "
                   "</textarea><img src=x onerror=alert(2)> next spring.\n\n"
                   "Councillor Pia Lund said \"<svg onload=alert(3)>\" was all she would put in writing.\n"),
    "bidi.txt": ("Ferry timetable\u202e reversed\n\n"
                 "Mayor Ann\u200b Lee\u202c said the \u2066ferry\u2069 would run every \u200fhour.\n\n"
                 "\ufeffDeputy Tor\u200d Vik said the pier was \u202bsafe\u202c.\n"),
    "cr.txt": ("Depot closes\r\n\r\nOla Brandt said the depot would close in May.\r\n"
               "Mara Quell said\rthe depot had been sold.\r"),
}
META = {"markup.txt": {"title": f"{MARKUP}<i>title</i>", "outlet": "<i>Hostile</i> Post",
                       "url": "https://hostile.example/a\"><script>window.pwned=4</script>",
                       "published": "2025-05-01"},
        "bidi.txt": {"outlet": "\u202eBidi Times", "url": "javascript:alert(5)", "published": "2025-05-02"}}
HTML = ("<html><head><title>Canal \"vote\" &lt;script&gt;alert(6)&lt;/script&gt;</title></head><body><article>"
        "<h1>Canal vote</h1><p>Engineer Rhea Castell said the &lt;b&gt;canal&lt;/b&gt; lock would close "
        "for repairs in June.</p><p><a href=\"javascript:alert(7)\">Read more</a></p></article></body></html>")
JSONL = [
    {"url": "https://hostile.example/j1", "title": "</title><script>window.pwned=8</script>",
     "outlet": "<img src=x onerror=alert(9)>", "published": "2025-05-03",
     "text": "Tunnel\x00 row\n\nBob <u>Renn</u>\x00 said the tunnel would open \u202ein June\u202c.\n"},
    {"url": "https://hostile.example/j2", "text": " \n\t "},  # blank: refused
    {"url": ["https://hostile.example/j3"], "text": "Ann Lee said it rained."},  # wrong type: refused
]


def said(article) -> Report:
    """A stand-in attribution stage: "NAME said WORDS." on one line, NAME a person."""
    text = article.text
    attrs, ents = [], {}
    for m in re.finditer(r"(?m)^([^\r\n]+?) said ([^\r\n]+?)\.?[\r\n]*$", text):
        s, e = m.span(1)
        c, ce = m.span(2)
        k = text.index("said", e)
        name = text[s:e]
        attrs.append(Attribution(f"a{len(attrs) + 1}", "indirect", Speaker(s, e, name, name, "PERSON"), Span.of(text, k, k + 4),
                                 Content.of_pieces(text, [(c, ce)])))
        ents.setdefault(name, Entity(name, "PERSON", [name], [])).mentions.append((s, e))
    return Report(article=article, attributions=attrs, entities=list(ents.values()))


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    src = tmp_path_factory.mktemp("hostile-in")
    for name, text in TEXTS.items():
        (src / name).write_bytes(text.encode("utf-8"))
        if name in META:
            (src / name.replace(".txt", ".meta.json")).write_text(json.dumps(META[name]), encoding="utf-8")
    (src / "canal.html").write_text(HTML, encoding="utf-8")
    (src / "feed.jsonl").write_text("".join(json.dumps(r) + "\n" for r in JSONL), encoding="utf-8")
    (src / "binary.txt").write_bytes(b"\x00\x01\x02\xff" * 64)
    return src


@pytest.fixture(scope="module")
def ingested(folder, tmp_path_factory):
    db = tmp_path_factory.mktemp("hostile-db") / "h.sqlite"
    summary = ingest_paths([str(folder)], db, embedder=HashingEmbedder(), analyze=said)
    return db, summary


@pytest.fixture(scope="module")
def client(ingested):
    engine = open_engine(ingested[0], create=False)[0]
    yield TestClient(create_app(engine), raise_server_exceptions=False)
    engine.dispose()


def read_as_ingest(folder: Path) -> dict[str, str]:
    """What the readers make of each accepted input: its article text, by title."""
    return {i.article.title: i.article.text for i in sources.iter_items([str(folder)]) if i.article is not None}


def no_markup(page: str) -> None:
    """Nothing of the articles is a tag: no script but ours, no event handler, no javascript: link."""
    assert re.findall(r"<script[^>]*>", page) in ([], ['<script src="/static/explorer.js" defer>'])
    # onrecord's own charts, drawn on the server and shown as images (web/charts.py), are no article markup
    page = re.sub(r'<img class="(bars|grid|timeline-chart)" src="/(people/\d+/chart|outlets/claims|claims/\d+/chart)\.svg"',
                  "", page)
    for bad in ("<img", "<svg", "<b ", "<b>", "<u>", "<i>", "</textarea>", "<script>window"):
        assert bad not in page, bad
    tags = [re.sub(r'"[^"]*"', '""', t) for t in re.findall(r"<[^>]+>", page)]
    assert not [t for t in tags if re.search(r"\son\w+\s*=", t)], "an event-handler attribute"
    assert not re.search(r"""href\s*=\s*["']?\s*javascript:""", page, re.I)


def test_ingest_refuses_the_bad_inputs_naming_each_and_stores_the_rest(ingested):
    _, summary = ingested
    refused = {Path(src.split(":")[0]).name + (":" + src.split(":")[-1] if ".jsonl:" in src else ""): why
               for src, why in summary.refused}
    assert set(refused) == {"binary.txt", "feed.jsonl:2", "feed.jsonl:3"}, summary.refused
    assert "blank" in refused["feed.jsonl:2"] and "'url' must be a string" in refused["feed.jsonl:3"]
    assert summary.added == len(TEXTS) + 2  # the three texts, the HTML page, one JSONL record


def test_a_jsonl_record_of_blank_text_is_refused():
    item = sources.jsonl_item('{"text": " "}', "f.jsonl:1")
    assert item.article is None and "blank" in item.error
    assert sources.jsonl_item('{"text": " \\n\\t", "html": ""}', "f.jsonl:2").article is None
    assert sources.jsonl_item('{"text": "Ann said it rained."}', "f.jsonl:3").article is not None


def test_what_the_reader_accepts_is_stored_exactly(client, folder):
    read = read_as_ingest(folder)
    stored = {}
    for item in client.get("/api/articles?per_page=100").json()["items"]:
        art = client.get(f"/api/articles/{item['id']}").json()
        stored[art["metadata"]["title"]] = art["text"]
    assert stored == read
    assert any("\x00" in t for t in stored.values()) and any("\u202e" in t for t in stored.values())
    assert any("\r\n" in t for t in stored.values())


def test_every_page_and_its_json_twin_render_the_hostile_articles(client):
    articles = client.get("/api/articles?per_page=100").json()["items"]
    people = client.get("/api/people?per_page=100").json()["items"]
    claims = client.get("/api/claims?per_page=100").json()["items"]
    assert len(articles) == 5 and len(people) >= 6 and claims
    assert any("<b onmouseover" in p["name"] for p in people)  # a hostile name, kept as data
    urls = ["/", "/articles", "/people", "/claims", "/search?q=harbour", "/search?q=script",
            "/search?q=%3Cscript%3E", "/search?q=ferry", "/search?q=depot", "/search?q=tunnel",
            "/review", "/outlets/claims"]
    urls += [f"/articles/{a['id']}" for a in articles] + [f"/people/{p['id']}" for p in people]
    urls += [f"/claims/{c['id']}" for c in claims]
    for url in urls:
        page = client.get(url)
        assert page.status_code == 200, (url, page.status_code)
        assert page.headers["content-type"].startswith("text/html")
        no_markup(page.text)
        twin = client.get("/api" + url if url != "/" else "/api/stats")
        assert twin.status_code == 200, ("/api" + url, twin.status_code)
        json.loads(twin.text)
        assert twin.headers["content-type"] == "application/json"
    # the JSON and CSV twins of every list (web/downloads.py): data, never markup run
    lists = ["/articles", "/people", "/claims", "/search?q=harbour", "/search?q=%3Cscript%3E"]
    lists += [f"/people/{p['id']}" for p in people]
    for url in lists:
        path, _, query = url.partition("?")
        for fmt, kind in (("json", "application/json"), ("csv", "text/csv")):
            twin = client.get(f"{path}.{fmt}" + (f"?{query}" if query else ""))
            assert twin.status_code == 200 and twin.headers["content-type"].startswith(kind), (url, fmt)
            if fmt == "json":
                json.loads(twin.text)
            else:
                assert twin.headers["content-disposition"].startswith("attachment")
                cells = [c for row in csv.reader(io.StringIO(twin.text)) for c in row]
                assert not [c for c in cells if c[:1] in ("=", "+", "-", "@")], url
    # the charts (SVG drawn on the server): only onrecord's own tags, every name as text
    for url in (["/outlets/claims.svg"] + [f"/people/{p['id']}/chart.svg" for p in people]
                + [f"/claims/{c['id']}/chart.svg" for c in claims]):
        svg = client.get(url)
        assert svg.status_code == 200 and svg.headers["content-type"].startswith("image/svg+xml"), url
        assert set(re.findall(r"<(\w+)", svg.text)) <= {"svg", "title", "rect", "text", "line", "circle"}, url
        tags = [re.sub(r'"[^"]*"', '""', t) for t in re.findall(r"<[^>]+>", svg.text)]  # values are escaped
        assert not [t for t in tags if re.search(r"\son\w+\s*=|href", t)], url


def test_the_hostile_words_are_on_the_page_as_text(client):
    markup = next(a for a in client.get("/api/articles?per_page=100").json()["items"]
                  if a["outlet"] == "<i>Hostile</i> Post")
    page = client.get(f"/articles/{markup['id']}").text
    assert "&lt;script&gt;window.pwned=1&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(2)&gt;" in page
    assert "&lt;i&gt;Hostile&lt;/i&gt; Post" in page


# -- batch: the hostile and the bad together ------------------------------------------------------


@pytest.mark.slow
def test_a_batch_reports_each_bad_input_and_completes_the_rest(folder, tmp_path, pipeline):
    pq = pytest.importorskip("pyarrow.parquet")
    from onrecord.batch.layout import Layout
    from onrecord.batch.run import run_batch

    out = tmp_path / "out"
    summary = run_batch([str(folder)], out, workers=1)
    errors = [json.loads(line) for line in (out / "errors.jsonl").read_text().splitlines()]
    named = sorted(Path(e["source"]).name for e in errors)
    # the record whose url is a list: refused by ingest; batch may refuse it or drop the url
    # (the readers' verdicts are not yet one), never store the list
    url_list_refused = "feed.jsonl:3" in named
    assert named == ["binary.txt", "feed.jsonl:2"] + (["feed.jsonl:3"] if url_list_refused else []), errors
    assert all(e["reason"] for e in errors) and summary.failed == len(named)
    rows = [r for part in Layout(out).committed_parts("articles") for r in pq.read_table(part).to_pylist()]
    assert summary.articles == len(rows) == len(TEXTS) + 2 + (0 if url_list_refused else 1)
    assert all(r["url"] is None or isinstance(r["url"], str) for r in rows)
    texts = {json.loads(r["report"])["text"] for r in rows}
    assert {TEXTS["bidi.txt"], TEXTS["markup.txt"]} <= texts  # kept exactly, markup and controls
    assert any("\x00" in t for t in texts)  # the JSONL record's NUL
