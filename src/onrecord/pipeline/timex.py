"""Time expressions normalised against the publication date, and when each statement was made.

Find, then write (../STYLE.md, lesson 2):

- ``check_published`` checks the publication date the article came with (``--published``,
  HTML metadata) or looks for a dateline at the top of the text, and says which it used.
- ``find_timexes`` takes spaCy's DATE/TIME entities plus the hand-written patterns below
  ("at press time", "back in 2020", "2017-2018", "two days before the operation"), and gives
  each a TIMEX3 value against the publication date.
- ``assign_when`` sets each attribution's ``when``: the time of the statement, never a time
  inside what was said.

dateparser parses absolute dates ("October 2, 2023", "January 2020", "2020") and relative
ones it can resolve against a known publication date ("two weeks ago", "March 3"). Everything
else here is hand-written and says so: modifiers (mid-/early/late), ranges, durations,
weekdays, "press time", yesterday/today, last/next week, anchored expressions, datelines.
When the publication date is unknown a relative expression keeps a TIMEX3 relative value
(``XXXX-WXX-7`` for "Sunday", ``PRESENT_REF`` for "at press time") or None; never a guess.
"""
from __future__ import annotations

import bisect
import datetime as dt
import functools
import re
from dataclasses import dataclass

from spacy.tokens import Doc, Token

from onrecord.inputs.article import Article, parse_published  # noqa: F401 (parse_published: re-exported)
from onrecord.errors import DateError
from onrecord.records import Attribution, Timex, When
from onrecord.pipeline.doccache import cue_token, doc_ents

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december")
_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
            "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
            "several": None, "few": None, "a few": None}
_UNITS = {"minute": "TM", "hour": "TH", "day": "D", "week": "W", "month": "M", "year": "Y",
          "decade": "DE", "century": "CE"}
_MODS = {"early": "START", "the beginning of": "START", "the start of": "START",
         "mid": "MID", "mid-": "MID", "the middle of": "MID", "late": "END", "the end of": "END"}
#: "nearly two years" is less than two years; "about two years" is around it (TimeML mods).
_QUALIFIERS = {"nearly": "LESS_THAN", "almost": "LESS_THAN", "less than": "LESS_THAN",
               "under": "LESS_THAN", "more than": "MORE_THAN", "over": "MORE_THAN",
               "about": "APPROX", "around": "APPROX", "some": "APPROX", "roughly": "APPROX",
               "approximately": "APPROX"}

_NUM = r"(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|several|a few)"
_UNIT = r"(?:minute|hour|day|week|month|year|decade|centur(?:y|ie))s?"
_QUAL = r"(?:nearly|almost|less than|under|more than|over|about|around|some|roughly|approximately)"
_MONTH = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|" \
         r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_FULL_DATE = rf"(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|\d{{1,2}}\s+{_MONTH},?\s+\d{{4}}|\d{{4}}-\d\d-\d\d)"

#: Patterns spaCy's NER misses or cuts short; each is hand-written (see the module docstring).
#: Each comes with the characters its matches can start with: a lookahead for them opens the
#: compiled pattern, so re scans for those characters instead of trying the whole pattern at
#: every position (the same matches; the scan over an article about twice as fast).
_PATTERNS = [re.compile(rf"(?=[{first}]){p}", re.I) for first, p in (
    (r"a", r"\b(?:at|as of)\s+press\s+time\b"),
    (r"a", r"\bat\s+the\s+time\s+of\s+(?:writing|publication)\b"),
    (r"b", r"\bback\s+in\s+(?:the\s+)?\d{4}s?\b"),
    (r"\d", r"\b\d{4}\s*[-–—/]\s*(?:\d{4}|\d\d)\b(?![-/]\d)"),
    (r"bf", r"\b(?:between|from)\s+\d{4}\s+(?:and|to|until)\s+\d{4}\b"),
    (r"elm", rf"\b(?:mid-?|early\s+|late\s+)(?:{_MONTH}\s+)?\d{{4}}\b"),
    (r"m", rf"\bmid-{_MONTH}(?:\s+\d{{4}})?"),
    (r"\daeflmnorstu", rf"\b(?:{_QUAL}\s+)?{_NUM}\s+{_UNIT}\s+(?:before|after|prior\s+to|ahead\s+of)\s+(?:the|a|his|her|their|its)\s+[a-z]+"),
    (r"\daefnost", rf"\b{_NUM}\s+{_UNIT}\s+(?:ago|earlier|later)\b"),
    (r"almnorsu", rf"\b(?:{_QUAL}\s+){_NUM}\s+{_UNIT}\b"),
    (r"lnt", r"\b(?:last|next|this)\s+(?:week|month|year|weekend)\b"),
    (r"ty", r"\b(?:yesterday|today|tomorrow|tonight)\b"),
    (r"flmnstw", r"\b(?:(?:last|next|this)\s+)?(?:mon|tues|wednes|thurs|fri|satur|sun)day\b"),
)]


