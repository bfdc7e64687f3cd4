"""What a chapter notebook calls to take its parameters and publish its headline numbers.

A chapter notebook starts with its papermill parameters cell, then::

    P = publish.start("rebound", globals())      # validated parameters (a dict)
    ...
    publish.headlines("rebound", P, results)      # glue + headline box + re-run box

``headlines`` glues every declared headline number (plain Python floats, so that
``{glue:text}`name`:.1f`` formats it in prose) and displays the boxes the reader sees:
the headline numbers framed as conditional on the stated assumptions, and the command that
re-runs the chapter. The glued values are the values written to ``results.json``: the
pipeline reads them back from the executed notebook (:func:`extract_results`).
"""

from __future__ import annotations

import ast
import html
import math
import re
import shlex
from collections.abc import Mapping, Sequence
from typing import Any

from energybook import chapters as registry
from energybook.params import ParameterError

GLUE_KEY = "scrapbook"


def start(chapter: str, namespace: Mapping[str, Any]) -> Any:
    """Read the chapter's parameters from the notebook namespace, validate them, and return
    the chapter's typed parameter object (``P.elasticity``).

    Also the guard for plain ``papermill -p`` runs: a bad value, and a name that is not
    declared (a misspelling, a case variant of a real name), stop the notebook here with
    the same message the command line gives.
    """
    from energybook import data

    spec = registry.get(chapter)
    values = {name: namespace[name] for name in spec.params.names if name in namespace}
    for name, value in injected_parameters(namespace).items():
        if name not in spec.params.names:
            values[name] = value  # refused by validate, by name, with a suggestion
    missing = [n for n in spec.params.names if n not in namespace]
    if missing:
        raise ParameterError([f"chapter {chapter!r}: parameters cell lacks {missing}"])
    tables = data.load_tables(spec.tables)
    return spec.typed(spec.validate(values, context=f"chapter {chapter!r}", tables=tables))


INJECTED_HEADER = "# Parameters"  # the first line of papermill's injected cell
# Names IPython itself puts in a notebook's namespace.
IPYTHON_NAMES = frozenset({"In", "Out", "get_ipython", "exit", "quit", "open", "display"})
_LITERALS = (str, int, float, bool, list, dict, tuple, type(None))


def injected_parameters(namespace: Mapping[str, Any]) -> dict[str, Any]:
    """The names papermill injected into a notebook (``papermill -p NAME VALUE``), with
    their values.

    Read from the kernel's input history (``_ih``): papermill's injected cell starts with
    ``# Parameters`` and assigns each name, so a name is seen even where a later import
    hides it. Without a history (the namespace is not IPython's), every plain value whose
    name is not IPython's own or private is taken instead; modules, functions and classes
    (the first cell's imports) are not values a parameter can have.
    """
    history = namespace.get("_ih")
    if isinstance(history, list):
        found: dict[str, Any] = {}
        for source in history:
            if isinstance(source, str) and source.split("\n", 1)[0].strip() == INJECTED_HEADER:
                for name in _assigned_names(source):
                    found[name] = namespace.get(name, _literal_value(source, name))
        return found
    return {
        name: value
        for name, value in namespace.items()
        if isinstance(name, str)
        and not name.startswith("_")
        and name not in IPYTHON_NAMES
        and isinstance(value, _LITERALS)
    }


def _assigned_names(source: str) -> list[str]:
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    names = []
    for node in tree.body:
        if isinstance(node, ast.Assign):
            names += [t.id for t in node.targets if isinstance(t, ast.Name)]
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.append(node.target.id)
    return names


def _literal_value(source: str, name: str) -> Any:
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == name for t in node.targets
        ):
            try:
                return ast.literal_eval(node.value)
            except ValueError:
                return None
    return None


def as_mapping(params: Any) -> dict[str, Any]:
    """Name -> value of a typed parameter object (or of a mapping)."""
    return params.as_dict() if hasattr(params, "as_dict") else dict(params)


