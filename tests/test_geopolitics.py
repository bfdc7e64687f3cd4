"""Tests of the geopolitics chapter's models and page: hand-worked cases, limits, properties."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from energybook import data, units
from energybook.chapters.geopolitics import figures, page
from energybook.chapters.geopolitics import model as g
from energybook.chapters.geopolitics import model_cap as cap
from energybook.chapters.geopolitics import model_time as ttp
from energybook.chapters.geopolitics.params import COUNTRIES, Params
from energybook.chapters.geopolitics.spec import SPEC
from energybook.params import ParameterError

H = units.HOURS_PER_YEAR

CAMPUS = dict(it_power_mw=1000.0, accelerator_price_usd=27500.0, accelerator_power_w=700.0,
              accelerator_peak_flop_per_s=989e12, pue=1.2, utilization=0.7,
              accelerator_lifetime_years=5.0, discount_rate=0.1,
              facility_capex_usd_per_mw=11.7e6, system_overhead_fraction=0.3)

PRICES = pd.DataFrame({
    "country": ["United States", "China", "Germany", "France", "United States"],
    "year": [2024, 2024, 2024, 2024, 2023],
    "consumer": ["industrial"] * 5,
    "price_usd_per_kwh": [0.081, 0.088, 0.218, np.nan, 0.0806],
})

pos = st.floats(min_value=1e-3, max_value=1e3, allow_nan=False)
frac = st.floats(min_value=0.05, max_value=1.0)


# --------------------------------------------------------------------------- TCO


def test_one_accelerator_by_hand():
    # 1 kW accelerator, 10,000 USD, 4 years straight-line, PUE 1.5, 50% used, 0.10 USD/kWh,
    # no facility or servers, 1e15 FLOP/s peak.
    r = g.campus_tco(it_power_mw=0.001, accelerator_price_usd=10_000.0,
                     accelerator_power_w=1000.0, accelerator_peak_flop_per_s=1e15,
                     price_usd_per_kwh=0.10, pue=1.5, utilization=0.5,
                     accelerator_lifetime_years=4.0)
    assert r["n_accelerators"] == pytest.approx(1.0)
    assert r["accelerators_usd_per_year"] == pytest.approx(2500.0)
    hours = 365.25 * 24  # pint's year
    energy = 1.0 * 0.5 * 1.5 * hours * 0.10  # kW x util x PUE x h x USD/kWh
    assert r["energy_usd_per_year"] == pytest.approx(energy)  # 657.45
    assert r["energy_usd_per_year"] == pytest.approx(657.45)
    assert r["total_usd_per_year"] == pytest.approx(2500.0 + energy)
    assert r["energy_share"] == pytest.approx(energy / (2500.0 + energy))
    eflop = 1e15 * 0.5 * hours * 3600 / 1e18
    assert r["compute_eflop_per_year"] == pytest.approx(eflop)
    assert r["usd_per_eflop"] == pytest.approx((2500.0 + energy) / eflop)


def test_capital_recovery_factor_known_values():
    assert g.capital_recovery_factor(0.0, 5) == pytest.approx(0.2)
    # 10%, 5 years: 0.263797...
    assert g.capital_recovery_factor(0.10, 5) == pytest.approx(0.2637974808)
    with pytest.raises(ValueError):
        g.capital_recovery_factor(0.1, 0)


@given(rate=st.floats(min_value=0.0, max_value=0.5), n=st.floats(min_value=1, max_value=30))
def test_crf_bounds(rate, n):
    crf = g.capital_recovery_factor(rate, n)
    assert crf >= 1.0 / n - 1e-12
    assert crf >= rate - 1e-12


@settings(max_examples=50)
@given(price=st.floats(min_value=0, max_value=1), pue=st.floats(1, 3), util=frac,
       overhead=st.floats(0, 2), rate=st.floats(0, 0.3))
def test_components_add_up(price, pue, util, overhead, rate):
    r = g.campus_tco(**{**CAMPUS, "pue": pue, "utilization": util,
                        "system_overhead_fraction": overhead, "discount_rate": rate},
                     price_usd_per_kwh=price)
    parts = sum(r[f"{c}_usd_per_year"] for c in g.TCO_COMPONENTS)
    assert r["total_usd_per_year"] == pytest.approx(parts, rel=1e-12)
    assert 0.0 <= r["energy_share"] < 1.0


def test_energy_share_goes_to_zero_with_price():
    shares = [g.campus_tco(**CAMPUS, price_usd_per_kwh=p)["energy_share"]
              for p in (0.1, 0.01, 1e-4, 1e-6, 0.0)]
    assert shares == sorted(shares, reverse=True)
    assert shares[-1] == 0.0
    assert shares[-2] < 1e-5


@given(p1=st.floats(0, 1), p2=st.floats(0, 1))
def test_energy_share_monotone_in_price(p1, p2):
    lo, hi = sorted((p1, p2))
    s_lo = g.campus_tco(**CAMPUS, price_usd_per_kwh=lo)["energy_share"]
    s_hi = g.campus_tco(**CAMPUS, price_usd_per_kwh=hi)["energy_share"]
    assert s_lo <= s_hi + 1e-15


@given(scale=st.floats(0.01, 100))
def test_campus_size_scales_costs_not_shares(scale):
    a = g.campus_tco(**CAMPUS, price_usd_per_kwh=0.08)
    b = g.campus_tco(**{**CAMPUS, "it_power_mw": CAMPUS["it_power_mw"] * scale},
                     price_usd_per_kwh=0.08)
    assert b["total_usd_per_year"] == pytest.approx(a["total_usd_per_year"] * scale)
    assert b["energy_share"] == pytest.approx(a["energy_share"])
    assert b["usd_per_eflop"] == pytest.approx(a["usd_per_eflop"])


def test_arrays_broadcast():
    prices = np.array([0.0, 0.05, 0.1])
    r = g.campus_tco(**CAMPUS, price_usd_per_kwh=prices)
    assert r["energy_share"].shape == (3,)
    assert np.all(np.diff(r["energy_share"]) > 0)


def test_resolve_price():
    assert g.resolve_price_usd_per_kwh(PRICES, "United States") == 0.081  # latest year
    assert g.resolve_price_usd_per_kwh(PRICES, "France", use_override=True,
                                       override_usd_per_kwh=0.05) == 0.05
    with pytest.raises(ValueError, match="France"):
        g.resolve_price_usd_per_kwh(PRICES, "France")  # a gap is not filled silently
    with pytest.raises(ValueError):
        g.resolve_price_usd_per_kwh(PRICES, "China", use_override=True,
                                    override_usd_per_kwh=-1)

def test_tco_by_country():
    lp = g.latest_prices(PRICES)
    assert set(lp["country"]) == {"United States", "China", "Germany"}
    t = g.tco_by_country(lp, **CAMPUS)
    by = t.set_index("country")
    # cheaper power -> lower energy share and lower cost per unit of compute
    assert by.loc["United States", "energy_share"] < by.loc["Germany", "energy_share"]
    assert by.loc["United States", "usd_per_eflop"] < by.loc["Germany", "usd_per_eflop"]
    parts = sum(by[f"{c}_usd_per_year"] for c in g.TCO_COMPONENTS)
    assert np.allclose(parts, by["total_usd_per_year"])


# --------------------------------------------------------------------------- time to power


def test_breakeven_premium_rises_with_wait():
    tco = g.campus_tco(**CAMPUS, price_usd_per_kwh=0.08)
    idle = ttp.idle_capital_usd_per_month(tco)
    kwh = tco["energy_mwh_per_year"] * 1000
    waits = np.array([0, 1, 6, 12, 24, 36])
    prem = ttp.breakeven_price_premium_usd_per_kwh(waits, idle, kwh, 5)
    assert prem[0] == 0
    assert np.all(np.diff(prem) > 0)
    # linear: 24 months is twice 12 months
    assert prem[4] == pytest.approx(2 * prem[3])
    capex = ttp.breakeven_onsite_capex_usd_per_kw(waits, idle, 1000 * 1000 * 1.2)
    assert np.all(np.diff(capex) > 0)


def test_breakeven_by_hand():
    # 1,000 USD/month idle, 12 months wait, 10,000 kWh/yr over 2 years -> 0.6 USD/kWh
    assert ttp.breakeven_price_premium_usd_per_kwh(12, 1000.0, 10_000.0, 2) == pytest.approx(0.6)
    # same wait over a 100 kW site -> 120 USD/kW
    assert ttp.breakeven_onsite_capex_usd_per_kw(12, 1000.0, 100.0) == pytest.approx(120.0)


def test_idle_capital_is_capital_only():
    tco = g.campus_tco(**CAMPUS, price_usd_per_kwh=0.5)
    idle = ttp.idle_capital_usd_per_month(tco)
    assert idle * 12 == pytest.approx(tco["total_usd_per_year"] - tco["energy_usd_per_year"])


@given(w1=st.floats(0, 120), w2=st.floats(0, 120), idle=pos, kwh=pos, years=pos)
def test_breakeven_monotone(w1, w2, idle, kwh, years):
    lo, hi = sorted((w1, w2))
    assert (ttp.breakeven_price_premium_usd_per_kwh(lo, idle, kwh, years)
            <= ttp.breakeven_price_premium_usd_per_kwh(hi, idle, kwh, years))


def test_time_to_power_tradeoff_crossover():
    df = ttp.time_to_power_tradeoff(np.arange(0, 37), idle_usd_per_month=100.0,
                                    energy_kwh_per_year=1000.0, premium_usd_per_kwh=0.1,
                                    premium_years=5, site_power_kw=10.0)
    # premium cost = 500 USD; waiting costs 100/month -> fast power pays beyond 5 months
    assert not df.loc[df["wait_months"] <= 5, "fast_power_pays"].any()
    assert df.loc[df["wait_months"] > 5, "fast_power_pays"].all()
    row = df.loc[df["wait_months"] == 5].iloc[0]
    assert row["breakeven_premium_usd_per_kwh"] == pytest.approx(0.1)


def test_fast_power_cheaper_than_grid_by_hand():
    # grid 0.218 USD/kWh, fast power 0.15: fast power *saves* 0.068 USD/kWh
    extra = ttp.fast_power_extra_usd_per_kwh(0.15, 0.218)
    assert extra == pytest.approx(-0.068)
    assert ttp.fast_power_case(extra) == ttp.FAST_POWER_CHEAPER
    # the break-even wait is clipped at 0 months (no wait is negative)
    assert ttp.breakeven_wait_months(extra, 1e6, 5, 100_000.0) == 0.0
    assert ttp.fast_power_case(ttp.fast_power_extra_usd_per_kwh(0.2, 0.2)) == \
        ttp.FAST_POWER_SAME_PRICE
    assert ttp.breakeven_wait_months(0.0, 1e6, 5, 100_000.0) == 0.0
    # dearer fast power: 0.02 x 1e6 x 5 = 100,000 USD over 10,000 USD/month -> 10 months
    assert ttp.breakeven_wait_months(0.02, 1e6, 5, 10_000.0) == pytest.approx(10.0)
    with pytest.raises(ValueError):
        ttp.breakeven_wait_months(0.02, 1e6, 5, 0.0)
    # the tradeoff keeps the saving (not clipped): fast power pays from a zero wait on
    df = ttp.time_to_power_tradeoff(np.arange(0, 4), idle_usd_per_month=100.0,
                                    energy_kwh_per_year=1e6, premium_usd_per_kwh=extra,
                                    premium_years=5, site_power_kw=10.0)
    assert df["premium_cost_usd"].tolist() == pytest.approx([-340_000.0] * 4)
    assert df["fast_power_pays"].all()


def test_time_to_power_labels_three_cases():
    more = page.time_to_power_labels(0.15, 0.081, 12.345)
    assert "12.3 months" in more["breakeven_wait_label"]
    assert "12.3 months" in more["chart_caption_lines"]
    cheaper = page.time_to_power_labels(0.15, 0.218, 0.0)
    same = page.time_to_power_labels(0.2, 0.2, 0.0)
    for lab in (cheaper, same):
        assert "pays at any wait" in lab["breakeven_wait_label"]
        assert "pays at any wait" in lab["chart_caption_lines"]
        assert "pays at any wait" in lab["chart_title"]
        assert not any("0.0 months" in v for v in lab.values())
    assert "saves 0.068 USD/kWh" in cheaper["breakeven_wait_label"]
    assert "saving" in cheaper["premium_series"]
    assert "costs nothing extra" in same["breakeven_wait_label"]


def test_time_to_power_chart_shows_saving_below_zero(tables):
    ev = page.evaluate(Params(country="Germany"), tables)
    df = figures.time_to_power_data(ev)
    fast = df[df["series"].str.startswith("Paying for fast power")]
    saving = (0.15 - ev.price) * ev.tco["energy_mwh_per_year"] * 1000 * 5 / 1e9
    assert fast["cost_busd"].to_numpy() == pytest.approx(saving)
    assert (fast["cost_busd"] < 0).all()
    assert "saving" in fast["series"].iloc[0]
    # dearer fast power: the extra cost is positive and the line named as before
    us = figures.time_to_power_data(page.evaluate(Params(), tables))
    fast2 = us[us["series"].str.startswith("Paying for fast power")]
    assert (fast2["cost_busd"] > 0).all()
    assert fast2["series"].iloc[0] == "Paying for fast power (extra over the lifetime)"


# --------------------------------------------------------------------------- power cap


def test_wtp_by_hand():
    # base 10,000 USD, a = 0.25, 2x as efficient
    # uncapped: 2 x 10,000 + 1 x 1,000 / 0.25 = 24,000
    assert cap.max_price_uncapped_usd(10_000, 2.0, 1_000, 0.25) == pytest.approx(24_000)
    # capped, output worth 5,000 USD/yr: 10,000 + 5,000 / 0.25 = 30,000
    assert cap.max_price_capped_usd(10_000, 2.0, 5_000, 0.25) == pytest.approx(30_000)
    # equal efficiency: both give the base price
    assert cap.max_price_uncapped_usd(10_000, 1.0, 1_000, 0.25) == pytest.approx(10_000)
    assert cap.max_price_capped_usd(10_000, 1.0, 5_000, 0.25) == pytest.approx(10_000)


def test_efficiency_premiums_by_hand():
    # The H100's output is worth 8,000 USD/yr; the compared chip has half its performance
    # per watt (same power), so its output is worth 4,000 USD/yr, and it costs 10,000 USD.
    # a = 0.25, power costs K = 1,000 USD per chip-year. The H100 is 2x as efficient.
    # capped: 10,000 + (2 - 1) x 4,000 / 0.25 = 26,000  -> 2.6 x the compared chip
    # uncapped: 2 x 10,000 + (2 - 1) x 1,000 / 0.25 = 24,000 -> 2.4 x
    p = cap.efficiency_premiums(compared_price_usd=10_000, compared_perf_per_watt=0.5,
                                reference_value_usd_per_year=8_000,
                                power_cost_usd_per_year=1_000, crf=0.25)
    assert p["capped"] == pytest.approx(2.6)
    assert p["uncapped"] == pytest.approx(2.4)
    e = cap.efficiency_premiums(compared_price_usd=10_000, compared_perf_per_watt=1.0,
                                reference_value_usd_per_year=8_000,
                                power_cost_usd_per_year=1_000, crf=0.25)
    assert e == pytest.approx({"capped": 1.0, "uncapped": 1.0})
    with pytest.raises(ValueError):
        cap.efficiency_premiums(compared_price_usd=1.0, compared_perf_per_watt=1.5,
                                reference_value_usd_per_year=1.0, power_cost_usd_per_year=0.0,
                                crf=0.25)


def test_headline_premiums_use_the_compared_chips_value(tables):
    # the headline capped premium is the hand formula 1 + (1 - R) V_H100 / (a c0)
    P = Params()
    h = page.headlines(page.evaluate(P, tables))
    a = g.capital_recovery_factor(P.discount_rate, P.accelerator_lifetime_years)
    v = 1.7 * P.utilization * H
    r = P.compared_perf_per_watt
    assert h["efficiency_premium_capped"] == pytest.approx(
        1 + (1 - r) * v / (a * P.accelerator_price_usd))


def test_parity_phrase_says_which_side_of_one():
    assert page.parity_phrase(0.95) == "0.95 of the best chip's performance per watt"
    above = page.parity_phrase(1.0042)
    assert "1.004" in above and "more than the best chip" in above
    assert "just below" in page.parity_phrase(0.998)
    assert "exactly" in page.parity_phrase(1.0)


@given(c0=st.floats(1e3, 1e5), r=st.floats(1.0, 10), k=st.floats(0, 1e4), a=st.floats(0.05, 1))
def test_capped_beats_uncapped_iff_value_exceeds_full_cost(c0, r, k, a):
    # capped > uncapped  <=>  V > c0 a + K  (the chip earns more than it costs)
    for v in (0.5 * (c0 * a + k), 2.0 * (c0 * a + k) + 1.0):
        capped = cap.max_price_capped_usd(c0, r, v, a)
        unc = cap.max_price_uncapped_usd(c0, r, k, a)
        if r > 1.0 + 1e-9:
            assert (capped > unc) == (v > c0 * a + k)


@given(r1=st.floats(1, 10), r2=st.floats(1, 10))
def test_wtp_rises_with_efficiency(r1, r2):
    lo, hi = sorted((r1, r2))
    assert (cap.max_price_capped_usd(1e4, lo, 5e3, 0.25)
            <= cap.max_price_capped_usd(1e4, hi, 5e3, 0.25))
    assert (cap.max_price_uncapped_usd(1e4, lo, 1e3, 0.25)
            <= cap.max_price_uncapped_usd(1e4, hi, 1e3, 0.25))


def test_power_cost_per_chip_by_hand():
    # 1 kW, util 1, PUE 1, 0.1 USD/kWh -> 0.1 x hours; facility 1e6 USD/MW x 0.1 -> 100 USD
    k = cap.power_costs_usd_per_year_per_chip(accelerator_power_w=1000,
                                              price_usd_per_kwh=0.1, pue=1.0,
                                              utilization=1.0, facility_capex_usd_per_mw=1e6,
                                              facility_crf=0.1)
    assert k == pytest.approx(0.1 * H + 100.0)


def test_rental_threshold_by_hand(tables):
    # base 10,000 USD, a = 0.25, K = 500 USD/yr, util 0.5: (2,500 + 500) / (0.5 H)
    assert cap.rental_threshold_usd_per_hour(10_000, 500, 0.25, 0.5) == pytest.approx(
        3000 / (0.5 * H))
    # a compared chip with half an H100's output: the H100 rate must be twice as high
    assert cap.rental_threshold_usd_per_hour(10_000, 500, 0.25, 0.5, 0.5) == pytest.approx(
        2 * 3000 / (0.5 * H))
    # the two lines of the value chart cross at the threshold
    ev = page.evaluate(Params(), tables)
    thr = ev.core["rental_threshold_usd_per_hour"]
    df = figures.premium_vs_value_data(ev, max_usd_per_hour=2 * thr, n=3).pivot(
        index="rental_usd_per_hour", columns="regime", values="premium")
    mid = df.iloc[1]
    assert mid["Power binding"] == pytest.approx(mid["Power not binding"])


# --------------------------------------------------------------------------- China vs US


def test_compare_regions():
    regions = pd.DataFrame({"region": ["United States", "China"],
                            "price_usd_per_kwh": [0.081, 0.088],
                            "perf_per_watt_ratio": [1.0, 0.5]})
    df = g.compare_regions(regions, **CAMPUS)
    assert df["cost_ratio"].iloc[0] == pytest.approx(1.0)
    assert df["power_mw_for_same_compute"].iloc[1] == pytest.approx(2000.0)
    assert df["cost_ratio"].iloc[1] > 1.9  # half the compute per dollar, slightly dearer power


def test_cheap_power_cannot_offset_half_efficiency_when_energy_is_small():
    r = g.china_us_cost_ratio(CAMPUS, 0.08, 0.0, 0.5)
    assert r["cost_ratio"] > 1.5
    assert r["power_ratio"] == pytest.approx(2.0)


def test_parity_perf_per_watt():
    # equal prices -> parity at equal efficiency; free power -> below 1
    assert g.parity_perf_per_watt(CAMPUS, 0.08, 0.08) == pytest.approx(1.0)
    r = g.parity_perf_per_watt(CAMPUS, 0.0, 0.08)
    assert r < 1.0
    assert g.china_us_cost_ratio(CAMPUS, 0.08, 0.0, r)["cost_ratio"] == pytest.approx(1.0)


def test_datacentre_gw_supported_by_hand():
    # 430 GW x 0.4 / (1.2 x 0.8) = 179.17 GW of IT capacity
    assert g.datacentre_gw_supported(430.0, 0.4, 1.2, 0.8) == pytest.approx(430 * 0.4 / 0.96)
    assert g.capacity_factor_from_hours(H / 2) == pytest.approx(0.5)


# --------------------------------------------------------------------------- 945 TWh


def test_supply_growth_comparison_by_hand():
    add = pd.DataFrame({"country": ["China", "United States"], "year": [2024, 2024],
                        "additions_gw": [430.0, 48.6],
                        "generation_growth_twh": [630.0, np.nan]})
    dc = g.dc_growth_twh_per_year(415.0, 945.0, 6)
    assert dc == pytest.approx(530 / 6)
    df = g.supply_growth_comparison(add, dc, 0.2).set_index("country")
    assert df.loc["China", "generation_from_additions_twh"] == pytest.approx(430 * 0.2 * H / 1000)
    assert df.loc["China", "dc_share_of_generation_growth"] == pytest.approx(dc / 630)
    assert math.isnan(df.loc["United States", "dc_share_of_generation_growth"])


# --------------------------------------------------------------------------- carbon


def test_training_run_energy_by_hand():
    # 1e24 FLOP at 1e15 FLOP/s x 0.5 -> 2e9 accelerator-s; x 1 kW x PUE 1.5 = 3e12 J
    mwh = g.training_run_energy_mwh(1e24, 1e15, 1000.0, 0.5, 1.5)
    assert mwh == pytest.approx(3e12 / 3.6e9)


def test_carbon_by_country_ordering():
    gc = pd.DataFrame({"country": ["France", "China", "China"], "year": [2024, 2023, 2024],
                       "carbon_intensity_g_per_kwh": [40.0, 582.0, 555.0]})
    df = g.carbon_by_country(gc, campus_mwh_per_year=1e6, training_mwh=1e4)
    assert list(df["country"]) == ["China", "France"]
    assert df["carbon_intensity_g_per_kwh"].iloc[0] == 555.0  # latest year
    assert df["training_t"].iloc[0] == pytest.approx(1e4 * 555 / 1e3)
    assert df["campus_kt_per_year"].iloc[1] == pytest.approx(1e6 * 40 / 1e6)


# --------------------------------------------------------------------------- the page


@pytest.fixture(scope="module")
def tables():
    return data.load_tables(page.TABLES)


def test_reference_inputs_from_data(tables):
    ref = g.reference_inputs(tables["accelerators"], tables["compute_costs"])
    assert ref["accelerator_power_w"] == 700.0
    assert ref["accelerator_peak_flop_per_s"] == pytest.approx(989.4e12)
    assert ref["facility_capex_usd_per_mw"] == pytest.approx(11.7e6)
    assert ref["h100_price_low_usd"] < ref["h100_price_high_usd"]
    assert ref["published_energy_share_low"] == 0.02


def test_headlines_and_numbers_defaults(tables):
    ev = page.evaluate(Params(), tables)
    heads, extra = page.headlines(ev), page.numbers(ev)
    assert list(heads) == [h.name for h in SPEC.headlines]
    assert all(isinstance(v, float) and math.isfinite(v) for v in {**heads, **extra}.values())
    assert not set(heads) & set(extra)
    assert heads["energy_share_us"] < heads["energy_share_china"] < heads["energy_share_germany"]
    assert heads["china_us_cost_ratio"] > 1.0
    # the threshold H100 rental rate is the full cost per accelerator-hour (no server
    # overhead) over the compared chip's share of an H100's output
    assert extra["rental_threshold_usd_per_hour"] == pytest.approx(
        extra["usd_per_accelerator_hour_selected"] / Params().compared_perf_per_watt)
    # capped premium beats uncapped exactly when compute sells above cost
    assert (heads["efficiency_premium_capped"] > heads["efficiency_premium_uncapped"]) == bool(
        extra["compute_sells_above_cost"])
    # break-even wait: idle capital over that wait equals the lifetime premium
    assert extra["breakeven_wait_months"] * extra["idle_busd_per_month"] * 1e9 == pytest.approx(
        extra["fast_power_extra_usd_per_kwh"] * extra["energy_twh_selected"] * 1e9 * 5.0)
    assert extra["energy_share_us_p05_pct"] < extra["energy_share_us_p95_pct"]
    assert extra["carbon_china_over_france"] > 1.0
    assert extra["parity_perf_per_watt_free_power"] < 1.0


def test_headlines_change_with_country(tables):
    us = page.headlines(page.evaluate(Params(country="United States"), tables))
    ev_de = page.evaluate(Params(country="Germany"), tables)
    de = page.headlines(ev_de)
    assert de["energy_share_selected"] > us["energy_share_selected"]
    # the same wait is worth the same absolute premium: it does not depend on the price
    assert de["breakeven_premium_usd_per_kwh"] == pytest.approx(us["breakeven_premium_usd_per_kwh"])
    # power-related costs are bigger in Germany: a larger uncapped premium
    assert de["efficiency_premium_uncapped"] > us["efficiency_premium_uncapped"]
    # country-fixed headlines do not move
    assert de["energy_share_us"] == us["energy_share_us"]
    # Germany's grid price is above the default fast-power price: a saving, not clipped,
    # and a break-even wait clipped at 0 months
    c = ev_de.core
    assert ev_de.price == ev_de.price_germany > Params().premium_power_price_usd_per_kwh
    assert c["fast_power_extra_usd_per_kwh"] == pytest.approx(0.15 - ev_de.price)
    assert c["breakeven_wait_months"] == 0.0 and c["fast_power_pays"] == 1.0
    assert "pays at any wait" in page.texts(ev_de)["breakeven_wait_label"]


def test_headlines_override_and_wait(tables):
    cheap = page.headlines(page.evaluate(Params(use_price_override=True,
                                                price_override_usd_per_kwh=0.0), tables))
    assert cheap["energy_share_selected"] == 0.0
    longer = page.headlines(page.evaluate(Params(grid_wait_months=48.0), tables))
    shorter = page.headlines(page.evaluate(Params(grid_wait_months=6.0), tables))
    assert longer["breakeven_premium_usd_per_kwh"] > shorter["breakeven_premium_usd_per_kwh"]
    worse = page.headlines(page.evaluate(Params(compared_perf_per_watt=0.25), tables))
    assert worse["china_us_cost_ratio"] > page.headlines(page.evaluate(Params(), tables))[
        "china_us_cost_ratio"]


def test_tco_table_keeps_gaps(tables):
    ev = page.evaluate(Params(), tables)
    t = page.tco_table(ev)
    gaps = t[t["price_status"] == g.GAP]
    assert {"France", "Japan", "India"} <= set(gaps["country"])
    assert gaps["total_usd_per_year"].isna().all()
    stack = figures.tco_data(ev)
    assert set(stack.loc[stack["gap"], "country"]) == set(gaps["country"])
    assert not stack["cost_busd_per_year"].isna().any()
    have = stack[~stack["gap"]]
    assert np.allclose(have.groupby("country")["share"].sum(), 1.0)
    reader = page.table_tco(ev)
    assert (reader.loc[reader["Country"] == "France", "Energy share"] == "gap").all()
    with_override = page.tco_table(page.evaluate(
        Params(use_price_override=True, price_override_usd_per_kwh=0.0), tables))
    row = with_override.set_index("country").loc[g.OVERRIDE_ROW]
    assert row["energy_share"] == 0.0


def test_chart_datasets_small(tables):
    ev = page.evaluate(Params(), tables)
    for name in figures.gallery(ev):
        df = getattr(figures, f"{name}_data")(ev)
        assert 0 < len(df) < 5000, name
        shown = df[~df["gap"]] if "gap" in df else df  # a gap row has no number by design
        assert not shown.select_dtypes("number").isna().any(axis=None), name


# --------------------------------------------------------------------------- parameter check


def test_check_accepts_every_country_with_its_defaults(tables):
    # a fast-power price at or below the grid price is not rejected: Germany's grid price is
    # above the default fast-power price and must still run with the defaults
    for country in COUNTRIES:
        assert SPEC.validate({"country": country}, tables=tables)["country"] == country
    assert Params().premium_power_price_usd_per_kwh < g.resolve_price_usd_per_kwh(
        tables["country_prices"], "Germany")
    assert SPEC.validate({"premium_power_price_usd_per_kwh": 0.05}, tables=tables)
    assert SPEC.validate({"use_price_override": True, "price_override_usd_per_kwh": 0.5},
                         tables=tables)


def test_check_rejects_country_without_a_price(tables):
    prices = tables["country_prices"]
    without = {**tables, "country_prices": prices[prices["country"] != "Finland"]}
    with pytest.raises(ParameterError, match="'Finland' has no sourced electricity price"):
        SPEC.validate({"country": "Finland"}, tables=without)
    # an override makes the gap harmless
    assert SPEC.validate({"country": "Finland", "use_price_override": True,
                          "price_override_usd_per_kwh": 0.1}, tables=without)


def test_cli_rejects_country_without_price_before_running(cli, tmp_path):
    # the remaining check, seen from the command line: a country outside the choices
    out = tmp_path / "out"
    r = cli("run", "geopolitics", "-p", "country", "Atlantis", "-o", str(out))
    assert r.returncode == 2, r.stderr
    assert "'country'" in r.stderr and "Atlantis" in r.stderr
    assert "Traceback" not in r.stderr
    assert not out.exists()


def test_supply_table_lists_every_chapter_country_with_gaps(tables):
    add = tables["capacity_additions"]
    rows = g.supply_rows(add)
    table = page.table_supply(page.evaluate(Params(), tables))
    assert (table == "gap").any(axis=None)
    for country in g.CHAPTER_COUNTRIES:
        assert country in set(table["Country"])
    sourced = set(add.loc[add["technology"] == "all", "country"])
    for _, r in rows.iterrows():
        if r["country"] in sourced:
            assert not r["gap"]
        else:
            # a gap row: marked, and no number made up
            assert r["gap"]
            assert pd.isna(r["year"]) and pd.isna(r["additions_gw"])
            assert pd.isna(r["generation_growth_twh"])
            t = table[table["Country"] == r["country"]].iloc[0]
            assert t["Capacity added (GW)"] == "gap" and t["Year"] == "gap"
            assert t["Data"].startswith("gap")
    # the comparison leaves gap rows as NaN rather than inventing shares
    comp = g.supply_growth_comparison(rows, 88.0, 0.2)
    assert comp.loc[rows["gap"].to_numpy(), "dc_share_of_additions"].isna().all()
    # the synthetic case: a country without data is a gap, one with data is not
    toy = pd.DataFrame({"country": ["China"], "year": [2024], "technology": ["all"],
                        "additions_gw": [400.0], "generation_growth_twh": [600.0]})
    t = g.supply_rows(toy, countries=("China", "Japan")).set_index("country")
    assert not t.loc["China", "gap"] and t.loc["Japan", "gap"]
    cf = g.implied_capacity_factor(add)
    assert 0.0 < cf < 1.0
