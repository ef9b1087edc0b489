"""The Article: the text exactly as shown to the user, its metadata, and how it was read.

Readers turn bytes (a plain-text file, an HTML page) into an Article. Every offset onrecord
reports points into ``Article.text``; for plain text that is the file as decoded, unchanged.
"""
from __future__ import annotations

import bisect
import codecs
import datetime as dt
import re
from dataclasses import dataclass, field

from onrecord.errors import DateError, InputError
from onrecord.inputs.structure import Block, label_blocks

_HTML_START = re.compile(rb"^\s*(<!doctype\s+html|<html|<head|<body|<article|<div|<p[\s>])", re.I)

#: Share of control characters above which decoded bytes are not taken for text. A real
#: article has none at all; 1% leaves room for a stray form feed or escape in old files.
_MAX_CONTROL_SHARE = 0.01
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
#: A lone surrogate is not a character: a Python string may hold one, UTF-8 cannot (spaCy's
#: tokenizer raises on it). Each is replaced by U+FFFD, one code point for one, so offsets hold.
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass
class Article:
    """One article: its text, metadata, and structure blocks over the text."""

    text: str
    doc_id: str = "article"
    title: str | None = None
    author: str | None = None
    published: str | None = None
    published_source: str | None = None
    url: str | None = None
    source_format: str = "text"
    encoding: str = "utf-8"
    notes: list[str] = field(default_factory=list)
    outlet: str | None = None
    language: str | None = None  # ISO 639-1, set by the engine's language check
    source: str | None = None  # the input it was read from: a path, "path:line", "path#record", a URL
    warnings: list[str] = field(default_factory=list)  # reading problems the user must see
    blocks: list[Block] = field(default_factory=list)
    _starts: list[int] | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.blocks:
            self.blocks = label_blocks(self.text)

    def block_at(self, offset: int) -> Block | None:
        """The structure block holding the character at ``offset``, if any (binary search)."""
        if self._starts is None or len(self._starts) != len(self.blocks):
            self._starts = [b.start for b in self.blocks]
        i = bisect.bisect_right(self._starts, offset) - 1
        if i >= 0 and offset < self.blocks[i].end:
            return self.blocks[i]
        return None

    def metadata(self) -> dict:
        """The article's metadata as a plain dict (for the JSON output)."""
        return {
            "doc": self.doc_id, "title": self.title, "author": self.author,
            "published": self.published, "published_source": self.published_source,
            "url": self.url, "format": self.source_format, "encoding": self.encoding,
            "notes": list(self.notes), "outlet": self.outlet, "language": self.language,
            "source": self.source,
        }


def parse_published(value: str, source: str = "--published") -> str:
    """A publication date given by the user, checked: YYYY-MM-DD (or YYYY-MM-DDTHH:MM)."""
    try:
        return dt.date.fromisoformat(value.strip()[:10]).isoformat()
    except ValueError:
        raise DateError(f"{source}: {value!r} is not a real date (expected YYYY-MM-DD)") from None


