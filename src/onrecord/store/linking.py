"""Linking across articles: one entity per person or organisation, one claim per proposition.

Entities: a mention is matched first by an exact alias (indexed), then among the entities
sharing its surname or the surname's sound (indexed) by ``names.same_person``; an
organisation also by its acronym. Unnamed groups ("a spokeswoman") are never merged across
articles: two spokeswomen in two articles are not one source.

Claims: each statement is embedded (the words said; the whole sentence when the words are
only a reference such as "declined to comment on Friday"), its nearest stored statements are
found in the vector index, and it joins the claim of the best neighbour when the cosine is
high (``SAME_CLAIM``), or moderately high (``RELATED_CLAIM``) with an entity in common. A
denial, dispute or confirmation is also compared by its words alone with every member of a
nearby claim (``response_content``): what it answers is often said best by another response.
A statement's stance is the engine's (``pipeline/stance.py``): linking never changes it.
"""
from __future__ import annotations

import re
from collections import namedtuple
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz
from sqlalchemy import Connection

from ..records import Attribution
from . import claims as store_claims, names
from .embeddings import from_blob
from .sql import in_list, insert_id, run, run_many

#: Cosine (all-MiniLM-L6-v2) to a claim's anchor at or above which a statement states that
#: claim. Tuned on the story corpus (tests/data/story): paraphrases of the lead claim score
#: 0.63-0.81 against its anchor, the pipe pledge of the same story 0.41-0.57.
SAME_CLAIM = 0.62
#: Cosine at or above which a statement joins a claim when entities also tie it there (see
#: ``related``). Denials and refusals quote little of what they answer and score 0.54-0.58
#: against the claim's anchor even as whole sentences.
RELATED_CLAIM = 0.5
#: Cosine at or above which an assertion joins a claim its speaker already stands behind when it
#: also gives the claim's figure (``claims.same_figure``): "Families on the islands will pay
#: twice as much" scores 0.47 against its speaker's "planned to double its fares" (story-ferry),
#: while one speaker's statements on different matters of one article score up to 0.50
#: (tests/data/story) with no figure in common; the figure, not the cosine, decides there.
SAME_FIGURE_CLAIM = 0.4
#: A claim's members other than its anchor count this much less (see claim_candidates).
MEMBER_PENALTY = 0.1
#: Similarities equal to this many decimals are a tie (hnswlib's distances and numpy's dot
#: products of the same vectors differ in the seventh).
TIE_DIGITS = 5
#: Neighbours looked at in the vector index for each new statement.
NEIGHBOURS = 10
#: Neighbours fetched from the index, of which the NEIGHBOURS nearest are kept (``nearest``):
#: statements that score alike (copies and restatements of the same words give one vector)
#: are kept oldest first, whatever order the index found them in, so that a store's claims do
#: not depend on how its index was built or on how a bulk ingest cut its input into chunks.
SEARCHED = 3 * NEIGHBOURS


def nearest(hits: list[tuple[int, float]]) -> list[tuple[int, float]]:
    """The ``NEIGHBOURS`` nearest of ``hits`` (statement id, cosine): best first, statements
    scoring alike (to ``TIE_DIGITS``) oldest first."""
    if len(hits) > NEIGHBOURS:  # only those scoring within a rounding of the tenth best can be kept
        cut = sorted([h[1] for h in hits], reverse=True)[NEIGHBOURS - 1] - 2 * 10 ** -TIE_DIGITS
        hits = [h for h in hits if h[1] >= cut]
    return sorted(hits, key=lambda h: (-round(h[1], TIE_DIGITS), h[0]))[:NEIGHBOURS]
#: A content shorter than this many words is a reference ("on Friday", "the report"): the
#: sentence around the cue is embedded instead.
MIN_CLAIM_WORDS = 5
#: An organisation matches another of the same acronym when rapidfuzz's token-sort ratio of
#: the folded names is at least this ("Halden Water Authority" / "Halden Water Authority Ltd").
ORG_RATIO = 90
LINKED_TYPES = ("PERSON", "ORG", "OUTLET")
#: Stances that answer someone else's claim rather than make one.
RESPONSES = ("denies", "disputes", "declines", "confirms")
#: Responses whose words are compared with a claim's members (``response_content``).
CONTENT_RESPONSES = ("denies", "disputes", "confirms")
#: A claim's members a response's words are compared with: its first this many statements
#: (by id; refusals left out). Bounds the look-up on a claim of thousands of statements.
MEMBERS_COMPARED = 50

_SENTENCE_END = re.compile(r"[.!?][\"”’']?\s+|\n")


def sentence_around(text: str, offset: int) -> str:
    """The sentence of ``text`` holding ``offset`` (split at . ! ? and line ends)."""
    start = 0
    for m in _SENTENCE_END.finditer(text, 0, max(0, offset)):
        start = m.end()
    m = _SENTENCE_END.search(text, offset)
    end = m.end() if m else len(text)
    return text[start:end].strip()


def claim_text(attr: Attribution, text: str) -> str:
    """What a statement says, for linking: its content; its whole sentence for a response or a
    reference, whose words say little of what they answer ("denied that the authority had
    hidden ..." scores 0.39 against the claim, its sentence naming the authority 0.56)."""
    content = attr.content.text.strip(" \"“”'") if attr.content else ""
    if attr.stance not in RESPONSES and attr.kind != "reference" \
            and len(content.split()) >= MIN_CLAIM_WORDS:
        return content
    anchor = attr.cue or attr.speaker or attr.content
    return sentence_around(text, anchor.start) if anchor else content