# ---------------------------------------------------------------- the publication date

def check_published(article: Article) -> list[str]:
    """Check the article's publication date, or find one in a dateline; return warnings.

    An impossible date raises DateError. A date in the future is kept when the user gave it
    (with a warning) and dropped when it came from the text or the page (with a warning), so
    no wrong date is ever presented as certain. The dateline search is hand-written.
    """
    if article.published:
        return _check_given(article)
    found = find_dateline(article.text)
    if found is None:
        return ["no publication date found (give --published): relative times are kept relative"]
    day, _span = found
    if day > dt.date.today():
        return [f"the dateline's date {day.isoformat()} is in the future: ignored"]
    article.published, article.published_source = day.isoformat(), "dateline"
    return []


def _check_given(article: Article) -> list[str]:
    source = article.published_source or "given"
    try:
        day = publication_date(article)
    except DateError:
        if source == "given":
            raise
        bad = article.published
        article.published = article.published_source = None
        return [f"the {source} date {bad!r} is not a real date: ignored"]
    if day is not None and day > dt.date.today():
        if source == "given":
            return [f"the publication date {day.isoformat()} is in the future"]
        article.published = article.published_source = None
        return [f"the {source} date {day.isoformat()} is in the future: ignored"]
    return []


def publication_date(article: Article) -> dt.date | None:
    """The article's publication date as a date, or None; DateError when it is not a date."""
    if not article.published:
        return None
    source = article.published_source or "given"
    return dt.date.fromisoformat(parse_published(article.published, "--published" if source == "given" else source))


#: A dateline is looked for in the first lines only: past the headline, standfirst and byline
#: (three to five lines in the articles we read) a date belongs to the story, not the page.
_DATELINE_LINES = 6
#: A line holding a date alone (or "Published: date") is short; 12 words leaves room for a
#: byline beside the date while a sentence of the story is longer.
_DATELINE_MAX_WORDS = 12
_DATELINE = re.compile(
    rf"^\s*(?:(?:published|posted|updated)(?:\s+on)?\s*:?\s*)?(?:[A-Z][A-Za-z]+day,?\s+)?(?P<d>{_FULL_DATE})"
    rf"|^\s*[A-Z][A-Z .'’-]+,\s*(?:[A-Z][a-z]+\s+)?(?:[A-Z][a-z]+day,?\s+)?(?P<c>{_FULL_DATE})", re.I)


def find_dateline(text: str) -> tuple[dt.date, tuple[int, int]] | None:
    """A dateline near the top of the text ("LONDON, March 3, 2024 (Reuters) -", a line
    holding only a date, "Published: ..."): the date and its offsets. Hand-written."""
    offset = 0
    for n, line in enumerate(text.splitlines(keepends=True)):
        if n >= _DATELINE_LINES:
            break
        m = _DATELINE.match(line)
        if m and (len(line.split()) <= _DATELINE_MAX_WORDS or m.group("c")):
            key = "d" if m.group("d") else "c"
            day = _absolute_day(m.group(key))
            if day is not None:
                return day, (offset + m.start(key), offset + m.end(key))
        offset += len(line)
    return None


def _absolute_day(text: str) -> dt.date | None:
    """A full date (with day and year) parsed by dateparser, or None."""
    data = _parser().get_date_data(text)
    if data.date_obj is None or data.period != "day" or not re.search(r"\d{4}", text):
        return None
    return data.date_obj.date()


@functools.lru_cache(maxsize=1)
def _parser():
    from dateparser.date import DateDataParser  # imported here: costs ~0.3 s
    return DateDataParser(languages=["en"], settings={"PREFER_DAY_OF_MONTH": "first",
                                                      "RETURN_TIME_AS_PERIOD": True})


# ---------------------------------------------------------------- finding time expressions

