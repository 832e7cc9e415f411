"""The package layers, checked on the static import graph of ``src/newsloom``.

Every module is parsed (never imported) and every import counts: module level,
function level (lazy), under ``if TYPE_CHECKING``, ``importlib.import_module("newsloom…")``
and a string constant that is exactly a dotted ``newsloom.…`` path (a lazy-subcommand
table). Lazy imports count because they run in the same process as soon as the function
does: "the runtime never imports training/" must hold for every code path, not only for
start-up. A package is the first name under ``newsloom`` (``newsloom.enrich.ner`` →
``enrich``); a top-level module is its own package (``newsloom.pipeline.pool`` →
``corpus_pool``).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "newsloom"

#: Packages that are never imported at runtime (spaCy-style): benchmarks and training code.
OFFLINE = frozenset({"eval", "training"})

#: Cycles fixed by moving training/experiment code into ``training/``: they must stay fixed.
FIXED = (("enrich", "eval"), ("extract", "eval"))

_DOTTED = re.compile(r"newsloom(\.[A-Za-z_]\w*)+(:[A-Za-z_]\w*)?")


@dataclass(frozen=True)
class Edge:
    source: str  # importing module, e.g. "newsloom.cli.app"
    target: str  # imported module (the deepest one that exists in the tree)
    line: int
    lazy: bool  # not at module level (inside a function, class or ``if``)


def _module_name(path: Path, src: Path) -> str:
    parts = list(path.relative_to(src.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules(src: Path = SRC) -> dict[str, Path]:
    return {_module_name(p, src): p for p in sorted(src.rglob("*.py"))}


def _resolve(name: str, known: Iterable[str]) -> str:
    """``newsloom.a.b.attr`` → the longest prefix that is a module (``newsloom.a.b``)."""
    known = set(known)
    parts = name.split(":")[0].split(".")
    for end in range(len(parts), 0, -1):
        if ".".join(parts[:end]) in known:
            return ".".join(parts[:end])
    return name


def _imported_names(node: ast.AST, module: str, is_package: bool) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom):
        if node.level:  # relative: resolve against the importing package
            base = module.split(".") if is_package else module.split(".")[:-1]
            base = base[:len(base) - node.level + 1]
            stem = ".".join(base + ([node.module] if node.module else []))
        else:
            stem = node.module or ""
        return [stem] + [f"{stem}.{alias.name}" for alias in node.names]
    if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
        func = node.func
        called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if called in ("import_module", "__import__") and isinstance(node.args[0].value, str):
            return [node.args[0].value]
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and _DOTTED.fullmatch(
            node.value):
        return [node.value]
    return []


def import_edges(src: Path = SRC) -> list[Edge]:
    """Every import of a ``newsloom`` module by a module under ``src``."""
    modules = _modules(src)
    edges = []
    for module, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        top = {id(node) for node in tree.body}
        for node in ast.walk(tree):
            names = [n for n in _imported_names(node, module, path.name == "__init__.py")
                     if n == "newsloom" or n.startswith("newsloom.")]
            for target in {_resolve(n, modules) for n in names}:
                if target != module:
                    edges.append(Edge(module, target, getattr(node, "lineno", 0),
                                      id(node) not in top))
    return edges


def package(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "newsloom"


def package_graph(edges: Iterable[Edge]) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for edge in edges:
        a, b = package(edge.source), package(edge.target)
        # the root package re-exports; importing it is not a layer dependency
        if a != b and b != "newsloom":
            graph.setdefault(a, set()).add(b)
    return graph


def strongly_connected(graph: Mapping[str, set[str]]) -> list[set[str]]:
    """Components of more than one package (Tarjan, iterative enough for ~30 nodes)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(component)

    for node in sorted(set(graph) | {b for targets in graph.values() for b in targets}):
        if node not in index:
            visit(node)
    return found


def _allowed(edge: Edge) -> bool:
    """The one runtime → offline import: the CLI mounts ``newsloom eval …`` from eval.cli."""
    is_cli = re.fullmatch(r"newsloom\.cli(_\w+)?(\.\w+)*", edge.source) is not None
    return is_cli and edge.target == "newsloom.eval.cli"


def runtime_violations(edges: Iterable[Edge]) -> list[str]:
    return [f"{e.source}:{e.line} imports {e.target}" + (" (lazily)" if e.lazy else "")
            for e in edges
            if package(e.source) not in OFFLINE and package(e.target) in OFFLINE
            and not _allowed(e)]


@pytest.fixture(scope="module")
def edges() -> list[Edge]:
    return import_edges()


def test_the_graph_sees_lazy_and_module_level_imports(edges: list[Edge]) -> None:
    # Guards against a walker that silently finds nothing (and so can never fail).
    found = {(e.source, e.target, e.lazy) for e in edges}
    assert ("newsloom.extract.boilerplate", "newsloom.extract.boilerplate_features",
            False) in found
    assert ("newsloom.enrich.ner", "newsloom.enrich.ner_vectors", True) in found
    assert len(edges) > 300


def test_no_runtime_module_imports_training_or_eval(edges: list[Edge]) -> None:
    assert runtime_violations(edges) == []


def test_the_runtime_rule_can_fail() -> None:
    lazy = Edge("newsloom.enrich.ner", "newsloom.training.ner_train", 1, True)
    cli_other = Edge("newsloom.cli.app", "newsloom.eval.ner", 1, True)
    assert runtime_violations([lazy, cli_other]) == [
        "newsloom.enrich.ner:1 imports newsloom.training.ner_train (lazily)",
        "newsloom.cli.app:1 imports newsloom.eval.ner (lazily)"]
    assert runtime_violations([Edge("newsloom.cli.app", "newsloom.eval.cli", 1, True),
                               Edge("newsloom.eval.ner", "newsloom.enrich.ner", 1, False),
                               Edge("newsloom.training.ner_train", "newsloom.eval.ner", 1,
                                    False)]) == []


