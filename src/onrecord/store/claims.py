"""Claims across articles: each statement's relation to its claim, the claim's status with
its reason, and when that status changed.

Pure functions over a claim's statements (``Row``), so the store, the CLI, the explorer and
the benchmark read one logic. The stance of every row is the engine's (pipeline/stance.py
owns the vocabulary); nothing here re-derives it from the words. Hand-written: no library
keeps a claim's record across sources.

Relations (DESIGN.md, "The claim record"):

- ``first reported``: the first assertion by a named source; ``repeated``: every later
  assertion, and a claimant's own "confirmation" (no source confirms its own claim);
- ``confirmed`` / ``denied`` / ``disputed`` / ``declined``: the stance of a source other than
  the claimants (a claimant's own denial is flagged for review and decides nothing);
- ``reported``: the outlet's own voice (no speaker);
- ``retracted``: a claimant withdraws its own statement; ``corrected``: an outlet corrects
  its own earlier report.

A wording that reads against the claim ("there is no lead problem") without a denying cue
is a flag (``review: "possible contradiction"``), never a relation or a status.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from . import names

#: Relations in the order the explorer lists them.
RELATIONS = ("first reported", "repeated", "confirmed", "denied", "disputed", "declined",
             "reported", "retracted", "corrected")
STATUSES = ("confirmed", "contested", "unconfirmed", "stated", "retracted")
#: The engine's stances that take a position against a claim.
NEGATIVE = ("denies", "disputes")
_NEGATION = re.compile(r"\b(no|not|never|nobody|nothing|none)\b|n't\b", re.I)
_LATE = "9999-99-99"


@dataclass
class Row:
    """A statement as the claim logic reads it (one row of the store, or of a gold story)."""

    id: int
    article_id: int
    published: str | None
    outlet: str | None
    speaker: str | None
    entity_id: int | None
    stance: str
    words: str = ""
    speaker_text: str | None = None
    speaker_type: str | None = None
    cue: str | None = None
    #: Set when the row's article is a syndicated or edited copy: it adds nothing.
    copy_of: int | None = None


@dataclass
class Judged:
    """One row with its relation, an optional review flag and the claim's status after it."""

    row: Row
    relation: str
    review: str | None = None
    status_after: str = "unconfirmed"
    #: True when the status changed with this row.
    changed: bool = False


@dataclass
class Verdict:
    """A claim's relations in order, its status, the reason naming the deciding statements,
    and the status after each statement (``history``: when it changed)."""

    rows: list[Judged]
    status: str
    reason: str
    decided_by: list[int] = field(default_factory=list)
    sources: int = 0
    outlets: int = 0
    independent: int = 0

    def history(self) -> list[dict]:
        """The status changes: date, status, the statement that changed it."""
        return [{"published": j.row.published, "status": j.status_after, "statement_id": j.row.id,
                 "relation": j.relation} for j in self.rows if j.changed]

    def changed_since(self, date: str) -> bool:
        """True when the status changed on or after ``date`` (YYYY-MM-DD)."""
        return any(j.changed and (j.row.published or "") >= date for j in self.rows)


def source_key(row: Row) -> object:
    """Who a row is from: the corpus entity, else the folded name; the outlet for its own voice."""
    if row.entity_id is not None:
        return ("entity", row.entity_id)
    if row.speaker:
        return ("name", names.fold(row.speaker))
    return ("outlet", names.fold(row.outlet or ""))


def ordered(rows: list[Row]) -> list[Row]:
    """Date order, then article order, then the order within the article."""
    return sorted(rows, key=lambda r: (r.published or _LATE, r.article_id, r.id))


def negated(text: str) -> bool:
    """An odd number of plain negations ("no", "not", "never", "n't")."""
    return len(_NEGATION.findall(text or "")) % 2 == 1


