"""What the analog page shows besides its charts: glued numbers and phrases, captions and the
reader tables.

Entry points, as in every chapter: ``TABLES``, ``evaluate(P, tables)``, ``headlines(ev)``,
``numbers(ev)``, ``texts(ev)``, ``captions(ev)`` and ``table_<name>(ev)``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from energybook import sobol
from energybook.chapters.analog import model_adc, model_mac, model_noise, model_saving
from energybook.chapters.analog.model_adc import J_PER_FJ
from energybook.chapters.analog.params import Params
from energybook.chapters.analog.spec import SPEC
from energybook.uncertainty import Beta, Dist, Fixed, LogUniform

TABLES = (
    "energy_per_op",
    "accelerators",
    "analog_chips",
    "adc_fom",
    "dc_electricity",
    "pcm_noise_model",
)

#: The GPU whose memory the capacity check compares with (a row of ``accelerators``).
CAPACITY_GPU = "B200"

#: Reader-facing names of the uncertain inputs of the 2030 saving.
SAVING_INPUT_LABELS = {
    "ai_share": "AI's share of data-centre electricity",
    "inference_share": "Inference's share of AI energy",
    "addressable_share": "Noise-tolerant share of inference",
    "accelerator_share": "Accelerators' share of inference electricity",
    "matmul_share": "Matrix products' share of accelerator energy",
    "energy_ratio": "Achieved analog / digital energy ratio",
    "elasticity": "Price elasticity of demand (rebound)",
}

#: Short labels of the Sobol chart (the saving's inputs and energy's share of cost).
SOBOL_LABELS = {
    "ai_share": "AI's share of electricity",
    "inference_share": "Inference's share of AI",
    "addressable_share": "Noise-tolerant share",
    "accelerator_share": "Accelerators' share",
    "matmul_share": "Matrix products' share",
    "energy_ratio": "Achieved energy ratio",
    "elasticity": "Elasticity (rebound)",
    "energy_share": "Energy's share of cost",
}

#: Energy's share of the cost of inference over the Sobol indices: Epoch AI's 2-6% (the
#: parameter's declaration), widened to hold the chosen value. The Monte Carlo holds it fixed.
ENERGY_SHARE_RANGE = (0.02, 0.06)

#: Base sample of the Sobol indices (a power of two; N x (k + 2) point-model evaluations).
SOBOL_N = 128


@dataclass(frozen=True)
class Evaluation:
    P: Params
    energy_per_op: pd.DataFrame
    accelerators: pd.DataFrame
    chips: pd.DataFrame
    adc_fom: pd.DataFrame
    dc: pd.DataFrame
    pcm: dict[str, float]
    anchors: dict[str, float]
    kw: dict[str, Any]  # model arguments; digital with HBM traffic
    kw_ws: dict[str, Any]  # the same, digital weight-stationary (no HBM)
    crossover: tuple[float, str]
    crossover_ws: tuple[float, str]
    ratio_8: float
    ratio_at_precision: float
    ratio_ws_at_precision: float
    ratios_measured: np.ndarray  # every peer-reviewed 8-bit chip against the best GPU
    experiment: model_noise.Experiment
    saving: dict[str, float]  # against digital with HBM, ideal core
    saving_ws: dict[str, float]  # against a weight-stationary digital fleet, ideal core
    mc: dict[str, Any]
    priors: pd.DataFrame  # the Monte Carlo rerun with one prior changed at a time
    sobol: pd.DataFrame  # total Sobol indices of the point 2030 net saving


def evaluate(P: Params, tables: Mapping[str, pd.DataFrame]) -> Evaluation:
    anchors = model_mac.digital_anchors(tables["energy_per_op"])
    kw = model_mac.model_kwargs(P)
    kw_ws = {**kw, "hbm": False}
    bits = float(P.precision_bits)
    ratio_p = model_mac.energy_ratio(bits, anchors, **kw)
    ratio_ws = model_mac.energy_ratio(bits, anchors, **kw_ws)
    pcm = model_noise.pcm_coefficients(tables["pcm_noise_model"])
    measured = model_mac.measured_ratios_8(tables["analog_chips"], tables["accelerators"])
    dc = tables["dc_electricity"]
    return Evaluation(
        P=P,
        energy_per_op=tables["energy_per_op"],
        accelerators=tables["accelerators"],
        chips=tables["analog_chips"],
        adc_fom=tables["adc_fom"],
        dc=dc,
        pcm=pcm,
        anchors=anchors,
        kw=kw,
        kw_ws=kw_ws,
        crossover=model_mac.crossover_headline(anchors, **kw),
        crossover_ws=model_mac.crossover_headline(anchors, **kw_ws),
        ratio_8=model_mac.energy_ratio(8.0, anchors, **kw),
        ratio_at_precision=ratio_p,
        ratio_ws_at_precision=ratio_ws,
        ratios_measured=measured,
        experiment=model_noise.run_experiment(P, anchors, pcm),
        saving=model_saving.saving_point(P, dc, ratio_p),
        # the counterfactual is a weight-stationary digital fleet: its own ratio against the
        # HBM fleet is ratio_p / ratio_ws
        saving_ws=model_saving.saving_against(P, dc, ratio_p, ratio_p / ratio_ws),
        mc=model_saving.run_saving_uncertainty(P, measured, dc),
        priors=model_saving.prior_dependence(P, ratio_p, measured, dc, _prior_scenarios(P)),
        sobol=saving_sobol(P, measured, dc),
    )


# ---------------------------------------------------------------------------- Sobol indices
def sensitivity_ranges(
    P: Params, ratios_measured: model_saving.Ratios
) -> dict[str, tuple[float, float]]:
    """The ranges of the Sobol indices: each uncertain input of the Monte Carlo over its
    declared distribution's support (:func:`model_saving.saving_distributions`: the shares'
    PERT ranges, the achieved ratio's log-uniform span over the measured chips, the
    elasticity's PERT from 0 to its upper end), and energy's share of cost over
    :data:`ENERGY_SHARE_RANGE`. Inputs fixed by their declaration (a zero range) are left
    out. Every range lies inside the parameter's declared bounds."""
    dists = model_saving.saving_distributions(P, ratios_measured)
    ranges = {k: (float(d.ppf(0.0)), float(d.ppf(1.0))) for k, d in dists.items()}
    e = float(P.energy_share)
    ranges["energy_share"] = (min(ENERGY_SHARE_RANGE[0], e), max(ENERGY_SHARE_RANGE[1], e))
    return {k: (lo, hi) for k, (lo, hi) in ranges.items() if hi > lo}


