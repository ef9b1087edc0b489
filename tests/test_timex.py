"""Time expressions, the publication date, and when each statement was made (timex.py)."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from onrecord.quality import gold_checks
from onrecord.pipeline import timex
from onrecord.inputs.article import Article, from_text
from onrecord.errors import DateError

DATA = Path(__file__).parent / "data"
SHARED = Path(__file__).parents[2] / "shared"
FIXTURE = SHARED / "fixtures" / "trump-soleimani.txt"
SUNDAY = dt.date(2024, 1, 7)


def value(text: str, pub: dt.date | None = SUNDAY, tense: str | None = None) -> tuple:
    t = timex.normalise(text, 0, len(text), pub, tense)
    return t.value, t.type, t.mod


# ---------------------------------------------------------------- normalising, no model

@pytest.mark.parametrize("text, want", [
    ("January 2020", ("2020-01", "DATE", None)),
    ("October 2, 2023", ("2023-10-02", "DATE", None)),
    ("mid-October 2023", ("2023-10", "DATE", "MID")),
    ("early 2020", ("2020", "DATE", "START")),
    ("the end of March 2021", ("2021-03", "DATE", "END")),
    ("back in 2020", ("2020", "DATE", None)),
    ("2017-2018", ("2017/2018", "DATE", None)),
    ("2017–18", ("2017/2018", "DATE", None)),
    ("between 2017 and 2019", ("2017/2019", "DATE", None)),
    ("nearly two years", ("P2Y", "DURATION", "LESS_THAN")),
    ("about three weeks", ("P3W", "DURATION", "APPROX")),
    ("a period of months", ("PXM", "DURATION", None)),
    ("the 1990s", ("199", "DATE", None)),
    ("summer 2021", ("2021-SU", "DATE", None)),
])
def test_absolute_and_duration_values(text, want):
    assert value(text) == want


@pytest.mark.parametrize("text, want", [
    ("Sunday", "2024-01-07"),          # publication day is itself a Sunday
    ("on Friday", "2024-01-05"),
    ("last Sunday", "2023-12-31"),
    ("at press time", "2024-01-07"),
    ("yesterday", "2024-01-06"),
    ("two weeks ago", "2023-W51"),     # 2023-12-24, ISO week 51
    ("three days ago", "2024-01-04"),
    ("last year", "2023"),
    ("next month", "2024-02"),
    ("March 3", "2024-03-03"),        # no tense: the nearest 3 March (56 days ahead, not 310 behind)
    ("December 28", "2023-12-28"),    # the nearest is ten days behind
])
def test_relative_values_against_the_publication_date(text, want):
    assert value(text)[0] == want


def test_weekday_in_a_future_sentence_is_the_next_one():
    assert value("Tuesday", tense="future")[0] == "2024-01-09"


JAN_20 = dt.date(2025, 1, 20)


@pytest.mark.parametrize("text, tense, want", [
    ("Feb. 9", "future", "2025-02-09"),
    ("Feb. 9", "past", "2024-02-09"),
    ("Feb. 9", None, "2025-02-09"),     # 20 days ahead against 346 behind
    ("3 March", "past", "2024-03-03"),
    ("on 3 March", "future", "2025-03-03"),
    ("Jan. 20", "past", "2025-01-20"),  # the publication day fits either tense
    ("Jan. 20", "future", "2025-01-20"),
    ("Jan. 18", "future", "2026-01-18"),
    ("December 30", None, "2024-12-30"),
    ("December", "future", "2025-12"),
    ("December", "past", "2024-12"),
    ("January", "past", "2025-01"),     # the month of publication is behind and ahead
])
def test_month_and_day_without_a_year_follow_the_tense(text, tense, want):
    assert value(text, pub=JAN_20, tense=tense)[0] == want


def test_29_february_without_a_year_is_the_nearest_leap_day():
    assert value("Feb. 29", pub=dt.date(2024, 1, 20), tense="past")[0] is None  # none within a year behind
    assert value("Feb. 29", pub=dt.date(2024, 1, 20), tense="future")[0] == "2024-02-29"


@pytest.mark.parametrize("text, want", [
    ("Sunday", "XXXX-WXX-7"),
    ("at press time", "PRESENT_REF"),
    ("yesterday", None),
    ("two weeks ago", None),
    ("March 3", "XXXX-03-03"),
    ("January 2020", "2020-01"),       # absolute dates need no publication date
])
def test_without_a_publication_date_relative_values_stay_relative(text, want):
    assert value(text, pub=None)[0] == want


def test_anchored_expression_is_kept_relative_to_its_anchor():
    t = timex.normalise("two days before the operation", 0, 29, None)
    assert (t.value, t.anchor) == (None, "the operation")


# ---------------------------------------------------------------- the publication date, no model

def test_parse_published_rejects_an_impossible_date():
    with pytest.raises(DateError, match="2023-02-30"):
        timex.parse_published("2023-02-30")
    assert timex.parse_published("2024-01-07T09:30") == "2024-01-07"


def test_impossible_given_date_raises():
    with pytest.raises(DateError):
        timex.check_published(from_text("Text.", published="2023-02-30"))


def test_future_given_date_is_kept_with_a_warning():
    article = from_text("Text.", published=(dt.date.today() + dt.timedelta(days=30)).isoformat())
    warnings = timex.check_published(article)
    assert warnings and "future" in warnings[0] and article.published


def test_bad_html_date_is_dropped_with_a_warning():
    article = Article(text="Text.", published="2023-13-45", published_source="html metadata")
    warnings = timex.check_published(article)
    assert article.published is None and "not a real date" in warnings[0]


def test_dateline_sets_the_publication_date():
    article = from_text("Headline\n\nMILLBROOK, March 12, 2024 (Valley Ledger) — The council met.\n")
    assert timex.check_published(article) == []
    assert (article.published, article.published_source) == ("2024-03-12", "dateline")


def test_published_line_is_a_dateline():
    day, span = timex.find_dateline("Headline\nPublished: 4 June 2023\n\nBody text here.\n")
    assert day == dt.date(2023, 6, 4)
    assert "Headline\nPublished: 4 June 2023"[span[0]:span[1]] == "4 June 2023"


def test_future_dateline_is_ignored_with_a_warning():
    future = dt.date.today() + dt.timedelta(days=400)
    article = from_text(f"LONDON, {future:%B} {future.day}, {future.year} (Wire) — Text follows here.\n")
    warnings = timex.check_published(article)
    assert article.published is None and "future" in warnings[0]


def test_no_date_anywhere_gives_a_warning():
    article = from_text("A headline\n\nThe council met on Sunday and talked.\n")
    assert "no publication date" in timex.check_published(article)[0]


def test_a_date_deep_in_the_story_is_not_a_dateline():
    text = "Head\n\n" + "Para.\n\n" * 6 + "March 3, 2020\n"
    assert timex.find_dateline(text) is None


# ---------------------------------------------------------------- with the model

def analyze_file(name: str, published: str | None = None):
    from onrecord.inputs.readers import read_path
    from onrecord.engine import analyze_article
    return analyze_article(read_path(DATA / name, published=published))


def gold(name: str) -> dict:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


@pytest.mark.slow
def test_dated_article_every_timex_value():
    report = analyze_file("time-millbrook-bridge.txt")
    figures = gold_checks.timex_figures(gold("time-millbrook-bridge.gold.json")["timexes"], report)
    assert figures["timex values"] == "13/13 right", figures
    assert (report.article.published, report.article.published_source) == ("2024-03-12", "dateline")


@pytest.mark.slow
def test_anchored_expression_resolves_against_the_anchors_date():
    report = analyze_file("time-millbrook-bridge.txt")
    t = next(t for t in report.timexes if t.text == "Two days before the vote")
    assert (t.value, t.anchor) == ("2024-02-18", "the vote")


@pytest.mark.slow
def test_dated_article_when_of_each_statement():
    report = analyze_file("time-millbrook-bridge.txt")
    figures = gold_checks.attribution_figures(gold("time-millbrook-bridge.gold.json"), report)
    assert figures["when right"] == "6/6", figures


@pytest.mark.slow
def test_time_inside_the_content_is_not_the_statements_time():
    report = analyze_file("time-millbrook-bridge.txt")
    added = next(a for a in report.attributions if a.cue and a.cue.text == "added")
    assert "2025" in added.content.text and added.when.value == "2022-08"
    hale = next(a for a in report.attributions if a.speaker and a.speaker.entity == "Victor Hale")
    assert hale.when is None


@pytest.mark.slow
def test_undated_article_keeps_relative_times_relative():
    report = analyze_file("time-undated-shelters.txt")
    assert report.article.published is None
    assert any("no publication date" in w for w in report.warnings)
    whens = {a.when.value for a in report.attributions if a.when}
    assert whens == {"XXXX-WXX-7", "PRESENT_REF"}
    figures = gold_checks.attribution_figures(gold("time-undated-shelters.gold.json"), report)
    assert figures["when right"] == "2/2", figures


@pytest.mark.slow
def test_given_date_overrides_and_resolves_the_weekday():
    report = analyze_file("time-undated-shelters.txt", published="2024-10-09")  # a Wednesday
    assert {a.when.value for a in report.attributions if a.when} == {"2024-10-06", "2024-10-09"}


@pytest.mark.slow
@pytest.mark.parametrize("sentence, want", [
    ("The ceremony will be held on Feb. 9, the organisers said.", ("future", "2025-02-09")),
    ("The ceremony is scheduled for Feb. 9.", ("future", "2025-02-09")),
    ("The museum is set to open on Feb. 9.", ("future", "2025-02-09")),
    ("The ceremony was held on Feb. 9, the organisers said.", ("past", "2024-02-09")),
    ("The mayor said on Feb. 9 that the bridge was safe.", ("past", "2024-02-09")),
    ("The jury met on 3 March.", ("past", "2024-03-03")),
    ("The vote was scheduled for Feb. 9.", (None, "2025-02-09")),     # may or may not have happened
    ("Officials said the bridge would reopen on Feb. 9.", (None, "2025-02-09")),
])
def test_the_sentence_tense_places_a_date_without_a_year(pipeline, sentence, want):
    doc = pipeline(sentence)
    found = [t for t in timex.find_timexes(doc, from_text(sentence, published="2025-01-20"))
             if "Feb" in t.text or "March" in t.text]
    assert len(found) == 1
    assert (timex.sentence_tense(doc, found[0].start), found[0].value) == want


# ---------------------------------------------------------------- the shared fixture

needs_shared = pytest.mark.skipif(not FIXTURE.exists(), reason=f"{SHARED} (the shared fixtures) is absent")


@pytest.mark.slow
@pytest.mark.shared
@needs_shared
@pytest.mark.parametrize("published", [None, "2024-01-07"])
def test_fixture_timexes_and_interview_time(published):
    from onrecord.inputs.readers import read_path
    from onrecord.engine import analyze_article
    report = analyze_article(read_path(FIXTURE, published=published))
    fixture_gold = json.loads(FIXTURE.with_suffix(".gold.json").read_text(encoding="utf-8"))
    assert gold_checks.timex_figures(fixture_gold["timexes"], report)["timex values"] == "6/6 right"
    post = [a for a in report.attributions if a.when and a.when.value == "2022-08"]
    assert len(post) >= 3  # "In an interview with the Post in August 2022" and the quotes after it
    sunday = next(a for a in report.attributions if a.when and a.when.text == "Sunday")
    assert sunday.when.value == ("2024-01-07" if published else "XXXX-WXX-7")
