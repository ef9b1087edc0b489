"""Making corrections: check them, append them to the log, let entities and claims follow.

The CLI (``onrecord correct``, ``merge``, ``undo``) and the explorer's write routes call these
functions inside one write transaction each. A bad correction (an unknown id, a kind or stance
not in the record's vocabulary, no author) raises ``CorrectionError`` before anything is
written. After an entry is appended, the derived tables are rebuilt for what it touches
(store/corrections.py), the entities' statement counts are recounted, and the claims of the
statements concerned are judged again (``linking.refresh_claim``: their status follows).
Re-analysis moves the corrections to the new rows (``reanchor``).
"""
from __future__ import annotations

import re

from rapidfuzz import fuzz
from sqlalchemy import Connection, Engine

from ..records import ACTS, KINDS, STANCES
from . import corrections as log, linking, names
from .db import write_lock
from .errors import StoreError
from .sql import in_list, run

#: Longest author name and note kept (a name is a few words; a note a paragraph).
MAX_BY = 256
MAX_NOTE = 4000
#: A statement of the re-analysed article takes a correction when its words score at least
#: this (rapidfuzz ratio, 0-100) against the words the correction was made on. Set by hand on
#: the re-analysis tests (tests/test_corrections_reanalyse.py): an unchanged row scores 100 wherever
#: its offsets moved; 90 lets a row keep its correction through a typo fixed in its words or a
#: word more or less at its edge, and refuses a different statement of the same speaker.
ANCHOR_RATIO = 90


class CorrectionError(StoreError):
    """A correction refused before anything was written; ``status`` is the HTTP status the
    explorer answers with (404: no such row; 422: a bad value)."""

    def __init__(self, message: str, status: int = 422):
        super().__init__(message)
        self.status = status


def writing(engine: Engine):
    """A write transaction on the store (BEGIN IMMEDIATE on SQLite, the advisory lock on PostgreSQL)."""
    conn = engine.connect().execution_options(write=True)
    return _Tx(conn)


class _Tx:
    def __init__(self, conn: Connection):
        self.conn = conn

    def __enter__(self) -> Connection:
        self._tx = self.conn.begin()
        write_lock(self.conn)
        return self.conn

    def __exit__(self, kind, *_exc) -> None:
        try:
            if kind is None:
                self._tx.commit()
            else:
                self._tx.rollback()
        finally:
            self.conn.close()


def _author(by: str | None) -> str:
    by = " ".join((by or "").split())
    if not by:
        raise CorrectionError("say who makes the correction (--by NAME)")
    return by[:MAX_BY]


def _statement(conn: Connection, statement_id: int):
    row = run(conn, "SELECT s.id, s.article_id, s.local_id, s.entity_id, s.speaker_type, s.claim_id, "
                    "s.content_text, s.content_start, s.content_end, s.speaker_text, s.cue_text, a.text "
                    "FROM statements s JOIN articles a ON a.id = s.article_id WHERE s.id = :s",
              {"s": statement_id}).fetchone()
    if row is None:
        raise CorrectionError(f"no statement {statement_id} in the store (ids as `onrecord who --format json` "
                              "gives them)", 404)
    return row


def anchor_of(row) -> dict:
    """What a statement correction is anchored on: the row's words and a little text either
    side, its local id and offsets (re-analysis finds the row again by these)."""
    text = row[11]
    start, end = row[7], row[8]
    words = row[6] if row[6] else " ".join(w for w in (row[9], row[10]) if w)
    before = text[max(0, start - log.CONTEXT_CHARS):start] if start is not None else ""
    after = text[end:end + log.CONTEXT_CHARS] if end is not None else ""
    return {"local_id": row[2], "words": words, "start": start, "end": end, "before": before, "after": after,
            "speaker": row[9], "cue": row[10]}


def current(conn: Connection, statement_id: int) -> tuple[dict, str | None]:
    """A statement's values as corrected so far, and its review."""
    engine = log.engine_values(conn, [statement_id])[statement_id]
    return log.fold(engine, log.of_statements(conn, [statement_id]).get(statement_id, []))


