"""Property tests of ``onrecord.analyze`` on hostile text .

Whatever the text — arbitrary Unicode, quote marks of every kind (unbalanced, nested, nothing
but quotes, none at all), zero-width and bidi characters, CRLF and lone CR, NUL bytes, lone
surrogates — ``analyze`` returns a Report, never an exception, and every span it reports is a
pair of offsets that gives back its text. No time is asserted here: the time bounds of long
texts are ``bench/bench_time_bounds.py``, the bound of every generated example ``fuzz/soak.py``.

Example counts are modest: the pipeline runs 1-3k tokens a second here. Slow: spaCy is loaded.
"""
from __future__ import annotations

import json
import re

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from onrecord.engine import analyze
from onrecord.errors import InputError
from onrecord.inputs.structure import label_blocks

pytestmark = pytest.mark.slow

#: Every kind of quote mark onrecord may meet: straight, curly, guillemets, low-9, CJK corner
#: brackets, primes, backtick, fullwidth.
QUOTES = "\"'“”‘’«»„‚‹›「」『』`´″′〝〞＂＇"
#: Characters that break naive text handling: zero-width, bidi controls, BOM, NUL and other
#: controls, every kind of line end (CRLF, lone CR, NEL, LS, PS).
ODD = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e",
       "\u2066", "\u2067", "\u2068", "\u2069", "\u200e", "\u200f", "\x00", "\r\n", "\r", "\n", "\n\n",
       "\r\n\r\n", "\t", "\u2028", "\u2029", "\x0b", "\x0c", "\x85", "\u00a0", "\u0301", "\ud800"]
#: Words that make the attribution rules fire: cues, speakers, pronouns, refusals, punctuation.
WORDS = ["said", "told reporters", "according to", "Mayor Ann Lee", "Lee", "he", "She", "declined to comment",
         "denied", "confirmed", "that", "Bob Renn", "the council", "on Monday", "last week", ".", ",", ":",
         "—", "[sic]", "(", ")", "...", "added", "\"We will win,\"", "did not respond to requests for comment"]

piece = st.one_of(st.sampled_from(QUOTES), st.sampled_from(ODD), st.sampled_from(WORDS), st.text(max_size=6))
texts = st.lists(piece, max_size=50).flatmap(
    lambda parts: st.sampled_from([" ", "", "\n"]).map(lambda sep: sep.join(parts)))

PROPS = settings(max_examples=60, deadline=None, derandomize=True,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


def check_offsets(report, given: str | None = None) -> None:
    """Every span of the report is (start, end) into the article text and gives back its text."""
    text = report.article.text
    if given is not None:  # kept exactly, but for lone surrogates (one U+FFFD each: offsets hold)
        assert text == re.sub("[\ud800-\udfff]", "\ufffd", given), "plain text must be kept as given"
    n = len(text)

    def span(s, what):
        assert 0 <= s.start <= s.end <= n, (what, s)
        assert text[s.start:s.end] == s.text, (what, s, text[s.start:s.end])

    for a in report.attributions:
        for what in ("speaker", "cue", "content", "addressee", "when"):
            if getattr(a, what) is not None:
                span(getattr(a, what), what)
        if a.content is not None:
            for s, e in a.content.spans:
                assert a.content.start <= s <= e <= a.content.end, ("content piece", a.content)
        for s, e in a.insertions:
            assert 0 <= s <= e <= n, ("insertion", s, e)
    for t in report.timexes:
        span(t, "timex")
    for e in report.entities:
        for s, end in e.mentions:
            assert 0 <= s <= end <= n, ("mention", e.name, s, end)
    for c in report.claims:
        if c.start is not None:
            assert 0 <= c.start <= c.end <= n, ("claim", c)
    for b in report.article.blocks:
        assert 0 <= b.start < b.end <= n and text[b.start:b.end].strip(), ("block", b)
    json.dumps(report.to_dict())  # every report serialises


def analyze_checked(text: str) -> None:
    report = analyze(text)
    check_offsets(report, text if not report.article.source_format == "html" else None)


@pytest.fixture(scope="module", autouse=True)
def _pipeline_loaded(pipeline):
    """Load spaCy once, before the first example (so no example pays for it)."""


@PROPS
@given(texts)
@example("")
@example("\x00\x00\x00")
@example("a\x00b said \"hi\x00\".")
@example("Mayor Ann Lee said \"we will win.\"\r\n\r\n\"Never,\" Bob said.\r\n")
@example("Mayor Ann Lee said \"we will win.\"\r\r\"Never,\" Bob said.\r")
@example("Mayor\u200b Ann\u200d Lee said \u202e\"we will win\u202c,\" \ufeff he said.")
@example("\ud800 said \"\udfff\" \U0001F600.")
@example("\u2028\"Yes,\"\u2029 said Lee.\x85")
def test_arbitrary_text_never_crashes_and_offsets_hold(text):
    analyze_checked(text)


@PROPS
@given(st.text(alphabet=QUOTES + " \n", max_size=300))
@example('"' * 200)
@example("“" * 50 + "”" * 3)
def test_text_of_nothing_but_quote_marks(text):
    analyze_checked(text)


@PROPS
@given(st.lists(st.sampled_from([w for w in WORDS if not any(q in w for q in QUOTES)]), max_size=80).map(" ".join))
def test_text_without_quote_marks(text):
    analyze_checked(text)


opening = st.sampled_from("\"'“‘«„‚‹「『〝＂‘")
closing = st.sampled_from("\"'”’»“‘›」』〞＂’")


@st.composite
def quoted(draw, depth: int = 0) -> str:
    """A sentence with quotes inside quotes, each mark maybe missing, maybe the wrong kind."""
    words = draw(st.lists(st.sampled_from(["we", "will", "not", "pay", "for", "it", "the", "road", "now"]),
                          min_size=1, max_size=6))
    inner = draw(quoted(depth + 1)) if depth < 3 and draw(st.booleans()) else ""
    body = " ".join(words[:len(words) // 2] + [inner] + words[len(words) // 2:])
    left = draw(opening) if draw(st.integers(0, 4)) else ""
    right = draw(closing) if draw(st.integers(0, 4)) else ""
    return f"{left}{body}{right}"


@PROPS
@given(st.lists(st.tuples(quoted(), st.sampled_from(["Mayor Ann Lee said", "he added", "she told us",
                                                       "according to Renn", ""])), min_size=1, max_size=6),
       st.sampled_from(["\n\n", " ", "\r\n", "\r"]))
def test_nested_and_unbalanced_quotes(parts, sep):
    analyze_checked(sep.join(f"{q}, {s}." if s else q for q, s in parts))


@settings(max_examples=60, deadline=None, derandomize=True)
@given(st.binary(max_size=400))
@example(b"\x00" * 10)
@example(b"\xff\xfe" + "“Hi,” she said.".encode("utf-16-le"))
@example(b"<html><body><p>\x00</p></body></html>")
def test_bytes_are_an_article_or_one_input_error(data):
    try:
        report = analyze(data)
    except InputError as exc:
        assert exc.problem
        return
    check_offsets(report)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.text(alphabet=st.characters(codec=None), max_size=400) | texts)
def test_structure_blocks_are_lines_of_the_text(text):
    blocks = label_blocks(text)
    ends = -1
    for b in blocks:
        assert ends <= b.start < b.end <= len(text)
        body = text[b.start:b.end]
        assert body.strip() and body == body.strip() and not any(c in body for c in "\r\n")
        ends = b.end
    assert sum(1 for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n") if line.strip()) \
        == len(blocks)
