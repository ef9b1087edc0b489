"""Scoring: the PolNeAR rules on a hand-made brat document, agreement with the shared scorer,
and gold-file matching."""
from __future__ import annotations

import importlib.util
import json
import warnings

import pytest

from onrecord.quality import evaluation, gold_checks

from conftest import DATA, POLNEAR_DEV, SHARED, need_shared

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


# ------------------------------------------------------------------ the strict gold gate

GOLD_TEXT = ('Mayor Elena Varga said the bridge was safe. Critics said it was not.\n'
             '"We tested it twice," she told the Harbour Times.\n'
             'That said, the vote is on Friday. Some residents said they would wait.\n')


def gold_file(**extra):
    gold = {"attributions": [
        {"line": 1, "speaker": "Elena Varga", "speaker_mention": "Mayor Elena Varga", "cue": "said",
         "content": "the bridge was safe", "kind": "indirect", "required": True},
        {"line": 1, "speaker": "critics", "speaker_mention": "Critics", "cue": "said",
         "content": "it was not", "kind": "indirect", "required": False},
        {"line": 2, "speaker": "Elena Varga", "speaker_mention": "she", "cue": "told",
         "content": '"We tested it twice,"', "kind": "direct", "addressee": "the Harbour Times", "required": True},
        {"line": 3, "speaker": "some residents", "speaker_mention": "Some residents", "cue": "said",
         "content": "they would wait", "kind": "indirect", "required": True}],
        "entities": [{"name": "Elena Varga", "type": "PERSON", "aliases": ["Varga", "Mayor Elena Varga"]},
                     {"name": "Harbour Times", "type": "OUTLET", "aliases": ["the Harbour Times"]}],
        "negatives": [{"line": 3, "cue": "That said", "note": "an idiom, not a statement"}]}
    gold.update(extra)
    return gold


def span(text, needle, key_from=0, **more):
    start = GOLD_TEXT.index(needle, key_from)
    return {"text": needle, "start": start, "end": start + len(needle), **more}


def row(n, speaker, entity, cue, content, kind="indirect", addressee=None, at=0):
    content_span = span(GOLD_TEXT, content, at) if content else None
    if content_span:
        content_span["spans"] = [[content_span["start"], content_span["end"]]]
    return {"id": f"a{n}", "kind": kind,
            "speaker": span(GOLD_TEXT, speaker, at, entity=entity) if speaker else None,
            "cue": span(GOLD_TEXT, cue, at), "content": content_span,
            "addressee": span(GOLD_TEXT, addressee, at) if addressee else None}


def right_rows():
    line2, line3 = GOLD_TEXT.index("\n") + 1, GOLD_TEXT.index("Some residents")
    return [row(1, "Mayor Elena Varga", "Elena Varga", "said", "the bridge was safe"),
            row(2, "she", "Elena Varga", "told", '"We tested it twice,"', "direct", "the Harbour Times", line2),
            row(3, "Some residents", "some residents", "said", "they would wait", at=line3)]


def score(rows, **extra):
    return gold_checks.score_gold(gold_file(**extra), GOLD_TEXT, rows)


def test_right_rows_pass_every_check():
    res = score(right_rows())
    assert res.figures() == {"precision": 1.0, "recall": 1.0, "speaker_accuracy": 1.0, "cue_accuracy": 1.0,
                             "kind_accuracy": 1.0, "addressee_accuracy": 1.0, "boilerplate_recall": 1.0}
    assert res.misses == res.wrong == res.extras == res.negative_hits == []


def test_speaker_is_judged_by_its_entity_not_its_words():
    rows = right_rows()
    rows[0]["speaker"]["entity"] = "Ruth Okafor"      # the mention still reads "Mayor Elena Varga"
    rows[1]["speaker"]["entity"] = None               # a pronoun left unresolved
    res = score(rows)
    assert res.speaker_right == 1 and res.required_right == 1 and res.figures()["precision"] == 0.333
    assert len(res.misses) == 0 and len(res.wrong) == 2


