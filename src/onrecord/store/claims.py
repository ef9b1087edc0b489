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
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache

from . import names

#: Relations in the order the explorer lists them.
RELATIONS = ("first reported", "repeated", "confirmed", "denied", "disputed", "declined",
             "reported", "retracted", "corrected")
STATUSES = ("confirmed", "contested", "unconfirmed", "stated", "retracted")
#: The engine's stances that take a position against a claim.
NEGATIVE = ("denies", "disputes")
_NEGATION = re.compile(r"\b(no|not|never)\b|n't\b", re.I)
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
    #: An unflagged denial or dispute is among the rows.
    disputed: bool = False
    #: The latest date the status changed on (``last_change``).
    last_changed: str | None = None

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


@lru_cache(maxsize=65536)  # an anchor's words are read again for every assertion of its claim
def negated(text: str) -> bool:
    """An odd number of plain negations ("no", "not", "never", "n't")."""
    return len(_NEGATION.findall(text or "")) % 2 == 1


def _org_key(row: Row) -> tuple[str, str]:
    """What ``_State.same_org`` reads of a row: its speaker's name and words, folded."""
    return names.fold(row.speaker or ""), names.fold(row.speaker_text or "")


def _names_in(folded: str, phrase: str) -> bool:
    """The speaker's words ``phrase`` say they speak for ``folded`` ("a spokeswoman for the
    Halden Water Authority"); both folded."""
    return len(folded) > 3 and phrase != folded and folded in phrase \
        and _speaks_for(folded).search(phrase) is not None


_PREPOSITION = re.compile(r"\b(for|of|from|at)\b")


@lru_cache(maxsize=65536)
def _may_speak_for(phrase: str) -> bool:
    """A phrase without "for / of / from / at" speaks for no one (``_speaks_for``)."""
    return _PREPOSITION.search(phrase) is not None


@lru_cache(maxsize=65536)
def _speaks_for(folded: str) -> re.Pattern:
    """"for / of / from / at ... <name>", compiled once per name (re's own cache holds 512)."""
    return re.compile(rf"\b(for|of|from|at)\b.*\b{re.escape(folded)}\b")


def judge(rows: list[Row]) -> Verdict:
    """Relations, status and reason of one claim from its statements (any order)."""
    judgement = Judgement()
    judgement.extend(rows)
    return judgement.verdict()


def row_key(row: Row) -> tuple:
    """Where a row stands in a claim's order (``ordered``)."""
    return (row.published or _LATE, row.article_id, row.id)


class Judgement:
    """A claim judged row by row in its order (``ordered``), with what its verdict counts kept
    as the rows come: ``judge`` is one over all of a claim's rows. A row's relation depends only
    on the rows before it, so rows that sort after every row judged (``follows``: the next
    day's articles) extend a judgement, and its verdict is the one ``judge`` gives of all the
    rows (a bulk ingest keeps one per claim, linking.ChunkMemo.verdict). ``seen``: the rows
    judged. Hand-written, as ``judge``."""

    def __init__(self):
        self.st = _State()
        self.anchor: Row | None = None
        self.judged: list[Judged] = []
        self.status: str | None = None
        self.last_key: tuple | None = None
        self.first: Judged | None = None  # the first "first reported"
        self.last_withdrawal: Judged | None = None  # the last "retracted" or "corrected"
        self.last_changed: str | None = None  # the latest date the status changed on
        self._sources: set = set()
        self._outlets: set[str] = set()
        self._independent: set = set()
        self._disputed = False  # an unflagged denial or dispute

    @property
    def seen(self) -> int:
        return len(self.judged)

    def follows(self, rows: list[Row]) -> bool:
        """True when every row sorts after the rows judged, so that ``extend`` may take them."""
        return self.last_key is None or all(row_key(r) > self.last_key for r in rows)

    def extend(self, rows: list[Row]) -> None:
        """Judge the rows (any order among themselves) after the rows judged; they must follow
        them (``follows``), else the verdict would not be ``judge``'s."""
        if not rows:
            return
        if not self.follows(rows):
            raise ValueError("rows that sort before the rows judged: judge the claim again")
        for row in ordered(rows):
            src = source_key(row)
            outlet = names.fold(row.outlet or "")
            # a source that confirmed the claim before it repeated it is a confirmer, not its claimant
            own = (src in self.st.claimants and src not in self.st.confirmers) or self.st.same_org(row)
            relation, review = "repeated", None
            if row.copy_of is not None:
                relation = "repeated"  # a syndicated copy: listed, counts for nothing
            elif row.stance == "asserts" and row.speaker is None:
                relation = "reported"
                self.st.support(("outlet", outlet), outlet, row)
            elif row.stance == "asserts":
                relation = "first reported" if self.anchor is None else "repeated"
                if self.anchor is None:
                    self.anchor = row
                elif negated(row.words) != negated(self.anchor.words):
                    review = "possible contradiction"
                self.st.support(src, outlet, row)
            elif row.stance == "confirms":
                relation = "repeated" if own else "confirmed"
                if self.anchor is None:  # a confirmation seen before the claim itself: it puts it forward
                    relation, self.anchor = "first reported", row
                    self.st.support(src, outlet, row)
                elif not own:
                    self.st.confirmers.add(src)
            elif row.stance in NEGATIVE:
                relation = "denied" if row.stance == "denies" else "disputed"
                if own:
                    review = "a claimant against its own claim"
            elif row.stance in ("declines", "unconfirmed"):
                relation = "declined"
            elif row.stance in ("retracts", "corrects"):
                outlet_voice = row.speaker is None or names.fold(row.speaker) == outlet or \
                    (row.entity_id is None and row.stance == "corrects")
                if outlet_voice and outlet in self.st.printed:
                    relation = "corrected"
                    self.st.corrected.add(outlet)
                elif src in self.st.claimants:
                    relation = "retracted"
                    self.st.withdrawn.add(src)
                elif row.stance == "corrects":
                    relation = "disputed"  # "the auditor corrected the mayor's figure"
                else:
                    relation, review = "retracted", "withdrawn by a source that did not make the claim"
            j = Judged(row, relation, review)
            if row.copy_of is None and review is None:
                if relation == "confirmed":
                    self.st.last_confirm, self.st.confirm_at = j, len(self.judged)
                elif relation in ("denied", "disputed"):
                    self.st.last_negative, self.st.negative_at = j, len(self.judged)
            if row.copy_of is None:
                self.st.printed.add(outlet)
            self._judged(j)
            j.status_after = self.st.status()
            j.changed = j.status_after != self.status
            self.status = j.status_after
            if j.changed and row.published and (self.last_changed is None or row.published > self.last_changed):
                self.last_changed = row.published
        self.last_key = row_key(self.judged[-1].row)

    def _judged(self, j: Judged) -> None:
        """Keep a judged row and what the verdict counts of it (``_count``, ``_reason``)."""
        self.judged.append(j)
        row = j.row
        if j.relation == "first reported" and self.first is None:
            self.first = j
        if j.relation in ("retracted", "corrected"):
            self.last_withdrawal = j
        if row.copy_of is not None:
            return  # a copy counts for nothing
        if row.speaker:
            self._sources.add(source_key(row))
            if j.review is None and j.relation in ("first reported", "repeated", "confirmed", "denied", "disputed") \
                    and not (j.relation == "repeated" and row.stance == "confirms"):
                self._independent.add(source_key(row))
        if row.outlet:
            self._outlets.add(names.fold(row.outlet))
        if j.relation in ("denied", "disputed") and j.review is None:
            self._disputed = True

    def verdict(self) -> Verdict:
        """The verdict of the rows judged."""
        verdict = Verdict(list(self.judged), self.status or "unconfirmed", "", sources=len(self._sources),
                          outlets=len(self._outlets), independent=len(self._independent), disputed=self._disputed,
                          last_changed=self.last_changed)
        verdict.reason, verdict.decided_by = _reason(verdict, self.first, self.last_withdrawal,
                                                     self.st.last_confirm, self.st.last_negative)
        return verdict


