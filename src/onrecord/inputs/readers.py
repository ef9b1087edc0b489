"""One reader for every input: files, folders, JSONL, WARC, URL lists and URLs.

``analyze``, ``ingest``, ``batch`` and the explorer's POST all read through this module, so
one input gets one verdict everywhere: an Article, or a ``Failure`` naming the input (file,
line or record) and the problem in the same words.

Reading is two steps, so that a batch can read in one process and parse in its workers:
``iter_records`` (or ``records_of``) yields a ``Record`` (the raw bytes or text of one
article, with what its input says about it) or a ``Failure``; ``to_article`` turns a Record
into an Article (HTML extraction, decoding) or raises InputError / DateError.

The rules, the same for every input:

- **What is read.** ``.txt .text .html .htm .xhtml``: one article (HTML when it looks like
  HTML); ``.jsonl``: one record a line, ``{"id", "url", "html" or "text", "published",
  "outlet", "title"}``; ``.warc`` / ``.warc.gz``: each HTML response; ``.urls``: one URL a
  line (``#`` starts a comment), each fetched; an ``http://`` or ``https://`` argument: that
  page, fetched. A file named on its own with any other name is one article. A folder is
  walked in sorted order for the suffixes above, hidden files and ``.meta.json`` /
  ``.gold.json`` files left out. A text or HTML file may have ``NAME.meta.json`` beside it with
  the same fields as a JSONL record (``id``, ``url``, ``published``, ``outlet``, ``title``).
- **One limit.** ``settings.max_bytes`` (``--max-bytes``, ``ONRECORD_MAX_BYTES``) caps every
  article's bytes: a file, a JSONL record's ``html`` or ``text`` (as UTF-8), a WARC response
  (read no further than the cap), a fetched page.
- **Fields.** ``id``, ``doc``, ``url``, ``html``, ``text``, ``published``, ``title`` and
  ``outlet`` are strings when present (null counts as absent); any other type refuses the
  record. ``html`` wins over ``text`` unless it is blank; a record whose article is missing or
  blank is refused.
- **Id.** The record's ``id``, then its ``doc``; then, for a text or HTML file, its name
  without extension (DESIGN.md's ``doc``); for a JSONL line, a WARC record or a fetched page,
  the URL's last path segment (without extension; the host for a bare domain), then the file
  name without extension with ``-N`` for line or record N.
- **Outlet.** The record's ``outlet``, else the URL's host without ``www.``.
- **Title.** The record's ``title``, else the page's own title, else the text's headline
  (its first line, when the structure labels take it for one).
- **Date.** The record's ``published``, else the command's ``--published`` (both "given",
  checked as YYYY-MM-DD: a bad one refuses the record), else the page's own metadata ("html
  metadata"), else a WARC response's crawl date ("WARC-Date"); with none, the engine looks for
  a dateline in the text.
- **Status.** A WARC file's pages are its ``response`` records with an HTML Content-Type;
  other records (requests, metadata, images, scripts) are skipped. A 2xx page is read, a
  3xx is skipped (its target is a record of its own), any other status refuses the record
  ("HTTP status 404"). A fetched URL is read when its status is 2xx and it is HTML; anything
  else is refused with its reason.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator
from urllib.parse import urlsplit

from onrecord import settings
from onrecord.errors import DateError, InputError
from onrecord.inputs.article import (Article, decode_bytes, from_html, from_text, looks_like_html,
                                     parse_published)

ARTICLE_SUFFIXES = (".txt", ".text", ".html", ".htm", ".xhtml")
JSONL_SUFFIXES = (".jsonl",)
WARC_SUFFIXES = (".warc", ".warc.gz")
URL_LIST_SUFFIXES = (".urls",)
#: Files a folder walk never takes for inputs: metadata sidecars and gold annotations.
SIDE_FILES = (".meta.json", ".gold.json")
#: Fields of a JSONL record or a metadata sidecar, all strings when present.
STRING_FIELDS = ("id", "doc", "url", "html", "text", "published", "title", "outlet")


@dataclass
class Record:
    """One article as an input gives it, not yet parsed.

    ``kind`` says how to build the Article: ``file`` (the bytes of a text or HTML file, told
    apart by ``name`` and content), ``text`` or ``html`` (a JSONL record's field), ``page``
    (the HTML bytes of a WARC response or a fetched URL).
    """

    source: str
    kind: str
    payload: bytes | str
    doc_id: str
    name: str = ""
    url: str | None = None
    published: str | None = None  # the record's own date, already checked
    crawled: str | None = None  # a WARC response's date: the last fallback for ``published``
    outlet: str | None = None
    title: str | None = None


@dataclass
class Failure:
    """An input (or one record of it) that is not an article: where it is, why, and at which stage."""

    source: str
    reason: str
    stage: str = "read"

    def to_dict(self) -> dict:
        """The errors.jsonl line of a batch."""
        return {"source": self.source, "reason": self.reason, "stage": self.stage}


# ------------------------------------------------------------------------- kinds and walking

def is_url(raw: str) -> bool:
    """True for an argument that names a web page to fetch."""
    return raw.lower().startswith(("http://", "https://"))


def input_kind(path: Path | str) -> str | None:
    """``file`` (text or HTML), ``jsonl``, ``warc``, ``urls``, or None for a file not read."""
    name = Path(path).name.lower()
    if name.endswith(WARC_SUFFIXES):
        return "warc"
    if name.endswith(JSONL_SUFFIXES):
        return "jsonl"
    if name.endswith(URL_LIST_SUFFIXES):
        return "urls"
    return "file" if name.endswith(ARTICLE_SUFFIXES) else None


def files_under(folder: Path, wanted=input_kind) -> Iterator[Path]:
    """The input files of a folder, in sorted order, hidden files and side files left out."""
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            low = name.lower()
            if not low.startswith(".") and not low.endswith(SIDE_FILES) and wanted(Path(root) / name):
                yield Path(root) / name


def iter_records(paths: Iterable[str], *, limit: int | None = None) -> Iterator[Record | Failure]:
    """Every record of every input (files, folders, URLs), one at a time."""
    for raw in paths:
        raw = str(raw)
        if is_url(raw):
            yield fetch(raw, limit=limit)
            continue
        path = Path(raw)
        if path.is_dir():
            for child in files_under(path):
                yield from records_of(child, limit=limit)
        elif not path.exists():
            yield Failure(raw, "no such file or folder")
        else:
            yield from records_of(path, limit=limit)


def records_of(path: Path | str, *, limit: int | None = None) -> Iterator[Record | Failure]:
    """The records of one input file, by its kind."""
    path = Path(path)
    kind = input_kind(path)
    if kind == "jsonl":
        yield from iter_jsonl(path, limit=limit)
    elif kind == "warc":
        yield from iter_warc(path, limit=limit)
    elif kind == "urls":
        yield from iter_url_list(path, limit=limit)
    else:  # a text or HTML file, or a file named on its own: an article, told by its content
        yield read_file(path, limit=limit)


# ------------------------------------------------------------------------- one record each

def too_large(size: int | None, limit: int) -> str:
    """The reason for an input over the size limit."""
    what = f"is {size:,} bytes, " if size is not None else "is "
    return f"{what}over the {limit:,}-byte limit (set --max-bytes or ONRECORD_MAX_BYTES)"


def read_file(path: Path | str, *, limit: int | None = None) -> Record | Failure:
    """A text or HTML file, with the fields of its ``.meta.json`` sidecar if there is one."""
    path = Path(path)
    source = str(path)
    limit = settings.max_bytes(limit)
    if path.is_dir():
        return Failure(source, "is a folder, not an article file")
    meta = _sidecar(path)
    if isinstance(meta, Failure):
        return meta
    try:
        size = path.stat().st_size
        if size > limit:
            return Failure(source, too_large(size, limit))
        with path.open("rb") as fh:
            data = fh.read(limit + 1)  # never more than the limit, should the file grow meanwhile
        if len(data) > limit:
            return Failure(source, too_large(None, limit))
    except FileNotFoundError:
        return Failure(source, "no such file or folder")
    except OSError as exc:
        return Failure(source, f"cannot be read ({exc.strerror or exc})")
    return _record(meta, source, "file", data, fallback_id=file_stem(path.name), name=path.name,
                   file_id=file_stem(path.name))


def _sidecar(path: Path) -> dict | Failure:
    side = path.with_name(path.name.rsplit(".", 1)[0] + ".meta.json")
    if not side.exists():
        return {}
    try:
        data = json.loads(side.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return Failure(str(path), f"its metadata file {side.name} cannot be read ({exc})")
    if not isinstance(data, dict):
        return Failure(str(path), f"{side.name} is not a JSON object")
    wrong = wrong_type(data)
    return Failure(str(path), f"{side.name}: {wrong}") if wrong else data


def wrong_type(rec: dict) -> str | None:
    """A sentence naming the first field that is present but not a string, if any."""
    for key in STRING_FIELDS:
        value = rec.get(key)
        if value is not None and not isinstance(value, str):
            return f"'{key}' must be a string, not {type(value).__name__}"
    return None


def _record(fields: dict, source: str, kind: str, payload: bytes | str, *, fallback_id: str,
            name: str = "", crawled: str | None = None, file_id: str | None = None) -> Record | Failure:
    """A Record with the id, outlet and date rules applied to a record's own fields."""
    url = fields.get("url") or None
    published = fields.get("published") or None
    if published:
        try:
            published = parse_published(published, "'published'")
        except DateError as exc:
            return Failure(source, str(exc))
    doc_id = fields.get("id") or fields.get("doc") or file_id or url_doc_id(url) or fallback_id
    return Record(source, kind, payload, doc_id=doc_id, name=name, url=url, published=published,
                  crawled=crawled, outlet=fields.get("outlet") or outlet_of(url),
                  title=fields.get("title") or None)


def jsonl_record(line: bytes | str, source: str, fallback_id: str, *,
                 limit: int | None = None) -> Record | Failure:
    """One JSONL line as a Record, or the reason it is not one."""
    try:
        rec = json.loads(line)
    except (ValueError, UnicodeDecodeError) as exc:
        return Failure(source, f"not JSON ({getattr(exc, 'msg', None) or exc})")
    if not isinstance(rec, dict):
        return Failure(source, f"not a JSON object (a {type(rec).__name__})")
    wrong = wrong_type(rec)
    if wrong:
        return Failure(source, wrong)
    given = [k for k in ("html", "text") if rec.get(k) is not None]
    if not given:
        return Failure(source, "a record needs 'html' or 'text'")
    kind = next((k for k in given if rec[k].strip()), None)
    if kind is None:
        return Failure(source, f"'{given[0]}' is blank: no article in it")
    body = rec[kind]
    limit = settings.max_bytes(limit)
    size = len(body.encode("utf-8", "surrogatepass"))
    if size > limit:
        return Failure(source, f"'{kind}' " + too_large(size, limit))
    return _record(rec, source, kind, body, fallback_id=fallback_id)


def iter_jsonl(path: Path | str, *, limit: int | None = None) -> Iterator[Record | Failure]:
    """One Record (or Failure) per non-blank line of a JSONL file."""
    path = Path(path)
    try:
        with path.open("rb") as fh:
            for number, line in enumerate(fh, 1):
                if line.strip():
                    yield jsonl_record(line, f"{path}:{number}", f"{file_stem(path.name)}-{number}",
                                       limit=limit)
    except OSError as exc:
        yield Failure(str(path), f"cannot be read ({exc.strerror or exc})")


def iter_warc(path: Path | str, *, limit: int | None = None) -> Iterator[Record | Failure]:
    """The HTML responses of a WARC file; a broken archive ends the file with one Failure."""
    try:
        from warcio.archiveiterator import ArchiveIterator
    except ImportError:
        yield Failure(str(path), "reading WARC needs warcio (pip install 'onrecord[store]')")
        return
    path = Path(path)
    limit = settings.max_bytes(limit)
    try:
        with path.open("rb") as fh:
            for number, record in enumerate(ArchiveIterator(fh), 1):
                unit = _warc_record(record, f"{path}#{number}", f"{file_stem(path.name)}-{number}", limit)
                if unit is not None:
                    yield unit
    except Exception as exc:  # warcio raises several kinds on a truncated or corrupt archive
        yield Failure(str(path), f"malformed WARC ({type(exc).__name__}: {exc})")


def _warc_record(record, source: str, fallback_id: str, limit: int) -> Record | Failure | None:
    """A WARC record by the status rule: a page, a refusal, or None (not a page)."""
    if record.rec_type != "response" or record.http_headers is None:
        return None
    ctype = (record.http_headers.get_header("Content-Type") or "").lower()
    if "html" not in ctype:
        return None
    status = record.http_headers.get_statuscode() or ""
    if status.startswith("3"):
        return None
    if not status.startswith("2"):
        return Failure(source, f"HTTP status {status or 'missing'}, not a page to read")
    data = record.content_stream().read(limit + 1)
    if len(data) > limit:
        return Failure(source, "response " + too_large(None, limit))
    url = record.rec_headers.get_header("WARC-Target-URI")
    crawled = (record.rec_headers.get_header("WARC-Date") or "")[:10] or None
    return _record({"url": url}, source, "page", data, fallback_id=fallback_id, crawled=crawled)


def iter_url_list(path: Path | str, *, limit: int | None = None) -> Iterator[Record | Failure]:
    """Each URL of a ``.urls`` file (one a line, ``#`` comments), fetched in turn."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        yield Failure(str(path), f"cannot be read ({getattr(exc, 'strerror', None) or exc})")
        return
    for number, line in enumerate(lines, 1):
        url = line.split("#", 1)[0].strip()
        if not url:
            continue
        if not is_url(url):
            yield Failure(f"{path}:{number}", f"{url[:80]!r} is not an http(s) URL")
        else:
            yield fetch(url, limit=limit)


def fetch(url: str, *, limit: int | None = None) -> Record | Failure:
    """A web page fetched with trafilatura's downloader, by the status rule.

    Private and loopback addresses are refused unless ONRECORD_FETCH_PRIVATE is set (see
    ``settings.fetch_private``): a URL list from elsewhere must not reach a local service. The
    address is checked here, to say so plainly, and again by trafilatura at connect time.
    """
    from trafilatura.downloads import fetch_response

    limit = settings.max_bytes(limit)
    refused = _unreachable(url)
    if refused:
        return Failure(url, refused)
    try:
        response = fetch_response(url, config=_fetch_config(limit))
    except Exception as exc:  # the downloader raises on URLs it cannot even parse
        return Failure(url, f"cannot be fetched ({type(exc).__name__}: {exc})")
    if response is None:
        return Failure(url, "cannot be fetched: no answer (connection refused or failed, timed "
                            f"out, or over the {limit:,}-byte limit)")
    if not 200 <= response.status < 300:
        return Failure(url, f"HTTP status {response.status}, not a page to read")
    ctype = (response.headers or {}).get("content-type", "")
    if "html" not in ctype.lower():
        return Failure(url, f"not an HTML page (Content-Type: {ctype or 'none'})")
    final = response.url or url
    return _record({"url": final}, url, "page", response.data, fallback_id="page")


def _unreachable(url: str) -> str | None:
    """Why a URL is not fetched before trying (no host, a host not found, a private address)."""
    import ipaddress
    import socket

    try:
        parts = urlsplit(url)
        host, port = parts.hostname, parts.port
    except ValueError as exc:
        return f"not a valid URL ({exc})"
    if not host:
        return "not a valid URL (no host)"
    try:
        found = {info[4][0] for info in socket.getaddrinfo(host, port or 80, proto=socket.IPPROTO_TCP)}
    except (socket.gaierror, UnicodeError) as exc:
        return f"cannot be fetched: host {host!r} not found ({exc})"
    private = sorted(a for a in found if not ipaddress.ip_address(a.split("%", 1)[0]).is_global)
    if private and not settings.fetch_private():
        return (f"host {host!r} is a private or loopback address ({private[0]}): not fetched unless "
                "ONRECORD_FETCH_PRIVATE=1")
    return None


def _fetch_config(limit: int):
    from trafilatura.settings import use_config

    config = use_config()
    config.set("DEFAULT", "MAX_FILE_SIZE", str(limit))
    config.set("DEFAULT", "DOWNLOAD_TIMEOUT", str(settings.fetch_timeout()))
    config.set("DEFAULT", "SSRF_PROTECTION", "off" if settings.fetch_private() else "on")
    config.set("DEFAULT", "INSECURE_SSL_FALLBACK", "off")  # never read a page we cannot trust
    return config


def upload_record(body: bytes, *, html: bool, url: str | None = None, published: str | None = None,
                  outlet: str | None = None, limit: int | None = None,
                  source: str = "POST /api/articles") -> Record | Failure:
    """The body of the explorer's POST as a Record (its query fields as the record's fields)."""
    limit = settings.max_bytes(limit)
    if len(body) > limit:
        return Failure(source, too_large(len(body), limit))
    fields = {"url": url, "published": published, "outlet": outlet}
    return _record(fields, source, "file", body, fallback_id="upload", file_id="upload",
                   name="upload.html" if html else "upload.txt")


def stdin_record(data: bytes, *, limit: int | None = None) -> Record | Failure:
    """Standard input (``analyze -``) as a Record."""
    limit = settings.max_bytes(limit)
    if len(data) > limit:
        return Failure("<stdin>", too_large(len(data), limit))
    return Record("<stdin>", "file", data, doc_id="stdin", name="<stdin>")


# ------------------------------------------------------------------------- to an Article

def to_article(record: Record, published: str | None = None) -> Article:
    """The Article of a Record, by the title and date rules; InputError when it is none.

    ``published`` is the command's ``--published`` (already checked): it gives way to the
    record's own date and wins over the page's metadata.
    """
    given = record.published or published
    src = record.source
    if record.kind == "text":
        article = from_text(record.payload, doc_id=record.doc_id, published=given, url=record.url)
    elif record.kind == "html":
        article = from_html(record.payload, doc_id=record.doc_id, url=record.url, published=given,
                            source=src)
    else:
        data = record.payload if isinstance(record.payload, bytes) else record.payload.encode("utf-8")
        text, encoding, notes = decode_bytes(data, src)
        if record.kind == "page" or looks_like_html(data, record.name):
            article = from_html(text, doc_id=record.doc_id, url=record.url, published=given, source=src)
        else:
            article = from_text(text, doc_id=record.doc_id, published=given, url=record.url)
        article.encoding, article.notes = encoding, notes + article.notes
    if not article.published and record.crawled:
        article.published, article.published_source = record.crawled, "WARC-Date"
    article.title = record.title or article.title or headline(article)
    article.url = record.url or article.url
    article.outlet = record.outlet or outlet_of(article.url)
    article.source = src
    return article


#: Longest title taken from a text's headline line (characters): a headline is a line, and a
#: longer "headline" is a paragraph the structure labels misread.
MAX_TITLE_CHARS = 300


def headline(article: Article) -> str | None:
    """The text's first line when the structure labels call it the headline, else None."""
    block = next((b for b in article.blocks if b.kind == "headline"), None)
    if block is None:
        return None
    words = " ".join(article.text[block.start:block.end].split())
    return words[:MAX_TITLE_CHARS] or None


