"""Fuzz the readers (text, HTML, JSONL, WARC) with hypothesis for a bounded time (issue 7, part 2).

    .venv/bin/python fuzz/fuzz_readers.py                 # FUZZ_SECONDS (default 60), shared by the targets
    .venv/bin/python fuzz/fuzz_readers.py --seconds 10 --target warc
    make fuzz FUZZ_SECONDS=300

Every target feeds generated and mutated input to one reader of ``onrecord.inputs.article``,
``onrecord.store.sources`` or ``onrecord.batch.inputs``/``worker`` (no spaCy: the readers only)
and asserts the reader's contract: an Article, an Item, or a refusal naming the input (an
``InputError``, an ``Item``/``Failure`` with a reason), never any other exception. A crash is
printed with hypothesis's shrunk input and the command ends with status 1; each crash found
is kept as a test in ``tests/test_regressions.py`` once fixed (or marked xfail there when
it lies in a module owned by someone else).

Targets whose crash is known and reported (xfail in tests/test_regressions.py) are listed in
``KNOWN``; ``--all`` fuzzes them too.
"""
from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import sys
import tempfile
import time
import traceback
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from onrecord.inputs.article import Article
from onrecord.inputs.readers import read_bytes
from onrecord.errors import OnrecordError

SEED_TEXT = ("Water row deepens\n\nCouncillor Mara Quell said on Monday that “the reservoir is unsafe.”\r\n"
             "\"We knew,\" she added. The authority declined to comment.\n")
SEED_HTML = ("<!doctype html><html><head><title>Water row</title><meta name=\"author\" content=\"A. Reporter\">"
             "<meta property=\"article:published_time\" content=\"2025-03-04\"></head><body><article>"
             "<h1>Water row deepens</h1><p>Councillor Mara Quell said on Monday that “the reservoir is "
             "unsafe.”</p><p>\"We knew,\" she added. The authority declined to comment.</p></article></body></html>")


def seed_warc(gz: bool) -> bytes:
    """A small WARC: one HTML response, one image, one request."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=gz)
    for url, body, ctype in (("https://news.example/a", SEED_HTML.encode(), "text/html; charset=utf-8"),
                             ("https://news.example/logo.png", b"\x89PNG\r\n", "image/png")):
        headers = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                                      http_headers=headers,
                                                      warc_headers_dict={"WARC-Date": "2025-03-04T10:00:00Z"}))
    return buf.getvalue()


@st.composite
def mutated(draw, seed: bytes) -> bytes:
    """The seed with a few random edits: flips, cuts, insertions, repeated slices, truncation."""
    data = bytearray(seed)
    for _ in range(draw(st.integers(0, 8))):
        if not data:
            break
        op = draw(st.sampled_from(["flip", "cut", "insert", "dup", "truncate"]))
        i = draw(st.integers(0, len(data) - 1))
        if op == "flip":
            data[i] = draw(st.integers(0, 255))
        elif op == "cut":
            del data[i:i + draw(st.integers(1, 64))]
        elif op == "insert":
            data[i:i] = draw(st.binary(min_size=1, max_size=32) | st.sampled_from(
                [b"\x00", b"\r", b"\r\n", b"<", b"</p>", b"<script>", b"\"", b"\xe2\x80", b"\xff\xfe", b"\n\n"]))
        elif op == "dup":
            j = draw(st.integers(i, min(len(data), i + 200)))
            data[i:i] = data[i:j] * draw(st.integers(1, 20))
        else:
            del data[i:]
    return bytes(data)


json_scalar = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=40)
json_values = st.recursive(json_scalar, lambda inner: st.lists(inner, max_size=3) |
                           st.dictionaries(st.text(max_size=8), inner, max_size=3), max_leaves=8)
KEYS = ["url", "html", "text", "published", "outlet", "title", "id", "doc"]


@st.composite
def jsonl_lines(draw) -> bytes:
    """A JSONL line: a record with the known keys holding any JSON value, or broken bytes."""
    kind = draw(st.sampled_from(["record", "record", "value", "bytes"]))
    if kind == "bytes":
        return draw(st.binary(max_size=200) | mutated(json.dumps({"url": "https://a.example/x",
                                                                   "text": SEED_TEXT}).encode()))
    if kind == "value":
        return json.dumps(draw(json_values)).encode()
    rec = draw(st.dictionaries(st.sampled_from(KEYS), json_values | st.sampled_from(
        [SEED_TEXT, SEED_HTML, "2025-03-04", "https://news.example/a", "javascript:x", "", " "]), max_size=6))
    return json.dumps(rec, allow_nan=True).encode()


# -- targets: each calls one reader and checks its contract ------------------------------------


def _article_ok(article: Article) -> None:
    text = article.text
    assert isinstance(text, str) and text.strip()
    for b in article.blocks:
        assert 0 <= b.start < b.end <= len(text)


def target_text(data: bytes) -> None:
    """readers.read_bytes on a .txt name: an Article or an InputError."""
    try:
        _article_ok(read_bytes(data, name="fuzz.txt", limit=1 << 20))
    except OnrecordError:
        pass


def target_html(data: bytes) -> None:
    """readers.read_bytes on a .html name (trafilatura): an Article or an InputError."""
    try:
        _article_ok(read_bytes(data, name="fuzz.html", limit=1 << 20))
    except OnrecordError:
        pass


def target_jsonl_batch(line: bytes) -> None:
    """inputs.readers.jsonl_record then batch's worker.to_article: Item/Failure, then Article or OnrecordError."""
    from onrecord.batch import inputs, worker
    from onrecord.inputs import readers

    unit = readers.jsonl_record(line, "fuzz.jsonl:1", "fuzz-1")
    assert isinstance(unit, (inputs.Item, inputs.Failure))
    if isinstance(unit, inputs.Item):
        try:
            _article_ok(worker.to_article(unit))
        except OnrecordError:
            pass


