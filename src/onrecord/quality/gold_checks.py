"""Gold files: the strict attribution gate, and checks of the rest of the annotation.

``onrecord eval gold`` scores one article against its gold file (the format is in
docs/accuracy.md). Every row the engine gives is counted:

- a gold attribution and a row are paired by their contents, word Dice >= 0.5 one to one, as
  the PolNeAR scorer pairs them (``evaluation.MIN_DICE``); a gold ``reference`` without content
  pairs with a row whose cue overlaps the gold cue;
- a paired row is right when its speaker is the gold speaker by its resolved ``entity`` (an
  alias listed in the gold counts); the mention's own words count only when the gold speaker is
  an unnamed group ("some council members"), never for a pronoun;
- cue (by offsets), kind and addressee (by offsets, or by entity) of each pair are compared;
- a row paired with no gold attribution is a false positive; gold attributions with
  ``"required": false`` are optional: finding them is not needed, and a row on one is no error;
- ``negatives`` are rows that must not appear (an award read as a statement, "no one" inside
  someone's reported speech): each one present is reported.

Precision is rows right over all rows; recall is required attributions found with the right
speaker over required ones. ``gate`` compares the figures with the floors of a baseline file.

The rest of the file (headings, time expressions, ``when``, stance, claims) is checked by
``extra_checks``. Gold values of ``when`` may be descriptive where the truth depends on the
publication date ("the Sunday before publication", "publication time"): with a known date they
must resolve to it; without one the prediction must stay relative (None or a TIMEX3 relative
value), never a certain date.

Hand-written: no library scores onrecord's own gold format; the word-overlap rule is the
PolNeAR scorer's (``quality/evaluation.py``), reused here.
"""
from __future__ import annotations

import bisect
import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz

from onrecord.quality.evaluation import MIN_DICE, _pred_spans, _words, line_starts
from onrecord.report import Report

#: A predicted claim is the gold claim's when their texts score at least this (rapidfuzz
#: token-set ratio, 0-100) or share a claimant; 50 tolerates the gold's paraphrase.
CLAIM_TEXT_MATCH = 50
#: A measured figure this far above its floor is worth raising the floor for (printed by the
#: gate); 0.05 is about one row in twenty on the gold articles.
RAISE_MARGIN = 0.05
#: The same for PolNeAR dev's figures: 0.01 is about 20 of its 2,192 attributions.
POLNEAR_RAISE_MARGIN = 0.01
_ROLE_KEYS = {"asserted_by": "asserted_by", "confirmed_by": "confirmed_by", "reported_by": "confirmed_by",
              "disputed_by": "disputed_by", "denied_by": "denied_by", "declined_by": "declined_by"}
_PRONOUNS = {"he", "she", "they", "it", "we", "i", "you", "him", "her", "them", "his", "their", "its"}
_NAMED_TYPES = {"PERSON", "ORG", "OUTLET", "GPE", "NORP", "FAC"}
#: The ratios a baseline may hold floors for (``GoldResult.figures``).
FIGURES = ("precision", "recall", "speaker_accuracy", "cue_accuracy", "kind_accuracy",
           "addressee_accuracy", "boilerplate_recall")
#: The counts a baseline may hold ceilings for, as ``max_`` + name (``GoldResult.counts``).
COUNTS = ("negatives", "boilerplate", "offsets", "wrong_speakers", "false_positives", "boilerplate_extra")


class GoldError(ValueError):
    """A gold file that does not fit its article (a content or line not in the text)."""


# ---------------------------------------------------------------- the strict attribution gate

@dataclass
class Pair:
    """A gold attribution and the row paired with it, with what was compared."""

    gold: dict
    row: dict
    speaker_right: bool
    cue_right: bool
    kind_right: bool
    addressee_right: bool | None  # None: neither gold nor row has an addressee


