"""The book's contents agree with its declarations: toc, specs, notebooks, parameters."""

import ast
import json
import re

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


# ------------------------------------------------------------ readable chapters
#: The most words of prose a chapter shows before a reader opens anything: findings, the
#: argument and what the data cannot say stay visible; derivations, method detail and
#: robustness checks sit in titled dropdowns (the longest chapter, rebound, shows ~2,400).
WORD_BUDGET = 2_500

_FENCE = re.compile(r"^(:{3,}|`{3,})\{(\w[\w-]*)\}[ \t]*(.*)$")


def prose_parts(markdown: str) -> tuple[str, list[tuple[str, str]], list[str]]:
    """Split one markdown cell into its visible text, its dropdowns (title, body) and the
    problems of their markup (an unclosed dropdown, a heading inside one)."""
    visible: list[str] = []
    dropdowns: list[tuple[str, str]] = []
    problems: list[str] = []
    lines = markdown.splitlines()
    i = 0
    while i < len(lines):
        m = _FENCE.match(lines[i])
        if not (m and m.group(2) == "dropdown"):
            visible.append(lines[i])
            i += 1
            continue
        fence, title = m.group(1), m.group(3).strip()
        j = i + 1
        while j < len(lines) and lines[j].strip() != fence:
            j += 1
        if j == len(lines):
            problems.append(f"dropdown {title!r} is never closed with {fence}")
        body = lines[i + 1 : j]
        if any(ln.startswith("#") for ln in body):
            problems.append(f"dropdown {title!r} holds a heading (it would break the outline)")
        dropdowns.append((title, "\n".join(body)))
        i = j + 1
    return "\n".join(visible), dropdowns, problems


def test_prose_parts_sees_dropdowns_their_titles_and_broken_markup():
    text = "Visible one.\n\n:::{dropdown} How\nHidden two words\n:::\n\nVisible three."
    visible, dropdowns, problems = prose_parts(text)
    assert visible.split() == ["Visible", "one.", "Visible", "three."]
    assert dropdowns == [("How", "Hidden two words")] and problems == []
    # a dropdown that holds an admonition needs a longer fence, and is still one dropdown
    nested = "::::{dropdown} Outer\n:::{note}\nx\n:::\n::::\nafter"
    assert prose_parts(nested)[0].split() == ["after"]
    assert prose_parts(":::{dropdown}\nx\n:::")[1] == [("", "x")]
    assert prose_parts(":::{dropdown} T\nx")[2], "an unclosed dropdown is a problem"
    assert prose_parts(":::{dropdown} T\n## Heading\n:::")[2], "a heading inside is a problem"


def _markdown_cells(root, name):
    nb = nbformat.read(str(root / specs.get(name).notebook), as_version=4)
    return [c.source for c in nb.cells if c.cell_type == "markdown"]


@pytest.mark.parametrize("name", CHAPTERS)
def test_visible_prose_is_within_the_word_budget(root, name):
    """A reader reaches the argument quickly: the prose outside dropdowns stays within
    WORD_BUDGET words."""
    visible = [prose_parts(src)[0] for src in _markdown_cells(root, name)]
    words = len("\n".join(visible).split())
    assert words <= WORD_BUDGET, (
        f"{name} shows {words} words of prose; move derivations, method detail and "
        f"robustness checks into `:::{{dropdown}} Title` blocks (budget {WORD_BUDGET})"
    )


@pytest.mark.parametrize("name", CHAPTERS)
def test_every_dropdown_has_a_title_and_sound_markup(root, name):
    found = []
    for i, src in enumerate(_markdown_cells(root, name)):
        _, dropdowns, problems = prose_parts(src)
        found += [f"markdown cell {i}: {p}" for p in problems]
        found += [f"markdown cell {i}: a dropdown without a title" for t, _ in dropdowns if not t]
    assert not found, "\n".join(found)


