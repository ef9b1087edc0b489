"""The Parquet tables of a batch: schemas, rows from a Report, part writers, and readers.

Four tables, one row per record, each row carrying ``article_id`` (the URL, else
``sha256:`` of the text) and ``doc``:

- ``articles``: metadata, counts and ``report``, the whole Report JSON (``Report.to_dict``),
  so ``iter_reports`` gives the Reports back without analysing again;
- ``attributions``: the DESIGN.md attribution record, spans as structs, and ``record``, the
  whole record as JSON (a field the engine adds later is there with no schema change);
- ``entities``: name, type, aliases, mentions;
- ``claims``: the DESIGN.md claim record.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Iterator

import pyarrow as pa
import pyarrow.parquet as pq

from ..report import Report
from .layout import Layout

_ID = [pa.field("article_id", pa.string(), nullable=False), pa.field("doc", pa.string())]
_SPAN = [("text", pa.string()), ("start", pa.int64()), ("end", pa.int64())]
_PAIRS = pa.list_(pa.list_(pa.int64()))
_NAMES = pa.list_(pa.string())

SCHEMAS: dict[str, pa.Schema] = {
    "articles": pa.schema(_ID + [
        ("url", pa.string()), ("title", pa.string()), ("author", pa.string()),
        ("published", pa.string()), ("source", pa.string()), ("format", pa.string()),
        ("content_sha256", pa.string()), ("chars", pa.int64()), ("tokens", pa.int64()),
        ("attributions", pa.int64()), ("entities", pa.int64()), ("claims", pa.int64()),
        ("report", pa.string())]),
    "attributions": pa.schema(_ID + [
        ("id", pa.string()), ("kind", pa.string()),
        ("speaker", pa.struct(_SPAN + [("entity", pa.string()), ("type", pa.string())])),
        ("cue", pa.struct(_SPAN)), ("content", pa.struct(_SPAN + [("spans", _PAIRS)])),
        ("insertions", _PAIRS), ("addressee", pa.struct(_SPAN)),
        ("when", pa.struct(_SPAN + [("value", pa.string())])),
        ("stance", pa.string()), ("hedged", pa.bool_()), ("act", pa.string()),
        ("confidence", pa.float64()), ("record", pa.string())]),
    "entities": pa.schema(_ID + [
        ("name", pa.string()), ("type", pa.string()), ("aliases", _NAMES), ("mentions", _PAIRS)]),
    "claims": pa.schema(_ID + [
        ("id", pa.string()), ("text", pa.string()), ("asserted_by", _NAMES),
        ("confirmed_by", _NAMES), ("disputed_by", _NAMES), ("denied_by", _NAMES),
        ("declined_by", _NAMES), ("status", pa.string()), ("attributions", _NAMES),
        ("start", pa.int64()), ("end", pa.int64())]),
}
TABLES = tuple(SCHEMAS)

#: Articles buffered per row group. 256 reports hold a few MB in memory, and give row groups
#: large enough (thousands of attribution rows) for Parquet's column compression to pay.
ROW_GROUP_ARTICLES = 256


def report_batches(report: Report, article_id: str, source: str, tokens: int) -> dict[str, pa.RecordBatch]:
    """One Arrow batch per table holding the Report's rows, each with the article's identity."""
    import hashlib

    data = report.to_dict()
    ident = {"article_id": article_id, "doc": report.doc_id}
    meta = data["metadata"]
    article = {**ident, "url": meta.get("url"), "title": meta.get("title"),
               "author": meta.get("author"), "published": meta.get("published"),
               "source": source, "format": meta.get("format"),
               "content_sha256": hashlib.sha256(data["text"].encode("utf-8")).hexdigest(),
               "chars": len(data["text"]), "tokens": tokens,
               "attributions": len(data["attributions"]), "entities": len(data["entities"]),
               "claims": len(data["claims"]), "report": json.dumps(data, ensure_ascii=False)}
    rows = {"articles": [article],
            "attributions": [{**r, **ident, "record": json.dumps(r, ensure_ascii=False)}
                             for r in data["attributions"]],
            "entities": [{**e, **ident} for e in data["entities"]],
            "claims": [{**c, **ident} for c in data["claims"]]}
    return {name: pa.RecordBatch.from_pylist(rows[name], schema=SCHEMAS[name]) for name in TABLES}


class ShardWriter:
    """Writes one shard's part files in row groups, then commits them with its marker.

    Parts are written under temporary names and renamed only when the shard is complete;
    the completion marker is written last, so a shard without a marker was interrupted and
    is redone (its parts overwritten) by the next run.
    """

    def __init__(self, layout: Layout, shard_id: str, sources: list[str]):
        self.layout, self.shard_id, self.sources = layout, shard_id, sources
        self.tmp = {name: layout.tmp_part(name, shard_id) for name in TABLES}
        self.writers = {name: pq.ParquetWriter(self.tmp[name], SCHEMAS[name]) for name in TABLES}
        self.buffer: dict[str, list[pa.RecordBatch]] = {name: [] for name in TABLES}
        self.pending = 0
        self.articles = self.tokens = 0
        self.errors: list[dict] = []

    def add(self, batches: dict[str, pa.RecordBatch], tokens: int) -> None:
        """Buffer one article's rows; write a row group when enough have arrived."""
        for name in TABLES:
            self.buffer[name].append(batches[name])
        self.pending += 1
        self.articles += 1
        self.tokens += tokens
        if self.pending >= ROW_GROUP_ARTICLES:
            self.flush()

    def fail(self, error: dict) -> None:
        """Record one failed record of this shard (it goes to errors.jsonl on commit)."""
        self.errors.append(error)

    def flush(self) -> None:
        """Write the buffered rows of every table as one row group each."""
        if not self.pending:
            return
        for name in TABLES:
            table = pa.Table.from_batches(self.buffer[name], schema=SCHEMAS[name])
            self.writers[name].write_table(table)
            self.buffer[name] = []
        self.pending = 0

    def commit(self) -> dict:
        """Close the parts, rename them into place, write the marker; return the marker."""
        self.flush()
        for name in TABLES:
            self.writers[name].close()
            os.replace(self.tmp[name], self.layout.part(name, self.shard_id))
        marker = {"shard": self.shard_id, "sources": self.sources, "articles": self.articles,
                  "tokens": self.tokens, "errors": self.errors}
        self.layout.write_marker(self.shard_id, marker)
        return marker

    def abort(self) -> None:
        """Close and delete the temporary parts (the shard will be redone)."""
        for name in TABLES:
            self.writers[name].close()
            Path(self.tmp[name]).unlink(missing_ok=True)


