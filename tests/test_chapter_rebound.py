"""Execution test of the rebound chapter: a re-run with a larger elasticity moves the
headline numbers as the model says it should."""

import pytest

from energybook import chapters, pipeline


@pytest.mark.slow
def test_rebound_chapter_reruns_with_a_larger_elasticity(tmp_path):
    spec = chapters.get("rebound")
    default = spec.params.validate({})
    changed = spec.params.validate({"elasticity": 1.4})
    base = pipeline.execute_notebook("rebound", default, tmp_path / "default.ipynb")
    high = pipeline.execute_notebook("rebound", changed, tmp_path / "elastic.ipynb")

    def value(res, name):
        v = res[name]
        return float(v["value"]) if isinstance(v, dict) else float(v)

    # more demand response: more energy, more often backfire; the flip point is a property
    # of chip progress and the cost structure, not of the elasticity
    assert value(high, "energy_median_twh") > value(base, "energy_median_twh")
    assert value(high, "backfire_probability_pct") > value(base, "backfire_probability_pct")
    assert value(high, "flip_elasticity") == pytest.approx(value(base, "flip_elasticity"))
    # the H100 -> H200 saving does not depend on demand
    assert value(high, "h200_j_per_token_saving_pct") == pytest.approx(
        value(base, "h200_j_per_token_saving_pct"))
