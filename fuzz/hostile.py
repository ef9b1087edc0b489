"""Hostile, news-shaped article text for ``onrecord.analyze``, and the check every report must pass.

    .venv/bin/python fuzz/hostile.py --show 0:17        # print example 17 of seed 0 (repr)
    .venv/bin/python fuzz/hostile.py --seed 0 --n 50    # analyse examples 0..49 of seed 0 here

``article(seed, i)`` is example ``i`` of a seeded stream: a headline and paragraphs of
attributions (direct, indirect, mixed, "according to", refusals), with every kind of quote
mark (straight, curly, guillemets, low-9, single and double), nested and unbalanced, brackets
and editorial insertions, cue words and names, and the characters that break text handling
(NUL, zero-width, bidi controls, BOM, CR and CRLF, other line ends), sometimes in a very long
line; a share of examples are word salad of the same pieces, the shape that first found
crashes in the attribution stage. ``problems(report, text)`` lists every way a report breaks
the offsets contract (``records.span_errors`` and the spans it does not cover: time
expressions, entity mentions, blocks, the text kept as given).

A seeded ``random.Random`` rather than hypothesis, written by hand: an example is a pure
function of ``(seed, i)``, so a slice of the stream is the same on every machine and in every
process (the suite runs examples 0..499 of seed 0; ``fuzz/soak.py`` hands example numbers to
two worker processes), a failure is reproduced from two numbers, and "how many examples until
the first crash" is a plain count. Hypothesis's shrinking is lost; a crash here is shrunk by
hand from the printed text when it is made a regression test.
"""
from __future__ import annotations

import argparse
import random
import re
import sys

#: Quote marks as (opening, closing): straight, curly, guillemets both ways, low-9 (German,
#: Polish), single curly, single guillemets, CJK corner brackets, primes and backticks.
PAIRS = [('"', '"'), ("“", "”"), ("«", "»"), ("»", "«"), ("„", "“"), ("„", "”"), ("‚", "‘"), ("‘", "’"),
         ("'", "'"), ("‹", "›"), ("「", "」"), ("『", "』"), ("``", "''"), ("〝", "〞"), ("＂", "＂")]
MARKS = sorted({m for pair in PAIRS for m in pair} | {"″", "′", "´", "`"})
#: Characters that break naive text handling, each with a name for the coverage test.
ODD = {"nul": "\x00", "zwsp": "\u200b", "zwnj": "\u200c", "zwj": "\u200d", "wj": "\u2060", "bom": "\ufeff",
       "lre": "\u202a", "rle": "\u202b", "pdf": "\u202c", "lro": "\u202d", "rlo": "\u202e", "lri": "\u2066",
       "rli": "\u2067", "fsi": "\u2068", "pdi": "\u2069", "lrm": "\u200e", "rlm": "\u200f", "cr": "\r",
       "crlf": "\r\n", "nel": "\x85", "ls": "\u2028", "ps": "\u2029", "vt": "\x0b", "ff": "\x0c",
       "tab": "\t", "nbsp": "\u00a0", "combining": "\u0301", "surrogate": "\ud800", "bell": "\x07"}
CUES = ["said", "says", "told reporters", "told the Post", "added", "insisted", "claimed", "confirmed",
        "denied", "warned", "wrote", "argued", "announced", "declined to comment", "refused to say",
        "did not respond to a request for comment", "according to", "was quoted as saying", "have said",
        "has said", "had told", "would say", "acknowledged", "disputed", "stated in a statement"]
NAMES = ["Mayor Ann Lee", "Ann Lee", "Lee", "Councillor Mara Quell", "Quell", "Bob Renn", "Renn",
         "President Trump", "Trump", "Hayman", "officials", "the council", "a spokeswoman", "the Post",
         "the ministry", "Dr. Ilse Vask", "Vask", "Nadia O'Hara", "Jean-Luc Moreau", "he", "she", "they",
         "It", "the police", "Sen. Kofi Adeyemi", "the company's lawyer", "an aide who asked not to be named"]