def _same_org(row: Row, claimant_rows: list[Row]) -> bool:
    """The text says the row's speaker speaks for a claimant ("a spokeswoman for the Halden
    Water Authority" answering the authority's claim), or the other way round."""
    mine = names.fold(row.speaker_text or "")
    for other in claimant_rows:
        theirs = names.fold(other.speaker_text or "")
        for name, phrase in ((other.speaker, mine), (row.speaker, theirs)):
            folded = names.fold(name or "")
            if len(folded) > 3 and phrase != folded and re.search(rf"\b(for|of|from|at)\b.*\b{re.escape(folded)}\b", phrase):
                return True
    return False


def judge(rows: list[Row]) -> Verdict:
    """Relations, status and reason of one claim from its statements (any order)."""
    claimant_rows: list[Row] = []
    claimants: set = set()
    withdrawn: set = set()
    reported_by: set = set()
    corrected_by: set = set()
    anchor: Row | None = None
    last_confirm: Judged | None = None
    last_negative: Judged | None = None
    judged: list[Judged] = []
    status = None
    for row in ordered(rows):
        src = source_key(row)
        own = src in claimants or _same_org(row, claimant_rows)
        relation, review = "repeated", None
        if row.copy_of is not None:
            relation = "repeated"  # a syndicated copy: listed, counts for nothing
        elif row.stance in ("asserts",) and row.speaker is None:
            relation = "reported"
            reported_by.add(names.fold(row.outlet or ""))
            corrected_by.discard(names.fold(row.outlet or ""))
        elif row.stance == "asserts":
            relation = "first reported" if anchor is None else "repeated"
            if anchor is None:
                anchor = row
            elif negated(row.words) != negated(anchor.words):
                review = "possible contradiction"
            claimants.add(src)
            withdrawn.discard(src)
            claimant_rows.append(row)
        elif row.stance == "confirms":
            relation = "repeated" if own else "confirmed"
            if anchor is None:
                relation = "first reported"
                anchor = row
                claimants.add(src)
                claimant_rows.append(row)
        elif row.stance in NEGATIVE:
            relation = "denied" if row.stance == "denies" else "disputed"
            if own:
                review = "a claimant against its own claim"
        elif row.stance in ("declines", "unconfirmed"):
            relation = "declined"
        elif row.stance in ("retracts", "corrects"):
            outlet = names.fold(row.outlet or "")
            outlet_voice = row.speaker is None or names.fold(row.speaker) == outlet
            if outlet_voice and outlet in reported_by:
                relation = "corrected"
                corrected_by.add(outlet)
            elif src in claimants:
                relation = "retracted"
                withdrawn.add(src)
            elif row.stance == "corrects":
                relation = "disputed"  # "the auditor corrected the mayor's figure"
            else:
                relation, review = "retracted", "withdrawn by a source that did not make the claim"
        j = Judged(row, relation, review)
        if row.copy_of is None and review is None:
            if relation == "confirmed":
                last_confirm = j
            elif relation in ("denied", "disputed"):
                last_negative = j
        j.status_after = _status(claimants, withdrawn, reported_by, corrected_by, last_confirm, last_negative,
                                 judged + [j])
        j.changed = j.status_after != status
        status = j.status_after
        judged.append(j)
    verdict = Verdict(judged, status or "unconfirmed", "")
    verdict.reason, verdict.decided_by = _reason(verdict, last_confirm, last_negative)
    _count(verdict, claimants)
    return verdict


def _status(claimants, withdrawn, reported_by, corrected_by, last_confirm, last_negative, judged) -> str:
    """DESIGN.md's statuses, from what stands after the rows judged so far."""
    if claimants and claimants <= withdrawn:
        return "retracted"
    if not claimants and reported_by and reported_by <= corrected_by:
        return "retracted"
    order = {id(j): i for i, j in enumerate(judged)}
    if last_confirm is not None and (last_negative is None or order[id(last_confirm)] > order[id(last_negative)]):
        return "confirmed"
    if last_negative is not None:
        return "contested"
    if claimants:
        return "unconfirmed"
    return "stated" if reported_by else "unconfirmed"


