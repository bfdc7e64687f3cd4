"""The analog chapter's parameters: declared once, read as ``P.precision_bits`` etc."""

from __future__ import annotations

from dataclasses import dataclass

from energybook.params import ParamsBase, param

DC_CASES = ("IEA Base", "IEA Base (2026 update)")


@dataclass(frozen=True)
class Params(ParamsBase):
    precision_bits: int = param(8, "Precision of the operating point: inputs, weights and "
                                "converted outputs (used for the 2030 saving and the "
                                "breakdown)", unit="bit", min=2, max=16)
    array_rows: int = param(256, "Rows of the analog array: products summed per column and "
                            "per ADC conversion", min=16, max=4096)
    adc_walden_fj: float = param(32.18, "ADC Walden figure of merit (energy per conversion "
                                 "step); default the 2020-2025 median of the Murmann survey "
                                 "(data/adc_fom.csv, which also lists the best converter)",
                                 unit="fJ", min=0.1, max=10000.0)
    adc_schreier_db: float = param(169.85, "ADC Schreier figure of merit; default the "
                                   "2020-2025 median of the Murmann survey "
                                   "(data/adc_fom.csv, which also lists the best converter); "
                                   "with the Walden figure, its line must cross the Walden "
                                   "line at 1 bit or above", unit="dB", min=140.0, max=195.0)
    adc_combine: str = param("max", "How the Walden and Schreier lines combine: the larger, "
                             "or their sum", choices=("max", "sum"))
    node_nm: float = param(4.0, "Process node of the digital logic and SRAM (H100 and B200: "
                           "TSMC 4N class); Horowitz's anchors are at 45 nm", unit="nm",
                           min=2.0, max=180.0)
    node_exponent: float = param(1.0, "Energy scales as (node/45 nm)^exponent: 1 when only "
                                 "capacitance shrinks, 3 under classical Dennard scaling",
                                 min=0.0, max=3.0)
    sram_reuse: float = param(16.0, "Uses of each operand per SRAM read in the digital MAC "
                              "(assumption)", min=1.0, max=10000.0)
    dram_reuse: float = param(256.0, "Uses of each operand per DRAM/HBM read in the digital "
                              "MAC (assumption; arithmetic intensity of a batched matrix "
                              "product)", min=1.0, max=1000000.0)
    cell_energy_fj: float = param(1.0, "Least read energy of one analog cell per MAC "
                                  "(assumption: ~1 uA x 0.2 V x 5 ns)", unit="fJ",
                                  min=0.001, max=1000.0)
    dac_energy_per_level_fj: float = param(0.5, "Input DAC energy per output level "
                                           "(assumption); shared over the array's columns",
                                           unit="fJ", min=0.001, max=100.0)
    noise_level: float = param(1.0, "Analog thermal noise at the MAC output, rms, as a "
                               "multiple of the ADC's quantization noise: lower costs more "
                               "energy (kT/C)", min=0.1, max=100.0)
    ai_share: float = param(0.5, "Share of 2030 data-centre electricity used by AI "
                            "(assumption, not a sourced figure)", min=0.0, max=1.0)
    inference_share: float = param(0.6, "Share of AI energy used by inference (assumption; "
                                   "Patterson et al. 2022 report about 3/5 at Google)",
                                   min=0.0, max=1.0)
    addressable_share: float = param(0.3, "Share of inference energy tolerant of analog "
                                     "noise at the chosen precision (assumption)",
                                     min=0.0, max=1.0)
    dc_case: str = param("IEA Base", "Projection of world data-centre electricity in 2030 "
                         "(data/dc_electricity.csv)", choices=DC_CASES)
    elasticity: float = param(0.0, "Price elasticity of demand for AI inference: the rebound "
                              "that takes back part of the saving (0: none)", min=0.0,
                              max=3.0)
    energy_share: float = param(1.0, "Energy's share of the cost of AI inference, which sets "
                                "how far its price falls (1: the whole cost, the largest "
                                "rebound)", min=0.0, max=1.0)
    seed: int = param(0, "Seed of the noise experiment (train/test split, network "
                      "initialisation, noise draws; seeds seed..seed+n_seeds-1 are used) and "
                      "of the Monte Carlo of the 2030 saving", min=0, max=2**31 - 1)
    n_seeds: int = param(5, "Number of seeds averaged in the noise experiment", min=1,
                         max=20)
    n_draws: int = param(100000, "Monte Carlo draws of the 2030 saving's uncertainty",
                         min=1000, max=2000000)
