"""Batch inputs: directories of text or HTML, JSONL files, WARC files, planned into shards.

A shard is the unit of completion: one WARC file, one JSONL file, or a chunk of the text and
HTML files of a directory. Reading a shard yields ``Item`` (raw article bytes or text with its
URL and date, not yet parsed, so the work stays in the workers) or ``Failure`` (a record that
cannot even be read: a line that is not JSON, a broken WARC). Nothing is held beyond one
record at a time, so memory stays flat however large an input is.
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator
from urllib.parse import urlsplit

from .. import settings
from ..errors import InputError

TEXT_SUFFIXES = (".txt", ".text", ".html", ".htm", ".xhtml")
JSONL_SUFFIXES = (".jsonl",)
WARC_SUFFIXES = (".warc", ".warc.gz")

#: Files of a directory per shard. 256 articles take about a minute on one core with the
#: small pipeline: an interrupted run loses at most that much work per worker, and a
#: directory of a million files still makes only ~4,000 part files.
FILES_PER_SHARD = 256


@dataclass(frozen=True)
class Shard:
    """One unit of completion: its id (stable across runs), kind and input paths."""

    id: str
    kind: str  # "files" | "jsonl" | "warc"
    paths: tuple[str, ...]


@dataclass
class Item:
    """One article as read from an input, not yet parsed.

    ``kind`` says how to build the Article: ``file`` (bytes of a text or HTML file),
    ``text`` or ``html`` (a JSONL record), ``warc`` (the HTML bytes of a WARC response).
    """

    source: str
    kind: str
    payload: bytes | str
    doc_id: str | None = None
    url: str | None = None
    published: str | None = None
    crawled: str | None = None  # WARC-Date: the publication date when the page gives none


@dataclass
class Failure:
    """A record that could not be read or analysed: where it is, why, and at which stage."""

    source: str
    reason: str
    stage: str = "read"

    def to_dict(self) -> dict:
        """The errors.jsonl line."""
        return {"source": self.source, "reason": self.reason, "stage": self.stage}


@dataclass
class ShardEnd:
    """Marks the end of a shard in the stream of work, so its part files can be committed."""

    shard: Shard


def input_kind(path: Path) -> str | None:
    """``jsonl``, ``warc``, ``file`` (text or HTML) or None for a file batch does not read."""
    name = path.name.lower()
    if name.endswith(WARC_SUFFIXES):
        return "warc"
    if name.endswith(JSONL_SUFFIXES):
        return "jsonl"
    return "file" if name.endswith(TEXT_SUFFIXES) else None


def check_inputs(inputs: Iterable[str | Path]) -> list[Path]:
    """The inputs as absolute paths; InputError names the first that does not exist."""
    paths = []
    for raw in inputs:
        path = Path(raw)
        if not path.exists():
            raise InputError(str(raw), "no such file or directory")
        if path.is_file() and input_kind(path) is None:
            raise InputError(str(raw), "not a batch input (expected a directory, "
                                       ".txt/.html, .jsonl or .warc/.warc.gz)")
        paths.append(path.resolve())
    return paths


def plan(inputs: Iterable[str | Path], done: set[str],
         files_per_shard: int = FILES_PER_SHARD) -> list[Shard]:
    """The shards still to do: every input file not listed in ``done`` (a set of paths)."""
    singles: list[Shard] = []
    loose: list[str] = []
    for path in walk_inputs(inputs):
        if str(path) in done:
            continue
        kind = input_kind(path)
        if kind == "file":
            loose.append(str(path))
        else:
            singles.append(Shard(_shard_id([str(path)]), kind, (str(path),)))
    chunks = [tuple(loose[i:i + files_per_shard]) for i in range(0, len(loose), files_per_shard)]
    return singles + [Shard(_shard_id(c), "files", c) for c in chunks]


def walk_inputs(inputs: Iterable[str | Path]) -> Iterator[Path]:
    """Every input file under the inputs, in a stable order, without duplicates."""
    seen: set[Path] = set()
    for path in check_inputs(inputs):
        files = [path] if path.is_file() else _files_under(path)
        for f in files:
            if f not in seen:
                seen.add(f)
                yield f


def _files_under(directory: Path) -> Iterator[Path]:
    for root, dirs, files in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            path = Path(root) / name
            if not name.startswith(".") and input_kind(path):
                yield path


def _shard_id(paths: list[str] | tuple[str, ...]) -> str:
    """A stable id from the shard's paths: the same files make the same part file names."""
    return hashlib.sha1("\n".join(paths).encode("utf-8")).hexdigest()[:16]