def test_an_unnamed_group_is_known_by_its_words():
    rows = right_rows()
    rows[2]["speaker"]["entity"] = None
    assert score(rows).speaker_right == 3
    rows[2]["speaker"]["entity"] = "Elena Varga"
    assert score(rows).speaker_right == 2


def test_a_content_widened_to_the_whole_text_matches_nothing():
    rows = right_rows()
    for r in rows:
        r["content"] = {"text": GOLD_TEXT, "start": 0, "end": len(GOLD_TEXT), "spans": [[0, len(GOLD_TEXT)]]}
    res = score(rows)
    assert res.matched == 0 and res.figures()["recall"] == 0.0 and len(res.extras) == 3


def test_content_by_word_dice_half_or_more():
    rows = right_rows()
    rows[0]["content"] = span(GOLD_TEXT, "the bridge")   # 2 of 4 words: Dice 0.67
    assert score(rows).required_right == 3
    rows[0]["content"] = span(GOLD_TEXT, "safe")        # 1 of 4 words: Dice 0.4
    assert score(rows).required_right == 2


def test_every_row_counts_and_duplicates_are_false_positives():
    res = score(right_rows() * 3)
    assert res.rows == 9 and res.rows_right == 3 and len(res.extras) == 6
    assert res.figures()["precision"] == 0.333


def test_an_optional_attribution_is_no_false_positive_and_not_needed():
    rows = right_rows() + [row(4, "Critics", "critics", "said", "it was not")]
    res = score(rows)
    assert res.extras == [] and res.figures()["precision"] == 1.0 and res.required == 3 and res.optional == 1


def test_cue_kind_and_addressee_are_compared():
    rows = right_rows()
    rows[0]["cue"] = span(GOLD_TEXT, "Critics")
    rows[1]["kind"] = "indirect"
    rows[1]["addressee"] = span(GOLD_TEXT, "Harbour")   # a word of it: Dice 0.67, right
    res = score(rows)
    assert res.figures()["cue_accuracy"] == 0.667 and res.figures()["kind_accuracy"] == 0.667
    assert res.addressees_right == 1
    rows[1]["addressee"] = span(GOLD_TEXT, "the")       # a substring of the gold, not its words
    assert score(rows).addressees_right == 0


def test_an_addressee_the_gold_does_not_have_is_wrong():
    rows = right_rows()
    rows[0]["addressee"] = span(GOLD_TEXT, "Critics")
    gold = gold_file()
    gold["attributions"][0]["addressee"] = None
    res = gold_checks.score_gold(gold, GOLD_TEXT, rows)
    assert res.addressees == 2 and res.addressees_right == 1


def test_a_negative_present_is_reported():
    start = GOLD_TEXT.index("That said")
    bad = {"id": "a9", "kind": "indirect", "speaker": span(GOLD_TEXT, "That", start, entity="that"),
           "cue": span(GOLD_TEXT, "said", start), "content": span(GOLD_TEXT, "the vote is on Friday")}
    res = score(right_rows() + [bad])
    assert len(res.negative_hits) == 1 and "idiom" in res.negative_hits[0] and len(res.extras) == 1


def test_a_gold_content_not_in_the_article_is_an_error():
    gold = gold_file()
    gold["attributions"][0]["content"] = "the tunnel was safe"
    with pytest.raises(gold_checks.GoldError, match="line 1"):
        gold_checks.score_gold(gold, GOLD_TEXT, right_rows())