class _State:
    """What stands behind a claim so far: its claimants and the outlets that printed them,
    withdrawals and corrections, the last confirmation and the last denial or dispute."""

    def __init__(self):
        self.claimants: dict[object, set[str]] = {}  # source -> outlets where it asserted
        # the claimants' distinct (name, words), folded (``_org_key``), and per row key how
        # many of them it was compared with and whether one matched (``same_org``): a claim
        # of thousands of statements repeats a few speakers
        self.claimant_keys: list[tuple[str, str]] = []
        self._claimant_set: set[tuple[str, str]] = set()
        self._claimants_speaking_for: list[tuple[str, str]] = []  # those whose words may name another
        self._org_seen: dict[tuple[str, str], tuple[int, int, bool]] = {}
        self.confirmers: set = set()  # sources that confirmed before they asserted
        self.withdrawn: set = set()
        self.corrected: set[str] = set()
        self.printed: set[str] = set()
        self.last_confirm: Judged | None = None
        self.last_negative: Judged | None = None
        self.confirm_at = self.negative_at = -1  # their places among the rows judged
        # a claimant found standing by the last ``status`` (any, and named): checked first next
        # time, since withdrawals and corrections are rare and claimants are never removed
        self._standing: dict[bool, object] = {}

    def support(self, src, outlet: str, row: Row) -> None:
        self.claimants.setdefault(src, set()).add(outlet)
        self.withdrawn.discard(src)  # asserted again after a withdrawal: it stands again
        self.corrected.discard(outlet)
        key = _org_key(row)
        if row.speaker and key not in self._claimant_set:
            self._claimant_set.add(key)
            self.claimant_keys.append(key)
            if _may_speak_for(key[1]):
                self._claimants_speaking_for.append(key)

    def same_org(self, row: Row) -> bool:
        """The text says the row's speaker speaks for a claimant so far ("a spokeswoman for
        the Halden Water Authority" answering the authority's claim), or the other way round.
        Each distinct key is compared with each claimant's once, and only where the words
        can name someone (``_may_speak_for``): a claim of thousands of statements has
        hundreds of claimants, whose words are mostly their names."""
        name, phrase = me = _org_key(row)
        every, speaking, found = self._org_seen.get(me, (0, 0, False))
        if not found and _may_speak_for(phrase):
            found = any(_names_in(other, phrase) for other, _ in self.claimant_keys[every:])
        if not found:
            found = any(_names_in(name, theirs) for _, theirs in self._claimants_speaking_for[speaking:])
        self._org_seen[me] = (len(self.claimant_keys), len(self._claimants_speaking_for), found)
        return found

    def _stands(self, src, outlets: set[str]) -> bool:
        """A claimant still behind the claim: not withdrawn, printed by an outlet that did not correct it."""
        return src not in self.withdrawn and not outlets <= self.corrected

    def _any_stands(self, named: bool) -> bool:
        """A claimant (a named one: not an outlet's own voice) still stands. The one found last
        time is asked first; the claimants are listed only when it no longer stands."""
        last = self._standing.get(named)
        if last is not None and self._stands(last, self.claimants[last]):
            return True
        for src, outlets in self.claimants.items():
            if (not named or src[0] != "outlet") and self._stands(src, outlets):
                self._standing[named] = src
                return True
        return False

    def status(self) -> str:
        """DESIGN.md's statuses, from what stands after the rows judged so far. Asked after
        every row, so it asks first the claimant found standing last time instead of listing
        them all (a claim of thousands of statements has hundreds of claimants, most of them
        outlets' own voices when the first named claimant stands late in the list)."""
        if self.claimants and not self._any_stands(named=False):
            return "retracted"
        confirm, negative = self.last_confirm, self.last_negative
        if confirm is not None and (negative is None or self.confirm_at > self.negative_at):
            return "confirmed"
        if negative is not None:
            return "contested"
        if self._any_stands(named=True):
            return "unconfirmed"
        return "stated" if self.claimants else "unconfirmed"


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