def correct_statement(conn: Connection, statement_id: int, action: str, value: str | None, by: str | None,
                      speaker_type: str | None = None) -> int:
    """Append one correction of a statement (accept, reject, speaker, kind, act, stance, note);
    the new entry's id. ``value`` is the new speaker name, kind, act, stance or the note."""
    by = _author(by)
    if action not in ("accept", "reject", "note") + log.CHANGES:
        raise CorrectionError(f"{action!r} is not a correction of a statement "
                              "(accept, reject, speaker, kind, act, stance, note)")
    row = _statement(conn, statement_id)
    values, review = current(conn, statement_id)
    before: object = None
    after: object = None
    if action in ("accept", "reject"):
        before, after = review, "accepted" if action == "accept" else "rejected"
    elif action == "note":
        after = " ".join((value or "").split())
        if not after:
            raise CorrectionError("a note needs its text (--note TEXT)")
        after = (value or "").strip()[:MAX_NOTE]
    elif action == "speaker":
        before = {"entity_id": values["entity_id"], "name": values["speaker"]}
        after = resolve_speaker(conn, value, speaker_type or row[4])
        if after["entity_id"] is not None and after["entity_id"] == values["entity_id"]:
            raise CorrectionError(f"statement {statement_id}'s speaker is already {values['speaker']}")
    else:
        allowed = {"kind": KINDS, "stance": STANCES, "act": ACTS}[action]
        if value not in allowed:
            raise CorrectionError(f"{action} {value!r} is not one of {', '.join(allowed)}")
        before, after = values[action], value
        if before == after:
            raise CorrectionError(f"statement {statement_id}'s {action} is already {value}")
    cid = log.append(conn, "statement", statement_id, action, before, after, by, article_id=row[1],
                     statement_id=statement_id, anchor=anchor_of(row),
                     entity_id=after["entity_id"] if action == "speaker" else None)
    _follow_statements(conn, [statement_id], {values["entity_id"]} | (
        {after["entity_id"]} if action == "speaker" else set()))
    return cid


def resolve_speaker(conn: Connection, name: str | None, type_: str | None) -> dict:
    """The entity a corrected speaker names: ``e12`` is entity 12; a name is the one entity of
    the store it means (any spelling, as ``who`` finds it), else a new entity of that name (a
    person unless the row's speaker was an organisation or outlet). An unnamed group ("a
    spokeswoman") is a speaker without an entity, as the engine keeps it."""
    name = " ".join((name or "").split())
    if not name:
        raise CorrectionError("a new speaker needs a name (--speaker NAME)")
    m = re.fullmatch(r"[eE](\d+)", name)
    if m:
        found = run(conn, "SELECT id, name FROM entities WHERE id = :e", {"e": int(m.group(1))}).fetchone()
        if found is None:
            raise CorrectionError(f"no entity {name} in the store", 404)
        return {"entity_id": found[0], "name": found[1], "type": None}
    kind = type_ if type_ in ("PERSON", "ORG", "OUTLET") else "PERSON"
    if kind == "PERSON":
        hits = linking.find_person(conn, name)
        exact = [e for e in hits if names.fold(_name(conn, e)) == names.fold(name)]
        hits = exact or hits
        if len(hits) > 1:
            raise CorrectionError(f"{name} can mean {len(hits)} people of the store "
                                  f"({', '.join(f'e{e} {_name(conn, e)}' for e in hits[:5])}): give one as e<ID>")
        if hits:
            return {"entity_id": hits[0], "name": _name(conn, hits[0]), "type": kind}
    else:
        found = linking.find_org(conn, name, kind)
        if found is not None:
            return {"entity_id": found, "name": _name(conn, found), "type": kind}
    entity_id = linking.link_entity(conn, name, kind, [name])  # a new entity (or a group: none)
    return {"entity_id": entity_id, "name": _name(conn, entity_id) if entity_id is not None else name, "type": kind}


