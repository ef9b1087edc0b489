"""The Parquet tables of a batch: schemas, rows from a Report, part writers, and readers.

Four tables, one row per record, each row carrying ``article_id`` (the URL, else
``sha256:`` of the text) and ``doc``:

- ``articles``: metadata, counts and ``report``, the whole Report JSON (``Report.to_dict``),
  so ``iter_reports`` gives the Reports back without analysing again;
- ``attributions``: the DESIGN.md attribution record, spans as structs, and ``record``, the
  whole record as JSON (a field the engine adds later is there with no schema change);
- ``entities``: name, type, aliases, mentions;
- ``claims``: the DESIGN.md claim record;
- ``vectors`` (when the batch embeds, as it does by default): one row per statement that the
  store links across articles, in the order it links them, then one for the words alone of each
  response that has them (``store.ingest.embedded_texts``): ``article_row`` (the article's row
  in the shard's articles part), ``statement``, ``text`` (the words embedded) and ``vector``
  (a fixed-size list of float32), the embedder's name and dimension in the schema metadata
  (``onrecord.embedder``, ``onrecord.dim``). ``onrecord ingest`` then embeds nothing.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from ..report import Report
from ..store import dedup
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
        ("report", pa.string()), ("bands", pa.list_(pa.int64()))],
        metadata={b"onrecord.bands": dedup.SIGNATURE.encode()}),
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
VECTORS = "vectors"


def vectors_schema(embedder: str, dim: int) -> pa.Schema:
    """The vectors table of a batch embedded with ``embedder`` (its name and dimension)."""
    return pa.schema(_ID + [("article_row", pa.int64()), ("statement", pa.int32()), ("text", pa.string()),
                            ("vector", pa.list_(pa.float32(), dim))],
                     metadata={b"onrecord.embedder": embedder.encode(), b"onrecord.dim": str(dim).encode()})


@dataclass
class StatementVectors:
    """One article's statement vectors as a batch wrote them: the embedder, texts and vectors."""

    embedder: str
    texts: list[str]
    vectors: np.ndarray  # (len(texts), dim) float32

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
               "claims": len(data["claims"]), "report": json.dumps(data, ensure_ascii=False),
               # the near-copy keys, computed here on the batch's cores instead of at ingest
               "bands": [h for _, h in dedup.band_keys(dedup.normalise_text(data["text"]))]}
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

    def __init__(self, layout: Layout, shard_id: str, sources: list[str],
                 embedder: tuple[str, int] | None = None):
        self.layout, self.shard_id, self.sources = layout, shard_id, sources
        self.schemas = dict(SCHEMAS)
        if embedder is not None:  # (name, dim): the statements' vectors are written too
            self.schemas[VECTORS] = vectors_schema(*embedder)
        self.tables = tuple(self.schemas)
        self.tmp = {name: layout.tmp_part(name, shard_id) for name in self.tables}
        self.writers = {name: pq.ParquetWriter(self.tmp[name], self.schemas[name]) for name in self.tables}
        self.buffer: dict[str, list[pa.RecordBatch]] = {name: [] for name in self.tables}
        self.pending = 0
        self.articles = self.tokens = 0
        self.errors: list[dict] = []

    def add(self, batches: dict[str, pa.RecordBatch], tokens: int,
            vectors: StatementVectors | None = None) -> None:
        """Buffer one article's rows (and its statements' vectors, when this shard has a vectors
        table); write a row group when enough have arrived."""
        for name in TABLES:
            self.buffer[name].append(batches[name])
        if VECTORS in self.schemas:
            if vectors is None:
                raise ValueError("this shard writes vectors: every article needs its statement vectors")
            ident = batches["articles"].select(["article_id", "doc"]).to_pylist()[0]
            self.buffer[VECTORS].append(vector_batch(self.schemas[VECTORS], ident, self.articles, vectors))
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
        for name in self.tables:
            table = pa.Table.from_batches(self.buffer[name], schema=self.schemas[name])
            self.writers[name].write_table(table)
            self.buffer[name] = []
        self.pending = 0

    def commit(self) -> dict:
        """Close the parts, rename them into place, write the marker; return the marker."""
        self.flush()
        for name in self.tables:
            self.writers[name].close()
            os.replace(self.tmp[name], self.layout.part(name, self.shard_id))
        marker = {"shard": self.shard_id, "sources": self.sources, "articles": self.articles,
                  "tokens": self.tokens, "errors": self.errors}
        self.layout.write_marker(self.shard_id, marker)
        return marker

    def abort(self) -> None:
        """Close and delete the temporary parts (the shard will be redone)."""
        for name in self.tables:
            self.writers[name].close()
            Path(self.tmp[name]).unlink(missing_ok=True)


