"""The measured chapter's parameters: declared once, read as ``P.gpu`` etc."""

from __future__ import annotations

from dataclasses import dataclass

from energybook import gpu_energy as ge
from energybook.params import ParamsBase, param

#: GPUs with a committed full run in data/measured/gpu_runs.csv.
GPUS = ("H100", "H200")
#: Number formats of the square GEMM (the ``<format>`` of config ``square-<format>-8192``).
FORMATS = ("bf16", "fp16", "tf32", "fp32", "fp8", "fp8fast")
#: The harness's hidden sizes that are not multiples of the alignment: the worked example's
#: choices (it prices a misaligned size against an aligned one).
HIDDEN_SIZES = tuple(h for h in ge.SWEEP_HIDDEN_SIZES if h % ge.ALIGN_MULTIPLE)
#: The harness's hidden sizes that are multiples of it: the aligned comparison.
ALIGNED_SIZES = tuple(h for h in ge.SWEEP_HIDDEN_SIZES if h % ge.ALIGN_MULTIPLE == 0)


@dataclass(frozen=True)
class Params(ParamsBase):
    gpu: str = param("H100", "GPU whose committed measurement run the page reads", choices=GPUS)
    number_format: str = param(
        "bf16",
        "Number format of the square 8192 GEMM used for the "
        "headline efficiency (fp8: FP8 with standard accumulation; "
        "fp8fast: FP8 with fast accumulation)",
        choices=FORMATS,
    )
    hidden_size: int = param(
        4097,
        "Hidden size of the worked example's model (a measured shape that is not a multiple of 64)",
        choices=HIDDEN_SIZES,
    )
    aligned_hidden_size: int = param(
        4096,
        "Aligned hidden size the worked example is compared with (a measured multiple of 64)",
        choices=ALIGNED_SIZES,
    )
    training_tokens: float = param(
        1e12, "Tokens the worked example's model is trained on", min=1e6, max=1e15
    )
    layers: int = param(32, "Transformer layers of the worked example's model", min=1, max=256)
    count_counter_updates: bool = param(
        True,
        "Put each committed window's energy on a whole "
        "number of the energy counter's ~100 ms updates "
        "(false: take the windows as read)",
    )