# ------------------------------------------------------------ no typed numbers
#: Numbers that may stand typed in the prose of every chapter: definitions, not results.
ALLOWED_EVERYWHERE = (
    r"\b\d+-bit\b",  # a number format's width ("16-bit")
    r"\b\d+-(?=,| and )",  # the same in a list ("4-, 8- and 16-bit")
    r"\b(?:90|95)% (?:interval|intervals|bootstrap|confidence|\{term\})",  # an interval's level
    r"\b(?:5th|95th) percentile|\b5th to its 95th",  # the ends of a 90% interval
    r"\b10\^18\b",  # the definition of an EFLOP
    r"\bln\(1 \+ [a-z]\)|\(1 \+ |\) - 1\b|\bln 2\b",  # the terms of a stated formula
    r"arXiv:\d{4}\.\d{5}",  # a citation
)

#: Numbers that may stand typed in one chapter's prose, each with why. Anything else with a
#: digit must be glued from the computation (page.numbers), so that it moves with the data.
ALLOWED_TYPED: dict[str, tuple[str, ...]] = {
    "overview": (),
    "record": (
        r"below 1\.",  # a PUE cannot fall below 1: its definition
    ),
    "rebound": (
        r"\b0 keeps the whole saving, 100% leaves",  # the definition of the rebound scale
        r"rebound above 100%",  # the definition of backfire
        r"rebound of 100% exactly as well as a rebound\s+of 0",  # the two ends of the scale
        r"response would be 100% at elasticity 1 by definition",  # an identity, so stated
        r"elasticity 1 the rebound is exactly 100% by construction",  # the same identity
        r"at elasticity 0 all of it",  # no price response: a definition
        r"\b0\.5 is\s+compute-optimal",  # Hoffmann et al.'s exponent, cited as a reference
        r"activates 37 billion of\s+its 671 billion",  # DeepSeek-V3's design, cited
        r"from 16 to 8 bits",  # number formats
        r"Office 365|Dynamics 365",  # product names
        r"distribution from 0\s+\(no response\)",  # the lower end of the prior: no response
    ),
    "scaling": (
        r"\b45 nm\b",  # the process node of Horowitz's table, a named source
        r"power 2, format 1 and FLOP per joule 1",  # a worked definition of the factors
        r"kT ln 2",  # Landauer's formula
        r"from 1946 to 2009",  # the period of Koomey's data, a cited source
        r"\ba further\s+50 to 1,000 times",  # quoted from the cmos_limits row's note
        r"divisible by 8 for 16-bit data",  # NVIDIA's stated rule
        r"multiples of 64 or 128|a multiple of 64",  # the stated rules of model designers
        r"about a 25% speed-up \(Karpathy",  # a quoted result
        r"up to 39% higher throughput",  # a quoted result (Anthony et al.)
        r"one FLOP per byte",  # a definition
        r"\b4-bit floating-point",  # a number format
        r"\b16 bits\b",  # a number format
    ),
    "analog": (
        r"\b45 nm\b",  # the process node of Horowitz's table
        r"\b32 KB\b",  # the SRAM of Horowitz's table
        r"(?i)\b(?:at|to) (?:4|8|16) bits\b|\b8 bits\b",  # the precisions compared (a definition)
        r"\b1 pF\b|\b1 V range\b",  # the stated example of the kT/C floor
        r"\b1/f\b",  # the name of a noise
        r"elasticity of 1 is",  # a named case (unit elasticity)
        r"clipped to 0 and 100%",  # the bounds of a share
        r"lies above 1, where",  # the break-even ratio: a definition
        r"distribution from 0 to",  # the lower end of the prior: no response
        r"INT8|FP8|FP4",  # format names
    ),
    "geopolitics": (
        r"\b24 GWh/yr",  # the Bundesnetzagentur's consumer class, named with its source
        r"\bat 0\)",  # a parameter setting (leaving the servers out)
        r"\bdefault of 1\)",  # a parameter setting (board power only)
        r"\bclose to 1\b",  # what an identity reduces to
    ),
    "measured": (
        r"\bh = \d{4} and \d{4}\b|\bh = \d{4}\b|\(\d{4}\)|over \d{4}\b",  # measured shapes
        r"of 4096 in one BF16",  # the aligned shape, by name
        r"\b4h outputs",  # the MLP's shape (a definition)
        r"multiples? of (?:4|8|16|64)\b",  # divisibility of the shapes (a definition)
        r"\b(?:2|8|16)-byte",  # alignment in memory (a definition)
        r"1-second trailing average",  # NVML's documented sampling
        r"bit 0x4",  # NVML's clock-event bit, by name
        r"below\s+1%",  # the stated threshold of a posterior probability
        r"72 × tokens × h²",  # the FLOP count of a layer, cited (Narayanan et al.)
    ),
    "inference": (
        r"Llama 3|Qwen 3(?: 32B)?|405B",  # model names
        r"(?i)at batch 1\b",  # one request at a time (a definition)
        r"most efficient 10% of data centres",  # Google's stated comparison
        r"batches of 8 to 16|batches of about 32",  # quoted from the ML.ENERGY post
        r"below 1\b|above 1 are",  # the model equal to the measurement (a definition)
        r"at 70% of its rating",  # Epoch AI's stated assumption (the row's note)
        r"hidden size of 4097|size 4096|\b4096 against|\b4097 at\b|\b4100 ran\b",
        r"rate of 4096|\b4104, a multiple of 8|\b5000 at|the 4097 case|like 4097",
        r"up to 39% higher training throughput",  # a quoted result (Anthony et al.)
    ),
}


