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

CAMPUS = dict(
    it_power_mw=1000.0,
    accelerator_price_usd=27500.0,
    accelerator_power_w=700.0,
    accelerator_peak_flop_per_s=989e12,
    pue=1.2,
    utilization=0.7,
    accelerator_lifetime_years=5.0,
    discount_rate=0.1,
    facility_capex_usd_per_mw=11.7e6,
    system_overhead_fraction=0.3,
)

PRICES = pd.DataFrame(
    {
        "country": ["United States", "China", "Germany", "France", "United States"],
        "year": [2024, 2024, 2024, 2024, 2023],
        "consumer": ["industrial"] * 5,
        "price_usd_per_kwh": [0.081, 0.088, 0.218, np.nan, 0.0806],
    }
)

pos = st.floats(min_value=1e-3, max_value=1e3, allow_nan=False)
frac = st.floats(min_value=0.05, max_value=1.0)


# --------------------------------------------------------------------------- TCO


def test_one_accelerator_by_hand():
    # 1 kW accelerator, 10,000 USD, 4 years straight-line, PUE 1.5, 50% used, 0.10 USD/kWh,
    # no facility or servers, 1e15 FLOP/s peak.
    r = g.campus_tco(
        it_power_mw=0.001,
        accelerator_price_usd=10_000.0,
        accelerator_power_w=1000.0,
        accelerator_peak_flop_per_s=1e15,
        price_usd_per_kwh=0.10,
        pue=1.5,
        utilization=0.5,
        accelerator_lifetime_years=4.0,
    )
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
@given(
    price=st.floats(min_value=0, max_value=1),
    pue=st.floats(1, 3),
    util=frac,
    overhead=st.floats(0, 2),
    rate=st.floats(0, 0.3),
)
def test_components_add_up(price, pue, util, overhead, rate):
    r = g.campus_tco(
        **{
            **CAMPUS,
            "pue": pue,
            "utilization": util,
            "system_overhead_fraction": overhead,
            "discount_rate": rate,
        },
        price_usd_per_kwh=price,
    )
    parts = sum(r[f"{c}_usd_per_year"] for c in g.TCO_COMPONENTS)
    assert r["total_usd_per_year"] == pytest.approx(parts, rel=1e-12)
    assert 0.0 <= r["energy_share"] < 1.0


def test_energy_share_goes_to_zero_with_price():
    shares = [
        g.campus_tco(**CAMPUS, price_usd_per_kwh=p)["energy_share"]
        for p in (0.1, 0.01, 1e-4, 1e-6, 0.0)
    ]
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
    b = g.campus_tco(
        **{**CAMPUS, "it_power_mw": CAMPUS["it_power_mw"] * scale}, price_usd_per_kwh=0.08
    )
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
    assert (
        g.resolve_price_usd_per_kwh(PRICES, "France", use_override=True, override_usd_per_kwh=0.05)
        == 0.05
    )
    with pytest.raises(ValueError, match="France"):
        g.resolve_price_usd_per_kwh(PRICES, "France")  # a gap is not filled silently
    with pytest.raises(ValueError):
        g.resolve_price_usd_per_kwh(PRICES, "China", use_override=True, override_usd_per_kwh=-1)


def test_price_cases_pick_the_named_rows():
    prices = PRICES.assign(case="average")
    prices = pd.concat(
        [
            prices,
            pd.DataFrame(
                {
                    "country": ["Germany", "China"],
                    "year": [2024, 2025],
                    "consumer": ["industrial"] * 2,
                    "case": ["new contracts", "subsidised"],
                    "price_usd_per_kwh": [0.18, 0.056],
                }
            ),
        ],
        ignore_index=True,
    )
    assert g.resolve_price_usd_per_kwh(prices, "Germany") == 0.218
    assert g.resolve_price_usd_per_kwh(prices, "Germany", case="low") == 0.18
    assert g.resolve_price_usd_per_kwh(prices, "China", case="low") == 0.056
    with pytest.raises(ValueError, match="United States"):
        g.resolve_price_usd_per_kwh(prices, "United States", case="low")
    cases = g.price_cases(prices)
    assert set(zip(cases["country"], cases["case"], strict=True)) == {
        ("United States", "average"),
        ("China", "average"),
        ("China", "subsidised"),
        ("Germany", "average"),
        ("Germany", "new contracts"),
        ("France", "average"),
    }
    assert (
        cases.set_index(["country", "case"]).loc[("France", "average"), "price_usd_per_kwh"]
        != cases.set_index(["country", "case"]).loc[("France", "average"), "price_usd_per_kwh"]
    )


def test_tco_by_country():
    cases = g.price_cases(PRICES)
    t = g.tco_by_country(cases.dropna(), **CAMPUS)
    by = t.set_index("country")
    # cheaper power -> lower energy share and lower cost per unit of compute
    assert by.loc["United States", "energy_share"] < by.loc["Germany", "energy_share"]
    assert by.loc["United States", "usd_per_eflop"] < by.loc["Germany", "usd_per_eflop"]
    parts = sum(by[f"{c}_usd_per_year"] for c in g.TCO_COMPONENTS)
    assert np.allclose(parts, by["total_usd_per_year"])


# --------------------------------------------------------------------------- time to power
#
# The counterfactual of fast power is a developer who waits and defers buying the chips:
# the wait costs the idle facility and the delay of the margin, both discounted.

rate_ = st.floats(0.0, 0.5)
money = st.floats(0.0, 1e10)


