"""Inputs of ``onrecord ingest``: whatever ``inputs.readers`` reads, plus finished reports.

Articles (files, folders, JSONL, WARC, URL lists, URLs) are read by ``onrecord.inputs.readers``,
the one reader of every command, so ingest refuses what ``analyze`` and ``batch`` refuse and
in the same words. Ingest also takes what onrecord already analysed: a report saved by
``onrecord analyze --format json`` (a ``.json`` file) and the output of ``onrecord batch``
(its folder, or a part file of its articles table), which are stored without analysing again.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from onrecord.inputs import readers
from onrecord.inputs.article import Article
from onrecord.inputs.readers import outlet_of  # noqa: F401 (the store's outlet rule is the reader's)
from ..errors import InputError
from ..report import Report
from .errors import MissingExtra


@dataclass
class Item:
    """One unit of ingest: an article, a finished report, or why the input was refused."""

    source: str
    article: Article | None = None
    report: Report | None = None
    outlet: str | None = None
    error: str | None = None
    #: The report's statement vectors as ``onrecord batch`` wrote them (batch.parquet.StatementVectors).
    vectors: object = None
    #: The article's near-copy band keys as ``onrecord batch`` computed them (``dedup.band_keys``).
    bands: list[tuple[int, int]] | None = None

    @property
    def the_article(self) -> Article | None:
        """The article, whether given alone or inside its report."""
        return self.report.article if self.report is not None else self.article


def _kind(path: Path) -> str | None:
    """The reader's kinds, and the two of finished reports: ``report`` (.json), ``parquet``."""
    name = path.name.lower()
    if name.endswith(".parquet"):
        return "parquet"
    if name.endswith(".json") and not name.endswith(readers.SIDE_FILES):
        return "report"
    return readers.input_kind(path)


def iter_items(paths: list[str], published: str | None = None,
               limit: int | None = None) -> Iterator[Item]:
    """Every item of every input, folders walked in sorted order."""
    for raw in paths:
        path = Path(raw)
        if not readers.is_url(raw) and path.is_dir():
            if (path / "articles").is_dir() and (path / "_done").is_dir():
                yield from iter_parquet(path)  # a whole `onrecord batch` output: its articles table
                continue
            for child in readers.files_under(path, _kind):
                yield from _items_of_file(child, published, limit)
        elif not readers.is_url(raw) and path.exists():
            yield from _items_of_file(path, published, limit)
        else:
            yield from _items_of(readers.iter_records([raw], limit=limit), published)


def _items_of_file(path: Path, published: str | None, limit: int | None) -> Iterator[Item]:
    kind = _kind(path)
    if kind == "parquet":
        if path.parent.name != "articles":
            yield Item(str(path), error="a Parquet file of onrecord batch's articles table is needed "
                                        "(articles/*.parquet), or the batch output folder itself")
            return
        yield from iter_parquet(path)
    elif kind == "report":
        yield read_report_json(path)
    else:
        yield from _items_of(readers.records_of(path, limit=limit), published)


def _items_of(records, published: str | None) -> Iterator[Item]:
    for record in records:
        yield _item(readers.read(record, published))


def _item(read: Article | readers.Failure) -> Item:
    if isinstance(read, readers.Failure):
        return Item(read.source, error=read.reason)
    return Item(read.source or read.doc_id, article=read, outlet=read.outlet)


def jsonl_item(line: str, source: str, published: str | None = None) -> Item:
    """The item of one JSONL line (a refusal when the line is not a usable record)."""
    name, _, number = source.rpartition(":")
    fallback = f"{readers.file_stem(name)}-{number}" if name else readers.file_stem(source)
    return _item(readers.read(readers.jsonl_record(line, source, fallback), published))


def read_article_file(path: Path, published: str | None = None) -> Item:
    """A text or HTML file, with the metadata of its ``.meta.json`` sidecar if there is one."""
    return _item(readers.read(readers.read_file(path), published))


def iter_warc(path: Path, published: str | None = None) -> Iterator[Item]:
    """One item per HTML response of a WARC (or WARC.gz) file, by the reader's status rule."""
    yield from _items_of(readers.iter_warc(path), published)


def iter_parquet(path: Path) -> Iterator[Item]:
    """The reports of a Parquet file written by ``onrecord batch`` (no analysis again).

    Every Parquet file of a batch output (each articles part and its vectors part) is opened
    before the first report is given, so a garbled or truncated one stops the ingest with an
    InputError naming it before anything is stored."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq

        from onrecord.batch.layout import Layout
        from onrecord.batch.parquet import VECTORS, iter_vectored_reports
    except ImportError:
        raise MissingExtra(f"{path}: reading Parquet needs the batch extra "
                           "(pip install 'onrecord[batch]')") from None
    if path.is_dir() and (path / "articles").is_dir():
        parts = Layout(path).committed_parts("articles")
    elif path.is_dir():
        parts = sorted(path.glob("part-*.parquet"))
    else:
        parts = [path]
    for part in parts:
        for file in (part, part.parent.parent / VECTORS / part.name):
            if file == part or file.is_file():
                try:
                    pq.ParquetFile(file).close()
                except (pa.ArrowException, OSError) as exc:
                    raise InputError(str(file), f"not a readable Parquet file ({_first_line(exc)})") from None
    number = 0
    for part in parts:
        try:
            for source, report, vectors, bands in iter_vectored_reports(part):
                number += 1
                yield Item(source or f"{path}#{number}", report=report,
                           outlet=report.article.outlet or outlet_of(report.article.url), vectors=vectors,
                           bands=bands)
        except (pa.ArrowException, OSError) as exc:  # a page garbled behind a sound footer
            raise InputError(f"{part} (or {part.parent.parent / VECTORS / part.name})",
                             f"not a readable Parquet file ({_first_line(exc)})") from None


def _first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def is_batch_output(raw: str) -> bool:
    """True for the folder of an ``onrecord batch`` output (its tables and markers)."""
    path = Path(raw)
    return not readers.is_url(raw) and (path / "articles").is_dir() and (path / "_done").is_dir()


def read_report_json(path: Path) -> Item:
    """A Report saved by ``onrecord analyze --format json`` (a single article)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(data, list) and len(data) == 1:
            data = data[0]
        report = Report.from_dict(data)
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        return Item(str(path), error=f"not a report from onrecord analyze --format json ({exc})")
    return Item(str(path), report=report, outlet=report.article.outlet or outlet_of(report.article.url))
