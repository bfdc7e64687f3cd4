"""Tests of the rebound ("ambition creep") models, data and spec.

Each test pins a property that any correct method must have: a limit, an invariance, a
simulated null, a hand-worked case. Round trips that hold by construction are named as such.
"""

import dataclasses
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from energybook import chapters, data
from energybook import uncertainty as u
from energybook.chapters.rebound import model as rb
from energybook.chapters.rebound import model_growth as gr
from energybook.chapters.rebound import model_h200 as h2
from energybook.chapters.rebound import model_market as mk
from energybook.chapters.rebound import model_microsoft as msm
from energybook.chapters.rebound import model_uncertainty as mcm
from energybook.chapters.rebound import page
from energybook.chapters.rebound.params import AMBITION_BREAK_YEAR, Params
from energybook.params import ParameterError

rate = st.floats(0.0, 1.5)
share = st.floats(0.0, 1.0)
elast = st.floats(0.0, 3.0)


@pytest.fixture(scope="module")
def tables():
    return data.load_tables(page.TABLES)


@pytest.fixture(scope="module")
def dc(tables):
    return tables["dc_electricity"]


def _params(**over):
    return Params(**{"n_draws": 20_000, **over})


def _base(P, dc):
    return gr.base_energy_twh(dc, P.scope, P.base_year)


# ----------------------------------------------------------------- rebound of one gain
@pytest.mark.parametrize("k", [1.1, 1.4328, 2.0, 10.0])
@pytest.mark.parametrize("s", [0.05, 0.5, 1.0])
def test_elasticity_zero_keeps_the_whole_saving(k, s):
    assert rb.rebound(k, 0.0, s) == pytest.approx(0.0, abs=1e-12)
    assert rb.energy_ratio(k, 0.0, s) == pytest.approx(1.0 / k)


@pytest.mark.parametrize("k", [1.1, 1.4328, 2.0, 10.0])
def test_unit_elasticity_with_energy_the_whole_cost_is_full_rebound(k):
    assert rb.rebound(k, 1.0, 1.0) == pytest.approx(1.0)
    assert rb.energy_ratio(k, 1.0, 1.0) == pytest.approx(1.0)  # energy unchanged
    assert rb.backfire_elasticity(k, 1.0) == pytest.approx(1.0)


def test_hand_worked_rebound():
    # k = 2, energy half the cost, elasticity 1: cost ratio 0.5 + 0.25 = 0.75
    assert rb.cost_ratio(2.0, 0.5) == pytest.approx(0.75)
    assert rb.rebound(2.0, 1.0, 0.5) == pytest.approx((1 / 0.75 - 1) / (2 - 1))
    # small energy share: price-driven rebound ~ elasticity x share for a marginal gain
    assert rb.rebound(1.0001, 1.0, 0.05) == pytest.approx(0.05, rel=1e-3)
    assert rb.marginal_rebound(1.0, 0.05) == pytest.approx(0.05)
    # hardware cost falling with efficiency: whole cost falls by k, energy share irrelevant
    assert rb.rebound(1.5, 1.0, 0.05, 1.5) == pytest.approx(1.0)
    assert math.isnan(rb.rebound(1.0, 1.0, 0.5))
    assert math.isinf(rb.backfire_elasticity(1.0, 0.5))


@settings(max_examples=80)
@given(k=st.floats(1.01, 5.0), s=st.floats(0.001, 1.0), m=st.floats(1.0, 5.0), e=elast)
def test_backfire_exactly_above_the_flip_elasticity(k, s, m, e):
    flip = rb.backfire_elasticity(k, s, m)
    if abs(e - flip) > 1e-6:
        assert (rb.energy_ratio(k, e, s, m) > 1.0) == (e > flip)


def test_identity_hand_worked():
    df = rb.energy_identity(
        training_flop=3.6e15,
        users=10,
        uses_per_user_per_year=100,
        flop_per_use=3.6e12,
        flop_per_j=1e3,
        pue=1.5,
    )
    e = df.set_index("component")["energy_twh"]
    # 3.6e15 FLOP / 1e3 FLOP/J x 1.5 = 5.4e12 J = 1.5 GWh = 1.5e-3 TWh
    assert e["training"] == pytest.approx(1.5e-3)
    assert e["inference"] == pytest.approx(1.5e-3)  # 10 x 100 x 3.6e12 = 3.6e15 FLOP
    assert rb.delivered_flop_per_j(989, 700, 1.0) == pytest.approx(989e12 / 700)


# ----------------------------------------------------------------- H100 -> H200 as rates
def test_h200_case_from_the_tables(tables):
    h = h2.h200_case(h2.chip_facts(tables["accelerators"], tables["growth_trends"]), 0.5)
    assert h["efficiency_gain"] == pytest.approx(4.8 / 3.35)
    assert h["j_per_token_saving"] == pytest.approx(1 - 3.35 / 4.8)
    # release dates 2022-09-20 and 2024-11-18: 790 days
    assert h["gap_years"] == pytest.approx(790 / 365.25)
    assert h["bytes_growth_per_year"] == pytest.approx(4.7**0.5)
    assert h["breakeven_years"] == pytest.approx(math.log(4.8 / 3.35) / math.log(4.7**0.5))
    facts = h2.chip_facts(tables["accelerators"], tables["growth_trends"])
    # the energy-cost rebound: none without a demand response; all of the saving when energy
    # is the whole cost at unit elasticity; in between it grows with the energy share
    assert h2.h200_case(facts, 0.5, elasticity=0.0, energy_share=0.066)[
        "rebound_energy"
    ] == pytest.approx(0.0, abs=1e-12)
    assert h2.h200_case(facts, 0.5, elasticity=1.0, energy_share=1.0)[
        "rebound_energy"
    ] == pytest.approx(1.0)
    shares = [
        h2.h200_case(facts, 0.5, energy_share=x)["rebound_energy"] for x in (0.02, 0.066, 0.12, 0.5)
    ]
    assert np.all(np.diff(shares) > 0)


@settings(max_examples=80)
@given(k=st.floats(1.01, 3.0), g=st.floats(1.01, 5.0), gap=st.floats(0.05, 5.0))
def test_any_gap_longer_than_breakeven_raises_energy_per_token(k, g, gap):
    """The comparison of rates cannot come out otherwise: energy per token after a gap is
    g^gap / k, above 1 exactly when the gap exceeds ln k / ln g."""
    t = h2.breakeven_years(k, g)
    if abs(gap - t) > 1e-6:
        assert (g**gap / k > 1.0) == (gap > t)


def test_mixture_of_experts_and_quantisation_scale_the_bytes():
    dense = h2.bytes_per_token_growth(4.7, 2.0, 0.5)
    moe_fp8 = h2.bytes_per_token_growth(4.7, 2.0, 0.5, 0.25, 0.5)
    assert dense == pytest.approx(4.7)
    assert moe_fp8 == pytest.approx(4.7 * 0.125)
    # with the bytes shrinking, the saving is never taken back
    assert math.isinf(h2.breakeven_years(1.43, float(h2.per_year(moe_fp8, 2.0))))


