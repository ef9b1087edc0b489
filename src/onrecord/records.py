"""The records onrecord reports: spans over the article text, attributions, entities, claims.

A span is offsets into ``Article.text``; its text is always derived from them, so a record
can never disagree with the words it points at (../DESIGN.md, "Offsets are the contract").
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

KINDS = ("direct", "indirect", "mixed", "reference")
STANCES = ("asserts", "confirms", "denies", "disputes", "declines", "unconfirmed")
SPEAKER_TYPES = ("PERSON", "ORG", "OUTLET", "GROUP", None)


@dataclass
class Span:
    """``text[start:end]`` of the article."""

    start: int
    end: int
    text: str

    @classmethod
    def of(cls, text: str, start: int, end: int) -> "Span":
        """The span of ``text`` between two offsets, its text taken from the source."""
        if not 0 <= start <= end <= len(text):
            raise ValueError(f"a span must lie inside the text in order: {start}..{end} of {len(text)}")
        return cls(start, end, text[start:end])

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"text": self.text, "start": self.start, "end": self.end}


@dataclass
class Speaker(Span):
    """The local mention of a source, and the entity it resolves to."""

    entity: str | None = None
    type: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, with the canonical entity name and its type."""
        return {**super().to_dict(), "entity": self.entity, "type": self.type}


@dataclass
class Content(Span):
    """What was said: one or more pieces of text, bounded by ``start``/``end``."""

    spans: list[tuple[int, int]] = field(default_factory=list)

    @classmethod
    def of_pieces(cls, text: str, pieces: list[tuple[int, int]]) -> "Content":
        """A (possibly discontinuous) content from its pieces, sorted and merged."""
        pieces = sorted(p for p in pieces if p[1] > p[0])
        if not pieces:
            raise ValueError("a content needs at least one non-empty piece")
        merged: list[list[int]] = []
        for s, e in pieces:
            if merged and s <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], e)
            else:
                merged.append([s, e])
        start, end = merged[0][0], merged[-1][1]
        return cls(start, end, text[start:end], [(s, e) for s, e in merged])

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, with every piece's offsets."""
        return {**super().to_dict(), "spans": [list(s) for s in self.spans or [(self.start, self.end)]]}


@dataclass
class When:
    """The time a statement was made, with its TIMEX3 value (None when unknown)."""

    text: str
    start: int
    end: int
    value: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"text": self.text, "start": self.start, "end": self.end, "value": self.value}


@dataclass
class Attribution:
    """One attribution: who (speaker) said (cue) what (content), to whom, when, and how."""

    id: str
    kind: str
    speaker: Speaker | None
    cue: Span | None
    content: Content | None
    insertions: list[tuple[int, int]] = field(default_factory=list)
    addressee: Span | None = None
    when: When | None = None
    stance: str = "asserts"
    hedged: bool = False
    line: int | None = None
    #: The spaCy token of the cue, set by the attribution stage for the later stages (time,
    #: stance, claims); declared here so no stage reads an undeclared attribute, and never
    #: serialised (it belongs to one parse).
    cue_token: Any = field(default=None, repr=False, compare=False)
    #: How the speaker was found: name / title / nominal / pronoun / carried (from the quote
    #: before) / none; read by the confidence model, never serialised.
    speaker_via: str | None = field(default=None, repr=False, compare=False)

    def to_record(self, doc_id: str) -> dict[str, Any]:
        """The DESIGN.md attribution record (one line of ``--format jsonl``)."""
        return {
            "doc": doc_id, "id": self.id, "kind": self.kind,
            "speaker": self.speaker.to_dict() if self.speaker else None,
            "cue": self.cue.to_dict() if self.cue else None,
            "content": self.content.to_dict() if self.content else None,
            "insertions": [list(i) for i in self.insertions],
            "addressee": self.addressee.to_dict() if self.addressee else None,
            "when": self.when.to_dict() if self.when else None,
            "stance": self.stance, "hedged": self.hedged,
        }


@dataclass
class Entity:
    """A person, organisation, outlet or group, with every alias and mention in the article."""

    name: str
    type: str | None
    aliases: list[str] = field(default_factory=list)
    mentions: list[tuple[int, int]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"name": self.name, "type": self.type, "aliases": list(self.aliases),
                "mentions": [list(m) for m in self.mentions]}


