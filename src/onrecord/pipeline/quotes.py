"""Quote-mark spans over an article: straight and curly marks, stray marks, quotes over paragraphs.

Written for onrecord (no library pairs quote marks the way news prints them): a paragraph with
an odd number of marks is not given up on. A stray mark is dropped; an opening mark left open
at a paragraph's end continues into the next paragraph when that one opens with a mark (the
print convention for a quote over several paragraphs); editorial insertions in square brackets
inside a quote are reported separately.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

OPENERS = "“„«‹"
CLOSERS = "”»›"
STRAIGHT = '"'
QUOTE_CHARS = OPENERS + CLOSERS + STRAIGHT + "‟"

#: An open quote that reaches the end of its paragraph without a closing mark and is not
#: continued counts as a quote only if it is at least this many words long: a stray mark in
#: a short phrase is a typo, a long passage after a mark is speech whose close was lost.
_MIN_OPEN_WORDS = 8

_INSERTION = re.compile(r"\[[^\[\]\n]{1,200}\]")
_WORD = re.compile(r"\w+")
#: A quote mark, else two apostrophes; one regex scan of a block instead of a loop per character.
_MARK = re.compile("[" + re.escape(QUOTE_CHARS) + "]|''")


@dataclass
class Quote:
    """A quoted passage: offsets including its marks, and whether it was closed."""

    start: int
    end: int
    line: int
    closed: bool = True
    insertions: list[tuple[int, int]] = field(default_factory=list)
    whole_block: bool = False  # the quote is its paragraph's whole text

    @property
    def inner(self) -> tuple[int, int]:
        """Offsets of the quoted words without the marks."""
        return self.start + 1, self.end - 1 if self.closed else self.end

    def n_words(self, text: str) -> int:
        """Number of words inside the quote."""
        return len(_WORD.findall(text, self.start, self.end))


def _direction(text: str, i: int) -> str:
    """'open' or 'close' for the mark at ``i``, from the mark and its neighbours."""
    ch = text[i]
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    space_before = before.isspace() or before in "([{—–-/:" or before in QUOTE_CHARS
    space_after = after.isspace() or after in ".,;:!?)]}—–" or after in QUOTE_CHARS
    if ch in OPENERS:
        # a curly opener typed where a closer belongs ("word” " typed as "word“ ")
        return "close" if space_after and not space_before else "open"
    if ch in CLOSERS:
        return "open" if space_before and not space_after else "close"
    if space_before and not space_after:
        return "open"
    if space_after and not space_before:
        return "close"
    return "either"  # spaces on both sides ('," ' after a nested quote): the state decides


def find_quotes(text: str, blocks) -> list[Quote]:
    """Every quoted passage in the text, block by block (blocks from ``structure``)."""
    quotes: list[Quote] = []
    carry = False  # the previous block ended inside an open quote
    for block in blocks:
        found, carry = _block_quotes(text, block, carry)
        quotes.extend(found)
    for q in quotes:
        a, b = q.inner
        q.insertions = [(m.start(), m.end()) for m in _INSERTION.finditer(text, a, b)]
    return quotes


def _marks(text: str, start: int, end: int) -> list[tuple[int, str]]:
    """Every quote mark in [start, end) with its direction; two apostrophes ('') count as
    one straight double mark, as some newspapers' archives print them."""
    return [(m.start(), _direction(text, m.start()) if m.group() != "''" else _direction_double(text, m.start()))
            for m in _MARK.finditer(text, start, end)]


def _direction_double(text: str, i: int) -> str:
    """Direction of a two-apostrophe mark at ``i`` (judged on its outer neighbours)."""
    before = text[i - 1] if i > 0 else " "
    after = text[i + 2] if i + 2 < len(text) else " "
    if (before.isspace() or before in "([—–-") and not after.isspace():
        return "open"
    if not before.isspace() and (after.isspace() or after in ".,;:!?)]—–"):
        return "close"
    return "either"


def _block_quotes(text: str, block, carry: bool) -> tuple[list[Quote], bool]:
    """Quotes inside one block; ``carry`` says a quote from the block before is still open."""
    marks = _marks(text, block.start, block.end)
    out: list[Quote] = []
    open_at: int | None = None
    if carry and (not marks or marks[0][1] == "close"):
        open_at = block.start  # a continued quote whose opening mark was left out
    for i, direction in marks:
        if direction == "either":
            direction = "close" if open_at is not None else "open"
        if direction == "open":
            open_at = i  # a second opener drops a stray first one
        elif open_at is not None:
            out.append(Quote(open_at, i + (2 if text.startswith("''", i) else 1), block.line))
            open_at = None
    still_open = False
    if open_at is not None:
        nxt_opens = _next_block_opens(text, block)
        long_enough = len(_WORD.findall(text, open_at, block.end)) >= _MIN_OPEN_WORDS
        if nxt_opens or long_enough:
            out.append(Quote(open_at, block.end, block.line, closed=False))
            still_open = nxt_opens
    for q in out:
        lead = text[block.start:q.start].strip()
        tail = text[q.end:block.end].strip()
        q.whole_block = not lead and (not tail or tail in ".,")
    return out, still_open


def _next_block_opens(text: str, block) -> bool:
    """True when the text after this block's line begins its next paragraph with a quote mark."""
    rest = text[block.end:].lstrip()
    return bool(rest) and rest[0] in OPENERS + STRAIGHT


def quote_at(quotes: list[Quote], start: int, end: int) -> Quote | None:
    """The quote overlapping the span [start, end), if any."""
    for q in quotes:
        if q.start < end and start < q.end:
            return q
    return None