def test_bandwidth_trend_recovers_a_known_exponential():
    dates = pd.to_datetime(["2016-01-01", "2018-01-01", "2020-01-01", "2022-01-01"])
    years = np.array([(d - dates[0]).days / 365.25 for d in dates])
    acc = pd.DataFrame(
        {
            "vendor": "NVIDIA",
            "release_date": dates,
            "memory_bw_tbps": 1.0 * 1.3**years,
            "board_power_w": 300.0,
            "power_estimated_by": None,
        }
    )
    assert h2.bandwidth_per_watt_trend(acc) == pytest.approx(1.3, rel=1e-6)


# ----------------------------------------------------------------- the segmented model
@settings(max_examples=80)
@given(s=st.floats(0.001, 0.999), f=rate, h=rate, t=st.floats(0.0, 20.0))
def test_energy_share_follows_the_trends(s, f, h, t):
    """Energy's share of cost rises exactly when hardware cost falls faster than energy cost
    per unit of service, and stays put when they fall alike."""
    st_ = float(gr.energy_share_path(t, s, f, h))
    if abs(f - h) < 1e-12 or t == 0:
        assert st_ == pytest.approx(s, rel=1e-9)
    elif h > f:
        assert st_ >= s * (1 - 1e-12)
    else:
        assert st_ <= s * (1 + 1e-12)


def test_energy_share_drifts_to_about_six_percent_by_2030():
    # 5% in 2024; hardware per FLOP falls 33%/yr, energy per FLOP 28%/yr: odds x (1.33/1.28)^6
    odds = 0.05 / 0.95 * (1.33 / 1.28) ** 6
    assert float(gr.energy_share_path(6, 0.05, 0.28, 0.33)) == pytest.approx(odds / (1 + odds))
    assert 0.06 < odds / (1 + odds) < 0.065


def test_the_base_year_is_the_estimate(dc):
    P = Params()
    assert float(gr.point_path(P, 415.0, 0)["facility_twh"]) == pytest.approx(415.0)
    assert gr.base_energy_twh(dc, "World", 2024) == 415
    with pytest.raises(ValueError, match="estimates exist"):
        gr.base_energy_twh(dc, "World", 2019)


@settings(max_examples=60)
@given(
    a=st.floats(-0.2, 1.0),
    f=rate,
    h=rate,
    s=st.floats(0.001, 0.999),
    e=elast,
    t=st.floats(0.0, 10.0),
    w=st.floats(0.05, 0.95),
)
def test_splitting_into_identical_segments_changes_nothing(a, f, h, s, e, t, w):
    """Invariance: two segments with the same trends are one segment (closed form
    (1 + a)^t C^-e / (1 + f)^t)."""
    seg = gr.Segments(
        np.array([w, 1 - w]), np.full(2, f), np.full(2, h), np.full(2, s), np.full(2, a)
    )
    split = float(gr.it_electricity(t, seg, e).sum())
    one = (1 + a) ** t * float(gr.cost_index(t, s, f, h)) ** -e / (1 + f) ** t
    assert split == pytest.approx(one, rel=1e-9)


@settings(max_examples=25)
@given(
    f=st.floats(0.05, 0.6),
    h=st.floats(0.05, 0.6),
    s=st.floats(0.01, 0.5),
    e=st.floats(0.0, 2.0),
    w=st.floats(0.05, 0.3),
)
def test_calibration_reaches_its_targets(f, h, s, e, w):
    """Round trip of the solver (it can fail only if the solver and the model disagree):
    the calibrated point model reaches 945 TWh in 2030 and 1,200 TWh in 2035, and the
    accelerated servers' own electricity grows 30% a year."""
    P = Params(
        efficiency_growth=f, hardware_cost_decline=h, energy_share=s, elasticity=e, ai_share=w
    )
    try:
        cal = gr.calibrate(P, 415.0, 0.30, 945.0, 1200.0, 2035)
    except ValueError as err:  # out of reach (e.g. a price response too strong after 2030)
        assert "reaches" in str(err) or "exceed" in str(err)
        return
    Q = dataclasses.replace(P, **cal._asdict())
    path = gr.point_path(Q, 415.0, np.array([6, 11]))
    assert path["facility_twh"] == pytest.approx([945.0, 1200.0], rel=1e-9)
    ai = path["it_share"][0, 0] / gr.segments_of(Q).share[0]
    assert ai == pytest.approx(1.3**6, rel=1e-9)


def test_calibration_refuses_targets_out_of_reach():
    # accelerated servers at 45% of electricity, growing 30% a year, alone exceed 945 TWh
    with pytest.raises(ValueError, match="alone exceed"):
        gr.calibrate(Params(ai_share=0.45), 415.0, 0.30, 945.0, 1200.0, 2035)


def test_default_ambition_is_the_calibration_to_the_data(tables):
    """Fails when the data or another default changes and the calibrated defaults were not
    re-derived."""
    P = Params()
    ev = page.evaluate(dataclasses.replace(P, n_draws=1000), tables)
    cal = ev.calibration
    assert cal is not None
    assert P.demand_growth == pytest.approx(cal.demand_growth, abs=5e-4)
    assert P.other_demand_growth == pytest.approx(cal.other_demand_growth, abs=5e-4)
    assert P.late_ambition_ratio == pytest.approx(cal.late_ambition_ratio, abs=5e-4)


def test_conventional_efficiency_default_is_masanets_decade(tables):
    # 2010-2018: instances x 6.5, electricity x 1.06, PUE x 0.75 -> per IT joule x 4.60
    derived = gr.conventional_efficiency_growth(tables["growth_trends"])
    assert derived == pytest.approx((6.5 / (1.06 / 0.75)) ** (1 / 8) - 1)
    assert Params().other_efficiency_growth == pytest.approx(derived, abs=0.005)


# ----------------------------------------------------------------- decomposition
@settings(max_examples=40)
@given(
    f=rate,
    h=rate,
    s=st.floats(0.001, 0.99),
    e=elast,
    a=st.floats(-0.2, 1.0),
    pue_best=st.floats(1.0, 1.56),
)
def test_decomposition_sums_exactly_to_the_change(f, h, s, e, a, pue_best):
    P = Params(
        efficiency_growth=f,
        hardware_cost_decline=h,
        energy_share=s,
        elasticity=e,
        demand_growth=a,
        pue_best=pue_best,
    )
    dec = gr.decomposition(P, 415.0)
    end = gr.horizon_twh(P, 415.0)
    assert dec["contribution"].sum() == pytest.approx(end - 415.0, rel=1e-9, abs=1e-9)
    for seg in gr.SEGMENTS:  # and segment by segment
        assert dec[f"{seg}_twh"].sum() == pytest.approx(
            float(gr.point_path(P, 415.0, 6)["segment_twh"][gr.SEGMENTS.index(seg)])
            - 415.0 * gr.segments_of(P).share[gr.SEGMENTS.index(seg)],
            rel=1e-9,
            abs=1e-9,
        )


