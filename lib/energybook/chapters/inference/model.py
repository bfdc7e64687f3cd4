"""An energy roofline of dense-transformer inference: one forward step, and a whole response.

For one step of a model served on ``n`` GPUs::

    energy = FLOP x e_flop + bytes moved x e_byte + n x static power x time
    time   = max(FLOP / (n x FLOP/s), bytes / (n x bandwidth),
                 dynamic energy / (n x (power limit - static power)))

the energy roofline of Choi, Bedard, Fowler and Vuduc ("A roofline model of energy", IEEE
IPDPS 2013), with the board's power limit as a third roof: a card cannot draw more than its
limit, so work whose dynamic power would exceed it is slowed until it fits (the book's GEMMs ran
at that limit). ``e_flop`` and ``e_byte`` are energies *above* static power, so static power is
charged once, for the time the step takes.

Bytes cover the weights (read once per step, whatever the batch), the KV cache (each sequence
reads its whole context and writes its new tokens), the activations that cross memory between
kernels, and the tensor-parallel all-reduces (counted as bytes moved through memory). Prefill
processes a prompt's tokens in one step; decode generates one token per sequence per step, with
the context growing by one each step.

Pure functions on floats and numpy arrays; no text, no I/O. Bad input raises ``ValueError``.

Shape rule (an assumption, stated): a dense model of N parameters has ``L`` layers of width
``d = 128 L`` with ``N = 12 L d^2`` (attention 4d^2 and a 4d-wide MLP 8d^2 per layer; Kaplan et
al. 2020's count without embeddings), and grouped-query attention with 8 KV heads of 128 (a KV
width of 1024, as Llama 3 and Qwen 3 use at every size). For Llama 3.1 8B, 70B and 405B it gives
34, 71 and 127 layers (actual: 32, 80 and 126). A named model's published shape replaces the rule
(:func:`published_shape`).

Tensor parallelism (stated): on ``n > 1`` GPUs of one node each layer's two all-reduces are on
the critical path of the step: each costs a fixed latency (:data:`ALLREDUCE_LATENCY_S`, an
assumption) plus the bytes each GPU sends in a ring, ``2 (n - 1) / n`` of the tensor, over one
direction of its scale-up link; that time is added to the step's roofline time, and the bytes
are also charged as memory traffic (read what is sent, write what is received). At most
:data:`MAX_GPUS_PER_NODE` GPUs: the model has no inter-node links.

The additive model (stated, untested): a step's dynamic energy is the sum of its FLOPs times an
energy per FLOP and its bytes times an energy per byte, each measured above idle on a chip busy
with that kernel alone. Two measured increments added together count twice the rise of the
chip's active-state power above idle that each already contains, and the per-FLOP energy comes
from a power-capped GEMM at a throttled clock while the per-byte energy comes from a copy at
full clock. Where the sum reaches the power limit the model calls the step power-limited; that
is a prediction of the additive model, not a measurement (a GEMV at small batch would test it).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float64]

#: Bytes per weight of each precision.
WEIGHT_BYTES = {"bf16": 2.0, "fp8": 1.0}
#: Bytes per element of the KV cache and of activations (16-bit in both precisions: vLLM keeps
#: the KV cache in the model's activation type unless told otherwise).
ELEMENT_BYTES = 2.0
#: Width of the K (and of the V) projection: 8 KV heads of 128 (grouped-query attention).
KV_WIDTH = 1024.0
#: Width per layer of the shape rule (d = 128 L).
WIDTH_PER_LAYER = 128.0
#: Weights per layer over d^2 (attention 4, MLP 8).
WEIGHTS_PER_LAYER_PER_D2 = 12.0
#: Activation elements written to memory and read back per token per layer, over d: the layer's
#: intermediate tensors (QKV about 1.25d, attention output d, projection d, the 4d-wide MLP
#: activation, the MLP output d: about 8d) each written once and read once.
ACTIVATION_ELEMENTS_PER_D = 16.0
#: All-reduces per layer under tensor parallelism (after attention and after the MLP).
ALLREDUCES_PER_LAYER = 2.0
#: Share of GPU memory the serving engine may use (vLLM's default gpu_memory_utilization).
USABLE_MEMORY_FRACTION = 0.9
#: Fixed time of one tensor-parallel all-reduce on a scale-up link (launch and synchronization of
#: a small message): an assumption of the book, of the order NCCL and vLLM's custom all-reduce
#: reach for decode-sized messages on NVLink, not a measurement.
ALLREDUCE_LATENCY_S = 5e-6
#: GPUs of one node (one NVLink or Infinity Fabric domain): the most the model splits over.
MAX_GPUS_PER_NODE = 8

#: Regimes of a step: which roof sets its time.
MEMORY, COMPUTE, POWER = 0, 1, 2
REGIMES = {MEMORY: "memory-bound", COMPUTE: "compute-bound", POWER: "power-limited"}


@dataclass(frozen=True)
class Hardware:
    """One accelerator in one precision: energies above static power, static power, limits.

    ``flop_j`` and ``byte_j`` are joules per FLOP and per byte above static power;
    ``flop_per_s`` and ``bytes_per_s`` the delivered rates of one GPU; ``measured`` whether
    they come from the book's own run on this chip (else scaled from its datasheet)."""

    chip: str
    precision: str
    flop_j: float
    byte_j: float
    static_w: float
    power_limit_w: float
    flop_per_s: float
    bytes_per_s: float
    memory_bytes: float
    measured: bool
    reference: str
    #: Scale-up link bandwidth per GPU in one direction (bytes/s); infinite: no link time.
    link_bytes_per_s: float = math.inf

    def __post_init__(self):
        for name in ("flop_j", "byte_j", "flop_per_s", "bytes_per_s", "memory_bytes"):
            value = getattr(self, name)
            if not (math.isfinite(value) and value > 0):
                raise ValueError(f"{self.chip}: {name} must be a positive number, got {value}")
        if not (math.isfinite(self.static_w) and 0 <= self.static_w < self.power_limit_w):
            raise ValueError(
                f"{self.chip}: static power {self.static_w} W must lie below the "
                f"power limit {self.power_limit_w} W"
            )
        if self.precision not in WEIGHT_BYTES:
            raise ValueError(f"precision {self.precision!r} is not one of {list(WEIGHT_BYTES)}")
        if not self.link_bytes_per_s > 0:
            raise ValueError(f"{self.chip}: link bandwidth must be positive")

    @property
    def weight_bytes(self) -> float:
        return WEIGHT_BYTES[self.precision]


