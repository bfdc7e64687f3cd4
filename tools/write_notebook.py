"""Write a chapter notebook from a compact Python description (a developer tool).

Usage: python tools/write_notebook.py SCRIPT.py chapters/NAME.ipynb

SCRIPT.py holds cells separated by lines '# %% [markdown]' or '# %% code [tags]'; markdown
cells are written with their leading '# ' removed. The parameters cell is generated from the
chapter's declaration (write '# %% parameters'). Then run `energybook refresh NAME`.
"""

import sys
from pathlib import Path

import nbformat

from energybook import specs
from energybook.params import parameters_cell_source


def main(script: str, out: str) -> None:
    name = Path(out).stem
    spec = specs.get(name)
    cells = []
    kind, tags, buf = None, [], []

    def flush():
        if kind is None:
            return
        text = "\n".join(buf).strip("\n")
        if kind == "markdown":
            text = "\n".join(
                line[2:] if line.startswith("# ") else line.lstrip("#")
                for line in text.splitlines()
            )
            cells.append(nbformat.v4.new_markdown_cell(text))
        elif kind == "parameters":
            c = nbformat.v4.new_code_cell(parameters_cell_source(spec.params))
            c.metadata["tags"] = ["parameters", "remove-cell"]
            cells.append(c)
        else:
            c = nbformat.v4.new_code_cell(text)
            if tags:
                c.metadata["tags"] = tags
            cells.append(c)

    for line in Path(script).read_text().splitlines():
        if line.startswith("# %%"):
            flush()
            head = line[4:].strip().split()
            kind = head[0] if head else "code"
            tags = head[1:]
            buf = []
        else:
            buf.append(line)
    flush()
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.metadata["language_info"] = {"name": "python"}
    nbformat.write(nb, out)


if __name__ == "__main__":
    main(*sys.argv[1:])
