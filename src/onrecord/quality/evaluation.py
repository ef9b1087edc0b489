"""Accuracy against PolNeAR (brat standoff); onrecord's own gold files are scored by ``gold_checks``.

The PolNeAR scoring rules are the ones of the shared scorer (``polnear_score.py``): words
compared as sets of character positions, content matched one to one per document by Dice
overlap >= 0.5 (greedy by overlap), a speaker right when it shares a word position with the
gold source or a case-folded word of more than two letters. A test checks that both give the
same figures on PolNeAR dev.
"""
from __future__ import annotations

import collections
import json
import re
from pathlib import Path
from typing import Any, Callable, Iterable

WORD = re.compile(r"\w+")
SPEECH = set("""said says say saying told tells tell telling according stated states state added adds adding
wrote writes write writing asked asks ask explained explains noted notes claimed claims claim argued argues
insisted insists declared declares announced announces warned warns replied replies responded responds
continued continues acknowledged acknowledges admitted admits denied denies confirmed confirms suggested
suggests recalled recalls tweeted tweets posted posts""".split())
PRONOUNS = {"he", "she", "they", "it", "we", "i", "you", "who", "which", "that", "his", "her", "their"}
#: Dice overlap of word positions at which a predicted content matches a gold one (the
#: shared scorer's lenient rule for news quote extraction).
MIN_DICE = 0.5


def _words(text: str, spans: Iterable[tuple[int, int]]) -> set[int]:
    out: set[int] = set()
    for s, e in spans:
        out.update(m.start() for m in WORD.finditer(text, s, e))
    return out


def parse_ann(path: Path) -> list[dict[str, Any]]:
    """Gold attributions of one brat .ann file: content, source and cue spans."""
    spans: dict[str, list[tuple[int, int]]] = {}
    events = []
    for line in path.read_text(encoding="utf-8").split("\n"):
        if line.startswith("T") and "\t" in line:
            tid, info = line.split("\t")[:2]
            _kind, _, offs = info.partition(" ")
            spans[tid] = [tuple(map(int, p.split())) for p in offs.split(";")]  # type: ignore[misc]
        elif line.startswith("E") and "\t" in line:
            events.append(dict(r.split(":", 1) for r in line.split("\t")[1].split()))
    gold = []
    for ev in events:
        content = ev.get("Content")
        if content and content in spans:
            gold.append({"content": spans[content], "source": spans.get(ev.get("Source"), []),
                         "cue": spans.get(ev.get("Cue"), [])})
    return gold


def load_polnear(split: str | Path) -> dict[str, tuple[str, list[dict]]]:
    """Every document of a PolNeAR split: doc id -> (text, gold attributions of the first annotator)."""
    split = Path(split)
    docs = {}
    for t in sorted((split / "text").glob("*.txt")):
        anns = sorted((split / "attributions").glob(t.stem + "_*.ann"))
        if anns:
            docs[t.stem] = (t.read_text(encoding="utf-8"), parse_ann(anns[0]))
    return docs


def _pred_spans(obj: dict | None) -> list[tuple[int, int]]:
    if obj is None:
        return []
    if obj.get("spans"):
        return [tuple(s) for s in obj["spans"]]  # type: ignore[misc]
    return [(obj["start"], obj["end"])]


def _tags(text: str, g: dict) -> list[str]:
    cue = " ".join(text[s:e] for s, e in g["cue"]).lower()
    src = " ".join(text[s:e] for s, e in g["source"]).lower()
    content = " ".join(text[s:e] for s, e in g["content"])
    tags = ["all"]
    if set(WORD.findall(cue)) & SPEECH:
        tags.append("speech-cue")
    if any(q in content for q in '"“”'):
        tags.append("quoted")
    if src.strip() in PRONOUNS:
        tags.append("pronoun-source")
    return tags


def _speaker_right(text: str, g: dict, pred: dict) -> bool:
    if not g["source"]:
        return True
    sp = pred.get("speaker")
    if not sp:
        return False
    if _words(text, g["source"]) & _words(text, _pred_spans(sp)):
        return True
    src = " ".join(text[s:e] for s, e in g["source"]).lower()
    names = {w.lower() for w in WORD.findall((sp.get("text") or "") + " " + (sp.get("entity") or ""))
             if len(w) > 2}
    return bool(names & {w for w in WORD.findall(src) if len(w) > 2})