def response_content(attr: Attribution) -> str | None:
    """The words alone of a denial, dispute or confirmation that says what it answers (at
    least MIN_CLAIM_WORDS words), compared with a claim's members besides its sentence
    (``claim_candidates``); None for any other statement. "Dahl disputed that the fares would
    double, saying ..." scores 0.36 as a sentence against the claim's anchor, its words 0.75
    against the earlier denial "that the company planned to double its fares in November"
    (story-ferry). Refusals are left out: their words name a matter, not a proposition."""
    if attr.stance not in CONTENT_RESPONSES or attr.content is None or attr.kind == "reference":
        return None
    content = attr.content.text.strip(" \"“”'")
    return content if len(content.split()) >= MIN_CLAIM_WORDS else None


# -- entities -----------------------------------------------------------------------------


def entity_kind(name: str, type_: str | None) -> str | None:
    """The corpus type a mention is linked as: PERSON, ORG, OUTLET, or None (not linked).

    A GROUP or untyped mention that looks like a proper name of two or more words is taken
    for a person the tagger missed ("Halden Mayor Ines Darrow").
    """
    if type_ in LINKED_TYPES:
        return type_
    if type_ in ("GROUP", None) and names.looks_like_name(name) and len(names.person_words(name)) >= 2:
        return "PERSON"
    return None


def find_person(conn: Connection, name: str) -> list[int]:
    """Ids of the corpus people ``name`` can refer to, the most spoken-of first."""
    return [entity_id for entity_id, _ in _people_named(conn, name)[0]]


def _people_named(conn: Connection, name: str) -> tuple[list[tuple[int, str]], bool]:
    """``find_person``'s people as (id, canonical name), and whether the first was found by
    the full name itself (an alias it has: nothing to record again)."""
    words = names.person_words(name)
    if not words:
        return [], False
    exact = _alias_hits(conn, " ".join(words), "PERSON")
    if len(exact) == 1:
        return exact, True
    last = names.surname(words)
    rows = run(conn, "SELECT id, name, n_statements FROM entities WHERE type = :t "
                     "AND (surname = :s OR phonetic = :p)",
               {"t": "PERSON", "s": last, "p": names.phonetic(last)}).fetchall()
    mine = tuple(words)  # every namesake is compared: by the cached tuple forms
    hits = [r for r, same in zip(rows, names.namesakes(mine, [names.person_key(r[1]) for r in rows])) if same]
    hits.sort(key=lambda r: (_given_exact(words, r[1]), r[2]), reverse=True)
    return [(r[0], r[1]) for r in hits], False


def _given_exact(words: list[str], other: str) -> bool:
    return bool(set(words[:-1]) & set(names.person_words(other)[:-1]))


def _alias_hits(conn: Connection, norm: str, type_: str) -> list[tuple[int, str]]:
    """(id, canonical name) of the entities of the type with the alias, by id."""
    rows = run(conn, "SELECT a.entity_id, e.name FROM entity_aliases a JOIN entities e ON e.id = a.entity_id "
                     "WHERE a.norm = :norm AND e.type = :t", {"norm": norm, "t": type_}).fetchall()
    return sorted(set(rows))


def find_org(conn: Connection, name: str, type_: str) -> int | None:
    """The corpus organisation (or outlet) called ``name``: alias, acronym, or close spelling."""
    norm = names.fold(name)
    exact = _alias_hits(conn, norm, type_)
    if exact:
        return exact[0][0]
    key = names.acronym(name) or (norm if names.looks_like_acronym(name) else None)
    if not key:
        return None
    rows = run(conn, "SELECT id, name FROM entities WHERE type = :t AND surname = :s",
               {"t": type_, "s": key}).fetchall()
    for entity_id, org_name in rows:
        if names.looks_like_acronym(name) or fuzz.token_sort_ratio(norm, names.fold(org_name)) >= ORG_RATIO:
            return entity_id
    return None


def link_entity(conn: Connection, name: str, type_: str | None, aliases: list[str] = (),
                memo: "ChunkMemo | None" = None) -> int | None:
    """The corpus entity for a mention, created when new; its aliases are recorded. None for groups.
    ``memo``: a bulk chunk's (``ChunkMemo``), told of a person given a fuller name."""
    kind = entity_kind(name, type_)
    if kind != "PERSON" and names.looks_like_name(name):
        found = find_person(conn, name)  # a known person the tagger typed ORG or GROUP: "Quell"
        if found:
            return found[0]
    if kind is None or (kind == "PERSON" and not names.person_words(name)):
        return None  # an unnamed group, or a bare title ("Councillor says ...")
    known = set()  # the forms the entity is known to have as aliases already (none inserted again)
    if kind == "PERSON":
        found, by_alias = _people_named(conn, name)
        if found:
            entity_id, current = found[0]
            if by_alias:  # found by the full name: the alias ``alias_norm(name)`` is recorded
                known.add(" ".join(names.person_words(name)))
        else:
            entity_id, current = _create_person(conn, name), names.display_name(name)
        if _maybe_rename(conn, entity_id, name, current) and memo is not None:
            memo.renamed.add(entity_id)
    else:
        entity_id = find_org(conn, name, kind) or _create_org(conn, name, kind)
    rows, norms = [], set(known)
    for alias in [name, *aliases]:
        norm = alias_norm(alias, kind)
        if norm and norm not in norms:  # the first spelling of a form is the one recorded
            norms.add(norm)
            rows.append({"e": entity_id, "norm": norm, "alias": alias[:512]})
    run_many(conn, _INSERT_ALIAS, rows)
    return entity_id


