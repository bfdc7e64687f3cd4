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

share = st.floats(0.0, 1.0)
ratio = st.floats(0.05, 3.0)
elasticity = st.floats(0.0, 5.0)


def test_saving_hand_worked():
    # 1000 TWh x 0.5 x 0.6 x 0.3 = 90 TWh addressable; 0.29 of it replaced at a ratio of 0.1
    s = sav.analog_saving(1000.0, 0.5, 0.6, 0.3, 0.1, replaceable_share=0.29)
    assert s["addressable_twh"] == pytest.approx(90.0)
    assert s["replaceable_twh"] == pytest.approx(26.1)
    assert s["gross_saving_twh"] == pytest.approx(26.1 * 0.9)
    assert s["service_ratio"] == pytest.approx(1 - 0.29 * 0.9)
    assert s["net_saving_twh"] == pytest.approx(s["gross_saving_twh"])
    assert s["rebound_twh"] == pytest.approx(0.0, abs=1e-12)  # elasticity 0: no rebound


@given(r=ratio, e=elasticity, es=share)
def test_nothing_replaced_nothing_saved(r, e, es):
    """The null: if analog replaces no part of the work, no ratio and no elasticity can make
    a saving or a loss."""
    s = sav.analog_saving(
        945.0, 0.5, 0.6, 0.3, r, replaceable_share=0.0, elasticity=e, energy_share=es
    )
    assert s["net_saving_twh"] == 0 and s["gross_saving_twh"] == 0


@given(e=elasticity, es=share, m=share)
def test_an_analog_core_as_costly_as_digital_saves_nothing(e, es, m):
    s = sav.analog_saving(
        945.0, 0.5, 0.6, 0.3, 1.0, replaceable_share=m, elasticity=e, energy_share=es
    )
    assert s["net_saving_twh"] == pytest.approx(0.0, abs=1e-9)


@given(r=st.floats(0.05, 0.99), m=st.floats(0.01, 1.0))
def test_elasticity_one_with_energy_the_whole_cost_erases_any_saving(r, m):
    """An identity of constant-elasticity demand, not a result: demand rises by exactly the
    factor by which energy per unit falls."""
    s = sav.analog_saving(
        945.0, 0.5, 0.6, 0.3, r, replaceable_share=m, elasticity=1.0, energy_share=1.0
    )
    assert s["net_saving_twh"] == pytest.approx(0.0, abs=1e-9)


@given(e1=elasticity, e2=elasticity, r=st.floats(0.01, 0.99), es=share, m=share)
@settings(max_examples=60)
def test_saving_falls_with_elasticity_and_never_exceeds_the_gross(e1, e2, r, es, m):
    lo, hi = sorted((e1, e2))
    kw = {"replaceable_share": m, "energy_share": es}
    s_lo = sav.analog_saving(945.0, 0.5, 0.6, 0.3, r, elasticity=lo, **kw)
    s_hi = sav.analog_saving(945.0, 0.5, 0.6, 0.3, r, elasticity=hi, **kw)
    assert s_hi["net_saving_twh"] <= s_lo["net_saving_twh"] + 1e-9
    assert s_lo["net_saving_twh"] <= s_lo["gross_saving_twh"] + 1e-9
    assert s_lo["gross_saving_twh"] <= s_lo["replaceable_twh"] + 1e-9


@given(r=st.floats(1.01, 3.0), m=st.floats(0.01, 1.0), e=st.floats(0.0, 1.0), es=share)
def test_a_worse_analog_core_adds_electricity(r, m, e, es):
    s = sav.analog_saving(
        945.0, 0.5, 0.6, 0.3, r, replaceable_share=m, elasticity=e, energy_share=es
    )
    assert s["net_saving_twh"] < 0


@given(r=st.floats(0.05, 0.95), m=st.floats(0.05, 1.0), es=st.floats(0.05, 1.0))
def test_at_the_flip_elasticity_the_rebound_takes_back_the_whole_saving(r, m, es):
    service = 1 - m * (1 - r)
    flip = sav.flip_elasticity(service, es)
    at = sav.analog_saving(
        945.0, 0.5, 0.6, 0.3, r, replaceable_share=m, elasticity=flip, energy_share=es
    )
    assert at["net_saving_twh"] == pytest.approx(0.0, abs=1e-6 * at["addressable_twh"])
    below = sav.analog_saving(
        945.0, 0.5, 0.6, 0.3, r, replaceable_share=m, elasticity=0.9 * flip, energy_share=es
    )
    assert below["net_saving_twh"] > 0
    assert math.isinf(sav.flip_elasticity(service, 0.0))
    with pytest.raises(ValueError):
        sav.flip_elasticity(1.2, es)


