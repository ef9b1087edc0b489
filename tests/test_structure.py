"""Structure labels: headline, standfirst, headings, paragraphs, boilerplate — labelled, not deleted."""
from __future__ import annotations

import pytest

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


# ---------------------------------------------------------------- boilerplate of real pages

WIRE_STORY = """Harbour board raises berth fees for a second year

OSTRAVIK, March 4 (Northwind) - The Ostravik harbour board raised berth fees on Monday, its chair said.

"We have no other way to pay for the dredging," chair Lotte Brenner told reporters.

Reporting by the board's own auditors found the dredging had cost twice the estimate.

Reporting by Ana Lind in Ostravik; Additional reporting by Tom Marsh; Editing by Pia Holm

Our Standards: The Northwind Trust Principles.
"""

BROADCASTER_PAGE = """Author
Print this page
Ferry timetable cut over winter

The island ferry will sail twice a day from November, the operator said.

Islanders said the cut would leave them stranded after dark.

This article originally appeared on Coastline Radio.

Print this page
Permalink
Share this article
Related topics
Ferries
Island life
Comments
"""


def labelled(text: str) -> dict[str, tuple[str, str | None]]:
    return {text[b.start:b.end]: (b.kind, b.reason) for b in label_blocks(text)}


def test_wire_credit_and_standards_lines_are_boilerplate():
    got = labelled(WIRE_STORY)
    assert got["Reporting by Ana Lind in Ostravik; Additional reporting by Tom Marsh; Editing by Pia Holm"] \
        == ("boilerplate", "wire credit")
    assert got["Our Standards: The Northwind Trust Principles."] == ("boilerplate", "standards")
    # a sentence of the story that opens with "Reporting by" is the story's
    assert got["Reporting by the board's own auditors found the dredging had cost twice the estimate."][0] \
        == "paragraph"
    assert got["Harbour board raises berth fees for a second year"][0] == "headline"


@pytest.mark.parametrize("line", [
    "(Writing by Ana Lind)",
    "Editing by Pia Holm",
    "Reporting by Ana Lind and Tom Marsh in Ostravik",
])
def test_short_or_bracketed_credit_lines(line):
    assert labelled(f"Head line\n\nThe board met.\n\n{line}\n")[line] == ("boilerplate", "wire credit")


@pytest.mark.parametrize("line", [
    "This article originally appeared on Coastline Radio.",
    "This story was originally published by the Valley Ledger and is republished with permission.",
    "A version of this story first appeared in the Harbour Weekly.",
    "This article is republished from The Fjord Review under a Creative Commons licence.",
])
def test_syndication_notes_are_boilerplate(line):
    assert labelled(f"Head line\n\nThe board met.\n\n{line}\n")[line] == ("boilerplate", "syndication")


@pytest.mark.parametrize("line", [
    "This report was published by the ministry on Monday.",
    "The story first appeared on a local forum, the board said.",
])
def test_story_sentences_about_publishing_stay_paragraphs(line):
    assert labelled(f"Head line\n\nThe board met.\n\n{line}\n")[line][0] == "paragraph"


def test_broadcaster_footer_links_are_boilerplate_never_a_headline():
    got = labelled(BROADCASTER_PAGE)
    assert got["Author"][0] == "boilerplate"  # the page's first line, and no headline
    assert got["Ferry timetable cut over winter"][0] == "headline"
    for line in ("Print this page", "Permalink", "Share this article", "Related topics", "Comments"):
        assert got[line][0] == "boilerplate", line
    # topic links inside the footer list belong to it
    assert got["Ferries"] == got["Island life"] == ("boilerplate", "footer")
    assert got["This article originally appeared on Coastline Radio."] == ("boilerplate", "syndication")
    assert got["Islanders said the cut would leave them stranded after dark."][0] == "paragraph"


def test_a_short_line_outside_a_footer_list_is_not_swallowed():
    text = "Head line\n\nThe board met.\n\nFerries\n\nThe ferry sails at noon.\n\nPermalink\n"
    got = labelled(text)
    assert got["Permalink"][0] == "boilerplate"
    assert got["Ferries"][0] != "boilerplate"


def test_bylines_stamps_galleries_and_page_tails_are_boilerplate():
    text = ("Ferry fares to rise in May\n\nBy Ana Lind and Tom Marsh | 4 April 2026 | 3 min read\n\n"
            "Posted Tue 14 Apr 2026 at 6:05am, updated Tue 14 Apr 2026 at 9:40am\n\n"
            "[1/3] A ferry leaves the harbour at dawn.\n\nListen to this article\n\n"
            "By Tuesday the operator had agreed to talks.\n\n"
            "Published reports say the fares will rise by a tenth.\n\n"
            "Share\n\nRelated stories\n\nHarbour dredging delayed again\n\nTopics\n\nFerries\n")
    kinds = {text[b.start:b.end]: (b.kind, b.reason) for b in label_blocks(text)}
    assert kinds["By Ana Lind and Tom Marsh | 4 April 2026 | 3 min read"] == ("boilerplate", "byline")
    assert kinds["Posted Tue 14 Apr 2026 at 6:05am, updated Tue 14 Apr 2026 at 9:40am"][1] == "timestamp"
    assert kinds["[1/3] A ferry leaves the harbour at dawn."] == ("boilerplate", "caption")
    assert kinds["Listen to this article"][0] == "boilerplate"
    for line in ("Harbour dredging delayed again", "Topics", "Ferries"):
        assert kinds[line] == ("boilerplate", "footer"), line  # the page's tail after its first link
    for sentence in ("By Tuesday the operator had agreed to talks.",
                     "Published reports say the fares will rise by a tenth."):
        assert kinds[sentence][0] == "paragraph", sentence
