"""The book's chart theme: its palette, its one width and height, and the Altair theme built
from them. The one place to change how every chart looks (the renderer, :mod:`energybook.render`,
and the builders, :mod:`energybook.charts`, read it)."""

from __future__ import annotations

# Okabe, M. and Ito, K. (2008) Color Universal Design: a palette distinguishable under the
# common forms of colour blindness. Order chosen for contrast on white.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]


WIDTH = 560


HEIGHT = 300


def theme() -> dict:
    font = "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif"
    return {
        "config": {
            "view": {"continuousWidth": WIDTH, "continuousHeight": HEIGHT, "stroke": None},
            "range": {"category": PALETTE},
            "font": font,
            "title": {"fontSize": 15, "anchor": "start", "subtitleColor": "#444"},
            "axis": {
                "labelFontSize": 12,
                "titleFontSize": 12,
                "titleColor": "#222",
                "labelColor": "#222",
                "gridColor": "#e6e6e6",
            },
            "legend": {"labelFontSize": 12, "titleFontSize": 12, "labelLimit": 280},
            "line": {"strokeWidth": 2.5},
            "point": {"size": 60, "filled": True},
        }
    }


def title_text(spec: dict) -> str:
    t = spec.get("title")
    if isinstance(t, dict):
        t = t.get("text")
    if isinstance(t, list):
        t = " ".join(t)
    return t or ""
