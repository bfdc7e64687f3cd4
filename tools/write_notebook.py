"""Write a chapter notebook from a compact Python description (a developer tool).

Usage: python tools/write_notebook.py SCRIPT.py chapters/NAME.ipynb

SCRIPT.py holds cells separated by lines '# %% [markdown]' or '# %% code [tags]'; markdown
cells are written with their leading '# ' removed. The parameters cell is generated from the
chapter's declaration in the registry (`energybook.chapters`; write '# %% parameters').
Cell ids are derived from the cells' positions, so that the same script writes the same
bytes. Then run `energybook refresh NAME`.

Bad input (a wrong number of arguments, a missing script, an undeclared chapter) is refused
with a message and exit status 2 before anything is written.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat

from energybook import chapters
from energybook.params import ParameterError, parameters_cell_source


def cells_of(script_text: str, params_source: str) -> list[nbformat.NotebookNode]:
    """The notebook cells that ``script_text`` describes."""
    cells: list[nbformat.NotebookNode] = []
    kind: str | None = None
    tags: list[str] = []
    buf: list[str] = []

    def flush() -> None:
        if kind is None:
            return
        text = "\n".join(buf).strip("\n")
        if kind == "markdown":
            text = "\n".join(
                line[2:] if line.startswith("# ") else line.lstrip("#")
                for line in text.splitlines()
            )
            cell = nbformat.v4.new_markdown_cell(text)
        elif kind == "parameters":
            cell = nbformat.v4.new_code_cell(params_source)
            cell.metadata["tags"] = ["parameters", "remove-cell"]
        else:
            cell = nbformat.v4.new_code_cell(text)
            if tags:
                cell.metadata["tags"] = list(tags)
        cell["id"] = f"cell-{len(cells)}"
        cells.append(cell)

    for line in script_text.splitlines():
        if line.startswith("# %%"):
            flush()
            head = line[4:].strip().split()
            kind = head[0] if head else "code"
            tags = head[1:]
            buf = []
        else:
            buf.append(line)
    flush()
    return cells


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    script, out = Path(argv[0]), Path(argv[1])
    if not script.is_file():
        print(f"error: no script at {script}", file=sys.stderr)
        return 2
    if out.suffix != ".ipynb":
        print(f"error: {out} is not a notebook path (NAME.ipynb)", file=sys.stderr)
        return 2
    try:
        spec = chapters.get(out.stem)
    except ParameterError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    cells = cells_of(script.read_text(), parameters_cell_source(spec.params))
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.metadata["language_info"] = {"name": "python"}
    nbformat.write(nb, str(out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
