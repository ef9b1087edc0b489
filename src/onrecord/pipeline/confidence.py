"""The last stage: what each row is (``act``) and how likely it is right (``confidence``).

``confidence`` is a calibrated probability that a careful annotator accepts the row with its
speaker: its content matches an annotated attribution (word Dice >= 0.5, one to one, as the
PolNeAR scorer matches) and its speaker is that attribution's source. The model is a logistic
regression over the row's features (below), followed by an isotonic calibration map, both
learned by ``make train`` (``quality/training.py``) from the engine's own rows over
PolNeAR's train split, and saved as JSON in ``data/confidence_model.json``: weights by
feature name, the intercept, and the calibration's breakpoints. Scoring reads that JSON and
needs nothing but Python (scikit-learn is only needed to train).
"""
from __future__ import annotations

import bisect
import functools
import json
import math
import re
from importlib import resources

from spacy.tokens import Doc, Token

from onrecord.inputs.article import Article
from onrecord.pipeline import cues
from onrecord.pipeline.doccache import cue_token, doc_text
from onrecord.pipeline.stance import is_negated
from onrecord.records import Attribution

MODEL_FILE = "confidence_model.json"
#: Feature name standing for every cue lemma too rare in train to have a weight of its own.
RARE_LEMMA = "lemma=<rare>"
#: The confidence at most of a row whose cue is the "say" of a set phrase ("That said, ...").
#: On PolNeAR train all 5 such rows of the engine were wrong: too few for the regression to
#: weigh, and a phrase that attributes nothing is never worth showing as a statement.
IDIOM_CONFIDENCE = 0.02
_QUOTES = "\"“”«»„‟"
_DASHES = "—–-―"
#: Set phrases with "say" that attribute nothing: "That said, ...", "needless to say".
IDIOMS = re.compile(r"(?:^|(?<=[.!?;(\n\"“”]))\s*(?:That|This|That being|Having) said,"
                    r"|(?i:\bneedless to say\b|\bhaving said (?:that|this)\b|\bthat being said\b"
                    r"|\bso to speak\b|\bto say the least\b|\bsuffice it to say\b|\bit goes without saying\b)",
                    re.MULTILINE)


@functools.lru_cache(maxsize=1)
def model() -> dict:
    """The trained model (``make train``): weights, intercept, calibration, default threshold."""
    return json.loads(resources.files("onrecord.data").joinpath(MODEL_FILE).read_text(encoding="utf-8"))


def _log(n: float) -> float:
    return math.log1p(max(0.0, n))


def _gap(a: tuple[int, int] | None, b: tuple[int, int] | None) -> int:
    """Characters between two spans (0 when they touch or overlap)."""
    if a is None or b is None:
        return 0
    return max(0, max(a[0], b[0]) - min(a[1], b[1]))


