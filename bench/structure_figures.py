"""Size and shape of the code base: the figures the structure note compares before and after.

Run: .venv/bin/python bench/structure_figures.py
Reads covenant_hub/ with `ast` (imports nothing from it) and prints readable lines, then one
JSON line: the longest function, the modules over 400 lines, the import cycles and upward
domain imports counted as tests/test_layers.py counts them. mypy's and `duplicates`' figures
come from their own commands (see the README's "Checks" paragraph).
"""

from __future__ import annotations

import ast
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.test_layers import PACKAGE, cycles, imports, module_files, upward  # noqa: E402


def functions(path: Path) -> list[tuple[int, str]]:
    """(lines, name) of every function and method in a module."""
    tree = ast.parse(path.read_text(), str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            found.append((node.end_lineno - first + 1, f"{path.relative_to(ROOT)}:{node.name}"))
    return found


def main() -> None:
    modules = module_files()
    sizes = {str(p.relative_to(ROOT)): len(p.read_text().splitlines()) for p in modules.values()}
    large = sorted((lines, name) for name, lines in sizes.items() if lines > 400)
    longest = max(f for p in modules.values() for f in functions(p))
    edges = imports(modules)
    figures = {
        "modules": len(modules),
        "longest_function_lines": longest[0],
        "longest_function": longest[1],
        "modules_over_400_lines": len(large),
        "large_modules": [f"{name} ({lines})" for lines, name in large],
        "import_cycles": len(cycles(edges)),
        "upward_imports": len({(e.source, e.target) for e in upward(edges)}),
        "package": str(PACKAGE.relative_to(ROOT)),
    }
    for key, value in figures.items():
        print(f"{key}: {value}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
