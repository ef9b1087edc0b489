"""Rebuild what onrecord learns from PolNeAR's train split: ``make train``.

Two models, in this order (the second reads the first):

1. The cue lexicon (``data/cue_lexicon.json``). For every verb in the train articles outside
quote marks (the engine never reads a word inside a quote as a cue, so "I think" inside
someone's quote would only dilute the rate of "think"), the lexicon counts how often annotators made it an
attribution cue, and through which dependency its content hangs off it (a clausal complement,
an object, a prepositional object, ...). At run time ``cues.py`` reads, for a verb and each
dependency it actually has, the share of such uses that were attributions. Nothing of the
articles' text is kept: only lemmas, dependency labels and counts.
2. The confidence model (``data/confidence_model.json``, read by ``pipeline/confidence.py``).
   The engine runs over every train article; each of its rows is labelled right or wrong by
   the PolNeAR scorer's rule (``evaluation.row_outcomes``) and described by
   ``confidence.features``. A scikit-learn logistic regression is fitted to them, an
   isotonic map calibrates its out-of-fold probabilities (folds by article), and the default
   ``--min-confidence`` is chosen on those same out-of-fold probabilities. Only feature names
   (lemmas, dependency labels, ...), weights and breakpoints are kept. With ``--reviewed DIR``
   (``make train REVIEWED=DIR``), the rows of the gold files people made by reviewing the
   store (``onrecord export gold DIR``) join the train rows, labelled by the strict gold check.

    python -m onrecord.quality.training ../shared/eval/polnear/train [--only lexicon|confidence] [--cache DIR] [--reviewed DIR]
"""
from __future__ import annotations

import argparse
import bisect
import collections
import json
from pathlib import Path

from spacy.tokens import Doc, Token

from onrecord.quality import evaluation
from onrecord.pipeline import cues
from onrecord.pipeline import nlp as nlp_module

DATA = Path(__file__).resolve().parent.parent / "data"

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


#: A verb's lemma, or ``N:lemma`` for a noun (a claim is not the same cue as to claim).
lexicon_key = cues.lexicon_key


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
        if doc_id not in docs:
            continue  # a cache of the whole split, used for part of it
        _count_doc(doc, docs[doc_id][1], uses, cue_uses, _quoted_offsets(docs[doc_id][0], doc_id))
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


def _quoted_offsets(text: str, doc_id: str) -> list[tuple[int, int]]:
    """The quotes of an article (their marks' offsets), as the engine finds them."""
    from onrecord.inputs.article import from_text
    from onrecord.pipeline.quotes import find_quotes

    return [(q.start, q.end) for q in find_quotes(text, from_text(text, doc_id=doc_id).blocks)]


def _count_doc(doc: Doc, gold: list[dict], uses: collections.Counter, cue_uses: collections.Counter,
               quoted: list[tuple[int, int]] = ()) -> None:
    cue_rel: dict[int, str] = {}
    for g in gold:
        cue = _cue_token(doc, g["cue"]) if g["cue"] else None
        head = _content_head(doc, g["content"])
        if cue is not None and head is not None:
            cue_rel[cue.i] = content_relation(cue, head) or "other"
    starts = [s for s, _e in quoted]
    for tok in doc:
        if tok.pos_ not in ("VERB", "NOUN"):
            continue
        k = bisect.bisect_left(starts, tok.idx) - 1
        if k >= 0 and quoted[k][0] < tok.idx < quoted[k][1]:
            continue  # a word inside a quote: the engine never reads it as a cue
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


# ---------------------------------------------------------------- the confidence model

#: A cue lemma needs this many rows in train to get a weight of its own; rarer lemmas share
#: ``confidence.RARE_LEMMA`` (a weight from a handful of rows would only fit them).
MIN_LEMMA_ROWS = 20
#: Inverse regularisation strength of the logistic regression, chosen on train by the
#: out-of-fold log loss over C in (0.03, 0.1, 0.3, 1, 3); a larger C fits the rare features
#: harder, a smaller one flattens the probabilities toward the base rate.
C_GRID = (0.03, 0.1, 0.3, 1.0, 3.0)
FOLDS = 5
#: The default ``--min-confidence`` is the threshold with the best end-to-end F1 among those
#: that keep the rows' precision at least this high (on train's out-of-fold probabilities):
#: a fact-checker reads the table as the record, and a wrong row costs more than a missing one.
TARGET_PRECISION = 0.80


def confidence_rows(docs: dict[str, tuple[str, list[dict]]], cache: Path | None = None):
    """(doc id, features, right) for every scored row of the engine over the split."""
    from onrecord.inputs.article import from_text
    from onrecord.pipeline import component, confidence

    for doc_id, doc in parse(docs, cache):
        if doc_id not in docs:
            continue
        text, gold = docs[doc_id]
        article = from_text(text, doc_id=doc_id)
        doc._.onrecord_article = article
        report = component.run_stages(doc)
        records = report.records()
        outcomes = evaluation.row_outcomes(text, gold, records)
        for attr, rec, ok in zip(report.attributions, records, outcomes):
            if ok is False and attr.speaker_via == "carried":
                ok = carried_right(text, gold, rec)
            if ok is not None:
                yield doc_id, confidence.features(attr, doc, article, report.attributions), ok