@settings(max_examples=60)
@given(c=st.floats(0.05, 1.0), s=st.floats(0.0, 1.0), frac=st.floats(0.0, 1.0), e=elast)
def test_price_channels_multiply_to_the_whole_response(c, s, frac, e):
    energy_end = s * frac
    qe, qh = gr.price_channels(c, s, energy_end, e)
    assert float(qe * qh) == pytest.approx(c**-e, rel=1e-9)


def test_no_energy_saving_gives_no_energy_cost_channel():
    """An energy-only rebound of zero: with no efficiency gain and the PUE held, the energy
    cost per unit of service does not fall, so the energy-cost channel is exactly zero;
    with elasticity 0 neither channel is there."""
    P = Params(efficiency_growth=0.0, other_efficiency_growth=0.0, pue_best=1.56)
    dec = gr.decomposition(P, 415.0).set_index("driver")["contribution"]
    assert dec["energy_price"] == pytest.approx(0.0, abs=1e-9)
    assert dec["hardware_price"] > 0
    none = gr.decomposition(Params(elasticity=0.0), 415.0).set_index("driver")["contribution"]
    assert none["energy_price"] == 0.0 and none["hardware_price"] == 0.0


def test_cheaper_hardware_dominates_the_price_response(tables):
    """With energy 5% of the cost, the hardware part of a year's fall in cost per FLOP is
    about 96% (hand-worked: 0.95 x (1 - 1/1.33) against 0.05 x (1 - 1/1.28))."""
    n = page.numbers(page.evaluate(_params(n_draws=1000, energy_share=0.05), tables))
    hw, en = 0.95 * (1 - 1 / 1.33), 0.05 * (1 - 1 / 1.28)
    assert n["price_fall_hardware_part_pct"] == pytest.approx(100 * hw / (hw + en))


# ----------------------------------------------------------------- hold flat
@settings(max_examples=30)
@given(a=st.floats(0.0, 1.0), e=st.floats(0.0, 2.0), s=st.floats(0.01, 0.9), h=st.floats(0.0, 1.0))
def test_hold_flat_solution_holds_flat(a, e, s, h):
    P = Params(
        demand_growth=a,
        other_demand_growth=a,
        elasticity=e,
        energy_share=s,
        other_energy_share=s,
        hardware_cost_decline=h,
        other_hardware_cost_decline=h,
        pue_best=1.56,
    )
    f = gr.efficiency_growth_to_hold_flat(P, 415.0)
    assert f >= 0
    if math.isfinite(f) and f > 0:
        seg = gr.segments_of(P)._replace(efficiency_growth=np.full(2, f))
        assert float(gr.point_path(P, 415.0, 6, seg=seg)["facility_twh"]) == pytest.approx(
            415.0, rel=1e-6
        )


def test_no_ambition_and_no_price_response_needs_no_efficiency():
    P = Params(demand_growth=0.0, other_demand_growth=0.0, elasticity=0.0, pue_best=1.56)
    assert gr.efficiency_growth_to_hold_flat(P, 415.0) == 0.0
    # ambition alone, no price response: efficiency must grow as fast as ambition
    P = Params(demand_growth=0.2, other_demand_growth=0.2, elasticity=0.0, pue_best=1.56)
    assert gr.efficiency_growth_to_hold_flat(P, 415.0) == pytest.approx(0.2, rel=1e-6)


# ----------------------------------------------------------------- forecasts restated
def test_each_named_scenario_reproduces_its_published_figure(dc):
    """An arithmetic check, true by construction: each scenario's ambition shift is solved
    from its published figure, so running the model forward must give that figure back.
    It guards the solve-and-project arithmetic, not the model."""
    table = gr.scenario_table(dc, Params())
    named = {
        ("World", "IEA Base", 2030),
        ("World", "IEA Lift-Off", 2035),
        ("World", "IEA Headwinds", 2035),
        ("United States", "LBNL High", 2028),
    }
    assert named <= set(zip(table["scope"], table["scenario"], table["horizon_year"], strict=True))
    assert (table["error_pct"].abs() < 1e-6).all()
    base = table[
        (table["scope"] == "World")
        & (table["scenario"] == "IEA Base")
        & (table["horizon_year"] == 2030)
    ].iloc[0]
    # the net growth is arithmetic on the two figures; the calibration case needs no shift
    assert base["implied_net_growth"] == pytest.approx((945 / 415) ** (1 / 6) - 1)
    assert base["ambition_shift"] == pytest.approx(0.0, abs=2e-4)
    lbnl = table[table["scenario"] == "LBNL Low"].iloc[0]
    assert lbnl["base_year"] == 2023 and lbnl["implied_net_growth"] == pytest.approx(
        (325 / 176) ** (1 / 5) - 1
    )


def test_a_bigger_forecast_needs_more_ambition(dc):
    table = gr.scenario_table(dc, Params())
    w35 = table[(table["scope"] == "World") & (table["horizon_year"] == 2035)].sort_values(
        "published_twh"
    )
    assert w35["ambition_shift"].is_monotonic_increasing


# ----------------------------------------------------------------- Microsoft
def test_microsoft_ratio_is_observed_not_assumed(tables):
    """The headline uses no assumed efficiency: it does not move with the chip trends, and it
    is energy over revenue, per year (hand-worked: 2.68 / (137.4 / 51.7), over four years)."""
    h1 = page.headlines(page.evaluate(_params(n_draws=1000), tables))
    h2_ = page.headlines(page.evaluate(_params(n_draws=1000, efficiency_growth=0.6), tables))
    assert (
        h1["microsoft_energy_per_cloud_revenue_pct"]
        == h2_["microsoft_energy_per_cloud_revenue_pct"]
    )
    assert h1["microsoft_energy_per_cloud_revenue_pct"] == pytest.approx(
        100 * ((2.68 / (137.4 / 51.7)) ** 0.25 - 1)
    )


@settings(max_examples=60)
@given(
    energy=st.floats(0.5, 5.0),
    proxy=st.floats(0.5, 5.0),
    years=st.floats(1.0, 10.0),
    x=st.floats(0.0, 1.0),
)
def test_implied_efficiency_is_the_identity(energy, proxy, years, x):
    """energy = compute / efficiency: compute growth (proxy x compute per dollar) over
    energy growth is efficiency growth; equal energy and proxy growth at flat compute per
    dollar mean no efficiency gain at all."""
    eff = float(msm.implied_efficiency_growth(energy, proxy, years, x))
    compute = proxy ** (1 / years) * (1 + x)
    assert (1 + eff) == pytest.approx(compute / energy ** (1 / years))
    assert float(msm.implied_efficiency_growth(energy, energy, years, 0.0)) == pytest.approx(
        0.0, abs=1e-12
    )