def with_utilization(hw: Hardware, utilization: float) -> Hardware:
    """The same chip with its delivered FLOP rate and bandwidth scaled by ``utilization``
    (energies per FLOP and per byte unchanged: only the time, and so static energy, grows)."""
    if not 0 < utilization <= 1:
        raise ValueError(f"utilization must be in (0, 1], got {utilization}")
    return replace(
        hw, flop_per_s=hw.flop_per_s * utilization, bytes_per_s=hw.bytes_per_s * utilization
    )


@dataclass(frozen=True)
class Shape:
    """A dense transformer: parameters, layers, width, KV width and (if it differs from the
    width) the query width that attention's FLOPs scale with."""

    params: float
    layers: float
    width: float
    kv_width: float = KV_WIDTH
    query_width: float = 0.0

    @property
    def attention_width(self) -> float:
        return self.query_width or self.width

    @property
    def kv_bytes_per_token(self) -> float:
        """KV cache bytes per token of context (K and V in every layer, 16-bit)."""
        return 2.0 * self.layers * self.kv_width * ELEMENT_BYTES

    @property
    def activation_bytes_per_token(self) -> float:
        return ACTIVATION_ELEMENTS_PER_D * self.width * self.layers * ELEMENT_BYTES


def dense_shape(params_b: float) -> Shape:
    """The shape rule's model of ``params_b`` billion parameters (see the module docstring)."""
    if not (math.isfinite(params_b) and params_b > 0):
        raise ValueError(f"model size must be a positive number of billions, got {params_b}")
    n = params_b * 1e9
    layers = (n / (WEIGHTS_PER_LAYER_PER_D2 * WIDTH_PER_LAYER**2)) ** (1.0 / 3.0)
    return Shape(params=n, layers=layers, width=WIDTH_PER_LAYER * layers)


