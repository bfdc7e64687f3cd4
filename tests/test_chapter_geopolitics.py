"""The geopolitics chapter: its prose refers only to glued numbers, and it re-runs."""

import json
import re

import pytest

from energybook import data, specs
from energybook.models import geopolitics as g
from energybook.pipeline import execute_notebook, repo_root

CHAPTER = "geopolitics"
TABLES = ("country_prices", "accelerators", "compute_costs", "capacity_additions",
          "dc_electricity", "national_electricity", "grid_carbon")
LABELS = {"price_label", "campus_label", "wait_label", "verdict_fast_power", "verdict_cap"}


def _markdown():
    nb = json.loads((repo_root() / "chapters" / f"{CHAPTER}.ipynb").read_text())
    return "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")


def test_every_glue_reference_is_glued():
    text = _markdown()
    refs = set(re.findall(r"\{glue:(?:text|md)\}`([A-Za-z_0-9]+)", text))
    tables = {n: data.load_table(n) for n in TABLES}
    heads, extra = g.chapter_numbers(specs.get(CHAPTER).params.defaults(), tables)
    missing = refs - set(heads) - set(extra) - LABELS
    assert not missing, missing


def test_no_dollar_math_or_raw_html():
    text = _markdown()
    assert "$" not in text
    assert not re.search(r"<[a-zA-Z/][^>]*>", text)
    assert text.count("\n# ") + text.startswith("# ") == 1  # one title


@pytest.mark.slow
def test_rerun_with_other_country_and_chip(tmp_path):
    spec = specs.get(CHAPTER)
    base = execute_notebook(CHAPTER, spec.params.validate({}), tmp_path / "a.ipynb")
    de = execute_notebook(CHAPTER, spec.params.validate(
        {"country": "Germany", "compared_perf_per_watt": 0.25, "grid_wait_months": 6.0}),
        tmp_path / "b.ipynb")

    def v(r, k):
        return r[k]["value"]

    # dearer German power: a larger energy share and a larger uncapped efficiency premium
    assert v(de, "energy_share_selected") > v(base, "energy_share_selected")
    assert v(de, "efficiency_premium_uncapped") > v(base, "efficiency_premium_uncapped")
    # a less efficient compared chip: China costs more per unit of compute, and the best
    # chip is worth more under a power cap
    assert v(de, "china_us_cost_ratio") > v(base, "china_us_cost_ratio")
    assert v(de, "efficiency_premium_capped") > v(base, "efficiency_premium_capped")
    # a shorter wait is worth a smaller premium for fast power
    assert v(de, "breakeven_premium_usd_per_kwh") < v(base, "breakeven_premium_usd_per_kwh")
    # headlines fixed by country do not move
    assert v(de, "energy_share_us") == pytest.approx(v(base, "energy_share_us"))
