"""The layering of ``lib/energybook``: data and core -> chapter parameters -> chapter models
-> chapter specs -> figures and pages -> pipeline and site -> command line.

The test walks every import in the package, including imports inside functions (they hide
cycles just as well), and fails on any import of a module from a higher layer and on any
cycle. Imports inside ``if TYPE_CHECKING:`` blocks count too.
"""

from __future__ import annotations

import ast
from pathlib import Path

LIB = Path(__file__).resolve().parents[1] / "lib"
PACKAGE = LIB / "energybook"

CORE = {
    "energybook",
    "energybook.params",
    "energybook.units",
    "energybook.unit_factors",
    "energybook.data",
    "energybook.uncertainty",
    "energybook.gpu_energy",
    "energybook.declare",
    "energybook.charts",
    "energybook.render",
    "energybook.theme",
    "energybook.fmt",
    "energybook.yamlsafe",
    "energybook.common",
    "energybook.sobol",
    "energybook.decompose",
    "energybook.memo",
    "energybook.bib",
    "energybook.locking",
    "energybook.background",
}
TOP = {
    "energybook.pipeline": 5,
    "energybook.site": 5,
    "energybook.book": 5,
    "energybook.measure": 5,
    "energybook.sphinxext": 5,
    "energybook.sweep": 5,
    "energybook.sensitivity": 5,
    "energybook.publish": 4,
    "energybook.chapters": 3.5,
    "energybook.cli": 6,
    "energybook.explore": 6,
    "energybook.runs": 5,
    "energybook.runpage": 5,
}
NAMES = {
    0: "core",
    1: "chapter parameters",
    2: "chapter model",
    3: "chapter spec",
    3.5: "chapter registry",
    4: "figures and pages",
    5: "pipeline and site",
    6: "command line",
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(LIB).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def rank(module: str) -> float:
    if module in CORE:
        return 0
    if module in TOP:
        return TOP[module]
    parts = module.split(".")
    if parts[:2] == ["energybook", "chapters"] and len(parts) >= 4:
        leaf = parts[3]
        if leaf == "params":
            return 1
        if leaf == "spec":
            return 3
        if leaf in ("figures", "page"):
            return 4
        return 2  # model modules (model.py, or several model modules of one chapter)
    if parts[:2] == ["energybook", "chapters"] and len(parts) == 3:
        return 1  # a chapter package's __init__: nothing but a docstring
    raise AssertionError(f"module {module} has no layer: add it to tests/test_architecture.py")


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in PACKAGE.rglob("*.py")}


def imports(module: str, path: Path, known: set[str]) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    is_pkg = path.name == "__init__.py"
    base = module.split(".") if is_pkg else module.split(".")[:-1]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                found.add(a.name)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                anchor = base[: len(base) - (node.level - 1)]
                target = ".".join(anchor + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.add(target)
            for a in node.names:  # "from energybook import data" imports a module
                found.add(f"{target}.{a.name}")
    out = set()
    for name in found:
        while name and name not in known:
            name = name.rpartition(".")[0]
        if name and name != module and name != "energybook":
            out.add(name)
    return out


def graph() -> dict[str, set[str]]:
    mods = modules()
    known = set(mods)
    return {m: imports(m, p, known) for m, p in mods.items()}


def test_every_module_has_a_layer():
    for m in modules():
        rank(m)


def test_no_module_imports_a_higher_layer():
    bad = []
    for m, deps in sorted(graph().items()):
        for d in sorted(deps):
            if rank(d) > rank(m):
                bad.append(f"{m} ({NAMES[rank(m)]}) imports {d} ({NAMES[rank(d)]})")
    assert not bad, "imports against the flow:\n" + "\n".join(bad)


def test_no_import_cycles():
    g = graph()
    state: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(n: str) -> None:
        state[n] = 1
        stack.append(n)
        for d in sorted(g.get(n, ())):
            if state.get(d) == 1:
                cycles.append(stack[stack.index(d) :] + [d])
            elif d not in state:
                visit(d)
        stack.pop()
        state[n] = 2

    for n in sorted(g):
        if n not in state:
            visit(n)
    assert not cycles, "import cycles:\n" + "\n".join(" -> ".join(c) for c in cycles)


def test_models_do_no_io_and_show_no_text():
    """A chapter model is pure: no file or network I/O, no data loading, no display."""
    banned = {
        "energybook.data",
        "energybook.publish",
        "energybook.charts",
        "energybook.render",
        "energybook.theme",
        "altair",
        "IPython",
        "myst_nb",
        "energybook.params",
    }
    bad = []
    for m, p in sorted(modules().items()):
        if rank(m) != 2:
            continue
        deps = {
            a.name
            for node in ast.walk(ast.parse(p.read_text()))
            if isinstance(node, ast.Import)
            for a in node.names
        }
        deps |= {
            node.module or ""
            for node in ast.walk(ast.parse(p.read_text()))
            if isinstance(node, ast.ImportFrom)
        }
        text = p.read_text()
        for b in banned:
            if any(d == b or d.startswith(b + ".") for d in deps):
                bad.append(f"{m} imports {b}")
        for call in ("open(", ".read_text(", ".write_text(", "print("):
            if call in text:
                bad.append(f"{m} calls {call}")
    assert not bad, "\n".join(bad)


def test_the_checker_sees_a_back_edge_and_a_hidden_cycle(tmp_path):
    """The rules can fail: an import inside a function from core to the CLI is found, with
    its layers, and so is a cycle hidden by function-level imports."""
    pkg = tmp_path / "energybook"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "charts.py").write_text("def f():\n    from energybook import cli\n")
    (pkg / "cli.py").write_text("from . import charts\n")
    known = {"energybook", "energybook.charts", "energybook.cli"}
    deps = imports("energybook.charts", pkg / "charts.py", known)
    assert deps == {"energybook.cli"} and rank("energybook.cli") > rank("energybook.charts")
    assert imports("energybook.cli", pkg / "cli.py", known) == {"energybook.charts"}
