"""The article view's text: cut at every mark's offsets into pieces, each piece plain text.

A mark is a statement's content, speaker or cue, or a boilerplate block. The text is cut at
every mark boundary; each piece carries the set of marks over it. The template writes each
piece through Jinja2's autoescape, so article text is escaped piece by piece and never
marked safe (``<script>`` in an article stays words on the page).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from markupsafe import Markup, escape

from onrecord.inputs.structure import label_blocks

#: How far from the speaker (in characters) the cue word is looked for: a cue sits next to
#: its speaker ("Quell said", "said Quell", "Quell, who ..., said"); 120 covers an
#: appositive of a dozen words without reaching into the next sentence's cue.
CUE_WINDOW = 120


@dataclass(frozen=True)
class Mark:
    """A role over ``text[start:end]``: content, speaker, cue (of ``statement``) or boilerplate."""

    start: int
    end: int
    role: str
    statement: int | None = None


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


def find_cue(text: str, cue: str | None, near: tuple[int, int] | None,
             content: tuple[int, int] | None) -> tuple[int, int] | None:
    """Offsets of the cue word nearest the speaker, outside the content; None when not found.

    The store keeps the cue's words, not its offsets; the nearest occurrence to the speaker
    (within ``CUE_WINDOW``) is the one the engine saw in all the story articles.
    """
    if not cue or near is None:
        return None
    lo, hi = max(0, near[0] - CUE_WINDOW), min(len(text), near[1] + CUE_WINDOW)
    best, best_dist = None, None
    i = text.find(cue, lo, hi)
    while i != -1:
        span = (i, i + len(cue))
        inside = content is not None and span[0] < content[1] and content[0] < span[1]
        overlaps_speaker = span[0] < near[1] and near[0] < span[1]
        dist = min(abs(span[0] - near[1]), abs(near[0] - span[1]))
        if not inside and not overlaps_speaker and (best_dist is None or dist < best_dist):
            best, best_dist = span, dist
        i = text.find(cue, i + 1, hi)
    return best


def statement_marks(text: str, st: dict, speaker: tuple[int, int] | None) -> list[Mark]:
    """The content, speaker and cue marks of one statement (offsets checked against the text)."""
    out: list[Mark] = []
    content = valid_span(text, st.get("start"), st.get("end"))
    if content:
        out.append(Mark(*content, "content", st["id"]))
    speaker = valid_span(text, *(speaker or (None, None)))
    if speaker:
        out.append(Mark(*speaker, "speaker", st["id"]))
    cue = find_cue(text, st.get("cue"), speaker, content)
    if cue:
        out.append(Mark(*cue, "cue", st["id"]))
    return out


def valid_span(text: str, start: int | None, end: int | None) -> tuple[int, int] | None:
    """``(start, end)`` when it is a non-empty span inside ``text``, else None."""
    if start is None or end is None or not 0 <= start < end <= len(text):
        return None
    return start, end


def boilerplate_marks(text: str) -> list[Mark]:
    """A mark over every boilerplate block of the text (captions, credits, prompts)."""
    return [Mark(b.start, b.end, "boilerplate") for b in label_blocks(text) if b.is_boilerplate]


def pieces(text: str, marks: list[Mark]) -> list[Piece]:
    """The text cut at every mark boundary; each piece lists the roles and statements over it."""
    cuts = sorted({0, len(text), *(m.start for m in marks), *(m.end for m in marks)})
    anchors: dict[int, list[int]] = {}
    for m in sorted(marks, key=lambda m: m.statement or 0):
        if m.role == "content":
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
        out.append(_piece_html(p, titles) if p.roles else escape(p.text))
    return Markup("").join(out)


def _piece_html(p: Piece, titles: dict[int, str]) -> Markup:
    if not p.statements:
        return Markup('<span class="{}">{}</span>').format(p.css, p.text)
    title = " / ".join(titles.get(s, "") for s in p.statements)
    focus = Markup(' tabindex="0"') if "content" in p.roles else ""  # one tab stop a quote, not three
    return Markup('<span class="{}" data-s="{}" title="{}"{}>{}</span>').format(
        p.css, " ".join(map(str, p.statements)), title, focus, p.text)
