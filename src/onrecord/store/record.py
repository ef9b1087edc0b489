"""The engine's record in the store, written whole and read back whole.

``onrecord analyze --format json`` gives one object per article (``Report.to_dict``); the
store keeps all of it: the article's part (metadata, structure, time expressions, warnings,
and any key added later) as JSON on its ``articles`` row, each attribution's record as JSON
on its ``statements`` row, each entity and each per-article claim as JSON on its own row.
The columns beside them are copies of the fields queries filter, join or sort on. Reading
puts the object back together in the engine's key order, plus the store's ids under
``store`` (``article``), so ``GET /api/articles/{id}`` is the analyze JSON unchanged.
"""
from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, select

from ..report import Report
from .schema import article_claim_statements, article_claims, article_entities, articles, statements
from .sql import insert_id, run_many

#: Keys of ``Report.to_dict`` kept in their own rows (the rest is the article's part).
OWN_ROWS = ("text", "attributions", "entities", "claims")


def dumps(value: Any) -> str:
    """JSON text as stored (non-ASCII kept, no spaces)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def article_part(report: Report) -> dict:
    """``Report.to_dict`` with the keys kept elsewhere set to None: their places (the key
    order) are kept, their values are filled back in by ``article``."""
    data = report.to_dict()
    for key in OWN_ROWS:
        data[key] = None
    return data


def write_entities(conn: Connection, article_id: int, report: Report, entity_ids: dict[str, int]) -> None:
    """One ``article_entities`` row per entity of the report, in its order, with its corpus link."""
    run_many(conn, "INSERT INTO article_entities (article_id, position, name, type, entity_id, record) "
                   "VALUES (:a, :p, :name, :type, :e, :record)",
             [{"a": article_id, "p": n, "name": e.name, "type": e.type, "e": entity_ids.get(e.name),
               "record": dumps(e.to_dict())} for n, e in enumerate(report.entities)])


def write_claims(conn: Connection, article_id: int, report: Report, statement_of: dict[str, int]) -> None:
    """One ``article_claims`` row per claim of the report, and its member statements."""
    for claim in report.claims:
        claim_row = insert_id(conn, "INSERT INTO article_claims (article_id, local_id, text, status, start, "
                                    '"end", record) VALUES (:a, :local, :text, :status, :start, :end, :record)',
                              {"a": article_id, "local": claim.id[:32], "text": claim.text, "status": claim.status,
                               "start": claim.start, "end": claim.end, "record": dumps(claim.to_dict())})
        members = sorted({statement_of[a] for a in claim.attributions if a in statement_of})
        run_many(conn, "INSERT INTO article_claim_statements (article_claim_id, statement_id) VALUES (:c, :s)",
                 [{"c": claim_row, "s": s} for s in members])


#: The store's kind for the outlet's own-voice statements it follows across articles
#: (store/claims.py): a statement of the store, never a row of the engine's record.
STATED = "stated"


def record_position(local_id: str | None) -> float:
    """A row's place in its article's record: the number of its local id ("a7" is 7)."""
    digits = (local_id or "")[1:]
    return int(digits) if digits.isdigit() else float("inf")


def article(conn: Connection, article_id: int) -> dict | None:
    """The analyze JSON of a stored article, plus ``store``: its row's fields and the store ids
    of its attributions (statements), entities (corpus entities) and claims, each list in the
    order of the record's own list. None when there is no such article."""
    row = conn.execute(select(articles).where(articles.c.id == article_id)).first()
    if row is None:
        return None
    data = json.loads(row.record) if row.record else legacy_part(row)
    st_rows = conn.execute(select(statements.c.id, statements.c.local_id, statements.c.claim_id,
                                  statements.c.entity_id, statements.c.similarity, statements.c.record,
                                  *LEGACY_COLUMNS)
                           .where(statements.c.article_id == article_id, statements.c.kind != STATED)
                           .order_by(statements.c.id)).all()
    st_rows = sorted(st_rows, key=lambda r: (record_position(r.local_id), r.id))
    ent_rows = conn.execute(select(article_entities).where(article_entities.c.article_id == article_id)
                            .order_by(article_entities.c.position)).all()
    claim_rows = conn.execute(select(article_claims).where(article_claims.c.article_id == article_id)
                              .order_by(article_claims.c.id)).all()
    members: dict[int, list[int]] = {}
    if claim_rows:
        for c, s in conn.execute(select(article_claim_statements.c.article_claim_id,
                                        article_claim_statements.c.statement_id)
                                 .where(article_claim_statements.c.article_claim_id.in_([c.id for c in claim_rows]))
                                 .order_by(article_claim_statements.c.statement_id)).all():
            members.setdefault(c, []).append(s)
    data["text"] = row.text
    data["attributions"] = [json.loads(r.record) if r.record else legacy_record(r, row.doc_id) for r in st_rows]
    data["entities"] = [json.loads(r.record) for r in ent_rows]
    data["claims"] = [json.loads(r.record) for r in claim_rows]
    data["store"] = {
        "article_id": row.id, "url": row.url, "title": row.title, "outlet": row.outlet,
        "published": row.published, "source": row.source,
        "ingested_at": row.ingested_at.isoformat() if hasattr(row.ingested_at, "isoformat") else row.ingested_at,
        "copy_of": row.copy_of, "copy_similarity": row.copy_similarity, "statements": row.n_statements,
        "attributions": [{"id": r.local_id, "statement_id": r.id, "claim_id": r.claim_id,
                          "entity_id": r.entity_id, "similarity": r.similarity} for r in st_rows],
        "entities": [{"name": r.name, "entity_id": r.entity_id} for r in ent_rows],
        "claims": [{"id": r.local_id, "article_claim_id": r.id, "statement_ids": members.get(r.id, [])}
                   for r in claim_rows],
    }
    return data


# -- rows written before the record was kept (none after an upgrade; see docs/store.md) -----

LEGACY_COLUMNS = (statements.c.kind, statements.c.stance, statements.c.speaker_text, statements.c.speaker_name,
                  statements.c.speaker_type, statements.c.speaker_start, statements.c.speaker_end,
                  statements.c.content_text, statements.c.content_start, statements.c.content_end,
                  statements.c.cue_text, statements.c.when_value)


def legacy_part(row) -> dict:
    """The article's part from its columns alone, for a row with no record."""
    return {"doc": row.doc_id,
            "metadata": {"doc": row.doc_id, "title": row.title, "author": None, "published": row.published,
                         "published_source": None, "url": row.url, "format": "text", "encoding": "utf-8",
                         "notes": []},
            "text": None, "structure": [], "entities": None, "timexes": [], "attributions": None,
            "claims": None, "warnings": []}


def legacy_record(r, doc: str) -> dict:
    """An attribution record from a statement's columns alone (no cue offsets, addressee or
    time span: those were not kept), for a row with no record."""
    speaker = content = None
    if r.speaker_start is not None:
        speaker = {"text": r.speaker_text, "start": r.speaker_start, "end": r.speaker_end,
                   "entity": r.speaker_name, "type": r.speaker_type}
    if r.content_start is not None:
        content = {"text": r.content_text, "start": r.content_start, "end": r.content_end,
                   "spans": [[r.content_start, r.content_end]]}
    return {"doc": doc, "id": r.local_id, "kind": r.kind, "speaker": speaker, "cue": None, "content": content,
            "insertions": [], "addressee": None, "when": None, "stance": r.stance, "hedged": False}
