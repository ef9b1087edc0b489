"""Corrections made by people, kept beside the engine's record and read back over it.

The log (``corrections``) is append-only: each entry names its target (a statement or an
entity, by the store id it had when the entry was made), its action, the value before and
after, who made it and when (UTC). An undo is a new entry naming the one it undoes; nothing is
ever updated or deleted. Statement corrections also keep an anchor: the statement's words and
a little text either side, so that re-analysis can find the row again (``reanchor``).

Three tables are derived from the log and rebuilt whenever it or the statements change:

- ``correction_links``: where each correction points now (its article and statement; the
  entity a speaker correction names; the two entities of a merge), or why it is orphaned (its
  row is gone after re-analysis): re-analysis rebuilds statements and entities with new ids,
  and the log keeps the ids of the time;
- ``statement_overrides``: the corrected values of each corrected statement (speaker entity
  and name, kind, stance, act, and its review: accepted, corrected or rejected);
- ``entity_merges``: the merges in force (entity -> the entity it was merged into).

Readers apply them in one place each: ``corrected_rows`` for the claim logic (store/claims.py
``load_rows``: statuses and relations follow the corrections, a rejected row counts for
nothing), ``corrected_statements`` for the statement lists of ``who``, a person's page and a
claim's timeline, and ``entity_statement_ids`` to select an entity's statements by their
corrected speaker. This module imports no other part of the store that reads claims, so the
claim logic can call it; the commands that write corrections are in ``store/correct.py``.
Hand-written: no library keeps an append-only review log over another record.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection

from .sql import in_list, insert_id, run, run_many

#: What a correction does. ``accept``/``reject`` review a row; ``speaker``, ``kind``, ``act``
#: and ``stance`` change one of its values; ``note`` attaches a remark; ``merge``/``split``
#: act on entities; ``undo`` cancels an earlier entry.
ACTIONS = ("accept", "reject", "speaker", "kind", "act", "stance", "note", "merge", "split", "undo")
#: Actions that change a value of the row (the row counts as ``corrected``).
CHANGES = ("speaker", "kind", "act", "stance")
#: The review of a row: accepted as it is, corrected, or rejected (hidden from every view).
REVIEWS = ("accepted", "corrected", "rejected")
#: Characters of text kept on each side of a statement's words in its anchor: enough to tell
#: apart two rows with the same words (a quote repeated in a headline), short enough that an
#: edit near the row does not change its context much.
CONTEXT_CHARS = 60


def now() -> dt.datetime:
    """The current UTC time, naive (as the store's DateTime columns keep it)."""
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0)


@dataclass
class Correction:
    """One entry of the log, with where it points now."""

    id: int
    target_type: str
    target_id: int
    action: str
    before: Any
    after: Any
    by: str
    at: str
    undoes: int | None = None
    #: Where it points now (after re-analysis the statement id may differ from ``target_id``):
    #: the entity is a speaker correction's new speaker, or the entity a merge merges away,
    #: ``into_id`` the one it is merged into.
    article_id: int | None = None
    statement_id: int | None = None
    entity_id: int | None = None
    into_id: int | None = None
    #: Why its row is gone, when re-analysis found it no more.
    orphaned: str | None = None
    #: The entry that undid this one, if any.
    undone_by: int | None = None
    anchor: dict | None = field(default=None, repr=False)

    @property
    def live(self) -> bool:
        """In force: not an undo itself, not undone, not orphaned."""
        return self.action != "undo" and self.undone_by is None and self.orphaned is None

    def to_dict(self) -> dict:
        """JSON-ready form (without the anchor's context)."""
        data = dataclasses.asdict(self)
        data.pop("anchor")
        return data


def _at(value) -> str:
    """A stored time as ISO 8601 UTC to the second (``2026-12-01T23:28:49Z``)."""
    text = value.isoformat(sep="T") if hasattr(value, "isoformat") else str(value).replace(" ", "T")
    return text[:19] + "Z"


def _load(value):
    return json.loads(value) if value is not None else None


_SELECT = ("SELECT c.id, c.target_type, c.target_id, c.action, c.before, c.after, c.by, c.at, c.undoes, "
           "l.article_id, l.statement_id, l.entity_id, l.into_id, l.orphaned, c.anchor FROM correction_links l "
           "JOIN corrections c ON c.id = l.correction_id")  # every entry has its link