def test_annuity_and_discount_factors_by_hand():
    assert ttp.annuity_factor(0.0, 3.0) == pytest.approx(3.0)
    assert ttp.annuity_factor(0.1, 2.0) == pytest.approx(1 / 1.1 + 1 / 1.21)
    assert ttp.annuity_factor(0.1, 5.0) * g.capital_recovery_factor(0.1, 5.0) == pytest.approx(1.0)
    assert ttp.discount_factor(0.1, 2.0) == pytest.approx(1 / 1.21)
    # a tiny rate joins the zero-rate limit smoothly
    assert ttp.annuity_factor(1e-13, 4.0) == pytest.approx(4.0)


def test_waiting_cost_by_hand():
    # a site earning 1,000 USD/yr above its chips' capital and energy waits 12 months; the
    # facility lasts 2 years
    zero = ttp.waiting_cost_usd(
        12, operating_margin_usd_per_year=1000.0, discount_rate=0.0, facility_lifetime_years=2.0
    )
    assert zero["calendar"] == pytest.approx(1000.0)  # a year of earnings lost
    assert zero["delay"] == 0.0  # with no time value, starting later costs nothing
    disc = ttp.waiting_cost_usd(
        12, operating_margin_usd_per_year=1000.0, discount_rate=0.1, facility_lifetime_years=2.0
    )
    assert disc["calendar"] == pytest.approx(1000 / 1.1)
    assert disc["delay"] == pytest.approx(1000 * (1 / 1.1 + 1 / 1.21) * (1 - 1 / 1.1))
    # a site that would lose money filled with chips loses nothing by waiting
    loss = ttp.waiting_cost_usd(
        12, operating_margin_usd_per_year=-5.0, discount_rate=0.1, facility_lifetime_years=2.0
    )
    assert loss["calendar"] == loss["delay"] == 0.0


def test_operating_margin_leaves_the_facility_out():
    tco = {"total_usd_per_year": 100.0, "facility_usd_per_year": 30.0}
    assert ttp.margin_usd_per_year(tco, 120.0) == pytest.approx(20.0)
    assert ttp.operating_margin_usd_per_year(tco, 120.0) == pytest.approx(50.0)


@given(
    w1=st.floats(0, 120),
    w2=st.floats(0, 120),
    m=st.floats(-1e10, 1e10),
    r=rate_,
    life=st.floats(1, 10),
)
def test_the_break_even_is_monotone_in_the_wait_and_the_calendar_bounds_the_delay(
    w1, w2, m, r, life
):
    lo, hi = sorted((w1, w2))
    kw = dict(operating_margin_usd_per_year=m, discount_rate=r, facility_lifetime_years=20.0)
    a, b = ttp.waiting_cost_usd(lo, **kw), ttp.waiting_cost_usd(hi, **kw)
    assert 0.0 <= a["calendar"] <= b["calendar"] * (1 + 1e-12) + 1e-9
    # nothing ageing can only cost less than losing the months for good
    assert a["delay"] <= a["calendar"] * (1 + 1e-9) + 1e-6


@given(m=st.floats(0.0, 1e10), r=rate_, life=st.floats(1, 10))
def test_no_wait_costs_nothing(m, r, life):
    kw = dict(operating_margin_usd_per_year=m, discount_rate=r, facility_lifetime_years=20.0)
    cost = ttp.waiting_cost_usd(0.0, **kw)
    assert cost["calendar"] == 0.0 and cost["delay"] == 0.0
    assert ttp.breakeven_premium_usd_per_kwh(cost["calendar"], 1e9, r, life) == 0.0


@given(w=st.floats(0.5, 120), m=st.floats(-1e10, 1e10), r=rate_, life=st.floats(1, 10))
def test_bridging_breakeven_does_not_depend_on_the_wait(w, m, r, life):
    # an identity: a bridging premium and the cost of waiting accrue over the same months
    cost = ttp.waiting_cost_usd(
        w, operating_margin_usd_per_year=m, discount_rate=r, facility_lifetime_years=20.0
    )["calendar"]
    direct = ttp.breakeven_premium_usd_per_kwh(cost, 1e9, r, w / 12.0)
    bridge = ttp.bridging_breakeven_usd_per_kwh(
        operating_margin_usd_per_year=m, energy_kwh_per_year=1e9
    )
    assert direct == pytest.approx(bridge, rel=1e-9, abs=1e-15)
    # and the identity between the two forms: bridging x ann(wait) = lifetime x ann(life)
    lifetime = ttp.breakeven_premium_usd_per_kwh(cost, 1e9, r, life)
    assert bridge * ttp.annuity_factor(r, w / 12.0) == pytest.approx(
        lifetime * ttp.annuity_factor(r, life), rel=1e-9, abs=1e-6
    )


def test_the_break_even_does_not_count_chips_that_are_not_bought(tables):
    # chips dear enough that filling the site loses money: the wait costs nothing, whatever
    # the price of chips the developer defers
    dear = [
        page.evaluate(Params(accelerator_price_usd=p), tables).core for p in (150_000.0, 200_000.0)
    ]
    for c in dear:
        assert c["operating_margin_usd_per_year"] < 0
        assert c["breakeven_premium_usd_per_kwh"] == 0.0
        assert c["breakeven_bridging_premium_usd_per_kwh"] == 0.0
    # the other count (chips bought and idle) does move with them, and is not zero
    assert (
        dear[1]["breakeven_premium_chips_bought_usd_per_kwh"]
        > dear[0]["breakeven_premium_chips_bought_usd_per_kwh"]
        > 0
    )


