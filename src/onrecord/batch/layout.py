"""The directory layout of a batch output, its completion markers and its errors file.

```
OUT/
  articles/part-<shard>.parquet      one part per shard in each table
  attributions/part-<shard>.parquet
  entities/part-<shard>.parquet
  claims/part-<shard>.parquet
  vectors/part-<shard>.parquet       the statements' vectors (when the batch embeds)
  _done/<shard>.json                 completion marker: sources, counts, errors
  errors.jsonl                       every failed record: {source, reason, stage}
```
A part counts only once its shard's marker exists; the marker is written last, atomically.
"""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Iterator

TABLE_NAMES = ("articles", "attributions", "entities", "claims", "vectors")
DONE = "_done"
ERRORS = "errors.jsonl"


class Layout:
    """Paths and markers of one batch output directory."""

    def __init__(self, out: str | Path):
        self.out = Path(out)

    def create(self) -> None:
        """Make the table and marker folders."""
        for name in TABLE_NAMES + (DONE,):
            (self.out / name).mkdir(parents=True, exist_ok=True)

    def part(self, table: str, shard_id: str) -> str:
        """The final path of a shard's part of a table."""
        return str(self.out / table / f"part-{shard_id}.parquet")

    def tmp_part(self, table: str, shard_id: str) -> str:
        """The path a part is written to before its shard completes."""
        return str(self.out / table / f".part-{shard_id}.parquet.tmp")

    def write_marker(self, shard_id: str, marker: dict) -> None:
        """Write a shard's completion marker atomically (tmp file, then rename)."""
        folder = self.out / DONE
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{shard_id}.", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(marker, fh, ensure_ascii=False)
        os.replace(tmp, folder / f"{shard_id}.json")

    def markers(self) -> Iterator[dict]:
        """Every completion marker, in shard-id order."""
        folder = self.out / DONE
        for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
            yield json.loads(path.read_text(encoding="utf-8"))

    def done_sources(self) -> set[str]:
        """The input paths every completed shard covered."""
        return {src for marker in self.markers() for src in marker["sources"]}

    def committed_parts(self, table: str) -> list[Path]:
        """The part files of a table whose shard is complete, in shard-id order."""
        done = {m["shard"] for m in self.markers()}
        return [Path(self.part(table, s)) for s in sorted(done)]

    def clean_interrupted(self) -> int:
        """Remove temporary files and parts without a marker; return how many were removed."""
        done = {m["shard"] for m in self.markers()}
        stale = [p for name in TABLE_NAMES + (DONE,) for p in (self.out / name).glob(".*.tmp")]
        for name in TABLE_NAMES:
            stale += [p for p in (self.out / name).glob("part-*.parquet")
                      if p.name[len("part-"):-len(".parquet")] not in done]
        for path in stale:
            path.unlink(missing_ok=True)
        return len(stale)

    def write_errors(self) -> int:
        """Rewrite errors.jsonl from every marker (so reruns never repeat a line); return the count."""
        lines = [json.dumps(e, ensure_ascii=False) + "\n" for m in self.markers() for e in m["errors"]]
        fd, tmp = tempfile.mkstemp(dir=self.out, prefix=".errors.", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.writelines(lines)
        os.replace(tmp, self.out / ERRORS)
        return len(lines)