def _create_person(conn: Connection, name: str) -> int:
    words = names.person_words(name)
    last = names.surname(words)
    return insert_id(conn, "INSERT INTO entities (name, type, surname, phonetic, n_statements) "
                           "VALUES (:name, :t, :s, :p, 0)",
                     {"name": names.display_name(name), "t": "PERSON", "s": last, "p": names.phonetic(last)})


def _create_org(conn: Connection, name: str, kind: str) -> int:
    key = names.acronym(name) or (names.fold(name) if names.looks_like_acronym(name) else None)
    entity_id = insert_id(conn, "INSERT INTO entities (name, type, surname, phonetic, n_statements) "
                                "VALUES (:name, :t, :s, NULL, 0)", {"name": name, "t": kind, "s": key})
    if key:
        add_alias(conn, entity_id, key.upper(), kind)
    return entity_id


def _maybe_rename(conn: Connection, entity_id: int, name: str, current: str) -> bool:
    """A fuller name ("Henrik Solberg" after "Solberg") becomes the canonical one (``current``:
    the entity's name as the look-up read it); True when it did."""
    if len(names.person_words(name)) > len(names.person_words(current)):
        run(conn, "UPDATE entities SET name = :name WHERE id = :id",
            {"name": names.display_name(name), "id": entity_id})
        # a stored reason names its sources: the claims this person speaks in say the new name
        for (claim_id,) in run(conn, "SELECT DISTINCT claim_id FROM statements WHERE entity_id = :id "
                                     "AND claim_id IS NOT NULL", {"id": entity_id}).fetchall():
            store_claims.store_verdict(conn, claim_id)
        return True
    return False


#: One statement instead of a look-up and an insert: an alias already recorded is kept as it is.
_INSERT_ALIAS = ("INSERT INTO entity_aliases (entity_id, norm, alias) VALUES (:e, :norm, :alias) "
                 "ON CONFLICT DO NOTHING")


def alias_norm(alias: str, kind: str) -> str | None:
    """The form an alias is looked up by (people: full names only; a bare surname would point
    at every namesake), or None when it is not recorded."""
    if kind == "PERSON":
        words = names.person_words(alias)
        if len(words) < 2 or len(words) > names.MAX_NAME_WORDS:
            return None
        return " ".join(words)
    return names.fold(alias) or None


def add_alias(conn: Connection, entity_id: int, alias: str, kind: str) -> None:
    """Record an alias (people: full names only; a bare surname would point at every namesake)."""
    norm = alias_norm(alias, kind)
    if norm:
        run(conn, _INSERT_ALIAS, {"e": entity_id, "norm": norm, "alias": alias[:512]})


# -- claims -------------------------------------------------------------------------------


@dataclass
class NewStatement:
    """A statement being linked: its row id, vector, speaker, entities and stance."""

    id: int
    vector: np.ndarray
    speaker: int | None
    entities: set[int]
    stance: str
    text: str
    claim_id: int | None = None
    similarity: float | None = None
    #: Its nearest stored statements (id, cosine), when searched already; else searched here.
    hits: list[tuple[int, float]] | None = None
    #: The engine's per-article claim holding it (store/claims.py engine_groups), if any.
    group: str | None = None
    #: A response's words alone (``response_content``), embedded; None for other statements.
    content_vector: np.ndarray | None = None
    #: The nearest stored statements of ``content_vector``, when searched already (bulk ingest).
    content_hits: list[tuple[int, float]] | None = None
    #: Its row as the claim logic reads it (``claims.Row``), when the writer made it: a bulk
    #: chunk's memo then keeps it without reading it back (``ChunkMemo.linked``).
    row: "store_claims.Row | None" = None


def claim_candidates(conn: Connection, index, st: NewStatement, pending: list[NewStatement],
                     memo: "ChunkMemo | None" = None) -> dict[int, float]:
    """Claim id -> similarity of the statement to it, for the claims of its nearest neighbours.

    The similarity is the cosine to the claim's anchor (its first assertion), or to its
    closest member less ``MEMBER_PENALTY``: a claim grows by paraphrase without drifting
    through a chain of loosely related statements. A response (denial, refusal) is compared
    with anchors that are assertions only: refusals to comment all read alike, whatever
    they refuse to comment on. A denial, dispute or confirmation that says what it answers
    is compared by its words too, with every member of the claim (``_content_scores``): the
    anchor's words, or another member's less ``MEMBER_PENALTY``; the best of its sentence and
    its words counts. Joining still takes SAME_CLAIM, or RELATED_CLAIM with an entity in
    common, and never sets a source against its own claim (``choose_claim``).
    """
    members = _member_scores(conn, index, st, pending, memo)
    words = _content_scores(conn, index, st, pending, members, memo) if st.content_vector is not None else {}
    anchors = memo.anchor_vectors(conn, list(members | words)) if memo is not None else \
        anchor_vectors(conn, list(members | words))
    scores = {}
    for claim_id in members | words:
        vector, anchor_stance = anchors.get(claim_id, (None, None))
        anchor = float(np.dot(st.vector, vector)) if vector is not None else -1.0
        if st.stance in RESPONSES:
            if anchor_stance == "asserts":
                scores[claim_id] = max(anchor, words.get(claim_id, -1.0))
        else:
            scores[claim_id] = max(anchor, members[claim_id] - MEMBER_PENALTY)
    return scores