@dataclass
class GoldResult:
    """The outcome of scoring one article's rows against its gold file."""

    required: int = 0
    required_right: int = 0
    optional: int = 0
    rows: int = 0
    rows_right: int = 0
    pairs: list[Pair] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)
    extras: list[str] = field(default_factory=list)
    negative_hits: list[str] = field(default_factory=list)
    boilerplate_hits: list[str] = field(default_factory=list)
    offset_errors: list[str] = field(default_factory=list)
    boilerplate_lines: tuple[int, int, int] | None = None  # (found, wanted, labelled but not in the gold)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def matched(self) -> int:
        """Gold attributions paired with a row (by content), whatever the speaker."""
        return len(self.pairs)

    @property
    def speaker_right(self) -> int:
        return sum(p.speaker_right for p in self.pairs)

    @property
    def addressees(self) -> int:
        """Pairs where the gold or the row has an addressee."""
        return sum(p.addressee_right is not None for p in self.pairs)

    @property
    def addressees_right(self) -> int:
        return sum(bool(p.addressee_right) for p in self.pairs)

    def figures(self) -> dict[str, float]:
        """The ratios a baseline holds floors for (1.0 where there is nothing to count)."""
        def ratio(a: int, b: int) -> float:
            return round(a / b, 3) if b else 1.0
        n = self.matched
        return {"precision": ratio(self.rows_right, self.rows),
                "recall": ratio(self.required_right, self.required),
                "speaker_accuracy": ratio(self.speaker_right, n),
                "cue_accuracy": ratio(sum(p.cue_right for p in self.pairs), n),
                "kind_accuracy": ratio(sum(p.kind_right for p in self.pairs), n),
                "addressee_accuracy": ratio(self.addressees_right, self.addressees),
                "boilerplate_recall": ratio(*self.boilerplate_lines[:2]) if self.boilerplate_lines else 1.0}

    def counts(self) -> dict[str, int]:
        """The counts a baseline holds ceilings for."""
        return {"negatives": len(self.negative_hits), "boilerplate": len(self.boilerplate_hits),
                "offsets": len(self.offset_errors),
                "wrong_speakers": sum(not p.speaker_right for p in self.pairs),
                "false_positives": len(self.extras),
                "boilerplate_extra": self.boilerplate_lines[2] if self.boilerplate_lines else 0}

    def lines(self) -> list[str]:
        """The human summary: what went wrong first, the figures last."""
        out = [f"miss: {m}" for m in self.misses]
        out += [f"wrong: {w}" for w in self.wrong]
        out += [f"false positive: {e}" for e in self.extras]
        out += [f"negative: {n}" for n in self.negative_hits]
        out += [f"boilerplate: {b}" for b in self.boilerplate_hits]
        out += [f"offsets: {o}" for o in self.offset_errors]
        out += [f"{key}: {value}" for key, value in self.extra.items()]
        f, n = self.figures(), self.matched
        out.append(f"speaker accuracy on matched {self.speaker_right}/{n} | "
                   f"cue {sum(p.cue_right for p in self.pairs)}/{n} | kind {sum(p.kind_right for p in self.pairs)}/{n} | "
                   f"addressees {self.addressees_right}/{self.addressees}")
        out.append(f"matched {self.required_right}/{self.required} required with the right speaker "
                   f"(recall {f['recall']:.3f}) | rows right {self.rows_right}/{self.rows} "
                   f"(precision {f['precision']:.3f})")
        return out