def _name(conn: Connection, entity_id: int) -> str:
    return run(conn, "SELECT name FROM entities WHERE id = :e", {"e": entity_id}).fetchone()[0]


def merge(conn: Connection, keep: int, other: int, by: str | None) -> int:
    """Merge entity ``other`` into ``keep``: its statements count as ``keep``'s everywhere (who,
    a person's page, a claim's sources). The new entry's id; undo it to split them again."""
    by = _author(by)
    if keep == other:
        raise CorrectionError(f"cannot merge entity {keep} into itself")
    found = dict(run(conn, "SELECT id, name FROM entities WHERE id IN (:a, :b)", {"a": keep, "b": other}).fetchall())
    for e in (keep, other):
        if e not in found:
            raise CorrectionError(f"no entity {e} in the store (ids as `onrecord who --format json` gives them)", 404)
    for e in (keep, other):
        into = run(conn, "SELECT into_id FROM entity_merges WHERE entity_id = :e", {"e": e}).fetchone()
        if into is not None:
            raise CorrectionError(f"entity {e} ({found[e]}) is already merged into entity {into[0]}")
    cid = log.append(conn, "entity", other, "merge", {"entity_id": other, "name": found[other]},
                     {"entity_id": keep, "name": found[keep]}, by, entity_id=other, into_id=keep)
    _follow_entities(conn, {keep, other})
    return cid


def split(conn: Connection, entity_id: int, statement_ids: list[int], name: str, by: str | None) -> list[int]:
    """Split entity ``entity_id``: the statements ``statement_ids`` (now its own) were said by
    someone else, ``name`` (an entity of the store, e<ID>, or a new one, as for a speaker
    correction). One speaker correction each, in the caller's transaction, so each can be
    undone on its own; the new entries' ids."""
    by = _author(by)
    if not statement_ids:
        raise CorrectionError("name the statements that belong to someone else")
    if run(conn, "SELECT 1 FROM entities WHERE id = :e", {"e": entity_id}).fetchone() is None:
        raise CorrectionError(f"no entity {entity_id} in the store (ids as `onrecord who --format json` gives them)", 404)
    own = {entity_id} | set(log.merged_into(conn, [entity_id]))
    for sid in statement_ids:
        _statement(conn, sid)
        values, _review = current(conn, sid)
        if values["entity_id"] not in own:
            raise CorrectionError(f"statement {sid} is not entity {entity_id}'s (its speaker is {values['speaker']})")
    row = _statement(conn, statement_ids[0])
    target = resolve_speaker(conn, name, row[4])
    if target["entity_id"] in own:
        raise CorrectionError(f"{target['name']} is entity {entity_id} itself: split to another name")
    return [correct_statement(conn, sid, "speaker", f"e{target['entity_id']}" if target["entity_id"] is not None
                              else target["name"], by) for sid in statement_ids]


def undo(conn: Connection, correction_id: int, by: str | None) -> int:
    """Undo one entry (it stays in the log, marked undone by the new entry); the new entry's id."""
    by = _author(by)
    entry = log.get(conn, correction_id)
    if entry is None:
        raise CorrectionError(f"no correction {correction_id} in the store (`onrecord corrections` lists them)", 404)
    if entry.action == "undo":
        raise CorrectionError(f"correction {correction_id} is itself an undo: correct the row again instead")
    if entry.undone_by is not None:
        raise CorrectionError(f"correction {correction_id} was already undone by correction {entry.undone_by}")
    cid = log.append(conn, entry.target_type, entry.target_id, "undo", entry.after, entry.before, by,
                     article_id=entry.article_id, statement_id=entry.statement_id, entity_id=entry.entity_id,
                     into_id=entry.into_id, undoes=correction_id)
    if entry.target_type == "entity":
        _follow_entities(conn, {entry.entity_id, entry.into_id})
    elif entry.statement_id is not None and entry.orphaned is None:
        before, _review = current(conn, entry.statement_id)  # after the undo
        entities = {(entry.before or {}).get("entity_id"), entry.entity_id} if entry.action == "speaker" else set()
        _follow_statements(conn, [entry.statement_id], entities | {before["entity_id"]})
    return cid