def rerun_command(chapter: str, params: Any) -> str:
    """The command line that re-runs ``chapter`` with ``params`` (non-defaults only)."""
    spec = registry.get(chapter)
    params = as_mapping(params)
    parts = ["energybook", "run", chapter]
    for p in spec.params:
        value = params.get(p.name, p.default)
        if value != p.default:
            text = ",".join(value) if isinstance(value, tuple) else _plain(value)
            parts += ["-p", p.name, text]
    return " ".join(shlex.quote(x) for x in parts)


def _plain(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def headlines(chapter: str, params: Any, results: Mapping[str, float]):
    """Glue every headline number and display the headline and re-run boxes."""
    from IPython.display import display
    from myst_nb import glue

    spec = registry.get(chapter)
    declared = [h.name for h in spec.headlines]
    if set(results) != set(declared):
        missing = sorted(set(declared) - set(results))
        extra = sorted(set(results) - set(declared))
        raise ValueError(
            f"chapter {chapter!r}: headline results do not match the declaration "
            f"(missing {missing}, undeclared {extra})"
        )
    clean = {}
    for h in spec.headlines:
        value = float(results[h.name])
        if not math.isfinite(value):
            raise ValueError(f"headline {h.name!r} is not finite: {value}")
        clean[h.name] = value
        glue(h.name, value, display=False)
    display(HeadlineBox(chapter, params, clean))


def page(chapter: str, params: Any, module: Any, ev: Any) -> None:
    """Publish a chapter page from its page module (``energybook.chapters.<name>.page``)
    and its evaluation: glue every number and phrase of the prose, then the headline
    numbers, and display the headline and re-run boxes."""
    numbers(module.numbers(ev))
    for name, value in module.texts(ev).items():
        text(name, value)
    headlines(chapter, params, module.headlines(ev))


def number(name: str, value: float) -> None:
    """Glue a computed number for prose (``{glue:text}`name:.1f```) as a plain float."""
    from myst_nb import glue

    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"glued number {name!r} is not finite: {value}")
    glue(name, value, display=False)


def numbers(values: Mapping[str, float]) -> None:
    """Glue every number of a mapping (see :func:`number`)."""
    for name, value in values.items():
        number(name, value)


def text(name: str, value: str) -> None:
    """Glue a piece of text (a label that depends on the parameters) for use in prose as
    ``{glue:md}`name```."""
    from IPython.display import Markdown
    from myst_nb import glue

    glue(name, Markdown(value), display=False)


class HeadlineBox:
    """The reader-facing summary: headline numbers, assumptions and the re-run command."""

    def __init__(self, chapter: str, params: Any, results: Mapping[str, float]):
        self.spec = registry.get(chapter)
        self.params = as_mapping(params)
        self.results = dict(results)

    def _rows(self) -> str:
        rows = []
        for h in self.spec.headlines:
            v = format(self.results[h.name], h.fmt)
            unit = "" if h.unit == "1" else html.escape(h.unit)  # "1": dimensionless
            rows.append(
                f'<tr><th scope="row">{html.escape(h.description)}</th>'
                f'<td class="eb-value" data-headline="{h.name}" data-value="{self.results[h.name]!r}">'
                f"{v}</td><td>{unit}</td></tr>"
            )
        return "\n".join(rows)

    def _assumptions(self) -> str:
        items = []
        for p in self.spec.params:
            value = self.params.get(p.name, p.default)
            text = ", ".join(value) if isinstance(value, tuple) else _plain(value)
            changed = "" if value == p.default else " <em>(changed from default)</em>"
            unit = f" {html.escape(p.unit)}" if p.unit else ""
            items.append(
                f"<li><code>{p.name}</code> = {html.escape(text)}{unit}{changed}: "
                f"{html.escape(p.description)}</li>"
            )
        return "\n".join(items)

    def _repr_html_(self) -> str:
        name = self.spec.name
        cmd = html.escape(rerun_command(name, self.params))
        return (
            f'<div class="eb-box eb-headlines" id="eb-headlines-{name}">\n'
            '<p class="eb-box-title">Headline numbers</p>\n'
            '<p class="eb-conditional">These are the model\'s results <strong>under the '
            "assumptions listed below</strong>: conditional explorations, not predictions. "
            "Change an assumption and re-run the chapter to see how they move.</p>\n"
            f'<details class="eb-all-headlines"><summary>All {len(self.spec.headlines)} '
            "headline numbers of this chapter</summary>\n"
            f'<table class="eb-table">\n<thead><tr><th scope="col">Quantity</th>'
            f'<th scope="col">Value</th><th scope="col">Unit</th></tr></thead>\n'
            f"<tbody>\n{self._rows()}\n</tbody></table></details>\n"
            f'<p class="eb-links"><a href="../results/{name}.json">results.json</a> · '
            f'<a href="../_sources/chapters/{name}.ipynb">executed notebook (.ipynb)</a></p>\n'
            "</div>\n"
            f'<div class="eb-box eb-rerun" id="eb-rerun-{name}">\n'
            '<p class="eb-box-title">Re-run this chapter</p>\n'
            f"<pre><code>{cmd}</code></pre>\n"
            "<p>Add <code>-p NAME VALUE</code> for any assumption below "
            f"(<code>energybook params {name}</code> lists them with their ranges), "
            "or <code>-f params.yaml</code>.</p>\n"
            f"<details><summary>Assumptions used on this page</summary>\n<ul>\n"
            f"{self._assumptions()}\n</ul></details>\n</div>"
        )

    def __repr__(self) -> str:
        lines = [f"Headline numbers ({self.spec.name}, under the stated assumptions):"]
        for h in self.spec.headlines:
            lines.append(f"  {h.name} = {format(self.results[h.name], h.fmt)} {h.unit}")
        return "\n".join(lines)


