"""The analog chapter's 2030 saving and its uncertainty (``model_saving``)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from energybook import data, uncertainty
from energybook.chapters.analog import model_saving as sav
from energybook.chapters.analog.params import Params
from tests.test_analog import ANCHORS


def test_saving_hand_worked():
    s = sav.analog_saving(1000.0, 0.5, 0.6, 0.3, 0.1)
    assert s["addressable_twh"] == pytest.approx(90.0)
    assert s["gross_saving_twh"] == pytest.approx(81.0)
    assert s["net_saving_twh"] == pytest.approx(81.0) and s["rebound_twh"] == 0


def test_elasticity_one_with_energy_the_whole_cost_erases_the_saving():
    # an identity of constant-elasticity demand: demand x 1/r, energy unchanged
    s = sav.analog_saving(1000.0, 0.5, 0.6, 0.3, 0.25, elasticity=1.0)
    assert s["net_saving_twh"] == pytest.approx(0.0, abs=1e-9)
    assert s["demand_multiplier"] == pytest.approx(4.0)
    assert sav.analog_saving(1000.0, 0.5, 0.6, 0.3, 0.25, elasticity=1.5)["net_saving_twh"] < 0


@given(e1=st.floats(0, 3), e2=st.floats(0, 3), r=st.floats(0.01, 0.99), cs=st.floats(0, 1))
@settings(max_examples=50)
def test_saving_falls_with_elasticity(e1, e2, r, cs):
    lo, hi = sorted((e1, e2))
    s_lo = sav.analog_saving(945.0, 0.5, 0.6, 0.3, r, elasticity=lo, energy_share=cs)
    s_hi = sav.analog_saving(945.0, 0.5, 0.6, 0.3, r, elasticity=hi, energy_share=cs)
    assert s_hi["net_saving_twh"] <= s_lo["net_saving_twh"] + 1e-9
    assert s_lo["net_saving_twh"] <= s_lo["gross_saving_twh"] + 1e-9


def test_saving_vectorized_matches_scalar_and_refuses_bad_shares():
    rng = np.random.default_rng(3)
    ai, inf, tol = rng.uniform(0, 1, (3, 50))
    r, e = rng.uniform(0.05, 2.0, 50), rng.uniform(0, 3, 50)
    v = sav.analog_saving(945.0, ai, inf, tol, r, elasticity=e, energy_share=0.7)
    for i in (0, 17, 49):
        s = sav.analog_saving(945.0, ai[i], inf[i], tol[i], r[i], elasticity=e[i],
                              energy_share=0.7)
        for k in s:
            assert v[k][i] == pytest.approx(s[k])
    with pytest.raises(ValueError):
        sav.analog_saving(945.0, np.array([0.5, 1.2]), 0.6, 0.3, 0.1)
    with pytest.raises(ValueError):
        sav.analog_saving(945.0, 0.5, 0.6, 0.3, np.array([0.1, 0.0]))


def test_saving_agrees_with_the_rebound_chapter():
    try:
        from energybook.chapters.rebound import model as rebound
    except ImportError:  # not yet moved into its package
        from energybook.models import rebound  # type: ignore[no-redef]
    r, e, s = 0.2, 0.7, 0.4
    out = sav.analog_saving(100.0, 1.0, 1.0, 1.0, r, elasticity=e, energy_share=s)
    after = 100.0 - out["net_saving_twh"]
    assert after / 100.0 == pytest.approx(float(rebound.energy_ratio(1 / r, e, energy_share=s)))


def test_saving_curves_include_the_chosen_elasticity():
    dc = data.load_table("dc_electricity")
    t = sav.saving_curves(Params(elasticity=0.35), dc, {"x": 0.2})
    assert (t["elasticity"] == 0.35).sum() == 1 and t["elasticity"].is_monotonic_increasing
    t = sav.saving_curves(Params(), dc, {"x": 0.1, "y": 0.5}, elasticities=[0.0, 1.0, 2.0])
    x = t[t.case == "x"].set_index("elasticity")["net_saving_twh"]
    assert x.loc[0.0] == pytest.approx(945 * 0.5 * 0.6 * 0.3 * 0.9)


def _dists(**over):
    base = dict(ai_share=0.5, inference_share=0.6, addressable_share=0.3, ratio_ideal=0.12,
                ratio_measured=0.36, elasticity=0.0)
    return sav.saving_distributions(**{**base, **over})


def test_saving_distributions_declared():
    d = _dists()
    assert float(d["ai_share"].ppf(0.0)) == pytest.approx(0.25)
    assert float(d["ai_share"].ppf(1.0)) == pytest.approx(0.75)
    assert float(_dists(ai_share=1.0)["ai_share"].ppf(1.0)) == pytest.approx(1.0)
    assert isinstance(_dists(addressable_share=0.0)["addressable_share"], uncertainty.Fixed)
    for dd in (d, _dists(ratio_ideal=0.36, ratio_measured=0.12)):
        r = dd["energy_ratio"]
        assert float(r.ppf(0.0)) == pytest.approx(0.12)
        assert float(r.ppf(1.0)) == pytest.approx(0.36)
        assert r.median() == pytest.approx(math.sqrt(0.12 * 0.36))  # log-uniform
    assert float(d["elasticity"].ppf(1.0)) == pytest.approx(sav.ELASTICITY_MAX)


def test_saving_uncertainty_is_seeded():
    d = _dists(elasticity=0.5)
    r1 = sav.saving_uncertainty(d, 945.0, 5000, seed=7)
    r2 = sav.saving_uncertainty(d, 945.0, 5000, seed=7)
    assert r1["net"] == r2["net"] and r1["p_erased"] == r2["p_erased"]
    assert np.array_equal(r1["samples"]["net_saving_twh"], r2["samples"]["net_saving_twh"])
    m = sav.saving_model(np.array([0.5, 0.5]), 0.6, 0.3, np.array([0.25, 0.25]),
                         np.array([0.0, 1.5]), energy_twh=1000.0)
    assert list(m["erased"]) == [0.0, 1.0]


def test_run_saving_uncertainty_at_the_chapter_parameters():
    dc = data.load_table("dc_electricity")
    chips, acc = data.load_table("analog_chips"), data.load_table("accelerators")
    mc = sav.run_saving_uncertainty(Params(n_draws=5000), ANCHORS, dc, chips, acc)
    assert len(mc["samples"]["net_saving_twh"]) == 5000
    assert mc["net"]["p05"] < mc["net"]["median"] < mc["net"]["p95"]
    assert mc["net"]["p95"] < 945 * 0.75 * 0.8 * 0.45  # never above the addressable energy