def saving_sobol(
    P: Params, ratios_measured: model_saving.Ratios, dc: pd.DataFrame, n: int = SOBOL_N
) -> pd.DataFrame:
    """Total and first-order Sobol indices of the 2030 net saving of the POINT model
    (:func:`model_saving.saving_model` at given shares, achieved ratio, elasticity and
    energy share; no Monte Carlo) over :func:`sensitivity_ranges`, each uniform on its
    range, the achieved ratio uniform in its logarithm (as its log-uniform prior).

    The achieved ratio is not a parameter of ``P`` (it comes from the chips' data), so this
    samples the vectorised model with :func:`energybook.sobol.sobol` rather than
    :func:`energybook.sobol.of_parameters`; the estimators are the same."""
    ranges = sensitivity_ranges(P, ratios_measured)
    names = tuple(ranges)
    bounds = tuple(
        (math.log(lo), math.log(hi)) if k == "energy_ratio" else (lo, hi)
        for k, (lo, hi) in ranges.items()
    )
    prob = sobol.Problem(names, bounds, (False,) * len(names))
    energy = model_saving.dc_energy_twh(dc, case=P.dc_case)
    base = {k: float(getattr(P, k)) for k in model_saving.SAVING_INPUTS[:5] + ("elasticity",)}

    def net(x: np.ndarray) -> np.ndarray:
        cols: dict[str, Any] = {
            **base,
            "energy_ratio": float(min(ratios_measured)),
            "energy_share": float(P.energy_share),
        }
        cols.update({k: x[:, j] for j, k in enumerate(names)})
        if "energy_ratio" in names:
            cols["energy_ratio"] = np.exp(cols["energy_ratio"])
        share = cols.pop("energy_share")
        return np.asarray(
            model_saving.saving_model(**cols, energy_twh=energy, energy_share=share)[
                "net_saving_twh"
            ],
            dtype=float,
        )

    return sobol.sobol(net, prob, n, seed=int(P.seed) + 20260101)


def sobol_top(ev: Evaluation) -> tuple[str, float, float, bool]:
    """The input with the largest total index: its name, total and first-order indices,
    and whether the intervals separate it from the next one."""
    top = ev.sobol.sort_values("ST", ascending=False).iloc[0]
    return (str(top["parameter"]), float(top["ST"]), float(top["S1"]), sobol.separated(ev.sobol))


def _best_row(ev: Evaluation) -> pd.Series:
    t = ev.experiment.table
    return t[t["bits"] == ev.experiment.best["bits"]].iloc[0]


def headlines(ev: Evaluation) -> dict[str, float]:
    best = _best_row(ev)
    values = {
        "crossover_bits": ev.crossover[0],
        "crossover_weight_stationary_bits": ev.crossover_ws[0],
        "ratio_at_8_bits": ev.ratio_8,
        "least_energy_at_best_accuracy_fj": best["energy_per_mac_fj"],
        "accuracy_loss_pp": best["drop_pp"],
        "saving_2030_twh": ev.saving["net_saving_twh"],
        "saving_2030_vs_weight_stationary_twh": ev.saving_ws["net_saving_twh"],
        "saving_2030_p05_twh": ev.mc["net"]["p05"],
        "saving_2030_p95_twh": ev.mc["net"]["p95"],
    }
    return {h.name: float(values[h.name]) for h in SPEC.headlines}


def _clean_zero(x: float, scale: float, rel: float = 1e-9) -> float:
    """``x``, or 0.0 where it is a floating-point residue (below ``rel`` of ``scale``)."""
    return 0.0 if abs(x) <= rel * max(abs(scale), 1.0) else float(x)


def _quoted(ev: Evaluation) -> dict[str, float]:
    """Published figures the prose quotes, read from the data tables: Horowitz's 45 nm
    energies and HBM2's energy per bit (``energy_per_op``), GB300's dense INT8 rate
    (``accelerators``), EnCharge's claimed TOPS/W for its test chips and the capacities of
    HERMES and Mythic's M1076 (``analog_chips``)."""
    epo = ev.energy_per_op

    def op(operation: str, bits: int) -> float:
        r = epo[(epo["operation"] == operation) & (epo["bits"] == bits)]
        if len(r) != 1:
            raise ValueError(f"energy_per_op has no single row {operation!r} at {bits} bits")
        return float(r["energy_pj"].iloc[0])

    def cell(df: pd.DataFrame, key: str, row: str, col: str) -> float:
        r = df[df[key] == row]
        if len(r) != 1 or pd.isna(r[col].iloc[0]):
            raise ValueError(f"no single {col!r} for {row!r}")
        return float(r[col].iloc[0])

    return {
        "horowitz_mult8_pj": op("int mult", 8),
        "horowitz_mult32_pj": op("int mult", 32),
        "horowitz_add8_pj": op("int add", 8),
        "horowitz_sram32k_pj": op("SRAM read 32 KB", 64),
        "hbm_pj_per_bit": op("HBM2 access", 1),
        "gb300_int8_tops": cell(ev.accelerators, "chip", "GB300", "int8_tops"),
        "encharge_test_tops_per_w": cell(ev.chips, "chip", "EnCharge test chips", "tops_per_w"),
        "hermes_weights_million": cell(
            ev.chips, "chip", "IBM HERMES (one-phase read)", "weights_million"
        ),
        "mythic_weights_million": cell(ev.chips, "chip", "Mythic M1076", "weights_million"),
        "capacity_gpu_memory_gb": cell(ev.accelerators, "chip", CAPACITY_GPU, "memory_gb"),
    }


_P_NUMBERS = (
    "precision_bits",
    "array_rows",
    "adc_walden_fj",
    "adc_schreier_db",
    "node_nm",
    "noise_level",
    "elasticity",
    "sram_reuse",
    "dram_reuse",
    "n_seeds",
    "cell_energy_fj",
    "n_draws",
    "model_weights_billion",
    "drift_hours",
)
_P_PERCENT = (
    "ai_share",
    "inference_share",
    "addressable_share",
    "accelerator_share",
    "matmul_share",
    "energy_share",
    "training_noise",
)


def _params(ev: Evaluation) -> dict[str, float]:
    out = {f"p_{name}": float(getattr(ev.P, name)) for name in _P_NUMBERS}
    out.update({f"p_{name}_pct": 100 * float(getattr(ev.P, name)) for name in _P_PERCENT})
    return out


def _iso_digital(ev: Evaluation) -> dict[str, float]:
    """The digital fixed-point precision that reaches the analog network's best accuracy, and
    the analog knee's energy per MAC against digital at that precision (with and without HBM
    traffic): the comparison at equal delivered accuracy."""
    ex = ev.experiment
    b_d = model_noise.least_bits_reaching(ex.fixed_point, float(ex.best["accuracy_mean"]))
    knee_j = float(_best_row(ev)["energy_per_mac_j"])
    dkw, _ = model_mac.split_kwargs(ev.kw)
    dkw_ws, _ = model_mac.split_kwargs(ev.kw_ws)
    if math.isnan(b_d):
        return {
            "digital_iso_bits": math.nan,
            "knee_vs_digital_ws": math.nan,
            "knee_vs_digital_hbm": math.nan,
        }
    return {
        "digital_iso_bits": b_d,
        "knee_vs_digital_ws": knee_j / model_mac.digital_mac_energy_j(b_d, ev.anchors, **dkw_ws),
        "knee_vs_digital_hbm": knee_j / model_mac.digital_mac_energy_j(b_d, ev.anchors, **dkw),
    }


