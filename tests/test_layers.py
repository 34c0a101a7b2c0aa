"""The import graph of `covenant_hub`: no cycles, and each domain imports only the domains below it.

The graph is read from the source with `ast` (nothing is imported), counting every import a
module makes at run time: at the top, inside functions and classes alike; only the imports
under `if TYPE_CHECKING:` are left out. A failure names the offending chain with file and line.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import networkx as nx

PACKAGE = Path(__file__).resolve().parent.parent / "covenant_hub"

# The allowed order, lowest first: a module may import its own layer and the layers before it.
# "core" is every module outside a domain package (config, extensions, i18n, vocabularies,
# interchange, ...); "wiring" is what assembles the app from the domains.
LAYERS = (
    "core",
    "accounts",
    "orgs",
    "library",
    "forum",
    "events",
    "programme",
    "matching",
    "search",
    "site",
    "api",
    "wiring",
)
DOMAINS = frozenset(LAYERS[1:-1])
# The factory, the table of every model (Alembic's metadata), the app-wide commands (init-db,
# load-demo) and the demo loader see every domain.
WIRING = frozenset({
    "covenant_hub", "covenant_hub.models", "covenant_hub.cli", "covenant_hub.demo",
    "covenant_hub.entry", "covenant_hub.wsgi", "covenant_hub.backup_cli",
})  # fmt: skip


@dataclass(frozen=True)
class Import:
    """One import statement's edge: `source` imports `target` at `path:line`."""

    source: str
    target: str
    path: Path
    line: int

    def __str__(self) -> str:
        return f"{self.source} -> {self.target}  ({self.path.relative_to(PACKAGE.parent)}:{self.line})"


def module_files(package: Path = PACKAGE) -> dict[str, Path]:
    """Every module of the package by dotted name (a package by its own name)."""
    modules = {}
    for path in sorted(package.rglob("*.py")):
        parts = list(path.relative_to(package.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


def _runtime_statements(body: list[ast.stmt]) -> list[ast.Import | ast.ImportFrom]:
    """The import statements of a body, at any depth, except those under `if TYPE_CHECKING:`."""
    found: list[ast.Import | ast.ImportFrom] = []
    for node in body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            found.extend(_runtime_statements(node.orelse))
        elif isinstance(node, ast.Import | ast.ImportFrom):
            found.append(node)
        else:
            for field in ("body", "orelse", "finalbody", "handlers", "cases"):
                children = getattr(node, field, None)
                if isinstance(children, list):
                    found.extend(_runtime_statements([c for c in children if isinstance(c, ast.AST)]))
    return found


def _resolve(name: str, modules: dict[str, Path]) -> str | None:
    """The module an imported name lives in: the longest prefix of it that is a module."""
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def imports(modules: dict[str, Path] | None = None) -> list[Import]:
    """Every edge between two modules of the package."""
    modules = modules if modules is not None else module_files()
    edges = []
    for source, path in modules.items():
        package = source if path.name == "__init__.py" else source.rpartition(".")[0]
        for node in _runtime_statements(ast.parse(path.read_text(), str(path)).body):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*anchor, base] if base else anchor)
                names = [f"{base}.{alias.name}" for alias in node.names]
            for name in names:
                target = _resolve(name, modules)
                if target and target != source:
                    edges.append(Import(source, target, path, node.lineno))
    return edges


def cycles(edges: list[Import]) -> list[list[Import]]:
    """One cycle through each group of modules that import each other, as its chain of edges."""
    graph = nx.DiGraph()
    for edge in edges:
        if not graph.has_edge(edge.source, edge.target):
            graph.add_edge(edge.source, edge.target, edge=edge)
    chains = []
    for group in nx.strongly_connected_components(graph):
        if len(group) > 1:
            loop = nx.find_cycle(graph.subgraph(group))
            chains.append([graph.edges[a, b]["edge"] for a, b in loop])
    return sorted(chains, key=lambda chain: chain[0].source)


def layer(module: str) -> str:
    """The layer a module belongs to (see LAYERS)."""
    if module in WIRING:
        return "wiring"
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in DOMAINS else "core"


