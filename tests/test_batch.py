"""Batch: reading inputs, the Parquet layout, resuming, failures, the command and its exit codes."""
from __future__ import annotations

import json
import shutil
from io import BytesIO
from pathlib import Path

import pytest

pa = pytest.importorskip("pyarrow", reason="the batch extra (pyarrow) is not installed")
pytest.importorskip("warcio", reason="the batch extra (warcio) is not installed")

import pyarrow.parquet as pq  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

from onrecord.batch import inputs, local, parquet  # noqa: E402
from onrecord.batch.layout import Layout  # noqa: E402
from onrecord.batch.progress import Tracker  # noqa: E402
from onrecord.batch.run import run_batch  # noqa: E402
from onrecord.errors import InputError  # noqa: E402
from onrecord.report import Report  # noqa: E402

DATA = Path(__file__).parent / "data" / "batch"
TABLES = ("articles", "attributions", "entities", "claims")

#: Two original pages for the WARC: one with a date in its markup, one without.
PAGES = {
    "https://news.example.net/2025/10/canal-lock": (
        "<html><head><title>Canal lock to close for repairs</title>"
        '<meta name="date" content="2025-10-20"></head><body><article>'
        "<h1>Canal lock to close for repairs</h1>"
        "<p>The Wexham canal lock will close for six weeks from November, the waterways trust "
        "said on Monday.</p><p>\"The gates are forty years old and one of them no longer seals,\" "
        "said trust engineer Colm Daly.</p></article></body></html>"),
    "https://news.example.net/2025/10/market-hall": (
        "<html><head><title>Market hall reopens</title></head><body><article>"
        "<h1>Market hall reopens</h1><p>Traders returned to the Eastfield market hall on Saturday "
        "after a year of building work.</p><p>\"It is brighter and warmer, and the rent is the "
        "same,\" said fishmonger Ada Quinn.</p></article></body></html>"),
}
WARC_DATE = "2025-10-22T08:30:00Z"
GOOD_ARTICLES = 3 + 2 + 2  # three files in news/, two good JSONL lines, two WARC pages
BAD_RECORDS = 3  # feed.jsonl: a line that is not JSON, a record with empty text; the WARC's 404 page


def write_warc(path: Path, pages: dict[str, str] = PAGES) -> Path:
    """A gzipped WARC with one HTML response per page, plus records batch must skip."""
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for url, html in pages.items():
            _warc_response(writer, url, html.encode("utf-8"), "text/html; charset=utf-8", "200 OK")
        _warc_response(writer, "https://news.example.net/logo.png", b"\x89PNG\r\n", "image/png", "200 OK")
        _warc_response(writer, "https://news.example.net/gone", b"<html>gone</html>", "text/html", "404 Not Found")
        writer.write_record(writer.create_warc_record(
            "https://news.example.net/", "request", payload=BytesIO(b"GET / HTTP/1.1\r\n\r\n")))
    return path


def _warc_response(writer, url: str, body: bytes, ctype: str, status: str) -> None:
    from warcio.statusandheaders import StatusAndHeaders

    headers = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
    writer.write_record(writer.create_warc_record(
        url, "response", payload=BytesIO(body), http_headers=headers,
        warc_headers_dict={"WARC-Date": WARC_DATE}))


def copy_inputs(tmp: Path) -> Path:
    """The test inputs copied under ``tmp``, with the WARC written beside them."""
    target = tmp / "inputs"
    shutil.copytree(DATA, target)
    write_warc(target / "crawl.warc.gz")
    return target


def table(out: Path, name: str) -> list[dict]:
    """A whole output table as rows."""
    return parquet.read_table(out, name).to_pylist()


def row_counts(out: Path) -> dict[str, int]:
    """Rows per table."""
    return {name: parquet.read_table(out, name).num_rows for name in TABLES}


# --- reading inputs (no pipeline) ---------------------------------------------------------

def test_plan_chunks_directory_files_and_keeps_jsonl_and_warc_whole(tmp_path):
    src = copy_inputs(tmp_path)
    shards = inputs.plan([src], done=set(), files_per_shard=2)
    kinds = sorted(s.kind for s in shards)
    assert kinds == ["files", "files", "jsonl", "warc"]
    assert sorted(len(s.paths) for s in shards if s.kind == "files") == [1, 2]