def test_the_wait_and_the_cap_agree_on_when_compute_pays(tables):
    # One test of scarcity for both sections: at any rental, a wait costs something exactly
    # when an H100 in a built site (facility sunk) earns more than its capital and energy,
    # and power binding (the facility counted too) implies that it does.
    ev = page.evaluate(Params(), tables)
    w = ev.w
    for rate in np.linspace(0.5, 6.0, 23):
        v = cap.value_at(w, rate)
        sunk_slot = cap.slot_value_usd_per_year(
            v, w["base_price_usd"], w["crf"], w["energy_cost_usd_per_year"]
        )
        slot = cap.slot_value_usd_per_year(
            v, w["base_price_usd"], w["crf"], w["power_cost_usd_per_year"]
        )
        op = (
            ev.tco["n_accelerators"] * v
            - ev.tco["total_usd_per_year"]
            + ev.tco["facility_usd_per_year"]
        )
        wait = ttp.waiting_cost_usd(
            24, operating_margin_usd_per_year=op, discount_rate=0.1, facility_lifetime_years=20.0
        )["calendar"]
        assert (wait > 0) == (sunk_slot > 0), rate
        if slot > 0:
            assert wait > 0
        assert (slot > 0) == (rate > ev.core["binding_rental_usd_per_hour"]), rate
    # the page's own flags say the same at its three rates
    c = ev.core
    assert c["power_binds"] == float(c["margin_usd_per_year"] > 0)
    assert c["power_binds_high"] == float(c["margin_usd_per_year_high"] > 0)


@given(extra=st.floats(1e-4, 1.0), rate_cost=st.floats(1e3, 1e10), r=rate_, life=st.floats(1, 10))
def test_breakeven_wait_solves_the_equation(extra, rate_cost, r, life):
    e = 1e6
    w = ttp.breakeven_wait_months(
        extra,
        energy_kwh_per_year=e,
        discount_rate=r,
        lifetime_years=life,
        waiting_cost_usd_per_year=rate_cost,
    )
    premium = extra * e * ttp.annuity_factor(r, life)
    if math.isinf(w):
        # even a wait without end (a perpetuity of waiting costs) costs less
        assert r > 0 and rate_cost / r <= premium * (1 + 1e-9)
    else:
        assert rate_cost * ttp.annuity_factor(r, w / 12.0) == pytest.approx(premium, rel=1e-7)


def test_fast_power_cheaper_than_grid_by_hand():
    # grid 0.218 USD/kWh, fast power 0.15: fast power *saves* 0.068 USD/kWh
    extra = ttp.fast_power_extra_usd_per_kwh(0.15, 0.218)
    assert extra == pytest.approx(-0.068)
    assert ttp.fast_power_case(extra) == ttp.FAST_POWER_CHEAPER
    kw = dict(
        energy_kwh_per_year=1e6,
        discount_rate=0.1,
        lifetime_years=5.0,
        waiting_cost_usd_per_year=1e5,
    )
    assert ttp.breakeven_wait_months(extra, **kw) == 0.0  # a wait cannot be negative
    assert (
        ttp.fast_power_case(ttp.fast_power_extra_usd_per_kwh(0.2, 0.2)) == ttp.FAST_POWER_SAME_PRICE
    )
    assert ttp.breakeven_wait_months(0.0, **kw) == 0.0
    # the tradeoff keeps the saving (not clipped): below zero at every wait
    df = ttp.time_to_power_tradeoff(
        np.arange(0, 4),
        operating_margin_usd_per_year=100.0,
        discount_rate=0.0,
        lifetime_years=5.0,
        facility_lifetime_years=20.0,
        energy_kwh_per_year=1e6,
        extra_usd_per_kwh=extra,
    )
    assert df["lifetime_cost_usd"].tolist() == pytest.approx([-340_000.0] * 4)


def test_time_to_power_labels_three_cases():
    more = page.time_to_power_labels(0.15, 0.081, 12.345)
    assert "12.3 months" in more["breakeven_wait_label"]
    assert "12.3 months" in more["chart_caption_lines"]
    never = page.time_to_power_labels(0.15, 0.081, math.inf)
    assert "never" in never["breakeven_wait_label"] and "inf" not in str(never)
    cheaper = page.time_to_power_labels(0.15, 0.218, 0.0)
    same = page.time_to_power_labels(0.2, 0.2, 0.0)
    for lab in (cheaper, same):
        assert "pays at any wait" in lab["breakeven_wait_label"]
        assert "pays at any wait" in lab["chart_caption_lines"]
        assert "pays at any wait" in lab["chart_title"]
        assert not any("0.0 months" in v for v in lab.values())
    assert "saves 0.068 USD/kWh" in cheaper["breakeven_wait_label"]
    assert "costs nothing extra" in same["breakeven_wait_label"]


def test_time_to_power_chart_shows_saving_below_zero(tables):
    ev = page.evaluate(Params(country="Germany"), tables)
    df = figures.time_to_power_data(ev)
    fast = df[df["series"] == "Fast power on a lifetime contract (extra cost)"]
    life_pv = ttp.annuity_factor(0.1, 5.0)
    saving = (0.15 - ev.price) * ev.tco["energy_mwh_per_year"] * 1000 * life_pv / 1e9
    assert fast["cost_busd"].to_numpy() == pytest.approx(saving)
    assert (fast["cost_busd"] < 0).all()
    us = figures.time_to_power_data(page.evaluate(Params(), tables))
    assert (
        us.loc[us["series"] == "Fast power on a lifetime contract (extra cost)", "cost_busd"] > 0
    ).all()


# --------------------------------------------------------------------------- power cap
#
# One criterion for both regimes: the better chip must leave the buyer as well off as the
# best alternative use of what it takes, doing nothing included.

c0_ = st.floats(1e3, 1e5)
ratio_ = st.floats(1.0, 10.0)
value_ = st.floats(0.0, 1e5)
k_ = st.floats(0.0, 1e4)
a_ = st.floats(0.05, 1.0)


def _price(c0, r, v0, k, a, binds, outside=True):
    return cap.max_price_usd(
        base_price_usd=c0,
        perf_per_watt_ratio=r,
        base_value_usd_per_year=v0,
        power_cost_usd_per_year=k,
        crf=a,
        slots_fixed=binds,
        outside_option=outside,
    )