# ----------------------------------------------------------------- AI's own market
@settings(max_examples=80)
@given(
    e=st.floats(0.05, 3.0),
    price_fall=st.floats(1.5, 1000.0),
    shift=st.floats(-0.9, 5.0).filter(lambda x: abs(x) > 1e-6),
)
def test_market_ratio_is_biased_in_the_direction_of_the_shift(e, price_fall, shift):
    """Simulated market: a constant-elasticity demand that did not move gives back the
    elasticity; an outward shift of demand (shift > 0) raises the ratio, and supply holding
    quantities back (shift < 0) lowers it. The ratio's bias has the sign of the shift, so it
    is not a one-sided bound."""
    p = 1.0 / price_fall
    q = p**-e
    assert float(mk.elasticity_bound(q, p)) == pytest.approx(e, rel=1e-9)
    moved = float(mk.elasticity_bound(q * (1.0 + shift), p))
    assert np.sign(moved - e) == np.sign(shift)
    assert moved - e == pytest.approx(math.log1p(shift) / math.log(price_fall), rel=1e-9)


def _market(price_years: float, price_per_year: float = 0.025) -> pd.DataFrame:
    start = pd.Timestamp("2025-01-01")
    end = start + pd.Timedelta(days=round(price_years * mk.DAYS_PER_YEAR))
    years = (end - start).days / mk.DAYS_PER_YEAR
    return pd.DataFrame(
        {
            "series": ["tok", "pri"],
            "metric": ["tokens_served", "price_at_fixed_capability"],
            "start_date": ["2024-01-01", str(start.date())],
            "end_date": ["2025-01-01", str(end.date())],
            "factor": [50.0, price_per_year**years],
            "factor_low": [np.nan, (price_per_year / 10) ** years],
            "factor_high": [np.nan, (price_per_year * 10) ** years],
        }
    )


@pytest.mark.parametrize("years", [0.5, 1.0, 3.0])
def test_market_ratio_does_not_depend_on_the_window_a_rate_is_stored_over(years):
    """The same yearly fall stored over one year or over a three-year fit window gives the
    same ratio (annualising before pairing)."""
    s = mk.summary(_market(years))
    one_year = (pd.Timestamp("2025-01-01") - pd.Timestamp("2024-01-01")).days / 365.25
    expected = math.log(50.0 ** (1 / one_year)) / math.log(40.0)
    assert s["median"] == pytest.approx(expected, rel=1e-6)
    assert s["range_low"] < s["median"] < s["range_high"]


def test_market_summary_is_the_median_over_pairings_whatever_the_row_order(tables):
    tm = tables["token_market"]
    s = mk.summary(tm)
    shuffled = mk.summary(tm.sample(frac=1.0, random_state=7).reset_index(drop=True))
    assert shuffled == pytest.approx(s)
    ratios = mk.bound_table(tm)["bound"]
    n_tok = int((tm["metric"] == "tokens_served").sum())
    n_pri = int((tm["metric"] == "price_at_fixed_capability").sum())
    assert s["n"] == n_tok * n_pri == len(ratios)
    assert s["min"] <= s["median"] <= s["max"]
    assert s["median"] == pytest.approx(float(np.median(ratios)))
    with pytest.raises(ValueError):
        mk.summary(tm[tm["metric"] == "tokens_served"])


def test_epoch_price_row_is_stored_over_its_fit_window(tables):
    """Epoch AI's insight (12 March 2025) fits 'the past three years': the stored window is
    that long and its yearly rate is the quoted 40x (9x to 900x across milestones)."""
    d = mk.annualised(tables["token_market"]).set_index("series")
    row = d.loc["epoch_inference_prices"]
    assert row["years"] == pytest.approx(3.0, abs=0.05)
    assert pd.Timestamp(row["end_date"]) == pd.Timestamp("2025-03-12")
    assert 1 / row["per_year"] == pytest.approx(40.0, rel=1e-3)
    assert 1 / row["per_year_low"] == pytest.approx(900.0, rel=1e-3)
    assert 1 / row["per_year_high"] == pytest.approx(9.0, rel=1e-3)


# ----------------------------------------------------------------- the flip elasticity
@settings(max_examples=60)
@given(f=st.floats(0.01, 1.0), h=st.floats(0.01, 1.0))
def test_flip_tends_to_the_ratio_of_the_two_trends_as_energy_share_vanishes(f, h):
    """Limit: with energy a vanishing share of the cost, the cost falls by the hardware
    factor alone and the flip elasticity is ln(1 + f) / ln(1 + h)."""
    assert rb.backfire_elasticity(1 + f, 1e-9, 1 + h) == pytest.approx(
        math.log1p(f) / math.log1p(h), rel=1e-6
    )


def test_hardware_cost_default_is_epochs_all_gpu_fit(tables):
    """The default hardware_cost_decline is Epoch AI's all-GPU price-performance doubling
    time (2.46 years) as a yearly fall, to two decimals; the flip table spans both fits."""
    rows = page.hardware_cost_rows(tables["efficiency_trends"]).set_index("estimate")
    row = rows.loc[page.HARDWARE_COST_DEFAULT_ROW]
    assert row["decline"] == pytest.approx(2 ** (1 / 2.46) - 1)
    assert Params().hardware_cost_decline == pytest.approx(row["decline"], abs=0.005)
    assert (rows["decline_fast"] > rows["decline"]).all()
    assert (rows["decline"] > rows["decline_slow"]).all()


@settings(max_examples=40)
@given(f=st.floats(0.0, 1.0), s=st.floats(0.001, 0.99))
def test_cost_falling_as_fast_as_efficiency_fixes_unit_rebound_at_unit_elasticity(f, s):
    """Identity: when hardware cost falls as fast as energy per unit (h = f), the whole cost
    falls by the efficiency gain, so at elasticity 1 demand rises by exactly that gain and
    energy does not move (rebound 100%), whatever f and the energy share are."""
    k = 1.0 + f
    assert float(rb.energy_ratio(k, 1.0, s, k)) == pytest.approx(1.0, rel=1e-12)
    if f > 1e-6:
        assert rb.rebound(k, 1.0, s, k) == pytest.approx(1.0, rel=1e-9)
        assert rb.backfire_elasticity(k, s, k) == pytest.approx(1.0, rel=1e-9)
    # and the conventional segment's energy then does not depend on its efficiency trend
    t = np.array([0.0, 6.0])
    P0 = Params(other_efficiency_growth=0.1, other_hardware_cost_decline=0.1, other_energy_share=s)
    P1 = dataclasses.replace(
        P0, other_efficiency_growth=0.1 + f, other_hardware_cost_decline=0.1 + f
    )
    e0 = gr.point_path(P0, 415.0, t)["segment_twh"][1, 1]
    e1 = gr.point_path(P1, 415.0, t)["segment_twh"][1, 1]
    assert e1 == pytest.approx(e0, rel=1e-9)