def test_plan_skips_done_inputs_and_ids_are_stable(tmp_path):
    src = copy_inputs(tmp_path)
    first = inputs.plan([src], done=set())
    warc = str((src / "crawl.warc.gz").resolve())
    again = inputs.plan([src], done={warc})
    assert [s.id for s in again] == [s.id for s in first if s.paths != (warc,)]


def test_plan_ignores_files_that_are_not_articles(tmp_path):
    src = copy_inputs(tmp_path)
    (src / "notes.json").write_text("{}")
    (src / ".hidden.txt").write_text("x")
    paths = [p for s in inputs.plan([src], done=set()) for p in s.paths]
    assert not any(p.endswith(("notes.json", ".hidden.txt")) for p in paths)


def test_missing_input_names_the_path(tmp_path):
    with pytest.raises(InputError, match="nowhere.warc: no such file"):
        inputs.check_inputs([tmp_path / "nowhere.warc"])


def test_jsonl_bad_lines_become_failures_naming_the_line():
    shard = inputs.Shard("x", "jsonl", (str(DATA / "feed.jsonl"),))
    units = list(inputs.iter_shard(shard))
    failures = [u for u in units if isinstance(u, inputs.Failure)]
    assert [f.source.rsplit(":", 1)[1] for f in failures] == ["3", "4"]
    items = [u for u in units if isinstance(u, inputs.Item)]
    assert [(i.kind, i.url, i.published) for i in items][1] == (
        "html", "https://example.org/2025/bus-route", "2025-12-01")


def test_warc_yields_html_responses_only_with_url_and_date(tmp_path):
    warc = write_warc(tmp_path / "c.warc.gz")
    units = list(inputs.iter_shard(inputs.Shard("x", "warc", (str(warc),))))
    pages = [u for u in units if isinstance(u, inputs.Item)]
    assert [u.url for u in pages] == list(PAGES)  # the image and the request are not pages
    assert {u.crawled for u in pages} == {WARC_DATE[:10]}
    assert pages[0].doc_id == "canal-lock"
    refused = [u for u in units if isinstance(u, inputs.Failure)]
    assert [u.reason for u in refused] == ["HTTP status 404, not a page to read"]


def test_truncated_warc_is_one_failure_naming_the_file(tmp_path):
    warc = write_warc(tmp_path / "c.warc.gz")
    broken = tmp_path / "broken.warc.gz"
    broken.write_bytes(warc.read_bytes()[:-200] + b"garbage" * 10)
    units = list(inputs.iter_shard(inputs.Shard("x", "warc", (str(broken),))))
    failures = [u for u in units if isinstance(u, inputs.Failure) and u.source == str(broken)]
    assert len(failures) == 1 and "malformed WARC" in failures[0].reason


def test_throttle_stops_reading_while_full():
    throttle = local.Throttle(3)
    feed = throttle.feed(iter(range(100)))
    assert [next(feed) for _ in range(3)] == [0, 1, 2]
    list(zip(throttle.drain([0]), range(1)))  # one result written: one place frees
    assert next(feed) == 3
    throttle.stop()
    assert next(feed, "blocked") == "blocked"  # full again: nothing more is read


def test_url_doc_id():
    assert inputs.url_doc_id("https://a.org/x/story-one.html") == "story-one"
    assert inputs.url_doc_id("https://a.org/") == "a.org"
    assert inputs.url_doc_id(None) is None


# --- one batch over every kind of input (the pipeline runs in this process) ---------------

@pytest.fixture(scope="module")
def batch_out(tmp_path_factory):
    """One batch over the test inputs; returns (output dir, summary)."""
    tmp = tmp_path_factory.mktemp("batch")
    src = copy_inputs(tmp)
    out = tmp / "out"
    return out, run_batch([src], out, workers=1, files_per_shard=2)


@pytest.mark.slow
def test_one_articles_row_per_good_record(batch_out):
    out, summary = batch_out
    assert summary.articles == GOOD_ARTICLES
    assert len(table(out, "articles")) == GOOD_ARTICLES


@pytest.fixture(scope="module")
def claims_out(tmp_path_factory):
    """A batch over two story articles that make claims (the test inputs make none: a claim is
    kept only when someone else in the article reacts to it): a director denies what the clinic
    was said to have lost, an auditor confirms her office's check."""
    tmp = tmp_path_factory.mktemp("claims")
    src = tmp / "in"
    src.mkdir()
    for name in ("02-post-director-denies.txt", "03-courier-auditor-confirms.txt"):
        shutil.copy(Path(__file__).parent / "data" / "story-clinic" / name, src / name)
    run_batch([src], tmp / "out", workers=1)
    return tmp / "out"


