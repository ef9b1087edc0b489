"""The analyze and eval commands as a user runs them: formats, errors, exit codes, output files."""
from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from onrecord.cli import app

from conftest import DATA

pytestmark = pytest.mark.slow
runner = CliRunner()
ARTICLE = str(DATA / "harbour-bridge.txt")


def run(*args: str, input: str | None = None):
    return runner.invoke(app, list(args), input=input)


def test_table_is_the_default():
    res = run("analyze", ARTICLE)
    assert res.exit_code == 0
    assert "attributions" in res.stdout and "Elena Varga" in res.stdout and "declines" in res.stdout


def test_jsonl_one_record_a_line_as_design_says():
    res = run("analyze", ARTICLE, "--format", "jsonl")
    lines = [json.loads(x) for x in res.stdout.splitlines()]
    assert res.exit_code == 0 and len(lines) >= 10
    keys = {"doc", "id", "kind", "speaker", "cue", "content", "insertions", "addressee", "when", "stance", "hedged",
            "act", "confidence"}
    assert all(set(r) == keys for r in lines)
    assert {r["doc"] for r in lines} == {"harbour-bridge"}


def test_json_carries_metadata_structure_and_records():
    res = run("analyze", ARTICLE, "--format", "json", "--published", "2026-03-09")
    data = json.loads(res.stdout)
    assert data["metadata"]["published"] == "2026-03-09"
    assert {"structure", "entities", "attributions", "claims", "timexes", "text"} <= set(data)
    assert data["text"] == (DATA / "harbour-bridge.txt").read_text()


def test_standard_input():
    res = run("analyze", "-", "--format", "jsonl", input='"We won," the captain said.\n')
    assert res.exit_code == 0 and json.loads(res.stdout)["speaker"]["text"] == "the captain"


def test_missing_file_is_one_line_and_exit_1(tmp_path):
    res = run("analyze", str(tmp_path / "gone.txt"))
    assert res.exit_code == 1
    err = res.stderr.strip().splitlines()
    assert len(err) == 1 and "gone.txt: no such file" in err[0]


def test_one_bad_input_does_not_stop_the_others(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    res = run("analyze", str(empty), ARTICLE, "--format", "jsonl")
    assert res.exit_code == 1
    assert "empty.txt: the file is empty" in res.stderr
    assert any(json.loads(x)["doc"] == "harbour-bridge" for x in res.stdout.splitlines())


def test_no_partial_output_file_when_every_input_fails(tmp_path):
    out = tmp_path / "out.jsonl"
    binary = tmp_path / "x.bin"
    binary.write_bytes(b"\x00\x01\x02" * 50)
    res = run("analyze", str(binary), "-o", str(out), "--format", "jsonl")
    assert res.exit_code == 1 and "binary" in res.stderr
    assert not out.exists() and list(tmp_path.glob(".out.jsonl*")) == []


def test_output_file_is_written_whole(tmp_path):
    out = tmp_path / "out.jsonl"
    res = run("analyze", ARTICLE, "-o", str(out), "--format", "jsonl")
    assert res.exit_code == 0 and res.stdout == ""
    lines = out.read_text().splitlines()
    assert lines, "the output file is empty"
    assert all(json.loads(x) for x in lines)


def test_impossible_published_date_is_refused():
    res = run("analyze", ARTICLE, "--published", "2026-02-30")
    assert res.exit_code == 2 and "not a real date" in res.stderr


def test_unknown_model_is_one_line(monkeypatch):
    res = run("analyze", ARTICLE, "--model", "no_such_pipeline_xyz")
    assert res.exit_code == 2 and "no_such_pipeline_xyz" in res.stderr and "Traceback" not in res.stderr


def test_size_limit_option(tmp_path):
    res = run("analyze", ARTICLE, "--max-bytes", "100")
    assert res.exit_code == 1 and "over the 100-byte limit" in res.stderr


def test_markup_in_article_text_is_shown_as_written(tmp_path):
    p = tmp_path / "markup.txt"
    p.write_text('"[bold red]Vote now[/] <script>alert(1)</script>," the clerk said.\n')
    res = run("analyze", str(p))
    assert "[bold red]Vote now[/]" in res.stdout


def test_eval_gold_prints_matches():
    res = run("eval", "gold", str(DATA / "harbour-bridge.gold.json"))
    assert res.exit_code == 0
    assert "matched 12/12 required" in res.stdout


def test_every_command_has_an_example_in_its_help():
    for cmd in (["analyze"], ["eval", "gold"], ["eval", "polnear"]):
        res = run(*cmd, "--help")
        assert res.exit_code == 0 and "Example:" in res.stdout


def test_eval_gold_gates_on_a_baseline():
    res = run("eval", "gold", str(DATA / "harbour-bridge.gold.json"), "--baseline", str(DATA / "baseline.json"))
    assert res.exit_code == 0 and "gate: pass" in res.stdout and "precision" in res.stdout


def test_eval_gold_fails_below_a_floor(tmp_path):
    baseline = tmp_path / "baseline.json"
    # the wire story has an extra row (precision 0.900, docs/accuracy.md): a floor of 0.99 fails
    baseline.write_text(json.dumps({"gold": {"wire-port-strike.gold.json": {"precision": 0.99}}}))
    res = run("eval", "gold", str(DATA / "wire-port-strike.gold.json"), "--baseline", str(baseline))
    assert res.exit_code == 1 and "below the floor: precision" in res.stdout and "gate: fail" in res.stdout


def test_eval_gold_that_does_not_fit_its_article_is_one_line(tmp_path):
    gold = json.loads((DATA / "harbour-bridge.gold.json").read_text())
    gold["attributions"][0]["content"] = "words that are nowhere in the article"
    path = tmp_path / "bad.gold.json"
    path.write_text(json.dumps(gold))
    res = run("eval", "gold", str(path), "--text", str(DATA / "harbour-bridge.txt"))
    assert res.exit_code == 2 and "bad.gold.json" in res.output and "line 1" in res.output
    assert "Traceback" not in res.output
