"""The analog chapter: its declaration (parameters in ``params.py``, headlines here) and its
constraint check."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from energybook.chapters.analog import model_adc
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
    w, s = P.adc_walden_fj, P.adc_schreier_db
    try:
        model_adc.require_one_converter(w, s)
    except ValueError:
        knee = model_adc.adc_knee_bits(w, s)
        return [f"adc_walden_fj {w:g} fJ and adc_schreier_db {s:g} dB do not describe one "
                f"converter: their lines would cross at {knee:.1f} bits, below 1 bit; raise "
                f"adc_walden_fj to at least {model_adc.walden_fj_for_knee(s):.3g} fJ or "
                f"adc_schreier_db to at least {model_adc.schreier_db_for_knee(w):.1f} dB"]
    return []


SPEC = chapter(
    name="analog",
    title="Analog computing: letting physics do the arithmetic",
    order=40,
    summary=(
        "When does analog in-memory computing beat digital arithmetic on energy per "
        "multiply-accumulate, once its converters and noise are counted? A model anchored "
        "to Horowitz's 45 nm energies and the ADC survey's figures of merit, a small "
        "network measured under analog noise, published chips against GPUs, and what a "
        "noise-tolerant share of inference could save by 2030."
    ),
    params=Params,
    headlines=[
        Headline("crossover_bits", "bit", "Precision above which analog in-memory MACs use "
                 "more energy than digital ones", fmt=".1f"),
        Headline("ratio_at_8_bits", "1", "Analog / digital energy per MAC at 8 bits",
                 fmt=".2g"),
        Headline("least_energy_within_1pt_fj", "fJ", "Least analog energy per MAC whose "
                 "measured accuracy is within 1 percentage point of digital", fmt=".3g"),
        Headline("saving_2030_twh", "TWh", "Data-centre electricity saved in 2030 if the "
                 "noise-tolerant share of AI inference ran on analog, every input at its "
                 "chosen value: before any rebound at the default elasticity of 0, net of "
                 "the rebound only if a higher elasticity is chosen", fmt=".3g"),
        Headline("saving_2030_p05_twh", "TWh", "5th percentile of the net 2030 saving in the "
                 "Monte Carlo, which includes a rebound (elasticity drawn from 0 to at least "
                 "2) and the declared uncertainty of the shares and of the achieved "
                 "analog/digital ratio", fmt=".3g"),
        Headline("saving_2030_p95_twh", "TWh", "95th percentile of the net 2030 saving in "
                 "the same Monte Carlo (rebound included)", fmt=".3g"),
    ],
    check=check,
)
