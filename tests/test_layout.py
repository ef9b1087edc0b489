"""The package's layout follows the flow: no module imports, directly or through others, a module
that imports it back, counting imports made inside functions."""
from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "onrecord"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in PACKAGE.rglob("*.py")}


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """Every onrecord module that ``name`` imports anywhere in its body (the package a
    relative import names, and each submodule it takes from it)."""
    is_pkg = path.name == "__init__.py"
    here = name.split(".") if is_pkg else name.split(".")[:-1]
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name in known)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here[: len(here) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                if sub in known:
                    out.add(sub)
                elif target in known:
                    out.add(target)
    out.discard(name)
    return out


def import_graph() -> dict[str, set[str]]:
    mods = modules()
    known = set(mods)
    return {name: imports_of(name, path, known) for name, path in mods.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_graph_sees_imports_inside_functions():
    graph = import_graph()
    # cli imports the engine only inside its commands; the graph must still see it
    assert "onrecord.engine" in graph["onrecord.cli"]


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_cycles():
    found = cycles(import_graph())
    assert found == [], "import cycles: " + "; ".join(" <-> ".join(c) for c in found)


def test_the_flow_runs_one_way():
    """inputs never import the pipeline; the pipeline never imports the store, web or batch."""
    graph = import_graph()
    for name, deps in graph.items():
        if name.startswith("onrecord.inputs"):
            assert not any(d.startswith(("onrecord.pipeline", "onrecord.store", "onrecord.web",
                                         "onrecord.batch", "onrecord.engine")) for d in deps), name
        if name.startswith("onrecord.pipeline"):
            assert not any(d.startswith(("onrecord.store", "onrecord.web", "onrecord.batch",
                                         "onrecord.quality", "onrecord.engine")) for d in deps), name


def test_the_explorer_loads_no_language_model():
    """The explorer and the store compare names with the parser-free rules
    (pipeline/namerules.py): importing them loads neither spaCy nor torch (about two seconds
    and hundreds of megabytes before the first page)."""
    import subprocess
    import sys
    code = ("import sys, onrecord.web.app, onrecord.store.queries, onrecord.store.names; "
            "print(sorted(m for m in ('spacy', 'torch', 'sentence_transformers') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout
