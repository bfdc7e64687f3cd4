"""What the rebound page shows besides its charts: glued numbers and phrases, captions,
reader tables.

Same entry points as every chapter's page module: ``TABLES``, ``evaluate``, ``headlines``,
``numbers``, ``texts``, ``captions`` and ``table_<name>``. ``evaluate`` runs the point model
and the Monte Carlo once; everything else the page shows is computed on first use.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from dataclasses import replace as dc_replace
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from energybook import background, fmt
from energybook import sobol as sobol_core
from energybook.chapters.rebound import model, model_growth, model_h200, model_market
from energybook.chapters.rebound import model_microsoft as msm
from energybook.chapters.rebound import model_uncertainty as mcm
from energybook.chapters.rebound.params import AMBITION_BREAK_YEAR, Params
from energybook.chapters.rebound.spec import SPEC
from energybook.uncertainty import summarize, summarize_rows

TABLES = (
    "dc_electricity",
    "dc_segments",
    "accelerators",
    "growth_trends",
    "microsoft_sustainability",
    "microsoft_compute_proxies",
    "ai_adoption",
    "token_market",
    "efficiency_trends",
    "compute_costs",
)
FAN_END_YEAR = 2035
PRIOR_MODES = np.round(np.linspace(0.3, 1.5, 25), 3)
LATE_YEAR = 2035  # the IEA Base Case's second figure (1,200 TWh)

#: The rejected prior that the page sets against its own: an elasticity drawn uniformly
#: between these two values, acting on the whole price response.
UNIFORM_ELASTICITY = (0.0, 2.0)
#: Growth a year of the compute a dollar buys, under which Microsoft's implied efficiency is
#: stated (the first is glued into the prose, both head the table's columns).
MS_COMPUTE_PER_DOLLAR_GROWTH = (0.20, 0.40)
#: The conventional segment's trends (efficiency and hardware cost alike) at which the page
#: shows that its energy does not depend on them.
OTHER_TREND_CHECKS = (0.10, 0.30)

# Human labels of the Monte Carlo's inputs (tornado bars, the assumptions table).
INPUT_LABELS = {
    "elasticity": "Price elasticity of demand for compute",
    "chip_progress": "Chip progress (factor on every chip trend, per year)",
    "ambition": "Ambition (factor on both segments' demand growth, per year)",
    "ai_energy_share": "Energy's share of the cost of accelerated computing",
    "other_energy_share": "Energy's share of the cost of conventional computing",
    "pue_horizon": "Power usage effectiveness in the horizon year",
}
SEGMENT_LABELS = {
    "ai": "Accelerated (AI) servers",
    "other": "Conventional servers, storage, networking",
}
DRIVER_LABELS = {
    "ambition": "Ambition (exogenous demand)",
    "energy_price": "Response to cheaper energy (the rebound)",
    "hardware_price": "Response to cheaper hardware (not a rebound)",
    "efficiency": "Efficiency (joules per unit of compute)",
    "pue": "Facility overhead (PUE)",
}
TOKEN_LABELS = {
    "google_tokens": "Google, tokens a month",
    "microsoft_tokens": "Microsoft, tokens a quarter",
}
PRICE_LABELS = {
    "a16z_llmflation": "a16z: cheapest model at MMLU 42 or more",
    "epoch_inference_prices": "Epoch AI: GPT-4's score on PhD-level science",
}

# The Sobol analysis of the point model: its sample size (a power of two; 128 x 14 runs of
# the point model, about a quarter of a second) and the plain labels of its parameters.
SOBOL_N = 128
SOBOL_LABELS = {
    "elasticity": "Price elasticity of demand for compute",
    "efficiency_growth": "AI servers: efficiency growth",
    "hardware_cost_decline": "AI servers: fall of hardware cost",
    "energy_share": "AI servers: energy's share of cost",
    "other_hardware_cost_decline": "Conventional: fall of hardware cost",
    "ai_share": "AI servers' share of base-year electricity",
    "other_efficiency_growth": "Conventional: efficiency growth",
    "other_energy_share": "Conventional: energy's share of cost",
    "pue_best": "Best fleet PUE (lower end of the horizon PUE)",
    "param_compute_exponent": "Parameters against compute (exponent)",
    "active_share_change": "Change in the share of parameters read",
    "bytes_per_param_change": "Change in bytes per parameter",
}


@dataclass(frozen=True)
class Facts:
    """What the data tables say whatever the parameters: read once per tables object, so
    that a sweep over thousands of parameter sets does not redo the table work."""

    chips: dict[str, float]
    bound: dict[str, float]
    bounds: pd.DataFrame
    hardware_cost: pd.DataFrame
    energy_share: dict[str, float]
    microsoft: dict[str, float]
    ai_target_growth: float
    base: dict[tuple[str, int], float]


_FACTS: dict[int, tuple[Mapping[str, pd.DataFrame], Facts]] = {}


def facts(tables: Mapping[str, pd.DataFrame]) -> Facts:
    """The :class:`Facts` of ``tables`` (memoised on the tables object itself)."""
    hit = _FACTS.get(id(tables))
    if hit is not None and hit[0] is tables:
        return hit[1]
    dc = tables["dc_electricity"]
    est = dc[dc["tier"] == "estimated"]
    base = {
        (str(sc), int(y)): model_growth.base_energy_twh(dc, str(sc), int(y))
        for sc, y in set(zip(est["scope"], est["year"], strict=True))
    }
    f = Facts(
        chips=model_h200.chip_facts(tables["accelerators"], tables["growth_trends"]),
        bound=model_market.summary(tables["token_market"]),
        bounds=model_market.bound_table(tables["token_market"]),
        hardware_cost=hardware_cost_rows(tables["efficiency_trends"]),
        energy_share=energy_share_of_hardware_and_energy(tables["compute_costs"]),
        microsoft=msm.microsoft_from_tables(
            tables["microsoft_sustainability"], tables["microsoft_compute_proxies"]
        ),
        ai_target_growth=model_growth.segment_figure(
            tables["dc_segments"], "accelerated_servers", "electricity_growth_per_year"
        ),
        base=base,
    )
    if len(_FACTS) > 8:
        _FACTS.clear()
    _FACTS[id(tables)] = (tables, f)
    return f


# Epoch AI's fits of GPU price-performance (efficiency_trends): the source of the
# accelerated servers' hardware_cost_decline and the range it could take.
HARDWARE_COST_ROWS = {
    "hobbhahn_besiroglu_2022_all": "All GPUs (n = 470), 2006-2021",
    "hobbhahn_besiroglu_2022_ml": "GPUs used in ML research (n = 26), 2006-2021",
}
HARDWARE_COST_DEFAULT_ROW = "hobbhahn_besiroglu_2022_all"


def hardware_cost_rows(efficiency_trends: pd.DataFrame) -> pd.DataFrame:
    """The price-performance rows as yearly falls of hardware cost per FLOP: columns
    ``estimate``, ``doubling``, ``low``, ``high`` (doubling times, years) and ``decline``,
    ``decline_fast``, ``decline_slow`` (``2^(1/doubling) - 1``)."""
    d = efficiency_trends.set_index("estimate").loc[list(HARDWARE_COST_ROWS)]
    out = pd.DataFrame(
        {
            "estimate": list(HARDWARE_COST_ROWS),
            "doubling": d["doubling_time_years"].astype(float).to_numpy(),
            "low": d["doubling_time_low_years"].astype(float).to_numpy(),
            "high": d["doubling_time_high_years"].astype(float).to_numpy(),
        }
    )
    for col, src in (("decline", "doubling"), ("decline_fast", "low"), ("decline_slow", "high")):
        out[col] = np.exp2(1.0 / out[src]) - 1.0
    return out


def energy_share_of_hardware_and_energy(compute_costs: pd.DataFrame) -> dict[str, float]:
    """Epoch AI's shares of full development cost (hardware + energy + R&D staff) restated
    as energy's share of hardware plus energy, the model's denominator: ``energy / (1 -
    staff)``. ``low`` pairs the lowest energy share with the lowest staff share, ``high`` the
    highest with the highest, ``mid`` the midpoints; also the source's own ends (``energy_low``,
    ``energy_high``, ``staff_low``, ``staff_high``)."""
    d = compute_costs.set_index("item")
    e_lo, e_hi = (
        float(d.loc["energy_share_frontier_development_cost", c]) for c in ("low", "high")
    )
    s_lo, s_hi = (float(d.loc["staff_share_frontier_development_cost", c]) for c in ("low", "high"))
    return {
        "low": e_lo / (1.0 - s_lo),
        "high": e_hi / (1.0 - s_hi),
        "mid": 0.5 * (e_lo + e_hi) / (1.0 - 0.5 * (s_lo + s_hi)),
        "energy_low": e_lo,
        "energy_high": e_hi,
        "staff_low": s_lo,
        "staff_high": s_hi,
    }


@dataclass(frozen=True)
class Evaluation:
    P: Params
    tables: Mapping[str, pd.DataFrame] = field(repr=False)
    facts: Facts = field(repr=False)
    base_twh: float
    #: Parts of the evaluation already being computed in a child process (see
    #: :func:`evaluate`'s ``ahead``), by the name of the property they give.
    ahead: Mapping[str, background.Pending[Any]] = field(
        default_factory=dict, repr=False, compare=False
    )

    # The Monte Carlo in steps, each computed on first use: the headlines need only the
    # draws, the horizon energy of each draw and the flip elasticities at the medians; the
    # page's charts and prose need the rest (``mc``), computed from the same draws.
    @cached_property
    def prepared(self) -> dict[str, Any]:
        """The Monte Carlo's distributions and seeded draws (see :func:`mcm.prepare`)."""
        return mcm.prepare(self.P, self.base_twh)

    @cached_property
    def energy_draws(self) -> np.ndarray:
        """Horizon-year electricity (TWh) of every draw."""
        return mcm.horizon_energy(self.prepared)

    @cached_property
    def energy(self) -> dict[str, float]:
        """Median, 5th and 95th percentiles and mean of horizon-year electricity (TWh)."""
        if "mc" in self.__dict__:
            return dict(self.mc["energy"])
        return summarize(self.energy_draws)

    @cached_property
    def mc(self) -> dict[str, Any]:
        """The whole Monte Carlo (see :func:`mcm.simulate`), on the draws of ``prepared``."""
        return mcm.simulate(self.P, self.base_twh, prepared=self.prepared, energy=self.energy_draws)

    @cached_property
    def flip(self) -> dict[str, float]:
        """The flip elasticities at the inputs' medians (see :func:`mcm.flip_elasticities`)."""
        return mcm.flip_elasticities(self.P, self.prepared["distributions"])

    @property
    def texts_model(self) -> str:
        return "anchored" if self.prepared["anchored"] else "unanchored"

    @property
    def dc(self) -> pd.DataFrame:
        return self.tables["dc_electricity"]

    @property
    def years(self) -> int:
        return self.P.horizon_year - self.P.base_year

    @cached_property
    def backfire(self) -> dict[str, float]:
        return mcm.backfire_summary(self.mc)

    @cached_property
    def h200(self) -> dict[str, float]:
        P = self.P
        return model_h200.h200_case(
            self.facts.chips,
            P.param_compute_exponent,
            P.active_share_change,
            P.bytes_per_param_change,
            P.elasticity,
            P.energy_share,
        )

    @cached_property
    def h200_dense(self) -> dict[str, float]:
        """The same case for dense models in one number format (the proxy the issue named)."""
        return model_h200.h200_case(self.facts.chips, self.P.param_compute_exponent)

    @property
    def bound(self) -> dict[str, float]:
        return self.facts.bound

    @property
    def bounds(self) -> pd.DataFrame:
        return self.facts.bounds

    @property
    def microsoft(self) -> dict[str, float]:
        return self.facts.microsoft

    @cached_property
    def hold_flat(self) -> float:
        return model_growth.efficiency_growth_to_hold_flat(self.P, self.base_twh)

    @cached_property
    def path(self) -> dict[str, np.ndarray]:
        """The point model (central path) from the base year to the fan's end."""
        return model_growth.point_path(
            self.P, self.base_twh, np.arange(0, self.fan_end - self.P.base_year + 1)
        )

    @property
    def fan_end(self) -> int:
        return max(FAN_END_YEAR, self.P.horizon_year)

    @cached_property
    def fan(self) -> pd.DataFrame:
        return mcm.fan_table(self.mc, self.fan_end)

    @cached_property
    def sobol(self) -> pd.DataFrame:
        """Total and first-order Sobol indices of the point model's horizon-year
        electricity over :func:`sensitivity_ranges` (see :func:`sobol_indices`)."""
        if "sobol" in self.ahead:
            return self.ahead["sobol"].result()
        return sobol_indices(self.P, self.base_twh)

    @cached_property
    def tornado(self) -> pd.DataFrame:
        return mcm.sensitivity(self.mc)

    @cached_property
    def mc_other(self) -> dict[str, Any]:
        """The Monte Carlo under the other anchoring (for the comparison in the prose)."""
        return mcm.simulate(self.P, self.base_twh, anchor=not self.prepared["anchored"])

    @cached_property
    def fan_other(self) -> pd.DataFrame:
        """The other anchoring's fan in the year the prose compares (its only use): the same
        quantiles as that year's row of its whole fan."""
        return mcm.fan_table(self.mc_other, FAN_END_YEAR, start_year=FAN_END_YEAR)

    @cached_property
    def uniform(self) -> dict[str, float]:
        return mcm.uniform_elasticity_interval(self.P, self.base_twh, *UNIFORM_ELASTICITY)

    @cached_property
    def decomposition(self) -> pd.DataFrame:
        return model_growth.decomposition(self.P, self.base_twh)

    @cached_property
    def scenarios(self) -> pd.DataFrame:
        return model_growth.scenario_table(self.dc, self.P)

    @cached_property
    def prior_curve(self) -> pd.DataFrame:
        return mcm.backfire_curve(self.mc, PRIOR_MODES)

    @cached_property
    def calibration(self) -> model_growth.Calibration | None:
        """Ambition recalibrated at the current settings (``None`` where the IEA Base Case
        does not apply: another scope, or a base year at or after the break year)."""
        P = self.P
        if P.scope != "World" or P.base_year >= AMBITION_BREAK_YEAR:
            return None
        try:
            return model_growth.calibrate(
                P,
                self.base_twh,
                self.ai_target_growth,
                self.iea_base(AMBITION_BREAK_YEAR),
                self.iea_base(LATE_YEAR),
                LATE_YEAR,
            )
        except ValueError:
            return None

    @property
    def ai_target_growth(self) -> float:
        return self.facts.ai_target_growth

    def iea_base(self, year: int) -> float:
        d = self.dc
        hit = d[(d["scope"] == "World") & (d["case"] == "IEA Base") & (d["year"] == year)]
        return float(hit["energy_twh"].iloc[0])