def _rows(conn: Connection, where: str = "", params: dict | None = None) -> list[Correction]:
    found = [Correction(r[0], r[1], r[2], r[3], _load(r[4]), _load(r[5]), r[6], _at(r[7]), r[8], r[9], r[10],
                        r[11], r[12], r[13], anchor=_load(r[14]))
             for r in run(conn, _SELECT + (" WHERE " + where if where else "") + " ORDER BY c.id",
                          params or {}).fetchall()]
    if found:
        where_, p = in_list("u", [c.id for c in found])
        undone = dict(run(conn, f"SELECT undoes, id FROM corrections WHERE undoes IN {where_}", p).fetchall())
        for c in found:
            c.undone_by = undone.get(c.id)
    return found


def append(conn: Connection, target_type: str, target_id: int, action: str, before, after, by: str, *,
           article_id: int | None = None, statement_id: int | None = None, entity_id: int | None = None,
           into_id: int | None = None, anchor: dict | None = None, undoes: int | None = None) -> int:
    """Add one entry to the log and its link; its id."""
    cid = insert_id(conn, "INSERT INTO corrections (target_type, target_id, action, before, after, by, at, undoes, "
                          "anchor) VALUES (:tt, :tid, :action, :before, :after, :by, :at, :undoes, :anchor)",
                    {"tt": target_type, "tid": target_id, "action": action, "before": json.dumps(before),
                     "after": json.dumps(after), "by": by[:256], "at": _stored_time(conn, now()),
                     "undoes": undoes, "anchor": json.dumps(anchor) if anchor is not None else None})
    run(conn, "INSERT INTO correction_links (correction_id, article_id, statement_id, entity_id, into_id, orphaned) "
              "VALUES (:c, :a, :s, :e, :i, NULL)",
        {"c": cid, "a": article_id, "s": statement_id, "e": entity_id, "i": into_id})
    return cid


def _stored_time(conn: Connection, value: dt.datetime):
    """A time as SQLAlchemy's DateTime keeps it on this database (a string on SQLite)."""
    return value if conn.dialect.name == "postgresql" else value.strftime("%Y-%m-%d %H:%M:%S.%f")


def get(conn: Connection, correction_id: int) -> Correction | None:
    """One entry of the log, or None."""
    found = _rows(conn, "c.id = :id", {"id": correction_id})
    return found[0] if found else None


def all_corrections(conn: Connection, *, orphaned: bool = False) -> list[Correction]:
    """Every entry of the log in order (only the orphaned ones with ``orphaned``)."""
    if orphaned:
        return _rows(conn, "l.orphaned IS NOT NULL")
    return _rows(conn, "c.id > :z", {"z": 0})


def of_statements(conn: Connection, statement_ids: list[int]) -> dict[int, list[Correction]]:
    """Statement id -> the entries pointing at it now, in order (live or not)."""
    if not statement_ids:
        return {}
    where, params = in_list("s", statement_ids)
    out: dict[int, list[Correction]] = {}
    for c in _rows(conn, f"l.statement_id IN {where}", params):
        out.setdefault(c.statement_id, []).append(c)
    return out


def of_article(conn: Connection, article_id: int) -> list[Correction]:
    """Every entry pointing into one article now, and the orphaned ones that did, in order."""
    return _rows(conn, "l.article_id = :a", {"a": article_id})


def live_of_entities(conn: Connection) -> list[Correction]:
    """The entity corrections (merges, splits) in force, in order."""
    return [c for c in _rows(conn, "c.target_type = :t", {"t": "entity"}) if c.live]


# -- the derived tables --------------------------------------------------------------------


def engine_values(conn: Connection, statement_ids: list[int]) -> dict[int, dict]:
    """The engine's values of each statement (as stored): entity, speaker name, kind, stance, act."""
    if not statement_ids:
        return {}
    where, params = in_list("s", statement_ids)
    out = {}
    for sid, entity_id, name, kind, stance, rec in run(
            conn, "SELECT s.id, s.entity_id, coalesce(e.name, s.speaker_name), s.kind, s.stance, s.record "
                  f"FROM statements s LEFT OUTER JOIN entities e ON e.id = s.entity_id WHERE s.id IN {where}",
            params).fetchall():
        act = (_load(rec) or {}).get("act") if rec else None
        out[sid] = {"entity_id": entity_id, "speaker": name, "kind": kind, "stance": stance, "act": act}
    return out


