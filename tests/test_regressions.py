"""Crashes found by the property tests and the reader fuzzing, kept as tests.

Each test names the input that crashed and where it crashed.
"""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from onrecord.inputs.article import from_text
from onrecord.inputs.readers import read_bytes
from onrecord.errors import InputError

ROOT = Path(__file__).resolve().parents[1]


# -- fixed -----------------------------------------------------------------------------------------


def test_lone_surrogate_is_replaced_not_a_crash():
    # found by tests/test_properties.py: '\ud800 said ...' made spaCy's tokenizer raise
    # UnicodeEncodeError ('surrogates not allowed') inside analyze
    article = from_text('\ud800 said "\udfff" ok.')
    assert article.text == '\ufffd said "\ufffd" ok.'  # one code point for one: offsets hold
    assert "surrogate" in article.notes[0]
    assert from_text("plain").notes == []


@pytest.mark.slow
def test_lone_surrogate_through_analyze(pipeline):
    from onrecord.engine import analyze

    report = analyze('Mayor Ann Lee said "we \udc80 will win."')
    assert "\ufffd" in report.article.text
    json.dumps(report.to_dict()).encode("utf-8")  # a report that can be written


@pytest.mark.parametrize("data", [b"\xed\xa0\x80 said so.", b"\x00" * 10, b"\xff\xfe\x00\xd8 said"])
def test_bytes_with_encoded_surrogates_or_nul_are_refused_or_read(data):
    try:
        article = read_bytes(data, name="x.txt")
    except InputError as exc:
        assert exc.problem
    else:
        article.text.encode("utf-8")


# -- reported: onrecord.store.sources (owned elsewhere) -------------------------------------------

pytest.importorskip("sqlalchemy")
from onrecord.store import sources  # noqa: E402

def test_jsonl_url_that_is_not_a_string_is_refused():
    item = sources.jsonl_item(json.dumps({"url": [None], "text": "Ann said it rained."}), "f.jsonl:1")
    assert item.error == "'url' must be a string, not list"


def test_jsonl_text_that_is_not_a_string_is_refused():
    item = sources.jsonl_item('{"text": true}', "f.jsonl:1")
    assert item.error and item.article is None


def test_sidecar_url_that_is_not_a_string_is_refused(tmp_path):
    (tmp_path / "a.txt").write_text("Ann said it rained.")
    (tmp_path / "a.meta.json").write_text('{"url": [null]}')
    item = sources.read_article_file(tmp_path / "a.txt")
    assert item.error and "'url' must be a string" in item.error


def test_batch_jsonl_fields_of_the_wrong_type_are_refused():
    from onrecord.batch import inputs
    from onrecord.inputs import readers

    for line in (b'{"text": true}', b'{"url": [null], "text": "Ann said it rained."}', b'[1]', b'"x"',
                 b'{"html": 5}', b'{"text": "x", "published": ["2025"]}', b'\xff\xfe'):
        unit = readers.jsonl_record(line, "f.jsonl:1", "f-1")
        assert isinstance(unit, inputs.Failure) and unit.reason, line


def test_jsonl_blank_text_is_refused_with_a_reason():
    item = sources.jsonl_item('{"text": " "}', "f.jsonl:1")
    assert item.article is None and item.error == "'text' is blank: no article in it"


# -- the fuzz harness itself runs (the long run is `make fuzz`) ------------------------------------


@pytest.mark.slow  # heavy: every fuzz target under hypothesis
def test_fuzz_harness_runs_every_target_briefly():
    spec = importlib.util.spec_from_file_location("fuzz_readers", ROOT / "fuzz" / "fuzz_readers.py")
    fuzz = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(fuzz)
    for name, (target, strategy) in fuzz.strategies().items():
        if name in fuzz.KNOWN:
            continue
        count, crash = fuzz.fuzz(name, target, strategy, 0.5)
        assert count > 0 and crash is None, (name, crash)


def test_row_id_beyond_sqlite_integer_is_422_not_500(tmp_path):
    # found by tests/test_web_security.py: /api/articles/99999999999999999999999 made the SQLite
    # driver raise OverflowError (Python int too large to convert to SQLite INTEGER): a 500
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from onrecord.store.db import open_engine
    from onrecord.store.embeddings import HashingEmbedder
    from onrecord.store.ingest import Store
    from onrecord.web.app import create_app

    with Store.open(tmp_path / "s.sqlite", HashingEmbedder()):
        pass
    engine = open_engine(tmp_path / "s.sqlite", create=False)[0]
    client = TestClient(create_app(engine), raise_server_exceptions=False)
    for path in ("/api/articles/", "/articles/", "/api/people/", "/people/", "/api/claims/", "/claims/"):
        for ident in ("99999999999999999999999", "-99999999999999999999999", str(2**63)):
            assert client.get(path + ident).status_code == 422, path + ident
        assert client.get(path + str(2**63 - 1)).status_code == 404
    engine.dispose()


# -- generated hostile texts (tests/data/hostile-crashes.json: generated strings, not news) ------

HOSTILE = json.loads((ROOT / "tests" / "data" / "hostile-crashes.json").read_text(encoding="utf-8"))


