"""Gold files from what people decided: ``onrecord export gold DIR``.

For each stored article whose every row of the engine's record was reviewed (accepted,
corrected or rejected; a note alone is no review), its text and a gold file in the format
``onrecord eval gold`` reads (docs/accuracy.md, "The gold format"): each accepted or corrected
row is a required attribution with its corrected speaker, kind and stance; each rejected row
is a negative (its cue on its line, else its speaker), so ``eval gold`` counts it against the
engine if it comes back. The text is written exactly as stored, so every offset holds.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Connection

from . import corrections as log
from .record import STATED
from .sql import run


@dataclass
class Exported:
    """What ``export_gold`` wrote, and the articles it left out with the reason."""

    written: list[str] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)


def line_starts(text: str) -> list[int]:
    """Offsets where each line starts (line 1 at 0), as the gold scorer counts lines."""
    return [0] + [m.end() for m in re.finditer("\n", text)]


def _line(starts: list[int], offset: int) -> int:
    import bisect
    return bisect.bisect_right(starts, offset)


def reviewed_articles(conn: Connection) -> tuple[list[int], list[tuple[int, str]]]:
    """Ids of the articles whose every engine row is reviewed, and the others with why."""
    done, left = [], []
    for (article_id,) in run(conn, "SELECT id FROM articles WHERE copy_of IS NULL ORDER BY id").fetchall():
        ids = [r[0] for r in run(conn, "SELECT id FROM statements WHERE article_id = :a AND kind <> :stated",
                                 {"a": article_id, "stated": STATED}).fetchall()]
        if not ids:
            left.append((article_id, "no statements to review"))
            continue
        over = log.overrides(conn, ids)
        todo = [i for i in ids if (over.get(i) or {}).get("review") is None]
        if todo:
            left.append((article_id, f"{len(todo)} of {len(ids)} statements not reviewed"))
        else:
            done.append(article_id)
    return done, left


def gold_of(conn: Connection, article_id: int) -> tuple[str, str, dict]:
    """(file stem, article text, gold file) of one reviewed article."""
    from .record import article as stored_article

    data = stored_article(conn, article_id)
    text = data["text"]
    starts = line_starts(text)
    ids = [a["statement_id"] for a in data["store"]["attributions"]]
    over = log.overrides(conn, ids)
    _, views = log.article_view(conn, article_id, ids)
    by = {c.statement_id: c.by for c in log.of_article(conn, article_id) if c.action == "reject" and c.live}
    golds, negatives, entities = [], [], {}
    for rec, sid, view in zip(data["attributions"], ids, views):
        sp, cue, content = rec.get("speaker") or {}, rec.get("cue"), rec.get("content")
        review = (over.get(sid) or {}).get("review")
        first = min(s["start"] for s in (cue, content) if s) if (cue or content) else 0
        if review == "rejected":
            neg = _negative(text, starts, rec)
            if neg is not None:
                negatives.append({**neg, "note": f"rejected by {by.get(sid, 'a reviewer')}"})
            continue
        speaker = (view or {}).get("speaker") if view else (sp.get("entity") or sp.get("text"))
        pieces = [text[s:e] for s, e in content["spans"]] if content else None
        line = _line(starts, content["start"] if content else first)
        g = {"line": line, "speaker": speaker, "speaker_mention": sp.get("text"),
             "cue": cue["text"] if cue else None,
             "content": pieces[0] if pieces and len(pieces) == 1 else pieces,
             "kind": (view or {}).get("kind") or rec.get("kind"), "required": True,
             "stance": (view or {}).get("stance") or rec.get("stance"), "review": review}
        golds.append(g)
        if speaker:
            ent = entities.setdefault(speaker, {"name": speaker, "type": None, "aliases": []})
            ent["type"] = ent["type"] or _type(conn, view, sp)
            for alias in (speaker, sp.get("entity") if not view or view.get("entity_id") is None else None):
                if alias and alias not in ent["aliases"]:
                    ent["aliases"].append(alias)
    published = data["store"].get("published")
    stem = f"{_safe(data.get('doc') or 'article')}-{article_id}"
    gold = {"article": f"{stem}.txt", "published": published,
            "about": "Exported by onrecord export gold from the corrections people made in the store: every "
                     "row of the engine's record was reviewed; accepted and corrected rows are the "
                     "attributions (speaker, kind and stance as corrected), rejected rows are negatives.",
            "attributions": golds, "negatives": negatives, "entities": list(entities.values())}
    return stem, text, gold


def _type(conn: Connection, view: dict | None, sp: dict) -> str | None:
    if view and view.get("entity_id") is not None:
        found = run(conn, "SELECT type FROM entities WHERE id = :e", {"e": view["entity_id"]}).fetchone()
        return found[0] if found else None
    return sp.get("type")


def _negative(text: str, starts: list[int], rec: dict) -> dict | None:
    """A rejected row as a gold negative: its cue words on the cue's line when they occur once
    there, else its speaker's words likewise; None when neither tells the row apart."""
    for key in ("cue", "speaker"):
        span = rec.get(key)
        if not span:
            continue
        line = _line(starts, span["start"])
        lo = starts[line - 1]
        hi = starts[line] if line < len(starts) else len(text)
        if text.count(span["text"], lo, hi) == 1:
            return {"line": line, key: span["text"]}
    return None


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-.")[:80] or "article"


def export_gold(conn: Connection, folder: Path) -> Exported:
    """Write NAME.txt and NAME.gold.json for each fully reviewed article into ``folder``
    (each file through a temporary one, so none is left half-written)."""
    done, left = reviewed_articles(conn)
    out = Exported(skipped=left)
    folder.mkdir(parents=True, exist_ok=True)
    for article_id in done:
        stem, text, gold = gold_of(conn, article_id)
        _write(folder / f"{stem}.txt", text)
        _write(folder / f"{stem}.gold.json", json.dumps(gold, ensure_ascii=False, indent=1) + "\n")
        out.written.append(str(folder / f"{stem}.gold.json"))
    return out


def _write(path: Path, text: str) -> None:
    import os
    import tempfile
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