def _reason(v: Verdict, first: Judged | None, last_withdrawal: Judged | None, last_confirm: Judged | None,
            last_negative: Judged | None) -> tuple[str, list[int]]:
    """The statements that decide the status, in words, and their ids: ``first`` the first
    "first reported", ``last_withdrawal`` the last "retracted" or "corrected" (Judgement)."""
    if not v.rows:
        return "no statements", []
    first = first or v.rows[0]
    if v.status == "retracted":
        last = last_withdrawal
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


def worth_attention(v: Verdict) -> bool:
    """'Most reported' needs two independent sources or a dispute."""
    return v.independent >= 2 or v.disputed


def may_join(claim_rows: "list[Row] | JoinFacts", speaker: object, stance: str) -> bool:
    """False when a statement would set a source against its own claim: a denial or dispute
    by one of the claim's claimants, or an assertion by one of its deniers. A retraction is the
    only way a source turns against its own words (stance ``retracts``). ``claim_rows``: the
    claim's rows, or what ``JoinFacts`` keeps of them."""
    facts = claim_rows if isinstance(claim_rows, JoinFacts) else JoinFacts.of(claim_rows)
    if speaker is None:
        return True
    if stance in NEGATIVE:
        return speaker not in facts.claimants
    if stance == "asserts":
        return speaker not in facts.deniers
    return True


@dataclass
class JoinFacts:
    """What ``allowed`` reads of a claim's rows, kept so that a row is read once however often
    statements ask to join (a claim restated in thousands of articles is asked by each new
    statement near it): its claimants and deniers (``source_key``), the people asserting it,
    and the distinct figures its assertions give (``figures``; an assertion without a quantity
    or a factor conflicts with nothing). ``add`` folds in rows as they join; ``seen`` counts
    the rows folded in."""

    claimants: set = field(default_factory=set)
    deniers: set = field(default_factory=set)
    claimant_entities: set[int] = field(default_factory=set)
    figures: set[tuple[frozenset, frozenset]] = field(default_factory=set)
    seen: int = 0

    @classmethod
    def of(cls, rows: list[Row]) -> "JoinFacts":
        facts = cls()
        facts.add(rows)
        return facts

    def add(self, rows: list[Row]) -> None:
        for r in rows:
            self.seen += 1
            if r.stance == "asserts":
                if r.speaker:
                    self.claimants.add(source_key(r))
                if r.entity_id is not None:
                    self.claimant_entities.add(r.entity_id)
                figure = figures(r.words)
                if figure[0] or figure[1]:
                    self.figures.add(figure)
            elif r.stance in NEGATIVE and r.speaker:
                self.deniers.add(source_key(r))

    def figure_conflict(self, text: str) -> bool:
        """True when an assertion of the claim gives ``text``'s matter another figure
        (``quantities_conflict``)."""
        mine = figures(text)
        return bool(mine[0] or mine[1]) and any(_figures_conflict(*theirs, *mine) for theirs in self.figures)


_ROLE_STOP = {"the", "a", "an", "of", "s", "for", "at"}
#: Titles that name a person, not a body ("the council" is not "the council's engineer").
_PERSON_TITLES = names.TITLES - {"council", "member", "head", "st", "official", "ms", "mr", "mrs", "dr"}


def resolve_title_speakers(report) -> dict[str, str]:
    """Article speakers named by a role alone ("Councillor" or "Clinic board" in a headline,
    a title such as "the councillor" in the body) -> the one person of the article whose own mention carries every word of that
    role ("Harlow councillor Nils Ott", "The director of the Harlow Health Clinic, Sara Lind");
    in a headline, when no person carries it, the one body speaking in the body text whose
    name carries every word ("County confirms ..." -> "the county environment office").

    A role given to no one, or to two people, resolves to nothing."""
    roles = []  # (attribution, its role's words, in a headline): the speakers to resolve
    for a in report.attributions:
        sp = a.speaker
        if sp is None or not sp.entity or (sp.type == "PERSON" and len(names.person_words(sp.entity)) >= 2):
            continue
        role = [w for w in names.fold(sp.entity).split() if w not in _ROLE_STOP]
        headline = is_headline(report, a)
        # in the body only a title ("the councillor"); in a headline any role ("Clinic board")
        if role and len(role) <= 3 and (headline or any(w in _PERSON_TITLES for w in role)):
            roles.append((a, role, headline))
    if not roles:  # most articles: every speaker is named
        return {}
    named = [(names.fold(a.speaker.text), a.speaker.entity) for a in report.attributions
             if a.speaker is not None and a.speaker.entity and a.speaker.type == "PERSON"
             and len(names.person_words(a.speaker.entity)) >= 2]
    named += [(names.fold(al), e.name) for e in report.entities if e.type == "PERSON"
              and len(names.person_words(e.name)) >= 2 for al in e.aliases]
    text = report.article.text
    named += [(" ".join(names.fold(text[max(0, s - 40):s]).split()[-3:] + [names.fold(text[s:e2])]), e.name)
              for e in report.entities if e.type == "PERSON" and len(names.person_words(e.name)) >= 2
              for s, e2 in e.mentions]  # "Harlow councillor Nils Ott": the three words before a mention
    # the bodies speaking in the article's body text ("the county environment office"), for a
    # headline naming one by a word of its name alone
    bodies = {a.speaker.entity for a in report.attributions if a.speaker is not None and a.speaker.entity
              and a.speaker.type != "PERSON" and not is_headline(report, a)}
    out = {}
    for a, role, headline in roles:
        sp = a.speaker
        if sp.entity in out:
            continue
        holders = {person for phrase, person in named if all(_role_word_in(w, phrase, headline) for w in role)}
        if not holders and headline:  # "County confirms ...": the one body of the body text so named
            holders = {body for body in bodies if body != sp.entity
                       and all(re.search(rf"\b{re.escape(w)}\b", names.fold(body)) for w in role)}
        if len(holders) == 1:
            out[sp.entity] = holders.pop()
    return out