ADDRESSEES = ["reporters", "the council", "the Post", "lawmakers", "us", "a radio station", "him"]
WHEN = ["on Monday", "last week", "on 3 March", "yesterday", "in a statement on Friday", "in 2019",
        "earlier this month", "at noon", "on Tuesday night", ""]
CLAUSES = ["the reservoir is unsafe", "we will not pay for it", "the bridge would close in May",
           "no one was hurt", "the figures were wrong", "it is done", "the deal is off",
           "the plan had been approved", "there is no money for the road", "nothing was hidden",
           "the school will reopen", "they knew all along", "prices rose by 4 percent"]
INSERTIONS = ["[sic]", "[the council]", "[...]", "(sic)", "[he]", "[Lee]", "…", "...", "[inaudible]",
              "(laughter)", "[emphasis added]", "— he paused —", "[sic"]
BRACKETS = ["[", "]", "(", ")", "{", "}", "[[", "]]", "((", "))"]
PUNCT = [".", ",", ":", ";", "—", "–", "-", "!", "?", "...", "…", "", ""]
#: Pieces of the word salad, weighted as the generator that first found crashes drew them.
SALAD = (CUES[:12] + ["that", "to", "the", "no", "one", "comment", "according", "according to"] +
         NAMES[:12] + ["he", "she", "the", "the", "that", "said", "told", "declined", "confirmed"])


def _rng(seed: int, i: int) -> random.Random:
    """The generator of example ``i`` of ``seed``: a string seed, stable across runs and hashes."""
    return random.Random(f"onrecord-hostile:{seed}:{i}")


def _quote(rng: random.Random, body: str, depth: int = 0) -> str:
    """``body`` between a pair of marks, maybe with a quote inside, a mark missing or mismatched."""
    if depth < 3 and rng.random() < 0.3:
        words = body.split()
        cut = rng.randrange(len(words) + 1)
        inner = _quote(rng, rng.choice(CLAUSES), depth + 1)
        body = " ".join(words[:cut] + [inner] + words[cut:])
    left, right = rng.choice(PAIRS)
    roll = rng.random()
    if roll < 0.12:
        left = ""  # unbalanced: no opening mark
    elif roll < 0.24:
        right = ""  # unbalanced: no closing mark
    elif roll < 0.34:
        right = rng.choice(PAIRS)[1]  # the wrong kind of closing mark
    elif roll < 0.40:
        left, right = left * 2, right * rng.randrange(0, 3)
    return f"{left}{body}{rng.choice(['', ',', '.', '?', '!'])}{right}"


def _speaker(rng: random.Random) -> str:
    name = rng.choice(NAMES)
    if rng.random() < 0.1:
        name = f"{name} {rng.choice(INSERTIONS)}"
    return name


