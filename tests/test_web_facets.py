"""The explorer's facets, sorts and downloads: every list filters in the store, sorts by its
documented keys, keeps its filters in its links, and has CSV and JSON twins; bad parameters
are 422; CSV cells cannot be formulas; the claim's timeline chart escapes its names.

The store is built from hand-made Reports with the hashing embedder: no spaCy, no model.
"""
from __future__ import annotations

import csv
import io
import re
from urllib.parse import parse_qs, urlsplit

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("sqlalchemy")
pytest.importorskip("hnswlib")

from fastapi.testclient import TestClient  # noqa: E402

from onrecord.inputs.article import from_text  # noqa: E402
from onrecord.records import Attribution, Content, Entity, Span, Speaker  # noqa: E402
from onrecord.report import Report  # noqa: E402
from onrecord.store import queries  # noqa: E402
from onrecord.store.embeddings import HashingEmbedder  # noqa: E402
from onrecord.store.ingest import Store  # noqa: E402
from onrecord.web import charts, facets  # noqa: E402
from onrecord.web.app import create_app  # noqa: E402

CLAIM = "the Orrin Ferry Company had cut the night crossings without telling the harbour board"
HOSTILE = '<script>alert 1</script> "Eve" & =SUM'
#: (text, speaker mention, entity, cue, stance, kind, act, confidence, published, outlet, title)
ROWS = [
    (f"Councillor Mara Quell said that {CLAIM}.", "Councillor Mara Quell", "Mara Quell", "said", "asserts",
     "indirect", "speech", 0.9, "2025-03-04", "Harlow Courier", "Ferry crossings cut"),
    (f"Harbour master Lena Vask confirmed that {CLAIM}.", "Harbour master Lena Vask", "Lena Vask", "confirmed",
     "confirms", "indirect", "speech", 0.4, "2025-09-18", "Tidewater Ledger", "Harbour master confirms"),
    (f"Ferry director Ivo Brandt denied that {CLAIM}.", "Ferry director Ivo Brandt", "Ivo Brandt", "denied",
     "denies", "indirect", "refusal", 0.7, "2025-06-01", "Harlow Courier", "=HYPERLINK(\"http://x.example\")"),
    (f"{HOSTILE} said that {CLAIM}.", HOSTILE, HOSTILE, "said", "asserts", "indirect", "speech", 0.6,
     "2025-07-15", "-cmd Gazette", "@Night ferries"),
]


def report(text, mention, entity, cue, stance, kind, act, confidence, published, outlet, title) -> Report:
    s, k, c = text.index(mention), text.index(cue), text.index("that " + CLAIM)
    words = "that " + CLAIM
    attr = Attribution(id="a1", kind=kind, speaker=Speaker(s, s + len(mention), mention, entity, "PERSON"),
                       cue=Span.of(text, k, k + len(cue)), content=Content.of_pieces(text, [(c, c + len(words))]),
                       stance=stance, act=act, confidence=confidence)
    article = from_text(text, doc_id=f"doc-{published}", published=published, url=f"https://{published}.example/")
    article.title = title
    return Report(article=article, attributions=[attr],
                  entities=[Entity(entity, "PERSON", aliases=[mention], mentions=[(s, s + len(mention))])])


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    from onrecord.store.db import open_engine
    path = tmp_path_factory.mktemp("facets") / "facets.sqlite"
    with Store.open(path, HashingEmbedder()) as store:
        for row in ROWS:
            store.add_report(report(*row), outlet=row[9])
    eng = open_engine(path, create=False)[0]
    yield eng
    eng.dispose()


@pytest.fixture(scope="module")
def client(engine):
    return TestClient(create_app(engine))


def ids_of(engine, name: str) -> int:
    return next(e.id for e in queries.find_entities(engine, name))


def read_csv(response) -> list[dict]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"].startswith("attachment;")
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))


# -- filters, in the store ----------------------------------------------------------------------


def test_articles_filter_by_outlet_and_dates_in_every_twin(client):
    whole = client.get("/articles.json").json()
    assert whole["total"] == 4
    q = "outlet=harlow%20courier&since=2025-05-01"
    page = client.get(f"/api/articles?{q}").json()
    assert [a["title"] for a in page["items"]] == ["=HYPERLINK(\"http://x.example\")"] and page["total"] == 1
    assert client.get(f"/articles.json?{q}").json()["items"] == page["items"]
    rows = read_csv(client.get(f"/articles.csv?{q}"))
    assert [r["published"] for r in rows] == ["2025-06-01"]
    until = client.get("/articles.json?until=2025-06-01").json()
    assert sorted(a["published"] for a in until["items"]) == ["2025-03-04", "2025-06-01"]