@given(c0=c0_, r=ratio_, v0=value_, k=k_, a=a_)
def test_the_price_leaves_the_buyer_as_well_off_as_the_outside_option(c0, r, v0, k, a):
    pi0 = v0 - c0 * a - k
    for binds, alternative in ((True, max(0.0, pi0)), (False, max(0.0, r * pi0))):
        c1 = _price(c0, r, v0, k, a, binds)
        better = r * v0 - c1 * a - k  # the better chip's profit at its highest price
        if c1 > 0:
            assert better == pytest.approx(alternative, rel=1e-9, abs=1e-6 * (1 + r * v0))
        else:  # no positive price leaves the buyer as well off
            assert r * v0 - k <= alternative + 1e-6 * (1 + r * v0)


@given(c0=c0_, r=ratio_, v0=value_, k=k_, a=a_)
def test_capped_never_below_uncapped_and_the_same_until_the_base_chip_pays(c0, r, v0, k, a):
    capped, uncapped = _price(c0, r, v0, k, a, True), _price(c0, r, v0, k, a, False)
    assert capped >= uncapped - 1e-9 * (1 + capped)
    pi0 = v0 - c0 * a - k
    if pi0 <= 0:  # a cap cannot bind while the base chip does not pay for itself
        assert capped == pytest.approx(uncapped)
    # the outside option can only lower the price, and only while the base chip loses money
    naive = _price(c0, r, v0, k, a, True, outside=False)
    assert capped <= naive + 1e-9 * (1 + abs(naive))
    if pi0 >= 0:
        assert capped == pytest.approx(naive)


@given(c0=c0_, r=ratio_, k=k_, a=a_)
def test_at_the_base_chips_full_cost_the_regimes_meet(c0, r, k, a):
    # the compared chip earns exactly its full cost: capped = uncapped = equal cost per output
    v0 = c0 * a + k
    parity = r * c0 + (r - 1) * k / a
    for binds in (True, False):
        assert _price(c0, r, v0, k, a, binds) == pytest.approx(parity)
        assert _price(c0, r, v0, k, a, binds, outside=False) == pytest.approx(parity)


@given(c0=c0_, r=ratio_, v1=value_, v2=value_, k=k_, a=a_)
def test_the_premium_rises_with_the_value_of_compute(c0, r, v1, v2, k, a):
    lo, hi = sorted((v1, v2))
    for binds in (True, False):
        higher = _price(c0, r, hi, k, a, binds)
        # within rounding, relative to the price (1.2e-9 apart at 56,907 was seen)
        assert _price(c0, r, lo, k, a, binds) <= higher + 1e-9 * (1 + abs(higher))
    # and the cap adds (R - 1) x the base chip's profit, without limit
    gap = _price(c0, r, hi, k, a, True) - _price(c0, r, hi, k, a, False)
    assert gap == pytest.approx((r - 1) * max(0.0, hi - c0 * a - k) / a, abs=1e-6 * c0)


def test_efficiency_premiums_by_hand():
    # The H100's output is worth 8,000 USD/yr; the compared chip has half its performance
    # per watt (same power), so its output is worth 4,000 USD/yr, and it costs 10,000 USD;
    # a = 0.25, K = 1,000 USD per chip-slot a year: it costs 3,500 a year and earns 500.
    # capped: 10,000 + (2 - 1) x 4,000 / 0.25 = 26,000 -> 2.6 x
    # uncapped: 2 x 10,000 + (2 - 1) x 1,000 / 0.25 = 24,000 -> 2.4 x
    p = cap.efficiency_premiums(
        compared_price_usd=10_000,
        compared_perf_per_watt=0.5,
        reference_value_usd_per_year=8_000,
        power_cost_usd_per_year=1_000,
        crf=0.25,
    )
    assert p["capped"] == pytest.approx(2.6)
    assert p["uncapped"] == pytest.approx(2.4)
    # worth 4,000 a year: the compared chip earns 2,000 and loses 1,500 a year; both
    # regimes give the H100's own break-even (4,000 - 1,000) / 0.25 = 12,000 -> 1.2 x,
    # not the 10,000 + 2,000 / 0.25 = 18,000 of the formula without the outside option
    q = cap.efficiency_premiums(
        compared_price_usd=10_000,
        compared_perf_per_watt=0.5,
        reference_value_usd_per_year=4_000,
        power_cost_usd_per_year=1_000,
        crf=0.25,
    )
    assert q["capped"] == pytest.approx(1.2) and q["uncapped"] == pytest.approx(1.2)
    assert q["capped_without_outside_option"] == pytest.approx(1.8)
    e = cap.efficiency_premiums(
        compared_price_usd=10_000,
        compared_perf_per_watt=1.0,
        reference_value_usd_per_year=8_000,
        power_cost_usd_per_year=1_000,
        crf=0.25,
    )
    assert e["capped"] == pytest.approx(1.0) and e["uncapped"] == pytest.approx(1.0)
    with pytest.raises(ValueError):
        cap.efficiency_premiums(
            compared_price_usd=1.0,
            compared_perf_per_watt=1.5,
            reference_value_usd_per_year=1.0,
            power_cost_usd_per_year=0.0,
            crf=0.25,
        )