# ----------------------------------------------------------------- Monte Carlo
def test_monte_carlo_is_seeded(dc):
    P = _params()
    a, b = mcm.simulate(P, _base(P, dc)), mcm.simulate(P, _base(P, dc))
    assert a["energy"] == b["energy"]
    c = mcm.simulate(dataclasses.replace(P, seed=P.seed + 1), _base(P, dc))
    assert c["energy"] != a["energy"]


def test_every_distribution_but_the_elasticitys_is_centred_on_its_point_value(dc):
    P = Params()
    dists = mcm.declared_distributions(P, _base(P, dc))
    med = u.medians(dists)
    assert med["chip_progress"] == pytest.approx(1.0)
    assert med["ambition"] == pytest.approx(1.0)
    assert med["ai_energy_share"] == pytest.approx(P.energy_share)
    assert med["other_energy_share"] == pytest.approx(P.other_energy_share)
    assert med["pue_horizon"] == pytest.approx(P.pue * gr.central_pue_ratio(P))
    assert float(dists["elasticity"].ppf(0.0)) == pytest.approx(0.0)
    assert float(dists["elasticity"].ppf(1.0)) == pytest.approx(P.elasticity_max)
    # the elasticity's PERT has its mode, not its median, at the point value: skewed towards
    # elasticity_max its median lies above the mode (and below it when skewed the other way)
    q = np.linspace(0.001, 0.999, 20001)
    x = np.asarray(dists["elasticity"].ppf(q), float)
    dx_dq = np.gradient(x, q)  # 1 / density: smallest at the mode
    assert x[int(np.argmin(dx_dq))] == pytest.approx(P.elasticity, abs=0.02)
    assert med["elasticity"] > P.elasticity
    low = mcm.elasticity_prior(2.0, 2.5)
    assert low.median() < 2.0


def test_central_path_reproduces_the_calibration_target(dc):
    """At the point values the Monte Carlo's central path (every input at its median) is the
    calibrated point model: 945 TWh in 2030, the IEA Base Case."""
    P = _params()
    mc = mcm.simulate(P, _base(P, dc))
    assert mcm.central_twh(mc) == pytest.approx(gr.horizon_twh(P, 415.0), rel=1e-12)
    assert mcm.central_twh(mc) == pytest.approx(945.0, rel=1e-3)


def test_calibration_and_monte_carlo_share_the_pue_path(dc):
    """With the PUE the only uncertain input, the median of the draws *is* the calibration
    target (energy is monotone in the PUE, and the median commutes with monotone maps).
    Calibrating with the PUE held and then drawing it below, as the earlier model did, fails
    this by about 9%."""
    P = _params()
    base = _base(P, dc)
    dists = {k: u.Fixed(v) for k, v in u.medians(mcm.declared_distributions(P, base)).items()}
    dists["pue_horizon"] = gr.horizon_pue_distribution(P)
    mc = mcm.simulate(P, base, dists=dists)
    assert mc["energy"]["median"] == pytest.approx(945.0, rel=2e-3)


def test_fan_width_in_2035_is_calibrated_to_the_iea_range(dc):
    """The spread of net growth is the IEA's, read once: with the elasticity fixed, the fan's
    2035 interval has the IEA's ratio of high to low case (drawing the spread independently
    for three growth inputs, as before, made it about 2.7 times wider in log terms)."""
    P = _params(n_draws=40_000)
    base = _base(P, dc)
    dists = mcm.declared_distributions(P, base)
    dists["elasticity"] = u.Fixed(P.elasticity)
    mc = mcm.simulate(P, base, dists=dists)
    f = mcm.fan_table(mc, 2035).set_index("year").loc[2035]
    lo, hi = mcm.iea_case_range(dc)
    assert f["p95"] / f["p05"] == pytest.approx(hi / lo, rel=0.05)


@settings(max_examples=30)
@given(gs=st.floats(0.0, 0.3), cs=st.floats(0.0, 0.3))
def test_ambition_spread_is_what_net_growth_leaves(gs, cs):
    P = Params(growth_spread=gs, chip_spread=cs)
    sa = mcm.ambition_sigma(P, 415.0)
    assert sa >= 0.0
    assert sa <= mcm.sigma_of(gs) + 1e-12  # never more than the whole net spread
    if cs == 0.0 and P.pue_best == P.pue:
        assert sa == pytest.approx(mcm.sigma_of(gs))


@settings(max_examples=40)
@given(e=st.floats(0.0, 2.5), m=st.floats(0.9, 1.1))
def test_anchored_elasticity_acts_only_on_departures_from_the_trend(e, m):
    """Replaces the old identity test. Anchored: at the trend chip path the drawn elasticity
    changes nothing; chips faster than trend raise energy more the higher the drawn
    elasticity, slower chips less. Unanchored: a higher elasticity always raises energy when
    the cost falls."""
    P = Params()
    kw = dict(
        ambition=1.0,
        ai_energy_share=P.energy_share,
        other_energy_share=P.other_energy_share,
        pue_horizon=gr.horizon_pue_distribution(P).median(),
    )
    at_trend = [float(mcm.energy_twh_at(6, P, 415.0, x, 1.0, **kw)) for x in (e, P.elasticity)]
    assert at_trend[0] == pytest.approx(at_trend[1], rel=1e-12)
    lo = float(mcm.energy_twh_at(6, P, 415.0, P.elasticity, m, **kw))
    hi = float(mcm.energy_twh_at(6, P, 415.0, P.elasticity + 0.5, m, **kw))
    if m > 1.0 + 1e-9:
        assert hi > lo
    elif m < 1.0 - 1e-9:
        assert hi < lo
    un = [float(mcm.energy_twh_at(6, P, 415.0, x, m, anchored=False, **kw)) for x in (e, e + 0.5)]
    assert un[1] > un[0]


def test_unanchored_interval_is_far_wider(dc):
    P = _params()
    anch = mcm.simulate(P, _base(P, dc), anchor=True)["energy"]
    wide = mcm.simulate(P, _base(P, dc), anchor=False)["energy"]
    assert wide["p95"] / wide["p05"] > 3 * anch["p95"] / anch["p05"]
    uni = mcm.uniform_elasticity_interval(P, _base(P, dc))
    assert uni["ratio"] > wide["p95"] / wide["p05"] / 2


def test_backfire_probability_is_the_prior_restated(dc):
    """Simulated null: with nothing but the elasticity uncertain, P(backfire) equals the
    prior's mass above the flip elasticity exactly; the curve over the prior's mode rises."""
    P = _params()
    base = _base(P, dc)
    dists = {k: u.Fixed(v) for k, v in u.medians(mcm.declared_distributions(P, base)).items()}
    dists["elasticity"] = mcm.elasticity_prior(P.elasticity, P.elasticity_max)
    mc = mcm.simulate(P, base, dists=dists)
    bf = mcm.backfire_summary(mc)
    prior = float(mcm.prior_mass_above(bf["flip_elasticity"], P.elasticity, P.elasticity_max))
    assert bf["p_backfire"] == pytest.approx(prior, abs=0.01)
    curve = mcm.backfire_curve(mc, np.linspace(0.3, 1.5, 13))
    assert curve["p_backfire"].is_monotonic_increasing
    assert curve["p_backfire"].to_numpy() == pytest.approx(
        curve["p_prior_above_flip"].to_numpy(), abs=1e-9
    )