def _content_scores(conn: Connection, index, st: NewStatement, pending: list[NewStatement],
                    members: dict[int, float], memo: "ChunkMemo | None" = None) -> dict[int, float]:
    """Claim id -> a response's words (``st.content_vector``) against the claim: the best cosine
    to its anchor, or to any other of its members (their words alone when they are responses)
    less MEMBER_PENALTY; for the claims of the statement's neighbours by its sentence and by
    its words. Refusals among the members are left out (they all read alike). The members of
    every such claim are read in one query."""
    cv = st.content_vector
    claims = set(members)
    hits = st.content_hits if st.content_hits is not None else (
        nearest(index.search(cv, SEARCHED)) if index is not None else [])
    if hits:
        claim_of = memo.claims_of(conn, [h for h, _ in hits]) if memo is not None else \
            claims_of(conn, [h for h, _ in hits])
        claims |= {claim_of[h] for h, _ in hits if claim_of.get(h) is not None}
    claims |= {p.claim_id for p in pending if p.claim_id is not None}
    out: dict[int, float] = {}
    if claims:
        where, params = in_list("c", sorted(claims))
        # each claim's first MEMBERS_COMPARED statements by id (refusals left out)
        rows = run(conn, "SELECT claim_id, id, embedding, content_embedding, first FROM ("
                         "SELECT s.claim_id, s.id, v.embedding, v.content_embedding, c.first_statement_id AS first, "
                         "ROW_NUMBER() OVER (PARTITION BY s.claim_id ORDER BY s.id) AS k "
                         "FROM statements s JOIN claims c ON c.id = s.claim_id "
                         "LEFT JOIN statement_vectors v ON v.statement_id = s.id "
                         f"WHERE s.claim_id IN {where} AND s.stance <> 'declines') m "
                         f"WHERE k <= {MEMBERS_COMPARED}", params).fetchall()
        for claim_id, sid, emb, content_emb, first in rows:
            blob = content_emb if content_emb is not None else emb
            if blob is None:
                continue
            cos = float(np.dot(cv, from_blob(blob))) - (0.0 if sid == first else MEMBER_PENALTY)
            out[claim_id] = max(out.get(claim_id, -1.0), cos)
    for p in pending:
        if p.claim_id is not None and p.stance != "declines":
            vec = p.content_vector if p.content_vector is not None else p.vector
            out[p.claim_id] = max(out.get(p.claim_id, -1.0), float(np.dot(cv, vec)) - MEMBER_PENALTY)
    return out


def claims_of(conn: Connection, statement_ids: list[int]) -> dict[int, int | None]:
    """Statement id -> its claim id (None while unlinked), in one query."""
    ids, params = in_list("s", statement_ids)
    return dict(run(conn, f"SELECT id, claim_id FROM statements WHERE id IN {ids}", params).fetchall())


def _member_scores(conn: Connection, index, st: NewStatement, pending: list[NewStatement],
                   memo: "ChunkMemo | None" = None) -> dict[int, float]:
    """Claim id -> best cosine among the statement's nearest neighbours (stored and this article's)."""
    members: dict[int, float] = {}
    if st.hits is not None:
        hits = st.hits
    else:
        hits = nearest(index.search(st.vector, SEARCHED)) if index is not None else []
    if hits:
        claim_of = memo.claims_of(conn, [h for h, _ in hits]) if memo is not None else \
            claims_of(conn, [h for h, _ in hits])
        for sid, cos in hits:
            if claim_of.get(sid) is not None:
                members[claim_of[sid]] = max(members.get(claim_of[sid], -1.0), cos)
    for other in pending:
        if other.claim_id is not None:
            members[other.claim_id] = max(members.get(other.claim_id, -1.0), float(np.dot(st.vector, other.vector)))
    return members


def anchor_vectors(conn: Connection, claim_ids: list[int]) -> dict[int, tuple[np.ndarray, str]]:
    """The vector and stance of each claim's anchor statement."""
    if not claim_ids:
        return {}
    ids, params = in_list("c", claim_ids)
    rows = run(conn, "SELECT c.id, v.embedding, s.stance FROM claims c "
                     "JOIN statements s ON s.id = c.first_statement_id "
                     f"LEFT JOIN statement_vectors v ON v.statement_id = s.id WHERE c.id IN {ids}", params).fetchall()
    return {cid: (from_blob(blob), stance) for cid, blob, stance in rows if blob is not None}


