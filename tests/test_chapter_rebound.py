"""Execution test of the rebound chapter: a re-run with a larger elasticity moves the
headline numbers as the model says it should, and leaves alone those that do not depend on
demand."""

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

    # more demand response with ambition as calibrated: more energy
    assert value(high, "energy_median_twh") > value(base, "energy_median_twh")
    # the flip point is a property of chip progress and the cost structure, not of the
    # elasticity; the market ratio, the H200 saving and Microsoft's ratio are data
    for name in (
        "flip_elasticity",
        "flip_elasticity_energy_only",
        "market_elasticity_ratio",
        "h200_j_per_token_saving_pct",
        "h200_breakeven_months",
        "microsoft_energy_per_cloud_revenue_pct",
    ):
        assert value(high, name) == pytest.approx(value(base, name)), name
