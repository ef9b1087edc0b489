"""The offsets contract over every record kind, on generated news articles (hypothesis).

Every span onrecord reports — an attribution's speaker, cue, content and its pieces,
insertions, addressee and time, an entity's mentions, a time expression, a claim — is
``start``/``end`` into ``Article.text`` and, where it carries words, those words are
``text[start:end]``. The articles are built from sentences of news (quotes, reported speech,
refusals, dates, addressees), so that every kind of record is made and checked; the test then
checks that it was. Slow: spaCy is loaded; the example count is small.
"""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from onrecord.engine import analyze
from onrecord.records import span_errors

pytestmark = pytest.mark.slow

PEOPLE = ["Mayor Ann Lee", "Bob Renn", "council member Ida Voss", "the harbour board", "a spokesperson",
          "Dr. Omar Kell", "the ministry"]
LATER = ["Lee", "Renn", "Voss", "he", "she", "they", "the board"]
CUES = ["said", "told reporters", "added", "wrote", "warned", "confirmed", "denied", "disputed"]
CLAUSES = ["the bridge would close in May", "fares had risen by a tenth", "the school was safe",
           "no one had been told", "the money was spent on roads", "the plan would be dropped"]
QUOTES = ["We will not pay for it", "It was never promised", "The water is safe to drink",
          "This is the last winter of delays", "Nobody asked us"]
WHEN = ["on Monday", "last week", "on March 3", "in 2024", "yesterday", "two days ago", ""]
OPEN, CLOSE = st.sampled_from(['"', "\u201c"]), st.sampled_from(['"', "\u201d"])


@st.composite
def sentence(draw) -> str:
    who, later, cue = draw(st.sampled_from(PEOPLE)), draw(st.sampled_from(LATER)), draw(st.sampled_from(CUES))
    clause, quote, when = draw(st.sampled_from(CLAUSES)), draw(st.sampled_from(QUOTES)), draw(st.sampled_from(WHEN))
    q1, q2 = draw(OPEN), draw(CLOSE)
    shapes = [
        f"{q1}{quote},{q2} {who} said {when}.",
        f"{who} {cue} {when} that {clause}.",
        f"{who} told the council {when} that {clause}.",
        f"{q1}{quote},{q2} {later} said. {q1}{draw(st.sampled_from(QUOTES))}.{q2}",
        f"According to {who}, {clause}.",
        f"{who} declined to comment {when}.",
        f"{who} said {q1}{quote.lower()}{q2} and that {clause}.",
        f"The report was published {when}.",
    ]
    return " ".join(draw(st.sampled_from(shapes)).split())


@st.composite
def claim_pair(draw) -> str:
    """An assertion and another source's reaction to it: what makes a claim."""
    first, second = draw(st.sampled_from(PEOPLE[:3])), draw(st.sampled_from(PEOPLE[3:]))
    clause = draw(st.sampled_from(CLAUSES))
    reaction = draw(st.sampled_from([f"{second} denied that {clause}.", f"{second} confirmed that {clause}.",
                                     f"{second} declined to comment on the claim.",
                                     "That account could not be independently verified."]))
    return f"{first} told the Coastal Herald on Monday that {clause}.\n\n{reaction}"


@st.composite
def articles(draw) -> str:
    paragraphs = draw(st.lists(st.lists(sentence(), min_size=1, max_size=3).map(" ".join), min_size=1, max_size=5))
    paragraphs.insert(draw(st.integers(0, len(paragraphs))), draw(claim_pair()))
    return "Council row over the harbour bridge\n\n" + "\n\n".join(paragraphs) + "\n"

dates = st.sampled_from([None, "2026-03-09", "2025-11-30"])


def contract_errors(report) -> list[str]:
    """Every way one report breaks the offsets contract (empty when it holds): the engine's own
    invariant over attributions and claims (``records.span_errors``), then entity mentions,
    time expressions and the JSON users get."""
    text, n = report.article.text, len(report.article.text)
    out = span_errors(text, report.attributions, report.claims)

    def span(what, start, end, words=None):
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start <= end <= n):
            out.append(f"{what}: {start}..{end} outside a {n}-character text")
        elif words is not None and text[start:end] != words:
            out.append(f"{what}: {words!r} is not the text at {start}..{end} ({text[start:end]!r})")

    for e in report.entities:
        for s, end in e.mentions:
            span(f"entity {e.name} mention", s, end)
            if 0 <= s < end <= n and text[s:end] != text[s:end].strip():
                out.append(f"entity {e.name} mention {s}..{end} starts or ends with space")
            elif s >= end:
                out.append(f"entity {e.name} mention {s}..{end} is empty")
    for t in report.timexes:
        span(f"timex {t.text!r}", t.start, t.end, t.text)
    # the JSON says the same: offsets survive the record as users get it
    data = report.to_dict()
    for r in data["attributions"]:
        for name in ("speaker", "cue", "content", "addressee", "when"):
            if r.get(name):
                span(f"{r['id']} {name} (JSON)", r[name]["start"], r[name]["end"], r[name]["text"])
    for c in data["claims"]:
        if c.get("start") is not None:
            span(f"claim {c['id']} (JSON)", c["start"], c["end"], c["text"])
    return out


def test_every_record_kind_keeps_the_offsets_contract(pipeline):
    seen = {"attribution": 0, "content piece": 0, "addressee": 0, "when": 0, "entity mention": 0,
            "timex": 0, "claim": 0}

    @settings(max_examples=25, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.too_slow])
    @given(articles(), dates)
    def check(text, published):
        report = analyze(text, published=published)
        assert report.article.text == text
        assert contract_errors(report) == []
        seen["attribution"] += len(report.attributions)
        seen["content piece"] += sum(len(a.content.spans) for a in report.attributions if a.content)
        seen["addressee"] += sum(a.addressee is not None for a in report.attributions)
        seen["when"] += sum(a.when is not None for a in report.attributions)
        seen["entity mention"] += sum(len(e.mentions) for e in report.entities)
        seen["timex"] += len(report.timexes)
        seen["claim"] += sum(c.start is not None for c in report.claims)

    check()
    assert all(seen.values()), f"a record kind was never made, so never checked: {seen}"


def test_the_check_finds_a_broken_span(pipeline):
    report = analyze('"We will not pay for it," Bob Renn said on Monday.', published="2026-03-09")
    assert contract_errors(report) == [] and report.attributions
    report.attributions[0].cue.start += 1  # one character off
    assert contract_errors(report) and "cue" in contract_errors(report)[0]