@settings(max_examples=40)
@given(x=st.floats(0.0, 3.0), mode=st.floats(0.0, 2.5), upper=st.floats(0.0, 3.0))
def test_prior_mass_matches_the_declared_distribution(x, mode, upper):
    d = mcm.elasticity_prior(mode, upper)
    if isinstance(d, u.Fixed):
        return
    q = np.linspace(0.001, 0.999, 999)
    frac = float(np.mean(np.asarray(d.ppf(q)) > x))
    assert float(mcm.prior_mass_above(x, mode, upper)) == pytest.approx(frac, abs=0.002)


def test_backfire_counts_only_draws_with_chip_progress(dc):
    P = _params(efficiency_growth=0.02, chip_spread=0.3)
    mc = mcm.simulate(P, _base(P, dc))
    res = mc["samples"]
    progress = (1 + P.efficiency_growth) * res["chip_progress"] > 1
    bf = mcm.backfire_summary(mc)
    assert 0.2 < bf["p_chip_progress"] < 0.9
    assert np.isnan(res["rebound"][~progress]).all()
    assert bf["p_backfire"] == pytest.approx(res["backfire"][progress].mean())
    assert bf["p_backfire"] > res["backfire"].mean()  # counting them as "no" would deflate it


def test_tornado_base_is_the_central_path(dc):
    P = _params()
    mc = mcm.simulate(P, _base(P, dc))
    t = mcm.sensitivity(mc)
    assert t["base"].iloc[0] == pytest.approx(mcm.central_twh(mc))
    assert t["rank"].tolist() == list(range(1, len(t) + 1))
    # anchored: at the trend the elasticity does not move the level
    assert t.set_index("input").loc["elasticity", "swing"] == pytest.approx(0.0, abs=1e-9)


def test_iea_case_spread_from_the_data(dc):
    spread = mcm.iea_case_spread(dc)
    cases = dc[(dc["scope"] == "World") & (dc["year"] == 2035)].set_index("case")["energy_twh"]
    f_lo = (cases["IEA Headwinds"] / 415) ** (1 / 11)
    f_hi = (cases["IEA Lift-Off"] / 415) ** (1 / 11)
    assert spread == pytest.approx(math.sqrt(f_hi / f_lo) - 1)
    assert Params().growth_spread == pytest.approx(spread, abs=0.001)


# ----------------------------------------------------------------- page and spec
def test_headlines_cover_the_spec_and_are_plain_floats(tables):
    spec = chapters.get("rebound")
    ev = page.evaluate(_params(), tables)
    h = page.headlines(ev)
    assert list(h) == [x.name for x in spec.headlines]
    assert all(type(v) is float and math.isfinite(v) for v in h.values())
    assert h["energy_p05_twh"] < h["energy_median_twh"] < h["energy_p95_twh"]
    n = page.numbers(ev)
    assert all(type(v) is float and math.isfinite(v) for v in n.values())
    assert not set(n) & set(h)


def _validate(over):
    spec = chapters.get("rebound")
    return spec.validate(over, tables=data.load_tables(spec.tables))


@pytest.mark.parametrize(
    ("over", "fragments"),
    [
        (
            {"base_year": 2015},
            ["base_year (2015)", "dc_electricity.csv", "'World'", "estimates exist for 2024, 2025"],
        ),
        (
            {"scope": "United States", "base_year": 2020},
            ["'United States'", "estimates exist for 2014, 2018, 2023, 2024"],
        ),
        (
            {"base_year": 2025, "horizon_year": 2025},
            ["horizon_year (2025) must be after base_year (2025)"],
        ),
        ({"efficiency_growth": 0.0}, ["efficiency_growth must be above 0"]),
        ({"energy_share": 1.0, "elasticity": 1.5}, ["energy_share 1", "hold energy flat"]),
        ({"ai_share": 0.5, "pue": 2.5}, ["ai_share x pue", "below 1"]),
    ],
)
def test_spec_check_refuses_inconsistent_parameters(over, fragments):
    with pytest.raises(ParameterError) as err:
        _validate(over)
    msg = str(err.value)
    for f in fragments:
        assert f in msg, msg


def test_spec_check_accepts_consistent_parameters():
    assert _validate({})["base_year"] == 2024
    assert _validate({"scope": "United States", "base_year": 2023})["base_year"] == 2023
    assert _validate({"base_year": 2025, "horizon_year": 2026})["horizon_year"] == 2026


def test_cli_refuses_a_base_year_without_an_estimate(cli, tmp_path):
    out = tmp_path / "o"
    r = cli("run", "rebound", "-p", "base_year", "2015", "-o", str(out))
    assert r.returncode == 2, r.stderr
    assert "base_year (2015)" in r.stderr and "estimates exist for 2024, 2025" in r.stderr
    assert "Traceback" not in r.stderr and "Executing" not in r.stderr
    assert not out.exists()


def test_horizon_before_base_is_refused(dc):
    with pytest.raises(ValueError, match="after base_year"):
        mcm.simulate(_params(horizon_year=2025, base_year=2025), 485.0)


def test_new_tables_carry_their_sources(tables):
    for name in ("dc_segments", "token_market", "microsoft_compute_proxies"):
        df = tables[name]
        assert len(df) > 0
        assert df["source_url"].str.len().min() > 10
        assert set(df["checked"]) <= {"primary", "secondary", "unverified"}
    seg = tables["dc_segments"]
    assert (
        gr.segment_figure(seg, "accelerated_servers", "share_of_dc_electricity")
        == Params().ai_share
    )


def test_break_year_is_the_iea_base_case_year(dc):
    years = set(dc[(dc["scope"] == "World") & (dc["case"] == "IEA Base")]["year"])
    assert AMBITION_BREAK_YEAR in years and 2035 in years


def test_sensitivity_ranges_lie_inside_the_declaration_and_pass_the_checks():
    """A Sobol analysis samples these ranges jointly: every range must be inside the declared
    bounds, and its worst corner must pass the chapter's own checks."""
    spec = chapters.get("rebound")
    ranges = page.sensitivity_ranges(Params())
    for name, (lo, hi) in ranges.items():
        p = spec.params[name]
        assert p.min <= lo < hi <= p.max, name
    for corner in (0, 1):
        _validate({name: r[corner] for name, r in ranges.items()})


