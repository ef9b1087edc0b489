"""The Report: one article's result, and its renderings (JSON, JSONL records, rich table)."""
from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from typing import Any

from onrecord.inputs.article import Article
from .records import Attribution, Claim, Entity, Timex


@dataclass
class Report:
    """Everything onrecord found in one article."""

    article: Article
    attributions: list[Attribution] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    timexes: list[Timex] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    doc: Any = field(default=None, repr=False)  # the spaCy Doc, not serialised

    @property
    def doc_id(self) -> str:
        """The article's document id (its file name without extension)."""
        return self.article.doc_id

    def records(self) -> list[dict[str, Any]]:
        """One DESIGN.md attribution record per attribution (``--format jsonl``)."""
        return [a.to_record(self.doc_id) for a in self.attributions]

    def selected(self, min_confidence: float = 0.0, acts: tuple[str, ...] | None = None) -> "Report":
        """The report with the rows of at least ``min_confidence`` (and of ``acts``, when
        given) only. A claim is kept only when every row it rests on is kept, so no claim
        names a source through a row the user did not ask for."""
        kept = [a for a in self.attributions
                if (a.confidence is None or a.confidence >= min_confidence) and (acts is None or a.act in acts)]
        if len(kept) == len(self.attributions):
            return self
        ids = {a.id for a in kept}
        claims = [c for c in self.claims if set(c.attributions) <= ids]
        return dataclasses.replace(self, attributions=kept, claims=claims)

    def to_dict(self) -> dict[str, Any]:
        """The whole report as one JSON-ready object (``--format json``)."""
        text = self.article.text
        return {
            "doc": self.doc_id,
            "metadata": self.article.metadata(),
            "text": text,
            "structure": [b.to_dict(text) for b in self.article.blocks],
            "entities": [e.to_dict() for e in self.entities],
            "timexes": [t.to_dict() for t in self.timexes],
            "attributions": self.records(),
            "claims": [c.to_dict() for c in self.claims],
            "warnings": list(self.warnings),
        }

    def to_json(self, indent: int | None = 2) -> str:
        """``to_dict`` as JSON text (non-ASCII kept as is)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Report":
        """A Report rebuilt from ``to_dict`` output, without analysing again (no Doc)."""
        from .records import attribution_from_record, Claim, Entity, Timex
        from onrecord.inputs.structure import Block

        meta = data.get("metadata", {})
        text = data["text"]
        blocks = [Block(b["start"], b["end"], b["line"], b["kind"], b.get("reason"))
                  for b in data.get("structure", [])]
        article = Article(text=text, doc_id=data.get("doc") or meta.get("doc") or "article",
                          title=meta.get("title"), author=meta.get("author"),
                          published=meta.get("published"), published_source=meta.get("published_source"),
                          url=meta.get("url"), source_format=meta.get("format", "text"),
                          encoding=meta.get("encoding", "utf-8"), notes=list(meta.get("notes", [])),
                          outlet=meta.get("outlet"), language=meta.get("language"),
                          source=meta.get("source"), blocks=blocks)
        return cls(
            article=article,
            attributions=[attribution_from_record(r) for r in data.get("attributions", [])],
            entities=[Entity(e["name"], e.get("type"), list(e.get("aliases", [])),
                             [tuple(m) for m in e.get("mentions", [])]) for e in data.get("entities", [])],
            timexes=[Timex(**t) for t in data.get("timexes", [])],
            claims=[Claim(**c) for c in data.get("claims", [])],
            warnings=list(data.get("warnings", [])))

    def to_jsonl(self) -> str:
        """The attribution records, one JSON object a line."""
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in self.records())