def iter_reports(path: str | Path) -> Iterator[Report]:
    """Every Report in a batch output, rebuilt with ``Report.from_dict`` (no re-analysis).

    ``path`` is a batch output directory (only its completed shards are read), its
    ``articles`` folder, or one articles part file. Reports are read a row group at a time.
    """
    for _source, report in iter_sourced_reports(path):
        yield report


def iter_sourced_reports(path: str | Path) -> Iterator[tuple[str | None, Report]]:
    """``iter_reports`` with each article's input (its ``source`` column: the file, JSONL line
    or WARC record the batch read it from)."""
    for part in _article_parts(Path(path)):
        for batch in pq.ParquetFile(part).iter_batches(columns=["source", "report"]):
            for source, text in zip(batch.column(0).to_pylist(), batch.column(1).to_pylist()):
                yield source, Report.from_dict(json.loads(text))


def _article_parts(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    if (path / "articles").is_dir():
        return Layout(path).committed_parts("articles")
    if path.is_dir():
        return sorted(path.glob("part-*.parquet"))
    raise FileNotFoundError(f"{path}: not a batch output (no such file or directory)")


def read_table(out: str | Path, name: str) -> pa.Table:
    """One whole table of a batch output (completed shards only), for tests and small outputs."""
    parts = Layout(Path(out)).committed_parts(name)
    tables = [pq.read_table(p, schema=SCHEMAS[name]) for p in parts]
    return pa.concat_tables(tables) if tables else SCHEMAS[name].empty_table()