def test_saving_agrees_with_the_rebound_chapter():
    from energybook.chapters.rebound import model as rebound

    r, e, s, m = 0.2, 0.7, 0.4, 0.35
    out = sav.analog_saving(
        100.0, 1.0, 1.0, 1.0, r, replaceable_share=m, elasticity=e, energy_share=s
    )
    after = 100.0 - out["net_saving_twh"]
    gain = 1 / out["service_ratio"]
    assert after / 100.0 == pytest.approx(float(rebound.energy_ratio(gain, e, energy_share=s)))


def test_saving_vectorized_matches_scalar_and_refuses_bad_shares():
    rng = np.random.default_rng(3)
    ai, inf, tol, m = rng.uniform(0, 1, (4, 50))
    r, e = rng.uniform(0.05, 2.0, 50), rng.uniform(0, 3, 50)
    v = sav.analog_saving(
        945.0, ai, inf, tol, r, replaceable_share=m, elasticity=e, energy_share=0.7
    )
    for i in (0, 17, 49):
        s = sav.analog_saving(
            945.0,
            ai[i],
            inf[i],
            tol[i],
            r[i],
            replaceable_share=m[i],
            elasticity=e[i],
            energy_share=0.7,
        )
        for k in s:
            assert v[k][i] == pytest.approx(s[k])
    with pytest.raises(ValueError):
        sav.analog_saving(945.0, np.array([0.5, 1.2]), 0.6, 0.3, 0.1)
    with pytest.raises(ValueError):
        sav.analog_saving(945.0, 0.5, 0.6, 0.3, 0.1, replaceable_share=1.5)
    with pytest.raises(ValueError):
        sav.analog_saving(945.0, 0.5, 0.6, 0.3, np.array([0.1, 0.0]))


def test_saving_curves_include_the_chosen_elasticity():
    dc = data.load_table("dc_electricity")
    t = sav.saving_curves(Params(elasticity=0.35), dc, {"x": (0.2, 0.05)})
    assert (t["elasticity"] == 0.35).sum() == 1 and t["elasticity"].is_monotonic_increasing
    assert t["elasticity"].max() >= Params().elasticity_max


# --------------------------------------------------------------------------- its uncertainty
def test_the_elasticity_is_the_rebound_chapters_declaration_and_prior():
    from energybook.chapters.rebound import model_uncertainty
    from energybook.chapters.rebound.params import Params as ReboundParams

    ours, theirs = Params(), ReboundParams()
    assert (ours.elasticity, ours.elasticity_max) == (theirs.elasticity, theirs.elasticity_max)
    for dp in (Params.declarations(), ReboundParams.declarations()):
        assert (dp["elasticity"].min, dp["elasticity"].max) == (0.0, 5.0)
    a = sav.elasticity_prior(ours.elasticity, ours.elasticity_max)
    b = model_uncertainty.elasticity_prior(theirs.elasticity, theirs.elasticity_max)
    q = np.linspace(0, 1, 11)
    assert np.allclose(a.ppf(q), b.ppf(q))


def test_the_accelerators_share_is_the_sourced_figure():
    t = data.load_table("serving_overheads").set_index("part")["energy_wh"]
    assert Params().accelerator_share == pytest.approx(t["accelerators"] / t.sum(), abs=0.005)


def test_the_ratio_prior_spans_the_ideal_core_and_every_measured_chip():
    d = sav.ratio_prior([0.12, 0.46, 1.81, 0.36])
    assert float(d.ppf(0.0)) == pytest.approx(0.12) and float(d.ppf(1.0)) == pytest.approx(1.81)
    assert d.median() == pytest.approx(math.sqrt(0.12 * 1.81))  # log-uniform
    assert isinstance(sav.ratio_prior([0.3, 0.3]), uncertainty.Fixed)
    with pytest.raises(ValueError):
        sav.ratio_prior([0.0, 1.0])


def test_saving_distributions_declared():
    d = sav.saving_distributions(Params(), [0.12, 1.81])
    assert list(d) == list(sav.SAVING_INPUTS)
    assert float(d["ai_share"].ppf(0.0)) == pytest.approx(0.25)
    assert float(d["accelerator_share"].ppf(1.0)) == pytest.approx(0.58 * 4 / 3)
    assert isinstance(
        sav.saving_distributions(Params(addressable_share=0.0), [0.1, 1.0])["addressable_share"],
        uncertainty.Fixed,
    )
    assert float(d["elasticity"].ppf(1.0)) == pytest.approx(Params().elasticity_max)


def test_a_core_that_always_breaks_even_never_saves_or_loses():
    """The Monte Carlo's null: with the ratio fixed at 1 every draw saves exactly nothing."""
    d = sav.saving_distributions(Params(), [1.0, 1.0])
    mc = sav.saving_uncertainty(d, 945.0, 5000, seed=3, energy_share=0.05, with_tornado=False)
    assert np.allclose(mc["samples"]["net_saving_twh"], 0.0, atol=1e-9)
    assert mc["p_loss"] == pytest.approx(0.0, abs=1e-3)