def fold(values: dict, entries: list[Correction]) -> tuple[dict, str | None]:
    """A statement's values after its live entries, in order, and its review (None: not reviewed)."""
    values, review = dict(values), None
    for c in entries:
        if not c.live:
            continue
        if c.action == "accept":
            review = "accepted"
        elif c.action == "reject":
            review = "rejected"
        elif c.action == "speaker":
            values["entity_id"], values["speaker"] = c.entity_id, c.after.get("name")
            review = "corrected"
        elif c.action in CHANGES:
            values[c.action] = c.after
            review = "corrected"
    return values, review


def rebuild_overrides(conn: Connection, statement_ids: list[int]) -> None:
    """Recompute ``statement_overrides`` of these statements from their live entries."""
    ids = sorted(set(statement_ids))
    if not ids:
        return
    where, params = in_list("s", ids)
    run(conn, f"DELETE FROM statement_overrides WHERE statement_id IN {where}", params)
    engine = engine_values(conn, ids)
    entries = of_statements(conn, ids)
    rows = []
    for sid in ids:
        live = [c for c in entries.get(sid, []) if c.live and c.action != "note"]
        if not live or sid not in engine:
            continue
        values, review = fold(engine[sid], live)
        rows.append({"s": sid, "e": values["entity_id"], "name": values["speaker"], "kind": values["kind"],
                     "stance": values["stance"], "act": values["act"], "review": review})
    run_many(conn, "INSERT INTO statement_overrides (statement_id, entity_id, speaker_name, kind, stance, act, "
                   "review) VALUES (:s, :e, :name, :kind, :stance, :act, :review)", rows)


def rebuild_merges(conn: Connection) -> None:
    """Recompute ``entity_merges`` from the live merges and splits, in order (a split of an
    entity ends the merges into it and out of it)."""
    into: dict[int, int] = {}
    for c in live_of_entities(conn):
        if c.action == "merge" and c.entity_id is not None and c.into_id is not None:
            into[c.entity_id] = c.into_id
        elif c.action == "split" and c.entity_id is not None:
            into.pop(c.entity_id, None)
    run(conn, "DELETE FROM entity_merges WHERE entity_id > :z", {"z": -1})
    run_many(conn, "INSERT INTO entity_merges (entity_id, into_id) VALUES (:e, :i)",
             [{"e": e, "i": i} for e, i in into.items() if e != i])


def roots(conn: Connection, entity_ids) -> dict[int, int]:
    """Entity id -> the entity it stands for after merges (itself when not merged)."""
    ids = {e for e in entity_ids if e is not None}
    out = {e: e for e in ids}
    frontier = set(ids)
    for _ in range(32):  # merges chain at most this deep (a cycle is cut here)
        if not frontier:
            break
        where, params = in_list("m", sorted(frontier))
        step = dict(run(conn, f"SELECT entity_id, into_id FROM entity_merges WHERE entity_id IN {where}",
                        params).fetchall())
        for e, r in out.items():
            if r in step:
                out[e] = step[r]
        frontier = set(step.values()) - set(step)
    return out


def merged_into(conn: Connection, entity_ids: list[int]) -> set[int]:
    """These entities and every entity merged into them (at any depth)."""
    found, frontier = set(entity_ids), set(entity_ids)
    while frontier:
        where, params = in_list("m", sorted(frontier))
        new = {r[0] for r in run(conn, f"SELECT entity_id FROM entity_merges WHERE into_id IN {where}",
                                 params).fetchall()} - found
        found |= new
        frontier = new
    return found


def _names(conn: Connection, entity_ids) -> dict[int, str]:
    ids = sorted({e for e in entity_ids if e is not None})
    if not ids:
        return {}
    where, params = in_list("e", ids)
    return dict(run(conn, f"SELECT id, name FROM entities WHERE id IN {where}", params).fetchall())


def overrides(conn: Connection, statement_ids: list[int]) -> dict[int, dict]:
    """Statement id -> its corrected values, for the corrected statements among these."""
    if not statement_ids:
        return {}
    where, params = in_list("s", sorted(set(statement_ids)))
    return {r[0]: {"entity_id": r[1], "speaker": r[2], "kind": r[3], "stance": r[4], "act": r[5], "review": r[6]}
            for r in run(conn, "SELECT statement_id, entity_id, speaker_name, kind, stance, act, review "
                               f"FROM statement_overrides WHERE statement_id IN {where}", params).fetchall()}


# -- the readers' hooks --------------------------------------------------------------------


