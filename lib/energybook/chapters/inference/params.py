"""The inference chapter's parameters: declared once, read as ``P.batch_size`` etc."""

from __future__ import annotations

from dataclasses import dataclass

from energybook.params import ParamsBase, param

#: Accelerators the chapter models, as named in data/accelerators.csv. The H100 and H200 were
#: measured by the book; the others are scaled from their datasheets (estimated).
GPUS = ("H100 SXM", "H200 SXM", "B200", "GB200", "MI300X", "MI325X", "MI355X")
#: Weight precisions: bytes per weight and the GEMM that prices the arithmetic.
PRECISIONS = ("bf16", "fp8")
#: What the energy counts: the GPU boards only, or the serving facility (host machines, idle
#: capacity and data-centre overhead added from a sourced split, data/serving_overheads.csv).
BOUNDARIES = ("gpu", "facility")


@dataclass(frozen=True)
class Params(ParamsBase):
    model_params_b: float = param(
        70.0,
        "Parameters of the dense transformer served, in billions",
        unit="1e9",
        min=0.5,
        max=2000.0,
    )
    batch_size: int = param(
        64, "Sequences decoded together in one step (concurrent requests)", min=1, max=4096
    )
    context_tokens: int = param(
        634,
        "Prompt tokens per request, processed in prefill and "
        "held in the KV cache (default: ML.ENERGY's chat-task mean)",
        unit="token",
        min=1,
        max=131072,
    )
    output_tokens: int = param(
        717,
        "Tokens generated per request (default: ML.ENERGY's chat-task mean)",
        unit="token",
        min=1,
        max=32768,
    )
    precision: str = param(
        "bf16",
        "Weight precision: bf16 (2 bytes per weight) or fp8 (1 byte); the KV cache stays 16-bit",
        choices=PRECISIONS,
    )
    gpu: str = param(
        "H100 SXM",
        "Accelerator (H100 and H200 measured by the book; the others scaled from datasheets)",
        choices=GPUS,
    )
    n_gpus: int = param(
        4,
        "GPUs serving one model instance (tensor parallel, within one "
        "node); their all-reduces are counted as bytes moved and as link time",
        min=1,
        max=8,
    )
    utilization: float = param(
        1.0,
        "Share of the measured GEMM rate and copy bandwidth the "
        "serving kernels reach (1: the rates of the book's own runs, "
        "the model's lowest energy)",
        min=0.05,
        max=1.0,
    )
    pue: float = param(
        1.09,
        "Power usage effectiveness applied at the facility boundary "
        "(1.09: Google's fleet, matching the serving split; Uptime's survey "
        "average is 1.56)",
        min=1.0,
        max=3.0,
    )
    boundary: str = param(
        "gpu",
        "What the energy counts: gpu (GPU boards only) or facility "
        "(adds host, idle machines and PUE)",
        choices=BOUNDARIES,
    )