def _sentence(rng: random.Random) -> str:
    """One sentence of news: an attribution of some shape, or a plain sentence."""
    who, cue, when = _speaker(rng), rng.choice(CUES), rng.choice(WHEN)
    clause = rng.choice(CLAUSES)
    if rng.random() < 0.2:
        words = clause.split()
        words.insert(rng.randrange(len(words) + 1), rng.choice(INSERTIONS))
        clause = " ".join(words)
    shape = rng.randrange(12)
    if shape == 0:
        return f"{_quote(rng, clause)} {who} {cue} {when}."
    if shape == 1:
        return f"{who} {cue} {when}: {_quote(rng, clause)}"
    if shape == 2:
        return f"{who} {cue} that {clause} {when}."
    if shape == 3:
        return f"According to {who}, {clause}."
    if shape == 4:  # mixed: a reported clause with a quoted fragment
        return f"{who} {cue} that {clause} and {_quote(rng, rng.choice(CLAUSES))}."
    if shape == 5:  # a quote split around its cue
        a, b = clause.split(" ", 1) if " " in clause else (clause, "")
        left, right = rng.choice(PAIRS)
        return f"{left}{a},{right} {who} {cue}, {left}{b}.{right}"
    if shape == 6:
        return f"{who} {rng.choice(['declined to comment', 'did not respond to requests for comment', 'denied it'])}."
    if shape == 7:
        return f"{who} {cue} {rng.choice(ADDRESSEES)} {when} {_quote(rng, clause)}"
    if shape == 8:  # a bracket or an insertion left open
        return f"{who} {cue} {rng.choice(BRACKETS)}{clause}{rng.choice(BRACKETS + [''])} {when}."
    if shape == 9:
        return f"{clause.capitalize()}{rng.choice(PUNCT)}"
    if shape == 10:  # quotes around a word or nothing, marks in clusters, a cue among them
        return " ".join(_cluster(rng) + w if rng.random() < 0.5 else w
                        for w in f"{who} {cue} no comment {rng.choice(SALAD)} {rng.choice(SALAD)}".split())
    return f"{_quote(rng, clause)} {_quote(rng, rng.choice(CLAUSES))} {cue}{rng.choice(PUNCT)}"


def _cluster(rng: random.Random) -> str:
    """One to three quote marks together (``”’»``), sometimes with a bidi or zero-width one."""
    marks = "".join(rng.choice(MARKS) for _ in range(rng.randrange(1, 4)))
    if rng.random() < 0.3:
        marks = rng.choice(["\u202e", "\u200b", "\u2067", "\x00"]) + marks
    return marks


def _salad(rng: random.Random) -> str:
    """Word salad of cues, names, marks, brackets and odd characters (about 100-400 words)."""
    out = []
    for _ in range(rng.randrange(100, 400)):
        w = rng.choice(SALAD)
        roll = rng.random()
        if roll < 0.10:
            w = rng.choice(MARKS) + w
        elif roll < 0.12:
            w = _cluster(rng) + w
        elif roll < 0.16:
            w = w + rng.choice(MARKS)
        elif roll < 0.19:
            w = rng.choice(["[", "]"]) + w
        elif roll < 0.25:
            w = rng.choice(list(ODD.values())) + w
        elif roll < 0.27:
            w = rng.choice(["\n", "\n\n", "\r", "\r\n"]) + w
        out.append(w)
    return " ".join(out)


