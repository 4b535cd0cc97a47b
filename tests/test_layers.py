"""The layers of src/jixiao, as docs/architecture.md draws them, held by reading every module's imports (ast).

- No import cycle between modules: neither of module-level imports (what runs when a module is imported) nor of
  all imports, those inside functions and under TYPE_CHECKING included (two modules that import each other, one
  of them at call time, are one module in two files: what both need belongs in a third that both import).
- Dependencies point one way (every import, module-level or inside a function):
  `model` imports no other layer; `scoring` imports only `model`; nothing but `web` imports `web`; nothing
  imports `cli`, which alone may import everything; `pipeline` imports neither the outputs (report, review,
  batch) nor the edges (web, cli).
- No hidden imports in the core (model, scoring, files, batch, pipeline, cli): an import inside a function is kept
  only to hold a heavy library (or a layer that loads one) out of start-up, and says so in a comment on its line
  or just above its group of imports.
- The exceptions are named below with their reason; a new one is a decision to write down here, not an accident.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src"
PACKAGE = SRC / "jixiao"

# (importing layer, imported module) allowed against the rules below, and why.
EXCEPTIONS = {
    # The guarded entrance's limits (guard.LIMITS, check_magnitude) hold numbers to plausible ranges where they
    # are parsed; guard imports only model.problems.
    ("model", "jixiao.files.guard"),
    # Rulebooks are YAML files read through the same guarded reader, with each value's line, as department data.
    ("scoring", "jixiao.files.yamlsrc"),
}
ALL_LAYERS = {"model", "scoring", "files", "formats", "report", "render", "review", "cycle", "batch", "web"}
# layer -> the layers it must not import
FORBIDDEN = {
    "model": ALL_LAYERS - {"model"} | {"pipeline", "cli"},
    "scoring": ALL_LAYERS - {"model", "scoring"} | {"pipeline", "cli"},
    "pipeline": {"report", "render", "review", "batch", "web", "cli"},
    **{layer: {"web", "cli"} for layer in ALL_LAYERS - {"model", "scoring", "web"}},
    "web": {"cli"},
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _targets(node: ast.Import | ast.ImportFrom, module: str, is_package: bool) -> Iterator[str]:
    """The jixiao modules an import statement loads (a name imported from a package may be a module)."""
    if isinstance(node, ast.Import):
        yield from (alias.name for alias in node.names if alias.name.startswith("jixiao"))
        return
    if node.level:
        base = module.split(".") if is_package else module.split(".")[:-1]
        base = base[: len(base) - node.level + 1]
        name = ".".join([*base, *([node.module] if node.module else [])])
    else:
        name = node.module or ""
    if not name.startswith("jixiao"):
        return
    for alias in node.names:
        candidate = f"{name}.{alias.name}"
        yield candidate if candidate in MODULES else name


def imports(module: str, top_level_only: bool) -> set[str]:
    path = MODULES[module]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    found: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Import | ast.ImportFrom):
            found.update(_targets(node, module, path.name == "__init__.py"))
    return found


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of the graph as a list of modules (the first repeated at the end), or None."""
    state: dict[str, int] = {}  # 1 on the path, 2 done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (found := visit(start)):
            return found
    return None


def violations(graph: dict[str, set[str]]) -> list[str]:
    found = []
    for module, targets in sorted(graph.items()):
        own = layer(module)
        for target in sorted(targets):
            other = layer(target)
            if other == own or (own, target) in EXCEPTIONS:
                continue
            if other in FORBIDDEN.get(own, set()):
                found.append(f"{module} imports {target}")
    return found


@pytest.mark.parametrize("top_level_only", [True, False], ids=["module-level", "inside-functions-too"])
def test_no_import_cycle_between_modules(top_level_only):
    graph = {module: imports(module, top_level_only=top_level_only) for module in MODULES}
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle: " + " → ".join(cycle or [])


def test_dependencies_point_one_way():
    graph = {module: imports(module, top_level_only=False) for module in MODULES}
    assert violations(graph) == []


def test_every_exception_is_still_needed():
    graph = {module: imports(module, top_level_only=False) for module in MODULES}
    used = {(layer(module), target) for module, targets in graph.items() for target in targets}
    assert used >= EXCEPTIONS, f"no longer needed, remove: {sorted(EXCEPTIONS - used)}"


CORE = ("model", "scoring", "files", "batch", "pipeline", "cli")


def unmarked_local_imports(module: str) -> list[str]:
    """Imports inside functions with no comment on their line, on another line of their group, or just above it."""
    path = MODULES[module]
    lines = path.read_text(encoding="utf-8").splitlines()
    tree = ast.parse("\n".join(lines))
    nodes = [n for n in ast.walk(tree) if isinstance(n, ast.Import | ast.ImportFrom) and n not in tree.body]
    found = []
    for node in nodes:
        first = node.lineno - 1
        while first > 0 and (lines[first - 1].strip() == "" or _is_import(lines[first - 1])):
            first -= 1
        last = node.end_lineno or node.lineno
        while last < len(lines) and (_is_import(lines[last]) or lines[last].strip() == ""):
            last += 1
        group = lines[first:last]
        above = lines[first - 1].strip() if first > 0 else ""
        if node.col_offset and not ("#" in above or any("#" in line for line in group if _is_import(line))):
            found.append(f"{path.relative_to(SRC)}:{node.lineno}: {lines[node.lineno - 1].strip()}")
    return found


def _is_import(line: str) -> bool:
    text = line.strip()
    return (text.startswith(("import ", "from ")) and " import " in f"{text} ") or text.startswith("import ")


def test_imports_inside_functions_say_why():
    unmarked = [line for module in MODULES if layer(module) in CORE for line in unmarked_local_imports(module)]
    assert unmarked == []


def test_the_checks_can_fail():
    """The two checks above on made-up graphs: a cycle is found, an upward import is reported."""
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None
    assert violations({"jixiao.model.dataset": {"jixiao.files.excel_in", "jixiao.files.guard"}}) == [
        "jixiao.model.dataset imports jixiao.files.excel_in"
    ]
    assert violations({"jixiao.scoring.engine": {"jixiao.report.content"}}) == [
        "jixiao.scoring.engine imports jixiao.report.content"
    ]
    assert violations({"jixiao.review.pipeline": {"jixiao.web.db"}}) == ["jixiao.review.pipeline imports jixiao.web.db"]


@pytest.mark.parametrize("module", ["jixiao.model.dataset", "jixiao.scoring.engine", "jixiao.pipeline"])
def test_the_graph_sees_the_imports(module):
    """The reader of imports finds what these modules are known to import (so an empty graph cannot pass)."""
    assert imports(module, top_level_only=True)


def test_the_graph_sees_imports_inside_functions():
    """review/output.py imports review/opinion.py only where an opinion is written: the whole graph sees it."""
    assert "jixiao.review.opinion" in imports("jixiao.review.output", top_level_only=False)
    assert "jixiao.review.opinion" not in imports("jixiao.review.output", top_level_only=True)