#: Words by which a headline names who leads a body ("Water chief declines ..."): in a headline
#: any of them stands for any other ("the director of the Halden Water Authority").
LEADERSHIP = {"chief", "head", "boss", "leader", "director", "executive", "chair", "chairman", "chairwoman",
              "chairperson", "president", "manager", "ceo", "principal", "governor"}
#: A headline's word matches a word of the body when both begin with the same this many letters
#: ("Ferry chief" -> "the chief executive of Island Ferries"): headlines write a name's plain form.
HEADLINE_PREFIX = 4


def _role_word_in(word: str, phrase: str, headline: bool) -> bool:
    """A role's word is in the phrase naming a person: as a whole word; in a headline also as
    any leadership word for another, or a word of the same first HEADLINE_PREFIX letters."""
    if re.search(rf"\b{re.escape(word)}\b", phrase):
        return True
    if not headline:
        return False
    words = phrase.split()
    if word in LEADERSHIP:
        return any(w in LEADERSHIP for w in words)
    return len(word) >= HEADLINE_PREFIX and any(w[:HEADLINE_PREFIX] == word[:HEADLINE_PREFIX] and len(w) >= HEADLINE_PREFIX
                                                for w in words)


#: Numbers with their unit ("40 million crowns", "six weeks", "300 patient records"): two
#: assertions that give the same matter different quantities are different claims.
_NUMBER_WORDS = {"one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
                 "eleven", "twelve", "twenty", "thirty", "forty", "fifty", "hundred", "dozen"}
_QUANTITY = re.compile(r"\b(\d[\d.,]*|" + "|".join(sorted(_NUMBER_WORDS)) + r")\s+(?:million\s+|thousand\s+|per\s+)?([a-z]+)",
                       re.I)


@lru_cache(maxsize=65536)  # a claim's statements are compared with every new one
def quantities(text: str) -> frozenset[tuple[str, str]]:
    """(number, unit) pairs of a text, the unit cut to 4 letters ("six weeks" -> ("six", "week"))."""
    return frozenset((n.lower().replace(",", ""), u.lower()[:4]) for n, u in _QUANTITY.findall(text or ""))


#: Words that give a change by a factor: "double its fares" and "pay twice as much" give one
#: figure in other words. Hand-written (no library reads "twice as much" as a factor).
_FACTORS = (("x2", re.compile(r"\b(?:doubl(?:e|es|ed|ing)|twice\s+as|two-?fold|2-fold)\b", re.I)),
            ("x3", re.compile(r"\b(?:tripl(?:e|es|ed|ing)|trebl(?:e|es|ed|ing)|three\s+times\s+as|thrice|three-?fold)\b",
                              re.I)),
            ("x0.5", re.compile(r"\b(?:halv(?:e|es|ed|ing)|by\s+half|in\s+half)\b", re.I)))


#: Letters every match of ``_FACTORS`` holds: most texts give no factor, and looking for these
#: in the lower-cased text says so at a fifth of the cost of the patterns.
_FACTOR_HINTS = ("doubl", "twice", "fold", "tripl", "trebl", "three", "thrice", "halv", "half")
_NONE: frozenset = frozenset()


@lru_cache(maxsize=65536)
def factors(text: str) -> frozenset[str]:
    """The changes by a factor a text gives ("planned to double its fares" -> {"x2"})."""
    lowered = (text or "").lower()
    if not any(hint in lowered for hint in _FACTOR_HINTS):
        return _NONE
    return frozenset(name for name, pattern in _FACTORS if pattern.search(text))


def same_figure(a: str, b: str) -> bool:
    """True when two texts give one figure: a change by the same factor ("double" and
    "twice as much"), or the same number of the same unit ("600 letters"; a year or a number
    before a small word is no figure)."""
    def counted(text):
        return {(n, u) for n, u in quantities(text) if u not in _STEM_STOP and len(u) >= 3
                and not re.fullmatch(r"(19|20)\d\d", n)}
    return bool(factors(a) & factors(b) or counted(a) & counted(b))


def figures(text: str) -> tuple[frozenset[str], frozenset[tuple[str, str]]]:
    """What ``quantities_conflict`` compares of a text: its factors and its quantities."""
    return factors(text), quantities(text)


def quantities_conflict(a: str, b: str) -> bool:
    """True when both texts give a quantity of one unit and none of the pairs agree
    ("six weeks" against "six months" share no unit and do not conflict; "40 million" against
    "4 million" crowns do), when the same number is given in different time units, or when
    both give a change by a factor and not the same one ("double" against "triple")."""
    return _figures_conflict(*figures(a), *figures(b))


_TIME_UNITS = {"day", "days", "week", "mont", "year", "hour"}


def _figures_conflict(fa: frozenset, qa: frozenset, fb: frozenset, qb: frozenset) -> bool:
    if fa and fb and not fa & fb:
        return True
    if not qa or not qb or qa & qb:
        return False
    units_a, units_b = {u for _, u in qa}, {u for _, u in qb}
    if units_a & units_b:
        return True
    return bool({n for n, _ in qa} & {n for n, _ in qb}) and bool(units_a & _TIME_UNITS) and bool(units_b & _TIME_UNITS)