def decode_bytes(data: bytes, source: str) -> tuple[str, str, list[str]]:
    """Decode article bytes: UTF-8 (with or without BOM), UTF-16 with BOM, cp1252, latin-1.

    Returns the text, the encoding used, and notes for the user (a BOM, a legacy encoding).
    Raises InputError for empty, binary or undecodable input.
    """
    if not data.strip():
        raise InputError(source, "the file is empty")
    for bom, name in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                      (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            text = _strict(data, name, source)
            return text, name, [f"a {name.upper()} byte-order mark was found and removed"]
    if b"\x00" in data[:8192]:
        raise InputError(source, "binary file (NUL bytes), not an article")
    try:
        return _checked(data.decode("utf-8"), source), "utf-8", []
    except UnicodeDecodeError:
        pass
    for name in ("cp1252", "latin-1"):
        try:
            text = _checked(data.decode(name), source)
        except UnicodeDecodeError:
            continue
        return text, name, [f"not UTF-8: decoded as {name}"]
    raise InputError(source, "cannot be decoded as UTF-8, cp1252 or latin-1")


def _strict(data: bytes, encoding: str, source: str) -> str:
    try:
        return _checked(data.decode(encoding), source)
    except UnicodeDecodeError as exc:
        raise InputError(source, f"not valid {encoding}: {exc.reason} at byte {exc.start}") from None


def _checked(text: str, source: str) -> str:
    if not text.strip():
        raise InputError(source, "the file holds only white space")
    controls = len(_CONTROL.findall(text))
    if controls > max(1, len(text) * _MAX_CONTROL_SHARE):
        raise InputError(source, "binary or undecodable content (control characters), not an article")
    return text


def looks_like_html(data: bytes, name: str = "") -> bool:
    """True for a name ending in .html/.htm or bytes that open like an HTML document."""
    return name.lower().endswith((".html", ".htm", ".xhtml")) or bool(_HTML_START.match(data[:2048]))


def from_text(text: str, *, doc_id: str = "article", published: str | None = None,
              url: str | None = None) -> Article:
    """An Article from plain text, taken as it is (lone surrogates aside: see ``_SURROGATE``)."""
    text, notes = _without_surrogates(text)
    return Article(text=text, doc_id=doc_id, published=published,
                   published_source="given" if published else None, url=url, notes=notes)


def _without_surrogates(text: str) -> tuple[str, list[str]]:
    """The text with every lone surrogate replaced by U+FFFD, and a note saying so."""
    found = len(_SURROGATE.findall(text))
    if not found:
        return text, []
    return _SURROGATE.sub("\ufffd", text), [f"{found} lone surrogate code point(s) replaced by U+FFFD"]


def from_html(html: str | bytes, *, doc_id: str = "article", url: str | None = None,
              published: str | None = None, source: str = "<html>") -> Article:
    """An Article from an HTML page: main text, title, author, date and URL via trafilatura."""
    import trafilatura  # imported here: plain-text users never pay for it

    try:
        extracted = trafilatura.bare_extraction(html, url=url, with_metadata=True,
                                                include_comments=False, include_tables=False,
                                                favor_recall=True)
        result = extracted.as_dict() if extracted is not None else None
    except Exception as exc:  # trafilatura raises many kinds on broken markup
        raise InputError(source, f"malformed HTML ({type(exc).__name__}: {exc})") from None
    text = (result or {}).get("text") or ""
    if not text.strip():
        raise InputError(source, "no article text found in the HTML")
    date = (result or {}).get("date")
    article = Article(text=text, doc_id=doc_id, title=result.get("title"),
                      author=result.get("author"), url=url or result.get("url"),
                      source_format="html")
    article.warnings += extraction_warnings(html, article)
    if published:
        article.published, article.published_source = published, "given"
    elif date:
        article.published, article.published_source = date, "html metadata"
    return article


#: An extraction keeping less than this share of the page's visible text is flagged: a news
#: page's article is most of its text, menus and footers aside, so a tenth or less means the
#: extractor most likely took a caption or a teaser for the article (a 374 kB page once came
#: out as a 151-character caption). Set by hand, as no set of real pages is kept to tune it on:
#: a lower share misses such pages, a higher one flags long comment threads and link lists.
MIN_EXTRACTED_SHARE = 0.10
#: Pages with less visible text than this (characters) are not checked for the share: on a
#: small page the article may well be a small part, and little can be lost.
MIN_PAGE_CHARS = 1_000


def extraction_warnings(html: str | bytes, article: Article) -> list[str]:
    """Warnings for an extraction that kept a small share of the page, or no paragraph."""
    out = []
    page = _visible_chars(html)
    kept = len("".join(article.text.split()))
    if page >= MIN_PAGE_CHARS and kept < MIN_EXTRACTED_SHARE * page:
        out.append(f"the extracted text is {kept:,} characters, {kept / page:.0%} of the page's "
                   f"{page:,}: the article may not have been found (check the page)")
    if not any(b.kind == "paragraph" for b in article.blocks):
        out.append("no paragraph of article text was extracted (only a headline, caption or "
                   "boilerplate): the article may not have been found (check the page)")
    return out


def _visible_chars(html: str | bytes) -> int:
    """Non-space characters of the page's visible text (scripts and styles left out), by lxml."""
    import lxml.html

    if isinstance(html, str):  # lxml refuses a str that declares its encoding
        html = html.encode("utf-8", "replace")
    try:
        root = lxml.html.fromstring(html)
    except Exception:  # lxml raises several kinds on broken markup; then there is nothing to compare
        return 0
    for bad in root.xpath("//script|//style|//noscript|//template"):
        bad.drop_tree()
    return len("".join(root.text_content().split()))
