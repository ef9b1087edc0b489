"""Batch inputs: what ``inputs.readers`` reads, planned into shards.

A shard is the unit of completion: one WARC file, one JSONL file, one URL list, or a chunk
of the text and HTML files of a directory. Reading a shard yields the reader's ``Record``
(raw article bytes or text with its id, URL and date, not yet parsed, so the work stays in
the workers) or ``Failure`` (a record refused by the reader's rules, in the same words as
``analyze`` and ``ingest``). Nothing is held beyond one record at a time, so memory stays
flat however large an input is.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from onrecord.inputs import readers
from onrecord.inputs.readers import Failure, Record, input_kind, url_doc_id  # noqa: F401 (the batch's names)
from ..errors import InputError

#: An article as read, not yet parsed (the reader's Record).
Item = Record

#: Files of a directory per shard. 256 articles take about a minute on one core with the
#: small pipeline: an interrupted run loses at most that much work per worker, and a
#: directory of a million files still makes only ~4,000 part files.
FILES_PER_SHARD = 256


@dataclass(frozen=True)
class Shard:
    """One unit of completion: its id (stable across runs), kind and input paths."""

    id: str
    kind: str  # "files" | "jsonl" | "warc" | "urls"
    paths: tuple[str, ...]


@dataclass
class ShardEnd:
    """Marks the end of a shard in the stream of work, so its part files can be committed."""

    shard: Shard


def check_inputs(inputs: Iterable[str | Path]) -> list[Path]:
    """The inputs as absolute paths; InputError names the first that does not exist."""
    paths = []
    for raw in inputs:
        path = Path(raw)
        if not path.exists():
            raise InputError(str(raw), "no such file or folder")
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
        kind = input_kind(path) or "file"  # a file named on its own is an article
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
        files = [path] if path.is_file() else readers.files_under(path)
        for f in files:
            if f not in seen:
                seen.add(f)
                yield f


def _shard_id(paths: list[str] | tuple[str, ...]) -> str:
    """A stable id from the shard's paths: the same files make the same part file names."""
    return hashlib.sha1("\n".join(paths).encode("utf-8")).hexdigest()[:16]


def iter_shard(shard: Shard) -> Iterator[Record | Failure]:
    """Every article (or failure) of one shard, one record at a time."""
    for path in shard.paths:
        yield from readers.records_of(path)
