"""Quote marks: curly and straight, stray marks, quotes over paragraphs, insertions."""
from __future__ import annotations

from onrecord.pipeline.quotes import find_quotes
from onrecord.inputs.structure import label_blocks


def quotes(text: str) -> list[str]:
    return [text[q.start:q.end] for q in find_quotes(text, label_blocks(text))]


def test_curly_and_straight():
    text = 'He said, “Yes.” Then she said, "No."'
    assert quotes(text) == ["“Yes.”", '"No."']


def test_a_stray_mark_does_not_lose_the_paragraph():
    # textacy gives up on a paragraph with an odd number of marks; onrecord drops the stray one
    text = 'The 12" pipe burst, and "we will fix it today," the engineer said.'
    assert quotes(text) == ['"we will fix it today,"']


def test_open_quote_continues_into_a_paragraph_that_opens_with_a_mark():
    text = '“First part of the speech goes on\n\n“and ends here,” she said.\n'
    found = find_quotes(text, label_blocks(text))
    assert [text[q.start:q.end] for q in found] == ["“First part of the speech goes on", "“and ends here,”"]
    assert found[0].closed is False and found[1].closed is True


def test_short_unclosed_mark_is_not_a_quote():
    text = 'Prices rose "sharply.\n\nNothing else here.\n'
    assert quotes(text) == []


def test_insertions_inside_quotes():
    text = '“He [the minister] knew it,” she said. [Editor: see below]'
    q = find_quotes(text, label_blocks(text))[0]
    assert [text[s:e] for s, e in q.insertions] == ["[the minister]"]


def test_whole_paragraph_quote_is_marked():
    text = 'She spoke.\n\n“A whole paragraph of quote.”\n'
    found = find_quotes(text, label_blocks(text))
    assert found[0].whole_block