def evaluate(P: Params, tables: Mapping[str, pd.DataFrame], *, ahead: bool = False) -> Evaluation:
    """The chapter's evaluation under ``P``: each part is computed on first use.

    ``ahead``: start the Sobol indices at once in a child process (see
    :mod:`energybook.background`), so that they are computed on the second core while the
    page computes the rest (they alone import ``scipy.stats``, through SALib). The page asks
    for them last. The same numbers as without (tested)."""
    f = facts(tables)
    base = f.base.get((P.scope, P.base_year))
    if base is None:  # refused by the spec's check; the model names what exists
        base = model_growth.base_energy_twh(tables["dc_electricity"], P.scope, P.base_year)
    mcm.check_years(P)  # a bad horizon is refused here, not on first use
    pending = {"sobol": background.start(sobol_indices, P, base)} if ahead else {}
    return Evaluation(P, tables, f, base, pending)


# Draws in one batch of :func:`headlines_batch` (parameter sets x draws each): bounds the
# memory of the vectorized model (a few arrays of this many pairs of floats).
BATCH_DRAWS = 2**18


def headlines_batch(
    Ps: Sequence[Params], tables: Mapping[str, pd.DataFrame]
) -> list[dict[str, float]]:
    """``headlines(evaluate(P, tables))`` for every parameter set of ``Ps``, in order, with
    the Monte Carlo of the sets that share their non-float fields run together (see
    :func:`mcm.horizon_energy_batch`). The same numbers as one by one, to the last bit
    (tested): only the work is shared."""
    f = facts(tables)
    out: list[dict[str, float] | None] = [None] * len(Ps)
    groups: dict[tuple[Any, ...], list[int]] = {}
    for i, P in enumerate(Ps):
        groups.setdefault(mcm.batch_key(P), []).append(i)
    for idx in groups.values():
        P0 = Ps[idx[0]]
        base = f.base.get((P0.scope, P0.base_year))
        if base is None:  # refused by the spec's check: the point path says why
            for i in idx:
                out[i] = headlines(evaluate(Ps[i], tables))
            continue
        size = max(1, BATCH_DRAWS // P0.n_draws)
        for start in range(0, len(idx), size):
            part = idx[start : start + size]
            group = [Ps[i] for i in part]
            PB = mcm.batch_params(group)
            prepared = mcm.prepare_batch(group, base, PB)
            energy = mcm.horizon_energy_batch(group, base, prepared, PB)
            for i, prep, row, summary in zip(
                part, prepared, energy, summarize_rows(energy), strict=True
            ):
                ev = Evaluation(Ps[i], tables, f, base)
                # what the point path would compute on first use, computed already
                ev.__dict__.update(prepared=prep, energy_draws=row, energy=summary)
                out[i] = headlines(ev)
    return [h for h in out if h is not None]


def sensitivity_ranges(P: Params) -> dict[str, tuple[float, float]]:
    """Plausible ranges of the uncertain inputs for a global (Sobol) sensitivity analysis.
    Sourced where a source gives a range (energy share: Epoch AI's 2-6% of frontier
    development cost restated over hardware and energy alone; the elasticity: the prior's
    support; the PUE: best fleet to today's average); the others are illustrative, about the
    point value."""
    return {
        "elasticity": (0.0, max(P.elasticity_max, P.elasticity)),
        "efficiency_growth": (0.20, 0.40),
        "hardware_cost_decline": (0.25, 0.40),
        "energy_share": (0.028, 0.118),  # 2% / (1 - 29%) to 6% / (1 - 49%), compute_costs
        "other_hardware_cost_decline": (0.0, 0.30),
        "ai_share": (0.10, 0.25),
        "other_efficiency_growth": (0.10, 0.30),
        "other_energy_share": (0.075, 0.30),
        "pue_best": (min(P.pue_best, P.pue), P.pue),
        "param_compute_exponent": (0.4, 0.6),
        "active_share_change": (0.1, 1.0),
        "bytes_per_param_change": (0.25, 1.0),
    }


def sobol_indices(P: Params, base_twh: float, n: int = SOBOL_N) -> pd.DataFrame:
    """Sobol indices (``S1``, ``ST`` and their 95% intervals, one row per parameter) of the
    main headline's quantity, horizon-year data-centre electricity, computed with the
    *point* model's central path (not the Monte Carlo, whose median is the headline): each
    parameter of :func:`sensitivity_ranges` drawn uniformly over its range, ambition held at
    its calibrated value, the elasticity acting on the whole price response (unanchored)."""

    def horizon(Q: Params) -> float:
        return model_growth.horizon_twh(Q, base_twh)

    def horizon_many(PB: Any) -> np.ndarray:
        return model_growth.horizon_twh_batch(PB, base_twh)

    return sobol_core.of_parameters(horizon, P, sensitivity_ranges(P), n, batch=horizon_many)


def _sobol_row(ev: Evaluation, name: str) -> pd.Series:
    return ev.sobol.set_index("parameter").loc[name]


def _sobol_top(ev: Evaluation) -> pd.Series:
    return ev.sobol.sort_values("ST", ascending=False).iloc[0]


def _finite(x: float, cap: float = 1e6) -> float:
    """A headline that may be infinite in a corner of the parameter space, capped so that it
    stays a number (the prose says "more than" there)."""
    return float(min(x, cap)) if not math.isnan(x) else float("nan")


def headlines(ev: Evaluation) -> dict[str, float]:
    energy = ev.energy
    out = {
        "h200_j_per_token_saving_pct": 100.0 * ev.h200["j_per_token_saving"],
        "h200_breakeven_months": _finite(12.0 * ev.h200["breakeven_years"]),
        "energy_median_twh": float(energy["median"]),
        "energy_p05_twh": float(energy["p05"]),
        "energy_p95_twh": float(energy["p95"]),
        "flip_elasticity": _finite(ev.flip["flip_elasticity"]),
        "flip_elasticity_energy_only": _finite(ev.flip["flip_elasticity_energy_only"]),
        "market_elasticity_ratio": ev.bound["median"],
        "microsoft_energy_per_cloud_revenue_pct": 100.0
        * ev.microsoft["energy_per_cloud_revenue_growth"],
    }
    return {h.name: float(out[h.name]) for h in SPEC.headlines}


def _pct(x: Any) -> float:
    return 100.0 * float(x)


def numbers(ev: Evaluation) -> dict[str, float]:
    """Every computed number the prose quotes (beyond the headlines); percentages in
    percent."""
    P, base = ev.P, ev.base_twh
    e, f, s, h = P.elasticity, P.efficiency_growth, P.energy_share, P.hardware_cost_decline
    k, m = 1.0 + f, 1.0 + h
    out: dict[str, float] = {
        "elasticity": e,
        "elasticity_max": P.elasticity_max,
        "efficiency_growth_pct": _pct(f),
        "hardware_cost_decline_pct": _pct(h),
        "energy_share_pct": _pct(s),
        **{f"epoch_{key}_pct": _pct(v) for key, v in ev.facts.energy_share.items()},
        "other_efficiency_growth_pct": _pct(P.other_efficiency_growth),
        "other_hardware_cost_decline_pct": _pct(P.other_hardware_cost_decline),
        "other_energy_share_pct": _pct(P.other_energy_share),
        "base_twh": base,
        "base_year": float(P.base_year),
        "base_pue": P.pue,
        "horizon_year": float(P.horizon_year),
        "break_year": float(AMBITION_BREAK_YEAR),
    }
    # a year of the accelerated servers' chip progress
    cost_all = float(model.cost_ratio(k, s, m))
    cost_energy = float(model.cost_ratio(k, s, 1.0))
    energy_part = s / k - s  # change of the energy part of the cost
    out.update(
        {
            "cost_ratio_all_pct": _pct(cost_all),
            "cost_ratio_energy_pct": _pct(cost_energy),
            "rebound_all_pct": _pct(model.rebound(k, e, s, m)),
            "rebound_energy_pct": _pct(model.rebound(k, e, s, 1.0)),
            "marginal_rebound_pct": _pct(model.marginal_rebound(e, s)),
            "price_fall_energy_part_pct": _pct(energy_part / (cost_all - 1.0)),
            "price_fall_hardware_part_pct": _pct(1.0 - energy_part / (cost_all - 1.0)),
        }
    )
    # H100 -> H200 as rates
    h2, dense = ev.h200, ev.h200_dense
    rows = ev.tables["accelerators"].set_index("chip")
    out.update(
        {
            "h200_bw_old": float(rows.loc["H100 SXM", "memory_bw_tbps"]),
            "h200_bw_new": float(rows.loc["H200 SXM", "memory_bw_tbps"]),
            "h200_power_w": float(rows.loc["H200 SXM", "board_power_w"]),
            "h200_gain": h2["efficiency_gain"],
            "h200_gap_months": 12.0 * h2["gap_years"],
            "h200_gain_per_year": h2["efficiency_gain_per_year"],
            "h200_fleet_gain_per_year": h2["fleet_gain_per_year"],
            "h200_compute_trend": h2["compute_trend"],
            "h200_exponent": P.param_compute_exponent,
            "h200_bytes_per_year": h2["bytes_growth_per_year"],
            "h200_energy_per_token_ratio": h2["energy_per_token_ratio"],
            "h200_dense_bytes_per_year": dense["bytes_growth_per_year"],
            "h200_dense_breakeven_months": _finite(12.0 * dense["breakeven_years"]),
            "h200_active_share_change": P.active_share_change,
            "h200_bytes_per_param_change": P.bytes_per_param_change,
            "h200_rebound_energy_pct": _pct(h2["rebound_energy"]),
            "h200_moe_fp8_bytes_per_year": float(
                model_h200.per_year(
                    model_h200.bytes_per_token_growth(
                        h2["compute_trend"], h2["gap_years"], P.param_compute_exponent, 0.25, 0.5
                    ),
                    h2["gap_years"],
                )
            ),
        }
    )
    # trends of frontier training (applied only to frontier training)
    trend = model_growth.growth_table(ev.tables["growth_trends"]).set_index("metric")
    fr = trend.loc["training_compute_frontier"]
    hw = float(trend.loc["hardware_efficiency", "factor_per_year"])
    out.update(
        {
            "frontier_compute_low": float(fr["factor_per_year_low"]),
            "frontier_compute_high": float(fr["factor_per_year_high"]),
            "hardware_efficiency_factor": hw,
            "frontier_energy_factor": float(fr["factor_per_year"]) / hw,
            "frontier_power_factor": float(trend.loc["frontier_training_power", "factor_per_year"]),
            "masanet_instances": float(trend.loc["compute_instances_2010_2018", "value"]),
            "masanet_energy_pct": _pct(float(trend.loc["dc_electricity_2010_2018", "value"]) - 1),
            "masanet_pue_pct": _pct(1 - float(trend.loc["pue_2010_2018", "value"])),
            "masanet_efficiency_pct": _pct(
                model_growth.conventional_efficiency_growth(ev.tables["growth_trends"])
            ),
        }
    )
    # the identity example
    ident = model.identity_example(P, ev.tables["accelerators"]).set_index("component")
    adoption = ev.tables["ai_adoption"]
    india = adoption[adoption["country"] == "India"].sort_values("announced")
    out.update(
        {
            "india_people_m": float(india["people"].iloc[-1]) / 1e6,
            "india_earlier_people_m": float(india["people"].iloc[0]) / 1e6,
            "india_target_year": float(india["target_year"].iloc[-1]),
            "users_m": P.users / 1e6,
            "uses_per_day": P.uses_per_user_per_day,
            "identity_flop_per_j": float(ident.loc["training", "flop_per_j"]),
            "identity_training_twh": float(ident.loc["training", "energy_twh"]),
            "identity_inference_twh": float(ident.loc["inference", "energy_twh"]),
            "identity_share_of_base_pct": 100 * float(ident.loc["total", "energy_twh"]) / base,
        }
    )
    # the segments and the central path
    seg = model_growth.segments_of(P)
    path = ev.path
    T = ev.years
    out.update(
        {
            "ai_share_pct": _pct(P.ai_share),
            "ai_it_share_pct": _pct(seg.share[0]),
            "ai_target_growth_pct": _pct(ev.ai_target_growth),
            "conventional_growth_pct": _pct(
                model_growth.segment_figure(
                    ev.tables["dc_segments"], "conventional_servers", "electricity_growth_per_year"
                )
            ),
            "demand_growth_pct": _pct(P.demand_growth),
            "other_demand_growth_pct": _pct(P.other_demand_growth),
            "late_ambition_ratio": P.late_ambition_ratio,
            "energy_share_horizon_pct": _pct(path["energy_share"][T, 0]),
            "central_pue": P.pue * model_growth.central_pue_ratio(P),
            "central_twh": float(path["facility_twh"][T]),
            "ai_horizon_share_pct": _pct(path["segment_twh"][T, 0] / path["facility_twh"][T]),
            "ai_it_growth_pct": _pct((path["it_share"][T, 0] / seg.share[0]) ** (1 / T) - 1),
            "other_it_growth_pct": _pct((path["it_share"][T, 1] / seg.share[1]) ** (1 / T) - 1),
            "iea_base_twh": ev.iea_base(AMBITION_BREAK_YEAR),
            "iea_base_late_twh": ev.iea_base(LATE_YEAR),
        }
    )
    # decomposition
    dec = ev.decomposition.set_index("driver")["contribution"]
    for key in model_growth.DRIVERS:
        out[f"dec_{key}_twh"] = float(dec[key])
    out["dec_total_twh"] = float(dec.sum())
    out["dec_end_twh"] = base + out["dec_total_twh"]
    dec_seg = ev.decomposition.set_index("driver")
    orders = model_growth.energy_channel_orderings(P, base).set_index("segment")
    tot = orders.sum()
    out.update(
        {
            "energy_channel_first_twh": float(tot["energy_first"]),
            "energy_channel_last_twh": float(tot["energy_last"]),
            "energy_channel_shapley_twh": float(tot["shapley"]),
            "energy_channel_proportional_twh": float(tot["proportional"]),
            "energy_channel_other_twh": float(dec_seg.loc["energy_price", "other_twh"]),
            "energy_channel_other_share_pct": _pct(
                float(dec_seg.loc["energy_price", "other_twh"])
                / float(dec_seg.loc["energy_price", "contribution"])
            )
            if float(dec_seg.loc["energy_price", "contribution"]) != 0.0
            else 0.0,
            "energy_channel_other_shapley_pct": _pct(
                float(orders.loc["other", "shapley"]) / float(tot["shapley"])
            )
            if float(tot["shapley"]) != 0.0
            else 0.0,
        }
    )
    # forecasts restated
    sc = ev.scenarios
    for name, scope, year, key in (
        ("LBNL Low", "United States", 2028, "lbnl_low"),
        ("LBNL High", "United States", 2028, "lbnl_high"),
        ("IEA Electricity 2024 High", "World (incl. crypto)", 2026, "iea24_high"),
        ("IEA Headwinds", "World", 2035, "iea_headwinds"),
        ("IEA Lift-Off", "World", 2035, "iea_lift_off"),
        ("IEA Base", "World", AMBITION_BREAK_YEAR, "iea_base"),
    ):
        row = sc[
            (sc["scenario"] == name) & (sc["scope"] == scope) & (sc["horizon_year"] == year)
        ].iloc[0]
        out[f"{key}_net_pct"] = _pct(row["implied_net_growth"])
    # AI's own market
    b, bt = ev.bound, ev.bounds
    flip_now = ev.backfire["flip_elasticity"]
    tm = model_market.annualised(ev.tables["token_market"]).set_index("series")
    google = tm.loc[["google_tokens"]].sort_values("start_date").iloc[0]
    epoch = tm.loc["epoch_inference_prices"]
    out.update(
        {
            "bound_min": b["min"],
            "bound_max": b["max"],
            "bound_n": b["n"],
            "bounds_min": b["range_low"],
            "bounds_max": b["range_high"],
            "bounds_below_flip": float((bt["bound"] < flip_now).sum()),
            "google_token_growth": float(google["per_year"]),
            "epoch_price_fall": 1.0 / float(epoch["per_year"]),
            "epoch_price_fall_slow": 1.0 / float(epoch["per_year_high"]),
            "epoch_price_fall_fast": 1.0 / float(epoch["per_year_low"]),
            "epoch_window_years": float(epoch["years"]),
        }
    )
    # Microsoft
    ms = ev.microsoft
    mst = ev.tables["microsoft_sustainability"]
    t = mst[mst["fiscal_year"] == 2024].set_index("metric")
    out.update(
        {
            "ms_energy_change_pct": float(t.loc["energy_use", "change_pct"]),
            "ms_emissions_change_pct": float(t.loc["total_emissions", "change_pct"]),
            "ms_energy_growth_pct": _pct(ms["energy_growth"]),
            "ms_emissions_per_energy": ms["emissions_per_energy_factor"],
            "ms_cloud_growth_pct": _pct(ms["cloud_revenue_growth"]),
            "ms_capex_growth_pct": _pct(ms["capital_expenditure_growth"]),
            "ms_energy_per_capex_pct": _pct(ms["energy_per_capital_expenditure_growth"]),
            "ms_efficiency_if_20_pct": _pct(
                msm.implied_efficiency_growth(
                    ms["energy_factor"],
                    ms["cloud_revenue_factor"],
                    ms["years"],
                    MS_COMPUTE_PER_DOLLAR_GROWTH[0],
                )
            ),
            "ms_compute_per_dollar_growth_pct": 100 * MS_COMPUTE_PER_DOLLAR_GROWTH[0],
        }
    )
    # uncertainty
    mc, other = ev.mc, ev.mc_other
    anch = mc if mc["anchored"] else other
    unan = other if mc["anchored"] else mc
    fan = ev.fan.set_index("year")
    fan_u = ev.fan_other.set_index("year") if mc["anchored"] else fan
    lo35, hi35 = mcm.iea_case_range(ev.dc)
    bf = ev.backfire
    curve = ev.prior_curve.set_index("mode")
    out.update(
        {
            "central_mc_twh": mcm.central_twh(mc),
            "median_gap_pct": abs(_pct(float(mc["energy"]["median"]) / mcm.central_twh(mc) - 1.0)),
            "anchored_ratio": float(anch["energy"]["p95"]) / float(anch["energy"]["p05"]),
            "unanchored_median_twh": float(unan["energy"]["median"]),
            "unanchored_p05_twh": float(unan["energy"]["p05"]),
            "unanchored_p95_twh": float(unan["energy"]["p95"]),
            "unanchored_ratio": float(unan["energy"]["p95"]) / float(unan["energy"]["p05"]),
            "uniform_ratio": ev.uniform["ratio"],
            "uniform_elasticity_low": UNIFORM_ELASTICITY[0],
            "uniform_elasticity_high": UNIFORM_ELASTICITY[1],
            "iea_case_spread_pct": _pct(mcm.iea_case_spread(ev.dc)),
            "growth_spread_pct": _pct(P.growth_spread),
            "chip_spread_pct": _pct(P.chip_spread),
            "ambition_spread_pct": _pct(math.expm1(mcm.Z95 * mcm.ambition_sigma(P, base))),
            "elasticity_prior_median": mc["distributions"]["elasticity"].median(),
            "iea_2035_low_twh": lo35,
            "iea_2035_high_twh": hi35,
            "iea_2035_ratio": hi35 / lo35,
            "fan_2035_p05_twh": float(fan.loc[FAN_END_YEAR, "p05"]),
            "fan_2035_p95_twh": float(fan.loc[FAN_END_YEAR, "p95"]),
            "fan_2035_ratio": float(fan.loc[FAN_END_YEAR, "p95"] / fan.loc[FAN_END_YEAR, "p05"]),
            "fan_u_2035_p05_twh": float(fan_u.loc[FAN_END_YEAR, "p05"]),
            "fan_u_2035_p95_twh": float(fan_u.loc[FAN_END_YEAR, "p95"]),
            "iea_2035_mid_twh": math.sqrt(lo35 * hi35),
            "p_energy_above_base_pct": _pct(
                np.mean(np.asarray(mc["samples"]["energy_twh"]) > base)
            ),
            "chip_progress_pct": _pct(bf["p_chip_progress"]),
            "backfire_probability_pct": _pct(bf["p_backfire"]),
            "backfire_energy_only_pct": _pct(bf["p_backfire_energy_only"]),
            "rebound_median_pct": _pct(bf["rebound_median"]),
            "prior_above_flip_pct": _pct(
                mcm.prior_mass_above(bf["flip_elasticity"], P.elasticity, P.elasticity_max)
            ),
            "p_backfire_mode_low_pct": _pct(curve["p_backfire"].iloc[0]),
            "p_backfire_mode_high_pct": _pct(curve["p_backfire"].iloc[-1]),
            "prior_mode_low": float(PRIOR_MODES[0]),
            "prior_mode_high": float(PRIOR_MODES[-1]),
            "flip_elasticity_other": float(
                model.backfire_elasticity(
                    1.0 + P.other_efficiency_growth,
                    P.other_energy_share,
                    1.0 + P.other_hardware_cost_decline,
                )
            ),
            "efficiency_growth_to_hold_flat_pct": _finite(100.0 * ev.hold_flat),
            "hold_flat_gap_pct": _pct(ev.hold_flat - f),
            "hold_flat_gap_other_pct": _pct(ev.hold_flat - P.other_efficiency_growth),
            "late_ai_ambition_pct": _pct((1.0 + P.demand_growth) ** P.late_ambition_ratio - 1.0),
            "late_other_ambition_pct": _pct(
                (1.0 + P.other_demand_growth) ** P.late_ambition_ratio - 1.0
            ),
            "flip_approx": _finite(math.log(k) / math.log(m)) if m > 1.0 else 1e6,
        }
    )
    hc = ev.facts.hardware_cost.set_index("estimate")
    for key, est in (("all", "hobbhahn_besiroglu_2022_all"), ("ml", "hobbhahn_besiroglu_2022_ml")):
        row = hc.loc[est]
        for tag, col in (("", "decline"), ("_fast", "decline_fast"), ("_slow", "decline_slow")):
            out[f"h_{key}{tag}_pct"] = _pct(row[col])
            out[f"flip_h_{key}{tag}"] = _finite(
                float(model.backfire_elasticity(k, s, 1.0 + float(row[col])))
            )
        out[f"h_{key}_doubling"] = float(row["doubling"])
    es = ev.facts.energy_share
    out["flip_energy_share_low"] = float(model.backfire_elasticity(k, es["low"], m))
    out["flip_energy_share_high"] = float(model.backfire_elasticity(k, es["high"], m))
    # the conventional segment at its defaults: energy does not depend on its efficiency
    T = ev.years
    t = np.array([0.0, float(T)])
    f_low, f_high = OTHER_TREND_CHECKS
    out["other_f_low_pct"], out["other_f_high_pct"] = 100 * f_low, 100 * f_high
    for tag, other_f, other_h in (
        ("f_low", f_low, f_low),
        ("f_high", f_high, f_high),
        ("now", P.other_efficiency_growth, P.other_hardware_cost_decline),
        ("h_zero", P.other_efficiency_growth, 0.0),
    ):
        varied = dc_replace(P, other_efficiency_growth=other_f, other_hardware_cost_decline=other_h)
        out[f"other_twh_{tag}"] = float(
            model_growth.point_path(varied, base, t)["segment_twh"][1, 1]
        )
    # the Sobol indices of the point model's horizon-year electricity
    top, el, hw = (
        _sobol_top(ev),
        _sobol_row(ev, "elasticity"),
        _sobol_row(ev, "hardware_cost_decline"),
    )
    out.update(
        {
            "sobol_top_st": float(top["ST"]),
            "sobol_top_st_conf": float(top["ST_conf"]),
            "sobol_elasticity_s1": float(el["S1"]),
            "sobol_elasticity_st": float(el["ST"]),
            "sobol_hardware_s1": float(hw["S1"]),
            "sobol_hardware_st": float(hw["ST"]),
            "sobol_n": float(SOBOL_N),
        }
    )
    return {k2: float(v) for k2, v in out.items()}


def texts(ev: Evaluation) -> dict[str, str]:
    anchored = bool(ev.mc["anchored"])
    b, flip = ev.bound, ev.backfire["flip_elasticity"]
    h2 = ev.h200
    below = int((ev.bounds["bound"] < flip).sum())
    side = "below" if b["median"] < flip else "above"
    if b["min"] > flip or b["max"] < flip:
        spread_note = f"every pairing {side} it"
    else:
        spread_note = (
            f"{below} of the {len(ev.bounds)} pairings below it and {len(ev.bounds) - below} above"
        )
    bound_verdict = (
        f"the median ratio lies {side} it, with {spread_note}; since the ratio's "
        "bias can run either way, AI's own market neither confirms nor rules "
        "out backfire"
    )
    if h2["bytes_growth_per_year"] > h2["efficiency_gain_per_year"]:
        rate_verdict = "grow faster than the chip's gain, so energy per token rises"
    else:
        rate_verdict = "grow no faster than the chip's gain, so energy per token falls"
    if ev.P.active_share_change == 1.0 and ev.P.bytes_per_param_change == 1.0:
        rate_verdict = (
            "on the proxy's assumptions (dense models in one number format, bytes "
            "driven by the training compute of notable models, not measured on "
            "served models) the bytes " + rate_verdict + ": the proxy's verdict, "
            "not a measurement"
        )
    else:
        rate_verdict = "the bytes " + rate_verdict
    cal = ev.calibration
    if cal is None:
        calibration_note = (
            "At the current settings the IEA Base Case cannot be reproduced (another scope, a "
            "base year at or after the break year, or targets out of reach), so the defaults "
            "stand as given"
        )
    else:
        calibration_note = (
            f"At the current settings the calibration gives {100 * cal.demand_growth:.1f}%, "
            f"{100 * cal.other_demand_growth:.1f}% and {cal.late_ambition_ratio:.2f}: change a "
            "parameter and the defaults no longer reproduce the IEA"
        )
    dec = ev.decomposition.set_index("driver")["contribution"]
    price = float(dec["hardware_price"] + dec["energy_price"])
    price_split = (
        f"{100 * float(dec['hardware_price']) / price:.0f}% of the whole price response"
        if abs(price) > 1e-9
        else "with no price response at all"
    )
    gap = float(ev.mc["energy"]["median"]) - mcm.central_twh(ev.mc)
    ms = ev.microsoft
    d_growth = 100.0 * (ms["energy_growth"] - ms["cloud_revenue_growth"])
    if abs(d_growth) < 1.0:
        ms_pace = "about as fast as its cloud business"
    elif d_growth > 0:
        ms_pace = f"{d_growth:.1f} points a year faster than its cloud business"
    else:
        ms_pace = f"{-d_growth:.1f} points a year more slowly than its cloud business"
    flat = 100.0 * float(
        msm.implied_efficiency_growth(
            ms["energy_factor"], ms["cloud_revenue_factor"], ms["years"], 0.0
        )
    )
    if abs(flat) < 1.0:
        ms_flat = f"the fleet's efficiency changed {flat:+.1f}% a year, hardly at all"
    elif flat > 0:
        ms_flat = f"the fleet's efficiency improved {flat:.1f}% a year"
    else:
        ms_flat = f"the fleet's efficiency worsened {-flat:.1f}% a year"
    fan = ev.fan.set_index("year")
    lo35, hi35 = mcm.iea_case_range(ev.dc)
    fan_ratio = float(fan.loc[FAN_END_YEAR, "p95"] / fan.loc[FAN_END_YEAR, "p05"])
    fan_mid = math.sqrt(float(fan.loc[FAN_END_YEAR, "p05"] * fan.loc[FAN_END_YEAR, "p95"]))
    iea_ratio, iea_mid = hi35 / lo35, math.sqrt(lo35 * hi35)
    if abs(math.log(fan_ratio / iea_ratio)) < 0.02:
        width = "The fan is about as wide as the IEA's range"
    elif fan_ratio > iea_ratio:
        width = (
            "The fan is wider because the drawn elasticity, acting on chip progress away "
            "from its trend, adds a spread of its own"
        )
    else:
        width = "The fan is narrower than the IEA's range"
    iea_base = ev.iea_base(LATE_YEAR)
    if fan_mid > iea_mid * 1.01:
        place = (
            "it sits higher because its centre is the Base Case, which lies above the "
            "geometric middle of the IEA's range"
            if iea_base > iea_mid
            else "it sits higher than the IEA's range"
        )
    elif fan_mid < iea_mid * 0.99:
        place = "it sits lower than the middle of the IEA's range"
    else:
        place = "it is centred on the middle of the IEA's range"
    return {
        **_sobol_texts(ev),
        "scope": ev.P.scope,
        "median_gap_side": "below" if gap < 0 else "above",
        "calibration_note": calibration_note,
        "price_split": price_split,
        "mc_model": "anchored" if anchored else "unanchored",
        "mc_other": "unanchored" if anchored else "anchored",
        "bound_verdict": bound_verdict,
        "google_period": _period(ev, "google_tokens"),
        "epoch_period": _period(ev, "epoch_inference_prices"),
        "rate_verdict": rate_verdict,
        "ms_pace": ms_pace,
        "ms_flat": ms_flat,
        "ms_period": f"fiscal {ms['base_fiscal_year']:.0f} to {ms['fiscal_year']:.0f}",
        "fan_width": width,
        "fan_place": place,
    }


def _in_sentence(label: str) -> str:
    """A label inside a sentence: "Price elasticity" -> "price elasticity", "AI" stays."""
    return label[:1].lower() + label[1:] if label[1:2].islower() else label


# An index gap (total minus first-order) above this is read as an interaction.
SOBOL_INTERACTION_GAP = 0.05


def _sobol_texts(ev: Evaluation) -> dict[str, str]:
    """The phrases of the Sobol paragraph and caption: the top parameter, whether the
    intervals rank it, and what the gaps between total and first-order indices show."""
    t = ev.sobol.sort_values("ST", ascending=False)
    top, second = t.iloc[0], t.iloc[1]
    el, hw = _sobol_row(ev, "elasticity"), _sobol_row(ev, "hardware_cost_decline")
    top_label = _in_sentence(SOBOL_LABELS[str(top["parameter"])])
    second_label = _in_sentence(SOBOL_LABELS[str(second["parameter"])])
    if sobol_core.separated(ev.sobol):
        rank = f'the intervals separate it from the next, "{second_label}"'
    else:
        rank = (
            f'the intervals do not separate it from the next, "{second_label}", at '
            f"N = {SOBOL_N}, so the two cannot be ranked"
        )
    hw_gap = float(hw["ST"]) - max(float(hw["S1"]), 0.0)
    el_gap = float(el["ST"]) - max(float(el["S1"]), 0.0)
    hw_s1 = (
        "indistinguishable from zero"
        if abs(float(hw["S1"])) <= float(hw["S1_conf"])
        else f"{float(hw['S1']):.2f}"
    )
    if el_gap > SOBOL_INTERACTION_GAP:
        el_note = (
            "the elasticity's total index exceeds its first-order one, so part of its "
            "effect depends on the other inputs, above all on how fast hardware cost "
            "falls"
        )
    else:
        el_note = "the elasticity acts mostly alone (its first-order index is close to its total)"
    if hw_gap > SOBOL_INTERACTION_GAP:
        hw_note = (
            f"; the interaction shows on the other side: the fall of hardware cost acts "
            f"almost only through it (first-order index {hw_s1}, total "
            f"{float(hw['ST']):.2f}), because how much cheaper hardware raises demand "
            "depends on the elasticity, and with no elasticity it raises nothing. A "
            "one-at-a-time chart cannot show that"
        )
    else:
        hw_note = (
            "; the fall of hardware cost shows no interaction worth the name at these "
            "ranges (its total index is close to its first-order one)"
        )
    return {"sobol_top": top_label, "sobol_rank": rank, "sobol_interaction": el_note + hw_note}


def _period(ev: Evaluation, series: str) -> str:
    """The first period of ``series`` in the token_market table, as "May 2024 to May 2025"."""
    d = ev.tables["token_market"]
    row = d[d["series"] == series].sort_values("start_date").iloc[0]
    return f"{pd.Timestamp(row['start_date']):%B %Y} to {pd.Timestamp(row['end_date']):%B %Y}"


def captions(ev: Evaluation) -> dict[str, str]:
    P = ev.P
    n: dict[str, Any] = dict(_caption_numbers(ev))
    tx = _sobol_texts(ev)
    n.update({"sobol_top": tx["sobol_top"], "sobol_top_st": float(_sobol_top(ev)["ST"])})
    return {
        "rebound_cases": (
            "How rebound, the share of one year's engineering saving from the accelerated "
            "servers' chip progress that the demand it induces takes back (per cent of the "
            "saving), changes with the price elasticity of demand from 0 to 3, in three "
            "cases: both energy and hardware cost per FLOP falling, the energy credit alone "
            f"at energy's share of the cost ({100 * P.energy_share:.0f}%), and the energy "
            "credit alone with energy the whole cost (rebound reaches 100% at elasticity 1). "
            "Each case is a line; the band above 100% is backfire. Model: constant-elasticity "
            "demand; parameters from the chapter's box."
        ),
        "h200": (
            "Whether the H200's saving survives model growth: it does where the growth per "
            "year of the bytes a model reads per generated token stays below the dashed "
            f"rules, the H200's gain in tokens per joule per year ({n['gain']:.2f}x) and the "
            "trend of memory bandwidth per watt across NVIDIA's data-centre chips "
            f"({n['fleet']:.2f}x). The lines show that growth against the share of its "
            "parameters a model reads (active), one line for each of three number "
            "formats. Sources: the accelerators and growth-trends data tables (data appendix)."
        ),
        "decomposition": (
            "Where the change in data-centre electricity from "
            f"{P.base_year} to {P.horizon_year} comes from, segment by segment: ambition, the "
            "response to cheaper energy per unit of compute, the response to cheaper "
            "hardware, efficiency and the PUE, which sum exactly to the total change. Each "
            "bar is one term of the exact LMDI decomposition. Point parameters, central PUE "
            "path."
        ),
        "fan": (
            "The range of data-centre electricity this chapter's Monte Carlo gives from "
            f"{P.base_year} to {ev.fan_end}, against the published estimates and projections: "
            "the median path as a line, the 50% and 90% intervals as shaded bands, and the "
            "published estimates (blue) and projections (vermilion) as hollow points, one "
            "shape per case, set side by side where two agree. One legend names both bands, "
            "the median and every case. Sources: "
            "the data-centre electricity table (IEA, LBNL); model under the chapter's assumptions."
        ),
        "interval_2035": (
            f"How this chapter's Monte Carlo for data-centre electricity in {FAN_END_YEAR} "
            f"compares with the IEA's cases ({n['lo35']:,.0f} to {n['hi35']:,.0f} TWh): the "
            "90% interval of the Monte Carlo, its median as a point, against the IEA's "
            "range, the Base Case as a point."
        ),
        "tornado": (
            "Which uncertain inputs move horizon-year data-centre electricity most: each bar "
            "spans that electricity as one input moves from its 5th to its 95th percentile "
            "with the others at their medians, largest swing on top. A dashed line marks all "
            "inputs at their medians (the calibrated central path)."
        ),
        "backfire_prior": (
            "How likely a year of the accelerated servers' chip progress is to backfire as "
            f"the mode of the elasticity prior moves from {PRIOR_MODES[0]:.1f} to "
            f"{PRIOR_MODES[-1]:.1f}, beside the prior's own mass above the flip elasticity. "
            f"Dashed rules mark the flip elasticity ({n['flip']:.2f}) and the median ratio of "
            f"token growth to price fall in AI's own market ({n['bound']:.2f}; confounded, "
            "its bias either way)."
        ),
        "sobol": (
            "Which parameter drives the variance of horizon-year data-centre electricity on "
            f"the point model's central path: the largest total Sobol index is that of the "
            f"{n['sobol_top']} ({n['sobol_top_st']:.2f}); {tx['sobol_rank']}. Each bar is a "
            "parameter's total index (its share of the variance, interactions included) with "
            "its 95% bootstrap interval, largest on top, for the point model's central path "
            "(not the Monte Carlo), every parameter drawn uniformly over an assumed range, "
            f"ambition held at its calibrated value, N = {SOBOL_N}."
        ),
        "flip": (
            "How horizon-year data-centre electricity changes with the price elasticity of "
            "demand from 0 to 3, and where a year's chip progress turns from saving energy "
            "to backfiring, other inputs at their point values. Points are coloured by "
            "whether a year's chip progress saves energy or backfires, a dashed rule marks "
            "the flip elasticity, and the scale is logarithmic. Model under the chapter's "
            "assumptions."
        ),
    }


def _caption_numbers(ev: Evaluation) -> dict[str, float]:
    """The few numbers the captions quote."""
    lo35, hi35 = mcm.iea_case_range(ev.dc)
    return {
        "gain": ev.h200["efficiency_gain_per_year"],
        "fleet": ev.h200["fleet_gain_per_year"],
        "lo35": lo35,
        "hi35": hi35,
        "flip": ev.backfire["flip_elasticity"],
        "bound": ev.bound["median"],
    }


# --------------------------------------------------------------------------- reader tables
def table_identity(ev: Evaluation) -> pd.DataFrame:
    ident = model.identity_example(ev.P, ev.tables["accelerators"])
    names = {
        "training": "One frontier training run",
        "inference": "A year of the assumed use",
        "total": "Total",
    }
    return pd.DataFrame(
        {
            "Component": ident["component"].map(names),
            "Compute (FLOP per year)": fmt.column(ident["flop"]),
            "Delivered FLOP per joule": fmt.column(
                [x if np.isfinite(x) else None for x in ident["flop_per_j"]]
            ),
            "Energy (TWh)": fmt.column(ident["energy_twh"]),
            "Share": [f"{s}%" for s in fmt.column(100 * ident["share"], 0)],
        }
    )


def table_segments(ev: Evaluation) -> pd.DataFrame:
    """The two segments: their share and trends, and where the central path takes them."""
    P, path, T = ev.P, ev.path, ev.years
    seg = model_growth.segments_of(P)
    return pd.DataFrame(
        {
            "Segment": [SEGMENT_LABELS[s] for s in model_growth.SEGMENTS],
            f"Share of IT electricity, {P.base_year} (%)": fmt.column(100 * seg.share, 1),
            "Efficiency growth (%/yr)": fmt.column(100 * seg.efficiency_growth, 1),
            "Hardware cost decline (%/yr)": fmt.column(100 * seg.hardware_cost_decline, 1),
            f"Energy share of cost, {P.base_year} (%)": fmt.column(100 * seg.energy_share, 1),
            f"Energy share of cost, {P.horizon_year} (%)": fmt.column(
                100 * path["energy_share"][T], 1
            ),
            f"Ambition to {AMBITION_BREAK_YEAR} (%/yr, calibrated)": fmt.column(
                100 * seg.demand_growth, 1
            ),
            f"Electricity, {P.horizon_year} (TWh)": fmt.column(path["segment_twh"][T], 0),
        }
    )


def table_scenarios(ev: Evaluation) -> pd.DataFrame:
    """The published forecasts restated: their net growth, and the ambition shift with which
    the model reproduces them (by construction)."""
    t = ev.scenarios
    return pd.DataFrame(
        {
            "Forecast": t["scenario"],
            "Scope": t["scope"],
            "From": [
                f"{int(y)}: {v:,.0f} TWh"
                for y, v in zip(t["base_year"], t["base_twh"], strict=True)
            ],
            "To": [
                f"{int(y)}: {v:,.0f} TWh"
                for y, v in zip(t["horizon_year"], t["published_twh"], strict=True)
            ],
            "Energy growth (%/yr)": fmt.column(100 * t["implied_net_growth"], 1),
            "Ambition shift against the calibration (%/yr)": fmt.column(
                100 * t["ambition_shift"], 1, sign=True
            ),
            "Model (TWh)": fmt.column(t["model_twh"], 0),
            "Arithmetic check (error, %)": fmt.column(t["error_pct"], 3),
        }
    )


def table_bounds(ev: Evaluation) -> pd.DataFrame:
    """Every pairing of tokens served and price per token at fixed capability, each with its
    own period (the periods do not match)."""
    b = ev.bounds
    tm = ev.tables["token_market"].set_index("series")
    price_period = {
        sname: f"{pd.Timestamp(r['start_date']):%b %Y} to {pd.Timestamp(r['end_date']):%b %Y}"
        for sname, r in tm[tm["metric"] == "price_at_fixed_capability"].iterrows()
    }
    return pd.DataFrame(
        {
            "Tokens served": b["tokens"].map(TOKEN_LABELS),
            "Tokens period": [
                f"{pd.Timestamp(a):%b %Y} to {pd.Timestamp(c):%b %Y}"
                for a, c in zip(b["tokens_start"], b["tokens_end"], strict=True)
            ],
            "Tokens, growth per year (x)": fmt.column(b["token_growth"], 1),
            "Price at fixed capability": b["price"].map(PRICE_LABELS),
            "Price period": b["price"].map(price_period),
            "Price, fall per year (x)": fmt.column(1.0 / b["price_ratio"], 0),
            "Ratio of token growth to price fall (confounded)": fmt.column(b["bound"], 2),
            "Range from the price series": [
                f"{lo:.2f} to {hi:.2f}"
                for lo, hi in zip(b["bound_low"], b["bound_high"], strict=True)
            ],
        }
    )


def table_flip_by_hardware_cost(ev: Evaluation) -> pd.DataFrame:
    """The flip elasticity at each hardware-cost trend that Epoch AI's fits allow (the point
    value and the ends of each 95% interval), the other parameters as set."""
    P = ev.P
    k, s = 1.0 + P.efficiency_growth, P.energy_share
    rows = []
    for _, r in ev.facts.hardware_cost.iterrows():
        for label, dcol, hcol in (
            ("central", "doubling", "decline"),
            ("fast end of 95% CI", "low", "decline_fast"),
            ("slow end of 95% CI", "high", "decline_slow"),
        ):
            h = float(r[hcol])
            rows.append(
                {
                    "GPU price-performance fit (Epoch AI)": HARDWARE_COST_ROWS[r["estimate"]],
                    "Reading": label,
                    "Doubling time (years)": fmt.fixed(float(r[dcol]), 2),
                    "Hardware cost decline (%/yr)": fmt.fixed(100 * h, 1),
                    "Flip elasticity": fmt.fixed(
                        float(model.backfire_elasticity(k, s, 1.0 + h)), 2
                    ),
                    "ln(1 + f) / ln(1 + h)": fmt.fixed(math.log(k) / math.log(1.0 + h), 2),
                }
            )
    return pd.DataFrame(rows)


def table_microsoft(ev: Evaluation) -> pd.DataFrame:
    """Microsoft's energy against its compute proxies, and what the identity then implies
    for its fleet's efficiency under stated assumptions."""
    ms = ev.microsoft
    rows = []
    for name, label in (
        ("cloud_revenue", "Cloud revenue"),
        ("capital_expenditure", "Capital spending on property and equipment"),
    ):
        factor, years = ms[f"{name}_factor"], ms["years"]
        growths = [0.0, *MS_COMPUTE_PER_DOLLAR_GROWTH]
        implied = msm.implied_efficiency_growth(ms["energy_factor"], factor, years, growths)
        row = {
            "Proxy of compute": label,
            "Proxy growth (%/yr)": fmt.fixed(100 * ms[f"{name}_growth"], 1),
            "Energy growth (%/yr)": fmt.fixed(100 * ms["energy_growth"], 1),
            "Energy per dollar of the proxy (%/yr)": fmt.fixed(
                100 * ms[f"energy_per_{name}_growth"], 1
            ),
            "Implied efficiency growth if compute per dollar is flat (%/yr)": fmt.fixed(
                100 * float(implied[0]), 1
            ),
        }
        for g, value in zip(growths[1:], implied[1:], strict=True):
            row[f"... if it grows {fmt.number(100 * g)}%/yr"] = fmt.fixed(100 * float(value), 1)
        rows.append(row)
    return pd.DataFrame(rows)


def table_assumptions(ev: Evaluation) -> pd.DataFrame:
    """The declared distributions, one row per uncertain input."""
    dists = ev.mc["distributions"]
    return pd.DataFrame(
        {
            "Input": [INPUT_LABELS[k] for k in dists],
            "Distribution": [d.describe() for d in dists.values()],
            "5th percentile": fmt.column([float(d.ppf(0.05)) for d in dists.values()]),
            "Median": fmt.column([d.median() for d in dists.values()]),
            "95th percentile": fmt.column([float(d.ppf(0.95)) for d in dists.values()]),
        }
    )