def test_article_sorts_and_the_outlet_facet(client):
    oldest = [a["published"] for a in client.get("/articles.json?sort=oldest").json()["items"]]
    assert oldest == sorted(oldest) and len(oldest) == 4
    newest = [a["published"] for a in client.get("/articles.json?sort=newest").json()["items"]]
    assert newest == sorted(oldest, reverse=True)
    by_outlet = [a["outlet"] for a in client.get("/articles.json?sort=outlet").json()["items"]]
    assert by_outlet == sorted(by_outlet, key=str.lower)
    counts = {f["value"]: f["count"] for f in client.get("/articles.json").json()["facets"]["outlet"]}
    assert counts == {"Harlow Courier": 2, "Tidewater Ledger": 1, "-cmd Gazette": 1}


def test_people_filter_by_their_statements_and_type(client):
    denied = client.get("/people.json?stance=denies").json()
    assert [p["name"] for p in denied["items"]] == ["Ivo Brandt"] and denied["total"] == 1
    ledger = client.get("/people.json?outlet=Tidewater%20Ledger").json()
    assert [p["name"] for p in ledger["items"]] == ["Lena Vask"]
    assert client.get("/people.json?type=ORG").json()["total"] == 0
    assert client.get("/people.json?type=ORG").json()["facets"]["type"] == [{"value": "PERSON", "count": 4}]
    assert client.get("/people.json?stance=denies").json()["facets"]["type"] == [{"value": "PERSON", "count": 1}]
    assert 'href="/people?stance=denies&amp;type=PERSON"' in client.get("/people?stance=denies").text
    sure = client.get("/api/people?min_confidence=0.65").json()
    assert {p["name"] for p in sure["items"]} == {"Mara Quell", "Ivo Brandt"}
    names = [p["name"] for p in client.get("/people.json?sort=name").json()["items"]]
    assert names == sorted(names, key=str.lower)


def test_a_persons_statements_filter_sort_and_download(client, engine):
    mara = ids_of(engine, "Mara Quell")
    data = client.get(f"/people/{mara}.json").json()
    assert data["total"] == 1 and data["facets"]["stance"] == [{"value": "asserts", "count": 1}]
    assert client.get(f"/people/{mara}.json?stance=denies").json()["total"] == 0
    assert client.get(f"/people/{mara}.json?act=speech&kind=indirect&min_confidence=0.85").json()["total"] == 1
    assert client.get(f"/people/{mara}.json?min_confidence=0.95").json()["total"] == 0
    assert client.get(f"/people/{mara}.json?status=unreviewed").json()["total"] == 1
    assert client.get(f"/people/{mara}.json?status=accepted").json()["total"] == 0
    rows = read_csv(client.get(f"/people/{mara}.csv?since=2025-01-01"))
    assert len(rows) == 1 and rows[0]["stance"] == "asserts" and rows[0]["words"] == "that " + CLAIM
    assert client.get(f"/api/people/{mara}?outlet=Tidewater%20Ledger").json()["statements"] == []


def test_filters_read_the_corrected_view(client, engine):
    from onrecord.store.correct import correct_statement, writing

    ivo = ids_of(engine, "Ivo Brandt")
    sid = client.get(f"/people/{ivo}.json").json()["statements"][0]["id"]
    with writing(engine) as conn:
        correct_statement(conn, sid, "stance", "disputes", "Ann")
    try:
        assert client.get(f"/people/{ivo}.json?stance=denies").json()["total"] == 0
        assert client.get(f"/people/{ivo}.json?stance=disputes&status=corrected").json()["total"] == 1
        assert [p["name"] for p in client.get("/people.json?stance=disputes").json()["items"]] == ["Ivo Brandt"]
    finally:
        from onrecord.store import corrections as log
        from onrecord.store.correct import undo
        entry = [c for c in log.all_corrections(engine.connect()) if c.action == "stance"][-1]
        with writing(engine) as conn:
            undo(conn, entry.id, "Ann")
    assert client.get(f"/people/{ivo}.json?stance=denies").json()["total"] == 1