@pytest.mark.parametrize(("a", "b"), FIXED)
def test_fixed_cycles_stay_fixed(edges: list[Edge], a: str, b: str) -> None:
    # Not only no direct pair: no path back either (same strongly connected component).
    components = strongly_connected(package_graph(edges))
    assert not any({a, b} <= c for c in components), components


def test_no_package_cycles(edges: list[Edge]) -> None:
    # Direct pairs and longer loops (a → b → c → a) alike: one strongly connected component
    # of more than one package is a cycle.
    assert strongly_connected(package_graph(edges)) == []


def test_the_cycle_check_can_fail() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"e"}, "e": {"d"}}
    assert sorted(map(sorted, strongly_connected(graph))) == [["a", "b", "c"], ["d", "e"]]
    assert strongly_connected({"a": {"b"}, "b": {"c"}}) == []


#: The store backends: the only packages that hold SQL, each with the database drivers only it
#: may import.
BACKEND_DRIVERS = {"newsloom.store.sqlite": {"sqlite3"},
                   "newsloom.store.postgres": {"psycopg", "psycopg_pool"}}


def _backend_of(module: str) -> str | None:
    return next((package for package in BACKEND_DRIVERS
                 if module == package or module.startswith(package + ".")), None)


def driver_importers(src: Path = SRC) -> set[tuple[str, str]]:
    """(module, driver) of every import of a database driver (lazy ones too) outside the
    backend that owns it."""
    found = set()
    drivers = set().union(*BACKEND_DRIVERS.values())
    for module, path in _modules(src).items():
        allowed = BACKEND_DRIVERS.get(_backend_of(module) or "", set())
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            for name in names:
                root = name.split(".")[0]
                if root in drivers and root not in allowed:
                    found.add((module, root))
    return found


def test_only_its_backend_imports_a_database_driver() -> None:
    assert driver_importers() == set()


def test_the_driver_import_check_can_fail(tmp_path: Path) -> None:
    package = tmp_path / "newsloom"
    (package / "store" / "sqlite").mkdir(parents=True)
    (package / "store" / "postgres").mkdir(parents=True)
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "store" / "sqlite" / "store.py").write_text("import sqlite3\n", encoding="utf-8")
    (package / "store" / "postgres" / "store.py").write_text(
        "import psycopg\nfrom psycopg_pool import ConnectionPool\nimport sqlite3\n",
        encoding="utf-8")
    (package / "store" / "postgresx.py").write_text("import psycopg.sql\n", encoding="utf-8")
    (package / "report.py").write_text("def f():\n    from sqlite3 import Row\n",
                                       encoding="utf-8")
    (package / "ok.py").write_text("import sqlite3x\nimport psycopgx\n", encoding="utf-8")
    assert driver_importers(package) == {
        ("newsloom.report", "sqlite3"), ("newsloom.store.postgres.store", "sqlite3"),
        ("newsloom.store.postgresx", "psycopg")}


#: A string that starts like a SQL statement. Keywords in capitals, as all of newsloom's SQL
#: is written: prose ("Select a story from the list") is not SQL.
_SQL = re.compile(r"^\s*(SELECT\b[\s\S]*\bFROM\b|INSERT\s+(OR\s+[A-Z]+\s+)?INTO\b"
                  r"|UPDATE\s+\w+\s+SET\b|DELETE\s+FROM\b"
                  r"|CREATE\s+(TABLE|INDEX|VIRTUAL|TRIGGER|TEMP|EXTENSION|FUNCTION|DATABASE)"
                  r"|DROP\s+(TABLE|DATABASE)|PRAGMA\b|WITH\s+(RECURSIVE\s+)?\w+(\([^)]*\))?\s+AS\s*\()")


def sql_strings(src: Path = SRC) -> list[tuple[str, int]]:
    """(module, line) of every string constant outside the store backends that is SQL."""
    found = []
    for module, path in _modules(src).items():
        if _backend_of(module) is not None:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                    and _SQL.search(node.value):
                found.append((module, node.lineno))
    return found


def test_no_sql_outside_the_store_backends() -> None:
    assert sql_strings() == []


def test_the_sql_check_can_fail(tmp_path: Path) -> None:
    package = tmp_path / "newsloom"
    (package / "store" / "sqlite").mkdir(parents=True)
    (package / "__init__.py").write_text('"""Select a story from the list."""\n', encoding="utf-8")
    (package / "store" / "sqlite" / "store.py").write_text('Q = "SELECT id FROM a"\n',
                                                           encoding="utf-8")
    (package / "store" / "postgres").mkdir(parents=True)
    (package / "store" / "postgres" / "search.py").write_text(
        'Q = "WITH RECURSIVE chain(id) AS (SELECT 1)"\n', encoding="utf-8")
    (package / "store" / "postgresx.py").write_text('Q = "CREATE EXTENSION vector"\n',
                                                    encoding="utf-8")
    (package / "search.py").write_text('Q = """\n  SELECT id\n  FROM articles"""\n'
                                       'R = "INSERT OR IGNORE INTO t VALUES (1)"\n'
                                       'S = "WITH RECURSIVE c(x) AS (SELECT 1)"\n',
                                       encoding="utf-8")
    assert sql_strings(package) == [("newsloom.search", 1), ("newsloom.search", 4),
                                    ("newsloom.search", 5), ("newsloom.store.postgresx", 1)]