def score_gold(gold: dict, text: str, records: list[dict], blocks: list | None = None,
               min_confidence: float | None = None) -> GoldResult:
    """Score every row of one article against its gold file (see the module doc); with the
    article's ``blocks``, its boilerplate lines too; with ``min_confidence``, only the rows a
    reader is shown at that threshold (a row without a ``confidence`` is always shown).

    Raises GoldError when a gold content or line is not in ``text``.
    """
    if min_confidence is not None:
        records = [r for r in records if r.get("confidence") is None or r["confidence"] >= min_confidence]
    starts = line_starts(text)
    aliases = _aliases(gold)
    located = [_locate(g, text, starts) for g in gold["attributions"]]
    pairing = _pair(gold["attributions"], located, records, text, aliases)
    res = GoldResult(rows=len(records))
    for n, g in enumerate(gold["attributions"]):
        required = bool(g.get("required", True))
        res.required += required
        res.optional += not required
        where = f"line {g['line']}: {g.get('speaker')} {g.get('cue')!r} {_short(_gold_content(g))!r}"
        if n not in pairing:
            if required:
                res.misses.append(f"{where}: no row")
            continue
        row = records[pairing[n]]
        pair = _compare(g, located[n], row, text, aliases)
        res.pairs.append(pair)
        res.rows_right += pair.speaker_right
        res.required_right += required and pair.speaker_right
        res.wrong += _differences(where, g, pair)
    paired = set(pairing.values())
    for i, r in enumerate(records):
        if i not in paired:
            res.extras.append(_describe(r, starts))
    res.negative_hits = _negative_hits(gold.get("negatives", []), text, records, starts)
    res.boilerplate_hits, res.offset_errors = _row_checks(gold, text, records, starts)
    if blocks is not None and "boilerplate_lines" in gold:
        got = {b.line for b in blocks if b.is_boilerplate}
        want = set(gold["boilerplate_lines"])
        res.boilerplate_lines = (len(got & want), len(want), len(got - want))
    return res


