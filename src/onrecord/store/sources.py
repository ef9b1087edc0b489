"""Inputs of ``onrecord ingest``: files, folders, JSONL, WARC, Parquet from ``onrecord batch``.

Each input yields ``Item``s: an Article to analyse, a Report already made, or a refusal that
names the input (file, line or record) and the problem. A plain-text or HTML file may have a
``NAME.meta.json`` beside it with ``url``, ``published``, ``outlet`` and ``title``.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator
from urllib.parse import urlsplit

from onrecord.inputs.article import Article, from_html, from_text, read_path
from ..errors import InputError
from ..report import Report
from .errors import MissingExtra

ARTICLE_SUFFIXES = (".txt", ".text", ".html", ".htm", ".xhtml")
STREAM_SUFFIXES = (".jsonl", ".warc", ".warc.gz", ".parquet")
SKIPPED_IN_FOLDERS = (".meta.json", ".gold.json")


@dataclass
class Item:
    """One unit of ingest: an article, a finished report, or why the input was refused."""

    source: str
    article: Article | None = None
    report: Report | None = None
    outlet: str | None = None
    error: str | None = None

    @property
    def the_article(self) -> Article | None:
        """The article, whether given alone or inside its report."""
        return self.report.article if self.report is not None else self.article


def outlet_of(url: str | None) -> str | None:
    """An outlet name from a URL: its host without 'www.'."""
    host = urlsplit(url).hostname if url else None
    return host.removeprefix("www.") if host else None


def iter_items(paths: list[str], published: str | None = None) -> Iterator[Item]:
    """Every item of every input, folders walked in sorted order."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir() and (path / "articles").is_dir() and (path / "_done").is_dir():
            yield from iter_parquet(path)  # a whole `onrecord batch` output: its articles table
        elif path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file() and _wanted(p)):
                yield from _items_of_file(child, published)
        elif not path.exists():
            yield Item(raw, error="no such file or folder")
        else:
            yield from _items_of_file(path, published)


def _wanted(path: Path) -> bool:
    name = path.name.lower()
    if name.startswith(".") or name.endswith(SKIPPED_IN_FOLDERS):
        return False
    return name.endswith(ARTICLE_SUFFIXES + STREAM_SUFFIXES + (".json",))


def _items_of_file(path: Path, published: str | None) -> Iterator[Item]:
    name = path.name.lower()
    if name.endswith(".jsonl"):
        yield from iter_jsonl(path, published)
    elif name.endswith((".warc", ".warc.gz")):
        yield from iter_warc(path, published)
    elif name.endswith(".parquet"):
        if path.parent.name != "articles":
            yield Item(str(path), error="a Parquet file of onrecord batch's articles table is needed "
                                        "(articles/*.parquet), or the batch output folder itself")
            return
        yield from iter_parquet(path)
    elif name.endswith(".json"):
        yield read_report_json(path)
    else:
        yield read_article_file(path, published)


def read_article_file(path: Path, published: str | None = None) -> Item:
    """A text or HTML file, with the metadata of its ``.meta.json`` sidecar if there is one."""
    meta, problem = _sidecar(path)
    if problem:
        return Item(str(path), error=problem)
    try:
        article = read_path(path, published=meta.get("published") or published)
    except InputError as exc:
        return Item(str(path), error=exc.problem)
    article.url = meta.get("url") or article.url
    article.title = meta.get("title") or article.title
    return Item(str(path), article=article, outlet=meta.get("outlet") or outlet_of(article.url))


