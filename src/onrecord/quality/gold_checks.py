"""Checks of a gold file beyond attributions: headings, time expressions, when, stance, claims.

``onrecord eval gold`` prints these after the attribution figures. Gold values of ``when``
may be descriptive where the truth depends on the publication date ("the Sunday before
publication", "publication time"): with a known date they must resolve to it; without one
the prediction must stay relative (None or a TIMEX3 relative value), never a certain date.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Any

from rapidfuzz import fuzz

from onrecord.quality.evaluation import line_starts, same_entity
from onrecord.report import Report

#: A predicted claim is the gold claim's when their texts score at least this (rapidfuzz
#: token-set ratio, 0-100) or share a claimant; 50 tolerates the gold's paraphrase.
CLAIM_TEXT_MATCH = 50
_ROLE_KEYS = {"asserted_by": "asserted_by", "confirmed_by": "confirmed_by", "reported_by": "confirmed_by",
              "disputed_by": "disputed_by", "denied_by": "denied_by", "declined_by": "declined_by"}


def extra_checks(gold: dict, report: Report) -> dict[str, Any]:
    """Figures for the parts of the gold file other than attributions."""
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
    """``when`` values, stances and hedges of the gold attributions that carry them."""
    records = report.records()
    text = report.article.text
    starts = line_starts(text)
    aliases = {e["name"]: {_norm(a) for a in e.get("aliases", [])} | {_norm(e["name"])}
               for e in gold.get("entities", [])}
    counts = {"when": [0, 0], "stance": [0, 0], "hedged": [0, 0]}
    out: dict[str, str] = {}
    for g in gold["attributions"]:
        rec = _record_for(g, records, starts, aliases)
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


def _record_for(g: dict, records: list[dict], starts: list[int],
                aliases: dict[str, set[str]]) -> dict | None:
    """The record on the gold item's line with the same speaker; the best content overlap wins."""
    line = g["line"]
    lo = starts[line - 1] if line - 1 < len(starts) else 0
    hi = starts[line] if line < len(starts) else 10 ** 9
    here = [r for r in records if same_entity(g, r, aliases)
            and lo <= (r.get("cue") or r.get("content") or {}).get("start", -1) < hi]
    want = g.get("content") or ""
    return max(here, key=lambda r: fuzz.partial_ratio(want, (r.get("content") or {}).get("text", "")),
               default=None)


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


def _norm(s: str | None) -> str:
    s = re.sub(r"\W+", " ", (s or "").lower()).strip()
    return re.sub(r"^the ", "", s)