def published_shape(
    params_b: float,
    layers: int,
    hidden_size: int,
    attention_heads: int,
    kv_heads: int,
    head_dim: int,
) -> Shape:
    """A named model's shape from its published configuration: KV width ``kv_heads x
    head_dim``, query width ``attention_heads x head_dim``."""
    values = (params_b, layers, hidden_size, attention_heads, kv_heads, head_dim)
    if not all(math.isfinite(v) and v > 0 for v in values):
        raise ValueError(f"a published shape needs positive numbers, got {values}")
    return Shape(
        params=params_b * 1e9,
        layers=float(layers),
        width=float(hidden_size),
        kv_width=float(kv_heads * head_dim),
        query_width=float(attention_heads * head_dim),
    )


def weight_bytes(shape: Shape, precision: str) -> float:
    """Bytes of the weights in ``precision``."""
    if precision not in WEIGHT_BYTES:
        raise ValueError(f"precision {precision!r} is not one of {list(WEIGHT_BYTES)}")
    return shape.params * WEIGHT_BYTES[precision]


# --------------------------------------------------------------------------- tensor parallelism
def allreduces_per_step(shape: Shape, n_gpus: int) -> float:
    """Serial all-reduces in one step (two per layer on more than one GPU, else none)."""
    return ALLREDUCES_PER_LAYER * shape.layers if n_gpus > 1 else 0.0


def allreduce_sent_bytes(shape: Shape, new_tokens, n_gpus: int):
    """Bytes each GPU sends over the link in one step's all-reduces: a ring all-reduce of
    ``new_tokens x width`` 16-bit elements sends ``2 (n - 1) / n`` of it from every GPU."""
    size = np.asarray(new_tokens, dtype=float) * shape.width * ELEMENT_BYTES
    return allreduces_per_step(shape, n_gpus) * 2.0 * (n_gpus - 1) / n_gpus * size


def allreduce_memory_bytes(shape: Shape, new_tokens, n_gpus: int):
    """Memory traffic of one step's all-reduces over all GPUs: each GPU reads what it sends
    and writes what it receives (twice what it sends), n GPUs."""
    return 2.0 * n_gpus * allreduce_sent_bytes(shape, new_tokens, n_gpus)


def allreduce_time_s(shape: Shape, hw: Hardware, new_tokens, n_gpus: int):
    """Time of one step's serial all-reduces: latency plus sent bytes over one link
    direction, for each."""
    sent = allreduce_sent_bytes(shape, new_tokens, n_gpus)
    return allreduces_per_step(shape, n_gpus) * ALLREDUCE_LATENCY_S + sent / hw.link_bytes_per_s


# --------------------------------------------------------------------------- one step
@dataclass(frozen=True)
class Step:
    """One forward step (arrays broadcast over batch and context)."""

    flop: Array
    bytes: Array
    energy_flop_j: Array
    energy_bytes_j: Array
    energy_static_j: Array
    time_s: Array
    regime: npt.NDArray[np.int_]

    @property
    def energy_j(self) -> Array:
        return self.energy_flop_j + self.energy_bytes_j + self.energy_static_j


def _check_counts(n_gpus: int, *counts) -> None:
    if int(n_gpus) != n_gpus or not 1 <= n_gpus <= MAX_GPUS_PER_NODE:
        raise ValueError(
            f"n_gpus must be a whole number from 1 to {MAX_GPUS_PER_NODE} (one node), got {n_gpus}"
        )
    if any(np.any(np.asarray(c, dtype=float) < 0) for c in counts):
        raise ValueError("token counts must be non-negative")