def claim_entities(conn: Connection, claim_id: int) -> set[int]:
    """Every entity speaking in a claim's statements or named in them."""
    speakers = run(conn, "SELECT entity_id FROM statements WHERE claim_id = :c AND entity_id IS NOT NULL",
                   {"c": claim_id}).fetchall()
    named = run(conn, "SELECT se.entity_id FROM statement_entities se "
                      "JOIN statements s ON s.id = se.statement_id WHERE s.claim_id = :c", {"c": claim_id}).fetchall()
    return {r[0] for r in speakers} | {r[0] for r in named}


def supporters(conn: Connection, claim_id: int) -> set[int]:
    """The entities standing behind a claim: those asserting or confirming it."""
    return {r[0] for r in run(conn, "SELECT entity_id FROM statements WHERE claim_id = :c "
                                    "AND stance IN ('asserts', 'confirms') AND entity_id IS NOT NULL",
                              {"c": claim_id}).fetchall()}


def related(conn: Connection, st: NewStatement, claim_id: int, score: float,
            memo: "ChunkMemo | None" = None) -> bool:
    """Evidence that a moderately similar statement is about this claim (``score`` is its
    similarity to the claim, see claim_candidates).

    A response (denial, refusal, confirmation) counts at RELATED_CLAIM when its article names
    someone in the claim; an assertion when its speaker already stands behind the claim
    (asserts or confirms it), at RELATED_CLAIM, or at SAME_FIGURE_CLAIM when it gives one of
    the claim's figures ("twice as much" and "double"). The stance is the engine's: nothing
    here reads the words to change it.
    """
    if st.stance in RESPONSES:
        return score >= RELATED_CLAIM and bool(st.entities & claim_entities(conn, claim_id))
    if st.speaker is None or score < SAME_FIGURE_CLAIM or st.speaker not in (
            memo.supporters(conn, claim_id) if memo is not None else supporters(conn, claim_id)):
        return False
    if score >= RELATED_CLAIM:
        return True
    words = run(conn, "SELECT coalesce(content_text, claim_text) FROM statements WHERE claim_id = :c",
                {"c": claim_id}).fetchall()
    return any(store_claims.same_figure(st.text, w) for (w,) in words)


def choose_claim(conn: Connection, st: NewStatement, scores: dict[int, float],
                 pending: list[NewStatement] = (), memo: "ChunkMemo | None" = None) -> tuple[int | None, float | None]:
    """The claim a statement joins (see SAME_CLAIM, RELATED_CLAIM), or (None, None); the
    claim of its engine group first, and never one it may not join (store/claims.py)."""
    stake = store_claims.stake_claim(conn, st, pending)  # "declined to comment to the Gazette"
    if stake is not None and store_claims.allowed(conn, st, stake, pending, memo):
        return stake, scores.get(stake)
    same_group = store_claims.group_claim(st, pending)
    if same_group is not None and store_claims.allowed(conn, st, same_group, pending, memo):
        return same_group, scores.get(same_group)
    evidence = store_claims.evidence_claim(conn, st)  # "the emails were genuine" confirms what they show
    if evidence is not None and store_claims.allowed(conn, st, evidence, pending, memo):
        return evidence, scores.get(evidence)
    # the best first; claims scoring alike (the same words repeated: one vector) by age, the
    # older first, so that the order the index returns tied neighbours in never decides
    for claim_id, score in sorted(scores.items(), key=lambda kv: (-round(kv[1], TIE_DIGITS), kv[0])):
        if score >= SAME_CLAIM or related(conn, st, claim_id, score, memo):
            if store_claims.allowed(conn, st, claim_id, pending, memo):
                return claim_id, score
    refusal = store_claims.refusal_claim(conn, st, scores)  # "declined to comment on the fares"
    if refusal is not None and store_claims.allowed(conn, st, refusal, pending, memo):
        return refusal, scores.get(refusal)
    for back in store_claims.back_reference_claims(conn, st, pending, scores):  # "she stood by her account"
        if store_claims.allowed(conn, st, back, pending, memo):
            return back, scores.get(back)
    return None, None


def new_claim(conn: Connection, text: str, anchor: int) -> int:
    """Insert a claim anchored on one statement (completed by ``refresh_claim``)."""
    return insert_id(conn, "INSERT INTO claims (text, status, first_published, first_statement_id, n_statements) "
                           "VALUES (:text, :status, NULL, :anchor, 0)",
                     {"text": text, "status": "unconfirmed", "anchor": anchor})


def link_statement(conn: Connection, index, st: NewStatement, pending: list[NewStatement],
                   memo: "ChunkMemo | None" = None) -> int:
    """Attach a statement to its claim (an existing one or a new one); the claim's id.
    ``memo``: what a bulk chunk has read already (``ChunkMemo``), kept in step here."""
    claim_id, score = choose_claim(conn, st, claim_candidates(conn, index, st, pending, memo), pending, memo)
    created = claim_id is None
    if created:
        claim_id = new_claim(conn, st.text, st.id)
    st.claim_id, st.similarity = claim_id, score
    run(conn, "UPDATE statements SET claim_id = :c, similarity = :sim WHERE id = :id",
        {"c": claim_id, "sim": score, "id": st.id})
    if memo is not None:
        if created:
            memo.created(st)
        memo.linked(conn, st)
    return claim_id