def read(record: Record | Failure, published: str | None = None) -> Article | Failure:
    """``to_article``, with a refusal as a Failure instead of an exception."""
    if isinstance(record, Failure):
        return record
    try:
        return to_article(record, published)
    except InputError as exc:
        return Failure(record.source, exc.problem)
    except DateError as exc:
        return Failure(record.source, str(exc))


def read_path(path: str | Path, *, published: str | None = None, limit: int | None = None) -> Article:
    """One article file (text or HTML, with its ``.meta.json`` if any) as an Article, by the same
    rules as every other input; InputError names the file and the problem."""
    return _article_or_raise(read_file(path, limit=limit), published)


def read_bytes(data: bytes, *, name: str, doc_id: str | None = None, published: str | None = None,
               url: str | None = None, limit: int | None = None) -> Article:
    """Raw bytes (HTML or plain text, told apart by ``name`` and content) as an Article, by the
    same rules as a file; InputError names ``name`` and the problem."""
    limit = settings.max_bytes(limit)
    if len(data) > limit:
        raise InputError(name, too_large(len(data), limit))
    fields = {"url": url}
    record = _record(fields, name, "file", data, fallback_id=file_stem(name), name=name,
                     file_id=doc_id or file_stem(name))
    return _article_or_raise(record, published)


