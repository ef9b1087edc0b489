"""A fixed slice of the hostile-text fuzzer (fuzz/hostile.py) through ``onrecord.analyze``.

Examples 0..499 of seed 0: each analysed with no exception, and every span of its report gives
back its text (``fuzz.hostile.problems``: ``records.span_errors`` and the rest). The same slice
on every machine; the long runs are ``make fuzz`` (a time budget, a new seed each time) and
``fuzz/soak.py`` (10^5 examples on every core, each bounded in time). No time is asserted.
"""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from onrecord.records import Attribution, Span

FUZZ = Path(__file__).resolve().parents[1] / "fuzz"
SEED, SLICE = 0, 500


def _load(name: str):
    spec = importlib.util.spec_from_file_location(name, FUZZ / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(name, module)
    spec.loader.exec_module(module)
    return module


hostile = _load("hostile")


def test_an_example_is_the_same_on_every_call():
    assert hostile.article(SEED, 17) == hostile.article(SEED, 17)
    assert hostile.article(SEED, 17) != hostile.article(SEED, 18) != hostile.article(1, 17)


def test_the_slice_holds_every_hostile_shape():
    texts = [hostile.article(SEED, i) for i in range(SLICE)]
    joined = "".join(texts)
    for name, char in hostile.ODD.items():
        assert char in joined, f"no {name} in the slice"
    for left, right in hostile.PAIRS:
        assert left in joined and right in joined, (left, right)
    for needle in ("[sic]", "according to", "declined to comment", "„", "«", "\r\n", "\n\n"):
        assert needle in joined, needle
    assert any(max(map(len, t.splitlines() or [""])) > 2_000 for t in texts), "no very long line"
    assert any(t.count("“") != t.count("”") for t in texts), "no unbalanced quotes"
    assert sum(len(t.split()) for t in texts) / SLICE > 50, "examples too short to be articles"


def test_problems_sees_a_span_that_does_not_give_back_its_text():
    class Article:
        text, source_format, blocks = "Ann said it rained.", "text", []

    class Report:
        article, entities, timexes, claims = Article(), [], [], []
        attributions = [Attribution("a1", "indirect", None, Span(4, 8, "told"), None)]

        def to_dict(self):
            return {}

    assert hostile.problems(Report(), "Ann said it rained.") != []
    assert hostile.problems(Report(), "another text") != []
    Report.attributions = [Attribution("a1", "indirect", None, Span.of(Article.text, 4, 8), None)]
    assert hostile.problems(Report(), "Ann said it rained.") == []


@pytest.mark.slow
def test_a_slice_of_hostile_articles_analyses_with_every_span_whole(pipeline):
    failing = []
    for i in range(SLICE):
        text = hostile.article(SEED, i)
        try:
            found = hostile.check(text)
        except Exception as exc:  # collected, so that one run names every failing example
            found = [f"{type(exc).__name__}: {exc}"]
        if found:
            failing.append(f"{SEED}:{i} {found[:2]}")
    assert failing == [], f"{len(failing)} of {SLICE} failing (fuzz/hostile.py --show SEED:I): {failing[:5]}"