def reviewed_rows(folder: Path):
    """(doc id, features, right) for every row of the engine over the gold files of ``folder``
    (what ``onrecord export gold`` writes from the rows people reviewed, or any gold file of
    ``onrecord eval gold``'s format): a row paired with a gold attribution is right when its
    speaker is (the strict gold check's rule), every other row is wrong. The doc id is the
    gold file's, so the folds keep an article's rows together."""
    from onrecord.inputs.readers import read_path
    from onrecord.pipeline import component, confidence
    from . import gold_checks

    pipeline = nlp_module.load()
    for gold_file in sorted(Path(folder).glob("*.gold.json")):
        gold = evaluation.load_gold_file(gold_file)
        article = read_path(gold_file.parent / gold.get("article", gold_file.name.replace(".gold.json", ".txt")),
                            published=gold.get("published"))
        with pipeline.select_pipes(disable=["onrecord"]):
            doc = pipeline(article.text)
        doc._.onrecord_article = article
        report = component.run_stages(doc)
        records = report.records()
        res = gold_checks.score_gold(gold, article.text, records)
        right = {id(p.row): p.speaker_right for p in res.pairs}
        for attr, rec in zip(report.attributions, records):
            yield f"reviewed:{gold_file.name}", confidence.features(attr, doc, article, report.attributions), \
                right.get(id(rec), False)


def reviewed_required(folder: Path) -> int:
    """Required attributions of the gold files of ``folder`` (the recall base they add)."""
    return sum(sum(bool(g.get("required", True)) for g in evaluation.load_gold_file(f)["attributions"])
               for f in sorted(Path(folder).glob("*.gold.json")))


def carried_right(text: str, gold: list[dict], rec: dict) -> bool:
    """A quote paragraph that continues the speaker before it is one row in onrecord and one
    piece of a longer attribution in PolNeAR (which makes a statement over several paragraphs
    one content): the row is right when most of its words lie in a gold attribution of
    several pieces whose source is its speaker. Only for labelling the confidence model's
    training rows; the scorer's figures count such a row as it is."""
    words = evaluation._words(text, evaluation._pred_spans(rec["content"]))
    if not words:
        return False
    for g in gold:
        if len(g["content"]) > 1 and len(words & evaluation._words(text, g["content"])) >= evaluation.MIN_DICE * len(words) \
                and evaluation._speaker_right(text, g, rec):
            return True
    return False


def _rare_lemmas(rows: list[dict]) -> list[dict]:
    from onrecord.pipeline.confidence import RARE_LEMMA

    counts = collections.Counter(k for r in rows for k in r if k.startswith("lemma="))
    out = []
    for r in rows:
        out.append({(RARE_LEMMA if k.startswith("lemma=") and counts[k] < MIN_LEMMA_ROWS else k): v
                    for k, v in r.items()})
    return out


def fit_confidence(rows: list[tuple[str, dict, bool]], n_gold: int) -> dict:
    """Logistic regression, isotonic calibration and default threshold over labelled rows."""
    import numpy as np
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.isotonic import IsotonicRegression
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import log_loss
    from sklearn.model_selection import GroupKFold

    groups = np.array([d for d, _f, _y in rows])
    feats = _rare_lemmas([f for _d, f, _y in rows])
    y = np.array([ok for _d, _f, ok in rows], dtype=int)
    vec = DictVectorizer(sparse=True)
    X = vec.fit_transform(feats)
    folds = list(GroupKFold(n_splits=FOLDS).split(X, y, groups))

    def out_of_fold(c: float) -> np.ndarray:
        p = np.zeros(len(y))
        for tr, te in folds:
            lr = LogisticRegression(C=c, max_iter=2000).fit(X[tr], y[tr])
            p[te] = lr.predict_proba(X[te])[:, 1]
        return p

    losses = {c: (log_loss(y, p := out_of_fold(c)), p) for c in C_GRID}
    best_c = min(losses, key=lambda c: losses[c][0])
    raw = losses[best_c][1]
    # the calibration map is fitted on out-of-fold probabilities, so it corrects the model as
    # it behaves on articles it has not seen; its own out-of-fold values choose the threshold
    iso = IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0).fit(raw, y)
    calibrated = np.zeros(len(y))
    for tr, te in folds:
        calibrated[te] = IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0).fit(raw[tr], y[tr]).predict(raw[te])
    threshold, sweep = choose_threshold(calibrated, y, n_gold)
    final = LogisticRegression(C=best_c, max_iter=2000).fit(X, y)
    names = vec.get_feature_names_out()
    weights = {str(n): round(float(w), 5) for n, w in zip(names, final.coef_[0]) if abs(w) >= 1e-5}
    return {
        "source": "PolNeAR train split: the engine's own rows, labelled by the scorer's rule (names and weights only)",
        "rows": int(len(y)), "right": int(y.sum()), "articles": int(len(set(groups))), "C": best_c,
        "out_of_fold_log_loss": {str(c): round(v[0], 4) for c, v in losses.items()},
        "default_threshold": threshold, "threshold_rule": f"best e2e F1 with precision >= {TARGET_PRECISION}",
        "threshold_sweep": sweep,
        "intercept": round(float(final.intercept_[0]), 5),
        "weights": dict(sorted(weights.items())),
        "calibration": {"x": [round(float(v), 5) for v in iso.X_thresholds_],
                        "y": [round(float(v), 5) for v in iso.y_thresholds_]},
    }