def test_a_content_in_pieces():
    text = '"It was hard," joked Ortega of her role. "A woman who talks to gulls."\n'
    gold = {"attributions": [{"line": 1, "speaker": "Lucia Ortega", "cue": "joked", "kind": "direct",
                              "content": ['"It was hard,"', '"A woman who talks to gulls."']}],
            "entities": [{"name": "Lucia Ortega", "type": "PERSON", "aliases": ["Ortega"]}]}
    piece = {"id": "a1", "kind": "direct", "speaker": {"text": "Ortega", "start": 21, "end": 27, "entity": "Ortega"},
             "cue": {"text": "joked", "start": 15, "end": 20},
             "content": {"text": text[:7], "start": 0, "end": 7, "spans": [[0, 7]]}}
    assert gold_checks.score_gold(gold, text, [piece]).matched == 0   # 2 of 9 words: Dice 0.36
    piece["content"] = {"text": text[:71], "start": 0, "end": 71, "spans": [[0, 14], [41, 71]]}
    assert gold_checks.score_gold(gold, text, [piece]).required_right == 1


def test_the_gate_fails_below_a_floor_and_says_when_a_figure_rose():
    res = score(right_rows() * 3)
    failures, _ = gold_checks.gate(res, {"precision": 0.9, "recall": 1.0, "max_false_positives": 0})
    assert any("precision" in f for f in failures) and any("false_positives" in f for f in failures)
    failures, risen = gold_checks.gate(score(right_rows()), {"precision": 0.5, "recall": 1.0})
    assert failures == [] and any("precision" in r for r in risen)


@pytest.mark.slow
@pytest.mark.shared
def test_polnear_dev_floors():
    """The engine on PolNeAR dev, at or above the floors in tests/data/baseline.json."""
    need_shared(POLNEAR_DEV)
    from onrecord.engine import analyze_article
    from onrecord.inputs.article import from_text

    floors = gold_checks.load_baseline(DATA / "baseline.json")["polnear_dev"]
    res, _preds = evaluation.run_polnear(
        POLNEAR_DEV, lambda doc_id, text: analyze_article(from_text(text, doc_id=doc_id)).records())
    measured = polnear_figures(res)
    low = {k: (measured[k], floor) for k, floor in floors.items() if measured[k] < floor}
    for key, floor in floors.items():
        if measured[key] >= floor + gold_checks.POLNEAR_RAISE_MARGIN:
            warnings.warn(f"PolNeAR dev {key} {measured[key]} is well above its floor {floor}: "
                          "raise it in tests/data/baseline.json", stacklevel=1)
    assert low == {}, evaluation.summary_line(res)


def polnear_figures(res: dict) -> dict[str, float]:
    """The PolNeAR figures the baseline holds floors for."""
    p, r, f = res["e2e_prf"]
    return {"e2e_precision": p, "e2e_recall": r, "e2e_f1": f,
            "speaker_acc_on_matched": res["speaker_acc_on_matched"],
            "quoted_e2e_recall": res["recall_by_slice"]["quoted"]["e2e"],
            "speech_cue_e2e_recall": res["recall_by_slice"]["speech-cue"]["e2e"]}


@pytest.mark.parametrize("path", sorted(DATA.glob("*.gold.json")), ids=lambda p: p.name)
def test_every_gold_file_fits_its_article(path):
    """Each gold file in tests/data is JSON whose lines, contents, addressees and negatives are
    in its article, and has floors in the baseline."""
    gold = evaluation.load_gold_file(path)
    text = (DATA / gold["article"]).read_text(encoding="utf-8")
    res = gold_checks.score_gold(gold, text, [])
    assert res.required >= 1 and res.figures()["recall"] == 0.0
    assert path.name in gold_checks.load_baseline(DATA / "baseline.json")["gold"]


def test_scoring_at_a_confidence_threshold_counts_the_rows_shown():
    rows = right_rows() + [dict(r, id=f"x{n}", confidence=0.1) for n, r in enumerate(right_rows())]
    assert score(rows).figures()["precision"] == 0.5
    res = gold_checks.score_gold(gold_file(), GOLD_TEXT, rows, min_confidence=0.5)
    assert res.rows == 3 and res.figures()["precision"] == 1.0
