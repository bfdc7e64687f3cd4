"""Chapter: analog computing as an energy-efficient substrate (models in
``energybook.models.analog``)."""

from energybook.models.analog import parameter_problems
from energybook.params import Param
from energybook.specs import Headline, chapter

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
    params=[
        Param("precision_bits", "int", 8, "Precision of the operating point: inputs, weights "
              "and converted outputs (used for the 2030 saving and the breakdown)",
              unit="bit", min=2, max=16),
        Param("array_rows", "int", 256, "Rows of the analog array: products summed per column "
              "and per ADC conversion", min=16, max=4096),
        Param("adc_walden_fj", "float", 32.18, "ADC Walden figure of merit (energy per "
              "conversion step); default the 2020-2025 median of the Murmann survey "
              "(data/adc_fom.csv, which also lists the best converter)", unit="fJ", min=0.1, max=10000.0),
        Param("adc_schreier_db", "float", 169.85, "ADC Schreier figure of merit; default the "
              "2020-2025 median of the Murmann survey (data/adc_fom.csv, which also lists the "
              "best converter); with the Walden figure, its line must cross the Walden line "
              "at 1 bit or above",
              unit="dB", min=140.0, max=195.0),
        Param("adc_combine", "str", "max", "How the Walden and Schreier lines combine: the "
              "larger, or their sum", choices=("max", "sum")),
        Param("node_nm", "float", 4.0, "Process node of the digital logic and SRAM (H100 and "
              "B200: TSMC 4N class); Horowitz's anchors are at 45 nm", unit="nm",
              min=2.0, max=180.0),
        Param("node_exponent", "float", 1.0, "Energy scales as (node/45 nm)^exponent: 1 when "
              "only capacitance shrinks, 3 under classical Dennard scaling", min=0.0, max=3.0),
        Param("sram_reuse", "float", 16.0, "Uses of each operand per SRAM read in the digital "
              "MAC (assumption)", min=1.0, max=10000.0),
        Param("dram_reuse", "float", 256.0, "Uses of each operand per DRAM/HBM read in the "
              "digital MAC (assumption; arithmetic intensity of a batched matrix product)",
              min=1.0, max=1000000.0),
        Param("cell_energy_fj", "float", 1.0, "Least read energy of one analog cell per MAC "
              "(assumption: ~1 uA x 0.2 V x 5 ns)", unit="fJ", min=0.001, max=1000.0),
        Param("dac_energy_per_level_fj", "float", 0.5, "Input DAC energy per output level "
              "(assumption); shared over the array's columns", unit="fJ", min=0.001,
              max=100.0),
        Param("noise_level", "float", 1.0, "Analog thermal noise at the MAC output, rms, as a "
              "multiple of the ADC's quantization noise: lower costs more energy (kT/C)",
              min=0.1, max=100.0),
        Param("ai_share", "float", 0.5, "Share of 2030 data-centre electricity used by AI "
              "(assumption, not a sourced figure)", min=0.0, max=1.0),
        Param("inference_share", "float", 0.6, "Share of AI energy used by inference "
              "(assumption; Patterson et al. 2022 report about 3/5 at Google)",
              min=0.0, max=1.0),
        Param("addressable_share", "float", 0.3, "Share of inference energy tolerant of analog "
              "noise at the chosen precision (assumption)", min=0.0, max=1.0),
        Param("dc_case", "str", "IEA Base", "Projection of world data-centre electricity in "
              "2030 (data/dc_electricity.csv)", choices=("IEA Base", "IEA Base (2026 update)")),
        Param("elasticity", "float", 0.0, "Price elasticity of demand for AI inference: the "
              "rebound that takes back part of the saving (0: none)", min=0.0, max=3.0),
        Param("energy_share", "float", 1.0, "Energy's share of the cost of AI inference, "
              "which sets how far its price falls (1: the whole cost, the largest rebound)",
              min=0.0, max=1.0),
        Param("seed", "int", 0, "Seed of the noise experiment (train/test split, network "
              "initialisation, noise draws; seeds seed..seed+n_seeds-1 are used) and of the "
              "Monte Carlo of the 2030 saving", min=0, max=2**31 - 1),
        Param("n_seeds", "int", 5, "Number of seeds averaged in the noise experiment",
              min=1, max=20),
        Param("n_draws", "int", 100000, "Monte Carlo draws of the 2030 saving's uncertainty",
              min=1000, max=2000000),
    ],
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
    check=parameter_problems,
)
