"""The HTML page of a run folder (``energybook run``): the executed chapter, readable and
working offline.

Its body is nbconvert's export (the ``basic`` template, inputs hidden) of the executed
notebook without its parameters cells, with every glued value written into the prose.
The body is exported one cell at a time and joined, which gives the whole notebook's
export exactly (tested on every chapter): each cell's HTML depends on that cell and the
notebook's metadata alone. So :class:`PageCells` can export the cells in a thread while
the kernel computes (a code cell as soon as it has run, a Markdown cell once the values it
quotes are glued), and at the end only what changed or came last is left to export.
"""

from __future__ import annotations

import copy
import html as h
import json
import os
import posixpath
import queue
import re
import threading
import warnings
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from energybook.publish import GLUE_ROLE, glued_values, resolve_glue


def make_exporter() -> Any:
    """nbconvert's HTML exporter as the page uses it."""
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="basic")
    exporter.exclude_input = True
    # The notebook is validated once, after its preprocessors, not after each of the
    # dozen (the page is the same; about 0.05 s less on the rebound chapter).
    exporter.optimistic_validation = True
    return exporter


def _clean(cell: Any) -> Any:
    """A copy of a cell as the run folder's notebook stores it (its timings dropped, as
    :func:`~energybook.pipeline.drop_execution_metadata` drops them there), for the cache
    key."""
    from energybook.pipeline import drop_execution_metadata

    cell = copy.deepcopy(cell)
    drop_execution_metadata(cell)
    return cell


def _key(metadata: Mapping[str, Any], cell: Any) -> str:
    return json.dumps([metadata, cell], sort_keys=True, default=str)


class CellExports:
    """The HTML of single cells, each exported alone and kept by the cell's content and the
    notebook's metadata (so that a cell exported early is used only if it is unchanged)."""

    def __init__(self, exporter: Any = None) -> None:
        self.exporter = exporter
        self._html: dict[str, str] = {}
        #: How many cells :meth:`html` had ready, and how many it exported then (tests).
        self.hits = self.misses = 0

    def export(self, metadata: Mapping[str, Any], cell: Any) -> str:
        import nbformat

        if self.exporter is None:
            self.exporter = make_exporter()
        nb = nbformat.v4.new_notebook(cells=[cell], metadata=copy.deepcopy(dict(metadata)))
        with warnings.catch_warnings():  # glue's papermill.record outputs have no HTML form
            warnings.simplefilter("ignore")
            body, _ = self.exporter.from_notebook_node(nb)
        return str(body)

    def ahead(self, metadata: Mapping[str, Any], cell: Any) -> None:
        """Export ``cell`` now, for :meth:`html` to find later."""
        key = _key(metadata, cell)
        if key not in self._html:
            self._html[key] = self.export(metadata, cell)

    def html(self, metadata: Mapping[str, Any], cells: Iterable[Any]) -> str:
        """The body of a notebook of ``cells``: each cell's HTML, exported ahead where it was,
        joined."""
        parts = []
        for cell in cells:
            key = _key(metadata, cell)
            if key in self._html:
                self.hits += 1
                parts.append(self._html[key])
            else:
                self.misses += 1
                parts.append(self.export(metadata, cell))
        return "".join(parts)


def page_cells(nb: Any) -> list[Any]:
    """The cells the page shows: every cell but those tagged ``remove-cell``, with the glued
    values written into the Markdown."""
    glued = glued_values(nb)
    cells = []
    for cell in nb.cells:
        if "remove-cell" in cell.metadata.get("tags", []):
            continue
        if cell.cell_type == "markdown":
            cell = copy.deepcopy(cell)
            cell.source = resolve_glue(cell.source, glued)
        cells.append(cell)
    return cells


class PageCells:
    """Exports the page's cells in a thread while a chapter executes.

    :meth:`start` (while the kernel starts) makes the exporter and reads the chapter's
    source notebook; :meth:`executed` hands it each code cell the kernel
    has run (nbclient's ``on_cell_executed`` hook), and it then exports that cell and every
    Markdown cell whose glued values are all known. :meth:`finish` waits for it and returns
    the exports, to which :func:`write_html_page` adds what is missing."""

    def __init__(self, source: Path) -> None:
        self._source = source
        self._queue: queue.Queue[Any] = queue.Queue()
        self._thread = threading.Thread(target=self._work, daemon=True)
        self.exports = CellExports()

    def start(self) -> None:
        if self._thread.ident is None:
            self._thread.start()

    def executed(self, cell: Any = None, **_: Any) -> None:
        if cell is not None and cell.get("cell_type") == "code":
            self._queue.put(_clean(cell))

    def finish(self) -> CellExports:
        self.start()
        self._queue.put(None)
        self._thread.join()
        return self.exports

    def _work(self) -> None:
        import nbformat
        import rich.console  # noqa: F401  (the results table's, imported while waiting)
        import rich.table  # noqa: F401

        from energybook import render  # noqa: F401  (the page's renderer, Altair with it)

        try:
            src = nbformat.read(str(self._source), as_version=4)
            meta = dict(src.metadata)
            meta.pop("papermill", None)
            pending = [c for c in src.cells if c.cell_type == "markdown"]
            glued: dict[str, Any] = {}
            self.exports.exporter = make_exporter()
            while True:
                pending = [c for c in pending if not self._ahead_markdown(meta, c, glued)]
                cell = self._queue.get()
                if cell is None:
                    return
                if "remove-cell" not in cell.metadata.get("tags", []):
                    self.exports.ahead(meta, cell)
                glued.update(glued_values(nbformat.v4.new_notebook(cells=[cell])))
        except Exception:  # whatever failed here is exported again, and reported, at the end
            while self._queue.get() is not None:
                pass

    def _ahead_markdown(self, meta: Mapping[str, Any], cell: Any, glued: Mapping) -> bool:
        """Export a Markdown cell once every value it quotes is glued (True: done)."""
        if "remove-cell" in cell.metadata.get("tags", []):
            return True
        names = {m.group(2) for m in GLUE_ROLE.finditer(cell.source)}
        if not names <= set(glued):
            return False
        cell = copy.deepcopy(cell)
        cell.source = resolve_glue(cell.source, glued)
        self.exports.ahead(meta, _clean(cell))
        return True