def corrected_rows(conn: Connection, rows: list) -> list:
    """The claim logic's rows (store/claims.py ``Row``) as people corrected them: a rejected row
    dropped, a corrected one with its speaker, entity and stance; each entity as merged."""
    if not rows:
        return rows
    over = overrides(conn, [r.id for r in rows])
    root = roots(conn, {over[r.id]["entity_id"] if r.id in over else r.entity_id for r in rows})
    changed_roots = {e for e, r in root.items() if e != r}
    if not over and not changed_roots:
        return rows
    names_ = _names(conn, set(root.values()))
    out = []
    for r in rows:
        o = over.get(r.id)
        if o is not None and o["review"] == "rejected":
            continue
        entity_id, speaker, stance = (o["entity_id"], o["speaker"], o["stance"]) if o else (r.entity_id, r.speaker, r.stance)
        if entity_id is not None and root.get(entity_id, entity_id) != entity_id:
            entity_id = root[entity_id]
            speaker = names_.get(entity_id, speaker)
        out.append(dataclasses.replace(r, entity_id=entity_id, speaker=speaker, stance=stance))
    return out


def corrected_statements(conn: Connection, found: list, *, hide_rejected: bool = True) -> list:
    """``queries.Statement`` records as people corrected them (speaker, kind, stance; a rejected
    one left out unless ``hide_rejected`` is False), each with its review and its entries."""
    if not found:
        return found
    ids = [s.id for s in found]
    over = overrides(conn, ids)
    entries = of_statements(conn, ids)
    root = roots(conn, {over[s.id]["entity_id"] if s.id in over else s.entity_id for s in found})
    names_ = _names(conn, {r for e, r in root.items() if e != r})
    out = []
    for s in found:
        o = over.get(s.id)
        if o is not None:
            if o["review"] == "rejected" and hide_rejected:
                continue
            s = dataclasses.replace(s, entity_id=o["entity_id"], entity=o["speaker"], kind=o["kind"],
                                    stance=o["stance"], reviewed=o["review"])
        if s.entity_id is not None and root.get(s.entity_id, s.entity_id) != s.entity_id:
            s = dataclasses.replace(s, entity_id=root[s.entity_id], entity=names_.get(root[s.entity_id], s.entity))
        if s.id in entries:
            s = dataclasses.replace(s, corrections=[c.to_dict() for c in entries[s.id]])
        out.append(s)
    return out


def _spoken_by(where: str, plain: str, corrected: str) -> str:
    """SQL of the statements whose corrected speaker is one of the entities the IN list ``where``
    names, rejected ones left out: ``plain`` lists the columns of an uncorrected row
    (``statements s``), ``corrected`` the same columns of a corrected one (its
    ``statement_overrides o`` joined to ``statements s``). The uncorrected rows, nearly all of
    them, are read from the index on (entity_id, published, stance) alone when ``plain`` names
    no other column of ``s``: a person's count, stances and months read no statement row."""
    return (f"SELECT {plain} FROM statements s WHERE s.entity_id IN {where} AND NOT EXISTS "
            "(SELECT 1 FROM statement_overrides o WHERE o.statement_id = s.id) "
            f"UNION ALL SELECT {corrected} FROM statement_overrides o JOIN statements s ON s.id = o.statement_id "
            f"WHERE o.entity_id IN {where} AND coalesce(o.review, '') <> 'rejected'")


def _speakers(conn: Connection, entity_ids: list[int]) -> tuple[str, dict]:
    """The IN list of these entities, the entities they were merged into and those merged into
    them (what a person's statements are selected by), and its parameters."""
    return in_list("e", sorted(merged_into(conn, set(roots(conn, entity_ids).values()))))


def entity_statement_ids(conn: Connection, entity_ids: list[int], limit: int, offset: int = 0) -> list[int]:
    """Ids of the statements whose corrected speaker is one of these entities, the entities
    they were merged into or the entities merged into them, rejected ones left out; by date,
    then id."""
    if not entity_ids:
        return []
    where, params = _speakers(conn, entity_ids)
    cols = "s.id AS id, coalesce(s.published, :late) AS p"
    sql = f"SELECT id, p FROM ({_spoken_by(where, cols, cols)}) u ORDER BY p, id LIMIT :n OFFSET :o"
    return [r[0] for r in run(conn, sql, {**params, "late": "9999", "n": limit, "o": offset}).fetchall()]


def count_entity_statements(conn: Connection, entity_ids: list[int]) -> int:
    """How many statements ``entity_statement_ids`` selects, all pages together."""
    return sum(entity_stances(conn, entity_ids).values())