# ----------------------------------------------------------------- energy-cost channel orderings
@settings(max_examples=40)
@given(f=st.floats(0.01, 0.8), h=st.floats(0.0, 0.8), s=st.floats(0.01, 0.9), e=elast)
def test_energy_channel_orderings_bracket_the_shapley_value(f, h, s, e):
    """Each ordering's two channels sum to the whole price response; the Shapley value lies
    between the orderings; with hardware cost unchanged both orderings are the whole
    response (nothing else moved the price); with no demand response all are zero."""
    P = Params(
        efficiency_growth=f,
        hardware_cost_decline=h,
        energy_share=s,
        elasticity=e,
        other_efficiency_growth=f,
        other_hardware_cost_decline=h,
        other_energy_share=s,
    )
    d = gr.energy_channel_orderings(P, 415.0)
    lo = np.minimum(d["energy_first"], d["energy_last"])
    hi = np.maximum(d["energy_first"], d["energy_last"])
    assert ((lo - 1e-9 <= d["shapley"]) & (d["shapley"] <= hi + 1e-9)).all()
    assert (d["energy_first"] >= -1e-9).all()  # cheaper energy never lowers demand
    flat = gr.energy_channel_orderings(
        dataclasses.replace(P, hardware_cost_decline=0.0, other_hardware_cost_decline=0.0), 415.0
    )
    for col in ("energy_first", "energy_last", "shapley"):
        assert flat[col].to_numpy() == pytest.approx(
            flat["price_twh"].to_numpy(), rel=1e-9, abs=1e-9
        )
    none = gr.energy_channel_orderings(dataclasses.replace(P, elasticity=0.0), 415.0)
    assert np.abs(
        none[["energy_first", "energy_last", "shapley", "price_twh"]].to_numpy()
    ).max() == pytest.approx(0.0, abs=1e-9)


def test_energy_share_default_is_epochs_share_without_staff(tables):
    """Epoch AI's energy share is of full development cost (staff included); the model's is
    of hardware plus energy, so the default and its sensitivity range are energy / (1 -
    staff): 4% / 61% at the midpoints, 2% / 71% to 6% / 51% at the ends."""
    es = page.energy_share_of_hardware_and_energy(tables["compute_costs"])
    assert es["mid"] == pytest.approx(0.04 / 0.61)
    assert es["low"] < es["energy_low"] / (1 - es["staff_high"]) < es["mid"] < es["high"]
    assert Params().energy_share == pytest.approx(es["mid"], abs=0.001)
    lo, hi = page.sensitivity_ranges(Params())["energy_share"]
    assert (lo, hi) == pytest.approx((es["low"], es["high"]), abs=0.001)


def test_sobol_indices_of_the_point_model_rank_the_elasticity_and_ignore_the_h200_case(tables):
    """The Sobol analysis of the point model's horizon-year electricity: the H200 case's
    parameters, which the headline does not depend on, get total indices of zero; every
    total index lies in [0, 1.05]; the elasticity, which acts on the whole price response
    there, comes first; and the fall of hardware cost acts through its interaction with the
    elasticity (total index well above its first-order one)."""
    P = Params()
    ev = page.evaluate(P, tables)
    idx = page.sobol_indices(P, ev.base_twh).set_index("parameter")
    assert set(idx.index) == set(page.sensitivity_ranges(P))
    for name in ("param_compute_exponent", "active_share_change", "bytes_per_param_change"):
        assert idx.loc[name, "ST"] == pytest.approx(0.0, abs=1e-9)
    assert ((idx["ST"] >= -1e-9) & (idx["ST"] <= 1.05)).all()
    assert idx["ST"].idxmax() == "elasticity"
    assert idx.loc["hardware_cost_decline", "ST"] - idx.loc["hardware_cost_decline", "S1"] > 0.1
    # the point model with the elasticity at 0 does not depend on the hardware-cost fall
    flat = dataclasses.replace(P, elasticity=0.0)
    assert gr.horizon_twh(
        dataclasses.replace(flat, hardware_cost_decline=0.25), ev.base_twh
    ) == pytest.approx(
        gr.horizon_twh(dataclasses.replace(flat, hardware_cost_decline=0.40), ev.base_twh)
    )


# ----------------------------------------------------------------- the fast paths
# The headlines are computed in steps (draws, horizon energy, flip elasticities at the
# medians) and, for sweeps, many parameter sets at once. Each is checked here against the
# plain computation, to the last bit (``repr`` of the floats): the speed may not move a
# number.
def _same(a: dict, b: dict) -> bool:
    return set(a) == set(b) and all(repr(float(a[k])) == repr(float(b[k])) for k in a)


def test_the_monte_carlo_in_steps_is_the_monte_carlo_of_the_model(dc):
    """simulate() on prepared draws equals monte_carlo(horizon_model, ...) itself."""
    P = _params(n_draws=3000, elasticity=0.7)
    base = _base(P, dc)
    dists = mcm.declared_distributions(P, base)
    ref = u.monte_carlo(
        mcm.horizon_model,
        dists,
        P.n_draws,
        P.seed,
        fixed={"P": P, "base_twh": base, "anchored": P.anchor_demand},
    )
    mc = mcm.simulate(P, base)
    assert list(mc["samples"]) == list(ref)
    for k, v in ref.items():
        np.testing.assert_array_equal(mc["samples"][k], v, err_msg=k)
    assert mc["energy"] == u.summarize(ref["energy_twh"])


def test_headlines_need_not_run_the_whole_monte_carlo(tables):
    """The headlines from the lazy steps equal those read off the whole Monte Carlo, and
    computing them does not run it."""
    P = _params(n_draws=2000, elasticity=1.1)
    lazy = page.evaluate(P, tables)
    h_lazy = page.headlines(lazy)
    assert "mc" not in lazy.__dict__
    full = page.evaluate(P, tables)
    mc = full.mc  # the whole Monte Carlo first
    assert full.energy == mc["energy"]
    assert _same(h_lazy, page.headlines(full))
    assert full.backfire["flip_elasticity"] == lazy.flip["flip_elasticity"]


@settings(max_examples=40, deadline=None)
@given(st.floats(1.0, 3.0), st.floats(1.0, 3.0))
def test_the_vectorised_pue_median_is_the_triangular_one(pue_best, pue):
    want = gr.horizon_pue_distribution_of(pue_best, pue).median()
    got = gr.horizon_pue_median(np.array([pue_best, 1.2]), np.array([pue, 1.5]))[0]
    assert repr(float(got)) == repr(want)


_POINT = st.fixed_dictionaries(
    {
        "elasticity": st.floats(0.0, 3.0),
        "elasticity_max": st.floats(0.0, 3.0),
        "energy_share": st.floats(0.005, 0.6),
        "other_energy_share": st.floats(0.005, 0.6),
        "efficiency_growth": st.floats(0.05, 1.0),
        "hardware_cost_decline": st.floats(0.0, 1.0),
        "ai_share": st.floats(0.02, 0.3),
        "pue": st.floats(1.0, 2.5),
        "pue_best": st.floats(1.0, 2.5),
        "chip_spread": st.floats(0.0, 0.3),
        "growth_spread": st.floats(0.0, 0.2),
        "late_ambition_ratio": st.floats(0.0, 2.0),
        "param_compute_exponent": st.floats(0.0, 1.0),
        # few values of the non-float fields, so that points share batches
        "horizon_year": st.sampled_from([2027, 2030, 2040]),
        "seed": st.sampled_from([1, 2]),
        "anchor_demand": st.booleans(),
        "n_draws": st.sampled_from([1000, 1500]),
    }
)