def load_baseline(path: str | Path) -> dict:
    """A baseline file: floors per gold file (``gold``) and for PolNeAR dev (``polnear_dev``)."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


def floors_for(path: str | Path, gold_name: str) -> dict[str, Any]:
    """The floors of one gold file (by its file name) in a baseline file."""
    entries = load_baseline(path).get("gold", {})
    if gold_name not in entries:
        raise ValueError(f"no floors for {gold_name}")
    return entries[gold_name]


def gate(res: GoldResult, floors: dict[str, Any]) -> tuple[list[str], list[str]]:
    """Compare a result with its baseline entry: (failures, figures well above their floor).

    ``floors`` holds a floor for any of ``FIGURES`` and ``max_`` + any of ``COUNTS``.
    """
    failures, risen = [], []
    figures, counts = res.figures(), res.counts()
    for key in FIGURES:
        if key in floors:
            if figures[key] < floors[key]:
                failures.append(f"{key} {figures[key]:.3f} is below its floor {floors[key]:.3f}")
            elif figures[key] >= floors[key] + RAISE_MARGIN:
                risen.append(f"{key} {figures[key]:.3f} is well above its floor {floors[key]:.3f}")
    for key in COUNTS:
        cap = floors.get("max_" + key)
        if cap is not None:
            if counts[key] > cap:
                failures.append(f"{key} {counts[key]} is above its ceiling {cap}")
            elif counts[key] < cap:
                risen.append(f"{key} {counts[key]} is below its ceiling {cap}")
    return failures, risen


def _short(s: str | None, n: int = 60) -> str:
    return (s or "")[:n]


def _gold_content(g: dict) -> str | None:
    c = g.get("content")
    return " … ".join(c) if isinstance(c, list) else c


def _norm(s: str | None) -> str:
    s = re.sub(r"\W+", " ", (s or "").lower()).strip()
    return re.sub(r"^(the|a|an) ", "", s)


def _line_of(starts: list[int], offset: int) -> int:
    return bisect.bisect_right(starts, offset)


def _line_bounds(line: int, text: str, starts: list[int]) -> tuple[int, int]:
    if not 1 <= line <= len(starts):
        raise GoldError(f"line {line} is not in the article ({len(starts)} lines)")
    return starts[line - 1], starts[line] if line < len(starts) else len(text)


def _aliases(gold: dict) -> dict[str, tuple[set[str], bool]]:
    """Entity name -> (its normalised names, whether it is named rather than an unnamed group)."""
    out = {}
    for e in gold.get("entities", []):
        names = {_norm(a) for a in e.get("aliases", [])} | {_norm(e["name"])}
        out[e["name"]] = (names - {""}, e.get("type") in _NAMED_TYPES)
    return out


@dataclass
class _Located:
    content: list[tuple[int, int]]
    cue: tuple[int, int] | None
    addressee: tuple[int, int] | None


def _find_near(text: str, needle: str, lo: int, hi: int, near: tuple[int, int],
               avoid: list[tuple[int, int]] = ()) -> tuple[int, int] | None:
    """The occurrence of ``needle`` in text[lo:hi] closest to the span ``near`` (by the gap
    between them; 0 when they touch or overlap), one outside the ``avoid`` spans first."""
    def key(pos: int) -> tuple[bool, int, int]:
        inside = any(_overlap((pos, pos + len(needle)), a) for a in avoid)
        return inside, max(near[0] - (pos + len(needle)), pos - near[1], 0), pos
    found = []
    pos = text.find(needle, lo, hi) if needle else -1
    while pos >= 0:
        found.append(pos)
        pos = text.find(needle, pos + 1, hi)
    best = min(found, key=key, default=None)
    return None if best is None else (best, best + len(needle))


def _locate(g: dict, text: str, starts: list[int]) -> _Located:
    """Offsets of a gold attribution's content pieces, cue and addressee in the article."""
    lo, hi = _line_bounds(g["line"], text, starts)
    pieces = g.get("content")
    pieces = [] if pieces is None else [pieces] if isinstance(pieces, str) else pieces
    spans: list[tuple[int, int]] = []
    at = lo
    for piece in pieces:
        pos = text.find(piece, at, hi)
        if pos < 0:
            pos = text.find(piece, at)  # a content may run on over the following lines
        if pos < 0:
            raise GoldError(f"line {g['line']}: content {_short(piece)!r} is not in the article")
        spans.append((pos, pos + len(piece)))
        at = pos + len(piece)
    near = (spans[0][0], spans[-1][1]) if spans else (lo, lo)
    cue_text = g.get("cue") or ""
    avoid = spans if re.search(r"\w", cue_text) else []  # a word cue is not one of the quoted words
    cue = _find_near(text, cue_text, lo, hi, near, avoid)
    if spans and cue is None:
        cue = _find_near(text, cue_text, 0, len(text), near, avoid)
    if cue_text and cue is None:
        raise GoldError(f"line {g['line']}: cue {cue_text!r} is not in the article")
    addressee = None
    if g.get("addressee"):
        addressee = (_find_near(text, g["addressee"], lo, hi, cue or near)
                     or _find_near(text, g["addressee"], 0, len(text), near))
        if addressee is None:
            raise GoldError(f"line {g['line']}: addressee {g['addressee']!r} is not in the article")
    return _Located(spans, cue, addressee)


def speaker_right(g: dict, row: dict, aliases: dict[str, tuple[set[str], bool]]) -> bool:
    """True when the row's speaker is the gold speaker by its resolved entity (module doc)."""
    sp = row.get("speaker") or {}
    if g.get("speaker") is None:
        return not sp
    names, named = aliases.get(g["speaker"], (set(), False))
    want = names | {_norm(g["speaker"])}
    mention = _norm(g.get("speaker_mention"))
    if not named and mention and mention not in _PRONOUNS:
        want.add(mention)  # an unnamed group is known by its words
    got = _norm(sp.get("entity"))
    if not got and not named and _norm(sp.get("text")) not in _PRONOUNS:
        got = _norm(sp.get("text"))
    return bool(got) and got in want


def _overlap(a: tuple[int, int] | None, b: tuple[int, int] | None) -> bool:
    return bool(a and b and a[0] < b[1] and b[0] < a[1])


def _dice(text: str, a: list[tuple[int, int]], b: list[tuple[int, int]]) -> float:
    wa, wb = _words(text, a), _words(text, b)
    return 2 * len(wa & wb) / (len(wa) + len(wb)) if wa and wb else 0.0