def entity_stances(conn: Connection, entity_ids: list[int]) -> dict[str, int]:
    """Stance (as corrected) -> how many of the statements ``entity_statement_ids`` selects."""
    if not entity_ids:
        return {}
    where, params = _speakers(conn, entity_ids)
    sql = f"SELECT st, count(*) FROM ({_spoken_by(where, 's.stance AS st', 'o.stance AS st')}) u GROUP BY st"
    return dict(run(conn, sql, params).fetchall())


def entity_months(conn: Connection, entity_ids: list[int]) -> list[tuple[str, str, int]]:
    """``(month, stance, count)`` of the dated statements ``entity_statement_ids`` selects
    (stance as corrected, month ``YYYY-MM``), by month then stance."""
    if not entity_ids:
        return []
    where, params = _speakers(conn, entity_ids)
    union = _spoken_by(where, "s.published AS p, s.stance AS st", "s.published AS p, o.stance AS st")
    sql = (f"SELECT substr(p, 1, 7) AS m, st, count(*) FROM ({union}) u WHERE p IS NOT NULL "
           "GROUP BY substr(p, 1, 7), st ORDER BY m, st")
    return [tuple(r) for r in run(conn, sql, params).fetchall()]


def refresh_entity_counts(conn: Connection, entity_ids) -> None:
    """``entities.n_statements`` of these entities as corrected (an entity merged away counts
    none: its statements count for the one it was merged into)."""
    for e in sorted({e for e in entity_ids if e is not None}):
        merged = run(conn, "SELECT 1 FROM entity_merges WHERE entity_id = :e", {"e": e}).fetchone()
        n = 0 if merged else count_entity_statements(conn, [e])
        run(conn, "UPDATE entities SET n_statements = :n WHERE id = :e", {"n": n, "e": e})


def article_view(conn: Connection, article_id: int, statement_ids: list[int]) -> tuple[list[dict], list[dict | None]]:
    """An article's entries (JSON-ready), and for each of its statements (in the order given)
    its corrected values and review, or None when no one corrected it."""
    entries = [c.to_dict() for c in of_article(conn, article_id)]
    over = overrides(conn, statement_ids)
    root = roots(conn, {o["entity_id"] for o in over.values()})
    names_ = _names(conn, {r for e, r in root.items() if e != r})
    views = []
    for sid in statement_ids:
        o = over.get(sid)
        if o is not None and o["entity_id"] is not None and root.get(o["entity_id"]) != o["entity_id"]:
            o = {**o, "entity_id": root[o["entity_id"]], "speaker": names_.get(root[o["entity_id"]], o["speaker"])}
        views.append(o)
    return entries, views


# -- the review queue ------------------------------------------------------------------------


def _confidence_sql(conn: Connection) -> str:
    """The record's ``confidence`` as a number, in the database's JSON dialect."""
    if conn.dialect.name == "postgresql":
        return "(s.record::json->>'confidence')::float"
    return "json_extract(s.record, '$.confidence')"


_UNREVIEWED = ("FROM statements s LEFT OUTER JOIN statement_overrides o ON o.statement_id = s.id "
               "WHERE s.kind <> 'stated' AND s.record IS NOT NULL AND o.review IS NULL")


def unreviewed(conn: Connection, limit: int, offset: int = 0) -> tuple[list[tuple[int, float | None]], int]:
    """(id, confidence) of the engine's rows no one has reviewed yet, the least sure first (the
    record's calibrated ``confidence``; a row without one first of all), and how many are left.
    On SQLite the order and the count come from an index on the record's confidence (migration
    0005); elsewhere it reads every statement's record (the confidence is not a column)."""
    conf = _confidence_sql(conn)
    if conn.dialect.name == "sqlite":
        # read in the order of the index on this very expression (migration 0005), stopping
        # after ``limit`` rows; SQLite sorts NULL first, as ``coalesce(conf, -1)`` does below
        sql = f"SELECT s.id, {conf} {_UNREVIEWED} ORDER BY {conf}, s.id LIMIT :n OFFSET :o"
    else:
        # ordered outside the query that names ``conf``: PostgreSQL takes an output column's alias
        # in ORDER BY only on its own, not inside an expression
        sql = (f"SELECT id, conf FROM (SELECT s.id AS id, {conf} AS conf {_UNREVIEWED}) q "
               "ORDER BY coalesce(conf, -1), id LIMIT :n OFFSET :o")
    rows = [(r[0], r[1]) for r in run(conn, sql, {"n": limit, "o": offset}).fetchall()]
    left = run(conn, f"SELECT count(*) {_UNREVIEWED}").fetchone()[0]
    return rows, left