def test_the_chance_of_a_loss_is_the_priors():
    """Below the flip elasticity and with every ratio under 1 no draw can lose; letting the
    ratio prior reach the worst chip is what puts losses in."""
    dc = data.load_table("dc_electricity")
    P = Params(n_draws=5000)
    t = sav.prior_dependence(
        P,
        0.12,
        [0.36, 0.46, 1.81],
        dc,
        [
            ("best chip", 2.5, 0.05),
            ("measured", 2.5, 0.05),
            ("measured", 2.5, 1.0),
            ("ideal core", 2.5, 0.05),
        ],
        n=5000,
    )
    assert t["p_loss"].iloc[0] == 0.0
    assert 0 < t["p_loss"].iloc[1] < t["p_loss"].iloc[2]
    # extending the prior down to the ideal core moves weight off ratios above 1
    assert t["p_loss"].iloc[3] < t["p_loss"].iloc[1]
    assert list(t["ratio_low"]) == [0.36, 0.36, 0.36, 0.12]
    with pytest.raises(ValueError):
        sav.prior_dependence(P, 0.12, [0.36], dc, [("vendor", 2.5, 0.05)], n=1000)
    assert (t["p05_twh"] < t["median_twh"]).all() and (t["median_twh"] < t["p95_twh"]).all()


def test_run_saving_uncertainty_is_seeded_and_bounded():
    dc = data.load_table("dc_electricity")
    P = Params(n_draws=5000)
    mc = sav.run_saving_uncertainty(P, [0.36, 1.81], dc)
    again = sav.run_saving_uncertainty(P, [0.36, 1.81], dc)
    assert mc["net"] == again["net"] and mc["p_loss"] == again["p_loss"]
    assert len(mc["samples"]["net_saving_twh"]) == 5000
    assert mc["net"]["p05"] < mc["net"]["median"] < mc["net"]["p95"]
    # never more than the whole replaceable energy at the shares' upper ends
    assert mc["net"]["p95"] < 945 * 0.75 * 0.8 * 0.45 * (0.58 * 4 / 3) * 0.75
    assert list(mc["tornado"]["input"]) and set(mc["tornado"]["input"]) <= set(sav.SAVING_INPUTS)


@settings(max_examples=60)
@given(r_a=ratio, r_b=ratio, m=st.floats(0.01, 1.0))
def test_savings_against_two_baselines_add_up(r_a, r_b, m):
    """Without a rebound, analog's saving against the HBM fleet is the weight-stationary
    fleet's saving against it plus analog's saving against the weight-stationary fleet,
    computed on that fleet's own energy (the baseline's replaceable energy times 1 - the
    ratio between the two). Applying analog / weight-stationary to the HBM fleet's energy, as
    an earlier version of this chapter did, fails it."""
    dc = data.load_table("dc_electricity")
    P = Params(elasticity=0.0, matmul_share=m)
    hbm = sav.saving_point(P, dc, r_a)["gross_saving_twh"]
    ws = sav.saving_point(P, dc, r_b)["gross_saving_twh"]
    vs = sav.saving_against(P, dc, r_a, r_b)
    replaceable = sav.saving_point(P, dc, r_a)["replaceable_twh"]
    own = replaceable * r_b * (1 - r_a / r_b)  # on the baseline fleet's energy, by hand
    assert vs["gross_saving_twh"] == pytest.approx(own, rel=1e-9, abs=1e-9)
    assert hbm == pytest.approx(ws + vs["gross_saving_twh"], rel=1e-9, abs=1e-9)
    assert vs["net_saving_twh"] == pytest.approx(vs["gross_saving_twh"], rel=1e-9, abs=1e-9)
    assert vs["baseline_replaceable_twh"] == pytest.approx(replaceable * r_b)


def test_saving_against_the_same_fleet_is_nothing():
    dc = data.load_table("dc_electricity")
    for e in (0.0, 1.0, 4.0):
        s = sav.saving_against(Params(elasticity=e), dc, 0.3, 0.3)
        assert s["net_saving_twh"] == 0.0 and s["gross_saving_twh"] == 0.0


@settings(max_examples=15, deadline=None)
@given(lo=st.floats(0.2, 0.9), hi=st.floats(1.1, 3.0), seed=st.integers(0, 1000))
def test_without_a_price_response_the_chance_of_a_loss_is_the_priors_weight_above_1(lo, hi, seed):
    """With energy no part of the cost the rebound cannot move the sign: a draw loses exactly
    when its ratio is above 1, so the chance of a loss is the log-uniform prior's weight
    above 1, ln(hi) / ln(hi / lo), within Monte Carlo error."""
    n = 20000
    d = sav.saving_distributions(Params(), [lo, hi])
    mc = sav.saving_uncertainty(d, 945.0, n, seed=seed, energy_share=1e-9, with_tornado=False)
    p = math.log(hi) / math.log(hi / lo)
    assert abs(mc["p_loss"] - p) <= 4 * math.sqrt(p * (1 - p) / n) + 1e-3
