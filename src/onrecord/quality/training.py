"""Rebuild the cue lexicon (``data/cue_lexicon.json``) from PolNeAR's train split: ``make train``.

For every verb in the train articles, the lexicon counts how often annotators made it an
attribution cue, and through which dependency its content hangs off it (a clausal complement,
an object, a prepositional object, ...). At run time ``cues.py`` reads, for a verb and each
dependency it actually has, the share of such uses that were attributions. Nothing of the
articles' text is kept: only lemmas, dependency labels and counts.

    python -m onrecord.quality.training ../shared/eval/polnear/train [--out src/onrecord/data/cue_lexicon.json]
"""
from __future__ import annotations

import argparse
import collections
import json
from pathlib import Path

from spacy.tokens import Doc, Token

from onrecord.quality import evaluation
from onrecord.pipeline import nlp as nlp_module

#: Lemmas seen fewer times than this in train carry no rate: too few uses to trust a share.
MIN_COUNT = 4


def content_relation(cue: Token, head: Token) -> str | None:
    """How the content's head hangs off the cue verb: 'ccomp', 'dobj', 'prep:about', 'gov', ..."""
    if head.head.i == cue.i and head.i != cue.i:
        return head.dep_
    if head.head.head.i == cue.i and head.head.dep_ == "prep":
        return f"prep:{head.head.lower_}"
    if head.head.head.i == cue.i and head.head.dep_ == "xcomp":
        return f"xcomp>{head.dep_}"
    if cue.head.i == head.i or cue.head.i in {t.i for t in head.subtree} and cue.dep_ in ("parataxis", "advcl", "ccomp"):
        return "gov"  # the cue hangs off the content ("X is Y, he said")
    return None


def verb_relations(tok: Token) -> set[str]:
    """Every relation a content could take off this verb, as ``content_relation`` names them."""
    rels = {c.dep_ for c in tok.children}
    rels |= {f"prep:{c.lower_}" for c in tok.children if c.dep_ == "prep"}
    rels |= {f"xcomp>{g.dep_}" for c in tok.children if c.dep_ == "xcomp" for g in c.children}
    if tok.dep_ in ("parataxis", "advcl", "ccomp") and tok.head.i != tok.i:
        rels.add("gov")
    return rels


def lexicon_key(tok: Token) -> str:
    """A verb's lemma, or ``N:lemma`` for a noun (a claim is not the same cue as to claim)."""
    lemma = tok.lemma_.lower()
    return f"N:{lemma}" if tok.pos_ == "NOUN" else lemma


def _cue_token(doc: Doc, spans: list[tuple[int, int]]) -> Token | None:
    tokens = [t for s, e in spans for t in (doc.char_span(s, e, alignment_mode="expand") or [])]
    verbs = [t for t in tokens if t.pos_ in ("VERB", "AUX")]
    nouns = [t for t in tokens if t.pos_ == "NOUN"]
    return verbs[0] if verbs else nouns[-1] if nouns else None


def _content_head(doc: Doc, spans: list[tuple[int, int]]) -> Token | None:
    span = doc.char_span(spans[0][0], spans[0][1], alignment_mode="expand")
    if span is None or not len(span):
        return None
    inside = {t.i for t in span}
    heads = [t for t in span if t.head.i not in inside or t.head.i == t.i]
    return heads[0] if heads else span.root


def count(docs: dict[str, tuple[str, list[dict]]], cache: Path | None = None) -> dict:
    """Lemma and (lemma, relation) counts over the split: uses, and uses as a cue."""
    uses: collections.Counter = collections.Counter()
    cue_uses: collections.Counter = collections.Counter()
    for doc_id, doc in parse(docs, cache):
        _count_doc(doc, docs[doc_id][1], uses, cue_uses)
    return {"uses": uses, "cue_uses": cue_uses}


def parse(docs: dict[str, tuple[str, list[dict]]], cache: Path | None = None):
    """(doc id, parsed Doc) for every document, through a DocBin cache when one is given."""
    from spacy.tokens import DocBin

    pipeline = nlp_module.load()
    if cache is not None and cache.exists():
        for doc in DocBin().from_disk(cache).get_docs(pipeline.vocab):
            yield doc.user_data["doc_id"], doc
        return
    keep = DocBin(store_user_data=True)
    texts = [(k, v[0]) for k, v in docs.items()]
    with pipeline.select_pipes(disable=["onrecord"]):
        for (doc_id, _text), doc in zip(texts, pipeline.pipe((t for _k, t in texts), batch_size=16)):
            doc.user_data["doc_id"] = doc_id
            keep.add(doc)
            yield doc_id, doc
    if cache is not None:
        keep.to_disk(cache)


def _count_doc(doc: Doc, gold: list[dict], uses: collections.Counter, cue_uses: collections.Counter) -> None:
    cue_rel: dict[int, str] = {}
    for g in gold:
        cue = _cue_token(doc, g["cue"]) if g["cue"] else None
        head = _content_head(doc, g["content"])
        if cue is not None and head is not None:
            cue_rel[cue.i] = content_relation(cue, head) or "other"
    for tok in doc:
        if tok.pos_ not in ("VERB", "NOUN"):
            continue
        lemma = lexicon_key(tok)
        uses[lemma] += 1
        for rel in verb_relations(tok):
            uses[f"{lemma}|{rel}"] += 1
        if tok.i in cue_rel:
            cue_uses[lemma] += 1
            cue_uses[f"{lemma}|{cue_rel[tok.i]}"] += 1


def build(counts: dict) -> dict:
    """The lexicon: for each lemma (and lemma|relation) seen MIN_COUNT times, its cue rate."""
    uses, cue_uses = counts["uses"], counts["cue_uses"]
    lemmas, relations = {}, {}
    for key, n in uses.items():
        if n < MIN_COUNT or not cue_uses.get(key):
            continue
        entry = {"n": n, "cue": cue_uses[key], "rate": round(cue_uses[key] / n, 3)}
        (relations if "|" in key else lemmas)[key] = entry
    return {"source": "PolNeAR train split (counts only)", "min_count": MIN_COUNT,
            "lemmas": dict(sorted(lemmas.items())), "relations": dict(sorted(relations.items()))}


def main(argv: list[str] | None = None) -> None:
    """Command line: count over a split and write the lexicon JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("split", type=Path)
    parser.add_argument("--out", type=Path,
                        default=Path(__file__).parent / "data" / "cue_lexicon.json")
    parser.add_argument("--cache", type=Path, default=None,
                        help="keep the parsed split here (a DocBin) and reuse it on the next run")
    args = parser.parse_args(argv)
    docs = evaluation.load_polnear(args.split)
    if not docs:
        raise SystemExit(f"onrecord: error: {args.split}: no PolNeAR documents found")
    lexicon = build(count(docs, args.cache))
    args.out.write_text(json.dumps(lexicon, indent=0, sort_keys=False) + "\n", encoding="utf-8")
    print(f"{len(lexicon['lemmas'])} lemmas, {len(lexicon['relations'])} relations -> {args.out}")


if __name__ == "__main__":
    main()