def test_headline_capped_premium_is_the_buyers_outside_option_price(tables):
    # at the 2025 rental (paid for every contracted hour) a compared chip loses money, so the
    # H100 is worth its own break-even (V - K) / a under a fixed allocation or not; with the
    # facility sunk an empty slot saves only energy
    P = Params()
    ev = page.evaluate(P, tables)
    h = page.headlines(ev)
    a = g.capital_recovery_factor(P.discount_rate, P.accelerator_lifetime_years)
    v = ev.ref["rental_usd_per_hour"] * P.rented_fraction * H  # reserved: every hour
    energy = 0.7 * P.utilization * P.pue * H * ev.price  # kW x util x PUE x h x USD/kWh
    k = energy + 0.7e-3 * ev.ref["facility_capex_usd_per_mw"] * g.capital_recovery_factor(
        P.discount_rate, 20
    )
    c0 = P.accelerator_price_usd * (1 + P.system_overhead_fraction)
    assert P.compared_perf_per_watt * v - c0 * a - k < 0  # the compared chip loses money
    assert h["efficiency_premium_capped"] == pytest.approx((v - k) / a / c0)
    assert h["efficiency_premium_uncapped"] == pytest.approx(h["efficiency_premium_capped"])
    assert ev.core["efficiency_premium_capped_sunk_facility"] == pytest.approx(
        (v - energy) / a / c0
    )
    assert ev.core["efficiency_premium_capped_without_outside_option"] == pytest.approx(
        1 + P.compared_perf_per_watt * v / (a * c0)
    )


@settings(max_examples=40)
@given(r1=st.floats(0.05, 1.0), r2=st.floats(0.05, 1.0), rate=st.floats(0.5, 4.0))
def test_the_capped_premium_does_not_depend_on_efficiency_while_the_compared_chip_loses(
    tables, r1, r2, rate
):
    # an identity, not a finding: below the compared chip's break-even efficiency both
    # premiums are the H100's own break-even price over the compared chip's price
    w = page.evaluate(Params(), tables).w
    v = cap.value_at(w, rate)
    r_star = cap.breakeven_perf_per_watt(
        v, w["base_price_usd"], w["crf"], w["power_cost_usd_per_year"]
    )
    kw = dict(
        compared_price_usd=w["base_price_usd"],
        reference_value_usd_per_year=v,
        power_cost_usd_per_year=w["power_cost_usd_per_year"],
        crf=w["crf"],
    )
    lo, hi = sorted((r1, r2))
    if hi < r_star:
        a, b = (cap.efficiency_premiums(compared_perf_per_watt=r, **kw) for r in (lo, hi))
        for key in ("capped", "uncapped"):
            assert a[key] == pytest.approx(b[key], rel=1e-12)
    elif lo > r_star:  # both pay: the capped premium then falls as the compared chip improves
        a, b = (cap.efficiency_premiums(compared_perf_per_watt=r, **kw) for r in (lo, hi))
        assert a["capped"] >= b["capped"] - 1e-12


@settings(max_examples=40)
@given(rate=st.floats(0.5, 10.0), rented=st.floats(0.05, 1.0), util=st.floats(0.05, 1.0))
def test_rental_hours_follow_the_contract(rate, rented, util):
    # a reserved rate is paid on the contracted hours whatever the chips do; an on-demand
    # rate only on the hours used
    w = {"rented_fraction": rented, "utilization": util}
    assert cap.value_at(w, rate, cap.RESERVED) == pytest.approx(rate * rented * H)
    assert cap.value_at(w, rate, cap.ON_DEMAND) == pytest.approx(rate * util * H)
    w2 = {"rented_fraction": rented, "utilization": util / 2}
    assert cap.value_at(w2, rate, cap.RESERVED) == cap.value_at(w, rate, cap.RESERVED)
    with pytest.raises(ValueError):
        cap.paid_fraction("spot", rented_fraction=rented, utilization=util)


def test_utilization_does_not_move_reserved_revenue(tables):
    # running the chips less lowers energy (and so costs), never the reserved revenue
    a = page.evaluate(Params(utilization=0.7), tables).core
    b = page.evaluate(Params(utilization=0.35), tables).core
    assert a["h100_value_usd_per_chip_year"] == b["h100_value_usd_per_chip_year"]
    assert a["h100_value_usd_per_chip_year_peak"] == pytest.approx(
        2 * b["h100_value_usd_per_chip_year_peak"]
    )


def test_power_binds_exactly_above_the_binding_rental(tables):
    ev = page.evaluate(Params(), tables)
    w, b = ev.w, ev.core["binding_rental_usd_per_hour"]
    for f, binds in ((0.99, False), (1.01, True)):
        v = cap.value_at(w, b * f)
        assert (
            cap.slot_value_usd_per_year(
                v, w["base_price_usd"], w["crf"], w["power_cost_usd_per_year"]
            )
            > 0
        ) == binds
    # the threshold at which a fixed allocation raises the premium is higher by 1/R
    assert ev.core["rental_threshold_usd_per_hour"] == pytest.approx(
        b / Params().compared_perf_per_watt
    )


def test_the_default_overhead_is_the_sourced_one(tables):
    ref = g.reference_inputs(tables["accelerators"], tables["compute_costs"])
    implied = g.system_overhead_from_costs(
        ref["server_cost_overhead"], ref["interconnect_cost_fraction"]
    )
    assert Params().system_overhead_fraction == pytest.approx(implied, abs=0.01)
    # by hand: a server 1.5 x its chips, interconnect a third of the cluster -> 2.25 - 1
    assert g.system_overhead_from_costs(1.5, 1 / 3) == pytest.approx(1.25)
    with pytest.raises(ValueError):
        g.system_overhead_from_costs(1.5, 1.0)


def test_the_regimes_part_exactly_at_the_threshold(tables):
    ev = page.evaluate(Params(), tables)
    thr = ev.core["rental_threshold_usd_per_hour"]
    at = cap.premiums_at_rental(ev.w, thr)
    assert at["capped"] == pytest.approx(at["uncapped"])
    assert at["capped"] == pytest.approx(at["capped_without_outside_option"])
    below, above = (cap.premiums_at_rental(ev.w, thr * f) for f in (0.9, 1.1))
    assert below["capped"] == pytest.approx(below["uncapped"])
    assert above["capped"] > above["uncapped"]