def find_timexes(doc: Doc, article: Article) -> list[Timex]:
    """Every time expression in the article with its TIMEX3 value (None when unknown)."""
    try:
        pub = publication_date(article)
    except DateError:
        pub = None
    spans = _merge(_ner_spans(doc) + _pattern_spans(article.text))
    out = []
    for start, end in spans:
        text = article.text[start:end]
        if _is_name_part(doc, start, end):
            continue
        out.append(normalise(text, start, end, pub, tense=sentence_tense(doc, start)))
    _resolve_anchors(out, doc)
    return out


def _ner_spans(doc: Doc) -> list[tuple[int, int]]:
    return [(e.start_char, e.end_char) for e in doc_ents(doc) if e.label_ in ("DATE", "TIME")]


def _pattern_spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for p in _PATTERNS for m in p.finditer(text)]


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Overlapping spans joined into one (spaCy's "two days" and ours "two days before the operation")."""
    out: list[list[int]] = []
    for s, e in sorted(spans):
        if out and s < out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return [(s, e) for s, e in out]


def _is_name_part(doc: Doc, start: int, end: int) -> bool:
    """'Sunday' of "Sunday Morning Futures": a day name inside a proper name, not a date."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or not span.text.lower().endswith("day"):
        return False
    last = span[-1]
    return last.dep_ == "compound" and last.head.pos_ == "PROPN" or last.ent_type_ not in ("", "DATE", "TIME")


#: Words that put an event ahead when said in the present ("is scheduled for", "is due on",
#: "is set to open on", "plans to vote on"); said in the past ("was scheduled for") they leave
#: the date open: the event may since have happened or not.
_SCHEDULED = {"schedule", "set", "slate", "plan", "due", "expect", "intend", "upcoming", "poise"}
_FUTURE_AUX = {"will", "'ll", "shall", "wo"}
#: Auxiliaries that make a sentence conditional or reported ("would be held on"): no tense signal.
_OPEN_AUX = {"would", "could", "might", "may", "should"}


def sentence_tense(doc: Doc, offset: int) -> str | None:
    """'future', 'past' or None: the tense of the verb governing the expression at ``offset``.

    Future: a modal will/shall ("will be held on Feb. 9"), "going to", or a scheduling word in
    the present ("is scheduled for", "is set to open on"). Past: a past-tense verb or
    auxiliary ("was held on", "said on"), or a perfect ("has met on"). Anything else (the
    present, "would", a date with no verb) is no signal. Hand-written over spaCy's parse.
    """
    span = doc.char_span(offset, offset + 1, alignment_mode="expand")
    if span is None:
        return None
    verb = span[0]
    while verb.pos_ not in ("VERB", "AUX") and verb.head.i != verb.i:
        verb = verb.head
    if verb.pos_ not in ("VERB", "AUX"):
        return None
    chain = [verb]  # "is set to open on March 3": open <-xcomp- set
    while chain[-1].dep_ == "xcomp" and chain[-1].head.i != chain[-1].i and len(chain) < 4:
        chain.append(chain[-1].head)
    words = chain + [c for v in chain for c in v.children if c.dep_ in ("aux", "auxpass", "acomp")]
    lowers = {t.lower_ for t in words}
    if lowers & _OPEN_AUX:
        return None
    if lowers & _FUTURE_AUX or any(t.lemma_ == "go" and t.tag_ == "VBG" for t in chain[1:]):
        return "future"
    past = any(t.tag_ == "VBD" for t in words) or any(
        t.tag_ == "VBN" and any(c.lemma_ == "have" and c.dep_ == "aux" for c in t.children) for t in chain)
    if any(t.lemma_ in _SCHEDULED for t in words):
        return None if past else "future"
    return "past" if past else None


# ---------------------------------------------------------------- normalising

@dataclass
class _Value:
    value: str | None
    type: str = "DATE"
    mod: str | None = None
    anchor: str | None = None


def normalise(text: str, start: int, end: int, pub: dt.date | None, tense: str | None = None) -> Timex:
    """The TIMEX3 value of one expression against the publication date (None when unknown);
    ``tense`` ('future', 'past' or None, see ``sentence_tense``) places a date without a year."""
    low = " ".join(text.lower().replace("’", "'").split())
    for rule in _RULES:
        got = rule(low, pub, tense)
        if got is not None:
            return Timex(text, start, end, got.value, got.type, got.mod, got.anchor)
    return Timex(text, start, end, None)


def _press_time(low: str, pub: dt.date | None, tense: str | None) -> _Value | None:
    """'at press time', 'at the time of writing': the publication date. Hand-written."""
    if re.fullmatch(r"(at |as of )?(press time|the time of (writing|publication))", low):
        return _Value(pub.isoformat() if pub else "PRESENT_REF")
    if re.fullmatch(r"(even )?(to |until )?(this day|now|the present)", low):
        return _Value("PRESENT_REF")
    return None


def _year_range(low: str, pub: dt.date | None, tense: str | None) -> _Value | None:
    """'2017-2018', '2017–18', 'between 2017 and 2018': a range, TIMEX3 '2017/2018'. Hand-written."""
    m = re.fullmatch(r"(?:between |from )?(\d{4})\s*(?:[-–—/]|and|to|until)\s*(\d{4}|\d\d)", low)
    if not m:
        return None
    first, last = m.group(1), m.group(2)
    if len(last) == 2:
        last = first[:2] + last
    return _Value(f"{first}/{last}") if int(last) > int(first) else None


def _anchored(low: str, pub: dt.date | None, tense: str | None) -> _Value | None:
    """'two days before the operation': kept relative to its anchor (resolved later). Hand-written."""
    m = re.fullmatch(rf"(?:{_QUAL} )?({_NUM}) ({_UNIT}) (before|after|prior to|ahead of) (.+)", low)
    if not m:
        return None
    return _Value(None, anchor=m.group(4))


def _ago(low: str, pub: dt.date | None, tense: str | None) -> _Value | None:
    """'three weeks ago': the publication date minus the duration, at the unit's grain. Hand-written."""
    m = re.fullmatch(rf"({_NUM}) ({_UNIT}) ago", low)
    if not m:
        return None
    n, unit = _count(m.group(1)), _unit(m.group(2))
    if pub is None or n is None or unit not in ("D", "W", "M", "Y"):
        return _Value(None)
    return _Value(_shift(pub, -n, unit))


def _duration(low: str, pub: dt.date | None, tense: str | None) -> _Value | None:
    """'nearly two years', 'a period of months', 'three days': a TIMEX3 duration. Hand-written."""
    m = re.fullmatch(rf"(?:for )?(?:the )?(?:(past|last) )?(?:({_QUAL}) )?({_NUM}) ({_UNIT})", low)
    if m and not (m.group(1) is None and m.group(3) in ("a", "an", "one") and m.group(2) is None
                  and not low.startswith("for")):
        n = _count(m.group(3))
        unit = _unit(m.group(4))
        amount = "X" if n is None else str(n * 10 if unit == "DE" else n * 100 if unit == "CE" else n)
        letter = {"DE": "Y", "CE": "Y", "TM": "M", "TH": "H"}.get(unit, unit)
        prefix = "PT" if unit in ("TM", "TH") else "P"
        return _Value(prefix + amount + letter, "DURATION", _QUALIFIERS.get(m.group(2) or ""))
    m = re.fullmatch(rf"(?:a (?:period|matter) of |for )?({_UNIT})", low)
    if m and m.group(1).endswith("s"):
        unit = _unit(m.group(1))
        letter = {"DE": "Y", "CE": "Y", "TM": "M", "TH": "H"}.get(unit, unit)
        return _Value(("PT" if unit in ("TM", "TH") else "P") + "X" + letter, "DURATION")
    return None


def _deictic_day(low: str, pub: dt.date | None, tense: str | None) -> _Value | None:
    """'yesterday', 'today', 'tomorrow', 'tonight': a day from the publication date. Hand-written."""
    shift = {"yesterday": -1, "today": 0, "tonight": 0, "tomorrow": 1}.get(low)
    if shift is None:
        return None
    if pub is None:
        return _Value("PRESENT_REF" if shift == 0 else None)
    return _Value((pub + dt.timedelta(days=shift)).isoformat())


def _weekday(low: str, pub: dt.date | None, tense: str | None) -> _Value | None:
    """'Sunday', 'on Sunday', 'last Monday': the nearest such day on or before the publication
    date (after it when the sentence is in the future tense); 'XXXX-WXX-7' when the date is
    unknown. Hand-written: dateparser takes a weekday equal to the base day for the week before."""
    m = re.fullmatch(r"(?:on )?(?:(last|next|this) )?(\w+day)", low)
    if not m or m.group(2) not in WEEKDAYS:
        return None
    day = WEEKDAYS.index(m.group(2))
    if pub is None:
        return _Value(f"XXXX-WXX-{day + 1}")
    if m.group(1) == "next" or (tense == "future" and m.group(1) != "last"):
        return _Value((pub + dt.timedelta(days=(day - pub.weekday()) % 7 or 7)).isoformat())
    back = (pub.weekday() - day) % 7
    if m.group(1) == "last" and back == 0:
        back = 7
    return _Value((pub - dt.timedelta(days=back)).isoformat())


def _this_last_next(low: str, pub: dt.date | None, tense: str | None) -> _Value | None:
    """'last week', 'this month', 'next year': the unit around the publication date. Hand-written."""
    m = re.fullmatch(r"(last|this|next) (week|month|year|weekend)", low)
    if not m:
        return None
    if pub is None:
        return _Value(None)
    step = {"last": -1, "this": 0, "next": 1}[m.group(1)]
    unit = {"week": "W", "weekend": "W", "month": "M", "year": "Y"}[m.group(2)]
    value = _shift(pub, step, unit)
    return _Value(value + "-WE" if m.group(2) == "weekend" else value)


def _modified(low: str, pub: dt.date | None, tense: str | None) -> _Value | None:
    """'mid-October 2023', 'early 2020', 'the end of March', 'back in 2020': the date with a
    TIMEX3 modifier (MID, START, END). Hand-written; the date itself goes to dateparser."""
    m = re.fullmatch(r"(back in |in )?(mid-|mid |early |late |the (?:beginning|start|middle|end) of )(.+)", low)
    if m:
        inner = _calendar(m.group(3), pub, tense)
        mod = _MODS[m.group(2).strip() if not m.group(2).startswith("mid") else "mid"]
        return _Value(inner.value, inner.type, mod) if inner and inner.value else None
    m = re.fullmatch(r"(?:back in|in|during|since|by|until|of|on) (.+)", low)
    if m:
        return _calendar(m.group(1), pub, tense)
    return None


def _calendar(low: str, pub: dt.date | None, tense: str | None) -> _Value | None:
    """A calendar date: years and decades by hand, the rest by dateparser at its own grain."""
    low = low.removeprefix("the ").strip()
    if re.fullmatch(r"\d{4}", low):
        return _Value(low)
    m = re.fullmatch(r"(\d{3})0s", low)
    if m:
        return _Value(m.group(1))
    m = re.fullmatch(r"(spring|summer|autumn|fall|winter) (?:of )?(\d{4})", low)
    if m:
        return _Value(f"{m.group(2)}-{ {'spring': 'SP', 'summer': 'SU', 'autumn': 'FA', 'fall': 'FA', 'winter': 'WI'}[m.group(1)]}")
    if not re.search(rf"\b{_MONTH}(?!\w)|\b\d{{4}}\b|\b\d{{1,2}}/\d{{1,2}}\b", low):
        return None
    return _dateparsed(low, pub, tense)


def _dateparsed(low: str, pub: dt.date | None, tense: str | None) -> _Value | None:
    """dateparser's reading at its own grain; without a year, the year comes from the
    publication date and the sentence's tense (``_place_yearless``; "XXXX-03-03" when the
    date is unknown)."""
    has_year = bool(re.search(r"\b\d{4}\b", low))
    if not has_year:
        yearless = _yearless(low)
        if pub is None or (yearless is not None and yearless.value is None):
            return yearless
        if yearless is not None:
            return _place_yearless(yearless.value, pub, tense)
    settings = {"PREFER_DATES_FROM": "future" if tense == "future" else "past"}
    if pub is not None:
        settings["RELATIVE_BASE"] = dt.datetime.combine(pub, dt.time(12))
    data = _parser().get_date_data(low) if has_year else _relative_parser(tuple(settings.items())).get_date_data(low)
    if data.date_obj is None:
        return None
    d = data.date_obj
    grain = {"year": f"{d.year:04d}", "month": f"{d.year:04d}-{d.month:02d}"}
    return _Value(grain.get(data.period, d.date().isoformat()))


@functools.lru_cache(maxsize=8)
def _relative_parser(settings: tuple):
    from dateparser.date import DateDataParser
    return DateDataParser(languages=["en"], settings={"PREFER_DAY_OF_MONTH": "first",
                                                      "RETURN_TIME_AS_PERIOD": True, **dict(settings)})


def _yearless(low: str) -> _Value | None:
    """'March 3' or 'March' with no year and no publication date: 'XXXX-03-03', 'XXXX-03'."""
    m = re.fullmatch(rf"({_MONTH})(?: (\d{{1,2}})(?:st|nd|rd|th)?)?", low) or \
        re.fullmatch(rf"(\d{{1,2}})(?:st|nd|rd|th)? ({_MONTH})", low)
    if not m:
        return None
    parts = [g for g in m.groups() if g]
    month = next(p for p in parts if not p.isdigit())
    day = next((p for p in parts if p.isdigit()), None)
    num = next(i for i, name in enumerate(MONTHS, 1) if name.startswith(month.rstrip(".")[:3]))
    return _Value(f"XXXX-{num:02d}" + (f"-{int(day):02d}" if day else ""))


def _place_yearless(value: str, pub: dt.date, tense: str | None) -> _Value | None:
    """'XXXX-02-09' (or 'XXXX-02') given a year: the nearest such date that fits the tense.

    Future: on or after the publication date ("will be held on Feb. 9" in an article of 20
    January is the coming 9 February); past: on or before it ("was held on Feb. 9" is the
    last one); no signal: the nearest of the two, the past one on a tie. A month alone counts
    its whole month as both. Hand-written: dateparser prefers past or future, never nearest.
    """
    parts = value.split("-")
    month, day = int(parts[1]), int(parts[2]) if len(parts) > 2 else None
    options = []
    for year in (pub.year - 1, pub.year, pub.year + 1):
        if day is None:
            first = dt.date(year, month, 1)
            last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1))
            ahead = last >= pub
            behind = first <= pub
            gap = 0 if behind and ahead else (first - pub).days if ahead else (pub - last).days
            options.append((f"{year:04d}-{month:02d}", ahead, behind, gap))
        else:
            try:
                d = dt.date(year, month, day)
            except ValueError:  # 29 February of a common year
                continue
            options.append((d.isoformat(), d >= pub, d <= pub, abs((d - pub).days)))
    if tense == "future":
        options = [o for o in options if o[1]]
    elif tense == "past":
        options = [o for o in options if o[2]]
    if not options:
        return None
    best = min(options, key=lambda o: (o[3], not o[2]))
    return _Value(best[0])


