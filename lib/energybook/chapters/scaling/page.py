"""What the scaling page shows besides its charts: glued numbers and phrases, captions and
reader tables. The entry points are those of every chapter (see the overview's page)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from energybook.chapters.scaling import (
    model,
    model_limits,
    model_memory,
    model_slowdown,
    model_steps,
)
from energybook.chapters.scaling.params import Params
from energybook.chapters.scaling.spec import SPEC

TABLES = ("accelerators", "efficiency_trends", "cmos_limits", "energy_per_op")

#: The GEMM sweep of the last figure: N from 1,024 to 6,144 in steps of 32, M fixed.
GEMM_OTHER_DIM = 2048
GEMM_SIZES = range(1024, 6145, 32)
GEMM_TILES = ((128, 128), (256, 128))
GEMM_SMS = 132  # H100 SXM

PRECISION_LABELS: dict[str, str] = {
    "bf16": "BF16", "fp32": "FP32", "tf32": "TF32", "fp16": "FP16", "fp8": "FP8", "fp4": "FP4",
    "int8": "INT8", "lowest": "each chip's lowest floating-point precision"}

# The published estimates the prose quotes, by their row in efficiency_trends.
KOOMEY = "koomey_2011"
KOOMEY_POST2000 = "koomey_naffziger_2016"
EPOCH_FP32 = "hobbhahn_heim_aydos_2023_fp32"
EPOCH_BANDWIDTH = "epoch_2023_memory_bandwidth"
EPOCH_COMPUTE = "epoch_2023_compute_performance"
REFERENCE_RATES = (KOOMEY, KOOMEY_POST2000, EPOCH_FP32)


@dataclass(frozen=True)
class Evaluation:
    P: Params
    tables: Mapping[str, pd.DataFrame]
    table: pd.DataFrame              # efficiency table at P.precision
    by_precision: dict[str, pd.DataFrame]  # the same for bf16, fp32, lowest
    fit: model.TrendFit
    fit_lowest: model.TrendFit
    fit_fp32: model.TrendFit
    summary: pd.DataFrame
    breakpoint: dict[str, float]
    fixed: dict[str, float]
    rolling: pd.DataFrame
    step: dict[str, float]
    steps: pd.DataFrame
    steps_long: pd.DataFrame
    memory: pd.DataFrame
    memory_trends: pd.DataFrame
    memory_bound: dict[str, float]
    limit_table: pd.DataFrame        # the chips searched for the best one in the limit's format
    limit_from_selection: bool
    limit: dict[str, float]
    gemm: pd.DataFrame
    vocab: dict[str, float]


def selection(P: Params) -> dict:
    return {"vendors": P.vendors, "start_year": P.start_year, "end_year": P.end_year,
            "include_estimated_power": P.include_estimated_power}


def evaluate(P: Params, tables: Mapping[str, pd.DataFrame]) -> Evaluation:
    acc = tables["accelerators"]
    sel = selection(P)
    level = P.confidence_level
    precisions = dict.fromkeys((P.precision, "bf16", "fp32", "lowest"))
    by = {p: model.efficiency_table(acc, p, **sel) for p in precisions}
    table = by[P.precision]
    fit = model.fit_log_trend(table["year"], table["flop_per_j"], level)
    fit_lowest = model.fit_log_trend(by["lowest"]["year"], by["lowest"]["flop_per_j"], level)
    fit_fp32 = model.fit_log_trend(by["fp32"]["year"], by["fp32"]["flop_per_j"], level)
    summary = model.trend_summary({p: by[p] for p in ("bf16", "fp32", "lowest")}, level=level)
    bt = model_slowdown.breakpoint_test(table["year"], table["flop_per_j"], n_boot=P.n_bootstrap,
                                        seed=P.seed, level=level)
    fixed = model_slowdown.segmented_fit(table["year"], table["flop_per_j"], P.breakpoint_year)
    rolling = model.rolling_growth(table["year"], table["flop_per_j"], P.window_years,
                                   level=level)
    step = model_steps.step_summary(acc, P.hopper_chip, P.blackwell_chip,
                                    P.decomposition_precision, P.silicon)
    steps, long = model_steps.generation_decomposition(acc, P.decomposition_precision, "bf16",
                                                       P.silicon)
    mw = model_memory.memory_wall_table(acc, P.precision, **sel)
    mwt = model_memory.memory_wall_trends(mw, level)
    mb = model_memory.memory_bound_summary(mw, tables["energy_per_op"])
    cmos = tables["cmos_limits"].iloc[0]
    fmt = str(cmos["number_format"])
    at_fmt = model.efficiency_table(acc, fmt, **sel)
    from_selection = not at_fmt.empty
    if not from_selection:  # no selected chip lists the limit's format: search every chip
        at_fmt = model.efficiency_table(acc, fmt)
    limit = model_limits.limit_summary(at_fmt, float(cmos["flop_per_j"]),
                                       model.cap_years(fit.doubling_time_years),
                                       P.temperature_k)
    gemm = model_memory.gemm_efficiency_curve(GEMM_SIZES, GEMM_OTHER_DIM, GEMM_TILES, GEMM_SMS)
    vocab = model_memory.vocab_padding_example(n_sms=GEMM_SMS)
    return Evaluation(P, tables, table, by, fit, fit_lowest, fit_fp32, summary, bt, fixed,
                      rolling, step, steps, long, mw, mwt, mb, at_fmt, from_selection, limit,
                      gemm, vocab)


# --------------------------------------------------------------------------- numbers
def _best(ev: Evaluation) -> dict:
    return model_limits.best_chip(ev.table)


def headlines(ev: Evaluation) -> dict[str, float]:
    cap = model.cap_years
    s = ev.step
    best = _best(ev)
    out = {
        "doubling_time_years": cap(ev.fit.doubling_time_years),
        "doubling_time_low_years": cap(ev.fit.doubling_time_low_years),
        "doubling_time_high_years": cap(ev.fit.doubling_time_high_years),
        "lowest_precision_doubling_time_years": cap(ev.fit_lowest.doubling_time_years),
        "fp32_doubling_time_years": cap(ev.fit_fp32.doubling_time_years),
        "breakpoint_year": ev.breakpoint["breakpoint_year"],
        "prob_slowdown_percent": 100 * ev.breakpoint["prob_slowdown"],
        "hopper_blackwell_throughput": s["throughput"],
        "hopper_blackwell_power": s["power"],
        "hopper_blackwell_transistors": s["transistors"],
        "hopper_blackwell_non_efficiency_percent": s["dec_share_non_efficiency_percent"],
        "landauer_orders": math.log10(best["j_per_flop"]
                                      / model_limits.landauer_limit_j(ev.P.temperature_k)),
        "years_to_cmos_limit": cap(ev.limit["years_to_cmos_limit"]),
    }
    return {h.name: float(out[h.name]) for h in SPEC.headlines}


def _published(ev: Evaluation) -> pd.Series:
    return ev.tables["efficiency_trends"].set_index("estimate")["doubling_time_years"]


def numbers(ev: Evaluation) -> dict[str, float]:
    cap = model.cap_years
    P, bt, seg, s = ev.P, ev.breakpoint, ev.fixed, ev.step
    pub = _published(ev)
    last = ev.rolling.iloc[-1]
    mwt = ev.memory_trends.set_index("quantity")
    mb = ev.memory_bound
    lim = ev.limit
    cmos = ev.tables["cmos_limits"].iloc[0]
    out = {
        "n_chips": len(ev.table),
        "koomey_dt": pub[KOOMEY], "koomey_post2000_dt": pub[KOOMEY_POST2000],
        "hobbhahn_fp32_dt": pub[EPOCH_FP32], "epoch_bw_dt": pub[EPOCH_BANDWIDTH],
        "epoch_compute_dt": pub[EPOCH_COMPUTE],
        "n_boot": bt["n_boot"], "bp_low": bt["breakpoint_year_low"],
        "bp_high": bt["breakpoint_year_high"],
        "dt_before": cap(bt["doubling_time_before_years"]),
        "dt_after": cap(bt["doubling_time_after_years"]),
        "change_low": bt["slope_change_low"], "change_high": bt["slope_change_high"],
        "fixed_bp": P.breakpoint_year,
        "fixed_dt_before": cap(seg["doubling_time_before_years"]),
        "fixed_dt_after": cap(seg["doubling_time_after_years"]),
        "fixed_p": seg["f_test_p"], "window_years": P.window_years,
        "roll_dt": cap(last["doubling_time_years"]),
        "hb_flop_per_j": s["flop_per_j"], "hb_power_share": s["power_share_percent"],
        "hb_per_transistor": s["throughput_per_transistor"],
        "hb_power_per_transistor": s["power_per_transistor"],
        "hb_total": s["dec_total"], "hb_format": s["dec_format"],
        "hb_silicon": s["dec_silicon"], "hb_power": s["dec_power"],
        "hb_residual": s["dec_residual"],
        "mw_tflops_dt": cap(mwt.loc["tflops", "doubling_time_years"]),
        "mw_bw_dt": cap(mwt.loc["memory_bw_tbps", "doubling_time_years"]),
        "mw_bpf_halving": cap(mwt.loc["byte_per_flop", "halving_time_years"]),
        "mw_bw_per_w_dt": cap(mwt.loc["bw_gbps_per_w", "doubling_time_years"]),
        "fp16_mult_pj": mb["fp16_mult_pj"], "dram_lo_pj": mb["dram_read_low_pj"],
        "dram_hi_pj": mb["dram_read_high_pj"], "dram_ratio_lo": mb["dram_over_fp16_mult_low"],
        "dram_ratio_hi": mb["dram_over_fp16_mult_high"], "hbm_pj": mb["hbm_pj_per_bit"],
        "weight_read_pj": mb["weight_read_pj"], "weight_over_fma": mb["weight_read_over_fma"],
        "ridge": mb["newest_ridge_flop_per_byte"], "batch1_share": mb["batch1_peak_share_percent"],
        "breakeven_batch": mb["breakeven_batch"],
        "temperature": P.temperature_k, "landauer_j": lim["landauer_j"],
        "best_j": _best(ev)["j_per_flop"], "cmos_flop_per_j": float(cmos["flop_per_j"]),
        "cmos_orders": lim["cmos_orders_above_landauer"],
        "factor_to_cmos": lim["factor_to_cmos_limit"],
        "years_lowest": cap(float(model_limits.years_to_limit(
            lim["flop_per_j"], float(cmos["flop_per_j"]),
            cap(ev.fit_lowest.doubling_time_years)))),
        "gemm_other": GEMM_OTHER_DIM,
        "gemm_min": 100 * ev.gemm["efficiency"].min(),
        "gemm_max": 100 * ev.gemm["efficiency"].max(),
        "vocab": ev.vocab["vocab"], "vocab_padded": ev.vocab["padded"],
        "vocab_waves_before": ev.vocab["waves_before"],
        "vocab_waves_after": ev.vocab["waves_after"],
    }
    return {k: float(v) for k, v in out.items()}


def format_years(v: float) -> str:
    """A duration in years for prose: two decimals, or "unbounded" when infinite."""
    return "unbounded" if not math.isfinite(v) else f"{v:.2f}"


def _limit_rate_note(precision: str) -> str:
    if precision == "lowest":
        return ("That rate counts each chip's narrowest format, so it includes the gains from "
                "narrowing formats; a fixed-format rate is the relevant one.")
    return "A fixed-format rate like this one is the relevant one."


def texts(ev: Evaluation) -> dict[str, str]:
    P, bt = ev.P, ev.breakpoint
    last = ev.rolling.iloc[-1]
    best = _best(ev)
    if bt["slope_change_low"] < 0 < bt["slope_change_high"]:
        change = "includes no change at all."
    else:
        change = "excludes no change: the growth rate did change in this selection."
    span = bt["search_high"] - bt["search_low"]
    if bt["breakpoint_year_high"] - bt["breakpoint_year_low"] > 0.5 * span:
        edge = ("which spans almost the whole range the search allows "
                f"({bt['search_low']:.1f} to {bt['search_high']:.1f}, keeping four chips on "
                "each side): the data do not locate a break.")
    else:
        edge = f"within a search range of {bt['search_low']:.1f} to {bt['search_high']:.1f}."
    fp4 = model_limits.best_chip(ev.limit_table)["chip"]
    return {
        "precision_label": PRECISION_LABELS[P.precision],
        "decomposition_label": PRECISION_LABELS[P.decomposition_precision],
        "level_label": f"{100 * P.confidence_level:.0f}%",
        "years_label": f"{P.start_year}-{P.end_year}",
        "vendors_label": ", ".join(P.vendors),
        "hopper": P.hopper_chip,
        "blackwell": P.blackwell_chip,
        "dt_high_label": format_years(model.cap_years(ev.fit.doubling_time_high_years)),
        "roll_interval_label": (f"{P.confidence_level:.0%} interval "
                                f"{format_years(last['doubling_time_low_years'])} to "
                                f"{format_years(last['doubling_time_high_years'])} years, "
                                f"releases {last['window_start']:.0f} to "
                                f"{last['window_end']:.0f}"),
        "change_label": change,
        "bp_edge_label": edge,
        "silicon_label": "transistor count" if P.silicon == "transistors" else "number of dies",
        "newest_chip": model_memory.newest_chip(ev.memory),
        "limit_rate_note": _limit_rate_note(P.precision),
        "best_chip": str(best["chip"]) + (" (whose power figure is an estimate)"
                                          if best["power_estimated"] else ""),
        "best_fp4_chip": str(fp4) + ("" if ev.limit_from_selection else
                                     " (no selected chip lists FP4, so all chips are "
                                     "searched)"),
    }


# --------------------------------------------------------------------------- captions
def captions(ev: Evaluation) -> dict[str, str]:
    cmos = ev.tables["cmos_limits"].iloc[0]
    refs = ev.tables["efficiency_trends"].set_index("estimate")
    sizes = list(GEMM_SIZES)
    tiles = " and ".join(f"{m} by {n}" for m, n in GEMM_TILES)
    nvidia = ", ".join(model_steps.NVIDIA_LINE)
    amd = ", ".join(model_steps.AMD_LINE)
    missing = [r["after"] for _, r in ev.steps.iterrows()
               if r["residual_includes_silicon"] == 1.0]
    orders = ev.limit["cmos_orders_above_landauer"]
    return {
        "efficiency": (
            "Scatter of peak dense FLOP/s per watt (log scale) against release date for each "
            "selected accelerator at the chosen precision, coloured by vendor, with a "
            "log-linear fit for each vendor with three or more chips (dashed) and for all "
            "chips (solid black, with its confidence band). Hollow points are chips whose "
            "board power is a third-party estimate (Google TPU v4 onwards: Epoch AI, "
            "SemiAnalysis). Sources: Epoch AI, Data on Machine Learning Hardware (2025); AMD "
            "and NVIDIA specifications as listed in the data appendix."),
        "rolling": (
            "Points with interval bars: the fitted growth rate of peak FLOP/s per watt "
            "(doublings per year) in each rolling window of release dates, at the chosen "
            "precision; dashed lines mark Koomey's "
            f"{refs.loc[KOOMEY, 'period_start']}-{refs.loc[KOOMEY, 'period_end']} rate, the "
            "post-2000 rate (Koomey and Naffziger 2016) and the FP32 GPU rate of Hobbhahn, "
            "Heim and Aydos (Epoch AI, 2023), and a grey line zero growth."),
        "decomposition": (
            f"Stacked horizontal bars, one per generation step of the NVIDIA line ({nvidia}) "
            f"and the AMD line ({amd}): the log10 of the format, silicon, power and residual "
            "factors of each step's peak-throughput gain at the chosen precision, with a black "
            "diamond at the log10 of the total. Bars to the left of zero are factors below "
            "one." + (f" Where the silicon figure is unpublished (the step to "
                      f"{', '.join(missing)}) the residual absorbs it." if missing else "")
            + " Sources: Epoch AI (2025) and vendor specifications."),
        "memory": (
            "Scatter of memory bandwidth divided by dense peak throughput at the chosen "
            "precision (bytes per FLOP, log scale) against release date for each selected "
            "accelerator, coloured by vendor, with a log-linear fit for all of them (black "
            "line). Sources: Epoch AI (2025) and vendor specifications."),
        "limits": (
            "Energy per FLOP at peak (log scale) of each selected chip at its lowest precision "
            "against release date, coloured by vendor; a horizontal line at the CMOS limit "
            f"estimate of {cmos['source_publisher'].split(' (')[0]} ({cmos['source_year']}, "
            f"for {str(cmos['number_format']).upper()}) and one at the Landauer limit kT ln 2 "
            f"{orders:.1f} orders of magnitude lower; a dashed line projects the best "
            f"{str(cmos['number_format']).upper()} chip down to the CMOS limit at the fitted "
            "doubling time."),
        "gemm": (
            "Step lines of the share of peak throughput reachable from shape alone (tile times "
            "wave efficiency, in percent) as one output dimension N of a GEMM sweeps "
            f"{sizes[0]:,} to {sizes[-1]:,} with the other fixed at {GEMM_OTHER_DIM:,}, for "
            f"{tiles} tiles on a GPU with {GEMM_SMS} streaming multiprocessors (H100 SXM). "
            "Model after NVIDIA's Matrix Multiplication Background User's Guide."),
    }


# --------------------------------------------------------------------------- tables
def table_published(ev: Evaluation) -> pd.DataFrame:
    """This chapter's doubling times beside published estimates (strings)."""
    level, P = ev.P.confidence_level, ev.P
    rows = []
    names = {**PRECISION_LABELS, "lowest": "lowest precision"}
    for rec in ev.summary[ev.summary["group"] == "all"].to_dict("records"):
        rows.append({
            "Estimate": f"This chapter, {names[rec['precision']]} ({rec['n']} chips)",
            "Measure": "peak FLOP/s per W",
            "Period": f"{P.start_year}-{P.end_year}",
            "Doubling time (years)": format_years(rec["doubling_time_years"]),
            "Interval": (f"{format_years(rec['doubling_time_low_years'])} to "
                         f"{format_years(rec['doubling_time_high_years'])} ({level:.0%})"),
            "Source": "data/accelerators.csv (Epoch AI and vendors)"})
    for rec in ev.tables["efficiency_trends"].to_dict("records"):
        lo, hi = rec.get("doubling_time_low_years"), rec.get("doubling_time_high_years")
        interval = (f"{lo:.2f} to {hi:.2f}" if pd.notna(lo) and pd.notna(hi)
                    else "not stated")
        rows.append({
            "Estimate": rec["scope"], "Measure": rec["metric"],
            "Period": f"{int(rec['period_start'])}-{int(rec['period_end'])}",
            "Doubling time (years)": f"{rec['doubling_time_years']:.2f}",
            "Interval": interval,
            "Source": f"{rec['source_publisher']}, {rec['source_title']} ({rec['source_year']})"})
    return pd.DataFrame(rows, columns=["Estimate", "Measure", "Period", "Doubling time (years)",
                                       "Interval", "Source"])


def table_decomposition(ev: Evaluation) -> pd.DataFrame:
    """The generation decomposition, one row per step (ratios as text, 2 decimals)."""
    steps = ev.steps
    t = pd.DataFrame({
        "Line": steps["line"], "Step": steps["step"],
        "Formats": (steps["format_before"].str.upper() + " -> "
                    + steps["format_after"].str.upper()),
        "Total": steps["total"], "Format": steps["format"], "Silicon": steps["silicon"],
        "Power": steps["power"], "Residual": steps["residual"],
        "FLOP/s per W": steps["efficiency"]})
    num = ["Total", "Format", "Silicon", "Power", "Residual", "FLOP/s per W"]
    t[num] = t[num].map(lambda v: "n/a" if pd.isna(v) else f"{v:.2f}x")
    return t