def test_parity_phrase_says_which_side_of_one():
    assert page.parity_phrase(0.95) == "0.95 of the best chip's performance per watt"
    above = page.parity_phrase(1.0042)
    assert "1.004" in above and "more than the best chip" in above
    assert "just below" in page.parity_phrase(0.998)
    assert "exactly" in page.parity_phrase(1.0)


def test_power_cost_per_chip_by_hand():
    # 1 kW, util 1, PUE 1, 0.1 USD/kWh -> 0.1 x hours; facility 1e6 USD/MW x 0.1 -> 100 USD
    k = cap.power_costs_usd_per_year_per_chip(
        accelerator_power_w=1000,
        price_usd_per_kwh=0.1,
        pue=1.0,
        utilization=1.0,
        facility_capex_usd_per_mw=1e6,
        facility_crf=0.1,
    )
    assert k == pytest.approx(0.1 * H + 100.0)


def test_rental_threshold_by_hand():
    # base 10,000 USD, a = 0.25, K = 500 USD/yr, util 0.5: (2,500 + 500) / (0.5 H)
    assert cap.binding_rental_usd_per_hour(10_000, 500, 0.25, 0.5) == pytest.approx(
        3000 / (0.5 * H)
    )
    assert cap.rental_threshold_usd_per_hour(10_000, 500, 0.25, 0.5) == pytest.approx(
        3000 / (0.5 * H)
    )
    # a compared chip with half an H100's output: the H100 rate must be twice as high
    assert cap.rental_threshold_usd_per_hour(10_000, 500, 0.25, 0.5, 0.5) == pytest.approx(
        2 * 3000 / (0.5 * H)
    )


# --------------------------------------------------------------------------- China vs US


def test_compare_regions():
    regions = pd.DataFrame(
        {
            "region": ["United States", "China"],
            "price_usd_per_kwh": [0.081, 0.088],
            "perf_per_watt_ratio": [1.0, 0.5],
        }
    )
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
    add = pd.DataFrame(
        {
            "country": ["China", "United States"],
            "year": [2024, 2024],
            "additions_gw": [430.0, 48.6],
            "generation_growth_twh": [630.0, np.nan],
        }
    )
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
    gc = pd.DataFrame(
        {
            "country": ["France", "China", "China"],
            "year": [2024, 2023, 2024],
            "carbon_intensity_g_per_kwh": [40.0, 582.0, 555.0],
        }
    )
    df = g.carbon_by_country(gc, campus_mwh_per_year=1e6, training_mwh=1e4)
    assert list(df["country"]) == ["China", "France"]
    assert df["carbon_intensity_g_per_kwh"].iloc[0] == 555.0  # latest year
    assert df["training_t"].iloc[0] == pytest.approx(1e4 * 555 / 1e3)
    assert df["campus_kt_per_year"].iloc[1] == pytest.approx(1e6 * 40 / 1e6)


@settings(max_examples=50)
@given(
    cn=st.floats(0.0, 1.0),
    us=st.floats(0.0, 1.0),
    r=st.floats(0.05, 1.0),
    price=st.floats(1e3, 2e5),
    rate=st.floats(0.0, 0.5),
)
def test_the_china_cost_ratio_is_an_identity_of_the_assumptions(cn, us, r, price, rate):
    # cost per unit of compute, China over the US = (campus cost ratio) / r, always: with the
    # same chips at the same price, only the power price differs between the two campuses
    campus = {**CAMPUS, "accelerator_price_usd": price, "discount_rate": rate}
    ratio = g.china_us_cost_ratio(campus, us, cn, r)["cost_ratio"]
    assert ratio == pytest.approx(g.parity_perf_per_watt(campus, cn, us) / r)
    # equal power prices: exactly 1 / r, whatever the capital
    assert g.china_us_cost_ratio(campus, us, us, r)["cost_ratio"] == pytest.approx(1 / r)


def test_the_china_phrase_compares_like_for_like(tables):
    # each Chinese case is set against its US counterpart (average with average, cheapest
    # provinces with the cheapest state), whatever the prices: moving the US low price moves
    # only the subsidised clause, and each verdict follows its own pair
    prices = tables["country_prices"]
    for us_low, sub in ((0.0575, 0.056), (0.05, 0.056), (0.07, 0.075)):
        p = prices.copy()
        p.loc[
            (p["country"] == "United States") & (p["case"] == "lowest state"), "price_usd_per_kwh"
        ] = us_low
        p.loc[(p["country"] == "China") & (p["case"] == "subsidised"), "price_usd_per_kwh"] = sub
        ev = page.evaluate(Params(), {**tables, "country_prices": p})
        avg, low = page.china_price_phrase(ev).split("; ")
        assert low.endswith("*not cheaper*") == (sub >= us_low), low
        assert f"{us_low:.4f}" in low and f"{ev.prices['us']:.4f}" in avg
        assert avg.endswith("*not cheaper*") == (ev.prices["china"] >= ev.prices["us"])


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
    # power binds above the full cost of an H100 per hour of the year (every hour is paid
    # at a reserved rate, so the campus's cost per chip-hour of the year is that threshold)
    assert extra["binding_rental_usd_per_hour"] == pytest.approx(
        extra["usd_per_chip_hour_of_year_selected"] / Params().rented_fraction
    )
    # capped premium beats uncapped exactly when a fixed allocation raises it
    for key in ("", "_high", "_peak"):
        assert (
            extra[f"efficiency_premium_capped{key}"] if key else heads["efficiency_premium_capped"]
        ) >= (
            extra[f"efficiency_premium_uncapped{key}"]
            if key
            else heads["efficiency_premium_uncapped"]
        ) - 1e-12
    assert (heads["efficiency_premium_capped"] > heads["efficiency_premium_uncapped"]) == bool(
        extra["cap_raises_premium"]
    )
    assert (
        extra["breakeven_premium_chips_bought_usd_per_kwh"] > heads["breakeven_premium_usd_per_kwh"]
    )
    # the verdicts agree with the break-evens they come from
    assert extra["fast_power_pays"] == float(
        extra["fast_power_extra_usd_per_kwh"] <= heads["breakeven_premium_usd_per_kwh"]
    )
    assert extra["bridging_pays"] == float(
        extra["fast_power_extra_usd_per_kwh"] <= heads["breakeven_bridging_premium_usd_per_kwh"]
    )
    assert extra["energy_share_us_min_pct"] <= extra["energy_share_us_p05_pct"]
    assert extra["energy_share_us_p95_pct"] <= extra["energy_share_us_max_pct"]
    assert extra["energy_share_us_p05_pct"] < extra["energy_share_us_p95_pct"]
    assert extra["carbon_china_over_france"] > 1.0
    assert extra["parity_perf_per_watt_free_power"] < 1.0