def typed_numbers(markdown: str, allowed: tuple[str, ...] = ()) -> list[str]:
    """Numbers typed into ``markdown``: what is left once glued values, citations, code,
    link targets, plain years and the ``allowed`` definitions are taken out."""
    text = re.sub(r"\{glue:\w+\}`[^`]*`", "", markdown)
    text = re.sub(r"\{cite:\w+\}`[^`]*`", "", text)
    text = re.sub(r"```.*?```", "", text, flags=re.S)  # formulas in code blocks
    text = re.sub(r"`[^`]*`", "", text)  # parameter names in code spans
    text = re.sub(r"\]\([^)]*\)", "]", text)  # link targets
    text = re.sub(r"\s+", " ", text)
    for pattern in allowed + ALLOWED_EVERYWHERE:  # the longer, chapter patterns first
        text = re.sub(pattern, "", text)
    return [
        m.group()
        for m in re.finditer(r"(?<![\w.-])\d+(?:[.,]\d+)*", text)
        if not (len(m.group()) == 4 and 1990 <= int(m.group()) <= 2100)
    ]


def test_typed_numbers_finds_a_typed_result_and_spares_glue_and_years():
    assert typed_numbers("energy grew 20% a year") == ["20"]
    assert typed_numbers("at both trends, 10% or 30%") == ["10", "30"]
    assert typed_numbers("grew {glue:text}`g:.0f`% from 2010 to 2018, at 16-bit") == []
    assert typed_numbers("see [x](a2.md), `p_90`, {cite:p}`k2011`") == []
    assert typed_numbers("a 90% interval of 3 TWh") == ["3"]
    assert typed_numbers("ratio of 1", (r"ratio of 1",)) == []


def test_every_typed_allowance_is_used(root):
    """An allowance no prose needs any longer is removed, so that the list stays short."""
    unused = []
    for name, allowed in ALLOWED_TYPED.items():
        text = re.sub(r"\s+", " ", "\n".join(_markdown_cells(root, name)))
        unused += [f"{name}: {p}" for p in allowed if not re.search(p, text)]
    assert not unused, unused


@pytest.mark.parametrize("name", CHAPTERS)
def test_no_number_is_typed_into_the_prose(root, name):
    """Every number of a chapter's prose is glued, except plain years and the definitions
    listed in ALLOWED_EVERYWHERE and ALLOWED_TYPED: a result or a parameter's value typed
    into a sentence (a share, a trend, a range) would be left standing when it moved."""
    typed = typed_numbers("\n".join(_markdown_cells(root, name)), ALLOWED_TYPED[name])
    assert not typed, f"{name}: glue these from page.numbers: {typed}"