@settings(max_examples=25, deadline=None)
@given(st.lists(_POINT, min_size=1, max_size=8))
def test_the_batch_path_gives_the_headlines_of_the_point_path(tables, points):
    """Random valid points, evaluated together (page.headlines_batch: points that share
    their non-float fields in one numpy evaluation) and one by one: the same headlines, bit
    for bit, in order."""
    from hypothesis import assume

    spec = chapters.get("rebound")
    Ps = []
    for p in points:
        try:
            Ps.append(spec.typed(spec.validate(p, context="test", tables=tables)))
        except ParameterError:
            continue
    assume(Ps)
    one_by_one = [page.headlines(page.evaluate(P, tables)) for P in Ps]
    together = page.headlines_batch(Ps, tables)
    assert len(together) == len(Ps)
    for a, b in zip(one_by_one, together, strict=True):
        assert _same(a, b), (a, b)


def test_a_batch_larger_than_its_memory_bound_is_split_with_the_same_numbers(tables, monkeypatch):
    spec = chapters.get("rebound")
    Ps = [
        spec.typed(spec.validate({"n_draws": 1000, "elasticity": e}, tables=tables))
        for e in (0.2, 0.9, 1.6)
    ]
    whole = page.headlines_batch(Ps, tables)
    monkeypatch.setattr(page, "BATCH_DRAWS", 1000)  # one point a batch
    split = page.headlines_batch(Ps, tables)
    assert all(_same(a, b) for a, b in zip(whole, split, strict=True))
    assert not _same(whole[0], whole[2])  # the points differ: the test can fail


def test_a_batch_refuses_a_horizon_before_its_base_year_as_the_point_path_does(tables):
    """Points the spec would refuse (horizon not after the base year) raise the same model
    error in a batch as one by one, instead of getting numbers."""
    P = Params(horizon_year=2024, base_year=2024, n_draws=1000)
    with pytest.raises(ValueError, match="must be after base_year"):
        page.headlines(page.evaluate(P, tables))
    with pytest.raises(ValueError, match="must be after base_year"):
        page.headlines_batch([P], tables)


def test_a_batch_refuses_parameter_sets_that_do_not_share_their_other_fields():
    with pytest.raises(ValueError, match="share"):
        mcm.batch_params([Params(seed=1), Params(seed=2)])
    with pytest.raises(ValueError, match="at least one"):
        mcm.batch_params([])


def test_the_checks_memo_of_estimate_years_follows_the_table_object(tables):
    """spec.check reads the estimate years once per table object: another table (here
    without the 2024 estimate) is read afresh, so the memo never answers for the wrong one."""
    from energybook.chapters.rebound import spec as rspec

    P = Params()
    assert rspec.check(P, tables) == []
    dc = tables["dc_electricity"]
    fewer = dc[~((dc["year"] == P.base_year) & (dc["tier"] == "estimated"))].copy()
    problems = rspec.check(P, {**tables, "dc_electricity": fewer})
    assert any("no data-centre estimate" in p for p in problems)
    assert rspec.check(P, tables) == []


# ----------------------------------------------------------------- batches of the point model
@settings(max_examples=40, deadline=None)
@given(
    data=st.data(),
    size=st.integers(1, 40),
)
def test_the_point_model_of_a_batch_is_each_set_alone_bit_for_bit(data, size, dc):
    """horizon_twh_batch (the Sobol indices' evaluation) is horizon_twh of each parameter
    set, to the last bit: elementwise operations in the same order."""
    P = _params()
    base = _base(P, dc)
    ranges = page.sensitivity_ranges(P)
    names = sorted(ranges)
    draws = {
        n: np.array(
            data.draw(
                st.lists(st.floats(*ranges[n], allow_nan=False), min_size=size, max_size=size),
                label=n,
            )
        )
        for n in names
    }
    fields = {f.name: getattr(P, f.name) for f in dataclasses.fields(P)}
    from types import SimpleNamespace

    many = gr.horizon_twh_batch(SimpleNamespace(**{**fields, **draws}), base)
    alone = [
        gr.horizon_twh(dataclasses.replace(P, **{n: float(draws[n][i]) for n in names}), base)
        for i in range(size)
    ]
    assert many.shape == (size,)
    assert many.tolist() == alone


def test_the_chapters_sobol_indices_are_those_of_one_set_at_a_time(dc):
    from energybook import sobol

    P = _params()
    base = _base(P, dc)
    one_by_one = sobol.of_parameters(
        lambda Q: gr.horizon_twh(Q, base), P, page.sensitivity_ranges(P), 64
    )
    pd.testing.assert_frame_equal(page.sobol_indices(P, base, n=64), one_by_one, check_exact=True)


@pytest.mark.parametrize("elasticity", [0.0, 1.4])
def test_sobol_indices_computed_ahead_in_a_child_are_the_pages_own(tables, elasticity):
    from energybook import background

    P = _params(elasticity=elasticity)
    ahead = page.evaluate(P, tables, ahead=True)
    assert set(ahead.ahead) == {"sobol"}
    got = ahead.sobol
    if background.enabled():
        assert ahead.ahead["sobol"].source == "child"
    pd.testing.assert_frame_equal(got, page.evaluate(P, tables).sobol, check_exact=True)
    assert not page.evaluate(P, tables).ahead  # only the page asks for it


def test_a_fan_of_one_year_holds_that_years_quantiles_of_the_whole_fan(dc):
    P = _params(n_draws=4_000)
    mc = mcm.simulate(P, _base(P, dc))
    whole = mcm.fan_table(mc, 2035).set_index("year")
    one = mcm.fan_table(mc, 2035, start_year=2035).set_index("year")
    assert list(one.index) == [2035]
    for q in ("p05", "p25", "p50", "p75", "p95"):
        assert one.loc[2035, q] == whole.loc[2035, q]
    assert one.loc[2035, "mean"] == pytest.approx(whole.loc[2035, "mean"], rel=1e-12)


@given(
    st.one_of(
        st.floats(allow_nan=True),
        st.integers(-(2**70), 2**70),
        st.booleans(),
        st.floats(width=32).map(np.float32),
        st.floats().map(np.float64),
        st.floats().map(np.asarray),
        st.lists(st.floats(), max_size=3).map(np.asarray),
        st.lists(st.floats(), min_size=1, max_size=3),
    )
)
def test_is_scalar_is_numpys_zero_dimensions(x):
    assert gr.is_scalar(x) == (np.ndim(x) == 0)
