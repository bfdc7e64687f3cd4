"""The geopolitics chapter: its prose refers only to glued numbers, and it re-runs."""

import math
import re

import nbformat
import pytest

from energybook import chapters
from energybook.pipeline import execute_notebook, repo_root

CHAPTER = "geopolitics"


def _markdown():
    nb = nbformat.read(repo_root() / "chapters" / f"{CHAPTER}.ipynb", as_version=4)
    return "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


def test_no_typed_projection_in_prose():
    # the IEA's 2030 figure is glued from data/dc_electricity.csv, never typed
    assert "945" not in _markdown()


def test_no_dollar_math_or_raw_html():
    text = _markdown()
    assert "$" not in text
    # a MyST role's explicit target ({term}`text <Term>`) is not HTML
    assert not re.search(r"<[a-zA-Z/][^>]*>", re.sub(r"\{[a-z:-]+\}`[^`]*`", "", text))
    assert text.count("\n# ") + text.startswith("# ") == 1  # one title


@pytest.mark.slow
def test_rerun_with_other_country_and_chip(tmp_path):
    spec = chapters.get(CHAPTER)
    base = execute_notebook(CHAPTER, spec.params.validate({}), tmp_path / "a.ipynb")
    # Germany with the default fast-power price (0.15 USD/kWh), which is below its grid
    # price: the spec accepts it and the chapter runs
    de_params = spec.params.validate(
        {"country": "Germany", "compared_perf_per_watt": 0.25, "grid_wait_months": 6.0}
    )
    assert de_params["premium_power_price_usd_per_kwh"] == 0.15
    de = execute_notebook(CHAPTER, de_params, tmp_path / "b.ipynb")

    def v(r, k):
        return r[k]["value"]

    # dearer German power: a larger energy share; compared chips lose money in both runs, so
    # the H100 is worth its own break-even under a cap or not, which dearer power lowers
    assert v(de, "energy_share_selected") > v(base, "energy_share_selected")
    assert v(de, "efficiency_premium_uncapped") < v(base, "efficiency_premium_uncapped")
    assert v(de, "efficiency_premium_capped") == pytest.approx(v(de, "efficiency_premium_uncapped"))
    # a less efficient compared chip: China costs more per unit of compute
    assert v(de, "china_us_cost_ratio") > v(base, "china_us_cost_ratio")
    # a shorter wait is worth no more on a lifetime contract; a bridge's break-even does not
    # depend on the wait, and dearer power lowers the site earnings it saves
    assert v(de, "breakeven_premium_usd_per_kwh") <= v(base, "breakeven_premium_usd_per_kwh")
    assert v(de, "breakeven_bridging_premium_usd_per_kwh") <= v(
        base, "breakeven_bridging_premium_usd_per_kwh"
    )
    # headlines fixed by country do not move
    assert v(de, "energy_share_us") == pytest.approx(v(base, "energy_share_us"))
    assert all(math.isfinite(r["value"]) for r in de.values())
    # fast power is cheaper than German grid power: the page says it pays at any wait,
    # not that it pays beyond a "0.0 months" wait
    text = (tmp_path / "b.ipynb").read_text()
    assert "pays at any wait" in text and "is cheaper than the" in text
    assert "once the wait exceeds" not in text and "0.0 months" not in text
    # at the defaults filling the site does not pay at the 2025 rental: fast power never pays
    assert "never pays for itself" in (tmp_path / "a.ipynb").read_text()


#: Numbers that may stand typed in the prose, each with why: definitions, not results.
ALLOWED_TYPED = (
    r"\b24 GWh/yr",  # the Bundesnetzagentur's consumer class, named with its source
    r"10\^18",  # the definition of an EFLOP
    r"\b90% interval",  # the definition of the interval shown
    r"arXiv:\d{4}\.\d{5}",  # a citation
    r"\bat 0\)",  # a parameter setting (leaving the servers out)
    r"\bdefault of 1\)",  # a parameter setting (board power only)
    r"\bclose to 1\b",  # what an identity reduces to
)


def test_no_number_is_typed_into_the_prose():
    """Every number of the prose is glued, except plain years and the definitions listed in
    ALLOWED_TYPED; a result typed into a sentence (a ratio, a share, a count of years) would
    be left standing when the data moved."""
    text = re.sub(r"\{glue:\w+\}`[^`]*`", "", _markdown())  # glued values
    text = re.sub(r"`[^`]*`", "", text)  # parameter names in code spans
    text = re.sub(r"\]\([^)]*\)", "]", text)  # link targets
    for pattern in ALLOWED_TYPED:
        text = re.sub(pattern, "", text)
    typed = [
        m.group()
        for m in re.finditer(r"(?<![\w.-])\d+(?:[.,]\d+)*", text)
        if not (len(m.group()) == 4 and 1990 <= int(m.group()) <= 2100)
    ]
    assert not typed, typed
