"""The cost of an AI campus by country, and what the grid can supply: pure models.

Questions of the chapter and where their models are:

1. The IEA's 2030 projection in context: :func:`dc_growth_twh_per_year`,
   :func:`supply_growth_comparison`, :func:`supply_rows`, :func:`implied_capacity_factor`.
2. Total cost of ownership of an AI campus: :func:`campus_tco`, :func:`tco_by_country`,
   :func:`tco_country_table`, :func:`energy_share_interval`.
3. Time-to-power: ``model_time``.
4. Power as the constraint: ``model_cap``.
5. China against the United States: :func:`compare_regions`, :func:`parity_perf_per_watt`,
   :func:`datacentre_gw_supported`.
6. Carbon: :func:`training_run_energy_mwh`, :func:`carbon_by_country`, :func:`carbon_table`.

Plain floats, numpy arrays and DataFrames in and out; units in the names; no I/O, no text.

Conventions used throughout

- ``utilization`` is the fraction of the year the accelerators do useful work at their peak
  rate (so it scales both the energy drawn and the compute delivered; idle power is ignored).
- Capital is turned into an annual charge with the capital recovery factor
  (:func:`capital_recovery_factor`): an annuity at ``discount_rate`` over the lifetime
  (straight-line when the rate is 0).
- An accelerator's IT power is its board power times ``server_power_factor`` (1 = board power
  only, a lower bound; host CPUs, memory and network add to it).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from energybook import units
from energybook.chapters.geopolitics.params import Params

HOURS_PER_YEAR = units.HOURS_PER_YEAR
SECONDS_PER_HOUR = units.factor("hour", "s")
KWH_PER_MWH = units.factor("MWh", "kWh")
W_PER_MW = units.factor("MW", "W")
KW_PER_MW = units.factor("MW", "kW")
FLOP_PER_EFLOP = 1e18  # SI prefix exa
G_PER_T = units.factor("t", "g")
MONTHS_PER_YEAR = 12.0
FACILITY_LIFETIME_YEARS = 20.0

TCO_COMPONENTS = ("accelerators", "servers_network", "facility", "energy")
REFERENCE_CHIP = "H100 SXM"
#: Countries the chapter discusses (Finland stands for the Nordics), in reading order.
CHAPTER_COUNTRIES = ("China", "United States", "Germany", "France", "Japan", "India", "Finland")
#: ``price_status`` of a country without a sourced price, of a sourced one, of the override.
GAP, SOURCED, OVERRIDE = "gap", "sourced", "override"
OVERRIDE_ROW = "Override price"


# --------------------------------------------------------------------------- 1. supply


def dc_growth_twh_per_year(start_twh: float, end_twh: float, years: float) -> float:
    """Average new electricity data centres need each year to grow from start to end (linear)."""
    if years <= 0:
        raise ValueError("years must be positive")
    return (end_twh - start_twh) / years


def generation_from_capacity_twh(capacity_gw, capacity_factor):
    """Annual generation (TWh/yr) of ``capacity_gw`` running at ``capacity_factor``."""
    return units.twh_per_year_from_gw(np.asarray(capacity_gw, dtype=float) * capacity_factor)


def supply_growth_comparison(
    additions: pd.DataFrame, dc_growth_twh: float, capacity_factor: float
) -> pd.DataFrame:
    """New data-centre demand per year against what each country adds per year.

    ``additions`` has columns country, year, additions_gw and optionally
    generation_growth_twh. Returns those with generation_from_additions_twh (additions x
    capacity factor x hours), dc_growth_twh, dc_share_of_additions and
    dc_share_of_generation_growth (NaN where the input is a gap).
    """
    cols = ["country", "year", "additions_gw"]
    df = additions[
        cols + (["generation_growth_twh"] if "generation_growth_twh" in additions else [])
    ].copy()
    if "generation_growth_twh" not in df:
        df["generation_growth_twh"] = np.nan
    df["generation_from_additions_twh"] = generation_from_capacity_twh(
        df["additions_gw"].astype(float), capacity_factor
    )
    df["dc_growth_twh"] = float(dc_growth_twh)
    df["dc_share_of_additions"] = df["dc_growth_twh"] / df["generation_from_additions_twh"]
    df["dc_share_of_generation_growth"] = df["dc_growth_twh"] / df["generation_growth_twh"]
    return df.reset_index(drop=True)


def additions_row(additions: pd.DataFrame, country: str, year: int) -> pd.Series:
    """The all-technology row of ``capacity_additions`` for ``country`` in ``year``."""
    row = additions[
        (additions["country"] == country)
        & (additions["year"] == year)
        & (additions["technology"] == "all")
    ]
    if len(row) != 1:
        raise KeyError(f"no all-technology additions for {country} {year}")
    return row.iloc[0]


def implied_capacity_factor(
    additions: pd.DataFrame, country: str = "China", year: int = 2024
) -> float:
    """Capacity factor a year's additions would need to supply that year's generation
    growth: generation growth / (additions x hours). A ratio of two national totals, not
    the output of the plant added: the year's growth also reflects how the existing fleet
    ran (China's fleet ran fewer hours in 2024 than in 2023), so it is a scale, not a
    measured capacity factor of new plant."""
    r = additions_row(additions, country, year)
    if pd.isna(r["additions_gw"]) or pd.isna(r["generation_growth_twh"]):
        raise KeyError(f"no additions and generation growth for {country} {year}")
    return float(r["generation_growth_twh"] / generation_from_capacity_twh(r["additions_gw"], 1.0))


def supply_rows(
    additions: pd.DataFrame, countries: tuple[str, ...] = CHAPTER_COUNTRIES
) -> pd.DataFrame:
    """All-technology rows of ``capacity_additions`` for every country of ``countries``.

    A country with no all-technology row gets one row of NaN (year, additions_gw,
    generation_growth_twh) and ``gap`` True, so the gap stays visible; nothing is filled in.
    Countries outside ``countries`` that have data follow at the end.
    """
    add = additions[additions["technology"] == "all"]
    cols = ["country", "year", "additions_gw", "generation_growth_twh"]
    add = add[[c for c in cols if c in add]].copy()
    add["gap"] = False
    order = list(countries) + sorted(set(add["country"]) - set(countries))
    parts = []
    for country in order:
        rows = add[add["country"] == country].sort_values("year")
        if rows.empty:
            rows = pd.DataFrame(
                {
                    "country": [country],
                    "year": [np.nan],
                    "additions_gw": [np.nan],
                    "generation_growth_twh": [np.nan],
                    "gap": [True],
                }
            )
        parts.append(rows)
    return pd.concat(parts, ignore_index=True)


def dc_twh(dc: pd.DataFrame, scope: str, year: int, case: str) -> float:
    """Data-centre electricity of ``scope`` in ``year`` for ``case`` (``dc_electricity``)."""
    hit = dc[(dc["scope"] == scope) & (dc["year"] == year) & (dc["case"] == case)]
    if len(hit) != 1:
        raise KeyError(f"no single data-centre figure for {scope}, {year}, {case!r}")
    return float(hit["energy_twh"].iloc[0])


def demand_twh(national: pd.DataFrame, country: str, year: int) -> float:
    """A country's electricity demand in ``year`` (``national_electricity``)."""
    hit = national[(national["country"] == country) & (national["year"] == year)]
    if len(hit) != 1:
        raise KeyError(f"no electricity demand for {country} in {year}")
    return float(hit["demand_twh"].iloc[0])


# --------------------------------------------------------------------------- 2. TCO


def capital_recovery_factor(discount_rate, lifetime_years):
    """Annual payment per unit of capital: r / (1 - (1+r)^-n); 1/n when r = 0."""
    r = np.asarray(discount_rate, dtype=float)
    n = np.asarray(lifetime_years, dtype=float)
    if np.any(n <= 0):
        raise ValueError("lifetime must be positive")
    if np.any(r < 0):
        raise ValueError("discount rate must be >= 0")
    with np.errstate(divide="ignore", invalid="ignore", under="ignore"):
        # 1 - (1+r)^-n written as -expm1(-n log1p(r)); below 1e-9 (where subnormal
        # rates would lose all precision) the first-order expansion 1/n + r(n+1)/(2n).
        exact = r / -np.expm1(-n * np.log1p(r))
        crf = np.where(r > 1e-9, exact, 1.0 / n + r * (n + 1.0) / (2.0 * n))
    return crf.item() if crf.ndim == 0 else crf


def accelerators_for_power(it_power_mw, accelerator_power_w, server_power_factor=1.0):
    """Number of accelerators an IT load of ``it_power_mw`` powers (fractional)."""
    return (
        np.asarray(it_power_mw, dtype=float)
        * W_PER_MW
        / (accelerator_power_w * server_power_factor)
    )


def campus_tco(
    *,
    it_power_mw,
    accelerator_price_usd,
    accelerator_power_w,
    accelerator_peak_flop_per_s,
    price_usd_per_kwh,
    pue,
    utilization,
    accelerator_lifetime_years,
    discount_rate=0.0,
    facility_capex_usd_per_mw=0.0,
    facility_lifetime_years=FACILITY_LIFETIME_YEARS,
    system_overhead_fraction=0.0,
    server_power_factor=1.0,
) -> dict[str, Any]:
    """Annual total cost of ownership of an AI campus and its parts.

    The campus has ``it_power_mw`` of IT load, filled with accelerators of the given price,
    board power and peak throughput. Annual costs (USD/yr):

    - accelerators: n x price x CRF(rate, accelerator lifetime)
    - servers_network: accelerators x ``system_overhead_fraction``
    - facility: IT MW x facility capex per MW x CRF(rate, facility lifetime)
    - energy: IT MW x utilization x PUE x hours x price

    Every argument may be a numpy array (broadcast). Returns a dict with n_accelerators,
    one key ``<component>_usd_per_year`` per component in :data:`TCO_COMPONENTS`,
    total_usd_per_year, energy_share, energy_mwh_per_year, compute_eflop_per_year and
    usd_per_eflop.
    """
    p_mw = np.asarray(it_power_mw, dtype=float)
    n_acc = accelerators_for_power(p_mw, accelerator_power_w, server_power_factor)
    crf_acc = capital_recovery_factor(discount_rate, accelerator_lifetime_years)
    crf_fac = capital_recovery_factor(discount_rate, facility_lifetime_years)
    acc = n_acc * accelerator_price_usd * crf_acc
    sys = acc * system_overhead_fraction
    fac = p_mw * facility_capex_usd_per_mw * crf_fac
    energy_mwh = p_mw * utilization * pue * HOURS_PER_YEAR
    energy = energy_mwh * KWH_PER_MWH * price_usd_per_kwh
    total = acc + sys + fac + energy
    compute_eflop = (
        n_acc
        * accelerator_peak_flop_per_s
        * utilization
        * HOURS_PER_YEAR
        * SECONDS_PER_HOUR
        / FLOP_PER_EFLOP
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(total > 0, energy / total, 0.0)
        per_eflop = np.where(compute_eflop > 0, total / compute_eflop, np.inf)
    out = {
        "n_accelerators": n_acc,
        "accelerators_usd_per_year": acc,
        "servers_network_usd_per_year": sys,
        "facility_usd_per_year": fac,
        "energy_usd_per_year": energy,
        "total_usd_per_year": total,
        "energy_share": share,
        "energy_mwh_per_year": energy_mwh,
        "compute_eflop_per_year": compute_eflop,
        "usd_per_eflop": per_eflop,
    }
    return {
        k: (float(v) if np.ndim(v) == 0 else np.asarray(v, dtype=float)) for k, v in out.items()
    }


def capital_usd_per_year(tco: dict[str, Any]) -> float:
    """The annual capital charge of a :func:`campus_tco` result (accelerators, servers and
    network, facility): everything but energy."""
    return float(
        tco["accelerators_usd_per_year"]
        + tco["servers_network_usd_per_year"]
        + tco["facility_usd_per_year"]
    )


#: Which rows of ``country_prices`` each price case reads (its ``case`` column): the
#: reference price of a country is its national or class average, or for Germany the
#: Bundesnetzagentur's tariff before relief (an upper bound); the low case is BDEW's average
#: for new industrial contracts (Germany) or the subsidised data-centre provinces (China).
CASE_ROWS: dict[str, tuple[str, ...]] = {
    "reference": ("average", "before relief"),
    "low": ("new contracts", "subsidised", "lowest state"),
}


def _case_rows(prices: pd.DataFrame, cases: tuple[str, ...]) -> pd.Series:
    return prices["case"].isin(cases) if "case" in prices else pd.Series(True, prices.index)


def resolve_price_usd_per_kwh(
    prices: pd.DataFrame,
    country: str,
    *,
    case: str = "reference",
    use_override: bool = False,
    override_usd_per_kwh: float | None = None,
) -> float:
    """The electricity price to use for ``country`` in price ``case`` (a key of
    :data:`CASE_ROWS`).

    With ``use_override`` the override is returned as is. Otherwise the most recent
    non-blank ``price_usd_per_kwh`` of the country's rows of that case in ``prices`` (the
    ``country_prices`` table), preferring 'industrial' over other consumer classes. Raises
    ValueError when there is none (a gap is not silently filled).
    """
    if use_override:
        if override_usd_per_kwh is None or override_usd_per_kwh < 0:
            raise ValueError("an override price >= 0 is required when use_override is true")
        return float(override_usd_per_kwh)
    if case not in CASE_ROWS:
        raise ValueError(f"price case {case!r} is not one of {sorted(CASE_ROWS)}")
    rows = prices[
        (prices["country"] == country)
        & prices["price_usd_per_kwh"].notna()
        & _case_rows(prices, CASE_ROWS[case])
    ]
    if rows.empty:
        raise ValueError(f"no sourced {case} electricity price for {country!r}")
    rows = rows.assign(_ind=(rows["consumer"] == "industrial") if "consumer" in rows else True)
    rows = rows.sort_values(["_ind", "year"], ascending=[False, False])
    return float(rows.iloc[0]["price_usd_per_kwh"])


def selected_price_usd_per_kwh(P: Params, prices: pd.DataFrame) -> float:
    """The price the campus pays: the chosen country's sourced price (in the chosen price
    case) or the override."""
    return resolve_price_usd_per_kwh(
        prices,
        P.country,
        case=P.price_case,
        use_override=P.use_price_override,
        override_usd_per_kwh=P.price_override_usd_per_kwh,
    )


def price_cases(prices: pd.DataFrame) -> pd.DataFrame:
    """One price per country and data case (columns country, case, price_usd_per_kwh), the
    latest year of each, industrial preferred; a country without any sourced price keeps
    one row with a NaN price (a gap, not a zero). Reference cases come first."""
    cases = prices["case"] if "case" in prices else pd.Series("average", prices.index)
    order = [c for group in CASE_ROWS.values() for c in group]
    out = []
    for country in prices["country"].unique():
        mine = prices[prices["country"] == country]
        found = False
        for case in order:
            rows = mine[(cases.loc[mine.index] == case) & mine["price_usd_per_kwh"].notna()]
            if rows.empty:
                continue
            rows = rows.assign(
                _ind=(rows["consumer"] == "industrial") if "consumer" in rows else True
            )
            best = rows.sort_values(["_ind", "year"], ascending=[False, False]).iloc[0]
            out.append((country, case, float(best["price_usd_per_kwh"])))
            found = True
        if not found:
            out.append((country, str(cases.loc[mine.index[0]]), np.nan))
    return pd.DataFrame(out, columns=["country", "case", "price_usd_per_kwh"])


def tco_by_country(country_prices: pd.DataFrame, **campus) -> pd.DataFrame:
    """:func:`campus_tco` for each row's price.

    ``country_prices`` has columns country, price_usd_per_kwh and optionally case;
    ``campus`` are the other keyword arguments of :func:`campus_tco`. Returns one row per
    input row: country (and case), price_usd_per_kwh, the four component costs,
    total_usd_per_year, energy_share, usd_per_eflop.
    """
    rows = []
    for rec in country_prices.to_dict("records"):
        r = campus_tco(price_usd_per_kwh=float(rec["price_usd_per_kwh"]), **campus)
        rows.append(
            {
                **{k: rec[k] for k in ("country", "case") if k in rec},
                "price_usd_per_kwh": float(rec["price_usd_per_kwh"]),
                **{f"{c}_usd_per_year": r[f"{c}_usd_per_year"] for c in TCO_COMPONENTS},
                "total_usd_per_year": r["total_usd_per_year"],
                "energy_share": r["energy_share"],
                "usd_per_eflop": r["usd_per_eflop"],
            }
        )
    return pd.DataFrame(rows)


def tco_country_table(
    prices: pd.DataFrame, campus: dict[str, Any], override_usd_per_kwh: float | None = None
) -> pd.DataFrame:
    """:func:`tco_by_country` for every country and price case of ``prices``, gaps kept as
    NaN rows.

    Adds price_status (:data:`SOURCED`, :data:`GAP` or :data:`OVERRIDE`) and
    usd_per_accelerator_hour (total cost per hour of accelerator work). With
    ``override_usd_per_kwh`` an extra row :data:`OVERRIDE_ROW` is appended.
    """
    cases = price_cases(prices)
    have = cases[cases["price_usd_per_kwh"].notna()]
    if override_usd_per_kwh is not None:
        have = pd.concat(
            [
                have,
                pd.DataFrame(
                    {
                        "country": [OVERRIDE_ROW],
                        "case": [OVERRIDE],
                        "price_usd_per_kwh": [override_usd_per_kwh],
                    }
                ),
            ],
            ignore_index=True,
        )
    t = tco_by_country(have, **campus)
    t["price_status"] = np.where(t["country"] == OVERRIDE_ROW, OVERRIDE, SOURCED)
    r = campus_tco(price_usd_per_kwh=0.0, **campus)
    acc_hours = r["n_accelerators"] * campus["utilization"] * HOURS_PER_YEAR
    t["usd_per_accelerator_hour"] = t["total_usd_per_year"] / acc_hours
    gaps = cases[cases["price_usd_per_kwh"].isna()][["country", "case"]]
    if len(gaps):
        t = pd.concat([t, gaps.assign(price_status=GAP)], ignore_index=True)
    return t


def _cost_item(costs: pd.DataFrame, item: str, column: str = "value") -> float:
    rows = costs[costs["item"] == item].sort_values("year")
    if rows.empty:
        raise KeyError(f"compute_costs has no item {item!r}")
    return float(rows.iloc[-1][column])


def reference_inputs(
    accelerators: pd.DataFrame, compute_costs: pd.DataFrame, chip: str = REFERENCE_CHIP
) -> dict[str, float]:
    """The data-derived constants of the chapter (reference chip and cost items).

    Returns plain floats: accelerator_power_w (board power), accelerator_peak_flop_per_s
    (dense BF16 peak), facility_capex_usd_per_mw, rental_usd_per_hour (1-year contract, the
    2025 cycle low), rental_peak_usd_per_hour (2023 scarcity), ccgt_capex_usd_per_kw,
    training_flop (GPT-4, Epoch's estimate), published energy-share bounds and the PUE
    reference points.
    """
    row = accelerators[accelerators["chip"] == chip]
    if len(row) != 1:
        raise KeyError(f"accelerators has no single row for {chip!r}")
    chip_row = row.iloc[0]
    return {
        "accelerator_power_w": float(chip_row["board_power_w"]),
        "accelerator_peak_flop_per_s": float(chip_row["bf16_tflops"]) * 1e12,
        "facility_capex_usd_per_mw": _cost_item(compute_costs, "dc_construction_capex") * 1e6,
        "rental_usd_per_hour": _cost_item(compute_costs, "h100_rental_1yr"),
        "rental_high_usd_per_hour": _cost_item(compute_costs, "h100_rental_1yr", "high"),
        "rental_peak_usd_per_hour": _cost_item(compute_costs, "h100_rental_peak"),
        "ccgt_capex_usd_per_kw": _cost_item(compute_costs, "ccgt_capex"),
        "training_flop": _cost_item(compute_costs, "gpt4_training_compute"),
        "published_energy_share_low": _cost_item(
            compute_costs, "energy_share_frontier_development_cost", "low"
        ),
        "published_energy_share_high": _cost_item(
            compute_costs, "energy_share_frontier_development_cost", "high"
        ),
        "h100_price_low_usd": _cost_item(compute_costs, "h100_price", "low"),
        "h100_price_high_usd": _cost_item(compute_costs, "h100_price", "high"),
        "pue_best_fleet": _cost_item(compute_costs, "pue_google_fleet"),
        "pue_industry_average": _cost_item(compute_costs, "pue_industry_average"),
        "server_cost_overhead": _cost_item(compute_costs, "server_cost_overhead"),
        "server_cost_overhead_low": _cost_item(compute_costs, "server_cost_overhead", "low"),
        "server_cost_overhead_high": _cost_item(compute_costs, "server_cost_overhead", "high"),
        "interconnect_cost_fraction": _cost_item(
            compute_costs, "cluster_interconnect_cost_fraction"
        ),
        "server_power_factor_h100": _cost_item(compute_costs, "server_power_factor_h100"),
        "china_chip_energy_vs_h20_low": _cost_item(
            compute_costs, "china_chip_energy_vs_h20", "low"
        ),
        "china_chip_energy_vs_h20_high": _cost_item(
            compute_costs, "china_chip_energy_vs_h20", "high"
        ),
    }


def system_overhead_from_costs(
    server_cost_overhead: float, interconnect_cost_fraction: float
) -> float:
    """Server and network capital per accelerator as a fraction of the accelerator's price,
    from Epoch AI's two cost ratios: a server costs ``server_cost_overhead`` times its chips,
    and interconnect is ``interconnect_cost_fraction`` of the whole cluster, so the cluster
    costs server / (1 - fraction) times the chips."""
    if not 0.0 <= interconnect_cost_fraction < 1.0 or server_cost_overhead < 1.0:
        raise ValueError("the server overhead must be >= 1 and the interconnect fraction in [0, 1)")
    return server_cost_overhead / (1.0 - interconnect_cost_fraction) - 1.0


def campus_kwargs(P: Params, ref: dict[str, float]) -> dict[str, Any]:
    """Keyword arguments of :func:`campus_tco` from the chapter's parameters and data."""
    return dict(
        it_power_mw=P.campus_mw,
        accelerator_price_usd=P.accelerator_price_usd,
        accelerator_power_w=ref["accelerator_power_w"],
        accelerator_peak_flop_per_s=ref["accelerator_peak_flop_per_s"],
        pue=P.pue,
        utilization=P.utilization,
        accelerator_lifetime_years=P.accelerator_lifetime_years,
        discount_rate=P.discount_rate,
        facility_capex_usd_per_mw=ref["facility_capex_usd_per_mw"],
        system_overhead_fraction=P.system_overhead_fraction,
        server_power_factor=P.server_power_factor,
    )


def energy_share_interval(
    campus: dict[str, Any],
    ref: dict[str, float],
    price_usd_per_kwh: float,
    n: int = 20_000,
    seed: int = 7,
) -> dict[str, float]:
    """90% interval of energy's share of TCO at ``price_usd_per_kwh`` when the accelerator
    price is uncertain over its (unverified) published range and the PUE lies anywhere from
    the best fleet to the industry average (both uniform). Uses the shared uncertainty
    module; returns {'median', 'p05', 'p95', 'mean'}."""
    from energybook import uncertainty as u

    def share(accelerator_price_usd, pue):
        kw = {**campus, "accelerator_price_usd": accelerator_price_usd, "pue": pue}
        return campus_tco(price_usd_per_kwh=price_usd_per_kwh, **kw)["energy_share"]

    dists = {
        "accelerator_price_usd": u.Uniform(ref["h100_price_low_usd"], ref["h100_price_high_usd"]),
        "pue": u.Uniform(ref["pue_best_fleet"], ref["pue_industry_average"]),
    }
    res = u.monte_carlo(share, dists, n=n, seed=seed)
    return u.summarize(res["output"])


def energy_share_corners(
    campus: dict[str, Any], ref: dict[str, float], price_usd_per_kwh: float
) -> dict[str, float]:
    """Lowest and highest energy share over the same ranges as :func:`energy_share_interval`
    (accelerator price and PUE), whatever the distribution within them: the share falls
    with the accelerator price and rises with the PUE, so the extremes are two corners."""

    def share(accelerator_price_usd: float, pue: float) -> float:
        kw = {**campus, "accelerator_price_usd": accelerator_price_usd, "pue": pue}
        return float(campus_tco(price_usd_per_kwh=price_usd_per_kwh, **kw)["energy_share"])

    return {
        "min": share(ref["h100_price_high_usd"], ref["pue_best_fleet"]),
        "max": share(ref["h100_price_low_usd"], ref["pue_industry_average"]),
    }


# --------------------------------------------------------------------------- 5. China vs US


def compare_regions(regions: pd.DataFrame, **campus) -> pd.DataFrame:
    """Cost per unit of compute and power for the same compute, region by region.

    ``regions`` has columns region, price_usd_per_kwh, perf_per_watt_ratio (throughput of
    the region's accelerator relative to the reference one at the same power) and
    optionally accelerator_price_usd. ``campus`` are :func:`campus_tco` keywords for the
    reference accelerator (its ``accelerator_peak_flop_per_s`` is scaled by the ratio).

    Returns region, price_usd_per_kwh, perf_per_watt_ratio, usd_per_eflop, energy_share,
    cost_ratio (to the first row) and power_mw_for_same_compute (IT power the region needs
    to deliver the first row's compute).
    """
    rows = []
    for rec in regions.to_dict("records"):
        kw = dict(campus)
        kw["accelerator_peak_flop_per_s"] = (
            campus["accelerator_peak_flop_per_s"] * rec["perf_per_watt_ratio"]
        )
        if "accelerator_price_usd" in rec and pd.notna(rec["accelerator_price_usd"]):
            kw["accelerator_price_usd"] = rec["accelerator_price_usd"]
        r = campus_tco(price_usd_per_kwh=rec["price_usd_per_kwh"], **kw)
        rows.append(
            {
                "region": rec["region"],
                "price_usd_per_kwh": rec["price_usd_per_kwh"],
                "perf_per_watt_ratio": rec["perf_per_watt_ratio"],
                "usd_per_eflop": r["usd_per_eflop"],
                "energy_share": r["energy_share"],
                "compute_eflop_per_year": r["compute_eflop_per_year"],
            }
        )
    df = pd.DataFrame(rows)
    ref = df.iloc[0]
    df["cost_ratio"] = df["usd_per_eflop"] / ref["usd_per_eflop"]
    df["power_mw_for_same_compute"] = (
        campus["it_power_mw"] * ref["compute_eflop_per_year"] / df["compute_eflop_per_year"]
    )
    return df.drop(columns="compute_eflop_per_year")


def china_us_cost_ratio(
    campus: dict[str, Any], us_price: float, cn_price: float, cn_perf_per_watt: float
) -> dict[str, float]:
    """China (chip at ``cn_perf_per_watt`` of the best, Chinese power) against the United
    States (best chip, US power): cost per unit of compute and IT power for the same
    compute, each China over the US."""
    regions = pd.DataFrame(
        {
            "region": ["United States", "China"],
            "price_usd_per_kwh": [us_price, cn_price],
            "perf_per_watt_ratio": [1.0, cn_perf_per_watt],
        }
    )
    cmp = compare_regions(regions, **campus)
    return {
        "cost_ratio": float(cmp["cost_ratio"].iloc[1]),
        "power_ratio": float(cmp["power_mw_for_same_compute"].iloc[1] / campus["it_power_mw"]),
    }


def cost_ratio_curve(
    campus: dict[str, Any], us_price: float, cn_price: float, ratios
) -> pd.DataFrame:
    """China's cost per unit of compute over the US's against the domestic chip's
    performance per watt (columns perf_per_watt, cost_ratio, power_ratio)."""
    ratios = np.asarray(ratios, dtype=float)
    regions = pd.DataFrame(
        {
            "region": ["United States"] + ["China"] * len(ratios),
            "price_usd_per_kwh": [us_price] + [cn_price] * len(ratios),
            "perf_per_watt_ratio": [1.0, *ratios],
        }
    )
    cmp = compare_regions(regions, **campus).iloc[1:]
    return pd.DataFrame(
        {
            "perf_per_watt": ratios,
            "cost_ratio": cmp["cost_ratio"].to_numpy(),
            "power_ratio": cmp["power_mw_for_same_compute"].to_numpy() / campus["it_power_mw"],
        }
    )


def parity_perf_per_watt(
    campus: dict[str, Any], price_usd_per_kwh: float, reference_price_usd_per_kwh: float
) -> float:
    """Relative performance per watt a chip (same price and power) needs, on power at
    ``price_usd_per_kwh``, to match the reference chip's cost per unit of compute on power
    at ``reference_price_usd_per_kwh``: (capital + energy) / (capital + reference energy)."""
    a = campus_tco(price_usd_per_kwh=price_usd_per_kwh, **campus)["total_usd_per_year"]
    b = campus_tco(price_usd_per_kwh=reference_price_usd_per_kwh, **campus)["total_usd_per_year"]
    return float(a / b)


def datacentre_gw_supported(additions_gw, capacity_factor, pue, utilization):
    """IT capacity (GW) of data centres that a year's capacity additions could run.

    Average output of the additions (additions x capacity factor) divided by the average draw
    per GW of IT capacity (PUE x utilization).
    """
    return additions_gw * capacity_factor / (pue * utilization)


def capacity_factor_from_hours(utilization_hours):
    """Capacity factor of plant running ``utilization_hours`` full-load hours a year."""
    return utilization_hours / HOURS_PER_YEAR


# --------------------------------------------------------------------------- 6. carbon


def training_run_energy_mwh(
    training_flop, peak_flop_per_s, accelerator_power_w, utilization, pue, server_power_factor=1.0
):
    """Facility energy (MWh) of a training run.

    Accelerator-seconds = FLOP / (peak FLOP/s x utilization); energy = that x board power x
    server_power_factor x PUE.
    """
    acc_seconds = training_flop / (peak_flop_per_s * utilization)
    joules = acc_seconds * accelerator_power_w * server_power_factor * pue
    return joules / units.factor("MWh", "J")


def carbon_by_country(
    grid_carbon: pd.DataFrame, *, campus_mwh_per_year: float, training_mwh: float
) -> pd.DataFrame:
    """Emissions of a year of a campus and of a training run on each country's grid.

    ``grid_carbon`` has country, year, carbon_intensity_g_per_kwh; the latest year per
    country is used. Returns country, year, carbon_intensity_g_per_kwh,
    campus_kt_per_year and training_t, most carbon-intensive first.
    """
    g = grid_carbon.sort_values("year").groupby("country", as_index=False).last()
    g = g[["country", "year", "carbon_intensity_g_per_kwh"]].copy()
    per_mwh_t = g["carbon_intensity_g_per_kwh"] * KWH_PER_MWH / G_PER_T
    g["campus_kt_per_year"] = campus_mwh_per_year * per_mwh_t / 1e3
    g["training_t"] = training_mwh * per_mwh_t
    return g.sort_values("carbon_intensity_g_per_kwh", ascending=False).reset_index(drop=True)


def carbon_table(
    grid_carbon: pd.DataFrame, P: Params, ref: dict[str, float], campus_mwh_per_year: float
) -> pd.DataFrame:
    """:func:`carbon_by_country` for a year of the campus and a GPT-4-scale training run on
    the reference chip (at the chapter's utilization, PUE and server power factor), with Mt
    and the run's MWh."""
    mwh = training_run_energy_mwh(
        ref["training_flop"],
        ref["accelerator_peak_flop_per_s"],
        ref["accelerator_power_w"],
        P.utilization,
        P.pue,
        P.server_power_factor,
    )
    df = carbon_by_country(grid_carbon, campus_mwh_per_year=campus_mwh_per_year, training_mwh=mwh)
    df["campus_mt_per_year"] = df["campus_kt_per_year"] / 1e3
    df["training_mwh"] = mwh
    return df