#: Nouns for documents and data a claim rests on: a source confirming them ("the emails were
#: genuine") confirms the claim they show, when it also names the claimant.
DOCUMENTS = {"email", "emails", "document", "documents", "minutes", "letter", "letters", "file", "files",
             "sheet", "sheets", "invoice", "invoices", "recording", "recordings", "photograph",
             "photographs", "photos", "memo", "memos", "contract", "contracts", "accounts", "ledger"}


def evidence_claim(conn, st) -> int | None:
    """The claim whose evidence a confirmation confirms: the confirmation's words name a
    document ("the clinic emails ... were genuine"), its article names the claimant, and a
    claimant's statement on the claim cites that document ("Those emails show ..."). The
    claim with most such statements (then the larger); None when there is none."""
    if st.stance != "confirms" or not st.entities:
        return None
    docs = {w for w in re.findall(r"[a-z]+", st.text.lower()) if w in DOCUMENTS}
    if not docs:
        return None
    from .sql import in_list, run
    where, params = in_list("e", sorted(st.entities))
    rows = run(conn, "SELECT s.claim_id, coalesce(s.content_text, s.claim_text), c.n_statements FROM statements s "
                     f"JOIN claims c ON c.id = s.claim_id WHERE s.entity_id IN {where} AND s.stance = 'asserts'",
               params).fetchall()
    counts: dict[int, tuple[int, int]] = {}
    for claim_id, words, size in rows:
        if docs & set(re.findall(r"[a-z]+", (words or "").lower())):
            counts[claim_id] = (counts.get(claim_id, (0, 0))[0] + 1, size)
    if not counts:
        return None
    return max(counts, key=lambda c: (counts[c], -c))  # most citing statements, then the larger claim


# -- the store's side: rows read from the database, hooks of ingest and linking --------------

_ROWS = ("SELECT s.id, s.article_id, s.published, a.outlet, coalesce(e.name, s.speaker_name), s.entity_id, "
         "s.stance, coalesce(s.content_text, s.claim_text), s.speaker_text, s.speaker_type, s.cue_text, a.copy_of "
         "FROM statements s JOIN articles a ON a.id = s.article_id "
         "LEFT OUTER JOIN entities e ON e.id = s.entity_id WHERE s.claim_id = :c")


def load_rows(conn, claim_id: int, *, uncorrected_store: bool = False) -> list[Row]:
    """A stored claim's statements as ``Row``s, in date then article order. ``uncorrected_store``:
    the caller knows the store holds no correction of a statement and no merge of people (a
    bulk ingest's memo, linking.ChunkMemo), so there is nothing to look up."""
    from .corrections import corrected_rows
    from .sql import run
    rows = [Row(*r) for r in run(conn, _ROWS, {"c": claim_id}).fetchall()]
    # corrections: the rows as people corrected them (a rejected row counts for nothing)
    return ordered(rows if uncorrected_store else corrected_rows(conn, rows))


def load_rows_of(conn, statement_ids: list[int], *, uncorrected_store: bool = False) -> list[Row]:
    """Stored statements as ``Row``s (as corrected), by id, in date then article order
    (``uncorrected_store`` as for ``load_rows``)."""
    from .corrections import corrected_rows
    from .sql import in_list, run
    where, params = in_list("i", statement_ids)
    query = _ROWS.replace("WHERE s.claim_id = :c", f"WHERE s.id IN {where}")
    rows = [Row(*r) for r in run(conn, query, params).fetchall()]
    return ordered(rows if uncorrected_store else corrected_rows(conn, rows))


def load_verdict(conn, claim_id: int) -> Verdict:
    """``judge`` of a stored claim."""
    return judge(load_rows(conn, claim_id))


def last_change(v: Verdict) -> str | None:
    """The date of the latest dated status change (None when no dated statement changed it):
    ``v.changed_since(d)`` is true exactly when this is on or after ``d``."""
    return v.last_changed


def verdict_columns(v: Verdict) -> dict:
    """The claims table's verdict columns for a verdict (schema.py, migration 0004)."""
    return {"status": v.status, "reason": v.reason, "decided_by": json.dumps(v.decided_by),
            "sources": v.sources, "outlets": v.outlets, "most_reported": worth_attention(v),
            "status_changed": last_change(v)}


def store_verdict(conn, claim_id: int, rows: list[Row] | None = None, *, verdict: Verdict | None = None) -> Verdict:
    """Judge a stored claim and write its verdict to its row; the verdict. Every change of a
    claim's statements, of their stance or speaker (corrections, merges, undos) or of its
    membership calls this for the claims it touches (linking.refresh_claim), so the stored
    verdict is always the one ``load_verdict`` gives. ``rows``: the claim's rows as ``load_rows``
    gives them, when the caller holds them already; ``verdict``: their verdict, when the caller
    judged them already (a bulk chunk, linking.ChunkMemo.verdict)."""
    from .sql import run
    if verdict is None:  # rows: the claim's, read already
        verdict = judge(rows) if rows is not None else load_verdict(conn, claim_id)
    run(conn, STORE_VERDICT, verdict_row(claim_id, verdict))
    return verdict


#: What ``store_verdict`` writes; a bulk chunk writes its claims' verdicts by one ``run_many``.
STORE_VERDICT = ("UPDATE claims SET status = :status, reason = :reason, decided_by = :decided_by, "
                 "sources = :sources, outlets = :outlets, most_reported = :most_reported, "
                 "status_changed = :status_changed WHERE id = :c")


def verdict_row(claim_id: int, verdict: Verdict) -> dict:
    """``STORE_VERDICT``'s parameters for one claim."""
    return {**verdict_columns(verdict), "c": claim_id}


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


FOLLOW = "follow:"
#: The group a statement outside the engine's claims leads when another follows it: not the
#: engine's word that it differs from the speaker's other statements.
LEAD = "lead:"
#: Words of a refusal that name no matter ("did not respond to questions", "a request for comment").
_GENERIC = {"question", "questions", "request", "requests", "comment", "comments", "call", "calls", "message",
            "messages", "email", "emails", "inquiry", "inquiries", "enquiry", "enquiries", "detail", "details",
            "reporter", "reporters", "matter", "issue", "sunday", "monday", "tuesday", "wednesday", "thursday",
            "friday", "saturday", "today", "yesterday", "week", "weekend"}
