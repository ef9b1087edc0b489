"""Smoke test of bench/bench_attribution.py: its functions run on one tiny text and keep their shape.

No timing is asserted: the figures depend on the machine. The benchmark file is not a package,
so it is loaded by path.
"""
from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench" / "bench_attribution.py"
TINY = 'Harbour Works\n\n"We will reopen the bridge in May," Mayor Elena Varga said on Monday.\n'


@pytest.fixture(scope="module")
def bench():
    """The benchmark module, imported from its file."""
    spec = importlib.util.spec_from_file_location("bench_attribution", BENCH)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_paragraphs_are_the_non_empty_lines(bench):
    assert bench.paragraphs(TINY) == ["Harbour Works", TINY.splitlines()[2]]


def test_find_texts_reads_a_directory_and_limits(bench, tmp_path):
    for name in ("b", "a", "c"):
        (tmp_path / f"{name}.txt").write_text(TINY, encoding="utf-8")
    texts = bench.find_texts(limit=2, directory=tmp_path)
    assert [t.name for t in texts] == ["a", "b"]


def test_summarize_takes_medians_and_per_round_ratios(bench):
    rounds = [{"bare": 1.0, "onrecord": 1.25}, {"bare": 2.0, "onrecord": 2.0},
              {"bare": 1.0, "onrecord": 2.0}]
    summary = bench.summarize(rounds, tokens=100, texts=1)
    assert summary["systems"]["bare"]["median_seconds"] == 1.0
    assert summary["systems"]["onrecord"]["tokens_per_second"] == 50
    assert summary["throughput_ratios"]["onrecord/bare"] == {"median": 0.8, "per_round": [0.8, 1.0, 0.5]}
    assert summary["passes"] is True


@pytest.mark.slow
def test_benchmark_one_tiny_text_one_round(bench):
    summary = bench.benchmark([bench.Text("tiny", TINY)], rounds=1)
    assert summary["texts"] == 1 and summary["rounds"] == 1 and summary["tokens"] > 10
    expected = {"bare", "onrecord", "stages", "stages_article", "stages_paragraphs", "stages_components"}
    assert expected <= set(summary["systems"])
    for row in summary["systems"].values():
        assert len(row["seconds"]) == 1 and row["median_seconds"] >= 0
    assert set(summary["throughput_ratios"]["onrecord/bare"]) == {"median", "per_round"}
    assert isinstance(summary["passes"], bool)
    assert summary["counts"]["onrecord_attributions"] >= 1
    if "textacy" in summary["systems"]:
        assert {"textacy_extract"} <= set(summary["systems"])
        assert "textacy/bare" in summary["throughput_ratios"]


@pytest.mark.slow
def test_main_prints_json_and_the_verdict_line(bench, tmp_path, capsys):
    (tmp_path / "tiny.txt").write_text(TINY, encoding="utf-8")
    code = bench.main(["--texts", str(tmp_path), "--rounds", "1", "--json"])
    summary = json.loads(capsys.readouterr().out)
    assert code == (0 if summary["passes"] else 1)
    assert summary["source"] == str(tmp_path)
    bench.render(summary)
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert last.startswith("onrecord/bare throughput ratio ") and "(median of 1 rounds" in last


def test_the_vector_index_scale_benchmark_runs_small_and_prints_its_figures():
    import subprocess

    script = BENCH.parent / "bench_hnsw_scale.py"
    run = subprocess.run([sys.executable, str(script), "--sizes", "2000,4000", "--claims", "200", "--dim", "32",
                          "--target", "100000", "--json"], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    out = json.loads(run.stdout)
    assert [r["vectors"] for r in out["sizes"]] == [2000, 4000]
    assert out["sizes"][0]["ratio_to_first"] == 1.0 and out["sizes"][1]["bytes_per_vector"] > 32 * 4
    est = out["extrapolated"]
    # memory is extrapolated linearly from the measured bytes per vector
    assert est["memory_gb"] == round(out["sizes"][1]["bytes_per_vector"] * 100000 / 1e9, 2)
    assert est["build_minutes_on_this_machine"] > 0