def glued_values(nb: Any) -> dict[str, dict[str, str]]:
    """Every glued output of an executed notebook: name -> {mimetype: data}."""
    found: dict[str, dict[str, str]] = {}
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            meta = out.get("metadata", {}).get(GLUE_KEY)
            if meta:
                prefix = meta.get("mime_prefix", "")
                found[meta["name"]] = {
                    k.removeprefix(prefix): v for k, v in out.get("data", {}).items()
                }
    return found


GLUE_ROLE = re.compile(r"\{glue(?::(text|md|any)?)?\}`([A-Za-z_][\w]*)(?::([^`]*))?`")


def resolve_glue(markdown: str, glued: Mapping[str, Mapping[str, str]]) -> str:
    """Replace MyST glue roles in ``markdown`` by their values (for pages that are not built
    by Jupyter Book, such as the HTML of ``energybook run``)."""

    def sub(m: re.Match) -> str:
        kind, name, fmt = m.group(1), m.group(2), m.group(3)
        data = glued.get(name)
        if data is None:
            return m.group(0)
        if kind == "md" and "text/markdown" in data:
            return str(data["text/markdown"]).strip()
        text = str(data.get("text/plain", ""))
        if fmt:
            try:
                return format(float(ast.literal_eval(text)), fmt)
            except (ValueError, SyntaxError):
                return text
        return text.strip("'\"")

    return GLUE_ROLE.sub(sub, markdown)


def extract_results(
    nb: Any, chapter: str, headlines: Sequence[Sequence[str]] | None = None
) -> dict[str, dict[str, Any]]:
    """Headline numbers glued in an executed notebook, as written to results.json.

    ``headlines``: the chapter's declared headlines as (name, unit, description), where
    the caller has them (a build's worker, which imports no chapter); default: the
    chapter's declaration."""
    if headlines is None:
        headlines = [(h.name, h.unit, h.description) for h in registry.get(chapter).headlines]
    glued: dict[str, float] = {}
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            meta = out.get("metadata", {}).get(GLUE_KEY)
            if not meta:
                continue
            prefix = meta.get("mime_prefix", "")
            text = out.get("data", {}).get(f"{prefix}text/plain")
            if text is None:
                continue
            try:
                glued[meta["name"]] = float(ast.literal_eval(text))
            except (ValueError, SyntaxError):
                continue
    missing = [name for name, _, _ in headlines if name not in glued]
    if missing:
        raise ValueError(f"chapter {chapter!r}: executed notebook lacks headline numbers {missing}")
    return {
        name: {"value": glued[name], "unit": unit, "description": description}
        for name, unit, description in headlines
    }