def _match(gw: list[set[int]], pw: list[set[int]]) -> dict[int, int]:
    cands = []
    for i, g in enumerate(gw):
        for j, p in enumerate(pw):
            ov = len(g & p)
            if ov and 2 * ov / (len(g) + len(p)) >= MIN_DICE:
                cands.append((ov, i, j))
    cands.sort(reverse=True)
    used_g: set[int] = set()
    used_p: set[int] = set()
    match = {}
    for _ov, i, j in cands:
        if i not in used_g and j not in used_p:
            used_g.add(i)
            used_p.add(j)
            match[i] = j
    return match


def score_polnear(docs: dict[str, tuple[str, list[dict]]], predictions: Iterable[dict]) -> dict[str, Any]:
    """PolNeAR figures for attribution records (DESIGN.md jsonl), as the shared scorer gives them."""
    preds: dict[str, list[dict]] = collections.defaultdict(list)
    for p in predictions:
        preds[p["doc"]].append(p)
    n_gold = n_pred = m_content = m_e2e = 0
    slices: collections.Counter = collections.Counter()
    hits: collections.Counter = collections.Counter()
    for doc, (text, gold) in docs.items():
        ps = [p for p in preds.get(doc, []) if p.get("content")]
        match = _match([_words(text, g["content"]) for g in gold],
                       [_words(text, _pred_spans(p["content"])) for p in ps])
        n_gold += len(gold)
        n_pred += len(ps)
        for i, g in enumerate(gold):
            tags = _tags(text, g)
            slices.update(tags)
            if i not in match:
                continue
            m_content += 1
            hits.update(t + ":content" for t in tags)
            if _speaker_right(text, g, ps[match[i]]):
                m_e2e += 1
                hits.update(t + ":e2e" for t in tags)

    def prf(tp: int) -> tuple[float, float, float]:
        p = tp / n_pred if n_pred else 0.0
        r = tp / n_gold if n_gold else 0.0
        return round(p, 3), round(r, 3), round(2 * p * r / (p + r), 3) if p + r else 0.0

    return {"docs": len(docs), "gold": n_gold, "pred": n_pred,
            "content_prf": prf(m_content), "e2e_prf": prf(m_e2e),
            "speaker_acc_on_matched": round(m_e2e / m_content, 3) if m_content else 0.0,
            "recall_by_slice": {t: {"n": n, "content": round(hits[t + ":content"] / n, 3),
                                    "e2e": round(hits[t + ":e2e"] / n, 3)} for t, n in slices.items()}}


def row_outcomes(text: str, gold: list[dict], records: list[dict]) -> list[bool | None]:
    """For each record of one document: True when the scorer counts it right end to end (its
    content matched one to one, its speaker the gold source), False when not, None when it
    has no content (the scorer does not count it). ``score_polnear``'s end-to-end hits are
    exactly the True ones."""
    idx = [i for i, p in enumerate(records) if p.get("content")]
    ps = [records[i] for i in idx]
    match = _match([_words(text, g["content"]) for g in gold], [_words(text, _pred_spans(p["content"])) for p in ps])
    out: list[bool | None] = [None] * len(records)
    for i in idx:
        out[i] = False
    for gi, pj in match.items():
        out[idx[pj]] = _speaker_right(text, gold[gi], ps[pj])
    return out


def at_threshold(predictions: Iterable[dict], threshold: float) -> list[dict]:
    """The records a user keeps with ``--min-confidence threshold``."""
    return [p for p in predictions if (p.get("confidence") if p.get("confidence") is not None else 1.0) >= threshold]


#: Thresholds at which ``onrecord eval polnear`` prints P/R/F1, beside the default.
REPORT_THRESHOLDS = (0.0, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8)


