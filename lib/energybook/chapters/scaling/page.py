"""What the scaling page shows besides its charts: glued numbers and phrases, captions and
reader tables. The entry points are those of every chapter (see the overview's page)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from energybook import sobol
from energybook.chapters.measured import model as measured
from energybook.chapters.scaling import (
    model,
    model_delivered,
    model_limits,
    model_memory,
    model_slowdown,
    model_steps,
)
from energybook.chapters.scaling.params import Params
from energybook.chapters.scaling.spec import SPEC

TABLES = ("accelerators", "efficiency_trends", "cmos_limits", "energy_per_op", "gpu_runs")

#: The GEMM sweep of the last figure: N from 1,024 to 6,144 in steps of 32, M fixed.
GEMM_OTHER_DIM = 2048
GEMM_SIZES = range(1024, 6145, 32)
GEMM_TILES = ((128, 128), (256, 128))
GEMM_SMS = 132  # H100 SXM
#: Power and significance of the detectable-slowdown statement, and its break dates.
POWER = 0.8
ALPHA = 0.05
DETECTABLE_BREAKS = 6  # break dates across the search range, for the chart
POWER_SIMULATIONS = 400  # at most; fewer when n_bootstrap is smaller

PRECISION_LABELS: dict[str, str] = {
    "bf16": "BF16",
    "fp32": "FP32",
    "tf32": "TF32",
    "fp16": "FP16",
    "fp8": "FP8",
    "fp4": "FP4",
    "int8": "INT8",
    "lowest": "each chip's lowest floating-point precision",
}

# The published estimates the prose quotes, by their row in efficiency_trends.
KOOMEY = "koomey_2011"
KOOMEY_POST2000 = "koomey_naffziger_2016"
EPOCH_FP32 = "hobbhahn_heim_aydos_2023_fp32"
EPOCH_LEADING = "epoch_2025_leading_ml_hardware_energy"
EPOCH_BANDWIDTH = "epoch_2023_memory_bandwidth"
EPOCH_COMPUTE = "epoch_2023_compute_performance"
REFERENCE_RATES = (KOOMEY, KOOMEY_POST2000, EPOCH_FP32, EPOCH_LEADING)
REFERENCE_LABELS = {
    KOOMEY: "Koomey, computers",
    KOOMEY_POST2000: "Koomey & Naffziger, computers",
    EPOCH_FP32: "Epoch AI, GPUs at FP32",
    EPOCH_LEADING: "Epoch AI, leading ML hardware",
}


def reference_label(published: pd.DataFrame, estimate: str) -> str:
    """A short label of a published rate with its period where one is recorded."""
    r = published.set_index("estimate").loc[estimate]
    period = (
        f", {int(r['period_start'])}-{int(r['period_end'])}"
        if pd.notna(r["period_start"]) and pd.notna(r["period_end"])
        else ""
    )
    return REFERENCE_LABELS[estimate] + period


@dataclass(frozen=True)
class Evaluation:
    P: Params
    tables: Mapping[str, pd.DataFrame]
    table: pd.DataFrame  # efficiency table at P.precision
    by_precision: dict[str, pd.DataFrame]  # the same for bf16, fp32 and lowest
    fit: model.TrendFit  # every product, at P.precision
    variants: dict[str, model.TrendFit]  # every product, one per design, frontier
    frontier_cal: dict[str, float]  # the frontier against the pooled line simulated
    record: dict  # the latest record and the chips after it
    fit_lowest: model.TrendFit
    fit_fp32: model.TrendFit
    summary: pd.DataFrame
    slowdown: dict[str, float]
    detectable: pd.DataFrame  # first row: the break at the median release date
    plateau_power: np.ndarray  # power against a complete stop, same break dates
    robustness: dict[str, float]  # p-values on other samples and another null
    fixed: dict[str, float]
    rolling: pd.DataFrame
    step: dict[str, float]
    steps: pd.DataFrame
    steps_long: pd.DataFrame
    delivered: pd.DataFrame
    memory: pd.DataFrame
    memory_trends: pd.DataFrame
    memory_bound: dict[str, float]
    limit_table: pd.DataFrame  # the chips searched for the best one in the
    limit_from_selection: bool  # limit's format (every chip when none selected)
    limit: dict[str, float]
    limit_years: tuple[float, float]  # years to the limit at the interval's ends
    limit_years_by_trend: dict[str, float]  # years to the limit at each trend's rate
    gemm: pd.DataFrame
    vocab: dict[str, float]
    sobol: pd.DataFrame  # total Sobol indices of the pooled doubling time


#: The analyst's numeric choices of data varied for the Sobol indices of the pooled doubling
#: time, each inside its declared bounds and narrowed so that every combination passes the
#: chapter's check with the book's chip table (a test checks the corners and a grid).
SOBOL_RANGES: dict[str, tuple[float, float]] = {
    "start_year": (2016, 2019),
    "end_year": (2023, 2025),
    "breakpoint_year": (2021.0, 2022.5),
    "window_years": (2.0, 4.0),
}
SOBOL_N = 64  # Saltelli base sample: 64 * (4 + 2) = 384 straight-line fits
SOBOL_LABELS = {
    "start_year": "first release year included",
    "end_year": "last release year included",
    "breakpoint_year": "fixed breakpoint of the two-segment fit",
    "window_years": "width of the rolling windows",
}


def pooled_doubling_time(P: Params, chips: pd.DataFrame) -> float:
    """The pooled doubling time (the main headline's point estimate) of ``chips``, an
    :func:`model.efficiency_table` at ``P.precision`` with no year filter, restricted to
    ``P.start_year``-``P.end_year`` the way ``efficiency_table`` filters (calendar years of
    release, inclusive). The breakpoint and the window do not enter this fit."""
    year = np.floor(chips["year"].to_numpy(dtype=float))
    t = chips[(year >= P.start_year) & (year <= P.end_year)]
    return model.cap_years(
        model.fit_log_trend(t["year"], t["flop_per_j"], P.confidence_level).doubling_time_years
    )


def sobol_indices(
    P: Params,
    accelerators: pd.DataFrame,
    n: int = SOBOL_N,
    ranges: Mapping[str, tuple[float, float]] | None = None,
) -> pd.DataFrame:
    """Total Sobol indices of the pooled doubling time over the analyst's choices of data
    (:data:`SOBOL_RANGES`): sensitivity to those choices, not uncertainty about the chips
    (the fit's sampling uncertainty is in its interval)."""
    sel = {**selection(P), "start_year": None, "end_year": None}
    chips = model.efficiency_table(accelerators, P.precision, **sel)
    return sobol.of_parameters(
        lambda Q: pooled_doubling_time(Q, chips), P, dict(ranges or SOBOL_RANGES), n
    )


def sobol_top(ev: Evaluation) -> tuple[str, float, bool]:
    """The choice with the largest total index, that index, and whether the intervals
    separate it from the next one."""
    top = ev.sobol.sort_values("ST", ascending=False).iloc[0]
    return str(top["parameter"]), float(top["ST"]), sobol.separated(ev.sobol)


def selection(P: Params) -> dict:
    return {
        "vendors": P.vendors,
        "start_year": P.start_year,
        "end_year": P.end_year,
        "include_estimated_power": P.include_estimated_power,
    }


def evaluate(P: Params, tables: Mapping[str, pd.DataFrame]) -> Evaluation:
    acc = tables["accelerators"]
    sel = selection(P)
    level = P.confidence_level
    precisions = dict.fromkeys((P.precision, "bf16", "fp32", "lowest"))
    by = {p: model.efficiency_table(acc, p, **sel) for p in precisions}
    table = by[P.precision]
    x, v = table["year"], table["flop_per_j"]
    variants = model.trend_variants(table, level)
    fit = variants["all products"]
    fit_lowest = model.fit_log_trend(by["lowest"]["year"], by["lowest"]["flop_per_j"], level)
    fit_fp32 = model.fit_log_trend(by["fp32"]["year"], by["fp32"]["flop_per_j"], level)
    summary = model.trend_summary({p: by[p] for p in ("bf16", "fp32", "lowest")}, level=level)
    test = model_slowdown.slowdown_test(
        x, v, n_sim=P.n_bootstrap, seed=P.seed, level=level, alpha=ALPHA
    )
    breaks = np.concatenate(
        [
            [float(np.median(x))],
            np.linspace(test["search_low"], test["search_high"], DETECTABLE_BREAKS),
        ]
    )
    detectable = model_slowdown.detectable_slowdown(
        x,
        fit.residual_sd_log2,
        breaks,
        test["critical"],
        n_sim=min(P.n_bootstrap, POWER_SIMULATIONS),
        seed=P.seed,
        power=POWER,
    )
    plateau = model_slowdown.power_against(
        x,
        fit.residual_sd_log2,
        breaks,
        fit.slope_per_year,
        test["critical"],
        n_sim=min(P.n_bootstrap, POWER_SIMULATIONS),
        seed=P.seed,
    )
    robustness = {"wild_p": model_slowdown.wild_p_value(x, v, P.n_bootstrap, P.seed)}
    for name, sub in (
        ("design", model.one_per_design(table)),
        ("measured_power", table[~table["power_estimated"]]),
    ):
        try:
            r = model_slowdown.slowdown_test(
                sub["year"], sub["flop_per_j"], P.n_bootstrap, P.seed, level, ALPHA
            )
        except ValueError:  # too few chips in that sample to search for a break
            r = {
                "p_value": math.nan,
                "breakpoint_year": math.nan,
                "at_edge": math.nan,
                "n": float(len(sub)),
            }
        robustness.update(
            {
                f"{name}_p": r["p_value"],
                f"{name}_break": r["breakpoint_year"],
                f"{name}_at_edge": r["at_edge"],
                f"{name}_n": r["n"],
            }
        )
    frontier_cal = model.frontier_calibration(x, v, P.n_bootstrap, P.seed, level)
    record = model.last_record(table)
    fixed = model_slowdown.segmented_fit(x, v, P.breakpoint_year)
    rolling = model.rolling_growth(x, v, P.window_years, level=level)
    step = model_steps.step_summary(
        acc, P.hopper_chip, P.blackwell_chip, P.decomposition_precision, P.silicon
    )
    steps, long = model_steps.generation_decomposition(acc, P.decomposition_precision, P.silicon)
    # The measured chapter's reading of its runs (each window on whole counter updates).
    runs = measured.summarize_repeats(measured.window_table(tables["gpu_runs"]))
    delivered = model_delivered.delivered_points(runs, acc)
    delivered = delivered.assign(
        year=model.decimal_year(delivered["release_date"]) if len(delivered) else []
    )
    mw = model_memory.memory_wall_table(acc, P.precision, **sel)
    mwt = model_memory.memory_wall_trends(mw, level)
    mb = model_memory.memory_bound_summary(mw, tables["energy_per_op"])
    cmos = tables["cmos_limits"].iloc[0]
    fmt = str(cmos["number_format"])
    at_fmt = model.efficiency_table(acc, fmt, **sel)
    from_selection = not at_fmt.empty
    if not from_selection:  # no selected chip lists the limit's format: search every chip
        at_fmt = model.efficiency_table(acc, fmt)
    cap = model.cap_years
    limit = model_limits.limit_summary(
        at_fmt, float(cmos["flop_per_j"]), cap(fit.doubling_time_years), P.temperature_k
    )
    limit_years = tuple(
        float(model_limits.years_to_limit(limit["flop_per_j"], float(cmos["flop_per_j"]), cap(dt)))
        for dt in (fit.doubling_time_low_years, fit.doubling_time_high_years)
    )
    trend_dts = {
        "all products": fit.doubling_time_years,
        "one per design": variants["one per design"].doubling_time_years,
        "frontier, corrected": frontier_cal["doubling_time_years"],
    }
    limit_by_trend = {
        k: float(
            model_limits.years_to_limit(limit["flop_per_j"], float(cmos["flop_per_j"]), cap(dt))
        )
        for k, dt in trend_dts.items()
    }
    gemm = model_memory.gemm_efficiency_curve(GEMM_SIZES, GEMM_OTHER_DIM, GEMM_TILES, GEMM_SMS)
    vocab = model_memory.vocab_padding_example(n_sms=GEMM_SMS)
    indices = sobol_indices(P, acc)
    return Evaluation(
        P,
        tables,
        table,
        by,
        fit,
        variants,
        frontier_cal,
        record,
        fit_lowest,
        fit_fp32,
        summary,
        test,
        detectable,
        plateau,
        robustness,
        fixed,
        rolling,
        step,
        steps,
        long,
        delivered,
        mw,
        mwt,
        mb,
        at_fmt,
        from_selection,
        limit,
        (limit_years[0], limit_years[1]),
        limit_by_trend,
        gemm,
        vocab,
        indices,
    )


# --------------------------------------------------------------------------- numbers
def _best(ev: Evaluation) -> dict:
    return model_limits.best_chip(ev.table)


def _pct_per_year(slope: float) -> float:
    """Growth in percent per year of a slope in doublings per year."""
    return 100.0 * (2.0**slope - 1.0)


def headlines(ev: Evaluation) -> dict[str, float]:
    cap = model.cap_years
    s = ev.step
    best = _best(ev)
    out = {
        "doubling_time_years": cap(ev.fit.doubling_time_years),
        "doubling_time_low_years": cap(ev.fit.doubling_time_low_years),
        "doubling_time_high_years": cap(ev.fit.doubling_time_high_years),
        "frontier_doubling_time_years": cap(ev.variants["frontier"].doubling_time_years),
        "lowest_precision_doubling_time_years": cap(ev.fit_lowest.doubling_time_years),
        "fp32_doubling_time_years": cap(ev.fit_fp32.doubling_time_years),
        "breakpoint_year": ev.slowdown["breakpoint_year"],
        "slowdown_p_value": ev.slowdown["p_value"],
        "detectable_slowdown_per_year": cap(ev.detectable["min_change_per_year"].iloc[0]),
        "hopper_blackwell_throughput": s["throughput"],
        "hopper_blackwell_power": s["power"],
        "hopper_blackwell_transistors": s["transistors"],
        "hopper_blackwell_flop_per_j": s["flop_per_j"],
        "hopper_blackwell_non_efficiency_percent": s["dec_share_non_efficiency_percent"],
        "landauer_orders": math.log10(
            best["j_per_flop"] / model_limits.landauer_limit_j(ev.P.temperature_k)
        ),
        "years_to_cmos_limit": cap(ev.limit["years_to_cmos_limit"]),
        "years_to_cmos_limit_low": cap(ev.limit_years[0]),
        "years_to_cmos_limit_high": cap(ev.limit_years[1]),
    }
    return {h.name: float(out[h.name]) for h in SPEC.headlines}


def _published(ev: Evaluation) -> pd.Series:
    return ev.tables["efficiency_trends"].set_index("estimate")["doubling_time_years"]


def _delivered(ev: Evaluation, chip: str) -> pd.Series | None:
    d = ev.delivered[ev.delivered["chip"] == chip]
    return None if d.empty else d.iloc[0]


def numbers(ev: Evaluation) -> dict[str, float]:
    cap = model.cap_years
    P, bt, seg, s = ev.P, ev.slowdown, ev.fixed, ev.step
    pub = _published(ev)
    last = ev.rolling.iloc[-1]
    mwt = ev.memory_trends.set_index("quantity")
    mb = ev.memory_bound
    lim = ev.limit
    cmos = ev.tables["cmos_limits"].iloc[0]
    design, front = ev.variants["one per design"], ev.variants["frontier"]
    mde = ev.detectable.iloc[0]
    fc, rob = ev.frontier_cal, ev.robustness
    hopper = _delivered(ev, "H100 SXM")
    plateau = 100 * ev.plateau_power
    out = {
        "n_chips": len(ev.table),
        "n_designs": design.n,
        "n_frontier": front.n,
        "n_frontier_estimated": int(model.frontier(ev.table)["power_estimated"].sum()),
        "growth_pct": _pct_per_year(ev.fit.slope_per_year),
        "design_dt": cap(design.doubling_time_years),
        "design_dt_low": cap(design.doubling_time_low_years),
        "design_dt_high": cap(design.doubling_time_high_years),
        "frontier_dt_low": cap(fc["doubling_time_low_years"]),
        "frontier_dt_high": cap(fc["doubling_time_high_years"]),
        "frontier_corrected_dt": cap(fc["doubling_time_years"]),
        "frontier_null_dt": cap(fc["null_median_doubling_time_years"]),
        "frontier_as_fast_pct": 100 * fc["share_as_fast"],
        "record_year": ev.record["year"],
        "record_later": ev.record["later"],
        "frontier_growth_pct": _pct_per_year(front.slope_per_year),
        "fp32_dt_low": cap(ev.fit_fp32.doubling_time_low_years),
        "fp32_dt_high": cap(ev.fit_fp32.doubling_time_high_years),
        "n_fp32": ev.fit_fp32.n,
        "fp32_first_year": math.floor(float(ev.by_precision["fp32"]["year"].min())),
        "koomey_dt": pub[KOOMEY],
        "koomey_post2000_dt": pub[KOOMEY_POST2000],
        "hobbhahn_fp32_dt": pub[EPOCH_FP32],
        "epoch_leading_dt": pub[EPOCH_LEADING],
        # the growth a year that Epoch's headline states, from the row's doubling time
        "epoch_leading_growth_pct": _pct_per_year(1.0 / pub[EPOCH_LEADING]),
        "epoch_bw_dt": pub[EPOCH_BANDWIDTH],
        "epoch_compute_dt": pub[EPOCH_COMPUTE],
        "n_sim": bt["n_sim"],
        "bp_low": bt["breakpoint_year_low"],
        "bp_high": bt["breakpoint_year_high"],
        "dt_before": cap(bt["doubling_time_before_years"]),
        "dt_after": cap(bt["doubling_time_after_years"]),
        "change_low": bt["slope_change_low"],
        "change_high": bt["slope_change_high"],
        "mde_year": mde["break_year"],
        "plateau_power_pct": plateau[0],
        "plateau_miss_pct": 100 - plateau[0],
        "plateau_power_min": float(np.min(plateau[1:])),
        "plateau_power_max": float(np.max(plateau[1:])),
        "mde_min": cap(float(ev.detectable["min_change_per_year"].iloc[1:].min())),
        "mde_max": cap(float(ev.detectable["min_change_per_year"].iloc[1:].max())),
        "fit_slope": ev.fit.slope_per_year,
        "search_low": bt["search_low"],
        "search_high": bt["search_high"],
        "design_p": rob["design_p"],
        "design_break": rob["design_break"],
        "measured_power_p": rob["measured_power_p"],
        "n_measured_power": rob["measured_power_n"],
        "wild_p": rob["wild_p"],
        "power_pct": 100 * POWER,
        "alpha_pct": 100 * ALPHA,
        "residual_factor": 2.0**ev.fit.residual_sd_log2,
        "fixed_bp": P.breakpoint_year,
        "fixed_dt_before": cap(seg["doubling_time_before_years"]),
        "fixed_dt_after": cap(seg["doubling_time_after_years"]),
        "fixed_p": seg["f_test_p"],
        "window_years": P.window_years,
        "roll_dt": cap(last["doubling_time_years"]),
        "hb_power_share": s["power_share_percent"],
        "hb_flop_per_j_share": 100 - s["power_share_percent"],
        "hb_per_transistor": s["throughput_per_transistor"],
        "hb_power_per_transistor": s["power_per_transistor"],
        "hb_total": s["dec_total"],
        "hb_format": s["dec_format"],
        "hb_power": s["dec_power"],
        "hb_efficiency": s["dec_efficiency"],
        "mw_tflops_dt": cap(mwt.loc["tflops", "doubling_time_years"]),
        "mw_bw_dt": cap(mwt.loc["memory_bw_tbps", "doubling_time_years"]),
        "mw_bpf_halving": cap(mwt.loc["byte_per_flop", "halving_time_years"]),
        "mw_bw_per_w_dt": cap(mwt.loc["bw_gbps_per_w", "doubling_time_years"]),
        "fp16_mult_pj": mb["fp16_mult_pj"],
        "dram_lo_pj": mb["dram_read_low_pj"],
        "dram_hi_pj": mb["dram_read_high_pj"],
        "dram_ratio_lo": mb["dram_over_fp16_mult_low"],
        "dram_ratio_hi": mb["dram_over_fp16_mult_high"],
        "hbm_pj": mb["hbm_pj_per_bit"],
        "weight_read_pj": mb["weight_read_pj"],
        "weight_over_fma": mb["weight_read_over_fma"],
        "ridge": mb["newest_ridge_flop_per_byte"],
        "batch1_share": mb["batch1_peak_share_percent"],
        "breakeven_batch": mb["breakeven_batch"],
        "temperature": P.temperature_k,
        "landauer_j": lim["landauer_j"],
        "best_j": _best(ev)["j_per_flop"],
        "cmos_flop_per_j": float(cmos["flop_per_j"]),
        "cmos_orders": lim["cmos_orders_above_landauer"],
        "factor_to_cmos": lim["factor_to_cmos_limit"],
        "cmos_start_year": lim["year"],
        "cmos_years_trend_min": cap(min(ev.limit_years_by_trend.values())),
        "cmos_years_trend_max": cap(max(ev.limit_years_by_trend.values())),
        "years_lowest": cap(
            float(
                model_limits.years_to_limit(
                    lim["flop_per_j"],
                    float(cmos["flop_per_j"]),
                    cap(ev.fit_lowest.doubling_time_years),
                )
            )
        ),
        "gemm_other": GEMM_OTHER_DIM,
        "gemm_sms": GEMM_SMS,
        "first_release_year": math.floor(
            float(ev.tables["accelerators"]["release_date"].map(lambda d: d.year).min())
        ),
        "gemm_min": 100 * ev.gemm["efficiency"].min(),
        "gemm_max": 100 * ev.gemm["efficiency"].max(),
        "vocab": ev.vocab["vocab"],
        "vocab_padded": ev.vocab["padded"],
        "vocab_waves_before": ev.vocab["waves_before"],
        "vocab_waves_after": ev.vocab["waves_after"],
        "sobol_top_total_index": sobol_top(ev)[1],
        "sobol_n": SOBOL_N,
    }
    if hopper is not None:
        out["delivered_power_limit_w"] = float(hopper["power_limit_w"])
        out["h100_delivered_pct"] = 100 * float(hopper["delivered_share"])
        out["h100_delivered_gflop_per_j"] = float(hopper["delivered_flop_per_j"]) / 1e9
        out["h100_peak_gflop_per_j"] = float(hopper["peak_flop_per_j"]) / 1e9
    return {k: float(v) for k, v in out.items()}


def format_years(v: float) -> str:
    """A duration in years for prose: two decimals, or "unbounded" when infinite."""
    return "unbounded" if not math.isfinite(v) else f"{v:.2f}"


def _limit_rate_note(precision: str) -> str:
    if precision == "lowest":
        return (
            "That rate counts each chip's narrowest format, so it includes the gains from "
            "narrowing formats; a fixed-format rate is the relevant one."
        )
    return "A fixed-format rate like this one is the relevant one."


def _slowdown_verdict(ev: Evaluation) -> str:
    bt = ev.slowdown
    if bt["p_value"] < ALPHA:
        return (
            f"The test rejects a straight line at the {100 * ALPHA:.0f}% level: in this "
            "selection the data show a slowdown."
        )
    return (
        f"That is no evidence of a slowdown: a straight line with the same dates and "
        f"normal scatter gives a statistic at least this large {100 * bt['p_value']:.0f}% "
        "of the time."
    )


def _edge_text(ev: Evaluation) -> str:
    bt = ev.slowdown
    k = int(bt["min_each_side"])
    where = (
        f"The search keeps {k} chips on each side of every candidate date, from "
        f"{bt['search_low']:.1f} to {bt['search_high']:.1f}, so the test cannot address a "
        f"break before {bt['search_low']:.1f} (only {k - 1} of the selected chips come "
        "earlier) or after {:.1f}".format(bt["search_high"])
    )
    if bt["at_edge"]:
        return (
            where + ", and the best date lies on the edge of that range: the data prefer "
            "no interior break at all."
        )
    return where + ", and the best date lies inside it, not on its edge."


def _break_interval_text(ev: Evaluation) -> str:
    """Whether the bootstrap interval of the break date is narrower than the search range."""
    bt = ev.slowdown
    width = bt["search_high"] - bt["search_low"]
    spread = bt["breakpoint_year_high"] - bt["breakpoint_year_low"]
    if spread >= 0.9 * width:
        return (
            "that is the whole search range, so the data do not identify a date: the "
            "best-fitting one is not an estimate to quote"
        )
    return "narrower than the search range, but a date is only meaningful if the test rejects"


def _robustness_text(ev: Evaluation) -> str:
    r = ev.robustness
    parts = []
    if math.isfinite(r["design_p"]):
        edge = ", with the best date on the edge of its search range" if r["design_at_edge"] else ""
        parts.append(
            f"with one chip per design ({r['design_n']:.0f} chips, refreshes "
            f"dropped) p = {r['design_p']:.2f}{edge}"
        )
    if math.isfinite(r["measured_power_p"]):
        parts.append(
            f"without the chips whose power is an estimate "
            f"({r['measured_power_n']:.0f} chips) p = {r['measured_power_p']:.2f}"
        )
    parts.append(
        f"against a wild-bootstrap null that keeps each chip's own residual size "
        f"p = {r['wild_p']:.2f}"
    )
    ps = [r[k] for k in ("design_p", "measured_power_p", "wild_p") if math.isfinite(r[k])]
    rejected = sum(p < ALPHA for p in ps)
    verdict = (
        f"none of them rejects a straight line at the {100 * ALPHA:.0f}% level"
        if rejected == 0
        else f"{rejected} of them reject a straight line at the {100 * ALPHA:.0f}% level"
    )
    return "; ".join(parts) + ": " + verdict


def _detectable_text(ev: Evaluation) -> str:
    mde = ev.detectable.iloc[0]
    change = float(mde["min_change_per_year"])
    slope = ev.fit.slope_per_year
    if not math.isfinite(change):
        return (
            "no slowdown of any size within the simulated range would be detected four "
            "times in five at that date."
        )
    after = slope - change
    if after <= 0:
        return (
            f"a fall of {change:.2f} doublings a year, more than the whole fitted growth "
            f"of {slope:.2f}: only a trend that stopped and turned into a decline of "
            f"{-after:.2f} doublings a year would be detected reliably."
        )
    return (
        f"a fall of {change:.2f} doublings a year, from {slope:.2f} to {after:.2f} (a "
        f"doubling time of {1 / after:.1f} years instead of {1 / slope:.1f})."
    )


def _plateau_text(ev: Evaluation) -> str:
    """How often the test would miss a complete stop (growth, then a plateau)."""
    slope = ev.fit.slope_per_year
    year = float(ev.detectable["break_year"].iloc[0])
    miss = 100 * (1 - float(ev.plateau_power[0]))
    mde = ev.detectable["min_change_per_year"].iloc[1:]
    lo, hi = 100 * float(np.min(ev.plateau_power[1:])), 100 * float(np.max(ev.plateau_power[1:]))
    every = (
        f"At every date of the search range the smallest detectable fall "
        f"({float(mde.min()):.2f} doublings a year or more) exceeds the whole fitted growth "
        f"of {slope:.2f}. "
        if float(mde.min()) > slope
        else ""
    )
    return (
        every + f"Even a complete stop, growth ending at {year:.1f} and a plateau after, "
        f"would be missed about {miss:.0f}% of the time; across the search range the test "
        f"catches a complete stop {lo:.0f}% to {hi:.0f}% of the time."
    )


def _format_notes(ev: Evaluation) -> str:
    """What the format factors of the V100 and MI100 steps mean at this precision."""
    out = (
        "The 16-bit formats count as one width, at each chip's fastest 16-bit rate; the V100 "
        "has no BF16, so it enters at FP16."
    )
    acc = ev.tables["accelerators"]
    mi100 = acc[acc["chip"] == "MI100"]
    step = ev.steps[ev.steps["before"] == "MI100"]
    if mi100.empty or step.empty:
        return out
    ratio = float(mi100["fp16_tflops"].iloc[0] / mi100["bf16_tflops"].iloc[0])
    fmt = float(step["format"].iloc[0])
    label = PRECISION_LABELS[ev.P.decomposition_precision]
    rate = f"The MI100 runs FP16 at {ratio:.0f} times its BF16 rate"
    if math.isfinite(fmt) and abs(fmt - 1.0) > 1e-9:
        return out + (
            f" {rate}, so at {label} its step to the {step['after'].iloc[0]} shows a "
            f"format factor of {fmt:.2f}: a slower mode of the same width, not "
            "narrower numbers."
        )
    return out + (
        f" {rate}; counted at its fastest 16-bit rate, its step to the "
        f"{step['after'].iloc[0]} shows no change of format."
    )


def _step_verdict(ev: Evaluation) -> str:
    s = ev.step
    if s["dec_efficiency"] >= 1:
        return (
            f"FLOP per joule at a fixed format rose {s['dec_efficiency']:.2f} times, so "
            "part of the gain is efficiency; the rest is power and narrower numbers."
        )
    return (
        f"FLOP per joule at a fixed format fell (a factor of {s['dec_efficiency']:.2f}): "
        "the whole gain, and more, is power and narrower numbers."
    )


def _where_in(dt: float, fit: model.TrendFit, name: str) -> str:
    if fit.doubling_time_low_years <= dt <= fit.doubling_time_high_years:
        return f"inside the {name}'s interval"
    if dt < fit.doubling_time_low_years:
        return f"faster than the {name}'s interval"
    return f"slower than the {name}'s interval"


def _koomey_comparison(ev: Evaluation) -> str:
    return _where_in(float(_published(ev)[KOOMEY_POST2000]), ev.fit, "pooled fit")


def _epoch_comparison(ev: Evaluation) -> str:
    dt = float(_published(ev)[EPOCH_LEADING])
    fc = ev.frontier_cal
    if fc["doubling_time_low_years"] <= dt <= fc["doubling_time_high_years"]:
        where = "inside the corrected frontier interval"
    elif dt < fc["doubling_time_low_years"]:
        where = "faster than the corrected frontier interval"
    else:
        where = "slower than the corrected frontier interval"
    return (
        f"{where} and {_where_in(dt, ev.fit, 'pooled fit')}; but the page does not state "
        "the number format or how 'leading' hardware is chosen, so it may not measure the "
        "same quantity, and neither position is agreement or disagreement"
    )


def _fp32_vendors_text(ev: Evaluation) -> str:
    fp32 = set(ev.by_precision["fp32"]["vendor"])
    missing = [v for v in ev.P.vendors if v not in fp32]
    have = [v for v in ev.P.vendors if v in fp32]
    if not missing:
        return f"this fit covers every selected vendor ({', '.join(have)})"
    return (
        f"{' and '.join(missing)} publish no FP32 peaks for these chips, so this fit covers "
        f"{' and '.join(have)} only"
    )


def _closing_step(ev: Evaluation) -> str:
    """The closing sentence on the Hopper -> Blackwell step: the split at one fixed format
    (BF16), which needs no convention on how to count a narrower operation; the
    narrowest-format split only with its convention named."""
    s = ev.step
    power = s["power_share_percent"]
    return (
        f"of the step from {ev.P.hopper_chip} to {ev.P.blackwell_chip} at one fixed "
        f"format (BF16), on a logarithmic scale, {power:.0f}% came from more power and "
        f"{100 - power:.0f}% from more FLOP per joule (an identity of the definitions, "
        "not a finding about why); the larger share credited to power and narrower "
        f"numbers at each chip's narrowest format "
        f"({s['dec_share_non_efficiency_percent']:.0f}%) counts a narrower operation as "
        "one operation of the wider format, an accounting convention"
    )


def _efficiency_by_line(ev: Evaluation) -> str:
    parts = []
    for line, g in ev.steps.groupby("line", sort=False):
        vals = ", ".join("n/a" if not math.isfinite(v) else f"{v:.2f}x" for v in g["efficiency"])
        parts.append(f"{line} {vals}")
    return "; ".join(parts)


def texts(ev: Evaluation) -> dict[str, str]:
    P = ev.P
    last = ev.rolling.iloc[-1]
    best = _best(ev)
    fp4 = model_limits.best_chip(ev.limit_table)["chip"]
    front = model.frontier(ev.table)
    return {
        "precision_label": PRECISION_LABELS[P.precision],
        "decomposition_label": PRECISION_LABELS[P.decomposition_precision],
        "level_label": f"{100 * P.confidence_level:.0f}%",
        "years_label": f"{P.start_year}-{P.end_year}",
        "vendors_label": ", ".join(P.vendors),
        "hopper": P.hopper_chip,
        "blackwell": P.blackwell_chip,
        "dt_high_label": format_years(model.cap_years(ev.fit.doubling_time_high_years)),
        "frontier_chips": ", ".join(front["chip"]),
        "refreshes": ", ".join(
            sorted(set(ev.table["chip"]) - set(model.one_per_design(ev.table)["chip"]))
        )
        or "none",
        "roll_interval_label": (
            f"{P.confidence_level:.0%} interval "
            f"{format_years(last['doubling_time_low_years'])} to "
            f"{format_years(last['doubling_time_high_years'])} years, "
            f"releases {last['window_start']:.0f} to "
            f"{last['window_end']:.0f}"
        ),
        "slowdown_verdict": _slowdown_verdict(ev),
        "edge_text": _edge_text(ev),
        "detectable_text": _detectable_text(ev),
        "step_verdict": _step_verdict(ev),
        "koomey_comparison": _koomey_comparison(ev),
        "epoch_comparison": _epoch_comparison(ev),
        "fp32_vendors_text": _fp32_vendors_text(ev),
        "closing_step": _closing_step(ev),
        "break_interval_text": _break_interval_text(ev),
        "robustness_text": _robustness_text(ev),
        "record_chip": ev.record["chip"],
        "delivered_chips": " and ".join(
            f"an {c}" if c[0] in "AEFHILMNORSX" else f"a {c}"
            for c in dict.fromkeys(ev.delivered["chip"])
        )
        or "no chip",
        "plateau_text": _plateau_text(ev),
        "format_notes": _format_notes(ev),
        "gemm_tiles_label": " or ".join(f"{m} by {n}" for m, n in GEMM_TILES),
        "efficiency_by_line": _efficiency_by_line(ev),
        "silicon_label": "transistor count" if P.silicon == "transistors" else "number of dies",
        "newest_chip": model_memory.newest_chip(ev.memory),
        "limit_rate_note": _limit_rate_note(P.precision),
        "sobol_top_label": SOBOL_LABELS[sobol_top(ev)[0]],
        "sobol_rank_text": _sobol_rank_text(ev),
        "best_chip": str(best["chip"])
        + (" (whose power figure is an estimate)" if best["power_estimated"] else ""),
        "best_fp4_chip": str(fp4)
        + (
            ""
            if ev.limit_from_selection
            else " (no selected chip lists FP4, so all chips are searched)"
        ),
    }


def _sobol_rank_text(ev: Evaluation) -> str:
    """Whether the sample ranks the two most influential choices, for the prose."""
    _, st, sep = sobol_top(ev)
    noise = " (an estimate above 1 is the estimator's sampling noise)" if st > 1 else ""
    return (
        "its interval is clear of the next choice's" + noise
        if sep
        else "but its interval overlaps the next choice's, so this sample does not rank the "
        "two" + noise
    )


def _sobol_caption(ev: Evaluation) -> str:
    name, st, sep = sobol_top(ev)
    t = ev.sobol.set_index("parameter")
    ranges = "; ".join(
        f"{SOBOL_LABELS[k]} {lo:g} to {hi:g}" for k, (lo, hi) in SOBOL_RANGES.items()
    )
    rank = (
        "its interval is clear of the next one's"
        if sep
        else "the intervals do not separate it from the next one, so this sample cannot rank "
        "the two"
    )
    conf = float(t.loc[name, "ST_conf"])
    # A total index is a share of variance, so at most 1; its estimate can pass 1 by chance.
    above_one = (
        f" (above 1, which a share of variance cannot be: the estimator's Monte Carlo "
        f"error; its 95% interval, {st - conf:.2f} to {st + conf:.2f}, says only that this "
        f"choice accounts for at least {max(st - conf, 0.0):.2f} of the variance)"
        if st > 1
        else ""
    )
    return (
        f"Which of the analyst's choices of data the pooled "
        f"{PRECISION_LABELS[ev.P.precision]} doubling time is most sensitive to: the largest "
        f"total Sobol index, {st:.2f}{above_one}, is that of the {SOBOL_LABELS[name]}; {rank}. This is "
        f"sensitivity to the analyst's choices of data, not uncertainty about the chips: "
        f"total Sobol indices (bars; lines: 95% bootstrap intervals) as each choice varies "
        f"uniformly over {ranges} ({SOBOL_N} base samples, "
        f"{SOBOL_N * (len(SOBOL_RANGES) + 2)} fits of the straight line). The fixed "
        f"breakpoint and the window width do not enter the pooled fit, so their indices "
        f"are zero by construction ({t.loc['breakpoint_year', 'ST']:.2f} and "
        f"{t.loc['window_years', 'ST']:.2f}). The fit's own sampling uncertainty is in "
        f"its interval, not here."
    )


# --------------------------------------------------------------------------- captions
def captions(ev: Evaluation) -> dict[str, str]:
    cmos = ev.tables["cmos_limits"].iloc[0]
    refs = ev.tables["efficiency_trends"].set_index("estimate")
    sizes = list(GEMM_SIZES)
    tiles = " and ".join(f"{m} by {n}" for m, n in GEMM_TILES)
    nvidia = ", ".join(model_steps.NVIDIA_LINE)
    amd = ", ".join(model_steps.AMD_LINE)
    undefined = [r["step"] for _, r in ev.steps.iterrows() if not math.isfinite(r["total"])]
    orders = ev.limit["cmos_orders_above_landauer"]
    fmt = str(cmos["number_format"]).upper()
    delivered = ", ".join(sorted(set(ev.delivered["chip"]))) or "none"
    return {
        "efficiency": (
            "How peak dense FLOP/s per watt has risen with release date across the selected "
            "accelerators at the chosen precision, against three fits: the log-linear fit to "
            "every product (solid, dark indigo, with its confidence band), the least-squares "
            "fit to the frontier of record-setting chips (dashed, pink; not corrected for the "
            "selection of maxima) and a fit for each vendor with three or more chips "
            "(dashed, vendor colour). Each point is a chip, coloured by vendor, on a log "
            "scale; hollow points are chips whose board power is a third-party estimate "
            "(Google TPU v4 onwards: Epoch AI, SemiAnalysis); a text label marks the "
            "confidence band. Green crosses (the book's colour for a measurement) are this "
            "book's own measurements of a large square "
            f"BF16 matrix multiply on {delivered}: delivered, not peak, placed at the chip's "
            "release date. Sources: Epoch AI, Data on Machine Learning Hardware (2025); "
            "AMD, Google, Intel and NVIDIA specifications as listed in the data appendix; "
            "data/measured/gpu_runs.csv."
        ),
        "trends": (
            "How this chapter's growth rates of FLOP/s per watt, in percent per year, "
            "compare with published rates: its fits at the chosen precision to every "
            "product, to one chip per silicon design and to the frontier, at FP32 and at each "
            "chip's lowest precision, each with its confidence interval, then the published "
            "rates (Epoch AI's leading ML hardware, Epoch AI's FP32 GPUs, Koomey's two "
            "periods). Each estimate is a point on its interval; published rates have no "
            "interval where none was published."
        ),
        "rolling": (
            "Whether the growth of peak FLOP/s per watt has changed over time: the fitted "
            "growth rate (doublings per year) in each rolling window of release dates, at the "
            "chosen precision, against Koomey's "
            f"{refs.loc[KOOMEY, 'period_start']:.0f}-{refs.loc[KOOMEY, 'period_end']:.0f} rate, the "
            "post-2000 rate (Koomey and Naffziger 2016), the FP32 GPU rate of Hobbhahn, Heim "
            "and Aydos (Epoch AI, 2023), Epoch AI's rate for leading ML hardware (2025) and "
            "zero growth. Each window's rate is a point with an interval bar; the published "
            "rates are dashed lines and zero growth a grey line."
        ),
        "detectable": (
            "How large a slowdown the test could detect: for a break planted at each date of "
            "the search range, the smallest fall in the growth rate (doublings per year) that "
            f"the slowdown test detects {100 * POWER:.0f}% of the time at the "
            f"{100 * ALPHA:.0f}% level, given the chips' release dates and the scatter of the "
            "data about the fitted line. The points are joined by a line; a dashed line marks "
            "the fitted growth rate itself (a fall that large would stop growth). Dates where "
            "no simulated fall is detected that often are left out."
        ),
        "decomposition": (
            "Where each generation step's gain in peak throughput at the chosen precision "
            f"comes from, for the NVIDIA line ({nvidia}) and the AMD line ({amd}): the log10 "
            "of its power, number-format and efficiency factors, which multiply exactly to "
            "the total. Each step is one bar of its factors end to end, with a pink diamond "
            "(the book's colour for a model result) at the log10 of the total; bars to the left of zero are factors below one."
            + (
                f" Steps without a figure at this precision are left out: {', '.join(undefined)}."
                if undefined
                else ""
            )
            + " Sources: Epoch AI (2025) and vendor specifications."
        ),
        "memory": (
            "How memory bandwidth per unit of dense peak throughput at the chosen precision "
            "(bytes per FLOP) has changed with release date across the selected "
            "accelerators, with a log-linear fit for all of them (pink line, the book's colour for "
            "a model). Each point is "
            "a chip, coloured by vendor, on a log scale. Sources: Epoch AI (2025) and vendor "
            "specifications."
        ),
        "limits": (
            "How far the selected chips, at their lowest precision, are from the limits of "
            "energy per FLOP: each chip's energy per FLOP at peak against release date, "
            f"beside the CMOS limit estimate of {cmos['source_publisher'].split(' (')[0]} "
            f"({cmos['source_year']}, for {fmt}) and the Landauer limit kT ln 2, "
            f"{orders:.1f} orders of magnitude lower. Points are coloured by vendor, on a log "
            f"scale, and the two limits are horizontal lines; a dashed orange line (the book's "
            f"colour for a projection) projects the best "
            f"{fmt} chip down to the CMOS limit at the fitted doubling time, in a band from "
            "the ends of its confidence interval."
        ),
        "sobol": _sobol_caption(ev),
        "gemm": (
            "How much of peak throughput a GEMM can reach from its shape alone (tile times "
            "wave efficiency, in percent) as one output dimension N sweeps "
            f"{sizes[0]:,} to {sizes[-1]:,} with the other fixed at {GEMM_OTHER_DIM:,}, for "
            f"{tiles} tiles on a GPU with {GEMM_SMS} streaming multiprocessors (H100 SXM). "
            "Each tile size is a stepped line. Model after NVIDIA's Matrix Multiplication "
            "Background User's Guide."
        ),
    }


# --------------------------------------------------------------------------- tables
def trend_rows(ev: Evaluation) -> pd.DataFrame:
    """Every growth rate the page compares: this chapter's fits (with intervals) and the
    published rates. Columns: label, kind ("this chapter" or "published"), n,
    doubling_time_years (+ _low, _high), growth_pct (+ _low, _high; NaN where no interval)."""
    names = {**PRECISION_LABELS, "lowest": "lowest precision"}
    label = names[ev.P.precision]
    rows = []

    def fit_row(name: str, f: model.TrendFit) -> dict:
        return {
            "label": f"{name} ({f.n} chips)",
            "kind": "this chapter",
            "n": f.n,
            "doubling_time_years": f.doubling_time_years,
            "doubling_time_low_years": f.doubling_time_low_years,
            "doubling_time_high_years": f.doubling_time_high_years,
            "growth_pct": _pct_per_year(f.slope_per_year),
            "growth_pct_low": _pct_per_year(f.slope_low),
            "growth_pct_high": _pct_per_year(f.slope_high),
        }

    for kind, f in ev.variants.items():
        rows.append(
            fit_row(f"{label}, {kind}", f)
            if kind != "frontier"
            else _frontier_row(ev, f"{label}, frontier corrected for selection")
        )
    if ev.P.precision != "fp32":
        rows.append(fit_row("FP32, all products", ev.fit_fp32))
    if ev.P.precision != "lowest":
        rows.append(fit_row("Lowest precision, all products", ev.fit_lowest))
    published = ev.tables["efficiency_trends"]
    pub = published.set_index("estimate")
    for e in (EPOCH_LEADING, EPOCH_FP32, KOOMEY_POST2000, KOOMEY):
        dt = float(pub.loc[e, "doubling_time_years"])
        rows.append(
            {
                "label": reference_label(published, e),
                "kind": "published",
                "n": math.nan,
                "doubling_time_years": dt,
                "doubling_time_low_years": math.nan,
                "doubling_time_high_years": math.nan,
                "growth_pct": 100 * (2 ** (1 / dt) - 1),
                "growth_pct_low": math.nan,
                "growth_pct_high": math.nan,
            }
        )
    return pd.DataFrame(rows)


def _frontier_row(ev: Evaluation, name: str) -> dict:
    """The frontier's trend row: corrected for the selection of maxima, with the calibrated
    interval (the records' own t-interval is too narrow)."""
    fc, n = ev.frontier_cal, ev.variants["frontier"].n
    return {
        "label": f"{name} ({n} records)",
        "kind": "this chapter",
        "n": n,
        "doubling_time_years": fc["doubling_time_years"],
        "doubling_time_low_years": fc["doubling_time_low_years"],
        "doubling_time_high_years": fc["doubling_time_high_years"],
        "growth_pct": _pct_per_year(fc["corrected_slope"]),
        "growth_pct_low": _pct_per_year(fc["slope_low"]),
        "growth_pct_high": _pct_per_year(fc["slope_high"]),
    }


def table_published(ev: Evaluation) -> pd.DataFrame:
    """This chapter's doubling times beside published estimates (strings)."""
    level, P = ev.P.confidence_level, ev.P
    rows = []
    names = {**PRECISION_LABELS, "lowest": "lowest precision"}
    label = names[P.precision]
    fits = [(f"{label}, {kind}", f) for kind, f in ev.variants.items()]
    if P.precision != "fp32":
        fits.append(("FP32, all products", ev.fit_fp32))
    if P.precision != "lowest":
        fits.append(("lowest precision, all products", ev.fit_lowest))
    for name, f in fits:
        if name.endswith("frontier"):
            r = _frontier_row(ev, name + " corrected for selection")
            rows.append(
                {
                    "Estimate": f"This chapter, {r['label']}",
                    "Measure": "peak FLOP/s per W",
                    "Period": f"{P.start_year}-{P.end_year}",
                    "Doubling time (years)": format_years(r["doubling_time_years"]),
                    "Interval": (
                        f"{format_years(r['doubling_time_low_years'])} to "
                        f"{format_years(r['doubling_time_high_years'])} ({level:.0%}, "
                        "calibrated by simulation)"
                    ),
                    "Source": "data/accelerators.csv (Epoch AI and vendors)",
                }
            )
            continue
        rows.append(
            {
                "Estimate": f"This chapter, {name} ({f.n} chips)",
                "Measure": "peak FLOP/s per W",
                "Period": f"{P.start_year}-{P.end_year}",
                "Doubling time (years)": format_years(f.doubling_time_years),
                "Interval": (
                    f"{format_years(f.doubling_time_low_years)} to "
                    f"{format_years(f.doubling_time_high_years)} ({level:.0%})"
                ),
                "Source": "data/accelerators.csv (Epoch AI and vendors)",
            }
        )
    for rec in ev.tables["efficiency_trends"].to_dict("records"):
        lo, hi = rec.get("doubling_time_low_years"), rec.get("doubling_time_high_years")
        interval = f"{lo:.2f} to {hi:.2f}" if pd.notna(lo) and pd.notna(hi) else "not stated"
        start, end = rec.get("period_start"), rec.get("period_end")
        period = f"{int(start)}-{int(end)}" if pd.notna(start) and pd.notna(end) else "not stated"
        rows.append(
            {
                "Estimate": rec["scope"],
                "Measure": rec["metric"],
                "Period": period,
                "Doubling time (years)": f"{rec['doubling_time_years']:.2f}",
                "Interval": interval,
                "Source": f"{rec['source_publisher']}, {rec['source_title']} ({rec['source_year']})",
            }
        )
    return pd.DataFrame(
        rows,
        columns=["Estimate", "Measure", "Period", "Doubling time (years)", "Interval", "Source"],
    )


def table_decomposition(ev: Evaluation) -> pd.DataFrame:
    """The generation decomposition, one row per step (ratios as text, 2 decimals)."""
    steps = ev.steps
    sil = "Transistors" if ev.P.silicon == "transistors" else "Dies"
    t = pd.DataFrame(
        {
            "Line": steps["line"],
            "Step": steps["step"],
            "Formats": (
                steps["format_before"].str.upper().replace({"": "none"})
                + " -> "
                + steps["format_after"].str.upper().replace({"": "none"})
            ),
            "Fixed width": steps["reference"].replace({"": "none"}),
            "Throughput (total)": steps["total"],
            "Power": steps["power"],
            "Number format": steps["format"],
            "FLOP per joule at 16 bits": steps["efficiency"],
            f"{sil} (context)": steps["silicon"],
            f"Power per unit of {sil.lower()} (context)": steps["power_per_silicon"],
        }
    )
    num = [c for c in t.columns if c not in ("Line", "Step", "Formats", "Fixed width")]
    t[num] = t[num].map(lambda v: "n/a" if pd.isna(v) else f"{v:.2f}x")
    return t


def table_delivered(ev: Evaluation) -> pd.DataFrame:
    """The measured points: delivered against peak per watt (strings)."""
    d = ev.delivered
    return pd.DataFrame(
        {
            "Chip (datasheet row)": d["chip"],
            "Measured GPU": d["gpu_name"],
            "Run": d["run_id"],
            "Repeats": d["repeats"].astype(int),
            "Power limit (W)": d["power_limit_w"].map("{:.0f}".format),
            "Delivered (GFLOP per J)": (d["delivered_flop_per_j"] / 1e9).map("{:,.0f}".format),
            "Bounds (GFLOP per J)": [
                f"{lo / 1e9:,.0f} to {hi / 1e9:,.0f}"
                for lo, hi in zip(
                    d["delivered_flop_per_j_low"], d["delivered_flop_per_j_high"], strict=True
                )
            ],
            "Peak per board watt (GFLOP per J)": (d["peak_flop_per_j"] / 1e9).map("{:,.0f}".format),
            "Delivered share of peak": (100 * d["delivered_share"]).map("{:.0f}%".format),
        }
    )
