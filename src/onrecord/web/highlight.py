"""The article view's text: cut at every mark's offsets into pieces, each piece plain text.

A mark is a statement's content (each of its pieces), speaker, cue or addressee, or a
boilerplate block, always at the offsets the engine recorded and the store kept: nothing here
searches the text for words. The text is cut at every mark boundary; each piece carries the
set of marks over it. The template writes each piece through Jinja2's autoescape, so article
text is escaped piece by piece and never marked safe (``<script>`` in an article stays words
on the page).
"""
from __future__ import annotations

import re

from dataclasses import dataclass, field

from markupsafe import Markup, escape


@dataclass(frozen=True)
class Mark:
    """A role over ``text[start:end]``: content, speaker, cue, addressee (of ``statement``) or boilerplate."""

    start: int
    end: int
    role: str
    statement: int | None = None
    anchor: bool = False  # the first piece of a content: the page's ``#s<statement>`` target


@dataclass
class Piece:
    """A run of text with the same marks over all of it."""

    text: str
    start: int
    roles: set[str] = field(default_factory=set)
    statements: list[int] = field(default_factory=list)
    anchors: list[int] = field(default_factory=list)  # statements whose content starts here

    @property
    def css(self) -> str:
        """CSS classes of the piece (fixed names only: never article text)."""
        return " ".join(sorted(self.roles))


def record_marks(text: str, rec: dict, statement: int) -> list[Mark]:
    """The marks of one attribution record: every piece of its content, its speaker, cue and
    addressee, at their recorded offsets (each checked against the text)."""
    out: list[Mark] = []
    content = rec.get("content") or {}
    pieces_ = content.get("spans") or ([[content["start"], content["end"]]] if content else [])
    first = True
    for s, e in pieces_:
        span = valid_span(text, s, e)
        if span:
            out.append(Mark(*span, "content", statement, anchor=first))
            first = False
    for role in ("speaker", "cue", "addressee"):
        part = rec.get(role)
        span = valid_span(text, part.get("start"), part.get("end")) if part else None
        if span:
            out.append(Mark(*span, role, statement))
    return out


def structure_marks(text: str, structure: list[dict]) -> list[Mark]:
    """A mark over every block the record labels boilerplate (captions, credits, prompts)."""
    out = []
    for block in structure:
        span = valid_span(text, block.get("start"), block.get("end"))
        if span and block.get("kind") == "boilerplate":
            out.append(Mark(*span, "boilerplate"))
    return out


def valid_span(text: str, start: int | None, end: int | None) -> tuple[int, int] | None:
    """``(start, end)`` when it is a non-empty span inside ``text``, else None."""
    if start is None or end is None or not 0 <= start < end <= len(text):
        return None
    return start, end


def pieces(text: str, marks: list[Mark]) -> list[Piece]:
    """The text cut at every mark boundary; each piece lists the roles and statements over it."""
    cuts = sorted({0, len(text), *(m.start for m in marks), *(m.end for m in marks)})
    anchors: dict[int, list[int]] = {}
    for m in sorted(marks, key=lambda m: m.statement or 0):
        if m.anchor:
            anchors.setdefault(m.start, []).append(m.statement)
    out = []
    for lo, hi in zip(cuts, cuts[1:]):
        over = [m for m in marks if m.start <= lo and hi <= m.end]
        sids = sorted({m.statement for m in over if m.statement is not None})
        out.append(Piece(text[lo:hi], lo, {m.role for m in over}, sids, anchors.get(lo, [])))
    return out


def snippet_pieces(snippet: str) -> list[tuple[str, bool]]:
    """A search snippet (matches between « and ») as (text, matched) pieces, for escaping one by one."""
    out, matched = [], False
    for part in snippet.replace("»", "«").split("«"):
        if part:
            out.append((part, matched))
        matched = not matched
    return out


def render(pieces_: list[Piece], titles: dict[int, str]) -> Markup:
    """The pieces as HTML: every text and attribute value escaped; only fixed tags and class names added.

    ``titles`` gives each statement's hover text (speaker and stance, escaped here too).
    """
    out = []
    for p in pieces_:
        out.extend(Markup('<span id="s{}" class="anchor"></span>').format(a) for a in p.anchors)
        out.append(_piece_html(p, titles) if p.roles else _spaced(p.text))
    return Markup("").join(out)


#: A run of line breaks between two blocks of an article (paragraphs, headings).
BREAKS = re.compile(r"\n[\s]*\n|\n")


def _spaced(text: str) -> Markup:
    """Plain text escaped, each run of line breaks in a ``gap`` span the stylesheet gives a
    paragraph's spacing (the characters stay: copying the text gives the text)."""
    out, at = [], 0
    for m in BREAKS.finditer(text):
        out += [escape(text[at:m.start()]), Markup('<span class="gap">{}</span>').format(m.group())]
        at = m.end()
    out.append(escape(text[at:]))
    return Markup("").join(out)


def _piece_html(p: Piece, titles: dict[int, str]) -> Markup:
    if not p.statements:
        return Markup('<span class="{}">{}</span>').format(p.css, p.text)
    title = " / ".join(titles.get(s, "") for s in p.statements)
    focus = Markup(' tabindex="0"') if "content" in p.roles else ""  # one tab stop a quote, not three
    return Markup('<span class="{}" data-s="{}" title="{}"{}>{}</span>').format(
        p.css, " ".join(map(str, p.statements)), title, focus, p.text)