def features(attr: Attribution, doc: Doc, article: Article,
             others: list[Attribution] = ()) -> dict[str, float]:
    """The row's features by name: categorical ones as ``name=value`` with 1.0, numbers as
    they are. ``others`` are the article's other rows (overlap and nesting with them)."""
    text = doc_text(doc)
    verb = cue_token(attr, doc)
    f: dict[str, float] = {}
    # the cue: its lemma, how often PolNeAR train makes it a cue, its part of speech and place
    key = cues.lexicon_key(verb) if verb is not None else "-"
    entry = cues.lexicon()["lemmas"].get(key)
    f[f"lemma={key}"] = 1.0
    f["lemma_rate"] = entry["rate"] if entry else 0.0
    f["lemma_unseen"] = float(entry is None)
    f["lemma_log_n"] = _log(entry["n"]) / 10 if entry else 0.0
    if verb is not None:
        rates = [cues.relation_rate(key, c.dep_) for c in verb.children]
        f["relation_rate"] = max(rates, default=0.0)
        f[f"pos={verb.pos_}"] = 1.0
        f[f"dep={verb.dep_}"] = 1.0
        f[f"tag={verb.tag_}"] = 1.0
        f["speech_verb"] = float(cues.is_speech(verb))
        f["negated"] = float(is_negated(verb))
        verb_sent = verb.sent  # spaCy finds the sentence anew on each access: once here
        f["sent_log_len"] = _log(len(verb_sent)) / 5
    cue_text = attr.cue.text if attr.cue else ""
    shape = ("none" if attr.cue is None else "colon" if cue_text == ":" else
             "dash" if cue_text in _DASHES else "quote" if cue_text in _QUOTES else
             "according" if cue_text.lower().startswith("according") else
             "noun" if verb is not None and verb.pos_ == "NOUN" else "word")
    f[f"cue_shape={shape}"] = 1.0
    # what the row is
    f[f"kind={attr.kind}"] = 1.0
    f[f"act={attr.act}"] = 1.0
    f[f"stance={attr.stance}"] = 1.0
    f["hedged"] = float(attr.hedged)
    # the content: its length, quote marks, pieces
    content = attr.content
    if content is not None:
        f["content_log_words"] = _log(len(content.text.split())) / 5
        marks = sum(content.text.count(q) for q in _QUOTES)
        f["content_quote_marks"] = min(marks, 4) / 4
        f["content_starts_quoted"] = float(content.text[:1] in _QUOTES)
        f["content_pieces"] = float(len(content.spans or [1]) > 1)
        f["content_in_headline"] = float((b := article.block_at(content.start)) is not None
                                         and b.kind in ("headline", "heading", "standfirst"))
        f["content_log_sentences"] = _log(len(_SENTENCE_BREAK.findall(content.text)))
        if verb is not None:
            sent = verb_sent
            f["content_sent_share"] = min(1.0, (content.end - content.start) / max(1, sent.end_char - sent.start_char))
            f["content_ends_sentence"] = float(sent.end_char - 3 <= content.end)
        _overlaps(f, attr, others)
    else:
        f["no_content"] = 1.0
    # the speaker: how it was found, what it resolved to, where it stands
    via = attr.speaker_via or ("none" if attr.speaker is None else "nominal")
    sp = attr.speaker
    f[f"via={via}"] = 1.0
    f[f"speaker_type={sp.type if sp else None}"] = 1.0
    f[f"kind_via={attr.kind}|{via}"] = 1.0
    if sp is not None:
        f["speaker_entity"] = float(bool(sp.entity))
        f["speaker_log_words"] = _log(len(sp.text.split())) / 3
        if via == "pronoun":
            f[f"pronoun={sp.text.lower()}"] = 1.0
        if attr.cue is not None:
            f["speaker_cue_log_gap"] = _log(_gap((sp.start, sp.end), (attr.cue.start, attr.cue.end))) / 5
            f["speaker_after_cue"] = float(sp.start >= attr.cue.end)
        if content is not None:
            f["speaker_in_content"] = float(content.start <= sp.start < content.end)
    if attr.cue is not None and content is not None:
        f["cue_content_log_gap"] = _log(_gap((attr.cue.start, attr.cue.end), (content.start, content.end))) / 5
        f["cue_before_content"] = float(attr.cue.end <= content.start)
    # where the row stands in the article: paragraph position, boilerplate beside it
    at = (content.start if content is not None else attr.cue.start if attr.cue else 0)
    block = article.block_at(at)
    order, n_text = _text_blocks(doc, article)
    if n_text and block is not None and block.start in order:
        i, j = order[block.start]
        f["paragraph_position"] = i / max(1, n_text - 1)
        f["first_paragraph"] = float(i == 0)
        f["boilerplate_near"] = float(any(b.is_boilerplate for b in article.blocks[max(0, j - 1):j + 2]))
    # set phrases that look like a cue and attribute nothing ("That said, ...")
    if attr.cue is not None:
        f["idiom"] = float(is_idiom(text, attr.cue.start, attr.cue.end))
    return f


#: A sentence ending inside a content: end punctuation, maybe a closing quote, then a capital.
_SENTENCE_BREAK = re.compile(r"[.!?][\"”’]?\s+[\"“‘]?[A-Z]")