def _matched_saving(ev: Evaluation) -> dict[str, float]:
    """The 2030 saving at equal delivered accuracy: analog at the operating precision (which
    the devices cap at the experiment's plateau) against digital fleets at the fixed-point
    precision that reaches that plateau (:func:`_iso_digital`), with HBM and
    weight-stationary; nan when no digital precision on the grid reaches it."""
    b_d = _iso_digital(ev)["digital_iso_bits"]
    if math.isnan(b_d):
        return {"saving_matched_twh": math.nan, "saving_matched_ws_twh": math.nan}
    dkw, akw = model_mac.split_kwargs(ev.kw)
    dkw_ws, _ = model_mac.split_kwargs(ev.kw_ws)
    a = model_mac.analog_mac_energy_j(float(ev.P.precision_bits), ev.anchors, **akw)
    d_hbm = model_mac.digital_mac_energy_j(b_d, ev.anchors, **dkw)
    d_ws = model_mac.digital_mac_energy_j(b_d, ev.anchors, **dkw_ws)
    return {
        "saving_matched_twh": float(
            model_saving.saving_point(ev.P, ev.dc, a / d_hbm)["net_saving_twh"]
        ),
        "saving_matched_ws_twh": float(
            model_saving.saving_against(ev.P, ev.dc, a / d_hbm, d_ws / d_hbm)["net_saving_twh"]
        ),
    }


def _experiment(ev: Evaluation) -> dict[str, float]:
    ex = ev.experiment
    ideal_best = model_noise.cheapest_within(ex.ideal, float(ex.ideal["accuracy_mean"].max()))
    ideal_row = ex.ideal[ex.ideal["bits"] == ideal_best["bits"]].iloc[0]
    drift = ex.drift.set_index("time_s")["accuracy_mean"]
    return {
        "linear_accuracy_pct": 100 * ex.linear_accuracy,
        "digital_accuracy_pct": 100 * ex.digital_accuracy,
        "network_over_linear_pp": 100 * (ex.digital_accuracy - ex.linear_accuracy),
        "best_bits": ex.best["bits"],
        "best_accuracy_pct": 100 * ex.best["accuracy_mean"],
        "ideal_best_bits": ideal_best["bits"],
        "ideal_loss_pp": float(ideal_row["drop_pp"]),
        "pcm_prog_mid_pct": 100 * float(model_noise.pcm_sigma_prog(0.5, ev.pcm)),
        "pcm_prog_zero_pct": 100 * float(model_noise.pcm_sigma_prog(0.0, ev.pcm)),
        "drift_hour_pct": 100 * float(drift.loc[3600.0]),
        "drift_year_pct": 100 * float(drift.loc[3.1536e7]),
        "drift_change_pp": _drift_change(ev)["drift_change_pp"],
        "task_classes": float(model_noise.TASK["n_classes"]),
        "task_clusters_per_class": float(model_noise.TASK["n_clusters_per_class"]),
        "task_informative": float(model_noise.TASK["n_informative"]),
        "task_features": float(model_noise.TASK["n_features"]),
        "hidden_layers": float(len(model_noise.HIDDEN)),
        "hidden_units": float(max(model_noise.HIDDEN)),
        "tolerance_pp": model_noise.TOLERANCE_PP,
        "layer_fan_in_min": float(min(a for a, _ in ex.layers)),
        "layer_fan_in_max": float(max(a for a, _ in ex.layers)),
    }


def _drift_change(ev: Evaluation) -> dict[str, float]:
    """The paired change in accuracy from an hour to a year after programming (the same
    devices and draws in each seed), its mean over seeds and standard error across them."""
    d = ev.experiment.drift_by_seed
    diff = 100 * (d[3.1536e7] - d[3600.0])
    se = float(np.std(diff, ddof=1) / math.sqrt(len(diff))) if len(diff) > 1 else math.nan
    return {"drift_change_pp": float(np.mean(diff)), "drift_change_se_pp": se}


#: The side of one of HERMES's square crossbar arrays, in cells (Le Gallo et al. 2023).
HERMES_ARRAY_SIDE = 256


def _hermes_arrays(ev: Evaluation) -> float:
    """HERMES's arrays: its weights over HERMES_ARRAY_SIDE^2 cells per array."""
    r = ev.chips[ev.chips["chip"] == "IBM HERMES (one-phase read)"]
    return float(r["weights_million"].iloc[0]) * 1e6 / HERMES_ARRAY_SIDE**2


def _measured_nodes(ev: Evaluation) -> tuple[float, float]:
    """Process nodes of the peer-reviewed 8-bit analog in-memory chips (nm)."""
    c = ev.chips
    m = c[
        (c["claim_type"] == "peer-reviewed")
        & (c["precision_bits"] == 8)
        & c["substrate"].map(model_mac.is_analog_in_memory)
    ]
    nodes = m["node_nm"].dropna().astype(float)
    return float(nodes.min()), float(nodes.max())


def _saving(ev: Evaluation) -> dict[str, float]:
    P, s, w = ev.P, ev.saving, ev.saving_ws
    dc_twh = model_saving.dc_energy_twh(ev.dc, case=P.dc_case)
    full_cost = model_saving.saving_point(P, ev.dc, ev.ratio_at_precision, energy_share=1.0)
    # what keeping the weights on chip digitally saves against the same HBM baseline
    ws_digital = model_saving.saving_point(
        P, ev.dc, ev.ratio_at_precision / ev.ratio_ws_at_precision
    )
    return {
        "dc_2030_twh": dc_twh,
        "addressable_twh": float(s["addressable_twh"]),
        "replaceable_share_pct": 100 * model_saving.replaceable_share(P),
        "replaceable_twh": float(s["replaceable_twh"]),
        "gross_saving_twh": float(s["gross_saving_twh"]),
        # an identity: exactly 0 at an elasticity of 1 (not a residue such as 1e-14)
        "saving_energy_share_1_twh": _clean_zero(
            float(full_cost["net_saving_twh"]), float(s["addressable_twh"])
        ),
        "saving_pct_of_dc": 100 * float(s["net_saving_twh"]) / dc_twh,
        "ratio_ws_at_precision": ev.ratio_ws_at_precision,
        "gross_saving_ws_twh": float(w["gross_saving_twh"]),
        "ws_fleet_replaceable_twh": float(w["baseline_replaceable_twh"]),
        "saving_ws_digital_twh": float(ws_digital["net_saving_twh"]),
        "gross_saving_ws_digital_twh": float(ws_digital["gross_saving_twh"]),
        "gross_saving_weights_streamed_twh": float(
            model_saving.saving_point(
                P,
                ev.dc,
                model_mac.weights_streamed_ratio(float(P.precision_bits), ev.anchors, **ev.kw),
            )["gross_saving_twh"]
        ),
    }