def when(published: str | None) -> str:
    """'12 June 2025' from '2025-06-12'; 'undated' for none."""
    if not published:
        return "undated"
    try:
        d = dt.date.fromisoformat(published[:10])
    except ValueError:
        return published
    return f"{d.day} {d.strftime('%B')} {d.year}"


def _who(row: Row) -> str:
    return row.speaker or row.outlet or "the outlet"


def _where(row: Row) -> str:
    return f"{when(row.published)}" + (f" (in {row.outlet})" if row.outlet else "")


_VERBS = {"denied": "denied it", "disputed": "disputed it", "confirmed": "confirmed it",
          "retracted": "withdrew it", "corrected": "corrected it", "first reported": "first reported it"}


def _reason(v: Verdict, last_confirm: Judged | None, last_negative: Judged | None) -> tuple[str, list[int]]:
    """The statements that decide the status, in words, and their ids."""
    if not v.rows:
        return "no statements", []
    first = next((j for j in v.rows if j.relation == "first reported"), None) or v.rows[0]
    if v.status == "retracted":
        last = [j for j in v.rows if j.relation in ("retracted", "corrected")][-1]
        return (f"retracted: {_who(last.row)} {_VERBS[last.relation]}, {_where(last.row)}; "
                f"first reported by {_who(first.row)}, {_where(first.row)}", [last.row.id, first.row.id])
    if v.status == "confirmed":
        text = f"confirmed: {_who(last_confirm.row)}, {_where(last_confirm.row)}"
        ids = [last_confirm.row.id]
        if last_negative is not None:
            text += f", after {_who(last_negative.row)} {_VERBS[last_negative.relation]} on {when(last_negative.row.published)}"
            ids.append(last_negative.row.id)
        return text, ids
    if v.status == "contested":
        text = f"contested: {_who(last_negative.row)} {_VERBS[last_negative.relation]}, {_where(last_negative.row)}"
        ids = [last_negative.row.id]
        if last_confirm is not None:
            text += f", after {_who(last_confirm.row)} confirmed it on {when(last_confirm.row.published)}"
            ids.append(last_confirm.row.id)
        return text, ids
    if v.status == "stated":
        return f"stated: {first.row.outlet or 'the outlet'} in its own voice, {when(first.row.published)}", [first.row.id]
    return (f"unconfirmed: no independent source confirms it; first reported by {_who(first.row)}, "
            f"{_where(first.row)}", [first.row.id])


def _count(v: Verdict, claimants: set) -> None:
    """Distinct sources and outlets (a copy counts for nothing), and the independent sources."""
    real = [j for j in v.rows if j.row.copy_of is None]
    sources = {source_key(j.row) for j in real if j.row.speaker}
    v.sources = len(sources)
    v.outlets = len({names.fold(j.row.outlet or "") for j in real if j.row.outlet})
    v.independent = len({source_key(j.row) for j in real if j.row.speaker and j.review is None
                         and j.relation in ("confirmed", "denied", "disputed", "first reported", "repeated")
                         and (source_key(j.row) not in claimants or j.relation == "first reported")})


def worth_attention(v: Verdict) -> bool:
    """'Most reported' needs two independent sources or a dispute."""
    return v.independent >= 2 or any(j.relation in ("denied", "disputed") and j.review is None for j in v.rows)


def may_join(claim_rows: list[Row], speaker: object, stance: str) -> bool:
    """False when a statement would set a source against its own claim: a denial or dispute
    by one of the claim's claimants, or an assertion by one of its deniers. A retraction is the
    only way a source turns against its own words (stance ``retracts``)."""
    claimants = {source_key(r) for r in claim_rows if r.stance == "asserts" and r.speaker}
    deniers = {source_key(r) for r in claim_rows if r.stance in NEGATIVE and r.speaker}
    if speaker is None:
        return True
    if stance in NEGATIVE:
        return speaker not in claimants
    if stance == "asserts":
        return speaker not in deniers
    return True