def _pair(golds: list[dict], located: list[_Located], records: list[dict], text: str,
          aliases: dict[str, tuple[set[str], bool]]) -> dict[int, int]:
    """Gold index -> row index, one to one: contents by word Dice (greedy by overlap, the right
    speaker first on a tie), then contentless gold references by their cue."""
    scored = []
    for i, (g, loc) in enumerate(zip(golds, located)):
        if not loc.content:
            continue
        gw = _words(text, loc.content)
        for j, r in enumerate(records):
            pw = _words(text, _pred_spans(r.get("content")))
            ov = len(gw & pw)
            if ov and 2 * ov / (len(gw) + len(pw)) >= MIN_DICE:
                scored.append((ov, speaker_right(g, r, aliases), -i, -j))
    scored.sort(reverse=True)
    pairing: dict[int, int] = {}
    used: set[int] = set()
    for _ov, _ok, i, j in scored:
        if -i not in pairing and -j not in used:
            pairing[-i] = -j
            used.add(-j)
    for i, (g, loc) in enumerate(zip(golds, located)):
        if loc.content or loc.cue is None:
            continue
        options = [j for j, r in enumerate(records)
                   if j not in used and _overlap(loc.cue, _span(r.get("cue")))]
        options.sort(key=lambda j: (not speaker_right(g, records[j], aliases), j))
        if options:
            pairing[i] = options[0]
            used.add(options[0])
    return pairing


def _span(obj: dict | None) -> tuple[int, int] | None:
    return (obj["start"], obj["end"]) if obj else None


def _compare(g: dict, loc: _Located, row: dict, text: str,
             aliases: dict[str, tuple[set[str], bool]]) -> Pair:
    cue = _span(row.get("cue"))
    if loc.cue is not None:
        cue_ok = _overlap(loc.cue, cue)
    else:
        cue_ok = _norm(g.get("cue")) == _norm((row.get("cue") or {}).get("text"))
    kind_ok = "kind" not in g or g["kind"] == row.get("kind")
    got = row.get("addressee")
    addressee_ok: bool | None = None
    if "addressee" in g and (loc.addressee or got):  # no key: the gold leaves addressees out
        addressee_ok = bool(loc.addressee and got) and (
            _dice(text, [loc.addressee], [_span(got)]) >= MIN_DICE
            or speaker_right({"speaker": g["addressee"]}, {"speaker": got}, aliases))
    return Pair(g, row, speaker_right(g, row, aliases), cue_ok, kind_ok, addressee_ok)


def _differences(where: str, g: dict, p: Pair) -> list[str]:
    out = []
    sp = p.row.get("speaker") or {}
    if not p.speaker_right:
        out.append(f"{where}: speaker {sp.get('entity')!r} (mention {sp.get('text')!r})")
    if not p.cue_right:
        out.append(f"{where}: cue {(p.row.get('cue') or {}).get('text')!r}")
    if not p.kind_right:
        out.append(f"{where}: kind {p.row.get('kind')!r}, want {g.get('kind')!r}")
    if p.addressee_right is False:
        out.append(f"{where}: addressee {(p.row.get('addressee') or {}).get('text')!r}, "
                   f"want {g.get('addressee')!r}")
    return out


def _row_line(r: dict, starts: list[int]) -> int:
    first = [s["start"] for s in (r.get("cue"), r.get("content")) if s]
    return _line_of(starts, min(first)) if first else 0


def _describe(r: dict, starts: list[int]) -> str:
    sp = r.get("speaker") or {}
    return (f"line {_row_line(r, starts)}: {r.get('id')} {sp.get('entity') or sp.get('text')!r} "
            f"{(r.get('cue') or {}).get('text')!r} {_short((r.get('content') or {}).get('text'))!r}")


