"""The book's chart theme: its palette, its one width and height, and the Altair theme built
from them. The one place to change how every chart looks (the renderer, :mod:`energybook.render`,
and the builders, :mod:`energybook.charts`, read it).

Colours have one meaning per category across the book: :data:`ROLE_COLOURS` gives each kind
of figure (a projection, national demand, a measurement, an estimate, a reported figure, this
book's model, an uncertainty band, a reference line) its colour, and :func:`role_scale` builds
the colour scale of any chart that shows such categories."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

import altair as alt

# Okabe, M. and Ito, K. (2008) Color Universal Design: a palette distinguishable under the
# common forms of colour blindness. Order chosen for contrast on white.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]


# One colour per role, every chart of the book (Okabe-Ito, plus a neutral grey for reference
# lines): what a reader learns in one chapter holds in the next.
ROLE_COLOURS = {
    "national demand": "#000000",
    "estimated": "#0072B2",
    "projection": "#D55E00",
    "measured": "#009E73",
    "reported": "#E69F00",
    "model": "#CC79A7",
    "uncertainty": "#56B4E9",
    "reference": "#444444",
}


# How a category's label says its role (matched case-insensitively): the word opens the label
# ("Measured, H100 SXM", "Estimate of a past year") or opens a parenthesis ("Data centres
# (projection)"). A word inside a phrase ("worst measured chip", "the estimate's range") does
# not make a role. Checked in this order: "Estimated from a datasheet" is an estimate.
ROLE_PATTERNS = {
    "national demand": r"(?:^|\()national demand\b",
    "measured": r"(?:^|\()measured\b",
    "projection": r"(?:^|\()(?:projection|projected|forecast)s?\b",
    "estimated": r"(?:^|\()estimat(?:e|es|ed)\b(?!')",
    "reported": r"(?:^|\()(?:datasheet|reported|vendor figure)\b",
}


def role_of(label: object) -> str | None:
    """The role a category's label names (a key of :data:`ROLE_COLOURS`), or None."""
    if not isinstance(label, str):
        return None
    text = label.strip()
    for role, pattern in ROLE_PATTERNS.items():
        if re.search(pattern, text, flags=re.IGNORECASE):
            return role
    return None


def shade(colour: str, k: int) -> str:
    """The ``k``-th shade of ``colour``: 0 is the colour itself, each step 40% lighter
    towards white (for two categories of one role, such as two GPUs' measurements)."""
    if k == 0:
        return colour.upper()
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    a = 0.6**k
    return "#{:02X}{:02X}{:02X}".format(*(round(255 - (255 - c) * a) for c in (r, g, b)))


def role_shades(role: str, n: int = 4) -> list[str]:
    """The colours a category of ``role`` may be drawn in: its colour and lighter shades."""
    return [shade(ROLE_COLOURS[role], k) for k in range(n)]


def role_colours(
    categories: Iterable[str], roles: Mapping[str, str | None] | None = None
) -> list[str]:
    """One colour per category, in order: a category with a role (named in ``roles``, else
    read from its label by :func:`role_of`) gets its role's colour, the second of the same
    role a lighter shade of it; a category without one gets the next colour of the palette
    that no role in the chart uses."""
    cats = list(dict.fromkeys(categories))
    roles = dict(roles or {})
    named = [roles[c] if c in roles else role_of(c) for c in cats]
    for r in named:
        if r is not None and r not in ROLE_COLOURS:
            raise ValueError(f"unknown role {r!r}; known: {', '.join(ROLE_COLOURS)}")
    taken = {ROLE_COLOURS[r].upper() for r in named if r is not None}
    free = iter([c for c in PALETTE if c.upper() not in taken])
    seen: dict[str, int] = {}
    out = []
    for r in named:
        if r is None:
            out.append(next(free))
        else:
            out.append(shade(ROLE_COLOURS[r], seen.get(r, 0)))
            seen[r] = seen.get(r, 0) + 1
    return out


def role_scale(
    categories: Iterable[str], roles: Mapping[str, str | None] | None = None
) -> alt.Scale:
    """The colour scale of ``categories`` by role (see :func:`role_colours`)."""
    cats = list(dict.fromkeys(categories))
    return alt.Scale(domain=cats, range=role_colours(cats, roles))


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
            # On a scale of numbers, tick labels that would overlap are dropped, never drawn
            # over each other ("1,0002,000"); a category axis keeps every label.
            "axisQuantitative": {"labelOverlap": "greedy", "labelSeparation": 4},
            "axisTemporal": {"labelOverlap": "greedy", "labelSeparation": 4},
            "legend": {
                "labelFontSize": 12,
                "titleFontSize": 12,
                "labelLimit": 280,
                # Two legends below a chart stack in one column, left-aligned, never side by
                # side past the box on a narrow screen (Vega's legend layout, per orient).
                "layout": {
                    "expr": "{bottom: {direction: 'vertical', anchor: 'start'}, "
                    "top: {direction: 'vertical', anchor: 'start'}}"
                },
            },
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
