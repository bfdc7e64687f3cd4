"""The chapters: one package per chapter notebook, ``chapters/<name>.ipynb``.

Each package ``energybook.chapters.<name>`` holds

- ``spec.py``: the parameters (a typed dataclass) and the headline numbers, declared once;
- ``model.py`` (or several model modules): pure calculations, no text, no formatting;
- ``figures.py``: every chart of the chapter, as functions returning Altair charts;
- ``page.py``: everything else the page shows: glued numbers, tables, captions, phrases.

This module is the registry: it finds every package with a ``spec.SPEC`` by itself.
"""

from __future__ import annotations

import difflib
import importlib
import importlib.util
import pkgutil
from functools import lru_cache

from energybook.declare import ChapterSpec
from energybook.params import ParameterError


@lru_cache(maxsize=1)
def _registry() -> dict[str, ChapterSpec]:
    found: dict[str, ChapterSpec] = {}
    for mod in pkgutil.iter_modules(__path__):
        if not mod.ispkg or importlib.util.find_spec(f"{__name__}.{mod.name}.spec") is None:
            continue  # not a chapter (yet): a chapter package has a spec module
        module = importlib.import_module(f"{__name__}.{mod.name}.spec")
        spec = getattr(module, "SPEC", None)
        if isinstance(spec, ChapterSpec):
            if spec.name != mod.name:
                raise ValueError(f"chapters/{mod.name}/spec.py declares chapter {spec.name!r}")
            found[spec.name] = spec
    return dict(sorted(found.items(), key=lambda kv: kv[1].order))


def all_chapters() -> list[ChapterSpec]:
    """Every declared chapter, in book order."""
    return list(_registry().values())


def names() -> list[str]:
    return list(_registry())


def get(name: str) -> ChapterSpec:
    """The spec of chapter ``name``; a clear error with a suggestion if there is none."""
    reg = _registry()
    if name not in reg:
        close = difflib.get_close_matches(name, list(reg), n=1, cutoff=0.5)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise ParameterError([f"unknown chapter {name!r}{hint}; chapters: {', '.join(reg)}"])
    return reg[name]