_RULES = (_press_time, _year_range, _anchored, _ago, _duration, _deictic_day, _weekday,
          _this_last_next, _modified, lambda low, pub, tense: _calendar(low, pub, tense))


def _count(word: str) -> int | None:
    return int(word) if word.isdigit() else _NUMBERS.get(word)


def _unit(word: str) -> str:
    word = word.rstrip("s").replace("centurie", "century")
    return _UNITS[word]


def _shift(day: dt.date, n: int, unit: str) -> str:
    """``day`` moved by ``n`` units, written at the unit's grain (D, W, M or Y)."""
    if unit == "D":
        return (day + dt.timedelta(days=n)).isoformat()
    if unit == "W":
        year, week, _ = (day + dt.timedelta(weeks=n)).isocalendar()
        return f"{year:04d}-W{week:02d}"
    if unit == "M":
        months = day.year * 12 + day.month - 1 + n
        return f"{months // 12:04d}-{months % 12 + 1:02d}"
    return f"{day.year + n:04d}"


# ---------------------------------------------------------------- anchored expressions

def _resolve_anchors(timexes: list[Timex], doc: Doc) -> None:
    """Give 'two days before the vote' a value when the vote's own date (to the day) is in
    the article: another mention of the anchor's head noun with a dated timex in its phrase
    or its clause. Hand-written."""
    for tx in timexes:
        if tx.anchor is None:
            continue
        m = re.fullmatch(rf"(?:{_QUAL} )?({_NUM}) ({_UNIT}) (before|after|prior to|ahead of) .+",
                         " ".join(tx.text.lower().split()))
        day = _anchor_date(tx, timexes, doc)
        if m is None or day is None:
            continue
        n, unit = _count(m.group(1)), _unit(m.group(2))
        if n is None or unit not in ("D", "W", "M", "Y"):
            continue
        sign = 1 if m.group(3) == "after" else -1
        tx.value = _shift(day, sign * n, unit)