class ChunkMemo:
    """What claim linking reads again and again within one bulk chunk (store/bulk.py), read
    from the database once per chunk and kept in step with what the chunk writes: each
    statement's claim, each claim's anchor (its row, vector and stance) and size, and the
    entities standing behind it (``supporters``). The database stays the record: every value
    here is one a query would return at that moment, so linking decides exactly as it does
    without the memo (``tests/test_store_bulk.py`` compares the two paths).

    ``refresh`` replaces ``refresh_claim``'s re-reading of every statement of a claim after
    each article (a claim repeated across thousands of articles made that grow with the
    store): the anchor is the least of the claim's statements by (named assertion first, any
    assertion next; earliest day; lowest id), see ``anchor_of``, so the anchor of the old
    statements and the new ones is the least of the old anchor and the new statements."""

    def __init__(self):
        self._claim_of: dict[int, int | None] = {}
        self._anchors: dict[int, tuple[int, ClaimRow | None]] = {}  # claim -> (size, anchor row)
        self._vectors: dict[int, tuple[np.ndarray, str] | None] = {}  # claim -> anchor vector, stance
        self._supporters: dict[int, set[int]] = {}
        self._rows: dict[int, list] = {}
        self._joined: dict[int, list[int]] = {}  # claim -> statements joined since its rows were read
        self._facts: dict[int, tuple[list, store_claims.JoinFacts]] = {}  # claim -> (its rows, what they say)
        self._judgements: dict[int, tuple[list, store_claims.Judgement]] = {}  # claim -> (its rows, judged)
        self._uncorrected: bool | None = None  # no statement corrected, no people merged (``_uncorrected_store``)
        self._used: dict[int, int] = {}  # claim -> the last chunk that asked for it (``evict``)
        self._chunk = 0
        #: People given a fuller name during the chunk (their rows above may say the old one).
        self.renamed: set[int] = set()

    def claims_of(self, conn: Connection, statement_ids: list[int]) -> dict[int, int | None]:
        """Statement id -> its claim id (None while unlinked), as ``claims_of``."""
        missing = [s for s in statement_ids if s not in self._claim_of]
        for at in range(0, len(missing), _IN_BATCH):
            found = claims_of(conn, missing[at:at + _IN_BATCH])
            for sid in missing[at:at + _IN_BATCH]:
                self._claim_of[sid] = found.get(sid)
        return {s: self._claim_of[s] for s in statement_ids}

    def anchor_vectors(self, conn: Connection, claim_ids: list[int]) -> dict[int, tuple[np.ndarray, str]]:
        """As ``anchor_vectors``."""
        self._use(claim_ids)
        missing = [c for c in claim_ids if c not in self._vectors]
        if missing:
            found = anchor_vectors(conn, missing)
            for c in missing:
                self._vectors[c] = found.get(c)
        return {c: self._vectors[c] for c in claim_ids if self._vectors[c] is not None}

    def supporters(self, conn: Connection, claim_id: int) -> set[int]:
        """As ``supporters``."""
        self._used[claim_id] = self._chunk
        if claim_id not in self._supporters:
            self._supporters[claim_id] = supporters(conn, claim_id)
        return self._supporters[claim_id]

    def rows(self, conn: Connection, claim_id: int) -> list:
        """A claim's statements as ``claims.allowed`` reads them (``claims.load_rows``, in the
        order they were read and joined: ``allowed`` reads no order). A speaker's name is the
        one of when the row was read (a fuller name later in the chunk does not change it):
        ``allowed`` reads who speaks by entity id, stance and words, never by name."""
        self._used[claim_id] = self._chunk
        if claim_id not in self._rows:
            self._rows[claim_id] = store_claims.load_rows(conn, claim_id, uncorrected_store=self._uncorrected_store(conn))
            self._joined.pop(claim_id, None)  # read with the claim's rows
        elif claim_id in self._joined:  # statements that joined since: read in one query
            self._rows[claim_id] += store_claims.load_rows_of(conn, self._joined.pop(claim_id),
                                                              uncorrected_store=self._uncorrected_store(conn))
        return self._rows[claim_id]

    def join_facts(self, conn: Connection, claim_id: int) -> "store_claims.JoinFacts":
        """What ``claims.allowed`` reads of a claim's rows (``rows``), each row folded in once:
        a claim asked by thousands of statements reads each of its rows once, not once per ask."""
        rows = self.rows(conn, claim_id)
        kept = self._facts.get(claim_id)
        if kept is None or kept[0] is not rows:  # first asked, or the rows were read again
            kept = self._facts[claim_id] = (rows, store_claims.JoinFacts())
        facts = kept[1]
        if facts.seen < len(rows):
            facts.add(rows[facts.seen:])
        return facts

    def _uncorrected_store(self, conn: Connection) -> bool:
        """True when the store holds no correction of a statement and no merge of people, read
        once per memo (a correction or a rebuild by anyone makes the next chunk's memo a new one:
        bulk.py, ``store_marker``), so that reading a claim's rows looks up no corrections."""
        if self._uncorrected is None:
            self._uncorrected = not run(conn, "SELECT 1 FROM statement_overrides LIMIT 1").fetchall() and \
                not run(conn, "SELECT 1 FROM entity_merges LIMIT 1").fetchall()
        return self._uncorrected

    def size(self) -> int:
        """What the memo holds: statements' claims, and claims' rows (each with what its
        judgement and join facts keep of it), anchors and supporters."""
        return len(self._claim_of) + sum(self._claim_size(c) for c in self._used)

    def _claim_size(self, claim_id: int) -> int:
        return (len(self._rows.get(claim_id, ())) + (claim_id in self._anchors) + (claim_id in self._vectors)
                + len(self._supporters.get(claim_id, ())))

    def _use(self, claim_ids) -> None:
        for c in claim_ids:
            self._used[c] = self._chunk

    def evict(self, limit: int) -> None:
        """Bring the memo to half of ``limit`` or less, between chunks: the statements' claims
        go first (one indexed query reads a chunk's again), then the claims asked for longest
        ago, each whole (its rows, join facts, judgement, anchor and supporters), so that the
        claims every chunk asks for (a story restated day after day) stay and are not read
        and judged again from all their rows. Whatever goes is read from the database when
        next asked for, as in a new memo."""
        self._claim_of.clear()
        target = limit // 2
        size = self.size()
        for claim_id in sorted(self._used, key=self._used.get):
            if size <= target:
                break
            size -= self._claim_size(claim_id)
            self._forget(claim_id)

    def _forget(self, claim_id: int) -> None:
        for kept in (self._rows, self._joined, self._facts, self._judgements, self._anchors, self._vectors,
                     self._supporters, self._used):
            kept.pop(claim_id, None)

    def end_chunk(self) -> None:
        """At the end of a chunk, before the memo serves the next: the rows of claims in which a
        person given a fuller name speaks are read again when next asked for (they say the old
        name), and the set of renamed people starts empty."""
        if self.renamed:
            for claim_id in [c for c, rows in self._rows.items() if any(r.entity_id in self.renamed for r in rows)]:
                del self._rows[claim_id]
                self._joined.pop(claim_id, None)
                self._facts.pop(claim_id, None)
                self._judgements.pop(claim_id, None)
            self.renamed.clear()
        self._chunk += 1

    def verdict(self, conn: Connection, claim_id: int) -> "store_claims.Verdict":
        """A claim's verdict (``claims.load_verdict``). The claim's judgement is kept and
        extended by the rows that joined since, when they sort after the rows judged (the
        next days' articles: ``claims.Judgement``); else, or when one of its people was renamed
        since (a verdict's reason names its sources), the claim is judged again from its rows."""
        rows = self.rows(conn, claim_id)
        if self.renamed and any(r.entity_id in self.renamed for r in rows):
            self._judgements.pop(claim_id, None)
            return store_claims.judge(store_claims.load_rows(conn, claim_id,
                                                             uncorrected_store=self._uncorrected_store(conn)))
        kept = self._judgements.get(claim_id)
        judgement = kept[1] if kept is not None and kept[0] is rows else None
        if judgement is None or not judgement.follows(rows[judgement.seen:]):
            judgement = store_claims.Judgement()
            self._judgements[claim_id] = (rows, judgement)
        judgement.extend(rows[judgement.seen:])
        return judgement.verdict()

    def created(self, st: NewStatement) -> None:
        """A claim was made for ``st`` alone (``new_claim``): what a query would read of it now
        is known without one. No statement in it yet (``linked`` adds ``st``), so no supporter
        and no rows; its size is 0 (the anchor ``refresh`` finds is among the article's new
        statements); its anchor is ``st``, with the vector as stored (float32, ``to_blob``) and the
        stance of its row. A claim made in the chunk was otherwise read back by three queries
        (its rows, supporters and anchor vector: 2,000 generated articles, 14,846 new claims,
        about 20 queries an article; docs/store.md)."""
        claim_id = st.claim_id
        self._forget(claim_id)  # nothing kept of an id used before (a claim since deleted)
        self._use([claim_id])
        self._rows[claim_id] = []
        self._supporters[claim_id] = set()
        self._anchors[claim_id] = (0, None)
        if st.row is not None:
            self._vectors[claim_id] = (np.asarray(st.vector, dtype="<f4"), st.row.stance)

    def linked(self, conn: Connection, st: NewStatement) -> None:
        """A statement has joined ``st.claim_id`` (its row says so)."""
        self._claim_of[st.id] = st.claim_id
        if st.stance in ("asserts", "confirms") and st.speaker is not None and st.claim_id in self._supporters:
            self._supporters[st.claim_id].add(st.speaker)
        if st.claim_id in self._rows:
            if st.row is not None and self._uncorrected_store(conn):
                self._rows[st.claim_id].append(st.row)  # nothing corrected or merged: the row as written
            else:  # read (as corrected) when the claim's rows are next asked for
                self._joined.setdefault(st.claim_id, []).append(st.id)

    def refresh(self, conn: Connection, statements: list[NewStatement]) -> set[int]:
        """``refresh_claim(..., status=False)`` of every claim the statements (one article's,
        all linked) joined, reading only their rows; the claims."""
        if not statements:
            return set()
        ids, params = in_list("s", [st.id for st in statements])
        new: dict[int, list[ClaimRow]] = {}
        blobs: dict[int, bytes | None] = {}
        for sid, stance, text, published, entity_id, speaker_name, claim_id, blob in run(
                conn, "SELECT s.id, s.stance, s.claim_text, s.published, s.entity_id, s.speaker_name, s.claim_id, "
                      "v.embedding FROM statements s LEFT JOIN statement_vectors v ON v.statement_id = s.id "
                      f"WHERE s.id IN {ids}", params).fetchall():
            new.setdefault(claim_id, []).append(ClaimRow(sid, stance, text, published, entity_id, speaker_name))
            blobs[sid] = blob
        self._use(new)
        self._load_anchors(conn, [c for c in new if c not in self._anchors])
        updates = []  # one run_many: each claim's row is written once, and nothing below reads it
        for claim_id, rows in new.items():
            size, anchor = self._anchors[claim_id]
            if size and anchor is None:  # a stored claim without its anchor row: read it whole
                refresh_claim(conn, claim_id, status=False)
                for cache in (self._anchors, self._vectors):
                    cache.pop(claim_id, None)
                continue
            first = anchor_of(([anchor] if size else []) + rows)
            size += len(rows)
            self._anchors[claim_id] = (size, first)
            updates.append({"text": first.claim_text, "pub": first.published, "first": first.id, "n": size,
                            "c": claim_id})
            if first.id in blobs:  # a new statement is the anchor now (else the anchor is as it was)
                blob = blobs[first.id]
                self._vectors[claim_id] = (from_blob(blob), first.stance) if blob is not None else None
        run_many(conn, "UPDATE claims SET text = :text, first_published = :pub, first_statement_id = :first, "
                       "n_statements = :n WHERE id = :c", updates)
        return set(new)

    def _load_anchors(self, conn: Connection, claim_ids: list[int]) -> None:
        for at in range(0, len(claim_ids), _IN_BATCH):
            ids, params = in_list("c", claim_ids[at:at + _IN_BATCH])
            for claim_id, size, sid, stance, text, published, entity_id, speaker_name in run(
                    conn, "SELECT c.id, c.n_statements, s.id, s.stance, s.claim_text, s.published, s.entity_id, "
                          "s.speaker_name FROM claims c LEFT JOIN statements s ON s.id = c.first_statement_id "
                          f"WHERE c.id IN {ids}", params).fetchall():
                row = ClaimRow(sid, stance, text, published, entity_id, speaker_name) if sid is not None else None
                self._anchors[claim_id] = (size or 0, row)