@dataclass
class Timex:
    """A time expression and its TIMEX3 value against the publication date."""

    text: str
    start: int
    end: int
    value: str | None
    type: str = "DATE"  # DATE | TIME | DURATION | SET
    mod: str | None = None  # START | MID | END | APPROX ...
    anchor: str | None = None  # for relative expressions kept relative ("the operation")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"text": self.text, "start": self.start, "end": self.end, "value": self.value,
                "type": self.type, "mod": self.mod, "anchor": self.anchor}


@dataclass
class Claim:
    """A proposition and how every source stands toward it (DESIGN.md's claim record)."""

    id: str
    text: str
    asserted_by: list[str] = field(default_factory=list)
    confirmed_by: list[str] = field(default_factory=list)
    disputed_by: list[str] = field(default_factory=list)
    denied_by: list[str] = field(default_factory=list)
    declined_by: list[str] = field(default_factory=list)
    status: str = "unconfirmed"
    attributions: list[str] = field(default_factory=list)
    start: int | None = None
    end: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"id": self.id, "text": self.text, "asserted_by": self.asserted_by,
                "confirmed_by": self.confirmed_by, "disputed_by": self.disputed_by,
                "denied_by": self.denied_by, "declined_by": self.declined_by,
                "status": self.status, "attributions": self.attributions,
                "start": self.start, "end": self.end}


def _span(d: dict | None) -> Span | None:
    return Span(d["start"], d["end"], d["text"]) if d else None


def attribution_from_record(r: dict[str, Any]) -> Attribution:
    """An Attribution from its DESIGN.md record (the inverse of ``Attribution.to_record``)."""
    sp, ct, wh = r.get("speaker"), r.get("content"), r.get("when")
    return Attribution(
        id=r["id"], kind=r["kind"],
        speaker=Speaker(sp["start"], sp["end"], sp["text"], sp.get("entity"), sp.get("type")) if sp else None,
        cue=_span(r.get("cue")),
        content=Content(ct["start"], ct["end"], ct["text"], [tuple(s) for s in ct.get("spans", [])]) if ct else None,
        insertions=[tuple(i) for i in r.get("insertions", [])],
        addressee=_span(r.get("addressee")),
        when=When(wh["text"], wh["start"], wh["end"], wh.get("value")) if wh else None,
        stance=r.get("stance", "asserts"), hedged=bool(r.get("hedged")))


def span_errors(text: str, attributions: list[Attribution], claims: list[Claim] = ()) -> list[str]:
    """Every way the records break the offsets contract: a span out of order or outside the
    text, a span whose text is not ``text[start:end]``, a content with no piece or with a piece
    outside its bounds, an insertion outside the content. Empty when all is well; every
    stage's output passes this check (``pipeline/component.py`` runs it on each Report)."""
    out: list[str] = []

    def check(label: str, start: int | None, end: int | None, said: str | None) -> None:
        if start is None or end is None:
            return
        if not 0 <= start <= end <= len(text):
            out.append(f"{label}: {start}..{end} is not an ordered span of a {len(text)}-character text")
        elif said is not None and text[start:end] != said:
            out.append(f"{label}: its text is not the text at {start}..{end}")

    for a in attributions:
        for name in ("speaker", "cue", "addressee", "when"):
            span = getattr(a, name)
            if span is not None:
                check(f"{a.id} {name}", span.start, span.end, span.text)
        if a.content is not None:
            check(f"{a.id} content", a.content.start, a.content.end, a.content.text)
            pieces = a.content.spans or [(a.content.start, a.content.end)]
            if any(not a.content.start <= s < e <= a.content.end for s, e in pieces):
                out.append(f"{a.id} content: a piece is empty or outside {a.content.start}..{a.content.end}")
            for s, e in a.insertions:
                if not a.content.start <= s <= e <= a.content.end:
                    out.append(f"{a.id} insertion {s}..{e} lies outside its content")
    for c in claims:
        check(f"claim {c.id}", c.start, c.end, c.text if c.start is not None else None)
    return out