def step(shape: Shape, hw: Hardware, *, batch, tokens, context, n_gpus: int) -> Step:
    """One forward step: ``batch`` sequences each process ``tokens`` new tokens after
    ``context`` cached ones (arrays broadcast). Prefill: ``context = 0``, ``tokens`` = the
    prompt; decode: ``tokens = 1``."""
    _check_counts(n_gpus, tokens, context)
    b = np.asarray(batch, dtype=float)
    if np.any(b < 1):
        raise ValueError("batch must be at least 1")
    t = np.asarray(tokens, dtype=float)
    c = np.asarray(context, dtype=float)
    new = b * t
    flop = 2.0 * shape.params * new + 4.0 * shape.layers * shape.attention_width * b * t * (
        c + (t + 1.0) / 2.0
    )
    comm = allreduce_memory_bytes(shape, new, n_gpus)
    moved = (
        weight_bytes(shape, hw.precision)
        + b * (c + t) * shape.kv_bytes_per_token
        + new * shape.activation_bytes_per_token
        + comm
    )
    moved = moved * np.ones_like(flop)
    e_flop = flop * hw.flop_j
    e_bytes = moved * hw.byte_j
    t_compute = flop / (n_gpus * hw.flop_per_s)
    t_memory = moved / (n_gpus * hw.bytes_per_s)
    t_power = (e_flop + e_bytes) / (n_gpus * (hw.power_limit_w - hw.static_w))
    times = np.stack([t_memory, t_compute, t_power])
    time = times.max(axis=0) + allreduce_time_s(shape, hw, new, n_gpus)
    regime = times.argmax(axis=0)
    return Step(
        flop=flop,
        bytes=moved,
        energy_flop_j=e_flop,
        energy_bytes_j=e_bytes,
        energy_static_j=n_gpus * hw.static_w * time,
        time_s=time,
        regime=regime,
    )


# --------------------------------------------------------------------------- a response
@dataclass(frozen=True)
class Response:
    """Prefill of the prompts and decode of the outputs of one batch, per batch size.

    Energies are of the whole batch (all GPUs) unless named per token or per response."""

    batch: Array
    prompt_tokens: float
    output_tokens: float
    prefill_j: Array
    decode_j: Array
    decode_flop_j: Array
    decode_bytes_j: Array
    decode_static_j: Array
    decode_time_s: Array
    decode_flop: Array
    prefill_time_s: Array
    prefill_flop: Array
    prefill_regime: npt.NDArray[np.int_]
    decode_regime_steps: dict[int, Array]

    @property
    def j_per_prompt_token(self) -> Array:
        if self.prompt_tokens == 0:
            return np.zeros_like(self.batch)
        return self.prefill_j / (self.batch * self.prompt_tokens)

    @property
    def j_per_output_token(self) -> Array:
        """Decode energy per generated token (the prompt's prefill not included)."""
        return self.decode_j / (self.batch * self.output_tokens)

    @property
    def j_per_response(self) -> Array:
        return (self.prefill_j + self.decode_j) / self.batch

    @property
    def decode_bytes_share(self) -> Array:
        """Share of the GPUs' decode energy spent moving bytes (the per-byte term)."""
        return self.decode_bytes_j / self.decode_j

    @property
    def decode_tokens_per_s(self) -> Array:
        return self.batch * self.output_tokens / self.decode_time_s

    @property
    def time_s(self) -> Array:
        """Time of the whole batch: prefill and decode."""
        return self.prefill_time_s + self.decode_time_s

    @property
    def j_per_output_token_with_prefill(self) -> Array:
        """Energy of a response (prefill and decode) per generated token: ML.ENERGY's
        definition, which counts the prompts processed in its window."""
        return self.j_per_response / self.output_tokens


