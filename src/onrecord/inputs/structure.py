"""Structure labels over an article's text: headline, standfirst, headings, paragraphs, boilerplate.

Nothing is deleted: every non-empty line becomes a Block with offsets into the text and a
label. Attribution is never taken from a boilerplate block. The rules here are written for
onrecord (no library labels plain-text news structure); their thresholds say what they trade.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz

#: Lines matching these are boilerplate whatever their neighbours: photo credits, newsletter
#: and subscription prompts, share bars, related-link lines, advertising markers.
_BOILERPLATE = re.compile(
    r"""(\((photo\s+)?credits?:[^)]*\)\s*$)          # (photo credit: REUTERS/...)
      | ^\s*(photo|image|picture|video)\s*(credit)?\s*:   # Photo: ...
      | ^\s*(subscribe|sign\s+up|stay\s+(updated|informed|connected)|get\s+the\s+latest
            |join\s+our|follow\s+us|like\s+us|share\s+(this|on)|click\s+here|tap\s+here
            |read\s+more|related(\s+(articles?|stories|coverage))?\s*:|also\s+read
            |recommended(\s+for\s+you)?\s*:?$|advertisement$|sponsored|download\s+our\s+app
            |you\s+may\s+also\s+like|more\s+from|watch\s*:|listen\s*:|newsletter)
      | \bnewsletter\s*$
      | ^\s*(copyright|©)""",
    re.I | re.X,
)

#: A heading is short: at most this many words. News section heads run 2-10 words; 14 keeps
#: long ones while a one-sentence paragraph (typically 20+ words) is not mistaken for one.
_HEADING_MAX_WORDS = 14

#: Two neighbouring lines this similar (rapidfuzz partial ratio, 0-100) where one carries a
#: credit are the same caption shown twice (image caption and its alt text). 90 tolerates a
#: trailing credit or a dropped date without merging two different sentences.
_CAPTION_SIMILARITY = 90

_SENTENCE_END = re.compile(r"[.!?…:;\"”’')\]]\s*$")
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Block:
    """A non-empty line of the article: its offsets, 1-based line number and label."""

    start: int
    end: int
    line: int
    kind: str  # headline | standfirst | heading | paragraph | boilerplate
    reason: str | None = None

    @property
    def is_boilerplate(self) -> bool:
        """True for captions, credits, prompts and other text that is not the article's."""
        return self.kind == "boilerplate"

    def to_dict(self, text: str) -> dict:
        """The block as a JSON-ready dict, with its text taken from the article."""
        return {"kind": self.kind, "reason": self.reason, "line": self.line,
                "start": self.start, "end": self.end, "text": text[self.start:self.end]}


def split_lines(text: str) -> list[tuple[int, int, int]]:
    """(start, end, line number) of every non-empty line, trailing white space excluded."""
    out = []
    for number, match in enumerate(re.finditer(r"[^\r\n]*(\r\n|\r|\n|$)", text), start=1):
        start, end = match.start(), match.end()
        if start == len(text) and start == end:
            break
        body = text[start:end].rstrip()
        lead = len(body) - len(body.lstrip())
        if body.strip():
            out.append((start + lead, start + len(body), number))
    return out


def label_blocks(text: str) -> list[Block]:
    """Label every non-empty line of ``text`` (see the module docstring)."""
    lines = split_lines(text)
    kinds: list[tuple[str, str | None]] = [("paragraph", None)] * len(lines)
    bodies = [text[s:e] for s, e, _ in lines]
    for i, body in enumerate(bodies):
        if _BOILERPLATE.search(body):
            kinds[i] = ("boilerplate", "credit" if "credit" in body.lower() else "prompt")
    _mark_captions(bodies, kinds)
    _mark_headings(bodies, kinds)
    return [Block(s, e, n, k, r) for (s, e, n), (k, r) in zip(lines, kinds)]


def _mark_captions(bodies: list[str], kinds: list) -> None:
    """A line repeated next to a credited caption is the same caption: boilerplate too."""
    for i, body in enumerate(bodies):
        if kinds[i][1] != "credit":
            continue
        for j in (i - 2, i - 1, i + 1, i + 2):
            if 0 <= j < len(bodies) and kinds[j][0] != "boilerplate":
                if fuzz.partial_ratio(bodies[j], body) >= _CAPTION_SIMILARITY and len(bodies[j]) > 20:
                    kinds[j] = ("boilerplate", "caption")


def _mark_headings(bodies: list[str], kinds: list) -> None:
    """Headline (first line), standfirst (the lead under it) and short unpunctuated headings."""
    content = [i for i, k in enumerate(kinds) if k[0] != "boilerplate"]
    if not content:
        return
    first = content[0]
    if _is_heading(bodies[first], loose=True):
        kinds[first] = ("headline", None)
        if len(content) > 1 and _is_standfirst(bodies, content[1]):
            kinds[content[1]] = ("standfirst", None)
    for i in content[1:]:
        if kinds[i][0] == "paragraph" and _is_heading(bodies[i]):
            kinds[i] = ("heading", None)


def _is_heading(body: str, loose: bool = False) -> bool:
    """Short, capitalised, without sentence-final punctuation (a headline may be longer)."""
    words = _WORD.findall(body)
    limit = _HEADING_MAX_WORDS * 2 if loose else _HEADING_MAX_WORDS
    if not words or len(words) > limit or not body[:1].isupper() and not body[:1].isdigit():
        return False
    return loose or not _SENTENCE_END.search(body)


def _is_standfirst(bodies: list[str], i: int) -> bool:
    """The lead under a headline, when the article repeats it later in the body (a summary)."""
    lead = bodies[i]
    return len(lead) > 40 and any(
        fuzz.ratio(lead.strip(), b.strip()) >= _CAPTION_SIMILARITY or
        (len(b) > 40 and lead.strip()[10:] in b)
        for b in bodies[i + 1:])
