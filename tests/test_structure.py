"""Structure labels: headline, standfirst, headings, paragraphs, boilerplate — labelled, not deleted."""
from __future__ import annotations

from onrecord.inputs.structure import label_blocks, split_lines

from conftest import DATA


def kinds(text: str) -> dict[int, str]:
    return {b.line: b.kind for b in label_blocks(text)}


def test_example_article_labels():
    got = kinds((DATA / "harbour-bridge.txt").read_text())
    assert got[1] == "headline"
    assert got[5] == got[6] == "boilerplate"  # a credited caption and its repeat
    assert got[16] == "heading"
    assert got[20] == "boilerplate"  # newsletter prompt
    assert got[3] == got[10] == got[28] == "paragraph"


def test_blocks_point_into_the_text_exactly():
    text = (DATA / "harbour-bridge.txt").read_text()
    for block in label_blocks(text):
        body = text[block.start:block.end]
        assert body == body.strip() and body


def test_crlf_and_lone_cr_lines():
    text = "Head line\r\n\r\nFirst paragraph here.\rSecond one.\n"
    assert [text[s:e] for s, e, _ in split_lines(text)] == ["Head line", "First paragraph here.", "Second one."]


def test_prompts_and_credits_are_boilerplate():
    text = ("Title of the story\n\nThe council met.\n\nSubscribe to our newsletter\n\n"
            "Share this article\n\nA view of the port (credit: JANE DOE)\n\nRelated: other news\n")
    got = kinds(text)
    assert [got[n] for n in (5, 7, 9, 11)] == ["boilerplate"] * 4
    assert got[3] == "paragraph"


def test_standfirst_repeated_in_the_body():
    lead = "The river flooded the town twice this year, and the council has no plan to stop a third."
    text = f"Flood town waits\n\n{lead}\n\nBody text goes here at some length.\n\n{lead}\n"
    assert kinds(text)[3] == "standfirst"


def test_a_sentence_is_not_a_heading():
    text = "Headline here\n\nIntro paragraph that runs on.\n\nShe said it would rain.\n"
    assert kinds(text)[5] == "paragraph"