def resolve_title_speakers(report) -> dict[str, str]:
    """Article entity names that are a bare title ("Councillor" in a headline) -> the one
    person of the article the text gives that title ("Halden councillor Mara Quell").

    A title given to no one, or to two people, resolves to nothing."""
    text = report.article.text
    people = [e for e in report.entities if e.type == "PERSON" and names.person_words(e.name)]
    out = {}
    bare = {e.name for e in report.entities if e.name and not names.person_words(e.name)}
    for a in report.attributions:
        sp = a.speaker
        if sp is not None and sp.entity and not names.person_words(sp.entity):
            bare.add(sp.entity)
    for name in bare:
        title = names.fold(name).split()
        if len(title) != 1 or title[0] not in names.TITLES:
            continue
        pattern = re.compile(rf"\b{re.escape(title[0])}\s+$", re.I)
        holders = {p.name for p in people
                   if any(pattern.search(names.fold(text[max(0, s - 40):s]) + " ") for s, _ in p.mentions)
                   or any(names.fold(al).startswith(title[0] + " ") for al in p.aliases)}
        if len(holders) == 1:
            out[name] = holders.pop()
    return out


# -- the store's side: rows read from the database, hooks of ingest and linking --------------

_ROWS = ("SELECT s.id, s.article_id, s.published, a.outlet, coalesce(e.name, s.speaker_name), s.entity_id, "
         "s.stance, coalesce(s.content_text, s.claim_text), s.speaker_text, s.speaker_type, s.cue_text, a.copy_of "
         "FROM statements s JOIN articles a ON a.id = s.article_id "
         "LEFT OUTER JOIN entities e ON e.id = s.entity_id WHERE s.claim_id = :c")


def load_rows(conn, claim_id: int) -> list[Row]:
    """A stored claim's statements as ``Row``s, in date then article order."""
    from .sql import run
    return ordered([Row(*r) for r in run(conn, _ROWS, {"c": claim_id}).fetchall()])


def load_verdict(conn, claim_id: int) -> Verdict:
    """``judge`` of a stored claim."""
    return judge(load_rows(conn, claim_id))


def stated_statements(report) -> list:
    """The engine's ``stated`` claims (the outlet's own voice) as speakerless statements, so the
    store can follow what an outlet reported and later corrected. Their ``kind`` is ``stated``
    (a store statement, never an attribution of the engine's record)."""
    from ..records import Attribution, Content
    out = []
    text = report.article.text
    for c in report.claims:
        if c.status == "stated" and c.start is not None and c.end is not None and c.end > c.start:
            out.append(Attribution(id=c.id, kind="stated", speaker=None, cue=None,
                                   content=Content.of_pieces(text, [(c.start, c.end)])))
    return out


def engine_groups(report) -> dict[str, str]:
    """Attribution id -> the engine's per-article claim holding it (pipeline/stance.py
    build_claims): statements of one article in two such claims say different things."""
    out = {}
    for c in report.claims:
        for a in c.attributions:
            out.setdefault(a, c.id)
        out.setdefault(c.id, c.id)  # a stated claim's own statement
    return out


def group_claim(st, pending) -> int | None:
    """The store claim of a statement of the same article in the same engine claim, if any."""
    if st.group is None:
        return None
    return next((p.claim_id for p in pending if p.group == st.group and p.claim_id is not None), None)


def allowed(conn, st, claim_id: int, pending) -> bool:
    """Whether a statement may join a stored claim: never one that would set its source against
    its own claim (``may_join``), nor one holding a statement of the same speaker in the same
    article that the engine put in another claim (one article's different statements stay apart)."""
    for p in pending:
        if p.claim_id == claim_id and p.speaker is not None and p.speaker == st.speaker \
                and p.group is not None and st.group is not None and p.group != st.group:
            return False
    speaker = ("entity", st.speaker) if st.speaker is not None else None
    return may_join(load_rows(conn, claim_id), speaker, st.stance)