def response(
    shape: Shape, hw: Hardware, *, batch, prompt_tokens: float, output_tokens: float, n_gpus: int
) -> Response:
    """Prefill ``prompt_tokens`` for each of ``batch`` sequences, then decode
    ``output_tokens`` (the context growing from the prompt by one token a step). ``batch``
    may be an array (one response per entry)."""
    if output_tokens < 1 or int(output_tokens) != output_tokens:
        raise ValueError(f"output_tokens must be a whole number >= 1, got {output_tokens}")
    if prompt_tokens < 0 or int(prompt_tokens) != prompt_tokens:
        raise ValueError(f"prompt_tokens must be a whole number >= 0, got {prompt_tokens}")
    b = np.atleast_1d(np.asarray(batch, dtype=float))
    if prompt_tokens > 0:
        pre = step(shape, hw, batch=b, tokens=prompt_tokens, context=0.0, n_gpus=n_gpus)
        prefill_j, prefill_time, prefill_flop = pre.energy_j, pre.time_s, pre.flop
        prefill_regime = pre.regime
    else:
        prefill_j = prefill_time = prefill_flop = np.zeros_like(b)
        prefill_regime = np.full(b.shape, MEMORY)
    ctx = prompt_tokens + np.arange(int(output_tokens), dtype=float)
    dec = step(shape, hw, batch=b[:, None], tokens=1.0, context=ctx[None, :], n_gpus=n_gpus)
    return Response(
        batch=b,
        prompt_tokens=float(prompt_tokens),
        output_tokens=float(output_tokens),
        prefill_j=prefill_j,
        decode_j=dec.energy_j.sum(axis=1),
        decode_flop_j=dec.energy_flop_j.sum(axis=1),
        decode_bytes_j=dec.energy_bytes_j.sum(axis=1),
        decode_static_j=dec.energy_static_j.sum(axis=1),
        decode_time_s=dec.time_s.sum(axis=1),
        decode_flop=dec.flop.sum(axis=1),
        prefill_time_s=prefill_time,
        prefill_flop=prefill_flop,
        prefill_regime=prefill_regime,
        decode_regime_steps={k: (dec.regime == k).sum(axis=1).astype(float) for k in REGIMES},
    )


def flop_utilization(r: Response, peak_flop_per_s: float, n_gpus: int) -> Array:
    """FLOPs of the response over what the GPUs' peak would do in its time (model FLOP
    utilization, against a datasheet peak)."""
    return (r.prefill_flop + r.decode_flop) / (
        (r.prefill_time_s + r.decode_time_s) * n_gpus * peak_flop_per_s
    )


# --------------------------------------------------------------------------- limits
def memory_needed_bytes(
    shape: Shape, precision: str, batch: float, tokens_per_sequence: float
) -> float:
    """Weights plus the KV cache of ``batch`` sequences of ``tokens_per_sequence`` tokens."""
    return weight_bytes(shape, precision) + batch * tokens_per_sequence * shape.kv_bytes_per_token


def memory_available_bytes(hw: Hardware, n_gpus: int) -> float:
    """What the serving engine may use on ``n_gpus`` GPUs."""
    return n_gpus * hw.memory_bytes * USABLE_MEMORY_FRACTION


def tokens_held(prompt_tokens: float, output_tokens: float, *, on_average: bool) -> float:
    """KV-cache tokens a sequence holds: at most its prompt and whole output (the refusal's
    rule: every admitted sequence can finish without preemption), or on average over its life
    its prompt and half its output (what a paged cache holds at a steady state)."""
    return prompt_tokens + (output_tokens / 2.0 if on_average else output_tokens)