def _anchor_date(tx: Timex, timexes: list[Timex], doc: Doc) -> dt.date | None:
    head = tx.anchor.split()[-1]
    dated = [t for t in timexes if t is not tx and t.value and re.fullmatch(r"\d{4}-\d\d-\d\d", t.value)]
    for tok in doc:
        if tok.lower_ != head or tx.start <= tok.idx < tx.end:
            continue
        for t in dated:
            if _in_phrase_or_clause(tok, t):
                return dt.date.fromisoformat(t.value)
    return None


def _in_phrase_or_clause(tok: Token, tx: Timex) -> bool:
    """True when the timex lies in the noun's phrase, or in the clause of which it is subject."""
    scope = tok if tok.dep_ not in ("nsubj", "nsubjpass") else tok.head
    return any(tx.start <= t.idx < tx.end for t in scope.subtree)


# ---------------------------------------------------------------- when a statement was made

def assign_when(attrs: list[Attribution], doc: Doc, article: Article, timexes: list[Timex]) -> None:
    """Set each attribution's ``when``: the time of the statement, not of what it talks about.

    A statement's own time is a dated expression in the cue's clause (subject, cue, "in an
    interview ... in August 2022"), outside the content. An attribution with none takes the
    time of the one before when it is the same speaker in the same or the next paragraph
    and names no new venue (the following quotes of one interview). Hand-written.
    """
    dated = [t for t in timexes if t.type in ("DATE", "TIME") and t.anchor is None]
    previous: Attribution | None = None
    for attr in attrs:
        own = _own_time(attr, doc, dated)
        if own is not None:
            attr.when = When(own.text, own.start, own.end, own.value)
        elif previous is not None and previous.when is not None and _same_occasion(previous, attr, article):
            attr.when = When(**previous.when.to_dict())
        previous = attr


