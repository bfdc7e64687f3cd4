"""The book's chart theme: its palette, its one width and height, and the Altair theme built
from them. The one place to change how every chart looks (the renderer, :mod:`energybook.render`,
and the builders, :mod:`energybook.charts`, read it).

Colours have one meaning per category across the book: :data:`ROLE_COLOURS` gives each kind
of figure (a projection, national demand, a measurement, an estimate, a reported figure, this
book's model, an uncertainty band, a reference line) its colour, and :func:`role_scale` builds
the colour scale of any chart that shows such categories. Categories without a role (scenarios,
vendors, publications) and every colour legend without a scale take :data:`OTHER_COLOURS`,
never a role's colour, so a role colour always means its role."""

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


# The colours of categories that have no role (scenarios, vendors, publications): none of
# them is a role's colour or a shade of one, so a role colour always means its role. Chosen
# at least :data:`MIN_DISTANCE` from every role colour and shade and from each other (Paul
# Tol's and ColorBrewer's qualitative sets, minus the hues the roles hold).
OTHER_COLOURS = ["#6A3D9A", "#999933", "#882255", "#66A61E", "#E7298A", "#332288"]


# The least distance (Euclidean, in RGB 0-255) between two colours that mean different things.
MIN_DISTANCE = 60.0


def distance(a: str, b: str) -> float:
    """How far apart two ``#RRGGBB`` colours are (Euclidean distance in RGB)."""
    ra, rb = ([int(c[i : i + 2], 16) for i in (1, 3, 5)] for c in (a, b))
    return float(sum((x - y) ** 2 for x, y in zip(ra, rb, strict=True)) ** 0.5)


# How a category's label says its role (matched case-insensitively): the word opens the label
# ("Measured, H100 SXM", "Estimate of a past year") or opens a parenthesis that closes the
# label ("Data centres (projection)"). A word inside a phrase ("worst measured chip", "the
# estimate's range") or inside an earlier parenthesis ("Projected (measured trend)") does not
# make a role; the leading word decides before a trailing parenthesis.
ROLE_PATTERNS = {
    "national demand": r"national demand\b",
    "measured": r"measured\b",
    "projection": r"(?:projection|projected|forecast)s?\b",
    "estimated": r"estimat(?:e|es|ed)\b(?!['\u2019])",
    "reported": r"(?:datasheet|reported|vendor figure)\b",
}


def role_of(label: object) -> str | None:
    """The role a category's label names (a key of :data:`ROLE_COLOURS`), or None."""
    if not isinstance(label, str):
        return None
    text = label.strip()
    tail = re.search(r"\(([^()]*)\)$", text)
    for part in (text, tail.group(1).strip() if tail else None):
        if part is None:
            continue
        for role, pattern in ROLE_PATTERNS.items():
            if re.match(pattern, part, flags=re.IGNORECASE):
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


def darken(colour: str, k: int) -> str:
    """The ``k``-th darker shade of ``colour``, each step 35% towards black."""
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    a = 0.65**k
    return "#{:02X}{:02X}{:02X}".format(*(round(c * a) for c in (r, g, b)))


def _shades() -> dict[str, list[str]]:
    """Each role's colour and the shades of it a second, third... category of that role may
    take: lighter, then darker, keeping only those at least :data:`MIN_DISTANCE` from every
    other role's colour and shades and from :data:`OTHER_COLOURS`. The uncertainty bands
    choose first (a fan chart draws its 90% and 50% bands in two light shades of it), then
    the reported figures (two kinds of vendor claim), then the rest in order."""
    out: dict[str, list[str]] = {r: [c.upper()] for r, c in ROLE_COLOURS.items()}
    first = ["uncertainty", "reported"]
    for role in first + [r for r in ROLE_COLOURS if r not in first]:
        colour = ROLE_COLOURS[role]
        for cand in (shade(colour, 1), shade(colour, 2), darken(colour, 1)):
            others = [c for r, cs in out.items() if r != role for c in cs] + OTHER_COLOURS
            mine = out[role]
            if cand not in mine and all(distance(cand, c) >= MIN_DISTANCE for c in others):
                if all(distance(cand, c) >= MIN_DISTANCE / 2 for c in mine):
                    mine.append(cand)
    return out


ROLE_SHADES = _shades()


def role_shades(role: str, n: int = 4) -> list[str]:
    """The colours a category of ``role`` may be drawn in: its colour, then shades of it
    that no other role's colour or shade comes near (at most ``n``)."""
    return ROLE_SHADES[role][:n]


def role_of_colour(colour: object) -> str | None:
    """The role whose colour or shade ``colour`` is, or None."""
    if not isinstance(colour, str):
        return None
    for role, colours in ROLE_SHADES.items():
        if colour.upper() in colours:
            return role
    return None


def _others() -> list[str]:
    """:data:`OTHER_COLOURS`, then their lighter and darker shades that stay
    :data:`MIN_DISTANCE` from every role's colour and shade and from each other."""
    roles = [c for cs in ROLE_SHADES.values() for c in cs]
    out = [c.upper() for c in OTHER_COLOURS]
    for make, k in ((shade, 1), (darken, 1), (shade, 2)):
        for c in OTHER_COLOURS:
            cand = make(c, k)
            if all(distance(cand, x) >= MIN_DISTANCE for x in roles + out):
                out.append(cand)
    return out


OTHERS = _others()


def other_colours(n: int) -> list[str]:
    """``n`` colours for categories without a role: :data:`OTHER_COLOURS`, then shades of
    them (:data:`OTHERS`), none of them a role's colour or shade; past those, they repeat."""
    return [OTHERS[k % len(OTHERS)] for k in range(n)]


def role_colours(
    categories: Iterable[str], roles: Mapping[str, str | None] | None = None
) -> list[str]:
    """One colour per category, in order: a category with a role (named in ``roles``, else
    read from its label by :func:`role_of`) gets its role's colour, the second of the same
    role a shade of it (:func:`role_shades`); a category without one gets the next of
    :func:`other_colours`, never a role's colour."""
    cats = list(dict.fromkeys(categories))
    roles = dict(roles or {})
    named = [roles[c] if c in roles else role_of(c) for c in cats]
    for r in named:
        if r is not None and r not in ROLE_COLOURS:
            raise ValueError(f"unknown role {r!r}; known: {', '.join(ROLE_COLOURS)}")
    free = iter(other_colours(sum(r is None for r in named)))
    seen: dict[str, int] = {}
    out = []
    for r in named:
        if r is None:
            out.append(next(free))
        else:
            mine = role_shades(r)
            out.append(mine[seen.get(r, 0) % len(mine)])
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
            "range": {"category": OTHERS},
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