def test_headlines_change_with_country(tables):
    us = page.headlines(page.evaluate(Params(country="United States"), tables))
    ev_de = page.evaluate(Params(country="Germany"), tables)
    de = page.headlines(ev_de)
    assert de["energy_share_selected"] > us["energy_share_selected"]
    # dearer power leaves a smaller margin to lose: a wait is worth no more in Germany
    assert de["breakeven_premium_usd_per_kwh"] <= us["breakeven_premium_usd_per_kwh"]
    assert (
        de["breakeven_bridging_premium_usd_per_kwh"] <= us["breakeven_bridging_premium_usd_per_kwh"]
    )
    # compared chips lose money in both, so the H100 is worth its own break-even, which
    # dearer power lowers
    assert de["efficiency_premium_uncapped"] < us["efficiency_premium_uncapped"]
    assert de["efficiency_premium_capped"] == pytest.approx(de["efficiency_premium_uncapped"])
    # country-fixed headlines do not move
    assert de["energy_share_us"] == us["energy_share_us"]
    # Germany's grid price is above the default fast-power price: a saving, not clipped,
    # and a break-even wait clipped at 0 months
    c = ev_de.core
    assert ev_de.price == ev_de.prices["germany"] > Params().premium_power_price_usd_per_kwh
    assert c["fast_power_extra_usd_per_kwh"] == pytest.approx(0.15 - ev_de.price)
    assert ev_de.breakeven_wait_months == 0.0 and c["fast_power_pays"] == 1.0
    assert "pays at any wait" in page.texts(ev_de)["breakeven_wait_label"]


def test_headlines_override_and_wait(tables):
    cheap = page.headlines(
        page.evaluate(Params(use_price_override=True, price_override_usd_per_kwh=0.0), tables)
    )
    assert cheap["energy_share_selected"] == 0.0
    # chips cheap enough that filling the site pays: a longer wait is worth more
    longer = page.headlines(
        page.evaluate(Params(grid_wait_months=48.0, accelerator_price_usd=15_000.0), tables)
    )
    shorter = page.headlines(
        page.evaluate(Params(grid_wait_months=6.0, accelerator_price_usd=15_000.0), tables)
    )
    assert longer["breakeven_premium_usd_per_kwh"] > shorter["breakeven_premium_usd_per_kwh"]
    low = page.evaluate(Params(country="Germany", price_case="low"), tables)
    assert low.price == low.prices["germany_low"] < low.prices["germany"]
    worse = page.headlines(page.evaluate(Params(compared_perf_per_watt=0.25), tables))
    assert (
        worse["china_us_cost_ratio"]
        > page.headlines(page.evaluate(Params(), tables))["china_us_cost_ratio"]
    )


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
    with_override = page.tco_table(
        page.evaluate(Params(use_price_override=True, price_override_usd_per_kwh=0.0), tables)
    )
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


def test_check_refuses_a_low_case_a_country_lacks(tables):
    for country in ("Germany", "China", "United States"):
        assert SPEC.validate({"country": country, "price_case": "low"}, tables=tables)
    with pytest.raises(ParameterError, match="price_case") as e:
        SPEC.validate({"country": "Finland", "price_case": "low"}, tables=tables)
    assert "'Finland'" in str(e.value)
    assert SPEC.validate({"price_case": "low", "use_price_override": True}, tables=tables)


def test_germanys_headline_price_is_an_upper_bound(tables):
    # the tariff before relief must be at least every other German industrial price
    p = tables["country_prices"]
    de = p[(p["country"] == "Germany") & p["price_usd_per_kwh"].notna()]
    upper = de.loc[de["case"] == "before relief", "price_usd_per_kwh"]
    assert len(upper) == 1 and (de["price_usd_per_kwh"] <= upper.iloc[0]).all()
    assert g.resolve_price_usd_per_kwh(p, "Germany") == upper.iloc[0]


def test_check_accepts_every_country_with_its_defaults(tables):
    # a fast-power price at or below the grid price is not rejected: Germany's grid price is
    # above the default fast-power price and must still run with the defaults
    for country in COUNTRIES:
        assert SPEC.validate({"country": country}, tables=tables)["country"] == country
    assert Params().premium_power_price_usd_per_kwh < g.resolve_price_usd_per_kwh(
        tables["country_prices"], "Germany"
    )
    assert SPEC.validate({"premium_power_price_usd_per_kwh": 0.05}, tables=tables)
    assert SPEC.validate(
        {"use_price_override": True, "price_override_usd_per_kwh": 0.5}, tables=tables
    )