def _follow_statements(conn: Connection, statement_ids: list[int], entity_ids: set) -> None:
    """Rebuild what depends on these statements' corrections: their overrides, the counts of
    the entities concerned, and the status of their claims."""
    log.rebuild_overrides(conn, statement_ids)
    log.refresh_entity_counts(conn, entity_ids)
    where, params = in_list("s", statement_ids)
    for (claim_id,) in run(conn, f"SELECT DISTINCT claim_id FROM statements WHERE id IN {where} "
                                 "AND claim_id IS NOT NULL", params).fetchall():
        linking.refresh_claim(conn, claim_id)


def _follow_entities(conn: Connection, entity_ids: set) -> None:
    """After a merge or its undo: the merges in force, the counts, the claims of their statements."""
    entity_ids = {e for e in entity_ids if e is not None}
    log.rebuild_merges(conn)
    log.refresh_entity_counts(conn, entity_ids)
    ids = log.entity_statement_ids(conn, sorted(entity_ids), limit=1_000_000)
    if ids:
        where, params = in_list("s", ids)
        for (claim_id,) in run(conn, f"SELECT DISTINCT claim_id FROM statements WHERE id IN {where} "
                                     "AND claim_id IS NOT NULL", params).fetchall():
            linking.refresh_claim(conn, claim_id)


# -- after re-analysis ---------------------------------------------------------------------


def reanchor(conn: Connection, moved: dict[int, int]) -> list[log.Correction]:
    """Point every correction at the rows of the re-analysed store; the ones orphaned now.

    ``moved`` maps each article's id before the rebuild to its id after. A statement
    correction goes to the statement of its article whose words match the words it was made
    on (the same words at the same offsets first; else the best rapidfuzz ratio of at least
    ``ANCHOR_RATIO``, the context either side breaking ties: offsets move when a paragraph is
    added at the top); with none, it is orphaned with the reason. A speaker correction names
    its entity again by name (a new entity is created again); a merge finds both entities by
    name. Then the derived tables, counts and claims are rebuilt.
    """
    entries = log.all_corrections(conn)
    rows_of: dict[int, list] = {}
    for c in entries:
        if c.target_type != "statement":
            continue
        old_article = c.article_id
        if c.orphaned is not None:  # stays orphaned; its article (if still there) has a new id
            _set_link(conn, c.id, moved.get(old_article), None, c.entity_id, None, c.orphaned)
            continue
        article = moved.get(old_article) if old_article is not None else None
        if article is None:
            _set_link(conn, c.id, None, None, c.entity_id, None, "its article is no longer in the store")
            continue
        if article not in rows_of:
            rows_of[article] = _article_rows(conn, article)
        sid, why = _match(c.anchor or {}, rows_of[article])
        if c.action == "undo":  # an undo follows the entry it undoes
            target = next((e for e in entries if e.id == c.undoes), None)
            sid, why = (target.statement_id, target.orphaned) if target is not None else (sid, why)
        entity = c.entity_id
        if c.action == "speaker" and c.live and sid is not None and c.after.get("entity_id") is not None:
            try:
                entity = resolve_speaker(conn, c.after["name"], c.after.get("type"))["entity_id"]
            except CorrectionError as exc:
                entity, why = None, f"its speaker cannot be named again ({exc})"
        _set_link(conn, c.id, article, sid, entity, None, why)
        c.article_id, c.statement_id, c.entity_id, c.orphaned = article, sid, entity, why
    _reanchor_entities(conn, entries)
    statement_ids = [c.statement_id for c in entries if c.statement_id is not None]
    run(conn, "DELETE FROM statement_overrides WHERE statement_id > :z", {"z": -1})
    log.rebuild_overrides(conn, statement_ids)
    log.rebuild_merges(conn)
    # the rebuild counted every statement for its engine speaker: recount those corrections move
    touched = {v.get("entity_id") for v in log.engine_values(conn, statement_ids).values()}
    touched |= {o["entity_id"] for o in log.overrides(conn, statement_ids).values()}
    log.refresh_entity_counts(conn, touched)
    if statement_ids:
        where, params = in_list("s", sorted(set(statement_ids)))
        for (claim_id,) in run(conn, f"SELECT DISTINCT claim_id FROM statements WHERE id IN {where} "
                                     "AND claim_id IS NOT NULL", params).fetchall():
            linking.refresh_claim(conn, claim_id)
    merged = {e for c in entries if c.target_type == "entity" for e in (c.entity_id, c.into_id)}
    if merged - {None}:
        _follow_entities(conn, merged)
    return log.all_corrections(conn, orphaned=True)