def upward(edges: list[Import]) -> list[Import]:
    """The edges from a module to a layer above its own."""
    rank = {name: index for index, name in enumerate(LAYERS)}
    return [e for e in edges if rank[layer(e.target)] > rank[layer(e.source)]]


ENGINES = ("covenant_hub.matching.engine", "covenant_hub.search.engine")
# Flask-free core packages an engine may use besides itself.
ENGINE_MAY_USE = ("covenant_hub.language",)
# What an engine may import besides itself: plain data and numeric libraries, never Flask,
# SQLAlchemy or the rest of the app, so that it runs in a test, a CLI or a benchmark as it is.
APP_FRAMEWORKS = frozenset(
    {"flask", "flask_babel", "flask_login", "flask_sqlalchemy", "flask_wtf", "sqlalchemy", "werkzeug"}
)


def _absolute_names(node: ast.Import | ast.ImportFrom) -> list[str]:
    """The absolute module names an import statement reads (relative ones stay in the package)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    return [node.module or ""] if node.level == 0 else []


def engine_leaks(modules: dict[str, Path] | None = None) -> list[str]:
    """`module: imported name (path:line)` for each import out of an engine package."""
    modules = modules if modules is not None else module_files()
    leaks = []
    for source, path in modules.items():
        engine = next((e for e in ENGINES if source == e or source.startswith(e + ".")), None)
        if engine is None:
            continue
        for node in _runtime_statements(ast.parse(path.read_text(), str(path)).body):
            for name in _absolute_names(node):
                inside = any(name == ok or name.startswith(ok + ".") for ok in (engine, *ENGINE_MAY_USE))
                outside = name.startswith("covenant_hub") and not inside
                if outside or name.split(".")[0] in APP_FRAMEWORKS:
                    leaks.append(f"{source}: {name} ({path.relative_to(PACKAGE.parent)}:{node.lineno})")
    return leaks


def _report(title: str, lines: list[str]) -> str:
    return title + "\n" + "\n".join(lines)


def test_modules_import_each_other_in_no_cycle():
    found = cycles(imports())
    chains = ["  " + "\n  ".join(str(edge) for edge in chain) + "\n" for chain in found]
    assert not found, _report(f"{len(found)} import cycle(s):", chains)


def test_domains_import_only_the_layers_below_them():
    found = upward(imports())
    lines = [f"  {layer(e.source)} -> {layer(e.target)}: {e}" for e in found]
    assert not found, _report(f"allowed order {' < '.join(LAYERS)}; upward imports:", lines)


def test_the_engines_import_neither_flask_nor_the_app():
    leaks = engine_leaks()
    assert not leaks, _report("engine imports from outside the engine:", ["  " + leak for leak in leaks])


def test_the_graph_sees_imports_inside_functions(tmp_path):
    """The checker itself: a local import counts, and a TYPE_CHECKING one does not."""
    package = tmp_path / "covenant_hub"
    (package / "orgs").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "orgs" / "__init__.py").write_text("")
    (package / "orgs" / "a.py").write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from covenant_hub.search import b\n"
        "def f():\n    from covenant_hub.orgs import c\n"
    )
    (package / "orgs" / "c.py").write_text("from . import a\n")
    (package / "search").mkdir()
    (package / "search" / "__init__.py").write_text("")
    (package / "search" / "b.py").write_text("")
    (package / "orgs" / "d.py").write_text("import covenant_hub.search.b\n")
    edges = imports(module_files(package))
    assert {(e.source, e.target) for e in edges} == {
        ("covenant_hub.orgs.a", "covenant_hub.orgs.c"),
        ("covenant_hub.orgs.c", "covenant_hub.orgs.a"),
        ("covenant_hub.orgs.d", "covenant_hub.search.b"),
    }
    assert [(e.source, e.target) for e in upward(edges)] == [("covenant_hub.orgs.d", "covenant_hub.search.b")]
    assert [[e.source for e in chain] for chain in cycles(edges)] in (
        [["covenant_hub.orgs.a", "covenant_hub.orgs.c"]],
        [["covenant_hub.orgs.c", "covenant_hub.orgs.a"]],
    )