def _monte_carlo(ev: Evaluation) -> dict[str, float]:
    mc = ev.mc
    d = mc["distributions"]
    return {
        "mc_median_twh": mc["net"]["median"],
        "mc_at_medians_twh": mc["at_medians"],
        "mc_p_loss_pct": 100 * mc["p_loss"],
        "mc_spread_unsourced_pct": 100 * model_saving.SHARE_SPREAD["ai_share"],
        "mc_spread_one_source_pct": 100 * model_saving.SHARE_SPREAD["inference_share"],
        "mc_elasticity_high": float(d["elasticity"].ppf(1.0)),
        "mc_ratio_low": float(d["energy_ratio"].ppf(0.0)),
        "mc_n_shares_unsourced": float(
            sum(
                v == model_saving.SHARE_SPREAD["ai_share"]
                for v in model_saving.SHARE_SPREAD.values()
            )
        ),
        "mc_n_shares_one_source": float(
            sum(
                v == model_saving.SHARE_SPREAD["inference_share"]
                for v in model_saving.SHARE_SPREAD.values()
            )
        ),
        "mc_n_shares": float(len(model_saving.SHARE_SPREAD)),
        "mc_ratio_high": float(d["energy_ratio"].ppf(1.0)),
        "mc_p_ratio_above_1_pct": 100 * float(_mass_above(d["energy_ratio"], 1.0)),
    }


def _priors(ev: Evaluation) -> pd.DataFrame:
    return ev.priors


def _mass_above(d: Dist, x: float) -> float:
    """P(draw > x) of a distribution, by bisection on its quantile function."""
    lo, hi = 0.0, 1.0
    if float(d.ppf(1.0)) <= x:
        return 0.0
    if float(d.ppf(0.0)) >= x:
        return 1.0
    for _ in range(60):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if float(d.ppf(mid)) < x else (lo, mid)
    return 1.0 - (lo + hi) / 2


