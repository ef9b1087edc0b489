"""Crashes found by the property tests and the reader fuzzing, kept as tests.

Each test names the input that crashed and where it crashed.
"""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from onrecord.inputs.article import from_text, read_bytes
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


def test_batch_jsonl_fields_of_the_wrong_type_are_refused_or_ignored():
    from onrecord.batch import inputs

    for line in (b'{"text": true}', b'{"url": [null], "text": "Ann said it rained."}', b'[1]', b'"x"',
                 b'{"html": 5}', b'{"text": "x", "published": ["2025"]}', b'\xff\xfe'):
        unit = inputs._jsonl_item(line, "f.jsonl:1", "f-1")
        assert isinstance(unit, (inputs.Item, inputs.Failure))
        if isinstance(unit, inputs.Item):
            assert isinstance(unit.payload, str) and unit.url is None and unit.published is None


# -- the fuzz harness itself runs (the long run is `make fuzz`) ------------------------------------


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