def write_html_page(
    nb_path: Path,
    html_path: Path,
    chapter: str | None = None,
    changed: dict[str, tuple[Any, Any]] | None = None,
    root: Path | None = None,
    link_dir: Path | None = None,
    exports: CellExports | None = None,
    nb: Any = None,
) -> None:
    """A readable, self-contained-offline HTML page of an executed chapter. It says at its
    top which parameters differ from the defaults, and every link on it works: the
    headline box's links point at the run folder's own files, links into the book at the
    built site (or are plain text where there is none). ``exports``: cells exported ahead
    (:class:`PageCells`); ``nb``: the notebook at ``nb_path``, where the caller has read
    it already."""
    import nbformat

    from energybook import render
    from energybook.runs import text

    if nb is None:
        nb = nbformat.read(str(nb_path), as_version=4)
    cells = page_cells(nb)
    body = (exports or CellExports()).html(nb.metadata, cells)
    body = render.inline_fallbacks(body)
    bundle = render.write_js_bundle(html_path.parent)
    root = root or Path(__file__).resolve().parents[2]
    css = root / "_static" / "energybook.css"
    style = css.read_text() if css.exists() else ""
    title = cells[0].source.splitlines()[0].lstrip("# ") if cells else "Chapter"
    if chapter is not None:
        # Links are relative to where the page will live (the run folder), not to the
        # staging folder it is written in first.
        body = _fix_links(body, chapter, link_dir or html_path.parent, root)
        if changed:
            what = "; ".join(
                f"<code>{h.escape(k)}</code> = {h.escape(text(v))} (default {h.escape(text(d))})"
                for k, (v, d) in changed.items()
            )
        else:
            what = "none: every parameter at its default"
        banner = (
            f'<div class="eb-box eb-run-banner"><p><strong>A re-run of chapter '
            f"{h.escape(chapter)}</strong>, not the published book. Parameters "
            f"changed from the defaults: {what}.</p><p>In this folder: "
            f'<a href="results.json">results.json</a>, '
            f'<a href="results.csv">results.csv</a>, '
            f'<a href="{h.escape(nb_path.name)}">the executed notebook</a>, '
            f'<a href="charts/index.csv">the data behind every chart</a>.</p></div>'
        )
        body = banner + "\n" + body
    html_path.write_text(
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<title>{h.escape(title)}</title><script src="{bundle.name}"></script>'
        "<style>body{max-width:900px;margin:2rem auto;padding:0 1rem;"
        "font-family:system-ui,sans-serif;line-height:1.5}" + style + "</style>"
        f"</head><body>\n{body}\n</body></html>\n",
        encoding="utf-8",
    )


def _fix_links(body: str, chapter: str, outdir: Path, root: Path) -> str:
    site = root / "_build" / "html"
    own = {
        f"../results/{chapter}.json": "results.json",
        f"../_sources/chapters/{chapter}.ipynb": f"{chapter}.ipynb",
    }

    def sub(m: re.Match) -> str:
        href = h.unescape(m.group(2))
        if href in own:
            return f"{m.group(1)}{h.escape(own[href])}{m.group(3)}"
        if re.match(r"^([a-z][a-z0-9+.-]*:|#|//)", href):
            return m.group(0)  # absolute, or within the page
        path, _, frag = href.partition("#")
        target = posixpath.normpath(posixpath.join("chapters", path))
        stem, ext = posixpath.splitext(target)
        page = site / f"{stem}.html" if ext in (".md", ".ipynb", ".html", "") else site / target
        if page.exists() and not target.startswith(".."):
            rel = os.path.relpath(page, outdir) + (f"#{frag}" if frag else "")
            return f"{m.group(1)}{h.escape(rel)}{m.group(3)}"
        return "\0UNLINK\0"  # no such page: the link is taken out below

    body = re.sub(r'(<a\b[^>]*?\bhref=")([^"]*)("[^>]*>)', sub, body)
    # Links to nowhere become plain text (the words stay, the link goes).
    return re.sub(r"\0UNLINK\0(.*?)</a>", r"<span>\1</span>", body, flags=re.S)