def target_jsonl_store(line: bytes) -> None:
    """store.sources.jsonl_item (``onrecord ingest``): an Item with an article or an error."""
    from onrecord.store import sources

    item = sources.jsonl_item(line.decode("utf-8", "replace"), "fuzz.jsonl:1")
    assert (item.article is None) != (item.error is None)
    if item.article is not None:
        _article_ok(item.article)


def _warc_file(data: bytes, gz: bool) -> Path:
    fd, name = tempfile.mkstemp(suffix=".warc.gz" if gz else ".warc")
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    return Path(name)


def target_warc_batch(data: bytes, gz: bool = False) -> None:
    """inputs.readers.iter_warc then batch's worker.to_article: never an exception out of the reader."""
    from onrecord.batch import inputs, worker
    from onrecord.inputs import readers

    path = _warc_file(data, gz)
    try:
        for unit in readers.iter_warc(str(path)):
            assert isinstance(unit, (inputs.Item, inputs.Failure))
            if isinstance(unit, inputs.Item):
                try:
                    _article_ok(worker.to_article(unit))
                except OnrecordError:
                    pass
    finally:
        path.unlink()


def target_warc_store(data: bytes, gz: bool = False) -> None:
    """store.sources.iter_warc (``onrecord ingest``): Items, never an exception."""
    from onrecord.store import sources

    path = _warc_file(data, gz)
    try:
        for item in sources.iter_warc(path):
            assert (item.article is None) != (item.error is None)
    finally:
        path.unlink()


def target_sidecar(meta: bytes) -> None:
    """store.sources.read_article_file with a NAME.meta.json beside it: an Item, never an exception."""
    from onrecord.store import sources

    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "a.txt").write_text(SEED_TEXT)
        (Path(tmp) / "a.meta.json").write_bytes(meta)
        item = sources.read_article_file(Path(tmp) / "a.txt")
        assert (item.article is None) != (item.error is None)


def strategies() -> dict:
    """Each target with the strategy that feeds it."""
    warc, warc_gz = seed_warc(False), seed_warc(True)
    sidecar = st.dictionaries(st.sampled_from(KEYS), json_values | st.text(max_size=20), max_size=4).map(
        lambda d: json.dumps(d).encode()) | mutated(b'{"url": "https://a.example/x", "published": "2025-03-04"}')
    return {
        "text": (target_text, st.binary(max_size=600) | mutated(SEED_TEXT.encode()) |
                 st.text(max_size=300).map(lambda t: t.encode("utf-8", "surrogatepass"))),
        "html": (target_html, mutated(SEED_HTML.encode()) | st.binary(max_size=300).map(lambda b: b"<html>" + b)),
        "jsonl-batch": (target_jsonl_batch, jsonl_lines()),
        "jsonl-store": (target_jsonl_store, jsonl_lines()),
        "warc-batch": (lambda d: target_warc_batch(d[1], d[0]),
                       st.one_of(mutated(warc).map(lambda b: (False, b)), mutated(warc_gz).map(lambda b: (True, b)))),
        "warc-store": (lambda d: target_warc_store(d[1], d[0]),
                       st.one_of(mutated(warc).map(lambda b: (False, b)), mutated(warc_gz).map(lambda b: (True, b)))),
        "sidecar": (target_sidecar, sidecar),
    }


#: Targets with a known, reported crash not fixed yet (an xfail in tests/test_regressions.py):
#: fuzzed only with --all, so that `make fuzz` stays a gate. None at present: a target is
#: listed here only while its crash is open.
KNOWN: set[str] = set()


def fuzz(name: str, target, strategy, seconds: float) -> tuple[int, str | None]:
    """Run ``target`` on generated input for ``seconds``: (examples run, the crash or None)."""
    count = 0

    def counted(value):
        nonlocal count
        count += 1
        with contextlib.redirect_stderr(io.StringIO()):  # warcio's warnings on torn records
            target(value)

    stop = time.monotonic() + seconds
    while time.monotonic() < stop:
        run = settings(max_examples=200, deadline=None, database=None, derandomize=False,
                       phases=[Phase.generate, Phase.shrink],
                       suppress_health_check=list(HealthCheck))(given(strategy)(counted))
        try:
            run()
        except Exception:
            return count, traceback.format_exc(limit=-6)
    return count, None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=float(os.environ.get("FUZZ_SECONDS", 60)),
                        help="total fuzzing time, shared by the targets (default FUZZ_SECONDS or 60)")
    parser.add_argument("--target", action="append", help="fuzz only these targets (repeatable)")
    parser.add_argument("--all", action="store_true", help="also the targets with known, reported crashes")
    args = parser.parse_args(argv)
    table = strategies()
    names = args.target or [n for n in table if args.all or n not in KNOWN]
    share = args.seconds / len(names)
    crashes = 0
    for name in names:
        target, strategy = table[name]
        count, crash = fuzz(name, target, strategy, share)
        print(f"{name:12} {count:7,} inputs  {'CRASH' if crash else 'ok'}", flush=True)
        if crash:
            crashes += 1
            print(crash, file=sys.stderr)
    print(f"fuzzed {len(names)} targets for {args.seconds:.0f} s: {crashes} crashing")
    return 1 if crashes else 0


if __name__ == "__main__":
    sys.exit(main())
