"""Imports run one way: every import in generator/ (read statically, those inside functions
too) goes down the layers below, and no module or package imports itself round a circle.

The xlsx reader sits at the bottom and imports nothing else of the project; the commands
and the upload service sit at the top.  A new top-level module or package must be given
its floor in LAYERS."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "generator"

# Each top-level module or package of generator/ and its floor: an import may go to the
# same package or to a lower floor, never up and never sideways to another package on the
# same floor.
LAYERS = {
    "generator": 0,  # the package itself (__version__)
    "generator.xlsx": 0,  # the bounded reader: nothing else of the project
    "generator.docx": 1,  # the bounded Word reader: the xlsx package's zip and XML bounds only
    "generator.project": 0,
    "generator.yamlcache": 0,
    "generator.memo": 0,
    "generator.oserrors": 0,  # OS errors in Chinese words
    "generator.findings": 1,
    "generator.yamlsrc": 2,
    "generator.schemacheck": 3,
    "generator.content": 4,
    "generator.forms": 5,
    "generator.project_check": 6,
    "generator.validate": 6,
    "generator.site": 7,
    "generator.rollup": 7,
    "generator.importer": 7,  # yaojian import: a .txt/.docx to a draft document, checked by project_check
    "generator.service": 8,
    "generator.commands": 9,
    "generator.cli": 10,
    "generator.__main__": 11,
}


def modules() -> dict[str, Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def imports(mods: dict[str, Path]) -> dict[str, set[str]]:
    """Module -> the project modules it imports (an imported name that is a module counts
    as that module; any other name as the module it comes from)."""

    def known(name: str) -> str:
        while name and name not in mods:
            name = name.rpartition(".")[0]
        return name

    graph: dict[str, set[str]] = {}
    for name, path in mods.items():
        out: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                out.update(known(a.name) for a in node.names if a.name.split(".")[0] == "generator")
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    here = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
                    base = ".".join(here[: len(here) - node.level + 1] + ([base] if base else []))
                if base.split(".")[0] != "generator":
                    continue
                for a in node.names:
                    full = f"{base}.{a.name}"
                    out.add(full if full in mods else known(base))
        out.discard(name)
        out.discard("")
        graph[name] = out
    return graph


def top(name: str) -> str:
    return ".".join(name.split(".")[:2])


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one node (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.get(root, ()))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on.add(root)
        while work:
            node, edges = work[-1]
            advanced = False
            for nxt in edges:
                if nxt not in index:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on.add(nxt)
                    work.append((nxt, iter(sorted(graph.get(nxt, ())))))
                    advanced = True
                    break
                if nxt in on:
                    low[node] = min(low[node], index[nxt])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


GRAPH = imports(modules())


def edges_between(graph, a: str, b: str) -> list[str]:
    return sorted(f"{m} → {n}" for m, out in graph.items() for n in out if top(m) == a and top(n) == b)


def test_the_walk_sees_the_imports():
    """The walk itself: relative, from-package and function-level imports are all seen."""
    assert "generator.xlsx.reader" in GRAPH["generator.xlsx"]
    assert "generator.validate.finish" in GRAPH["generator.validate"]  # inside a function
    assert "generator.site.forms" in GRAPH["generator.site.registry"]
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_module_imports_itself_round_a_circle():
    assert circles(GRAPH) == []


def test_no_package_imports_itself_round_a_circle():
    packages: dict[str, set[str]] = {}
    for m, out in GRAPH.items():
        packages.setdefault(top(m), set()).update(top(n) for n in out if top(n) != top(m))
    assert circles(packages) == []


def test_forms_do_not_import_the_site():
    assert edges_between(GRAPH, "generator.forms", "generator.site") == []


def test_the_rollup_does_not_import_the_service():
    assert edges_between(GRAPH, "generator.rollup", "generator.service") == []


def test_the_reader_imports_nothing_else_of_the_project():
    outside = sorted(f"{m} → {n}" for m, out in GRAPH.items() if top(m) == "generator.xlsx"
                     for n in out if top(n) != "generator.xlsx")
    assert outside == []


def test_every_import_goes_down():
    unplaced = sorted({top(m) for m in GRAPH} - set(LAYERS))
    assert unplaced == [], f"give these a floor in LAYERS: {unplaced}"
    upward = sorted(f"{m} → {n}" for m, out in GRAPH.items() for n in out
                    if top(n) != top(m) and LAYERS[top(n)] >= LAYERS[top(m)])
    assert upward == []