@pytest.mark.slow
@pytest.mark.parametrize("name", TABLES)
def test_identity_in_every_row(batch_out, name, request):
    out = request.getfixturevalue("claims_out") if name == "claims" else batch_out[0]
    ids = {r["article_id"] for r in table(out, "articles")}
    rows = table(out, name)
    assert ids and rows, f"no rows in {name}"
    assert all(r["article_id"] in ids and r["doc"] for r in rows)


@pytest.mark.slow
def test_identity_is_url_else_content_hash(batch_out):
    out, _ = batch_out
    ids = {r["doc"]: r["article_id"] for r in table(out, "articles")}
    assert ids["canal-lock"] == "https://news.example.net/2025/10/canal-lock"
    assert ids["river-ferry"].startswith("sha256:") and len(ids["river-ferry"]) == 7 + 64


@pytest.mark.slow
def test_rows_per_article_match_the_report(batch_out):
    out, _ = batch_out
    for name in ("attributions", "entities", "claims"):
        per_article = {}
        for r in table(out, name):
            per_article[r["article_id"]] = per_article.get(r["article_id"], 0) + 1
        for art in table(out, "articles"):
            report = json.loads(art["report"])
            assert per_article.get(art["article_id"], 0) == art[name] == len(report[name])


@pytest.mark.slow
def test_attribution_rows_are_the_design_records(batch_out):
    out, _ = batch_out
    reports = {r.article.doc_id: r for r in parquet.iter_reports(out)}
    rows = [r for r in table(out, "attributions") if r["doc"] == "river-ferry"]
    assert rows, "the ferry article has quotes"
    records = reports["river-ferry"].records()
    strip = lambda r: {k: v for k, v in r.items() if k not in ("article_id", "record")}  # noqa: E731
    assert [strip(r) for r in rows] == json.loads(json.dumps(records))
    # the whole record as JSON beside the columns: fields added later need no schema change
    assert [json.loads(r["record"]) for r in rows] == json.loads(json.dumps(records))


@pytest.mark.slow
def test_iter_reports_round_trips(batch_out):
    out, _ = batch_out
    stored = {r["doc"]: json.loads(r["report"]) for r in table(out, "articles")}
    reports = list(parquet.iter_reports(out))
    assert len(reports) == GOOD_ARTICLES
    for report in reports:
        assert isinstance(report, Report)
        assert json.loads(report.to_json()) == stored[report.doc_id]
        for a in report.attributions:
            assert report.article.text[a.cue.start:a.cue.end] == a.cue.text


@pytest.mark.slow
def test_warc_date_is_the_fallback_publication_date(batch_out):
    out, _ = batch_out
    published = {r["doc"]: r["published"] for r in table(out, "articles")}
    assert published["canal-lock"] == "2025-10-20"  # from the page's own markup
    assert published["market-hall"] == "2025-10-22"  # from WARC-Date


@pytest.mark.slow
def test_bad_records_land_in_errors_file_and_the_rest_completes(batch_out):
    out, summary = batch_out
    errors = [json.loads(line) for line in (out / "errors.jsonl").read_text().splitlines()]
    assert summary.failed == len(errors) == BAD_RECORDS
    assert {e["source"].rsplit("/", 1)[1] for e in errors} == {"feed.jsonl:3", "feed.jsonl:4", "crawl.warc.gz#4"}
    assert all(e["reason"] for e in errors)


@pytest.mark.slow
def test_rerun_adds_no_rows(batch_out, tmp_path):
    out, _ = batch_out
    copy = tmp_path / "out"
    shutil.copytree(out, copy)
    before = row_counts(copy)
    again = run_batch([out.parent / "inputs"], copy, workers=1, files_per_shard=2)
    assert again.articles == 0 and again.shards == 0
    assert row_counts(copy) == before
    assert len((copy / "errors.jsonl").read_text().splitlines()) == BAD_RECORDS


class _Interrupt(Tracker):
    """A tracker that stops the batch (like Ctrl-C) after ``n`` articles."""

    def __init__(self, n: int):
        super().__init__()
        self.n = n

    def article(self, tokens: int, cpu: float = 0.0) -> None:
        if self.articles + 1 > self.n:
            raise KeyboardInterrupt
        super().article(tokens, cpu)


@pytest.mark.slow
def test_interrupted_batch_rerun_is_exact(batch_out, tmp_path):
    out, _ = batch_out
    src = out.parent / "inputs"
    resumed = tmp_path / "resumed"
    with pytest.raises(KeyboardInterrupt):
        run_batch([src], resumed, workers=1, files_per_shard=2, tracker=_Interrupt(3))
    assert 0 < len(table(resumed, "articles")) < GOOD_ARTICLES
    run_batch([src], resumed, workers=1, files_per_shard=2)
    assert row_counts(resumed) == row_counts(out)
    assert sorted(r["article_id"] for r in table(resumed, "articles")) == \
        sorted(r["article_id"] for r in table(out, "articles"))
    assert not list(resumed.rglob("*.tmp"))


@pytest.mark.slow
def test_parts_without_marker_are_redone_not_duplicated(batch_out, tmp_path):
    out, _ = batch_out
    copy = tmp_path / "out"
    shutil.copytree(out, copy)
    marker = sorted((copy / "_done").glob("*.json"))[0]
    marker.unlink()  # as if killed between renaming the parts and writing the marker
    (copy / "articles" / ".part-dead.parquet.tmp").write_bytes(b"half")
    run_batch([out.parent / "inputs"], copy, workers=1, files_per_shard=2)
    assert row_counts(copy) == row_counts(out)
    assert not list(copy.rglob("*.tmp"))


@pytest.mark.slow
def test_row_groups_are_written_as_results_arrive(tmp_path, monkeypatch):
    monkeypatch.setattr(parquet, "ROW_GROUP_ARTICLES", 1)
    out = tmp_path / "out"
    run_batch([DATA / "news"], out, workers=1)
    part = Layout(out).committed_parts("articles")[0]
    assert pq.ParquetFile(part).num_row_groups == 3


@pytest.mark.slow
def test_two_workers_write_the_same_articles_once(batch_out, tmp_path):
    out, _ = batch_out
    two = tmp_path / "two"
    summary = run_batch([out.parent / "inputs"], two, workers=2, files_per_shard=2)
    assert summary.articles == GOOD_ARTICLES and summary.failed == BAD_RECORDS
    ids = [r["article_id"] for r in table(two, "articles")]
    assert sorted(ids) == sorted(r["article_id"] for r in table(out, "articles"))
    per_article = [r["article_id"] for r in table(two, "attributions")]
    assert all(per_article.count(r["article_id"]) == r["attributions"] for r in table(two, "articles"))


# --- the command -----------------------------------------------------------------------------

def _cli(*args: str):
    from onrecord.cli import app

    return CliRunner().invoke(app, ["batch", *args])


@pytest.mark.slow
def test_cli_exit_0_when_all_done(tmp_path):
    result = _cli(str(DATA / "news"), "--out", str(tmp_path / "out"), "--workers", "1")
    assert result.exit_code == 0, result.output
    assert len(table(tmp_path / "out", "articles")) == 3


@pytest.mark.slow
def test_cli_exit_1_when_some_failed(tmp_path):
    result = _cli(str(DATA / "feed.jsonl"), "--out", str(tmp_path / "out"), "--workers", "1")
    assert result.exit_code == 1
    assert "2 records failed" in result.output and "errors.jsonl" in result.output
    assert len(table(tmp_path / "out", "articles")) == 2


def test_cli_missing_input_is_one_line_exit_2(tmp_path):
    result = _cli(str(tmp_path / "nope"), "--out", str(tmp_path / "out"))
    assert result.exit_code == 2
    lines = [l for l in result.output.splitlines() if l.strip()]
    assert lines == [f"onrecord: error: {tmp_path / 'nope'}: no such file or folder"]
    assert not (tmp_path / "out").exists()


def test_cli_rejects_zero_workers(tmp_path):
    result = _cli(str(DATA), "--out", str(tmp_path / "out"), "--workers", "0")
    assert result.exit_code == 2 and "--workers must be 1 or more" in result.output


def test_cli_unknown_model_is_one_line_exit_2(tmp_path):
    result = _cli(str(DATA / "news"), "--out", str(tmp_path / "out"), "--model", "no_such_pipeline")
    assert result.exit_code == 2
    assert result.output.startswith("onrecord: error: spaCy pipeline 'no_such_pipeline' is not installed")