def _article_rows(conn: Connection, article_id: int) -> list[tuple]:
    """(statement id, words, start, text before, text after) of an article's statements."""
    text = run(conn, "SELECT text FROM articles WHERE id = :a", {"a": article_id}).fetchone()[0]
    out = []
    for sid, words, start, end, speaker, cue in run(
            conn, "SELECT id, content_text, content_start, content_end, speaker_text, cue_text FROM statements "
                  "WHERE article_id = :a ORDER BY id", {"a": article_id}).fetchall():
        words = words or " ".join(w for w in (speaker, cue) if w)
        before = text[max(0, start - log.CONTEXT_CHARS):start] if start is not None else ""
        after = text[end:end + log.CONTEXT_CHARS] if end is not None else ""
        out.append((sid, words, start, before, after))
    return out


def _match(anchor: dict, rows: list[tuple]) -> tuple[int | None, str | None]:
    """The statement a correction's anchor points at among an article's rows, or the reason none does."""
    words = anchor.get("words") or ""
    if not rows:
        return None, "the re-analysed article has no statements"
    same = [r for r in rows if r[1] == words and r[2] == anchor.get("start")]
    if len(same) == 1:
        return same[0][0], None
    context = (anchor.get("before") or "") + "|" + (anchor.get("after") or "")
    scored = [(fuzz.ratio(words, r[1]), fuzz.ratio(context, r[3] + "|" + r[4]), -r[0], r[0]) for r in rows]
    best = max(scored)
    if best[0] >= ANCHOR_RATIO:
        return best[3], None
    return None, (f"no statement of the re-analysed article has its words (“{_short(words)}”; the closest "
                  f"is {best[0]:.0f}% alike)")


def _short(text: str, n: int = 60) -> str:
    return text if len(text) <= n else text[:n - 1] + "…"


def _reanchor_entities(conn: Connection, entries: list[log.Correction]) -> None:
    """Merges point at the rebuilt entities of the same names (orphaned when one is gone)."""
    for c in entries:
        if c.target_type != "entity" or c.orphaned is not None:
            continue
        named = c.before if c.action != "undo" else c.after  # an undo's before is the merge's after
        undone = c.after if c.action != "undo" else c.before
        src = _entity_by_name(conn, (named or {}).get("name"))
        into = _entity_by_name(conn, (undone or {}).get("name"))
        why = None if src is not None and into is not None else "one of its entities is no longer in the store"
        _set_link(conn, c.id, None, None, src, into, why)
        c.entity_id, c.into_id, c.orphaned = src, into, why


def _entity_by_name(conn: Connection, name: str | None) -> int | None:
    if not name:
        return None
    found = run(conn, "SELECT id FROM entities WHERE name = :n ORDER BY id LIMIT 1", {"n": name}).fetchone()
    return found[0] if found else None


def _set_link(conn: Connection, cid: int, article_id, statement_id, entity_id, into_id, orphaned) -> None:
    run(conn, "UPDATE correction_links SET article_id = :a, statement_id = :s, entity_id = :e, into_id = :i, "
              "orphaned = :o WHERE correction_id = :c",
        {"a": article_id, "s": statement_id, "e": entity_id, "i": into_id, "o": orphaned, "c": cid})
