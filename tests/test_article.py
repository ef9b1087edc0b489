"""Reading articles: decoding, size and type checks, HTML extraction, one-line errors."""
from __future__ import annotations

import codecs

import pytest

from onrecord.inputs.article import decode_bytes, from_html, looks_like_html
from onrecord.inputs.readers import read_bytes, read_path
from onrecord.errors import InputError

from conftest import DATA


def test_utf8_text_is_kept_exactly():
    data = "“Quoted,” she said.\r\nNext line\n".encode("utf-8")
    text, encoding, notes = decode_bytes(data, "a.txt")
    assert text == data.decode("utf-8") and encoding == "utf-8" and notes == []


def test_bom_is_detected_and_said():
    text, encoding, notes = decode_bytes(codecs.BOM_UTF8 + b"Hello there.", "bom.txt")
    assert text == "Hello there." and encoding == "utf-8-sig"
    assert "byte-order mark" in notes[0]


def test_cp1252_is_detected_and_said():
    text, encoding, notes = decode_bytes(b"\x93We will win,\x94 she said.", "old.txt")
    assert text == "“We will win,” she said." and encoding == "cp1252"
    assert "cp1252" in notes[0]


def test_latin1_when_cp1252_cannot_decode():
    # 0x81 is undefined in cp1252, so only latin-1 reads this
    text, encoding, _ = decode_bytes(b"Caf\xe9 owner \x81said so.", "l1.txt")
    assert encoding == "latin-1" and text.startswith("Café")


@pytest.mark.parametrize("data, problem", [
    (b"", "empty"),
    (b"   \n\t ", "empty"),
    (b"\x00\x01\x02binary\x00", "binary"),
    (bytes(range(0, 32)) * 20, "binary"),
])
def test_bad_bytes_are_refused_with_the_problem(data, problem):
    with pytest.raises(InputError) as err:
        decode_bytes(data, "bad.bin")
    assert problem in str(err.value) and str(err.value).startswith("bad.bin: ")


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_path(tmp_path / "nope.txt")


def test_directory(tmp_path):
    with pytest.raises(InputError, match="is a folder"):
        read_path(tmp_path)


def test_size_limit(tmp_path):
    p = tmp_path / "big.txt"
    p.write_text("word " * 100)
    with pytest.raises(InputError, match="over the 100-byte limit"):
        read_path(p, limit=100)
    assert read_path(p, limit=1000).text.startswith("word")


def test_doc_id_is_the_file_name_without_extension(tmp_path):
    p = tmp_path / "city-hall.txt"
    p.write_text("The mayor said so.")
    assert read_path(p).doc_id == "city-hall"


def test_html_page_gives_text_and_metadata():
    article = read_path(DATA / "page.html")
    assert article.source_format == "html"
    assert article.title == "Ferry fares to rise in spring, operator says"
    assert article.published == "2026-01-20" and article.published_source == "html metadata"
    assert "fares would rise by eight percent" in article.text
    assert "Subscribe" not in article.text.split("\n")[0]
    assert "<p>" not in article.text


def test_published_option_wins_over_html_metadata():
    article = read_path(DATA / "page.html", published="2026-01-21")
    assert article.published == "2026-01-21" and article.published_source == "given"


def test_html_without_text_is_refused():
    with pytest.raises(InputError, match="no article text"):
        from_html("<html><head><title>x</title></head><body></body></html>", source="empty.html")


def test_malformed_html_is_read_or_refused_cleanly():
    broken = b"<html><body><p>The council said on Monday that the <b>ferry would run</p><div><p>again"
    try:
        article = read_bytes(broken, name="broken.html")
    except InputError as exc:
        assert str(exc).startswith("broken.html: ")
    else:
        assert "ferry would run" in article.text


def test_html_is_recognised_by_name_or_content():
    assert looks_like_html(b"<!DOCTYPE html><html>", "x.txt")
    assert looks_like_html(b"whatever", "page.htm")
    assert not looks_like_html(b"The <b> tag is mentioned in prose.", "note.txt")