def max_batch(shape: Shape, hw: Hardware, n_gpus: int, tokens_per_sequence: float) -> int:
    """The largest batch whose KV cache of ``tokens_per_sequence`` tokens each fits beside the
    weights (0 when the weights alone do not fit)."""
    free = memory_available_bytes(hw, n_gpus) - weight_bytes(shape, hw.precision)
    if free <= 0:
        return 0
    return int(free // (tokens_per_sequence * shape.kv_bytes_per_token))


def memory_fit_problem(
    shape: Shape, hw: Hardware, *, batch: int, tokens_per_sequence: float, n_gpus: int
) -> dict[str, float] | None:
    """None when the weights and the batch's KV cache fit in the GPUs' memory; otherwise the
    memory needed and available (bytes) and the largest batch that fits."""
    need = memory_needed_bytes(shape, hw.precision, batch, tokens_per_sequence)
    have = memory_available_bytes(hw, n_gpus)
    if need <= have:
        return None
    return {
        "needed_bytes": need,
        "available_bytes": have,
        "weights_bytes": weight_bytes(shape, hw.precision),
        "max_batch": float(max_batch(shape, hw, n_gpus, tokens_per_sequence)),
    }


def ridge_batch(hw: Hardware) -> float:
    """The batch at which decode's arithmetic time equals the time to read the weights (the
    ridge point, KV cache and activations left out). An identity of the hardware constants:
    ``FLOP/s x bytes per weight / (2 x bandwidth)``; model size and utilization cancel."""
    return hw.flop_per_s * hw.weight_bytes / (2.0 * hw.bytes_per_s)


def decode_roofs(
    shape: Shape, hw: Hardware, context: float, n_gpus: int
) -> dict[int, tuple[float, float]]:
    """Each roof's time of one decode step at ``context`` as ``intercept + slope x batch``
    (seconds): the roofline's three times are linear in the batch."""
    flop = 2.0 * shape.params + 4.0 * shape.layers * shape.attention_width * (context + 1.0)
    moved = (
        (context + 1.0) * shape.kv_bytes_per_token
        + shape.activation_bytes_per_token
        + float(allreduce_memory_bytes(shape, 1.0, n_gpus))
    )
    weights = weight_bytes(shape, hw.precision)
    headroom = n_gpus * (hw.power_limit_w - hw.static_w)
    return {
        MEMORY: (weights / (n_gpus * hw.bytes_per_s), moved / (n_gpus * hw.bytes_per_s)),
        COMPUTE: (0.0, flop / (n_gpus * hw.flop_per_s)),
        POWER: (weights * hw.byte_j / headroom, (flop * hw.flop_j + moved * hw.byte_j) / headroom),
    }


def memory_roof_exit(
    shape: Shape, hw: Hardware, context: float, n_gpus: int
) -> tuple[float, int | None]:
    """The batch (real-valued) at which decode at ``context`` stops being memory-bound, and the
    roof (COMPUTE or POWER) that takes over; ``(inf, None)`` when the memory roof binds at every
    batch, ``(0, roof)`` when it never binds."""
    roofs = decode_roofs(shape, hw, context, n_gpus)
    a_m, c_m = roofs[MEMORY]
    best, which = math.inf, None
    for roof in (COMPUTE, POWER):
        a, c = roofs[roof]
        if a >= a_m:
            crossing = 0.0
        elif c > c_m:
            crossing = (a_m - a) / (c - c_m)
        else:
            continue
        if crossing < best:
            best, which = crossing, roof
    return best, which


# --------------------------------------------------------------------------- boundaries
@dataclass(frozen=True)
class Overheads:
    """Serving overheads per joule of accelerator energy (from a fleet's split)."""

    host_per_accelerator: float
    idle_per_accelerator: float

    def facility_factor(self, pue: float) -> float:
        """Facility energy over GPU energy: ``(1 + host + idle) x PUE``. An identity of the
        split: it converts between boundaries, it is not evidence about either."""
        if pue < 1:
            raise ValueError(f"PUE must be at least 1, got {pue}")
        return (1.0 + self.host_per_accelerator + self.idle_per_accelerator) * pue


def overheads_from_split(energy_by_part: dict[str, float]) -> Overheads:
    """Host and idle energy over accelerator energy, from one fleet's per-prompt split."""
    accel = energy_by_part.get("accelerators", 0.0)
    if accel <= 0:
        raise ValueError("the serving split has no accelerator energy to scale from")
    return Overheads(
        energy_by_part.get("host", 0.0) / accel, energy_by_part.get("idle", 0.0) / accel
    )


def boundary_factor(boundary: str, overheads: Overheads, pue: float) -> float:
    """Energy at ``boundary`` over GPU-board energy: 1 for the boards (or accelerators);
    ``(1 + host) x PUE`` for a whole server under a PUE with no idle capacity (Epoch AI's
    boundary); ``(1 + host + idle) x PUE`` for the facility."""
    if boundary in ("gpu", "accelerators"):
        return 1.0
    if boundary == "server":
        if pue < 1:
            raise ValueError(f"PUE must be at least 1, got {pue}")
        return (1.0 + overheads.host_per_accelerator) * pue
    if boundary == "facility":
        return overheads.facility_factor(pue)
    raise ValueError(f"boundary {boundary!r} is not gpu, accelerators, server or facility")