def test_filters_follow_a_merge(client, engine):
    from onrecord.store.correct import merge, undo, writing

    mara, ivo = ids_of(engine, "Mara Quell"), ids_of(engine, "Ivo Brandt")
    with writing(engine) as conn:
        entry = merge(conn, mara, ivo, "Ann")
    try:  # Ivo's denial now counts as Mara's, in the people list and on her page
        assert "Mara Quell" in [p["name"] for p in client.get("/people.json?stance=denies").json()["items"]]
        assert client.get(f"/people/{mara}.json?stance=denies").json()["total"] == 1
        # her two statements now, in each order a person's page offers
        order = {k: [st["stance"] for st in client.get(f"/people/{mara}.json?sort={k}").json()["statements"]]
                 for k in facets.SORTS["statements"]}
        assert order == {"oldest": ["asserts", "denies"], "newest": ["denies", "asserts"],
                         "confidence": ["asserts", "denies"], "-confidence": ["denies", "asserts"]}
        assert [r["stance"] for r in read_csv(client.get(f"/people/{mara}.csv?sort=newest"))] == ["denies", "asserts"]
    finally:
        with writing(engine) as conn:
            undo(conn, entry, "Ann")
    assert [p["name"] for p in client.get("/people.json?stance=denies").json()["items"]] == ["Ivo Brandt"]
    assert client.get(f"/people/{mara}.json?stance=denies").json()["total"] == 0


def test_claims_filter_sort_and_download(client):
    whole = client.get("/claims.json").json()
    assert whole["total"] >= 1
    cid = whole["items"][0]["id"]
    assert client.get("/claims.json?outlet=Tidewater%20Ledger").json()["items"][0]["id"] == cid
    assert client.get("/claims.json?outlet=Nowhere%20Post").json()["total"] == 0
    assert client.get("/claims.json?until=2024-12-31").json()["total"] == 0
    assert client.get("/claims.json?sort=statements").json()["items"][0]["id"] == cid
    rows = read_csv(client.get("/claims.csv?since=2025-01-01"))
    assert rows and rows[0]["id"] == str(cid) and rows[0]["text"]
    # claims someone denied, as people corrected the stances
    denied = client.get("/claims.json?stance=denies").json()
    assert denied["total"] >= 1 and denied["filters"]["stance"] == "denies"
    assert client.get("/claims.json?stance=retracts").json()["total"] == 0
    assert client.get("/claims.json?stance=shouts").status_code == 422


def test_search_filters_and_download(client):
    found = client.get("/search.json?q=ferry").json()
    assert len(found["articles"]) == 4
    courier = client.get("/search.json?q=ferry&outlet=Harlow%20Courier").json()
    assert {h["outlet"] for h in courier["articles"]} == {"Harlow Courier"} and len(courier["articles"]) == 2
    assert client.get("/api/search?q=ferry&since=2025-09-01").json()["articles"][0]["published"] == "2025-09-18"
    rows = read_csv(client.get("/search.csv?q=ferry&outlet=Harlow%20Courier"))
    assert {r["type"] for r in rows} >= {"article"}
    assert {r["outlet"] for r in rows if r["type"] == "article"} == {"Harlow Courier"}


# -- bad parameters --------------------------------------------------------------------------------


@pytest.mark.parametrize("url,name", [
    ("/articles?since=2025-13-01", "since"), ("/articles.csv?since=yesterday", "since"),
    ("/api/articles?until=2025-02-30", "until"), ("/articles.json?sort=loudest", "sort"),
    ("/people.json?sort=title", "sort"), ("/claims?sort=oldest-first", "sort"),
    ("/api/claims?status=rejected", "status"), ("/people.json?stance=shouts", "stance"),
    ("/people.json?min_confidence=2", "min_confidence"), ("/articles.json?stance=denies", "stance"),
    ("/claims.csv?kind=direct", "kind"), ("/search.json?q=ferry&sort=newest", "sort"),
    ("/articles.xml", "fmt"), ("/people/1.json?status=confirmed", "status"),
    ("/claims.json?changed_since=2025-02-30", "changed_since"), ("/articles.json?since=20250101", "since"),
])
def test_a_bad_parameter_is_a_422_naming_it(client, url, name):
    r = client.get(url)
    assert r.status_code == 422, (url, r.status_code)
    message = (r.json()["error"]["message"] if r.headers["content-type"].startswith("application/json")
               else r.text)
    assert name in message, (url, message)


# -- links keep their filters ----------------------------------------------------------------------


