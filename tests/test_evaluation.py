"""Scoring: the PolNeAR rules on a hand-made brat document, agreement with the shared scorer,
and gold-file matching."""
from __future__ import annotations

import importlib.util
import json


from onrecord.quality import evaluation

from conftest import POLNEAR_DEV, SHARED, need_shared

TEXT = "The mayor said the bridge was safe. Critics said it was not."


def brat_split(tmp_path):
    (tmp_path / "text").mkdir()
    (tmp_path / "attributions").mkdir()
    (tmp_path / "text" / "d1.txt").write_text(TEXT)
    ann = ("T1\tSource 0 9\tThe mayor\nT2\tCue 10 14\tsaid\nT3\tContent 15 34\tthe bridge was safe\n"
           "E1\tAttribution:T2 Source:T1 Cue:T2 Content:T3\n"
           "T4\tSource 36 43\tCritics\nT5\tCue 44 48\tsaid\nT6\tContent 49 59\tit was not\n"
           "E2\tAttribution:T5 Source:T4 Cue:T5 Content:T6\n")
    (tmp_path / "attributions" / "d1_x1.ann").write_text(ann)
    return tmp_path


def rec(cs, ce, ss, se):
    return {"doc": "d1", "content": {"start": cs, "end": ce}, "speaker": {"start": ss, "end": se, "text": TEXT[ss:se]}}


def test_perfect_predictions_score_one(tmp_path):
    docs = evaluation.load_polnear(brat_split(tmp_path))
    res = evaluation.score_polnear(docs, [rec(15, 34, 0, 9), rec(49, 59, 36, 43)])
    assert res["e2e_prf"] == (1.0, 1.0, 1.0)


def test_wrong_speaker_counts_for_content_only(tmp_path):
    docs = evaluation.load_polnear(brat_split(tmp_path))
    res = evaluation.score_polnear(docs, [rec(15, 34, 36, 43)])
    assert res["content_prf"][1] == 0.5 and res["e2e_prf"][1] == 0.0


def test_too_little_overlap_is_no_match(tmp_path):
    docs = evaluation.load_polnear(brat_split(tmp_path))
    res = evaluation.score_polnear(docs, [rec(15, 18, 0, 9)])  # "the" of a 4-word content: Dice 0.4
    assert res["content_prf"] == (0.0, 0.0, 0.0)


def test_same_figures_as_the_shared_scorer(tmp_path):
    need_shared(POLNEAR_DEV)
    scorer_path = SHARED / "eval" / "polnear_score.py"
    spec = importlib.util.spec_from_file_location("polnear_score", scorer_path)
    scorer = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(scorer)
    split = tmp_path / "split"
    (split / "text").mkdir(parents=True)
    (split / "attributions").mkdir()
    names = sorted(p.stem for p in (POLNEAR_DEV / "text").glob("*.txt"))[:10]
    for name in names:
        (split / "text" / f"{name}.txt").symlink_to(POLNEAR_DEV / "text" / f"{name}.txt")
        for ann in (POLNEAR_DEV / "attributions").glob(f"{name}_*.ann"):
            (split / "attributions" / ann.name).symlink_to(ann)
    docs = evaluation.load_polnear(split)
    # predictions made from the gold itself, shifted and thinned, exercise every rule
    preds = []
    for doc, (_text, gold) in docs.items():
        for n, g in enumerate(gold):
            if n % 3 == 0:
                continue
            s, e = g["content"][0]
            src = g["source"][0] if g["source"] else (0, 1)
            preds.append({"doc": doc, "content": {"start": s + n % 5, "end": e},
                          "speaker": {"start": src[0], "end": src[1], "text": ""} if n % 4 else None})
    path = tmp_path / "p.jsonl"
    path.write_text("".join(json.dumps(p) + "\n" for p in preds))
    ours = evaluation.score_polnear(docs, preds)
    theirs = scorer.score(split, path)
    for key in ("gold", "pred", "speaker_acc_on_matched"):
        assert ours[key] == theirs[key], key
    for key in ("content_prf", "e2e_prf"):
        assert list(ours[key]) == list(theirs[key]), key
    assert ours["recall_by_slice"] == theirs["recall_by_slice"]


def test_gold_matching_by_entity_alias():
    gold = {"attributions": [{"line": 1, "speaker": "Elena Varga", "speaker_mention": "Varga", "cue": "said",
                              "content": "the bridge was safe", "required": True}],
            "entities": [{"name": "Elena Varga", "aliases": ["Varga", "Mayor"]}]}
    text = "The Mayor said the bridge was safe."
    hit = {"id": "a1", "speaker": {"text": "The Mayor", "start": 0, "end": 9, "entity": "Elena Varga"},
           "content": {"start": 15, "end": 34, "text": text[15:34]}}
    miss = {"id": "a1", "speaker": {"text": "The Mayor", "start": 0, "end": 9, "entity": "critics"},
            "content": {"start": 15, "end": 34, "text": text[15:34]}}
    assert evaluation.score_gold(gold, text, [hit]).matched_required == 1
    res = evaluation.score_gold(gold, text, [miss])
    assert res.matched_required == 0 and res.misses