def _spoil(rng: random.Random, text: str) -> str:
    """Odd characters dropped between words and sometimes inside them, and other line ends."""
    if rng.random() < 0.5:
        text = text.replace("\n", rng.choice(["\r\n", "\r", "\n", "\u2029", "\x85"]))
    chars = list(text)
    for _ in range(rng.randrange(0, max(2, len(chars) // 40))):
        k = rng.randrange(len(chars) + 1)
        chars.insert(k, rng.choice(list(ODD.values())))
    return "".join(chars)


#: Share of examples that are word salad rather than sentences: the salad is the denser
#: test of the quote and cue code (every few words a mark or a cue), sentences the likelier text.
SALAD_SHARE = 0.3
#: A very long line (one paragraph of many sentences) in about this share of examples, of at
#: most LONG_CHARS characters: long enough to meet the per-paragraph code paths, short enough
#: that 500 examples stay a test of minutes (analysis time grows with a paragraph's length).
LONG_SHARE, LONG_CHARS = 0.03, 12_000


def article(seed: int, i: int) -> str:
    """Example ``i`` of ``seed``: one hostile article text, the same on every run."""
    rng = _rng(seed, i)
    if rng.random() < SALAD_SHARE:
        return _salad(rng)
    paras = [f"{rng.choice(NAMES)} {rng.choice(['row', 'denies', 'says', 'under fire', 'sic'])} "
             f"{_quote(rng, rng.choice(CLAUSES))}" if rng.random() < 0.5 else rng.choice(CLAUSES).title()]
    for _ in range(rng.randrange(1, 9)):
        paras.append(" ".join(_sentence(rng) for _ in range(rng.randrange(1, 5))))
    if rng.random() < LONG_SHARE:
        long_line, size = [], rng.randrange(2_000, LONG_CHARS)
        while sum(map(len, long_line)) < size:
            long_line.append(_sentence(rng))
        paras.insert(rng.randrange(1, len(paras) + 1), " ".join(long_line)[:LONG_CHARS])
    sep = rng.choice(["\n\n", "\n", "\r\n\r\n", "\n\n\n", " \n \n", "\n\t\n"])
    text = sep.join(paras)
    if rng.random() < 0.8:
        text = _spoil(rng, text)
    if rng.random() < 0.05:
        text = rng.choice(list(ODD.values())) * rng.randrange(1, 50) + text
    return text


def problems(report, given: str | None = None) -> list[str]:
    """Every way ``report`` breaks the offsets contract; empty when it holds.

    ``records.span_errors`` covers attributions and claims (when the code under test has it:
    this also runs against older onrecord); the rest is checked here: time expressions, entity
    mentions, blocks, and the text kept as given but for lone surrogates (one U+FFFD each).
    """
    text = report.article.text
    out: list[str] = []
    try:
        from onrecord.records import span_errors
    except ImportError:  # an onrecord from before the invariant
        span_errors = None
    if span_errors is not None:
        out += span_errors(text, report.attributions, report.claims)
    if given is not None and report.article.source_format != "html" \
            and text != re.sub("[\ud800-\udfff]", "\ufffd", given):
        out.append("the article text is not the text given")
    n = len(text)

    def span(label: str, s) -> None:
        if not 0 <= s.start <= s.end <= n:
            out.append(f"{label} {s.start}..{s.end} outside a {n}-character text")
        elif text[s.start:s.end] != s.text:
            out.append(f"{label} {s.start}..{s.end}: its text is not the text there")

    for a in report.attributions:
        for name in ("speaker", "cue", "content", "addressee", "when"):
            if getattr(a, name) is not None:
                span(f"{a.id} {name}", getattr(a, name))
    for t in report.timexes:
        span("timex", t)
    for e in report.entities:
        for s, end in e.mentions:
            if not 0 <= s < end <= n:
                out.append(f"mention of {e.name!r} {s}..{end} outside the text or empty")
    for c in report.claims:
        if c.start is not None and not 0 <= c.start <= c.end <= n:
            out.append(f"claim {c.id} {c.start}..{c.end} outside the text")
    for b in report.article.blocks:
        if not (0 <= b.start < b.end <= n and text[b.start:b.end].strip()):
            out.append(f"block {b.start}..{b.end} empty or outside the text")
    report.to_dict()  # every report serialises
    return out


def check(text: str) -> list[str]:
    """Analyse ``text``: its problems (an exception is raised to the caller, not caught)."""
    from onrecord.engine import analyze

    return problems(analyze(text, published="2024-01-01"), text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--n", type=int, default=20, help="examples to analyse (default 20)")
    parser.add_argument("--start", type=int, default=0, help="first example number")
    parser.add_argument("--show", metavar="SEED:I", help="print one example's text (repr) and stop")
    args = parser.parse_args(argv)
    if args.show:
        seed, i = (int(x) for x in args.show.split(":"))
        print(repr(article(seed, i)))
        return 0
    bad = 0
    for i in range(args.start, args.start + args.n):
        try:
            found = check(article(args.seed, i))
        except Exception as exc:  # a crash is what is looked for: report it, go on
            found = [f"{type(exc).__name__}: {exc}"]
        if found:
            bad += 1
            print(f"{args.seed}:{i} " + "; ".join(found[:3]), flush=True)
    print(f"{args.n} examples from {args.seed}:{args.start}: {bad} failing")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