def test_a_content_is_never_made_of_no_piece():
    from onrecord.records import Content

    with pytest.raises(ValueError, match="non-empty piece"):
        Content.of_pieces("abc", [(1, 1), (2, 2)])  # was IndexError at merged[0]
    assert Content.of_pieces("abcdef", [(3, 5), (0, 2), (1, 3)]).spans == [(0, 5)]


def test_a_span_is_never_made_out_of_order():
    from onrecord.records import Span

    with pytest.raises(ValueError, match="in order"):
        Span.of("abcdef", 4, 2)
    with pytest.raises(ValueError, match="in order"):
        Span.of("abc", 1, 9)


def test_the_span_invariant_sees_every_kind_of_break():
    from onrecord.records import Attribution, Claim, Content, Span, span_errors

    text = "Ann said it rained."
    good = Attribution("a1", "indirect", None, Span.of(text, 4, 8), Content.of_pieces(text, [(9, 18)]))
    assert span_errors(text, [good], [Claim("c1", "it rained", start=9, end=18)]) == []
    bad_cue = Attribution("a2", "indirect", None, Span(8, 4, ""), None)
    bad_text = Attribution("a3", "indirect", None, Span(4, 8, "told"), None)
    bad_piece = Attribution("a4", "indirect", None, None, Content(9, 18, text[9:18], [(9, 9)]))
    outside = Attribution("a5", "indirect", None, None, Content(9, 18, text[9:18], [(9, 18)]),
                          insertions=[(0, 3)])
    bad_claim = Claim("c2", "it rained.", start=9, end=18)
    errors = span_errors(text, [bad_cue, bad_text, bad_piece, outside], [bad_claim])
    assert [e.split(":")[0] for e in errors] == ["a2 cue", "a3 cue", "a4 content", "a5 insertion 0..3 lies outside its content", "claim c2"]


@pytest.mark.slow
@pytest.mark.parametrize("case", [0, 2, 3], ids=["empty-pieces-1", "empty-pieces-2", "empty-pieces-3"])
def test_a_quoted_phrase_of_punctuation_alone_is_no_content(pipeline, case):
    # each crashed in records.Content.of_pieces: a quote whose governing phrase trims to
    # nothing ("»no »‮”comment", mixed) reached write() with the one piece empty
    from onrecord.engine import analyze
    from onrecord.records import span_errors

    assert HOSTILE[case]["error"].startswith("IndexError")
    report = analyze(HOSTILE[case]["text"], published="2024-01-01")
    assert span_errors(report.article.text, report.attributions, report.claims) == []
    assert all(a.content is None or a.content.start < a.content.end for a in report.attributions)


@pytest.mark.slow
def test_a_cue_never_takes_a_have_that_follows_its_verb(pipeline):
    # crashed in stance._reaction_text with spaCy's E035: the parse hung a perfect "have"
    # after the cue verb, cues.cue_span took it as the cue's start, and the cue ended before
    # it began (1227..1188)
    from onrecord.engine import analyze

    assert "E035" in HOSTILE[1]["error"]
    report = analyze(HOSTILE[1]["text"], published="2024-01-01")
    assert all(a.cue is None or a.cue.start < a.cue.end for a in report.attributions)
    assert any(a.cue is not None for a in report.attributions)  # cues are still found


def test_cue_span_looks_for_each_child_on_its_own_side():
    # a hand-built parse of what the misparse looked like: "have" hung as aux *after* "said",
    # an xcomp "comment" *before* "declined"; the cue must still start at or before its end
    import spacy
    from spacy.tokens import Doc

    from onrecord.pipeline import cues

    vocab = spacy.blank("en").vocab
    doc = Doc(vocab, words=["Ann", "said", "have", "it"], heads=[1, 1, 1, 1],
              deps=["nsubj", "ROOT", "aux", "dobj"], lemmas=["Ann", "say", "have", "it"])
    assert cues.cue_span(doc[1]) == (doc[1].idx, doc[1].idx + 4)
    doc = Doc(vocab, words=["comment", "Ann", "declined"], heads=[2, 2, 2],
              deps=["xcomp", "nsubj", "ROOT"], lemmas=["comment", "Ann", "decline"])
    start, end = cues.cue_span(doc[2])
    assert start <= end and doc.text[start:end] == "declined"


def test_according_to_takes_the_to_after_according():
    # found by the one-megabyte paragraph of bench/bench_time_bounds.py: the parse hung a "to"
    # *before* "according" as its child, and the cue "according ... to" ended before it began
    import spacy
    from spacy.tokens import Doc

    from onrecord.inputs.article import from_text
    from onrecord.pipeline import attribution

    words = ["Ann", "went", "to", "according", "the", "town", "rain", "fell", "all", "day"]
    heads = [1, 1, 3, 7, 5, 2, 7, 7, 9, 7]
    deps = ["nsubj", "ROOT", "prep", "prep", "det", "pobj", "nsubj", "ROOT", "det", "npadvmod"]
    doc = Doc(spacy.blank("en").vocab, words=words, heads=heads, deps=deps,
              sent_starts=[True] + [False] * 9)
    ctx = attribution.Context(doc, from_text(doc.text), [], [])
    assert attribution.according_to(ctx) == []  # no "to" after "according": no cue at all