_STEM_STOP = {"the", "and", "that", "this", "with", "for", "from", "about", "into", "its", "his", "her", "their",
              "had", "has", "have", "was", "were", "would", "will", "been", "not", "any", "all", "our", "who", "which"}


def _stems(text: str) -> set[str]:
    """Content-word stems (3+ letters, cut to 5), as the engine's claim stage counts them."""
    return {w[:5] for w in re.findall(r"[a-z]{3,}", (text or "").lower()) if w not in _STEM_STOP}


def is_headline(report, attr) -> bool:
    """True when the attribution is in the article's headline."""
    pos = attr.cue.start if attr.cue else (attr.content.start if attr.content else None)
    block = report.article.block_at(pos) if pos is not None else None
    return block is not None and block.kind == "headline"


def engine_groups(report) -> dict[str, str]:
    """Attribution id -> its group in the article: the engine's per-article claim holding it
    (pipeline/stance.py build_claims), or ``follow:<group>`` for a statement that follows
    another of the article:

    - a headline statement follows the body statement of the same speaker and the same kind
      (an assertion, or a response) sharing most of its words: a headline says in five words
      what the body says in twenty;
    - a refusal the engine tied to nothing follows the article's assertion it shares words
      with ("questions about the meetings"), or, naming no matter at all ("did not respond to
      questions", "did not answer calls from the Gazette": the outlet's name is no matter),
      the article's first assertion by a named source.

    Statements of one article in two groups of one speaker say different things."""
    out = {}
    for c in report.claims:
        for a in c.attributions:
            out.setdefault(a, c.id)
        out.setdefault(c.id, c.id)  # a stated claim's own statement
    attrs = [a for a in report.attributions if a.speaker is not None or a.content is not None]
    body = [a for a in attrs if not is_headline(report, a)]
    titles = resolve_title_speakers(report)
    who = lambda a: titles.get(a.speaker.entity, a.speaker.entity) if a.speaker is not None else None  # noqa: E731
    responses = ("denies", "disputes", "declines", "confirms")
    # an outlet's name in a refusal is who asked, not the matter ("did not answer calls from the
    # Ridgeway Gazette", "declined to comment to the Gazette")
    outlet_words = _stems(" ".join([report.article.outlet or ""] + [e.name for e in report.entities
                                                                   if e.type == "OUTLET"]))

    def group_of(target) -> str:  # an ungrouped statement leads a group of its own
        return out.setdefault(target.id, LEAD + target.id)

    for a in attrs:
        if a.id in out and not is_headline(report, a):
            continue
        if is_headline(report, a):
            kind = a.stance in responses
            same = [b for b in body if who(b) and who(b) == who(a) and (b.stance in responses) == kind and b.content]
            own = _stems(a.content.text if a.content else "")
            if same and own:
                best = max(same, key=lambda b: (len(own & _stems(b.content.text)), -body.index(b)))
                if own & _stems(best.content.text) or len(same) == 1:
                    out[a.id] = FOLLOW + _lead(group_of(best))
            continue
        if a.stance == "asserts" and a.content is not None and who(a):
            before = _just_before(a, body)
            if before is not None and who(before) == who(a) and before.stance == "asserts" and before.content \
                    and _cites_evidence(a.content.text):
                out[a.id] = FOLLOW + _lead(group_of(before))  # "she had seen internal test sheets"
            continue
        if a.stance == "declines":
            own = _stems(a.content.text if a.content else "") - {w[:5] for w in _GENERIC} - outlet_words
            claims_ = [b for b in body if b.stance == "asserts" and b.speaker is not None and b.content
                       and b is not a and who(b) != who(a)]
            if own:
                hits = [b for b in claims_ if own & _stems(b.content.text)]
                if hits:
                    best = max(hits, key=lambda b: len(own & _stems(b.content.text)))
                    out[a.id] = FOLLOW + _lead(group_of(best))
            elif claims_:
                lead = next((b for b in claims_ if _position(b) < _position(a)), None)
                if lead is not None:
                    out[a.id] = FOLLOW + _lead(group_of(lead))
    return out


def _position(attr) -> int:
    return attr.cue.start if attr.cue else attr.content.start


def _lead(group: str) -> str:
    """The group a group follows, if it follows one ("follow:c1" -> "c1"): follows do not chain."""
    return group[len(FOLLOW):] if group.startswith(FOLLOW) else group


def _just_before(attr, body: list):
    """The body statement just before ``attr`` in the text (another speaker's between them breaks it)."""
    earlier = [b for b in body if b is not attr and _position(b) < _position(attr)]
    return max(earlier, key=_position, default=None)


def _cites_evidence(text: str) -> bool:
    """The words name a document or data a claim rests on (DOCUMENTS: "internal test sheets")."""
    return bool(DOCUMENTS & set(re.findall(r"[a-z]+", (text or "").lower())))


def processing_order(report, attrs: list) -> list:
    """The article's statements in the order they are linked: the body first, then the
    headline (a headline follows the body statement it sums up, see ``engine_groups``)."""
    return sorted(attrs, key=lambda a: is_headline(report, a))


#: Stems of a refusal's sentence that say only that it is one ("declined to comment on ...").
_REFUSAL_STEMS = {"decli", "comme", "refus", "respo", "answe", "quest", "reque", "would", "said", "say",
                  "sunda", "monda", "tuesd", "wedne", "thurs", "frida", "satur", "today"}


#: Stems of an unanswered call beyond ``_REFUSAL_STEMS`` ("did not answer calls", "could not be
#: reached by phone"): no matter either, for a refusal that follows its speaker's earlier stake.
_UNANSWERED_STEMS = {"calls", "phone", "did", "could"}