def test_check_rejects_country_without_a_price(tables):
    prices = tables["country_prices"]
    without = {**tables, "country_prices": prices[prices["country"] != "Finland"]}
    with pytest.raises(ParameterError, match="'Finland' has no sourced electricity price"):
        SPEC.validate({"country": "Finland"}, tables=without)
    # an override makes the gap harmless
    assert SPEC.validate(
        {"country": "Finland", "use_price_override": True, "price_override_usd_per_kwh": 0.1},
        tables=without,
    )


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
    toy = pd.DataFrame(
        {
            "country": ["China"],
            "year": [2024],
            "technology": ["all"],
            "additions_gw": [400.0],
            "generation_growth_twh": [600.0],
        }
    )
    t = g.supply_rows(toy, countries=("China", "Japan")).set_index("country")
    assert not t.loc["China", "gap"] and t.loc["Japan", "gap"]
    cf = g.implied_capacity_factor(add)
    assert 0.0 < cf < 1.0


# --------------------------------------------------------------------------- captions


def _numbers_in(text: str) -> list[str]:
    """Every number in a text except plain years and digits inside names (H100, GPT-4)."""
    import re

    tokens = re.findall(r"(?<![\w-])\d+(?:,\d{3})*(?:\.\d+)?", text)
    return [t for t in tokens if not (len(t) == 4 and t.isdigit() and 1990 <= int(t) <= 2100)]


def _perturbed(tables, seed=12):
    """Every figure of every table the page reads, each multiplied by its own factor."""
    import zlib

    out = {}
    cols = {
        "country_prices": ["price_usd_per_kwh"],
        "dc_electricity": ["energy_twh"],
        "national_electricity": ["demand_twh"],
        "grid_carbon": ["carbon_intensity_g_per_kwh"],
        "capacity_additions": ["additions_gw", "generation_growth_twh", "utilization_hours"],
        "compute_costs": ["value", "low", "high"],
        "accelerators": ["board_power_w", "bf16_tflops"],
    }
    for name, t in tables.items():
        t = t.copy()
        # one stream per table, so that rows added to another table do not shift this one's
        rng = np.random.default_rng([seed, zlib.crc32(name.encode())])
        for col in cols.get(name, []):
            t[col] = t[col] * rng.uniform(1.05, 1.4, len(t))
        out[name] = t
    return out


def test_no_caption_holds_a_hand_typed_number(tables):
    """Perturb every figure of every table (and the parameters): every number in every
    caption must move with them. A number typed into a caption (such as a comparison with
    Japan) would stay put."""
    # chips cheap enough that filling the site pays, so that the time-to-power caption has
    # non-zero costs to move (at the defaults they are zero, computed, not typed)
    base = Params(accelerator_price_usd=15_000.0)
    before = page.captions(page.evaluate(base, tables))
    # four perturbations, so that a number rounding to the same text once (0.09 -> 0.09)
    # still has to move in another
    # (the parameters move too: a number a caption takes from them is computed, not typed)
    moved_params = Params(
        accelerator_price_usd=15_000.0, compared_perf_per_watt=0.45, grid_wait_months=30.0, pue=1.25
    )
    afters = [
        page.captions(page.evaluate(moved_params, _perturbed(tables, seed))) for seed in (12, 13)
    ]
    for key in before:
        a = _numbers_in(before[key])
        assert a, key
        moved = [False] * len(a)
        for after in afters:
            b = _numbers_in(after[key])
            assert len(a) == len(b), (key, a, b)
            moved = [m or x != y for m, x, y in zip(moved, a, b, strict=True)]
        assert all(moved), (key, [x for x, m in zip(a, moved, strict=True) if not m])


def test_the_demand_caption_says_which_demand_the_projection_exceeds(tables):
    nat = tables["national_electricity"]
    japan = float(
        nat.loc[(nat["country"] == "Japan") & (nat["year"] == 2024), "demand_twh"].iloc[0]
    )
    for factor in (0.8, 1.2):
        n = nat.copy()
        n.loc[n["country"] == "Japan", "demand_twh"] = japan * factor
        cap_ = page.captions(page.evaluate(Params(), {**tables, "national_electricity": n}))
        exceeds, _, rest = cap_["demand"].partition(" but not that of ")
        proj = 945.0 / (japan * factor)
        assert (f"Japan ({proj:.2f} times)" in exceeds) == (proj > 1), cap_["demand"]
        assert (f"Japan ({proj:.2f} times)" in rest) == (proj <= 1), cap_["demand"]


def test_sobol_indices_of_the_energy_share(tables):
    """The Sobol indices of energy's share: every total index in [0, 1.05]; an input the
    share does not depend on (the hours a reserved contract pays for, which moves revenue,
    not cost) gets a total index near 0; and the PUE, which multiplies the energy cost alone,
    ranks above the servers-and-network overhead over its narrow sourced range."""
    P = Params()
    ref = g.reference_inputs(tables["accelerators"], tables["compute_costs"])
    ranges = {**page.ranges_from_reference(P, ref), "rented_fraction": (0.3, 1.0)}
    decl = Params.declarations()
    for name, (lo, hi) in ranges.items():
        assert decl[name].min <= lo < hi <= decl[name].max, name

    def share(Q):
        return page.energy_share_point(
            Q, ref, g.selected_price_usd_per_kwh(Q, tables["country_prices"])
        )

    from energybook import sobol

    idx = sobol.of_parameters(share, P, ranges, 64).set_index("parameter")
    assert ((idx["ST"] >= 0.0) & (idx["ST"] <= 1.05)).all()
    assert idx.loc["rented_fraction", "ST"] < 0.01
    assert idx.loc["pue", "ST"] > idx.loc["system_overhead_fraction", "ST"]
    ev = page.evaluate(P, tables)
    top, st, _ = page.sobol_top(ev)
    assert top in ev.sobol["parameter"].tolist() and 0.0 < st <= 1.05
    assert "price_override_usd_per_kwh" in ev.sobol["parameter"].tolist()