def _own_time(attr: Attribution, doc: Doc, dated: list[Timex]) -> Timex | None:
    if not dated:
        return None  # no time to find: the clause is not walked
    verb = cue_token(attr, doc)
    if verb is None:
        return None
    clause = sorted((tok.idx, tok.idx + len(tok)) for tok in _clause_tokens(_clause_root(verb)))
    starts = [s for s, _e in clause]
    pieces = attr.content.spans or [(attr.content.start, attr.content.end)] if attr.content else []

    def in_clause(t: Timex) -> bool:
        """A clause token holds the timex's start, or starts inside the timex (by bisection:
        every row asks this of every dated timex)."""
        i = bisect.bisect_right(starts, t.start) - 1
        if i >= 0 and clause[i][0] <= t.start < clause[i][1]:
            return True
        j = bisect.bisect_left(starts, t.start)
        return j < len(starts) and starts[j] < t.end

    inside = [t for t in dated if in_clause(t) and not any(s <= t.start < e for s, e in pieces)]
    return min(inside, key=lambda t: abs(t.start - verb.idx), default=None)


def _clause_root(verb: Token) -> Token:
    """Up from an xcomp/infinitive cue to the verb heading its clause ("seeming to suggest")."""
    while verb.dep_ in ("xcomp", "aux") and verb.head.i != verb.i:
        verb = verb.head
    return verb