def threshold_lines(docs: dict[str, tuple[str, list[dict]]], predictions: list[dict], default: float,
                    thresholds: Iterable[float] = REPORT_THRESHOLDS) -> list[str]:
    """End-to-end P/R/F1 when only rows of at least each confidence are kept, every row
    re-matched as the scorer would (the default threshold marked)."""
    out = []
    for t in sorted(set(thresholds) | {default}):
        res = score_polnear(docs, at_threshold(predictions, t))
        p, r, f = res["e2e_prf"]
        mark = "  (default)" if t == default else ""
        out.append(f"min-confidence {t:.2f}: rows {res['pred']:5d}  e2e P {p:.3f} R {r:.3f} F1 {f:.3f}{mark}")
    return out


#: Bins of the reliability table and of the expected calibration error.
CALIBRATION_BINS = 10


def calibration(docs: dict[str, tuple[str, list[dict]]], predictions: list[dict],
                bins: int = CALIBRATION_BINS) -> dict[str, Any]:
    """Reliability of ``confidence`` over every scored row: per bin of confidence, the rows,
    their mean confidence and the share right end to end; and the expected calibration error
    (the rows' share-weighted mean gap between the two)."""
    by_doc: dict[str, list[dict]] = collections.defaultdict(list)
    for p in predictions:
        by_doc[p["doc"]].append(p)
    pairs: list[tuple[float, bool]] = []
    for doc, (text, gold) in docs.items():
        recs = by_doc.get(doc, [])
        for rec, ok in zip(recs, row_outcomes(text, gold, recs)):
            if ok is not None and rec.get("confidence") is not None:
                pairs.append((float(rec["confidence"]), ok))
    table = []
    ece = 0.0
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        inside = [(c, ok) for c, ok in pairs if lo <= c < hi or b == bins - 1 and c == 1.0]
        if not inside:
            table.append({"bin": f"{lo:.1f}-{hi:.1f}", "rows": 0, "confidence": None, "right": None})
            continue
        conf = sum(c for c, _ in inside) / len(inside)
        acc = sum(ok for _, ok in inside) / len(inside)
        ece += len(inside) / len(pairs) * abs(acc - conf)
        table.append({"bin": f"{lo:.1f}-{hi:.1f}", "rows": len(inside), "confidence": round(conf, 3),
                      "right": round(acc, 3)})
    return {"rows": len(pairs), "bins": table, "ece": round(ece, 4)}


def calibration_lines(cal: dict[str, Any]) -> list[str]:
    """The reliability table as a Markdown table, then the expected calibration error."""
    out = ["| confidence | rows | mean confidence | share right |", "|---|---|---|---|"]
    for b in cal["bins"]:
        fmt = (lambda v: "—" if v is None else f"{v:.3f}")
        out.append(f"| {b['bin']} | {b['rows']} | {fmt(b['confidence'])} | {fmt(b['right'])} |")
    out.append(f"expected calibration error ({len(cal['bins'])} bins, {cal['rows']} rows): {cal['ece']:.3f}")
    return out


def summary_line(res: dict[str, Any]) -> str:
    """The scorer's last line: end-to-end P/R/F1, content F1 and speaker accuracy."""
    p, r, f = res["e2e_prf"]
    return (f"e2e P {p} R {r} F1 {f} | content F1 {res['content_prf'][2]} | "
            f"speaker acc {res['speaker_acc_on_matched']}")


# ------------------------------------------------------------------ onrecord gold files

def line_starts(text: str) -> list[int]:
    """Offset of the start of each line (1-based line n starts at result[n-1])."""
    starts = [0]
    for m in re.finditer(r"\r\n|\r|\n", text):
        starts.append(m.end())
    return starts


def load_gold_file(path: str | Path) -> dict:
    """A gold file (JSON) as a dict; ``quality.gold_checks`` scores it."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


def run_polnear(split: str | Path, analyze_text: Callable[[str, str], list[dict]],
                progress: Callable[[int], None] | None = None) -> tuple[dict[str, Any], list[dict]]:
    """Analyse every document of a PolNeAR split and score it; returns figures and predictions."""
    docs = load_polnear(split)
    preds: list[dict] = []
    for doc_id, (text, _gold) in docs.items():
        preds.extend(analyze_text(doc_id, text))
        if progress:
            progress(1)
    return score_polnear(docs, preds), preds
