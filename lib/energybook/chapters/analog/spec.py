"""The analog chapter: its declaration (parameters in ``params.py``, headlines here) and its
constraint check."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from energybook.chapters.analog.params import Params
from energybook.declare import Headline, chapter


def check(P: Params, tables: Mapping[str, Any]) -> list[str]:
    """Constraints between the parameters, before anything executes.

    The two ADC figures of merit describe one converter: the Walden line (doubling per bit)
    must meet the Schreier line (quadrupling per bit) at 1 bit or above. If they met below 1
    bit, the Walden figure would be better than any converter with that Schreier figure
    could be at any resolution; the Walden figure would not count anywhere and the chapter
    would report a knee at a negative resolution.
    """
    from energybook.chapters.analog import model_adc  # with the check, not the declaration

    w, s = P.adc_walden_fj, P.adc_schreier_db
    try:
        model_adc.require_one_converter(w, s)
    except ValueError:
        knee = model_adc.adc_knee_bits(w, s)
        return [
            f"adc_walden_fj {w:g} fJ and adc_schreier_db {s:g} dB do not describe one "
            f"converter: their lines would cross at {knee:.1f} bits, below 1 bit; raise "
            f"adc_walden_fj to at least {model_adc.walden_fj_for_knee(s):.3g} fJ or "
            f"adc_schreier_db to at least {model_adc.schreier_db_for_knee(w):.1f} dB"
        ]
    return []


SPEC = chapter(
    name="analog",
    title="Analog computing: letting physics do the arithmetic",
    order=40,
    summary=(
        "When does analog in-memory computing beat digital arithmetic on energy per "
        "multiply-accumulate, once its converters and noise are counted? A model anchored "
        "to Horowitz's 45 nm energies and the ADC survey's figures of merit, against "
        "digital MACs with and without HBM traffic; a network on a non-linear task run on "
        "modelled phase-change memory; published chips against GPUs; and the share of "
        "2030 inference electricity analog arithmetic could replace, and what that saves."
    ),
    params=Params,
    headlines=[
        Headline(
            "crossover_bits",
            "bit",
            "Precision above which an ideal analog in-memory MAC "
            "uses more energy than a digital MAC that reads its operands from HBM (reuse "
            "as declared); not at equal accuracy: the digital sum is exact",
            fmt=".1f",
        ),
        Headline(
            "crossover_weight_stationary_bits",
            "bit",
            "The same against a "
            "weight-stationary digital MAC, whose weights and activations never leave "
            "the chip (no HBM traffic)",
            fmt=".1f",
        ),
        Headline(
            "ratio_at_8_bits",
            "1",
            "Ideal analog / digital (HBM) energy per MAC at 8 "
            "bits: the arithmetic and operand traffic only",
            fmt=".2g",
        ),
        Headline(
            "least_energy_at_best_accuracy_fj",
            "fJ",
            "Analog energy per MAC at the "
            "device-limited knee: the cheapest precision at which the network on "
            "modelled phase-change memory comes within 1 point of its own best accuracy "
            "(a plateau the devices set, below floating point by the next headline), "
            "each layer charged in an array of its own fan-in and fan-out",
            fmt=".3g",
        ),
        Headline(
            "accuracy_loss_pp",
            "percentage points",
            "Accuracy the network loses at "
            "that knee against the same network in floating point (device noise, drift "
            "and converters together)",
            fmt=".2g",
        ),
        Headline(
            "saving_2030_twh",
            "TWh",
            "Upper bound at the ideal core: data-centre "
            "electricity saved in 2030 if the noise-tolerant share of AI inference ran "
            "its matrix products on ideal analog cores, with weights that never move, "
            "instead of digital accelerators with HBM, every input at its chosen value, "
            "net of the rebound; at the operating precision, not at equal accuracy",
            fmt=".3g",
        ),
        Headline(
            "saving_2030_vs_weight_stationary_twh",
            "TWh",
            "The part of it that only "
            "analog gives: the same ideal core against a fleet of weight-stationary "
            "digital accelerators (the counterfactual: that fleet's own, smaller, "
            "electricity), net of the rebound; negative: analog adds electricity",
            fmt=".3g",
        ),
        Headline(
            "saving_2030_p05_twh",
            "TWh",
            "5th percentile of the net 2030 saving in the "
            "Monte Carlo (shares, the achieved ratio over the measured peer-reviewed "
            "chips against the best GPU, the rebound chapter's elasticity prior); "
            "negative: analog adds electricity",
            fmt=".3g",
        ),
        Headline(
            "saving_2030_p95_twh",
            "TWh",
            "95th percentile of the net 2030 saving in the same Monte Carlo",
            fmt=".3g",
        ),
    ],
    check=check,
)
