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

import pandas as pd

from energybook.chapters.analog import model_adc, model_mac, model_noise, model_saving
from energybook.chapters.analog.model_adc import J_PER_FJ
from energybook.chapters.analog.params import Params
from energybook.chapters.analog.spec import SPEC
from energybook.uncertainty import Beta, Dist, Fixed, LogUniform

TABLES = ("energy_per_op", "accelerators", "analog_chips", "adc_fom", "dc_electricity")

#: The 70-billion-weight model of the capacity example.
EXAMPLE_WEIGHTS = 70e9

#: Reader-facing names of the uncertain inputs of the 2030 saving.
SAVING_INPUT_LABELS = {
    "ai_share": "AI's share of data-centre electricity",
    "inference_share": "Inference's share of AI energy",
    "addressable_share": "Noise-tolerant share of inference",
    "energy_ratio": "Achieved analog / digital energy ratio",
    "elasticity": "Price elasticity of demand (rebound)",
}


@dataclass(frozen=True)
class Evaluation:
    P: Params
    energy_per_op: pd.DataFrame
    accelerators: pd.DataFrame
    chips: pd.DataFrame
    adc_fom: pd.DataFrame
    dc: pd.DataFrame
    anchors: dict[str, float]
    kw: dict[str, Any]
    crossover: tuple[float, str]
    ratio_8: float
    ratio_at_precision: float
    accuracy: pd.DataFrame
    least: dict[str, float]
    saving: dict[str, float]
    mc: dict[str, Any]


def evaluate(P: Params, tables: Mapping[str, pd.DataFrame]) -> Evaluation:
    anchors = model_mac.digital_anchors(tables["energy_per_op"])
    kw = model_mac.model_kwargs(P)
    X, y = model_noise.digits_task()
    accuracy = model_noise.accuracy_table(P, anchors, X, y)
    ratio_p = model_mac.energy_ratio(float(P.precision_bits), anchors, **kw)
    mc = model_saving.run_saving_uncertainty(P, anchors, tables["dc_electricity"],
                                             tables["analog_chips"], tables["accelerators"])
    return Evaluation(
        P=P, energy_per_op=tables["energy_per_op"], accelerators=tables["accelerators"],
        chips=tables["analog_chips"], adc_fom=tables["adc_fom"], dc=tables["dc_electricity"],
        anchors=anchors, kw=kw, crossover=model_mac.crossover_headline(anchors, **kw),
        ratio_8=model_mac.energy_ratio(8.0, anchors, **kw), ratio_at_precision=ratio_p,
        accuracy=accuracy, least=model_noise.least_energy(accuracy),
        saving=model_saving.saving_point(P, tables["dc_electricity"], ratio_p), mc=mc)


def headlines(ev: Evaluation) -> dict[str, float]:
    values = {
        "crossover_bits": ev.crossover[0],
        "ratio_at_8_bits": ev.ratio_8,
        "least_energy_within_1pt_fj": ev.least["energy_per_mac_j"] / J_PER_FJ,
        "saving_2030_twh": float(ev.saving["net_saving_twh"]),
        "saving_2030_p05_twh": float(ev.mc["net"]["p05"]),
        "saving_2030_p95_twh": float(ev.mc["net"]["p95"]),
    }
    return {h.name: float(values[h.name]) for h in SPEC.headlines}


def _clean_zero(x: float, scale: float, rel: float = 1e-9) -> float:
    """``x``, or 0.0 where it is a floating-point residue (below ``rel`` of ``scale``)."""
    return 0.0 if abs(x) <= rel * max(abs(scale), 1.0) else float(x)


def _quoted(ev: Evaluation) -> dict[str, float]:
    """Published figures the prose quotes, read from the data tables: Horowitz's 45 nm
    energies and HBM2's energy per bit (``energy_per_op``), GB300's dense INT8 rate
    (``accelerators``) and EnCharge's claimed TOPS/W for its test chips (``analog_chips``)."""
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
        "encharge_test_tops_per_w": cell(ev.chips, "chip", "EnCharge test chips",
                                         "tops_per_w"),
    }