def vector_batch(schema: pa.Schema, ident: dict, article_row: int, vectors: StatementVectors) -> pa.RecordBatch:
    """The vectors table's rows of one article."""
    n, dim = len(vectors.texts), schema.field("vector").type.list_size
    flat = np.ascontiguousarray(vectors.vectors, dtype=np.float32).reshape(n * dim)
    columns = [pa.array([ident["article_id"]] * n, pa.string()), pa.array([ident["doc"]] * n, pa.string()),
               pa.array([article_row] * n, pa.int64()), pa.array(range(n), pa.int32()),
               pa.array(vectors.texts, pa.string()),
               pa.FixedSizeListArray.from_arrays(pa.array(flat, pa.float32()), dim)]
    return pa.RecordBatch.from_arrays(columns, schema=schema)


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


def iter_vectored_reports(path: str | Path) -> Iterator[tuple[str | None, Report, StatementVectors | None,
                                                               list[tuple[int, int]] | None]]:
    """``iter_sourced_reports`` with each article's statement vectors (None when its shard has
    no vectors table: a batch run without an embedder, or by an onrecord before vectors) and its
    near-copy band keys as ``dedup.band_keys`` gives them (None when the shard has none, or
    made by other MinHash settings than this onrecord's ``dedup.SIGNATURE``)."""
    for part in _article_parts(Path(path)):
        vectors = _vector_rows(part)
        file = pq.ParquetFile(part)
        meta = file.schema_arrow.metadata or {}
        banded = "bands" in file.schema_arrow.names and meta.get(b"onrecord.bands", b"").decode() == dedup.SIGNATURE
        row = 0
        for batch in file.iter_batches(columns=["source", "report", *(["bands"] if banded else [])]):
            bands = batch.column(2).to_pylist() if banded else [None] * batch.num_rows
            for source, text, keys in zip(batch.column(0).to_pylist(), batch.column(1).to_pylist(), bands):
                yield (source, Report.from_dict(json.loads(text)), (vectors(row) if vectors else None),
                       list(enumerate(keys)) if keys is not None else None)
                row += 1


def _vector_rows(articles_part: Path):
    """A function from an article's row in ``articles_part`` to its StatementVectors, reading
    the shard's vectors part a batch at a time alongside (rows must be asked for in order);
    None when the shard has no vectors part."""
    path = articles_part.parent.parent / VECTORS / articles_part.name
    if not path.is_file():
        return None
    file = pq.ParquetFile(path)
    meta = file.schema_arrow.metadata or {}
    name = meta.get(b"onrecord.embedder", b"").decode()
    dim = int(meta.get(b"onrecord.dim", b"0"))
    batches = file.iter_batches(columns=["article_row", "text", "vector"])
    state = {"rows": np.empty(0, np.int64), "texts": [], "vectors": np.empty((0, dim), np.float32), "at": 0}

    def refill() -> bool:
        batch = next(batches, None)
        if batch is None:
            return False
        state["rows"] = batch.column(0).to_numpy()
        state["texts"] = batch.column(1).to_pylist()
        state["vectors"] = batch.column(2).values.to_numpy().reshape(-1, dim)
        state["at"] = 0
        return True

    def of(row: int) -> StatementVectors:
        texts, chunks = [], []
        while True:
            at, rows = state["at"], state["rows"]
            while at < len(rows) and rows[at] < row:
                at += 1  # rows of an article not asked for
            end = at
            while end < len(rows) and rows[end] == row:
                end += 1
            texts += state["texts"][at:end]
            chunks.append(state["vectors"][at:end])
            state["at"] = end
            if end < len(rows) or not refill():
                break
        return StatementVectors(name, texts, np.concatenate(chunks) if chunks else np.empty((0, dim), np.float32))

    return of


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