#: Values in one ``IN`` list. Chosen when ids were named parameters, which SQLite parses in time
#: growing with the square of their number (5,000 ids: 270 ms in one query, 24 ms in queries of
#: 100; 10 ids a query: 32 ms); ``sql.in_list`` now writes ids as literals, and a list stays
#: this size so that one statement's text stays short.
_IN_BATCH = 100


def refresh_claim(conn: Connection, claim_id: int, status: bool = True) -> None:
    """Recompute a claim's anchor, text, first report and size from its statements, and its
    stored verdict (``claims.store_verdict``). ``status=False`` leaves the verdict as it is
    (bulk ingest judges it once per chunk: linking reads a claim's anchor, text and size,
    never its verdict)."""
    rows = [ClaimRow(*r) for r in run(
        conn, "SELECT id, stance, claim_text, published, entity_id, speaker_name FROM statements "
              "WHERE claim_id = :c ORDER BY coalesce(published, :late), id", {"c": claim_id, "late": "9999"})]
    if not rows:
        return
    first = anchor_of(rows)
    run(conn, "UPDATE claims SET text = :text, first_published = :pub, first_statement_id = :first, "
              "n_statements = :n WHERE id = :c",
        {"text": first.claim_text, "pub": first.published, "first": first.id, "n": len(rows), "c": claim_id})
    if status:
        store_claims.store_verdict(conn, claim_id)