def _params(ev: Evaluation) -> dict[str, float]:
    P = ev.P
    out = {f"p_{name}": float(getattr(P, name)) for name in (
        "precision_bits", "array_rows", "adc_walden_fj", "adc_schreier_db", "node_nm",
        "noise_level", "ai_share", "inference_share", "addressable_share", "elasticity",
        "sram_reuse", "dram_reuse", "n_seeds", "cell_energy_fj", "n_draws")}
    out.update({f"p_{name}_pct": 100 * float(getattr(P, name))
                for name in ("ai_share", "inference_share", "addressable_share")})
    return out


def _monte_carlo(ev: Evaluation) -> dict[str, float]:
    mc, tor = ev.mc, ev.mc["tornado"]
    return {
        "mc_median_twh": mc["net"]["median"],
        "mc_at_medians_twh": mc["at_medians"],
        "mc_p_erased_pct": 100 * mc["p_erased"],
        "mc_top_low_twh": float(tor["output_low"].iloc[0]),
        "mc_top_high_twh": float(tor["output_high"].iloc[0]),
        "mc_spread_unsourced_pct": 100 * model_saving.SHARE_SPREAD["ai_share"],
        "mc_spread_inference_pct": 100 * model_saving.SHARE_SPREAD["inference_share"],
        "mc_elasticity_high": float(mc["distributions"]["elasticity"].ppf(1.0)),
    }


