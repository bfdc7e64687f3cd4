"""The measured chapter: energy per FLOP on a real GPU, and what aligned model shapes save."""

from energybook.params import Param
from energybook.specs import Headline, chapter

#: GPUs with a committed full run in data/measured/gpu_runs.csv.
GPUS = ("H100", "H200")
#: Number formats of the square GEMM (the ``<format>`` of config ``square-<format>-8192``).
FORMATS = ("bf16", "fp16", "tf32", "fp32", "fp8", "fp8fast")
#: Hidden sizes measured as model shapes (the MLP up-projection GEMM).
HIDDEN_SIZES = (4095, 4096, 4097, 4100, 4104, 4160, 5000, 5120, 6000, 6144)
#: Those of them that are multiples of 64 (candidates for the aligned neighbour).
ALIGNED_SIZES = (4096, 4160, 5120, 6144)



def _check(values: dict) -> list[str]:
    """The worked example must price a misaligned hidden size against an aligned one."""
    from energybook.models.measured import example_problems

    return example_problems(values["hidden_size"], values["aligned_hidden_size"],
                            HIDDEN_SIZES)


SPEC = chapter(
    name="measured",
    title="Measured: energy per FLOP on a real GPU",
    order=60,
    summary="The book's own measurements on an NVIDIA H100 and H200: delivered TFLOP per "
            "joule by number format against the datasheet, watts at full load, and the "
            "energy cost of a model hidden size that does not suit the hardware.",
    params=[
        Param("gpu", "str", "H100",
              "GPU whose committed measurement run the page reads", choices=GPUS),
        Param("number_format", "str", "bf16",
              "Number format of the square 8192 GEMM used for the headline efficiency "
              "(fp8fast: FP8 with fast accumulation)", choices=FORMATS),
        Param("hidden_size", "int", 4097,
              "Hidden size of the worked example's model (one of the measured shapes)",
              choices=HIDDEN_SIZES),
        Param("aligned_hidden_size", "int", 4096,
              "Aligned hidden size the worked example is compared with (a measured multiple "
              "of 64)", choices=ALIGNED_SIZES),
        Param("training_tokens", "float", 1e12,
              "Tokens the worked example's model is trained on", min=1e6, max=1e15),
        Param("layers", "int", 32,
              "Transformer layers of the worked example's model", min=1, max=256),
    ],
    headlines=[
        Headline("tflop_per_j", "TFLOP/J", "Measured efficiency of the square GEMM in the "
                 "chosen number format (BF16 by default)", ".3f"),
        Headline("datasheet_tflop_per_j", "TFLOP/J", "Datasheet peak of that format per "
                 "board watt (dense)", ".3f"),
        Headline("datasheet_share_pct", "%", "Measured efficiency as a share of the "
                 "datasheet figure", ".0f"),
        Headline("full_load_power_w", "W", "Average board power during that GEMM", ".0f"),
        Headline("board_power_w", "W", "Datasheet board power of the chip", ".0f"),
        Headline("full_load_sm_clock_mhz", "MHz", "Average SM clock during that GEMM", ".0f"),
        Headline("worst_penalty_pct", "%", "Extra energy per FLOP of the worst misaligned "
                 "hidden size against its aligned neighbour", ".0f"),
        Headline("worst_hidden_size", "1", "The worst misaligned hidden size", ".0f"),
        Headline("copy_pj_per_byte", "pJ/B", "Energy per byte moved by the memory-bound "
                 "device-to-device copy", ".0f"),
        Headline("example_penalty_pct", "%", "Worked example: extra energy per FLOP of the "
                 "chosen hidden size against the aligned one", ".0f"),
        Headline("example_energy_mwh", "MWh", "Worked example: GPU energy of the layers' "
                 "training FLOPs at the chosen hidden size", ".1f"),
        Headline("example_extra_energy_mwh", "MWh", "Worked example: energy those FLOPs would "
                 "save at the aligned shape's efficiency", ".1f"),
    ],
    check=_check,
)