#: Dependencies that open another clause: a time inside one is that clause's, not the cue's.
_OTHER_CLAUSE = {"ccomp", "csubj", "advcl", "relcl", "parataxis", "conj", "acl"}


def _clause_tokens(root: Token) -> list[Token]:
    out, stack = [], [root]
    while stack:
        tok = stack.pop()
        out.append(tok)
        stack.extend(c for c in tok.children if c.dep_ not in _OTHER_CLAUSE or c.pos_ not in ("VERB", "AUX"))
    return out


def _same_occasion(prev: Attribution, attr: Attribution, article: Article) -> bool:
    """Same speaker entity, same or next paragraph, and no new venue ("told Malam")."""
    if not (prev.speaker and attr.speaker and prev.speaker.entity
            and prev.speaker.entity == attr.speaker.entity):
        return False
    if attr.addressee is not None and (prev.addressee is None or prev.addressee.text != attr.addressee.text):
        return False
    body = [b for b in article.blocks if not b.is_boilerplate]
    lines = [b.line for b in body]
    a, b = article.block_at(_anchor(prev)), article.block_at(_anchor(attr))
    if a is None or b is None or a.line not in lines or b.line not in lines:
        return False
    return 0 <= lines.index(b.line) - lines.index(a.line) <= 1


def _anchor(attr: Attribution) -> int:
    return attr.cue.start if attr.cue else attr.content.start