def _sidecar(path: Path) -> tuple[dict, str | None]:
    side = path.with_name(path.name.rsplit(".", 1)[0] + ".meta.json")
    if not side.exists():
        return {}, None
    try:
        data = json.loads(side.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return {}, f"its metadata file {side.name} cannot be read ({exc})"
    if not isinstance(data, dict):
        return {}, f"{side.name} is not a JSON object"
    wrong = _wrong_types(data)
    return (data, None) if not wrong else ({}, f"{side.name}: {wrong}")


#: Fields of a JSONL record or metadata file, all strings when present.
_STRING_FIELDS = ("url", "html", "text", "published", "title", "outlet", "id")


def _wrong_types(rec: dict) -> str | None:
    """A sentence naming the first field that is present but not a string, if any."""
    for key in _STRING_FIELDS:
        value = rec.get(key)
        if value is not None and not isinstance(value, str):
            return f"'{key}' must be a string, not {type(value).__name__}"
    return None


def iter_jsonl(path: Path, published: str | None = None) -> Iterator[Item]:
    """One item per line of ``{url, html|text, published, outlet?, title?}``."""
    try:
        fh = path.open(encoding="utf-8")
    except OSError as exc:
        yield Item(str(path), error=f"cannot be read ({exc.strerror or exc})")
        return
    with fh:
        for number, line in enumerate(fh, 1):
            if line.strip():
                yield jsonl_item(line, f"{path}:{number}", published)


def jsonl_item(line: str, source: str, published: str | None = None) -> Item:
    """The item of one JSONL line (a refusal when the line is not a usable record)."""
    try:
        rec = json.loads(line)
    except ValueError as exc:
        return Item(source, error=f"not JSON ({exc.msg})")
    if not isinstance(rec, dict) or not (rec.get("html") or rec.get("text")):
        return Item(source, error="a record needs 'html' or 'text'")
    wrong = _wrong_types(rec)
    if wrong:
        return Item(source, error=wrong)
    url, date = rec.get("url"), rec.get("published") or published
    doc_id = rec.get("id") or outlet_of(url) or source.rsplit("/", 1)[-1]
    try:
        if rec.get("html"):
            article = from_html(rec["html"], doc_id=str(doc_id), url=url, published=date, source=source)
        else:
            article = from_text(rec["text"], doc_id=str(doc_id), published=date, url=url)
    except InputError as exc:
        return Item(source, error=exc.problem)
    article.title = rec.get("title") or article.title
    return Item(source, article=article, outlet=rec.get("outlet") or outlet_of(url))


def iter_warc(path: Path, published: str | None = None) -> Iterator[Item]:
    """One item per HTML response record of a WARC (or WARC.gz) file."""
    try:
        from warcio.archiveiterator import ArchiveIterator
    except ImportError:
        raise MissingExtra(f"{path}: reading WARC needs warcio (pip install 'onrecord[store]')") from None
    try:
        with path.open("rb") as fh:
            for number, record in enumerate(ArchiveIterator(fh), 1):
                item = _warc_item(record, f"{path}#{number}", published)
                if item is not None:
                    yield item
    except Exception as exc:  # warcio raises several kinds on a torn archive
        yield Item(str(path), error=f"broken WARC archive ({type(exc).__name__}: {exc})")


def _warc_item(record, source: str, published: str | None) -> Item | None:
    if record.rec_type != "response":
        return None
    ctype = (record.http_headers.get_header("Content-Type") if record.http_headers else "") or ""
    if "html" not in ctype.lower():
        return None
    url = record.rec_headers.get_header("WARC-Target-URI")
    body = record.content_stream().read()
    try:
        article = from_html(body, doc_id=outlet_of(url) or "warc", url=url, published=published, source=source)
    except InputError as exc:
        return Item(source, error=exc.problem)
    if not article.published:  # the crawl date: better than none, and said so in the notes
        article.published = (record.rec_headers.get_header("WARC-Date") or "")[:10] or None
        article.published_source = "WARC-Date"
    return Item(source, article=article, outlet=outlet_of(url))


def iter_parquet(path: Path) -> Iterator[Item]:
    """The reports of a Parquet file written by ``onrecord batch`` (no analysis again)."""
    try:
        from onrecord.batch.parquet import iter_sourced_reports
    except ImportError:
        raise MissingExtra(f"{path}: reading Parquet needs the batch extra "
                           "(pip install 'onrecord[batch]')") from None
    for number, (source, report) in enumerate(iter_sourced_reports(path), 1):
        yield Item(source or f"{path}#{number}", report=report, outlet=outlet_of(report.article.url))


def read_report_json(path: Path) -> Item:
    """A Report saved by ``onrecord analyze --format json`` (a single article)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(data, list) and len(data) == 1:
            data = data[0]
        report = Report.from_dict(data)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return Item(str(path), error=f"not a report from onrecord analyze --format json ({exc})")
    return Item(str(path), report=report, outlet=outlet_of(report.article.url))