def numbers(ev: Evaluation) -> dict[str, float]:
    """Every number the prose quotes besides the headlines (plain floats, units in names)."""
    P, anchors, kw = ev.P, ev.anchors, ev.kw
    dkw, akw = model_mac.split_kwargs(kw)
    d8 = model_mac.digital_mac_breakdown(8.0, anchors, **dkw).iloc[0]
    a8 = model_mac.analog_mac_breakdown(8.0, anchors, **akw).iloc[0]
    arith8 = d8["multiply_j"] + d8["add_j"]
    no_dram8 = d8["total_j"] - d8["dram_j"]
    d16 = model_mac.digital_mac_energy_j(16.0, anchors, **dkw)
    ktc16_per_mac = model_adc.min_sampling_energy_j(
        16.0, noise_ratio=kw["noise_ratio"]) / kw["array_rows"]
    g = model_mac.gpu_check(ev.accelerators, anchors, fastest_per_bits=True, **dkw)
    g8 = g[g["precision_bits"] == 8]
    meas, dig = model_mac.measured_8(ev.chips, ev.accelerators)
    ideal_tpw = model_mac.mac_j_to_tops_per_w(a8["total_j"])
    measured_ratio = model_mac.measured_ratio_8(ev.chips, ev.accelerators)
    s = ev.saving
    s_meas = model_saving.saving_point(P, ev.dc, measured_ratio)
    no_rebound = model_saving.saving_point(P, ev.dc, ev.ratio_at_precision, elasticity=0.0)
    dc_twh = model_saving.dc_energy_twh(ev.dc, case=P.dc_case)
    fom_best = model_adc.best_adc_fom(ev.adc_fom)
    rows_lo = max(16, kw["array_rows"] // 4)
    rows_hi = min(4096, kw["array_rows"] * 4)
    accuracy = ev.accuracy
    out = {
        "digital_8_fj": d8["total_j"] / J_PER_FJ,
        "digital_8_arith_fj": arith8 / J_PER_FJ,
        "digital_8_dram_fj": d8["dram_j"] / J_PER_FJ,
        "digital_8_movement_pct": 100 * (d8["sram_j"] + d8["dram_j"]) / d8["total_j"],
        "digital_16_fj": d16 / J_PER_FJ,
        "analog_8_fj": a8["total_j"] / J_PER_FJ,
        "analog_8_adc_pct": 100 * a8["adc_j"] / a8["total_j"],
        "analog_8_adc_fj": a8["adc_j"] / J_PER_FJ,
        "ratio_8_no_dram": a8["total_j"] / no_dram8,
        "ratio_8_arith_only": a8["total_j"] / arith8,
        "ratio_at_precision": ev.ratio_at_precision,
        "gpu_8_min_fj": float(g8["board_energy_per_mac_j"].min() / J_PER_FJ),
        "gpu_8_max_fj": float(g8["board_energy_per_mac_j"].max() / J_PER_FJ),
        "gpu_board_to_model_min": float(g["board_to_model"].min()),
        "gpu_board_to_model_max": float(g["board_to_model"].max()),
        "adc_knee_bits": model_adc.adc_knee_bits(kw["walden_fj"], kw["schreier_db"]),
        "adc_knee_best_bits": model_adc.adc_knee_bits(**fom_best),
        "best_walden_fj": fom_best["walden_fj"],
        "best_schreier_db": fom_best["schreier_db"],
        "ktc_noise_1pf_uv": model_adc.ktc_noise_v(1e-12) * 1e6,
        "ktc_8_fj": model_adc.min_sampling_energy_j(8.0) / J_PER_FJ,
        "ktc_cap_8_ff": model_adc.min_sampling_capacitance_f(8.0) * 1e15,
        "ktc_16_per_mac_fj": ktc16_per_mac / J_PER_FJ,
        "crossover_rows_lo": model_mac.crossover_headline(
            anchors, **{**kw, "array_rows": rows_lo})[0],
        "crossover_rows_hi": model_mac.crossover_headline(
            anchors, **{**kw, "array_rows": rows_hi})[0],
        "rows_lo": float(rows_lo), "rows_hi": float(rows_hi),
        "crossover_best_adc": model_mac.crossover_headline(anchors, **{**kw, **fom_best})[0],
        "digital_accuracy_pct": 100 * float(accuracy["digital_accuracy"].iloc[0]),
        "least_bits": ev.least["bits"],
        "least_drop_pp": ev.least["drop_pp"],
        "least_vs_digital_8": ev.least["energy_per_mac_j"] / d8["total_j"],
        "ideal_tops_per_w_8": ideal_tpw,
        "digital_model_tops_per_w_8": model_mac.mac_j_to_tops_per_w(d8["total_j"]),
        "measured_best_tops_per_w_8": float(meas["tops_per_w"].max()),
        "measured_worst_tops_per_w_8": float(meas["tops_per_w"].min()),
        "ideal_over_measured_min": ideal_tpw / float(meas["tops_per_w"].max()),
        "ideal_over_measured_max": ideal_tpw / float(meas["tops_per_w"].min()),
        "gpu_best_tops_per_w_8": float(dig["tops_per_w"].max()),
        "measured_ratio_8": measured_ratio,
        "dc_2030_twh": dc_twh,
        "addressable_twh": s["addressable_twh"],
        "gross_saving_twh": s["gross_saving_twh"],
        # exactly 0 without a rebound (not a rounding residue such as -6e-14)
        "rebound_twh": _clean_zero(s["rebound_twh"], s["addressable_twh"]),
        "saving_no_rebound_twh": no_rebound["net_saving_twh"],
        "saving_measured_twh": s_meas["net_saving_twh"],
        "saving_pct_of_dc": 100 * s["net_saving_twh"] / dc_twh,
        "arrays_for_example": model_mac.arrays_needed(EXAMPLE_WEIGHTS, kw["array_rows"]),
        "example_weights_billion": EXAMPLE_WEIGHTS / 1e9,
    }
    return {k: float(v) for k, v in {**out, **_quoted(ev), **_params(ev),
                                     **_monte_carlo(ev)}.items()}


# ---------------------------------------------------------------------------- phrases
def crossover_text(bits: float, regime: str) -> str:
    """A phrase for the prose: the crossover precision, or which substrate wins throughout."""
    lo, hi = model_mac.CROSSOVER_RANGE
    if regime == model_mac.DIGITAL_THROUGHOUT:
        return f"below {lo:.0f} bit: digital wins at every precision modelled"
    if regime == model_mac.ANALOG_THROUGHOUT:
        return f"above {hi:.0f} bits: analog wins at every precision modelled"
    return f"{bits:.1f} bits"


def rebound_texts(elasticity: float, rebound_twh: float, gross_twh: float) -> dict[str, str]:
    """Prose labels that say whether the point estimate of the 2030 saving includes a
    rebound: ``rebound_clause`` (opens a sentence), ``rebound_caveat`` (a sentence) and
    ``headline_rebound_note`` (a parenthetical: which saving the headline is)."""
    if elasticity == 0:
        return {
            "rebound_clause": "At the chosen price elasticity of demand of 0 (the default) the "
                              "model has no rebound, so this is the saving before any rebound",
            "rebound_caveat": "Read it as the most this path could save under these "
                              "assumptions, not as a likely outcome: the uncertainty analysis "
                              "below draws an elasticity above 0, and so includes a rebound.",
            "headline_rebound_note": "before any rebound, at the default elasticity of 0",
        }
    return {
        "rebound_clause": f"With a price elasticity of demand of {elasticity:.2g}, the rebound "
                          f"takes back {rebound_twh:.0f} TWh of the {gross_twh:.0f} TWh gross "
                          "saving",
        "rebound_caveat": "The uncertainty analysis below draws the elasticity around the "
                          "chosen value rather than fixing it.",
        "headline_rebound_note": f"net of the rebound at the chosen elasticity of "
                                 f"{elasticity:.2g}",
    }


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

    return (text(groups[0]) if groups else "no input",
            text(groups[1]) if len(groups) > 1 else "no other input")


def texts(ev: Evaluation) -> dict[str, str]:
    P = ev.P
    net = float(ev.saving["net_saving_twh"])
    gross = float(ev.saving["gross_saving_twh"])
    rebound = _clean_zero(float(ev.saving["rebound_twh"]), float(ev.saving["addressable_twh"]))
    top, second = drivers_text(ev.mc["tornado"])
    return {
        "crossover_text": crossover_text(*ev.crossover),
        "dc_case": P.dc_case,
        "adc_combine": "the larger of the two lines" if P.adc_combine == "max"
        else "the sum of the two lines",
        "saving_verb": "saves" if net >= 0 else "adds",
        "gross_phrase": f"{abs(gross):.0f} TWh " + ("less" if gross >= 0 else "more"),
        **rebound_texts(P.elasticity, rebound, gross),
        "mc_top_driver": top,
        "mc_second_driver": second,
    }


# ---------------------------------------------------------------------------- captions
def captions(ev: Evaluation) -> dict[str, str]:
    fom_grid = model_adc.walden_grid(ev.adc_fom, ev.kw["walden_fj"])
    return {
        "energy": (
            "Log-scale lines of modelled energy per MAC from 1 to 16 bits: the digital MAC "
            "rises gently (quadratic multiplier, linear operand movement); the ideal analog "
            "in-memory MAC starts below it at low precision and rises much faster (its "
            "converters double, then quadruple, per bit), crossing it at the dashed line. "
            "Hollow marks: H100, B200 and GB300 at board power and dense peak rate at 4, 8 and "
            "16 bits, above the digital model. Sources: Horowitz (ISSCC 2014), O'Connor et al. "
            "(MICRO 2017), Murmann ADC survey (2025), Epoch AI hardware data (2025)."),
        "adc": (
            "Log-scale lines of ADC energy per conversion from 1 to 16 bits: the Walden line "
            "doubles per bit, the Schreier line and the kT/C floor quadruple per bit; the "
            "modelled ADC follows the Walden line at low resolution and the Schreier line "
            "above the knee; divided over the array's rows it gives the ADC energy per MAC. "
            "Source: B. Murmann, ADC Performance Survey 1997-2025 (figures of merit); kT/C "
            "from Boltzmann's constant."),
        "breakdown": (
            "Stacked horizontal bars of the energy of one MAC at the chosen precision: the "
            "digital bar is mostly operand movement from HBM and SRAM with a thin slice of "
            "arithmetic; the analog bar is mostly ADC readout, with small array, DAC and "
            "input/output movement parts. Sources: Horowitz (ISSCC 2014), O'Connor et al. "
            "(MICRO 2017), Murmann ADC survey."),
        "crossover_map": (
            "Heat map of the crossover precision in bits over array rows (16 to 4096, across) "
            f"and the ADC's Walden figure of merit ({min(fom_grid):.4g} to "
            f"{max(fom_grid):.4g} fJ per step, down the side; the survey's best and median "
            "converters among them), at the chosen Schreier figure and node: larger arrays "
            "and better converters raise it, from below 1 bit (digital wins everywhere) for "
            "small arrays with poor converters upwards; past the knee a better Walden figure "
            "no longer helps. The outlined cell is the chosen setting. Sources: Horowitz "
            "(ISSCC 2014), Murmann ADC survey (2025)."),
        "node": (
            "Lines of the crossover precision against the digital process node from 3 to "
            "180 nm for arrays of 64, 256 and 1024 rows: the crossover rises slowly as the "
            "digital node gets larger (digital gets more expensive), and larger arrays sit "
            "higher at every node. Sources: Horowitz (ISSCC 2014) scaled by the node "
            "exponent; Murmann ADC survey."),
        "accuracy": (
            "Line of mean test accuracy of the digits network over seeds against modelled "
            "analog energy per MAC, one point per precision (labelled in bits, 1 to 10), with "
            "vertical bars from the lowest to the highest seed: accuracy climbs steeply at "
            "the lowest precisions and flattens near the floating-point accuracy; dashed "
            "lines mark digital accuracy and 1 point below it; the circled point is the "
            "cheapest precision within 1 point. Data: scikit-learn's digits data set (UCI); "
            "energies from this chapter's model."),
        "chips": (
            "Dot plot of TOPS per watt on a log scale for analog in-memory chips (IBM HERMES "
            "in two read modes, IBM's analog speech chip, Mythic M1076, EnCharge EN100 and "
            "test chips), Lightmatter's photonic processor, Intel's Hala Point, and H100, "
            "B200 and GB300 at 8 and 16 bits; colour marks peer-reviewed, vendor claim or "
            "unverified vendor claim, shape marks chip, card or system level. Dashed lines: "
            "this model's digital MAC and ideal analog core at 8 bits. Most measured analog "
            "chips sit a few times above the GPUs and well below the ideal core. Sources: see "
            "the table below and the data appendix."),
        "saving": (
            "Lines of the net 2030 electricity saving against the price elasticity of demand "
            "for inference (0 to 2), at the modelled ideal-core ratio and at the ratio of the "
            "best measured analog chip to the best GPU: the saving falls as elasticity rises "
            "and, when energy is the whole cost of inference, reaches zero at an elasticity "
            "of 1 and turns negative above it. Points mark the chosen elasticity. Sources: "
            "IEA Energy and AI (2025) for 2030 data-centre electricity; the shares are "
            "assumptions."),
        "tornado": (
            "Tornado chart: one horizontal bar per uncertain input (AI's share, inference's "
            "share, the noise-tolerant share, the achieved analog/digital energy ratio and "
            "the elasticity), spanning the net 2030 saving as that input moves from its 5th "
            "to its 95th percentile with the others at their medians, largest swing on top; "
            "the dashed line marks every input at its median. Model: this chapter's saving "
            "under its declared distributions; IEA Energy and AI (2025) for 2030 data-centre "
            "electricity."),
    }


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
    return pd.DataFrame({
        "Chip": a["chip"],
        "Substrate": a["substrate"],
        "Level, precision": [f"{lv}, {int(b)}-bit" for lv, b in
                             zip(a["level"], a["precision_bits"], strict=True)],
        "TOPS/W": [f"{v:.3g}" + ("" if st else "*") for v, st in zip(tpw, stated, strict=True)],
        "Claim": [claim_text(t, k) for t, k in zip(a["claim_type"], a["checked"], strict=True)],
        "Source": [f"{p} ({int(y)})" for p, y in zip(a["source_publisher"], a["source_year"],
                                                     strict=True)],
    }).sort_values("Chip").reset_index(drop=True)


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
    return pd.DataFrame([{
        "Input": SAVING_INPUT_LABELS.get(k, k), "Distribution": _describe(d),
        "5th percentile": f"{float(d.ppf(0.05)):.3g}", "Median": f"{d.median():.3g}",
        "95th percentile": f"{float(d.ppf(0.95)):.3g}"}
        for k, d in ev.mc["distributions"].items()])