#: A refusal names a claim's matter when at least this many stems of its sentence, and at
#: least this share of them, are in the claim's first report. Set by hand on the stories
#: written with the rules (clinic: "on the lost patient records" shares 3 stems of 3 with its
#: claim's first report); lower values would join refusals of another matter of the same story.
REFUSAL_SHARED_STEMS = 2
REFUSAL_SHARE = 0.5


def refusal_claim(conn, st, scores: dict[int, float]) -> int | None:
    """The claim a refusal names the matter of, among its nearest claims: REFUSAL_SHARED_STEMS
    stems of its sentence, and REFUSAL_SHARE of them (the speaker's name and the words of
    refusing left out), are in the claim's first report ("Dahl declined to comment on the fares for
    November" -> "the company planned to double its fares in November"). None otherwise."""
    if st.stance != "declines" or not scores:
        return None
    from .sql import in_list, run
    own = _stems(st.text) - _REFUSAL_STEMS
    where, params = in_list("c", sorted(scores))
    anchors = run(conn, "SELECT c.id, coalesce(s.content_text, s.claim_text), s.entity_id FROM claims c "
                        f"JOIN statements s ON s.id = c.first_statement_id WHERE c.id IN {where}", params).fetchall()
    best, best_n = None, 0
    for claim_id, words, claimant in anchors:
        if claimant is not None and claimant == st.speaker:
            continue
        mine = own - _stems(" ".join(_speaker_words(conn, st.speaker)))
        n = len(mine & _stems(words))
        if n >= REFUSAL_SHARED_STEMS and n >= REFUSAL_SHARE * len(mine) and n > best_n \
                and st.entities & _named(conn, claim_id):
            best, best_n = claim_id, n
    return best


def stake_claim(conn, st, pending) -> int | None:
    """The claim a refusal naming no matter is about when its speaker has answered one before:
    among the claims this article speaks of (never another: someone who denied one claim last
    month refuses today on today's), the first one the speaker denied, disputed or declined on
    already ("Siri Vold declined to comment to the Gazette" after she denied the tannery's
    dye, in an article leading with the anglers' samples). The words of refusing, the
    speaker's name and the outlet's are no matter. None otherwise."""
    if st.stance != "declines" or st.speaker is None:
        return None
    from .sql import run
    found = run(conn, "SELECT a.outlet FROM statements s JOIN articles a ON a.id = s.article_id WHERE s.id = :s",
                {"s": st.id}).fetchone()
    matter = _stems(st.text) - _REFUSAL_STEMS - {w[:5] for w in _GENERIC} \
        - _stems(" ".join(_speaker_words(conn, st.speaker) + [found[0] if found and found[0] else ""]))
    if matter - _UNANSWERED_STEMS:
        return None
    for claim_id in dict.fromkeys(p.claim_id for p in pending if p.claim_id is not None):
        if run(conn, "SELECT 1 FROM statements WHERE claim_id = :c AND entity_id = :e AND stance IN "
                     "('denies', 'disputes', 'declines') LIMIT 1", {"c": claim_id, "e": st.speaker}).fetchone():
            return claim_id
    return None


def _speaker_words(conn, entity_id) -> list[str]:
    if entity_id is None:
        return []
    from .sql import run
    found = run(conn, "SELECT name FROM entities WHERE id = :e", {"e": entity_id}).fetchone()
    return [found[0]] if found else []


def _named(conn, claim_id: int) -> set[int]:
    """Entities speaking in a claim's statements."""
    from .sql import run
    return {r[0] for r in run(conn, "SELECT entity_id FROM statements WHERE claim_id = :c AND entity_id IS NOT NULL",
                              {"c": claim_id}).fetchall()}


def group_claim(st, pending) -> int | None:
    """The store claim of an assertion of the same article in the same engine claim, if any
    (a group's assertions define its claim; a reaction the engine tied to it follows them)."""
    if st.group is None:
        return None
    if st.group.startswith(FOLLOW):
        lead = st.group[len(FOLLOW):]
        return next((p.claim_id for p in pending if p.group == lead and p.claim_id is not None), None)
    return next((p.claim_id for p in pending if p.group == st.group and p.claim_id is not None
                 and p.stance == "asserts"), None)


def allowed(conn, st, claim_id: int, pending, memo=None) -> bool:
    """Whether a statement may join a stored claim: never one that would set its source against
    its own claim (``may_join``), nor one holding a statement of the same speaker in the same
    article that the engine put in another claim (one article's different statements stay apart)."""
    def engine_claim(g):  # the engine's per-article claim a group is, or None
        g = g[len(FOLLOW):] if g and g.startswith(FOLLOW) else g
        return None if g is None or g.startswith(LEAD) else g
    for p in pending:
        mine, theirs = engine_claim(st.group), engine_claim(p.group)
        if p.claim_id == claim_id and p.speaker is not None and p.speaker == st.speaker \
                and mine is not None and theirs is not None and mine != theirs:
            return False
    speaker = ("entity", st.speaker) if st.speaker is not None else None
    # what the claim's rows say, kept by a bulk chunk's memo (linking.ChunkMemo) or read here
    facts = memo.join_facts(conn, claim_id) if memo is not None else JoinFacts.of(load_rows(conn, claim_id))
    if st.stance == "asserts" and facts.figure_conflict(st.text):
        return False  # "six weeks" is not the claim of "six months"
    if st.stance in NEGATIVE and _claimants_side(conn, st, facts.claimant_entities):
        return False  # "the head of the Halden Water Authority" does not dispute its director's words
    return may_join(facts, speaker, st.stance)


#: Speaker texts read per source to learn which organisation the text says it belongs to.
AFFILIATION_TEXTS = 50
_OF_ORG = re.compile(r"\b(?:of|for|at|from)\s+(?:the\s+)?([^,;()]+?)\s*(?:[,;()]|$)")


