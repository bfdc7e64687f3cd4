"""The book's contents agree with its declarations: toc, specs, notebooks, parameters."""

import ast
import json

import nbformat
import pytest

from energybook import book
from energybook import chapters as specs
from energybook.params import parameters_cell_source

CHAPTERS = book.toc_chapters()


def test_toc_lists_exactly_the_declared_chapters_in_order():
    declared = [s.name for s in specs.all_chapters()]
    assert CHAPTERS == declared, (
        "every chapter package in lib/energybook/chapters needs a _toc.yml entry, "
        "in the order of its `order`, and vice versa"
    )


@pytest.mark.parametrize("name", CHAPTERS)
def test_notebook_parameters_cell_matches_the_declaration(root, name):
    spec = specs.get(name)
    nb = nbformat.read(str(root / spec.notebook), as_version=4)
    cells = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(cells) == 1, "exactly one papermill parameters cell"
    assert cells[0].source == parameters_cell_source(spec.params), (
        "regenerate it with `energybook refresh " + name + "`"
    )
    assert "remove-cell" in cells[0].metadata["tags"]


# What a thin notebook may not hold: chart specifications and model or page logic.
BANNED_NODES = {
    ast.If: "an if",
    ast.IfExp: "a conditional expression",
    ast.For: "a loop",
    ast.While: "a loop",
    ast.ListComp: "a comprehension",
    ast.DictComp: "a comprehension",
    ast.SetComp: "a comprehension",
    ast.GeneratorExp: "a comprehension",
    ast.FunctionDef: "a function",
    ast.Lambda: "a lambda",
    ast.ClassDef: "a class",
    ast.Try: "a try block",
    ast.With: "a with block",
    ast.BinOp: "arithmetic",
    ast.BoolOp: "boolean logic",
    ast.Compare: "a comparison",
}


def notebook_logic(code: str) -> list[str]:
    """Chart specifications and logic in a notebook cell's code (empty: thin)."""
    found = []
    for node in ast.walk(ast.parse(code)):
        for kind, what in BANNED_NODES.items():
            if isinstance(node, kind):
                found.append(f"{what} at line {node.lineno}")
        if isinstance(node, ast.Name) and node.id == "alt":
            found.append(f"an Altair specification at line {node.lineno}")
        if isinstance(node, ast.Import | ast.ImportFrom):
            mods = [a.name for a in node.names] + [getattr(node, "module", None) or ""]
            if any(m.split(".")[0] in ("altair", "numpy", "pandas") for m in mods):
                found.append(f"an import of {mods} at line {node.lineno} (use lib/)")
    return found


def test_the_thinness_check_finds_chart_specs_and_logic():
    assert notebook_logic("charts.figure(figures.fan(ev), captions['fan'])") == []
    assert notebook_logic("import altair as alt\nalt.Chart(df).mark_bar()")
    assert notebook_logic("x = 'a' if P.flag else 'b'")
    assert notebook_logic("share = 100 * r['share']")


@pytest.mark.parametrize("name", CHAPTERS)
def test_notebook_is_thin_and_importable_without_path_hacks(root, name):
    nb = nbformat.read(str(root / specs.get(name).notebook), as_version=4)
    cells = [
        c.source
        for c in nb.cells
        if c.cell_type == "code" and "parameters" not in c.metadata.get("tags", [])
    ]
    code = "\n".join(cells)
    assert "sys.path" not in code
    assert f'publish.start("{name}", globals())' in code
    assert f'publish.page("{name}"' in code
    problems = [f"cell {i}: {p}" for i, src in enumerate(cells) for p in notebook_logic(src)]
    assert not problems, "chart specifications and logic belong in lib/:\n" + "\n".join(problems)


@pytest.mark.parametrize("name", CHAPTERS)
def test_notebook_has_stored_outputs_and_one_title(root, name):
    spec = specs.get(name)
    nb = nbformat.read(str(root / spec.notebook), as_version=4)
    assert any(c.get("outputs") for c in nb.cells if c.cell_type == "code"), (
        "store outputs with `energybook refresh`: nbval compares against them"
    )
    titles = [
        ln
        for c in nb.cells
        if c.cell_type == "markdown"
        for ln in c.source.splitlines()
        if ln.startswith("# ")
    ]
    assert titles == [f"# {spec.title}"]


@pytest.mark.parametrize("name", CHAPTERS)
def test_stored_headlines_are_the_declared_ones(root, name):
    from energybook.publish import extract_results

    nb = nbformat.read(str(root / specs.get(name).notebook), as_version=4)
    results = extract_results(nb, name)
    assert list(results) == [h.name for h in specs.get(name).headlines]


def test_specs_declare_units_and_meanings():
    for spec in specs.all_chapters():
        assert spec.headlines, spec.name
        for p in spec.params:
            assert p.description and p.description[0].isupper(), (spec.name, p.name)
            assert (
                (p.min is not None and p.max is not None)
                or p.choices is not None
                or p.type == "bool"
            ), f"{spec.name}.{p.name} needs a range or choices"
        for h in spec.headlines:
            assert h.unit and h.description, (spec.name, h.name)


def test_data_package_is_valid_json_with_every_csv(root):
    pkg = json.loads((root / "data" / "datapackage.json").read_text())
    listed = {r["path"] for r in pkg["resources"]}
    on_disk = {str(p.relative_to(root / "data")) for p in (root / "data").rglob("*.csv")}
    assert on_disk <= listed, f"undeclared tables: {on_disk - listed}"


@pytest.mark.parametrize("name", CHAPTERS)
def test_every_glue_reference_in_prose_has_a_glued_value(root, name):
    """A {glue:...} role whose name was never glued would leave a hole in the page."""
    from energybook.publish import GLUE_ROLE, glued_values

    nb = nbformat.read(str(root / specs.get(name).notebook), as_version=4)
    glued = glued_values(nb)
    referenced = {
        m.group(2)
        for c in nb.cells
        if c.cell_type == "markdown"
        for m in GLUE_ROLE.finditer(c.source)
    }
    assert referenced, "a chapter's prose glues its numbers"
    assert referenced <= set(glued), f"never glued: {sorted(referenced - set(glued))}"


@pytest.mark.parametrize("name", CHAPTERS)
def test_chapter_opens_with_key_points_carrying_glued_numbers(root, name):
    """Findings first: the chapter's first text is a "Key points" box of at least three
    points, each with a number glued from the computation."""
    import re

    from energybook.publish import GLUE_ROLE

    nb = nbformat.read(str(root / specs.get(name).notebook), as_version=4)
    first = next(c.source for c in nb.cells if c.cell_type == "markdown")
    box = re.search(r"(:::|```)\{admonition\} Key points\n(.*?)\n\1", first, flags=re.S)
    assert box, "the first markdown cell opens with a ':::{admonition} Key points' box"
    points = [ln for ln in box.group(2).splitlines() if ln.startswith("- ")]
    assert len(points) >= 3, "three key points or more"
    assert all(GLUE_ROLE.search(p) for p in points), "every key point carries a glued number"