#: A statement as ``refresh_claim`` reads it.
ClaimRow = namedtuple("ClaimRow", "id stance claim_text published entity_id speaker_name")


def anchor_of(rows):
    """The anchor: the first report, i.e. the earliest day's first assertion by a named source
    in the order statements are linked (the body before its headline, which says less). The
    longest assertion of the day was the anchor before, and a speaker's paraphrase ("Families
    ... will pay twice as much") then became what every later statement was compared with."""
    asserts = [r for r in rows if r.stance == "asserts"]
    named = [r for r in asserts if r.entity_id is not None or r.speaker_name] or asserts or list(rows)
    day = min(r.published or "9999" for r in named)
    return min((r for r in named if (r.published or "9999") == day), key=lambda r: r.id)


def claim_status(rows) -> str:
    """Corpus status from a claim's statements in date order (DESIGN.md's four values).

    confirmed: a source other than the claimants confirms it, and no denial or dispute came
    after the last confirmation; contested: a denial or dispute stands; unconfirmed: only its
    claimants (and refusals to comment); stated: no named source at all.
    """
    claimants = {_who(r) for r in rows if r.stance == "asserts"}
    last_confirm = _last(rows, lambda r: r.stance == "confirms" and _who(r) not in claimants)
    last_negative = _last(rows, lambda r: r.stance in ("denies", "disputes"))
    if last_confirm is not None and (last_negative is None or last_confirm > last_negative):
        return "confirmed"
    if last_negative is not None:
        return "contested"
    if any(_who(r) for r in rows):
        return "unconfirmed"
    return "stated"


def _who(row) -> object:
    return row.entity_id if row.entity_id is not None else (row.speaker_name or None)


def _last(rows, pred) -> int | None:
    found = [i for i, r in enumerate(rows) if pred(r)]
    return found[-1] if found else None