def _negative_hits(negatives: list[dict], text: str, records: list[dict],
                   starts: list[int]) -> list[str]:
    """Rows a gold ``negatives`` item says must not appear: a row whose cue (or speaker) overlaps
    the item's ``cue`` (or ``speaker``) words on its line."""
    out = []
    for neg in negatives:
        lo, hi = _line_bounds(neg["line"], text, starts)
        for key in ("cue", "speaker"):
            if key not in neg:
                continue
            at = _find_near(text, neg[key], lo, hi, (lo, lo))
            if at is None:
                raise GoldError(f"line {neg['line']}: negative {key} {neg[key]!r} is not on its line")
            for r in records:
                if _overlap(at, _span(r.get(key))):
                    out.append(f"line {neg['line']}: {r.get('id')} {key} {(r.get(key) or {}).get('text')!r}: "
                               f"{neg.get('note') or 'must not appear'}")
    return out


def _row_checks(gold: dict, text: str, records: list[dict], starts: list[int]) -> tuple[list[str], list[str]]:
    boiler = set(gold.get("boilerplate_lines", []))
    hits, offsets = [], []
    for r in records:
        line = _row_line(r, starts)
        if line in boiler:
            hits.append(f"line {line}: {r.get('id')} starts on a boilerplate line")
        for key in ("speaker", "cue", "content", "addressee", "when"):
            span = r.get(key)
            if span and text[span["start"]:span["end"]] != span["text"]:
                offsets.append(f"{r.get('id')} {key}: offsets do not give back its text")
    return hits, offsets


def extra_checks(gold: dict, report: Report) -> dict[str, Any]:
    """Figures for the parts of the gold file other than the attribution gate."""
    out: dict[str, Any] = {}
    blocks = report.article.blocks
    if "boilerplate_lines" in gold:
        got = {b.line for b in blocks if b.is_boilerplate}
        want = set(gold["boilerplate_lines"])
        out["boilerplate lines"] = f"{len(got & want)}/{len(want)} found, {len(got - want)} extra"
    if "heading_lines" in gold:
        got = {b.line for b in blocks if b.kind == "heading"}
        want = set(gold["heading_lines"])
        out["heading lines"] = f"{len(got & want)}/{len(want)} found, {len(got - want)} extra"
    out["publication date"] = (f"{report.article.published} ({report.article.published_source})"
                               if report.article.published else "none found")
    if "timexes" in gold:
        out.update(timex_figures(gold["timexes"], report))
    out.update(attribution_figures(gold, report))
    if "claims" in gold:
        out.update(claim_figures(gold, report))
    return out


# ---------------------------------------------------------------- time expressions

def timex_figures(gold_timexes: list[dict], report: Report) -> dict[str, str]:
    """How many gold time expressions were found (overlapping span) with the right value."""
    text, out, right, misses = report.article.text, {}, 0, []
    for g in gold_timexes:
        pos = text.find(g["text"])
        end = pos + len(g["text"])
        found = [t for t in report.timexes if pos >= 0 and t.start < end and pos < t.end]
        values = [t.value for t in found]
        if g.get("value") in values:
            right += 1
        else:
            misses.append(f"{g['text']!r} = {g.get('value')}, got {values or 'nothing'}")
    out["timex values"] = f"{right}/{len(gold_timexes)} right"
    for n, m in enumerate(misses, 1):
        out[f"timex miss {n}"] = m
    return out


def expected_when(value: str | None, published: str | None) -> set[str | None] | str | None:
    """The value a gold ``when`` asks for, given the publication date (see the module doc)."""
    pub = dt.date.fromisoformat(published[:10]) if published else None
    if value == "publication time":
        return pub.isoformat() if pub else {None, "PRESENT_REF"}
    m = re.fullmatch(r"the (\w+day) before publication", value or "")
    if m:
        days = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
        day = days.index(m.group(1).lower())
        if pub is None:
            return {None, f"XXXX-WXX-{day + 1}"}
        return (pub - dt.timedelta(days=(pub.weekday() - day) % 7)).isoformat()
    return value


# ---------------------------------------------------------------- when and stance