def numbers(ev: Evaluation) -> dict[str, float]:
    """Every number the prose quotes besides the headlines (plain floats, units in names)."""
    P, anchors, kw = ev.P, ev.anchors, ev.kw
    dkw, akw = model_mac.split_kwargs(kw)
    d8 = model_mac.digital_mac_breakdown(8.0, anchors, **dkw).iloc[0]
    a8 = model_mac.analog_mac_breakdown(8.0, anchors, **akw).iloc[0]
    arith8 = d8["multiply_j"] + d8["add_j"]
    no_dram8 = d8["total_j"] - d8["dram_j"]
    d16 = model_mac.digital_mac_energy_j(16.0, anchors, **dkw)
    ktc16_per_mac = (
        model_adc.min_sampling_energy_j(16.0, noise_ratio=kw["noise_ratio"]) / kw["array_rows"]
    )
    g = model_mac.gpu_check(ev.accelerators, anchors, fastest_per_bits=True, **dkw)
    g8 = g[g["precision_bits"] == 8]
    meas, dig = model_mac.measured_8(ev.chips, ev.accelerators)
    ideal_tpw = model_mac.mac_j_to_tops_per_w(a8["total_j"])
    fom_best = model_adc.best_adc_fom(ev.adc_fom)
    rows_lo = max(16, kw["array_rows"] // 4)
    rows_hi = min(4096, kw["array_rows"] * 4)
    quoted = _quoted(ev)
    weights = P.model_weights_billion * 1e9
    out = {
        "digital_8_fj": d8["total_j"] / J_PER_FJ,
        "digital_ws_8_fj": no_dram8 / J_PER_FJ,
        "digital_8_arith_fj": arith8 / J_PER_FJ,
        "digital_8_dram_fj": d8["dram_j"] / J_PER_FJ,
        "digital_8_movement_pct": 100 * (d8["sram_j"] + d8["dram_j"]) / d8["total_j"],
        "digital_16_fj": d16 / J_PER_FJ,
        "analog_8_adc_pct": 100 * a8["adc_j"] / a8["total_j"],
        "ratio_8_no_dram": a8["total_j"] / no_dram8,
        "ratio_8_arith_only": a8["total_j"] / arith8,
        "ratio_8_weights_streamed": model_mac.weights_streamed_ratio(8.0, anchors, **kw),
        "ratio_at_precision": ev.ratio_at_precision,
        "accumulator_bits_8": model_mac.accumulator_bits(8.0, kw["array_rows"]),
        "gpu_8_min_fj": float(g8["board_energy_per_mac_j"].min() / J_PER_FJ),
        "gpu_8_max_fj": float(g8["board_energy_per_mac_j"].max() / J_PER_FJ),
        "gpu_board_to_model_min": float(g["board_to_model"].min()),
        "gpu_board_to_model_max": float(g["board_to_model"].max()),
        "model_share_of_board_min_pct": 100 / float(g8["board_to_model"].max()),
        "model_share_of_board_max_pct": 100 / float(g8["board_to_model"].min()),
        "adc_knee_bits": model_adc.adc_knee_bits(kw["walden_fj"], kw["schreier_db"]),
        "best_walden_fj": fom_best["walden_fj"],
        "best_schreier_db": fom_best["schreier_db"],
        "ktc_noise_1pf_uv": model_adc.ktc_noise_v(1e-12) * 1e6,
        "ktc_8_fj": model_adc.min_sampling_energy_j(8.0) / J_PER_FJ,
        "ktc_cap_8_ff": model_adc.min_sampling_capacitance_f(8.0) * 1e15,
        "ktc_16_per_mac_fj": ktc16_per_mac / J_PER_FJ,
        "crossover_rows_lo": model_mac.crossover_headline(anchors, **{**kw, "array_rows": rows_lo})[
            0
        ],
        "crossover_rows_hi": model_mac.crossover_headline(anchors, **{**kw, "array_rows": rows_hi})[
            0
        ],
        "rows_lo": float(rows_lo),
        "rows_hi": float(rows_hi),
        "crossover_best_adc": model_mac.crossover_headline(anchors, **{**kw, **fom_best})[0],
        "crossover_ws_best_adc": model_mac.crossover_headline(anchors, **{**ev.kw_ws, **fom_best})[
            0
        ],
        "chips_precision_bits": float(meas["precision_bits"].max()),
        "ideal_tops_per_w_8": ideal_tpw,
        "measured_best_tops_per_w_8": float(meas["tops_per_w"].max()),
        "measured_worst_tops_per_w_8": float(meas["tops_per_w"].min()),
        "ideal_over_measured_min": ideal_tpw / float(meas["tops_per_w"].max()),
        "ideal_over_measured_max": ideal_tpw / float(meas["tops_per_w"].min()),
        "gpu_best_tops_per_w_8": float(dig["tops_per_w"].max()),
        "measured_ratio_8": float(ev.ratios_measured.min()),
        "measured_ratio_8_worst": float(ev.ratios_measured.max()),
        "arrays_for_model": model_mac.arrays_needed(weights, kw["array_rows"]),
        "hermes_chips_for_model": model_mac.units_needed(
            weights, quoted["hermes_weights_million"] * 1e6
        ),
        "mythic_chips_for_model": model_mac.units_needed(
            weights, quoted["mythic_weights_million"] * 1e6
        ),
        "gpus_for_model": model_mac.units_needed(
            weights * P.precision_bits / 8, quoted["capacity_gpu_memory_gb"] * 1e9
        ),
        # what the weight-stationary digital baseline must hold on chip, in SRAM
        "ws_sram_gb": weights * P.precision_bits / 8 / 1e9,
        "hermes_arrays": _hermes_arrays(ev),
        "hermes_array_side": float(HERMES_ARRAY_SIDE),
    }
    out.update(_experiment(ev))
    out.update(_saving(ev))
    out.update(_monte_carlo(ev))
    priors = _priors(ev)
    out["mc_p_loss_best_chip_pct"] = 100 * float(priors["p_loss"].iloc[3])
    out["mc_p_loss_energy_share_1_pct"] = 100 * float(priors["p_loss"].iloc[4])
    out["mc_p_loss_ideal_core_pct"] = 100 * float(priors["p_loss"].iloc[5])
    out["mc_median_ideal_core_twh"] = float(priors["median_twh"].iloc[5])
    out["mc_p_loss_elasticity_1_pct"] = 100 * float(priors["p_loss"].iloc[1])
    out["mc_p_loss_elasticity_5_pct"] = 100 * float(priors["p_loss"].iloc[2])
    _, s_st, s_s1, _ = sobol_top(ev)
    out["sobol_top_total"] = s_st
    out["sobol_top_first"] = s_s1
    out["sobol_energy_share_low_pct"] = 100 * min(ENERGY_SHARE_RANGE[0], P.energy_share)
    out["sobol_energy_share_high_pct"] = 100 * max(ENERGY_SHARE_RANGE[1], P.energy_share)
    return {k: float(v) for k, v in {**out, **quoted, **_params(ev)}.items()}


# ---------------------------------------------------------------------------- phrases
def crossover_text(bits: float, regime: str) -> str:
    """A phrase for the prose: the crossover precision, or which substrate wins throughout."""
    lo, hi = model_mac.CROSSOVER_RANGE
    if regime == model_mac.DIGITAL_THROUGHOUT:
        return f"below {lo:.0f} bit: digital wins at every precision modelled"
    if regime == model_mac.ANALOG_THROUGHOUT:
        return f"above {hi:.0f} bits: analog wins at every precision modelled"
    return f"{bits:.1f} bits"


def twh_phrase(x: float) -> str:
    """A saving in words: "a saving of 12 TWh" or "a net increase of 3 TWh"."""
    if round(x) == 0:
        return "no saving to the nearest TWh"
    return f"a saving of {x:,.0f} TWh" if x > 0 else f"a net increase of {-x:,.0f} TWh"


def interval_phrase(p05: float, p95: float) -> str:
    """The Monte Carlo's 90% interval in words, saying so when it includes a loss."""
    if p05 < 0 <= p95:
        return (
            f"from a net increase of {-p05:,.0f} TWh to a saving of {p95:,.0f} TWh: "
            "the interval includes a loss"
        )
    if p95 < 0:
        return (
            f"from a net increase of {-p05:,.0f} to one of {-p95:,.0f} TWh: analog adds "
            "electricity in most draws"
        )
    return f"from {p05:,.0f} to {p95:,.0f} TWh saved"


def _in_prose(label: str) -> str:
    return label if label[:2].isupper() else label[:1].lower() + label[1:]


def drivers_text(tor: pd.DataFrame, rel_tol: float = 1e-6) -> tuple[str, str]:
    """Prose for the first and second places of a tornado: the reader-facing labels, in
    running text; inputs whose swings are equal (within ``rel_tol``) share a place ("X and Y
    (equal swings)"). The second is "no other input" when there is none."""
    labels = [_in_prose(SAVING_INPUT_LABELS.get(str(v), str(v))) for v in tor["input"]]
    swings = tor["swing"].to_numpy(dtype=float)
    groups: list[list[str]] = []
    for i, lab in enumerate(labels):
        if groups and math.isclose(swings[i], swings[i - 1], rel_tol=rel_tol, abs_tol=1e-12):
            groups[-1].append(lab)
        else:
            groups.append([lab])

    def text(g: list[str]) -> str:
        return g[0] if len(g) == 1 else ", ".join(g[:-1]) + f" and {g[-1]} (equal swings)"

    return (
        text(groups[0]) if groups else "no input",
        text(groups[1]) if len(groups) > 1 else "no other input",
    )


def rebound_clause(
    elasticity: float, energy_share: float, rebound_twh: float, gross_twh: float
) -> str:
    """Opens a sentence: how much of the gross saving the rebound takes back."""
    if elasticity == 0 or energy_share == 0 or rebound_twh == 0:
        return (
            "With no price response (an elasticity or an energy share of 0) nothing is taken back"
        )
    return (
        f"With a price elasticity of demand of {elasticity:.2g} and energy "
        f"{100 * energy_share:.0f}% of the cost of inference, the rebound takes back "
        f"{rebound_twh:,.1f} TWh of the {gross_twh:,.0f} TWh gross saving"
    )


def iso_text(ev: Evaluation) -> str:
    """Whether any precision brings the analog network within 1 point of floating point."""
    iso = ev.experiment.iso
    top = float(ev.experiment.table["bits"].max())
    if math.isnan(iso["bits"]):
        return (
            f"at no precision up to {top:.0f} bits does it come within "
            f"{model_noise.TOLERANCE_PP:.0f} point of the floating-point network"
        )
    return (
        f"from {iso['bits']:.0f} bits on it comes within "
        f"{model_noise.TOLERANCE_PP:.0f} point of the floating-point network"
    )


def flip_text(service_ratio: float, energy_share: float) -> str:
    """The elasticity at which the rebound would erase the saving, in words."""
    if not 0 < service_ratio < 1:
        return "none: there is no saving to take back"
    flip = model_saving.flip_elasticity(service_ratio, energy_share)
    return "none: the price does not move" if math.isinf(flip) else f"{flip:.2g}"


def bits_text(bits: float) -> str:
    """An effective precision in words."""
    return "unlimited (ideal devices)" if math.isinf(bits) else f"{bits:.1f}-bit"


def rebound_size_text(rebound_twh: float, gross_twh: float, energy_share: float) -> str:
    """Opens a sentence: whether the rebound is small or large, and why."""
    share = rebound_twh / gross_twh if gross_twh > 0 else 0.0
    if share < 0.1:
        return (
            f"The rebound is small because energy is a small part of what inference "
            f"costs ({100 * energy_share:.0f}%"
        )
    return (
        f"The rebound takes back {100 * share:.0f}% of the gross saving, because energy "
        f"is a large part of what inference costs ({100 * energy_share:.0f}%"
    )


def p_loss_text(p_loss: float, p_prior_above_1: float, tol: float = 0.02) -> str:
    """Whether the chance of a loss is just the ratio prior's weight above 1."""
    if abs(p_loss - p_prior_above_1) <= tol:
        return (
            f"that chance, {100 * p_loss:.0f}%, is the ratio prior's weight above 1 "
            f"({100 * p_prior_above_1:.0f}%): with energy a small part of the cost the "
            "rebound hardly changes the sign, so the chance of a loss is the prior's, "
            "not a finding"
        )
    return (
        f"that chance, {100 * p_loss:.0f}%, differs from the ratio prior's weight above 1 "
        f"({100 * p_prior_above_1:.0f}%) because the rebound moves the sign; it is still "
        "set by the priors, not a finding"
    )


def elasticity_prior_text(p_loss_1: float, p_loss_5: float, tol: float = 0.01) -> str:
    """How much the elasticity prior's upper end moves the chance of a loss."""
    if abs(p_loss_5 - p_loss_1) <= tol:
        return (
            f"the elasticity prior's upper end hardly matters ({100 * p_loss_1:.0f}% "
            f"at 1, {100 * p_loss_5:.0f}% at 5)"
        )
    return (
        f"moving the elasticity prior's upper end from 1 to 5 takes it from "
        f"{100 * p_loss_1:.0f}% to {100 * p_loss_5:.0f}%"
    )


def interval_low_text(p05: float, ratio_high: float) -> str:
    """Why the 90% interval's lower end is where it is."""
    if p05 < 0 and ratio_high > 1:
        return (
            "Its lower end is below zero because the measured chips span ratios above 1, "
            "where analog uses more energy than digital"
        )
    if p05 < 0:
        return "Its lower end is below zero because the rebound outweighs the saving there"
    return "Its lower end is above zero: no measured chip uses more energy than the best GPU"


def drift_change_text(change_pp: float, se_pp: float, n_seeds: int) -> str:
    """The paired change in accuracy from an hour to a year, with its standard error."""
    if n_seeds < 2 or math.isnan(se_pp):
        return f"{change_pp:.1f} points (one seed: no standard error across seeds)"
    return (
        f"{change_pp:.1f} points, with a standard error of {se_pp:.1f} across the {n_seeds} seeds"
    )


def digital_iso_text(b_d: float, top_bits: float) -> str:
    """Where digital fixed point reaches the analog network's best accuracy."""
    if math.isnan(b_d):
        return f"at no precision up to {top_bits:.0f} bits"
    return f"from {b_d:.0f} bits"


def matched_saving_text(
    saving_matched_twh: float, saving_matched_ws_twh: float, b_d: float, bits: float
) -> str:
    """The 2030 saving at equal delivered accuracy, in words."""
    if math.isnan(b_d):
        return (
            "cannot be computed: no digital fixed-point precision on the grid reaches the "
            "analog network's best accuracy"
        )
    return (
        f"is {twh_phrase(saving_matched_twh)} against digital accelerators with HBM and "
        f"{twh_phrase(saving_matched_ws_twh)} against a weight-stationary digital fleet, "
        f"both running at {b_d:.0f} bits while analog runs at {bits:.0f}"
    )


def nodes_text(lo: float, hi: float) -> str:
    """A range of process nodes in words ("14 nm" when there is one)."""
    return f"{lo:.0f} nm" if lo == hi else f"{lo:.0f} to {hi:.0f} nm"


def knee_text(knee_vs_ws: float, knee_vs_hbm: float, b_d: float) -> str:
    """The analog knee against digital at equal delivered accuracy, in words."""
    if math.isnan(b_d):
        return (
            "no digital fixed-point precision on the grid reaches the analog network's "
            "best accuracy"
        )

    def one(r: float, what: str) -> str:
        return f"{r:.2f} times the energy of {what} digital MAC at {b_d:.0f} bits" + (
            " (analog loses)" if r > 1 else " (analog wins)"
        )

    return f"{one(knee_vs_ws, 'a weight-stationary')} and {one(knee_vs_hbm, 'an HBM-fed')}"


def texts(ev: Evaluation) -> dict[str, str]:
    P = ev.P
    h = headlines(ev)
    s = ev.saving
    top, second = drivers_text(ev.mc["tornado"])
    return {
        "crossover_text": crossover_text(*ev.crossover),
        "crossover_ws_text": crossover_text(*ev.crossover_ws),
        "dc_case": P.dc_case,
        "adc_combine": "the larger of the two lines"
        if P.adc_combine == "max"
        else "the sum of the two lines",
        "saving_phrase": twh_phrase(h["saving_2030_twh"]),
        "saving_ws_phrase": twh_phrase(h["saving_2030_vs_weight_stationary_twh"]),
        "saving_worst_chip_phrase": twh_phrase(_saving_worst(ev)),
        "interval_phrase": interval_phrase(h["saving_2030_p05_twh"], h["saving_2030_p95_twh"]),
        "rebound_clause": rebound_clause(
            P.elasticity,
            P.energy_share,
            _clean_zero(float(s["rebound_twh"]), float(s["addressable_twh"])),
            float(s["gross_saving_twh"]),
        ),
        "iso_text": iso_text(ev),
        "flip_text": flip_text(float(s["service_ratio"]), P.energy_share),
        "device_bits_text": bits_text(ev.experiment.weight_bits),
        "mc_top_driver": top,
        "mc_top_range": "from {} to {}".format(
            twh_phrase(float(ev.mc["tornado"]["output_low"].iloc[0])),
            twh_phrase(float(ev.mc["tornado"]["output_high"].iloc[0])),
        ),
        "mc_second_driver": second,
        "sobol_top_input": SAVING_INPUT_LABELS.get(sobol_top(ev)[0], sobol_top(ev)[0])
        .lower()
        .replace("ai's", "AI's"),
        "sobol_interaction_text": sobol_interaction_text(ev.sobol),
        **_conditional_texts(ev),
    }


def _conditional_texts(ev: Evaluation) -> dict[str, str]:
    n = {**_monte_carlo(ev), **_iso_digital(ev)}
    priors = _priors(ev)
    s = ev.saving
    return {
        "rebound_size_text": rebound_size_text(
            _clean_zero(float(s["rebound_twh"]), float(s["addressable_twh"])),
            float(s["gross_saving_twh"]),
            ev.P.energy_share,
        ),
        "p_loss_text": p_loss_text(float(ev.mc["p_loss"]), n["mc_p_ratio_above_1_pct"] / 100),
        "elasticity_prior_text": elasticity_prior_text(
            float(priors["p_loss"].iloc[1]), float(priors["p_loss"].iloc[2])
        ),
        "interval_low_text": interval_low_text(float(ev.mc["net"]["p05"]), n["mc_ratio_high"]),
        "drift_change_text": drift_change_text(
            _drift_change(ev)["drift_change_pp"],
            _drift_change(ev)["drift_change_se_pp"],
            len(ev.experiment.drift_by_seed[3600.0]),
        ),
        "digital_iso_text": digital_iso_text(
            n["digital_iso_bits"], float(ev.experiment.fixed_point["bits"].max())
        ),
        "measured_nodes_text": nodes_text(*_measured_nodes(ev)),
        "matched_saving_text": matched_saving_text(
            **_matched_saving(ev), b_d=n["digital_iso_bits"], bits=float(ev.P.precision_bits)
        ),
        "knee_text": knee_text(
            n["knee_vs_digital_ws"], n["knee_vs_digital_hbm"], n["digital_iso_bits"]
        ),
    }


def sobol_interaction_text(indices: pd.DataFrame) -> str:
    """Whether the total indices exceed the first-order ones: the share of the variance
    left to interactions, ``1 - sum(S1)`` (clipped to [0, 1])."""
    rest = min(1.0, max(0.0, 1.0 - float(indices["S1"].clip(lower=0.0).sum())))
    if rest < 0.05:
        return (
            "the first-order indices add up to nearly the whole variance, so the inputs "
            "act almost additively"
        )
    return (
        f"the first-order indices leave about {100 * rest:.0f}% of the variance to "
        "interactions: the shares multiply a saving that the achieved ratio sets (and can make "
        "negative), so their total indices exceed their first-order ones"
    )


def _saving_worst(ev: Evaluation) -> float:
    """The net 2030 saving at the worst measured chip's ratio."""
    return float(
        model_saving.saving_point(ev.P, ev.dc, float(ev.ratios_measured.max()))["net_saving_twh"]
    )


# ---------------------------------------------------------------------------- captions
def captions(ev: Evaluation) -> dict[str, str]:
    fom_grid = model_adc.walden_grid(ev.adc_fom, ev.kw["walden_fj"])
    ex = ev.experiment
    hours = ev.P.drift_hours
    return {
        "energy": (
            "The ideal analog in-memory MAC starts below both digital MACs at low precision "
            "and rises much faster with bits (its converters double, then quadruple, per "
            "bit), crossing them at the two dashed "
            f"lines ({crossover_text(*ev.crossover)} and "
            f"{crossover_text(*ev.crossover_ws)}). The lines give the modelled energy per MAC "
            "from 1 to 16 bits on a log scale; the two digital MACs (operands from HBM, and "
            "weight-stationary with every operand on chip) rise gently (quadratic multiplier, "
            "linear operand movement). The dotted line marks the precision the "
            f"modelled phase-change devices give the weights "
            f"({bits_text(ex.weight_bits)}). "
            "Hollow marks: H100, B200 and GB300 at board power and dense peak rate at 4, 8 "
            "and 16 bits. Sources: Horowitz (ISSCC 2014), O'Connor et al. (MICRO 2017), "
            "Murmann ADC survey (2025), Epoch AI hardware data (2025), Nandakumar et al. "
            "(2019)."
        ),
        "adc": (
            "The energy of one ADC conversion grows fast with resolution: it doubles per bit "
            "on the Walden line and quadruples per bit on the Schreier line and the kT/C "
            "floor; the modelled ADC follows the Walden line at low resolution and the "
            "Schreier line above the knee. The lines run from 1 to 16 bits on a log scale; "
            "divided over the array's rows the modelled ADC gives the ADC energy per MAC. "
            "Source: B. Murmann, ADC Performance Survey 1997-2025 (figures of merit); kT/C "
            "from Boltzmann's constant."
        ),
        "breakdown": (
            "Where the energy of one MAC at the chosen precision goes: the digital MAC's is "
            "mostly operand movement from HBM and SRAM with a thin slice of arithmetic; the "
            "analog MAC's is mostly ADC readout, with small array, DAC and input/output "
            "movement parts. Each bar stacks the parts of one MAC. Sources: Horowitz (ISSCC "
            "2014), O'Connor et al. (MICRO 2017), Murmann ADC survey."
        ),
        "crossover_map": (
            "Larger arrays and better converters raise the crossover precision (against the "
            "digital MAC with HBM traffic), from below 1 bit (digital wins everywhere) for "
            "small arrays with poor converters upwards; past the knee a better Walden figure "
            "no longer helps. The map gives the crossover in bits over array rows (16 to "
            "4096, across) and the ADC's Walden figure of "
            f"merit ({min(fom_grid):.4g} to {max(fom_grid):.4g} fJ per step, down the side; "
            "the survey's best and median converters among them), at the chosen Schreier "
            "figure and node. The outlined cell is the chosen setting. Sources: Horowitz "
            "(ISSCC 2014), Murmann ADC survey (2025)."
        ),
        "node": (
            "The crossover precision rises slowly as the digital process node gets larger "
            "(digital gets more expensive), and larger arrays sit higher at every node. One "
            "line per array of 64, 256 and 1024 rows, over digital nodes from 3 to 180 nm. "
            "Sources: Horowitz (ISSCC 2014) scaled by the node exponent; Murmann ADC survey."
        ),
        "accuracy": (
            "With ideal devices (converters and thermal noise only) test accuracy climbs "
            "with analog energy per MAC to the floating-point network's; on phase-change "
            f"memory {hours:g} hours after programming it levels off "
            f"{ex.best['drop_pp']:.1f} points below. Each line gives the mean test accuracy "
            "over seeds against modelled analog energy per MAC, one point per precision (1 "
            f"to {ex.table['bits'].max():.0f} bits), with bars from the lowest to the highest "
            "seed. Dashed lines: the floating-point network and a "
            "linear model on the same task; the circled point is the cheapest precision "
            f"within {model_noise.TOLERANCE_PP:g} point of the best analog accuracy (the "
            "device-limited knee); each layer's energy is charged in an array of its own "
            "fan-in and fan-out. Task generated with scikit-learn; "
            "device model: Nandakumar et al. (2019); energies from this chapter's model."
        ),
        "drift": (
            "Conductance drift, corrected globally, still erodes test accuracy at "
            f"{ev.P.precision_bits} bits as time passes since the weights were programmed. "
            "The line gives the mean over seeds from a minute to a year (log scale), with "
            "bars from the lowest to the highest seed; the dashed line is the floating-point "
            "network. Device model: Nandakumar et al. (2019), as implemented in IBM's aihwkit."
        ),
        "chips": (
            "The peer-reviewed analog chips span from above the best GPU to below it in TOPS "
            "per watt, all well below this model's ideal analog core. The chart compares, on "
            "a log scale, analog in-memory chips (IBM HERMES "
            "in two read modes, IBM's analog speech chip, Mythic M1076, EnCharge EN100 and "
            "test chips), Lightmatter's photonic processor, Intel's Hala Point, and H100, "
            "B200 and GB300 at 8 and 16 bits; colour marks peer-reviewed, vendor claim or "
            "unverified vendor claim, shape marks chip, card or system level. Dashed lines: "
            "this model's digital MAC and ideal analog core at 8 bits. Sources: see the table "
            "below and the data appendix."
        ),
        "scope": (
            "How much of the world's data-centre electricity in 2030 "
            f"({ev.P.dc_case}) analog arithmetic could save, narrowing step by step: AI's "
            "share, inference's share, the noise-tolerant "
            "share, the part analog arithmetic can replace (the accelerators' matrix "
            "products), and what the ideal analog core saves of it against digital "
            "accelerators with HBM and against a weight-stationary digital fleet (on the smaller "
            "energy that fleet would draw), before the rebound. Each bar is a part of the one "
            "before. "
            "Sources: IEA Energy and AI (2025); Elsworth et al. (2025) for the accelerators' "
            "share; the other shares are assumptions."
        ),
        "saving": (
            "How the net 2030 saving changes with the price elasticity of demand for "
            "inference: at the ideal core's ratio and at the worst peer-reviewed chip's "
            "ratio with the chosen energy share of cost, and at the ideal ratio with energy "
            "the whole cost (the largest rebound, which erases the saving at an elasticity "
            "of 1 by construction). One line per case; points mark the chosen elasticity. "
            "Sources: IEA Energy and AI (2025); the shares are assumptions."
        ),
        "tornado": (
            "Which uncertain inputs swing the net 2030 saving most, largest swing on top: "
            "for each input (the five shares, the achieved analog/digital energy ratio and "
            "the elasticity) the bar spans the saving as that input moves from its 5th to "
            "its 95th percentile with the others at their medians. The dashed line marks "
            "every input at its median. Model: this chapter's saving under its declared "
            "distributions; IEA Energy and AI (2025) for 2030 data-centre electricity."
        ),
        "sobol": _sobol_caption(ev),
    }


def _sobol_caption(ev: Evaluation) -> str:
    name, st, s1, sep = sobol_top(ev)
    label = SOBOL_LABELS.get(name, name)
    n_in = len(ev.sobol)
    rank = (
        "its interval separates it from the next input"
        if sep
        else "the intervals do not separate it from the next input at this sample size"
    )
    return (
        f"{label} explains the largest share of the variance of the 2030 net saving, total "
        f"index {st:.2f} (first-order {s1:.2f}); {rank}. The bars give the total Sobol indices "
        "of the saving: the share of its "
        f"variance each of {n_in} inputs explains, interactions included, with 95% bootstrap "
        f"intervals (Saltelli sampling, {SOBOL_N} base draws). The point model of the saving "
        f"(no Monte Carlo) is evaluated with each input uniform over its declared range (the "
        f"achieved ratio uniform in its logarithm over the measured chips; energy's share of "
        f"cost from {100 * ENERGY_SHARE_RANGE[0]:.0f} to {100 * ENERGY_SHARE_RANGE[1]:.0f}%); "
        f"the ranges are assumptions."
    )


# ---------------------------------------------------------------------------- reader tables
def claim_text(claim_type: str, checked: str) -> str:
    """peer-reviewed or vendor claim, with ", unverified" when the source was not checked."""
    base = "peer-reviewed" if claim_type == "peer-reviewed" else "vendor claim"
    return f"{base}, unverified" if checked == "unverified" else base


def table_chips(ev: Evaluation) -> pd.DataFrame:
    """The published chips: what was measured, by whom, and how sure we are. TOPS/W marked
    ``*`` are computed as TOPS / W from the stated figures."""
    a = ev.chips
    stated = a["tops_per_w"].notna()
    tpw = a["tops_per_w"].where(stated, a["tops"] / a["power_w"])
    return (
        pd.DataFrame(
            {
                "Chip": a["chip"],
                "Substrate": a["substrate"],
                "Level, precision": [
                    f"{lv}, {int(b)}-bit"
                    for lv, b in zip(a["level"], a["precision_bits"], strict=True)
                ],
                "TOPS/W": [
                    f"{v:.3g}" + ("" if st else "*") for v, st in zip(tpw, stated, strict=True)
                ],
                "Weights held (millions)": [
                    "" if pd.isna(w) else f"{w:.3g}" for w in a["weights_million"]
                ],
                "Claim": [
                    claim_text(t, k) for t, k in zip(a["claim_type"], a["checked"], strict=True)
                ],
                "Source": [
                    f"{p} ({int(y)})"
                    for p, y in zip(a["source_publisher"], a["source_year"], strict=True)
                ],
            }
        )
        .sort_values("Chip")
        .reset_index(drop=True)
    )


def _describe(d: Dist) -> str:
    if isinstance(d, Fixed):
        return f"fixed at {d.value:.3g}"
    if isinstance(d, LogUniform):
        return f"log-uniform, {d.low:.3g} to {d.high:.3g}"
    if isinstance(d, Beta):
        mode = d.low + (d.high - d.low) * (d.a - 1) / (d.a + d.b - 2)
        return f"PERT, {d.low:.3g} to {d.high:.3g}, mode {mode:.3g}"
    return d.describe()


def table_assumptions(ev: Evaluation) -> pd.DataFrame:
    """The declared distributions of the 2030 saving's uncertain inputs."""
    return pd.DataFrame(
        [
            {
                "Input": SAVING_INPUT_LABELS.get(k, k),
                "Distribution": _describe(d),
                "5th percentile": f"{float(d.ppf(0.05)):.3g}",
                "Median": f"{d.median():.3g}",
                "95th percentile": f"{float(d.ppf(0.95)):.3g}",
            }
            for k, d in ev.mc["distributions"].items()
        ]
    )


def _prior_scenarios(P: Params) -> list[tuple[str, float, float]]:
    """The chosen priors, then one change at a time: the elasticity prior's upper end at 1
    and 5, the achieved ratio fixed at the best chip, energy the whole cost, the ratio
    prior extended down to the modelled ideal core."""
    e, s = float(P.elasticity_max), float(P.energy_share)
    return [
        ("measured", e, s),
        ("measured", 1.0, s),
        ("measured", 5.0, s),
        ("best chip", e, s),
        ("measured", e, 1.0),
        ("ideal core", e, s),
    ]


def table_priors(ev: Evaluation) -> pd.DataFrame:
    """How the Monte Carlo's answer moves with its priors (the achieved ratio's upper end,
    the elasticity prior's upper end)."""
    t = _priors(ev)
    return pd.DataFrame(
        {
            "Achieved ratio": [
                {
                    "measured": f"measured chips, {lo:.2f} to {hi:.2f}",
                    "best chip": f"best chip only, {lo:.2f}",
                    "ideal core": f"ideal core to worst chip, {lo:.2f} to {hi:.2f} (upper bound)",
                }[r]
                for r, lo, hi in zip(t["ratio_prior"], t["ratio_low"], t["ratio_high"], strict=True)
            ],
            "Elasticity up to": [f"{e:.2g}" for e in t["elasticity_max"]],
            "Energy's share of cost": [f"{100 * e:.0f}%" for e in t["energy_share"]],
            "Chance analog adds electricity": [f"{100 * p:.1f}%" for p in t["p_loss"]],
            "5th percentile (TWh)": [f"{v:,.1f}" for v in t["p05_twh"]],
            "Median (TWh)": [f"{v:,.1f}" for v in t["median_twh"]],
            "95th percentile (TWh)": [f"{v:,.1f}" for v in t["p95_twh"]],
        }
    )