def _text_blocks(doc: Doc, article: Article) -> tuple[dict[int, tuple[int, int]], int]:
    """Per block start: its rank among the non-boilerplate blocks and its index among all;
    and how many non-boilerplate blocks there are. Built once per Doc."""
    cached = doc.user_data.get("onrecord_text_blocks")
    if cached is None or cached[0] is not article:
        order, n = {}, 0
        for j, b in enumerate(article.blocks):
            order[b.start] = (n, j)
            n += not b.is_boilerplate
        cached = doc.user_data["onrecord_text_blocks"] = (article, order, n)
    return cached[1], cached[2]


def is_idiom(text: str, start: int, end: int) -> bool:
    """True when the cue at start..end is the "say" of a set phrase ("That said, ...")."""
    lo = max(0, start - 25)
    return any(m.start() + lo <= start and end <= m.end() + lo for m in IDIOMS.finditer(text[lo:end + 12]))


def _overlaps(f: dict[str, float], attr: Attribution, others: list[Attribution]) -> None:
    """How the row's content meets the other rows: shared with theirs, holding their cue, or
    lying in theirs by its own cue (one statement reported inside another)."""
    c = attr.content
    c_start, c_end = c.start, c.end  # read once: every row is compared with every other
    cue_start = attr.cue.start if attr.cue is not None else None
    shared = 0
    for o in others:
        if o is attr:
            continue
        oc, oq = o.content, o.cue
        if oc is not None:
            shared = max(shared, min(c_end, oc.end) - max(c_start, oc.start))
            if cue_start is not None and oc.start <= cue_start < oc.end:
                f["cue_in_other_content"] = 1.0
        if oq is not None and c_start <= oq.start < c_end:
            f["holds_other_cue"] = 1.0
    f["content_shared"] = max(0, shared) / max(1, c_end - c_start)


def probability(f: dict[str, float], m: dict | None = None) -> float:
    """The calibrated probability of a row from its features, in plain Python."""
    m = m or model()
    weights = m["weights"]
    z = m["intercept"]
    for name, value in f.items():
        w = weights.get(name)
        if w is None and name.startswith("lemma="):
            w = weights.get(RARE_LEMMA)
        if w is not None:
            z += w * value
    p = 1.0 / (1.0 + math.exp(-max(-40.0, min(40.0, z))))
    p = calibrate(p, m["calibration"]["x"], m["calibration"]["y"])
    return min(p, IDIOM_CONFIDENCE) if f.get("idiom") else p


def calibrate(p: float, xs: list[float], ys: list[float]) -> float:
    """The isotonic map: linear between breakpoints, flat beyond them (as numpy.interp)."""
    if not xs:
        return p
    if p <= xs[0]:
        return ys[0]
    if p >= xs[-1]:
        return ys[-1]
    i = bisect.bisect_right(xs, p)
    x0, x1, y0, y1 = xs[i - 1], xs[i], ys[i - 1], ys[i]
    return y0 if x1 == x0 else y0 + (y1 - y0) * (p - x0) / (x1 - x0)


def speaker_head(attr: Attribution, doc: Doc) -> Token | None:
    """The head word of the row's speaker, if it has one."""
    if attr.speaker is None:
        return None
    span = doc.char_span(attr.speaker.start, attr.speaker.end, alignment_mode="expand")
    return span.root if span is not None and len(span) else None


def assign_acts(attrs: list[Attribution], doc: Doc) -> None:
    """Set each row's ``act`` from its cue and its speaker (``cues.act_of``)."""
    for attr in attrs:
        verb = cue_token(attr, doc)
        attr.act = cues.act_of(verb, attr.cue.text if attr.cue else "", speaker_head(attr, doc),
                               verb is not None and is_negated(verb), attr.content is not None)


def assign(attrs: list[Attribution], doc: Doc, article: Article) -> None:
    """Set each row's ``confidence`` (rounded to three places)."""
    m = model()
    for attr in attrs:
        attr.confidence = round(probability(features(attr, doc, article, attrs), m), 3)