def attribution_figures(gold: dict, report: Report) -> dict[str, str]:
    """``when`` values, stances and hedges of the gold attributions that carry them, read on
    the row paired with each (by the gate's rules) when its speaker is right."""
    records = report.records()
    text = report.article.text
    aliases = _aliases(gold)
    located = [_locate(g, text, line_starts(text)) for g in gold["attributions"]]
    pairing = _pair(gold["attributions"], located, records, text, aliases)
    counts = {"when": [0, 0], "stance": [0, 0], "hedged": [0, 0]}
    out: dict[str, str] = {}
    for n, g in enumerate(gold["attributions"]):
        rec = records[pairing[n]] if n in pairing else None
        if rec is not None and not speaker_right(g, rec, aliases):
            rec = None
        for key, want, got in _expectations(g, rec, report.article.published):
            counts[key][1] += 1
            ok = got in want if isinstance(want, set) else got == want
            counts[key][0] += ok
            if not ok:
                out[f"{key} miss line {g['line']}"] = f"{g['speaker']}: want {want}, got {got}"
    for key, (right, total) in counts.items():
        out[f"{key} right"] = f"{right}/{total}"
    return out


def _expectations(g: dict, rec: dict | None, published: str | None) -> list[tuple[str, Any, Any]]:
    out = []
    if "when" in g:
        got = ((rec or {}).get("when") or {}).get("value") if rec else "no record"
        want = expected_when(g["when"].get("value"), published) if g["when"] else None
        out.append(("when", want, got))
    if g.get("stance"):
        out.append(("stance", g["stance"], rec.get("stance") if rec else "no record"))
    if "hedged" in g or "hedged" in (g.get("note") or ""):
        out.append(("hedged", bool(g.get("hedged", True)), rec.get("hedged") if rec else "no record"))
    return out


# ---------------------------------------------------------------- claims

def claim_figures(gold: dict, report: Report) -> dict[str, str]:
    """Gold claims matched to predicted ones, with their statuses and who stands where."""
    aliases = _alias_index(gold)
    claims = [c.to_dict() for c in report.claims]
    used: set[int] = set()
    out: dict[str, str] = {}
    matched = status_ok = roles_ok = 0
    for n, g in enumerate(gold["claims"], 1):
        idx = _claim_for(g, claims, aliases, used)
        if idx is None:
            out[f"claim miss {n}"] = f"{g['claim'][:60]!r} ({g.get('status')}) not found"
            continue
        used.add(idx)
        c = claims[idx]
        matched += 1
        status_ok += c["status"] == g.get("status")
        wrong = [k for k in _ROLE_KEYS if k in g and _names(g[k], aliases) != _names(c[_ROLE_KEYS[k]], aliases)]
        roles_ok += not wrong
        if c["status"] != g.get("status") or wrong:
            out[f"claim {n}"] = f"status {c['status']} (want {g.get('status')}); wrong roles: {wrong or 'none'}"
    out["claims"] = (f"{matched}/{len(gold['claims'])} matched, statuses {status_ok}/{len(gold['claims'])}, "
                     f"roles {roles_ok}/{len(gold['claims'])}, {len(claims) - matched} extra")
    return out


def _claim_for(g: dict, claims: list[dict], aliases: dict[str, str], used: set[int]) -> int | None:
    want = _names(g.get("asserted_by", []), aliases)
    best, best_score = None, CLAIM_TEXT_MATCH - 1
    for i, c in enumerate(claims):
        if i in used:
            continue
        score = fuzz.token_set_ratio(g["claim"].lower(), c["text"].lower())
        if want & _names(c["asserted_by"], aliases):
            score += 50  # the same claimant counts more than the wording
        if score > best_score:
            best, best_score = i, score
    return best


def _alias_index(gold: dict) -> dict[str, str]:
    index = {}
    for e in gold.get("entities", []):
        for a in e.get("aliases", []) + [e["name"]]:
            index[_norm(a)] = _norm(e["name"])
    return index


def _names(names: list[str], aliases: dict[str, str]) -> set[str]:
    return {aliases.get(_norm(n), _norm(n)) for n in names}