def _article_or_raise(record: Record | Failure, published: str | None) -> Article:
    article = read(record, published)
    if isinstance(article, Failure):
        raise InputError(article.source, article.reason)
    return article


def read_all(paths: Iterable[str], *, published: str | None = None,
             limit: int | None = None) -> Iterator[Article | Failure]:
    """Every Article (or Failure) of the inputs, one at a time."""
    for record in iter_records(paths, limit=limit):
        yield read(record, published)


# ------------------------------------------------------------------------- names from URLs

def outlet_of(url: str | None) -> str | None:
    """An outlet name from a URL: its host without 'www.'."""
    try:
        host = urlsplit(url).hostname if url else None
    except ValueError:
        return None
    return host.removeprefix("www.") if host else None


def url_doc_id(url: str | None) -> str | None:
    """A document id from a URL: its last path segment without extension, else its host."""
    if not url:
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    last = [p for p in parts.path.split("/") if p]
    name = last[-1] if last else parts.netloc
    return (name.rsplit(".", 1)[0] if "." in name and last else name) or None


def file_stem(name: str) -> str:
    """A file name without its directory and its input extension."""
    base = Path(name).name
    for ext in ARTICLE_SUFFIXES + JSONL_SUFFIXES + WARC_SUFFIXES + URL_LIST_SUFFIXES:
        if base.lower().endswith(ext):
            return base[: -len(ext)] or base
    return Path(base).stem or base