def organisations(speaker_text: str | None) -> set[str]:
    """The organisations a speaker's words tie it to, folded: "The director of the Halden Water
    Authority, Henrik Solberg" -> {"halden water authority"}; "a spokeswoman for Island Ferries"
    -> {"island ferries"}."""
    return {names.fold(m) for m in _OF_ORG.findall((speaker_text or "").lower()) if len(names.fold(m)) > 3}


def _texts_of(conn, entity_id: int | None) -> tuple[str | None, set[str]]:
    """A corpus entity's name and the organisations its stored speaker texts tie it to."""
    if entity_id is None:
        return None, set()
    from .sql import run
    name = run(conn, "SELECT name FROM entities WHERE id = :e", {"e": entity_id}).fetchone()
    texts = run(conn, f"SELECT speaker_text FROM statements WHERE entity_id = :e LIMIT {AFFILIATION_TEXTS}",
                {"e": entity_id}).fetchall()
    return (name[0] if name else None), set().union(*(organisations(t) for (t,) in texts))


def _claimants_side(conn, st, claimants: set[int]) -> bool:
    """True when the text says the statement's source and one of the claim's claimants are one
    organisation: one is the organisation the other speaks for or belongs to, or both belong
    to the same one ("the head of the Halden Water Authority" and "the director of the
    Halden Water Authority, Henrik Solberg"). Such a source is not independent of the claimant.
    ``claimants``: the people asserting the claim (``JoinFacts.claimant_entities``)."""
    from .sql import run
    found = run(conn, "SELECT speaker_text FROM statements WHERE id = :s", {"s": st.id}).fetchone()
    my_name, my_orgs = _texts_of(conn, st.speaker)
    my_orgs |= organisations(found[0] if found else None)
    mine = my_orgs | ({names.fold(my_name)} if my_name else set())
    for claimant in claimants - {st.speaker}:
        name, orgs = _texts_of(conn, claimant)
        if orgs & mine or (name and names.fold(name) in my_orgs):
            return True
    return False


#: A statement that points back at something said before instead of saying it again: a
#: statement or a figure named by a demonstrative, a possessive or "the same" ("she stood by
#: her account", "the same figure", "these numbers", "who made the claim"), or what was said
#: taken up by a pronoun ("I said this in March"), or what the speaker says it said before
#: ("We said from the start that ...", "as we said"). Hand-written: the sentence model scores such
#: words at 0.05-0.25 against the claim they point at (tests/data/story, story-ferry), and
#: "We said from the start that the tannery was behind this" at 0.36 (story-tannery).
_SAID_BEFORE = (r"\b(?:said|warned|argued|maintained)\s+(?:from\s+the\s+(?:start|beginning|outset|first)|all\s+along)\b"
                r"|\bas\s+(?:i|we|he|she|they)\s+(?:said|warned|have\s+said|had\s+said)\b")
_POINTING = (r"(?:the\s+same|this|these|those|such|her|his|their|its|my|our)\s+(?:[a-z-]+\s+)?"
             r"(?:account|accounts|claim|claims|allegation|allegations|accusation|accusations|figure|figures"
             r"|number|numbers|version|statement|statements|finding|findings|warning|warnings|words|charge|charges)")
_POINTS_BACK = re.compile(
    rf"\b{_POINTING}\b"
    r"|\bthe\s+(?:claim|claims|allegation|allegations|accusation|accusations)\b"
    r"|\b(?:said|say|says|saying|told|repeated|warned)\s+(?:this|so)\b"
    r"|\bst(?:ood|ands?)\s+by\b"
    r"|" + _SAID_BEFORE, re.I)


def points_back(text: str) -> bool:
    """True when the words point back at a claim made before rather than state one (_POINTS_BACK)."""
    return bool(_POINTS_BACK.search(text or ""))


def back_reference_claims(conn, st, pending, scores: dict[int, float] | None = None) -> list[int]:
    """The claims an assertion that points back may mean (``points_back``), best first, among
    the claims this article already speaks of: those its speaker stands behind (asserts or
    confirms) first, then the others; each set by the statements the article gives it, then
    in article order; one that says what its speaker said from the start (``_SAID_BEFORE``)
    means first the earliest claim its speaker stands behind, among those and the nearest
    claims (``scores``). A statement pointing back names no matter of its own, so the claim the
    article is about is what it points at. Empty for any other statement."""
    if st.stance != "asserts" or not points_back(st.text):
        return []
    from .sql import run
    counts: dict[int, int] = {}
    for p in pending:
        if p.claim_id is not None:
            counts[p.claim_id] = counts.get(p.claim_id, 0) + 1
    order = {cid: i for i, cid in enumerate(counts)}

    def behind(claim_id: int) -> bool:
        return st.speaker is not None and run(
            conn, "SELECT 1 FROM statements WHERE claim_id = :c AND entity_id = :e "
                  "AND stance IN ('asserts', 'confirms') LIMIT 1", {"c": claim_id, "e": st.speaker}).fetchone() is not None
    first = []
    if re.search(_SAID_BEFORE, st.text or "", re.I) and st.speaker is not None:
        # "we said from the start": the speaker's first claim among the article's and the nearest
        mine = [c for c in dict.fromkeys(list(counts) + list(scores or {})) if behind(c)]
        if mine:
            from .sql import in_list
            where, params = in_list("c", mine)
            dates = dict(run(conn, f"SELECT id, first_published FROM claims WHERE id IN {where}", params).fetchall())
            first = sorted(mine, key=lambda c: (dates.get(c) or "9999", c))[:1]
    if not counts:
        return first
    rest = sorted(counts, key=lambda c: (not behind(c), -counts[c], order[c]))
    return first + [c for c in rest if c not in first]
