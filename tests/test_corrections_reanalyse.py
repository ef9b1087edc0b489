"""Corrections survive re-analysis (`ingest --reanalyse`), and gold files exported from them
score the engine (`export gold`, then `eval gold`).

The fast tests analyse with a small stand-in for the engine (one row per "X said that ..."
sentence) so that what is tested is the store's re-anchoring, not the engine; the slow test
runs the real engine through the CLI on an original article of tests/data."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

pytest.importorskip("sqlalchemy")
pytest.importorskip("hnswlib")

from typer.testing import CliRunner  # noqa: E402

from onrecord.cli import app  # noqa: E402
from onrecord.records import Attribution, Content, Entity, Span, Speaker  # noqa: E402
from onrecord.report import Report  # noqa: E402
from onrecord.store.embeddings import HashingEmbedder  # noqa: E402
from onrecord.store.ingest import Store  # noqa: E402
from onrecord.store.sources import iter_items  # noqa: E402

DATA = Path(__file__).parent / "data"
runner = CliRunner()
_SAID = re.compile(r"([A-Z][a-z]+ [A-Z][a-z]+) (said|denied|confirmed) (that [^.]+)")
_STANCE = {"said": "asserts", "denied": "denies", "confirmed": "confirms"}

ARTICLE = ("Mara Quell said that the Upper Mere reservoir had been unsafe since January.\n\n"
           "Tomas Renn denied that the Upper Mere reservoir had been unsafe since January.\n\n"
           "Lena Vask confirmed that the pipes on Mill Street were replaced in May.\n")
#: The same article edited: a paragraph added at the top (every offset moves), Vask's gone.
EDITED = ("Residents filled the town hall on Monday evening to ask about their water.\n\n"
          "Mara Quell said that the Upper Mere reservoir had been unsafe since January.\n\n"
          "Tomas Renn denied that the Upper Mere reservoir had been unsafe since January.\n")


def stand_in(article) -> Report:
    """One indirect row per "Name said|denied|confirmed that ..." sentence of the text."""
    attrs, ents = [], {}
    for n, m in enumerate(_SAID.finditer(article.text), 1):
        (s, e), (k, ke), (c, ce) = m.span(1), m.span(2), m.span(3)
        attrs.append(Attribution(id=f"a{n}", kind="indirect", speaker=Speaker(s, e, m.group(1), m.group(1), "PERSON"),
                                 cue=Span(k, ke, m.group(2)), content=Content(c, ce, m.group(3), [(c, ce)]),
                                 stance=_STANCE[m.group(2)]))
        ent = ents.setdefault(m.group(1), Entity(m.group(1), "PERSON", [m.group(1)]))
        ent.mentions.append((s, e))
    return Report(article=article, attributions=attrs, entities=list(ents.values()))


def cli(*args: str):
    return runner.invoke(app, list(args))


def who(db: str, name: str) -> list[dict]:
    res = cli("who", name, "--db", db, "--format", "json")
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)["statements"]


@pytest.fixture
def stored(tmp_path):
    text = tmp_path / "water.txt"
    text.write_text(ARTICLE, encoding="utf-8")
    db = str(tmp_path / "r.sqlite")
    with Store.open(db, HashingEmbedder()) as store:
        (item,) = iter_items([str(text)])
        assert store.add_item(item, analyze=stand_in).status == "added"
    return db, text


def reanalyse(db: str, text: Path):
    with Store.open(db, HashingEmbedder()) as store:
        return store.reanalyse(iter_items([str(text)]), analyze=stand_in)


def test_a_paragraph_added_at_the_top_keeps_every_correction(stored):
    db, text = stored
    (renn,) = who(db, "Tomas Renn")
    (quell,) = who(db, "Mara Quell")
    assert cli("correct", str(renn["id"]), "--stance", "disputes", "--by", "Ann", "--db", db).exit_code == 0
    assert cli("correct", str(quell["id"]), "--speaker", "Nina Brandt", "--by", "Ann", "--db", db).exit_code == 0
    assert cli("correct", str(quell["id"]), "--note", "checked with the council", "--by", "Bo", "--db", db).exit_code == 0
    text.write_text(EDITED + "\nLena Vask confirmed that the pipes on Mill Street were replaced in May.\n",
                    encoding="utf-8")
    done = reanalyse(db, text)
    assert done.reanalysed == [str(text)] and done.orphaned == []
    (renn2,) = who(db, "Tomas Renn")
    assert renn2["start"] > renn["start"] and renn2["words"] == renn["words"]  # offsets moved
    assert renn2["stance"] == "disputes" and renn2["reviewed"] == "corrected"
    assert renn2["article_id"] == renn["article_id"]
    (brandt,) = who(db, "Nina Brandt")
    assert brandt["words"] == quell["words"] and [c["action"] for c in brandt["corrections"]] == ["speaker", "note"]
    assert who(db, "Mara Quell") == []
    # the log itself is unchanged: the entries keep the ids of their time; links moved
    entries = json.loads(cli("corrections", "--db", db, "--format", "json").stdout)
    assert [(c["target_id"], c["statement_id"]) for c in entries] == [
        (renn["id"], renn2["id"]), (quell["id"], brandt["id"]), (quell["id"], brandt["id"])]
    res = cli("claims", "--db", db, "--format", "json")
    assert "Tomas Renn disputed it" in json.loads(res.stdout)[0]["reason"]


def test_a_correction_whose_row_is_gone_is_listed_as_orphaned(stored):
    db, text = stored
    (vask,) = who(db, "Lena Vask")
    (renn,) = who(db, "Tomas Renn")
    assert cli("correct", str(vask["id"]), "--accept", "--by", "Ann", "--db", db).exit_code == 0
    assert cli("correct", str(renn["id"]), "--reject", "--by", "Ann", "--db", db).exit_code == 0
    text.write_text(EDITED, encoding="utf-8")
    done = reanalyse(db, text)
    assert [(c.action, c.target_id) for c in done.orphaned] == [("accept", vask["id"])]
    assert "no statement of the re-analysed article has its words" in done.orphaned[0].orphaned
    res = cli("corrections", "--orphaned", "--db", db, "--format", "json")
    (orphan,) = json.loads(res.stdout)
    assert orphan["action"] == "accept" and orphan["statement_id"] is None and orphan["by"] == "Ann"
    table = cli("corrections", "--orphaned", "--db", db)
    assert "orphaned: no statement of the re-analysed article" in " ".join(table.stdout.split())
    assert who(db, "Tomas Renn") == []  # the rejection held on its new row
    assert len(json.loads(cli("corrections", "--db", db, "--format", "json").stdout)) == 2  # nothing dropped


def test_an_unchanged_store_reanalysed_keeps_merges(stored):
    db, text = stored
    keep = json.loads(cli("who", "Mara Quell", "--db", db, "--format", "json").stdout)["entities"][0]["id"]
    other = json.loads(cli("who", "Lena Vask", "--db", db, "--format", "json").stdout)["entities"][0]["id"]
    assert cli("merge", str(keep), str(other), "--by", "Ann", "--db", db).exit_code == 0
    assert len(who(db, "Mara Quell")) == 2
    done = reanalyse(db, text)
    assert done.orphaned == [] and len(who(db, "Mara Quell")) == 2


def test_export_gold_writes_only_fully_reviewed_articles(stored, tmp_path):
    db, text = stored
    rows = {s["entity"]: s for name in ("Mara Quell", "Tomas Renn", "Lena Vask") for s in who(db, name)}
    out = tmp_path / "gold"
    assert cli("correct", str(rows["Mara Quell"]["id"]), "--accept", "--by", "Ann", "--db", db).exit_code == 0
    res = cli("export", "gold", str(out), "--db", db, "--format", "json")
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["written"] == []
    assert json.loads(res.stdout)["skipped"][0]["reason"] == "2 of 3 statements not reviewed"
    assert cli("correct", str(rows["Tomas Renn"]["id"]), "--speaker", "Henrik Soelberg", "--by", "Ann", "--db", db).exit_code == 0
    assert cli("correct", str(rows["Lena Vask"]["id"]), "--reject", "--by", "Bo", "--db", db).exit_code == 0
    res = cli("export", "gold", str(out), "--db", db, "--format", "json")
    (path,) = json.loads(res.stdout)["written"]
    gold = json.loads(Path(path).read_text())
    assert (out / gold["article"]).read_text(encoding="utf-8") == ARTICLE
    assert [(g["line"], g["speaker"], g["content"], g["stance"]) for g in gold["attributions"]] == [
        (1, "Mara Quell", "that the Upper Mere reservoir had been unsafe since January", "asserts"),
        (3, "Henrik Soelberg", "that the Upper Mere reservoir had been unsafe since January", "denies")]
    assert gold["negatives"] == [{"line": 5, "cue": "confirmed", "note": "rejected by Bo"}]
    # the gold scorer reads it: the stand-in's own rows score as people decided
    from onrecord.quality import gold_checks
    from onrecord.inputs.readers import read_path
    article = read_path(out / gold["article"])
    res = gold_checks.score_gold(gold, article.text, stand_in(article).records())
    assert (res.required, res.required_right, res.rows) == (2, 1, 3)  # Renn is not Soelberg
    assert len(res.extras) == 1 and len(res.negative_hits) == 1  # the rejected row came back


@pytest.mark.slow
def test_the_engine_through_the_cli_reanalyse_then_export_and_eval_gold(tmp_path, monkeypatch):
    """The real engine: ingest an original article, review every row (one rejected, one
    re-attributed), add a paragraph at the top and `ingest --reanalyse`; the corrections hold;
    `export gold` then `eval gold` scores the engine against what people decided."""
    src = tmp_path / "in" / "harbour-bridge.txt"
    src.parent.mkdir()
    shutil.copy(DATA / "harbour-bridge.txt", src)
    db = str(tmp_path / "e.sqlite")
    res = cli("ingest", str(src), "--db", db, "--embedder", "hashing")
    assert res.exit_code == 0, res.output
    from onrecord.store import queries
    from onrecord.store.db import open_engine
    engine = open_engine(db, create=False)[0]
    data = queries.article(engine, 1)
    engine.dispose()
    ids = [a["statement_id"] for a in data["store"]["attributions"]]
    assert len(ids) >= 3
    rejected, moved = ids[0], ids[1]
    assert cli("correct", str(rejected), "--reject", "--by", "Ann", "--db", db).exit_code == 0
    assert cli("correct", str(moved), "--speaker", "Nina Brandt", "--by", "Ann", "--db", db).exit_code == 0
    for sid in ids[2:]:
        assert cli("correct", str(sid), "--accept", "--by", "Ann", "--db", db).exit_code == 0
    src.write_text("A note from the editors: this story was updated on Friday.\n\n" + src.read_text(encoding="utf-8"),
                   encoding="utf-8")
    res = cli("ingest", str(src), "--db", db, "--embedder", "hashing", "--reanalyse", "--format", "json")
    assert res.exit_code == 0, res.output
    done = json.loads(res.stdout)
    assert done["reanalysed"] == [str(src)] and done["orphaned"] == []
    assert [s["words"] for s in who(db, "Nina Brandt")] == [data["attributions"][1]["content"]["text"]]
    out = tmp_path / "gold"
    res = cli("export", "gold", str(out), "--db", db, "--format", "json")
    (path,) = json.loads(res.stdout)["written"]
    res = cli("eval", "gold", path)
    assert res.exit_code in (0, 1), res.output
    text = " ".join(res.output.split())
    # every accepted row is found with its speaker but the re-attributed one; the rejected one is counted against
    n = len(ids) - 1
    assert f"recall {n - 1}/{n}" in text or f"{n - 1}/{n} required" in text, text
    assert "rejected by Ann" in text, text


def test_an_orphan_stays_listed_with_its_article_through_a_second_reanalysis(stored):
    db, text = stored
    (vask,) = who(db, "Lena Vask")
    assert cli("correct", str(vask["id"]), "--note", "source is her office", "--by", "Ann", "--db", db).exit_code == 0
    text.write_text(EDITED, encoding="utf-8")
    assert len(reanalyse(db, text).orphaned) == 1
    text.write_text("A second update.\n\n" + EDITED, encoding="utf-8")
    (orphan,) = reanalyse(db, text).orphaned
    (renn,) = who(db, "Tomas Renn")
    assert orphan.article_id == renn["article_id"] and orphan.statement_id is None and orphan.after == "source is her office"