def iter_shard(shard: Shard) -> Iterator[Item | Failure]:
    """Every article (or failure) of one shard, one record at a time."""
    readers = {"files": _read_file, "jsonl": _read_jsonl, "warc": _read_warc}
    for path in shard.paths:
        yield from readers[shard.kind](path)


def _read_file(path: str) -> Iterator[Item | Failure]:
    limit = settings.max_bytes()
    try:
        size = os.path.getsize(path)
        if size > limit:
            yield Failure(path, f"file is {size:,} bytes, over the {limit:,}-byte limit")
            return
        with open(path, "rb") as fh:
            yield Item(path, "file", fh.read())
    except OSError as exc:
        yield Failure(path, f"cannot be read ({exc.strerror or exc})")


def _read_jsonl(path: str) -> Iterator[Item | Failure]:
    try:
        with open(path, "rb") as fh:
            for lineno, line in enumerate(fh, 1):
                if line.strip():
                    yield _jsonl_item(line, f"{path}:{lineno}", f"{Path(path).stem}-{lineno}")
    except OSError as exc:
        yield Failure(path, f"cannot be read ({exc.strerror or exc})")


def _jsonl_item(line: bytes, source: str, fallback_id: str) -> Item | Failure:
    """One JSONL line ({url, html|text, published}) as an Item, or the reason it is not one."""
    try:
        rec = json.loads(line)
    except (ValueError, UnicodeDecodeError) as exc:
        return Failure(source, f"not a JSON object ({exc})")
    if not isinstance(rec, dict):
        return Failure(source, f"not a JSON object (a {type(rec).__name__})")
    kind = "html" if isinstance(rec.get("html"), str) else "text"
    body = rec.get(kind)
    if not isinstance(body, str) or not body.strip():
        return Failure(source, "no 'html' or 'text' field with an article in it")
    url = rec.get("url") if isinstance(rec.get("url"), str) else None
    published = rec.get("published") if isinstance(rec.get("published"), str) else None
    doc_id = rec.get("doc") if isinstance(rec.get("doc"), str) else url_doc_id(url) or fallback_id
    return Item(source, kind, body, doc_id=doc_id, url=url, published=published)


def _read_warc(path: str) -> Iterator[Item | Failure]:
    """The HTML responses of a WARC file; a broken archive ends the file with one Failure."""
    from warcio.archiveiterator import ArchiveIterator

    try:
        with open(path, "rb") as fh:
            records = ArchiveIterator(fh)
            for record in records:
                if _is_html_response(record):
                    unit = _warc_item(record, path)  # read before asking the offset, which
                    unit.source = f"{path}@{records.get_record_offset()}"  # ends the record
                    yield unit
    except Exception as exc:  # warcio raises several kinds on a truncated or corrupt archive
        yield Failure(path, f"malformed WARC ({type(exc).__name__}: {exc})")


def _is_html_response(record) -> bool:
    if record.rec_type != "response" or record.http_headers is None:
        return False
    ctype = (record.http_headers.get_header("Content-Type") or "").lower()
    status = record.http_headers.get_statuscode() or ""
    return status.startswith("2") and ("html" in ctype)


def _warc_item(record, source: str) -> Item | Failure:
    limit = settings.max_bytes()
    data = record.content_stream().read(limit + 1)
    if len(data) > limit:
        return Failure(source, f"response is over the {limit:,}-byte limit")
    url = record.rec_headers.get_header("WARC-Target-URI")
    date = record.rec_headers.get_header("WARC-Date")
    return Item(source, "warc", data, doc_id=url_doc_id(url) or "article", url=url,
                crawled=date)


def url_doc_id(url: str | None) -> str | None:
    """A document id from a URL: its last path segment without extension, else its host."""
    if not url:
        return None
    parts = urlsplit(url)
    last = [p for p in parts.path.split("/") if p]
    name = last[-1] if last else parts.netloc
    return name.rsplit(".", 1)[0] if "." in name and last else name or None