def choose_threshold(p, y, n_gold: int) -> tuple[float, list]:
    """The threshold (in steps of 0.05) with the best end-to-end F1 among those keeping
    precision >= TARGET_PRECISION; F1 is compared as the sweep records it (three decimals: a
    smaller difference is a handful of rows), and of steps that tie the higher wins, showing
    fewer wrong rows for the same F1. Every step's figures for the record."""
    import numpy as np

    sweep, best = [], None
    for t in np.round(np.arange(0.0, 0.96, 0.05), 2):
        keep = p >= t
        tp, n = int(y[keep].sum()), int(keep.sum())
        prec = tp / n if n else 0.0
        rec = tp / n_gold
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        sweep.append({"t": float(t), "P": round(prec, 3), "R": round(rec, 3), "F1": round(f1, 3)})
        if prec >= TARGET_PRECISION and (best is None or round(f1, 3) >= best[1]):
            best = (float(t), round(f1, 3))
    return (best[0] if best else 0.5), sweep


def train_confidence(docs: dict[str, tuple[str, list[dict]]], out: Path, cache: Path | None = None,
                     reviewed: Path | None = None) -> dict:
    """Run the engine over the split (and the reviewed gold files of ``reviewed``, if given),
    fit the confidence model and write its JSON."""
    rows = list(confidence_rows(docs, cache))
    n_gold = sum(len(g) for _t, g in docs.values())
    if reviewed is not None:
        rows += list(reviewed_rows(reviewed))
        n_gold += reviewed_required(reviewed)
    model = fit_confidence(rows, n_gold)
    out.write_text(json.dumps(model, indent=0) + "\n", encoding="utf-8")
    return model


def main(argv: list[str] | None = None) -> None:
    """Command line: count over a split and write the lexicon JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("split", type=Path)
    parser.add_argument("--only", choices=("lexicon", "confidence"), default=None,
                        help="rebuild one model only (default: the lexicon, then the confidence model)")
    parser.add_argument("--out", type=Path, default=DATA,
                        help="folder the models are written to (default: the package's data/); "
                             "the confidence model always reads the package's cue lexicon")
    parser.add_argument("--cache", type=Path, default=None,
                        help="keep the parsed split here (a DocBin file) and reuse it on the next run")
    parser.add_argument("--limit", type=int, default=None, help="use the first N articles only")
    parser.add_argument("--reviewed", type=Path, default=None,
                        help="a folder of gold files people reviewed (onrecord export gold DIR): their rows "
                             "join the confidence model's training rows")
    args = parser.parse_args(argv)
    if args.reviewed is not None and not any(args.reviewed.glob("*.gold.json")):
        raise SystemExit(f"onrecord: error: {args.reviewed}: no .gold.json files (write them with onrecord export gold)")
    docs = evaluation.load_polnear(args.split)
    if not docs:
        raise SystemExit(f"onrecord: error: {args.split}: no PolNeAR documents found")
    if args.limit:
        docs = dict(list(docs.items())[:args.limit])
    if args.only in (None, "lexicon"):
        lexicon = build(count(docs, args.cache))
        path = args.out / "cue_lexicon.json"
        path.write_text(json.dumps(lexicon, indent=0, sort_keys=False) + "\n", encoding="utf-8")
        print(f"{len(lexicon['lemmas'])} lemmas, {len(lexicon['relations'])} relations -> {path}")
        cues.lexicon.cache_clear()
        cues.learned_lemmas.cache_clear()
    if args.only in (None, "confidence"):
        path = args.out / "confidence_model.json"
        model = train_confidence(docs, path, args.cache, args.reviewed)
        print(f"{model['rows']} rows ({model['right']} right) of {model['articles']} articles, "
              f"C={model['C']}, {len(model['weights'])} weights, default threshold "
              f"{model['default_threshold']} -> {path}")


if __name__ == "__main__":
    main()
