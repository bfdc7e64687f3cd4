"""The analog chapter's parameters: declared once, read as ``P.precision_bits`` etc."""

from __future__ import annotations

from dataclasses import dataclass

from energybook import common
from energybook.params import ParamsBase, param

DC_CASES = ("IEA Base", "IEA Base (2026 update)")


@dataclass(frozen=True)
class Params(ParamsBase):
    precision_bits: int = param(
        8,
        "Precision of the operating point: inputs, weights and "
        "converted outputs (used for the 2030 saving and the "
        "breakdown)",
        unit="bit",
        min=2,
        max=16,
    )
    array_rows: int = param(
        256,
        "Rows of the analog array: products summed per column and per ADC conversion",
        min=16,
        max=4096,
    )
    adc_walden_fj: float = param(
        32.18,
        "ADC Walden figure of merit (energy per conversion "
        "step); default the 2020-2025 median of the Murmann survey "
        "(data/adc_fom.csv, which also lists the best converter)",
        unit="fJ",
        min=0.1,
        max=10000.0,
    )
    adc_schreier_db: float = param(
        169.85,
        "ADC Schreier figure of merit; default the "
        "2020-2025 median of the Murmann survey "
        "(data/adc_fom.csv, which also lists the best converter); "
        "with the Walden figure, its line must cross the Walden "
        "line at 1 bit or above",
        unit="dB",
        min=140.0,
        max=195.0,
    )
    adc_combine: str = param(
        "max",
        "How the Walden and Schreier lines combine: the larger, or their sum",
        choices=("max", "sum"),
    )
    node_nm: float = param(
        4.0,
        "Process node of the digital logic and SRAM (H100 and B200: "
        "TSMC 4N class); Horowitz's anchors are at 45 nm",
        unit="nm",
        min=2.0,
        max=180.0,
    )
    node_exponent: float = param(
        1.0,
        "Energy scales as (node/45 nm)^exponent: 1 when only "
        "capacitance shrinks, 3 under classical Dennard scaling",
        min=0.0,
        max=3.0,
    )
    sram_reuse: float = param(
        16.0,
        "Uses of each operand per SRAM read in the digital MAC (assumption)",
        min=1.0,
        max=10000.0,
    )
    dram_reuse: float = param(
        256.0,
        "Uses of each operand per DRAM/HBM read in the digital "
        "MAC (assumption; arithmetic intensity of a batched matrix "
        "product)",
        min=1.0,
        max=1000000.0,
    )
    cell_energy_fj: float = param(
        1.0,
        "Least read energy of one analog cell per MAC (assumption: ~1 uA x 0.2 V x 5 ns)",
        unit="fJ",
        min=0.001,
        max=1000.0,
    )
    dac_energy_per_level_fj: float = param(
        0.5,
        "Input DAC energy per output level (assumption); shared over the array's columns",
        unit="fJ",
        min=0.001,
        max=100.0,
    )
    noise_level: float = param(
        1.0,
        "Analog thermal noise at the MAC output, rms, as a "
        "multiple of the ADC's quantization noise: lower costs more "
        "energy (kT/C)",
        min=0.1,
        max=100.0,
    )
    ai_share: float = param(
        0.5,
        "Share of 2030 data-centre electricity used by AI (assumption, not a sourced figure)",
        min=0.0,
        max=1.0,
    )
    inference_share: float = param(
        0.6,
        "Share of AI energy used by inference (assumption; "
        "Patterson et al. 2022 report about 3/5 at Google)",
        min=0.0,
        max=1.0,
    )
    addressable_share: float = param(
        0.3,
        "Share of inference energy tolerant of analog noise at the chosen precision (assumption)",
        min=0.0,
        max=1.0,
    )
    dc_case: str = param(
        "IEA Base",
        "Projection of world data-centre electricity in 2030 (data/dc_electricity.csv)",
        choices=DC_CASES,
    )
    accelerator_share: float = param(
        0.58,
        "Share of AI inference electricity drawn by the "
        "active accelerators (Elsworth et al. 2025, Google: 0.14 "
        "of 0.24 Wh per median Gemini prompt; one fleet); hosts, "
        "idle machines and cooling are the rest",
        min=0.0,
        max=1.0,
    )
    matmul_share: float = param(
        0.5,
        "Share of the accelerators' energy spent in matrix "
        "products with stationary weights, their operand traffic "
        "included: the only part analog arrays replace (assumption; "
        "attention over the KV cache, other layers and communication "
        "stay digital)",
        min=0.0,
        max=1.0,
    )
    elasticity: float = common.elasticity(
        "Price elasticity of demand for AI inference (magnitude): the rebound that takes back "
        "part of the saving; the rebound chapter's declaration, none has been measured"
    )
    elasticity_max: float = common.elasticity_max()
    energy_share: float = param(
        0.05,
        "Energy's share of the cost of AI inference, which sets "
        "how far its price falls when the electricity bill does (as "
        "in the rebound chapter: Epoch AI puts energy at 2-6% of the "
        "cost of frontier compute; 1: energy the whole cost, the "
        "largest rebound)",
        min=0.0,
        max=1.0,
    )
    model_weights_billion: float = param(
        70.0,
        "Weights of the model a deployment must hold "
        "in its arrays, in billions (the capacity check)",
        min=0.001,
        max=10000.0,
    )
    training_noise: float = param(
        0.04,
        "Weight noise injected while training the network, "
        "rms, as a share of each layer's largest weight "
        "(hardware-aware training, as in Joshi et al. 2020; 0.04 is "
        "about the PCM model's programming noise at mid-range); 0: "
        "plain training",
        min=0.0,
        max=0.3,
    )
    device_noise: float = param(
        1.0,
        "Phase-change memory device noise (programming, drift "
        "and read noise) against the statistical model fitted to "
        "measured devices (data/pcm_noise_model.csv): 1 as measured, "
        "0 ideal devices",
        min=0.0,
        max=5.0,
    )
    drift_hours: float = param(
        24.0,
        "Time from programming the weights to the inference, "
        "hours (conductances drift; a global drift correction is "
        "applied)",
        unit="h",
        min=0.0,
        max=87600.0,
    )
    seed: int = param(
        0,
        "Seed of the noise experiment (generated task, network "
        "initialisation, batch order, device and noise draws; seeds "
        "seed..seed+n_seeds-1 are used) and of the Monte Carlo of the 2030 "
        "saving",
        min=0,
        max=2**31 - 1,
    )
    n_seeds: int = param(5, "Number of seeds averaged in the noise experiment", min=1, max=20)
    n_draws: int = param(
        100000, "Monte Carlo draws of the 2030 saving's uncertainty", min=1000, max=2000000
    )