def test_links_on_a_page_keep_its_filters(client):
    page = client.get("/articles?outlet=Harlow%20Courier&since=2025-01-01&sort=oldest&per_page=1").text
    hrefs = [h.replace("&amp;", "&") for h in re.findall(r'href="([^"]+)"', page)]
    nxt = next(h for h in hrefs if "page=2" in h)
    assert parse_qs(urlsplit(nxt).query) == {"page": ["2"], "per_page": ["1"], "outlet": ["Harlow Courier"],
                                             "since": ["2025-01-01"], "sort": ["oldest"]}
    csv_link = next(h for h in hrefs if h.startswith("/articles.csv"))
    assert parse_qs(urlsplit(csv_link).query) == {"outlet": ["Harlow Courier"], "since": ["2025-01-01"],
                                                  "sort": ["oldest"]}
    assert any(h.startswith("/articles.json?") and "outlet=Harlow" in h for h in hrefs)
    facet = next(h for h in hrefs if "Tidewater" in h)  # the outlet facet replaces the outlet, keeps the rest
    assert parse_qs(urlsplit(facet).query) == {"outlet": ["Tidewater Ledger"], "since": ["2025-01-01"],
                                               "sort": ["oldest"]}
    claims = client.get("/claims?outlet=Harlow%20Courier").text.replace("&amp;", "&")
    assert 'href="/claims?status=confirmed&outlet=Harlow+Courier"' in claims
    assert 'href="/claims.csv?outlet=Harlow+Courier"' in claims


# -- CSV -----------------------------------------------------------------------------------------


def test_csv_cells_cannot_be_formulas(client):
    rows = read_csv(client.get("/articles.csv?sort=oldest"))
    titles = {r["title"] for r in rows}
    assert "'=HYPERLINK(\"http://x.example\")" in titles and "'@Night ferries" in titles
    assert "'-cmd Gazette" in {r["outlet"] for r in rows}
    assert not any(v.startswith(("=", "+", "-", "@")) for r in rows for v in r.values())
    people = read_csv(client.get("/people.csv"))
    hostile = next(r for r in people if "script" in r["name"])
    assert hostile["name"] == HOSTILE  # kept as it is: it starts with "<", not a formula
    assert facets.cell("+1") == "'+1" and facets.cell(-3) == -3 and facets.cell(["a", "=b"]) == "a; =b"
    assert facets.cell("\t=x") == "'\t=x" and facets.cell(None) == ""


def test_csv_quotes_commas_quotes_and_newlines():
    out = facets.csv_response([{"id": 1, "title": 'a, "b"\nc'}], ["id", "title"], "x.csv")
    body = out.body.decode("utf-8")
    assert body.splitlines()[0] == "id,title"
    assert next(csv.DictReader(io.StringIO(body)))["title"] == 'a, "b"\nc'
    assert out.headers["content-disposition"] == 'attachment; filename="x.csv"'


# -- the claim chart -------------------------------------------------------------------------------


def test_the_claim_chart_draws_each_source_by_relation_and_escapes_names(client):
    cid = client.get("/claims.json").json()["items"][0]["id"]
    data = client.get(f"/api/claims/{cid}").json()
    points = data["chart"]["points"]
    assert {p["source"] for p in points} == {"Mara Quell", "Lena Vask", "Ivo Brandt", HOSTILE}
    assert {p["relation"] for p in points} >= {"first reported", "confirmed", "denied"}
    svg = client.get(f"/claims/{cid}/chart.svg")
    assert svg.status_code == 200 and svg.headers["content-type"].startswith("image/svg+xml")
    assert set(re.findall(r"<(\w+)", svg.text)) <= {"svg", "title", "rect", "text", "line", "circle"}
    assert "<script" not in svg.text and "&lt;script&gt;" in svg.text
    dots = re.findall(r'<circle class="dot" cx="([\d.]+)" cy="([\d.]+)" r="6" fill="(#\w+)"', svg.text)
    assert len(dots) == 4
    fills = {charts.RELATION_FILLS[p["relation"]] for p in points}
    assert {f for _, _, f in dots} == fills
    xs = {p["published"]: float(x) for p, (x, _, _) in zip(sorted(points, key=lambda p: p["published"]),
                                                           sorted(dots, key=lambda d: float(d[0])))}
    assert xs["2025-03-04"] < xs["2025-06-01"] < xs["2025-07-15"] < xs["2025-09-18"]
    for rel in {p["relation"] for p in points}:  # the legend names every relation drawn
        assert f">{rel}</text>" in svg.text
    page = client.get(f"/claims/{cid}").text
    assert f'<img class="timeline-chart" src="/claims/{cid}/chart.svg"' in page
    assert client.get("/claims/999999/chart.svg").status_code == 404


def test_the_article_page_spaces_paragraphs_without_changing_the_text():
    from onrecord.web import highlight
    text = "First paragraph.\n\nSecond <b>one</b>.\nThird."
    html = str(highlight.render(highlight.pieces(text, []), {}))
    assert html.count('<span class="gap">') == 2
    assert re.sub(r"<[^>]+>", "", html).replace("&lt;", "<").replace("&gt;", ">") == text
