"""GPU measurement harness: throughput and energy of matrix products on one CUDA GPU.

Run on a machine with an NVIDIA GPU, PyTorch and nvidia-ml-py (``pynvml``)::

    PYTHONPATH=lib python3 -m energybook.measure --out data/measured          # full sweep
    PYTHONPATH=lib python3 -m energybook.measure --out /tmp/smoke --quick     # smoke test
    PYTHONPATH=lib python3 -m energybook.measure --list                       # plan only

For each configuration: random inputs (``torch.randn``, never zeros) are made on the GPU, the
operation is run once and its result checked against a float64 reference on a slice of rows
(``rel_error``); a short timed trial calibrates the iteration count and one profiled
iteration records the kernels it launched; the same work then warms the card until it reaches
steady state (over 20 s, temperature slope at most 0.5 degC per 30 s, power and SM clock
drift at most 0.5% and 2%; at least ``--warmup-s``, at most ``--settle-max-s`` seconds; both
recorded in the run's metadata). A pre-soak (``--presoak-s``) runs the square BF16 GEMM
before the first loaded configuration, and the loaded configurations run in an order
shuffled with ``--order-seed``. Then each of ``--repeats``
windows is measured as

    synchronize -> perf_counter -> chunks of ~0.1 s of iterations, each followed by a
    synchronize, for ``--window-s`` plus three counter updates -> perf_counter

while a background thread polls NVML's total-energy counter every 2 ms and samples board
power, SM and memory clocks, temperature and the clock-event (throttle) reasons every 50 ms.
The counter advances in steps (every ~100 ms on the H100 and H200), so the window's energy is
taken between the first and the last step seen inside it, over the time between those steps
(``gpu_energy.aligned_energy``; ``energy_method`` ``nvml_energy_counter_aligned``): a window
read at arbitrary instants would be off by up to one step, 4% of 2.5 s. The idle card is
measured cold, first, and warm, last, each once its power has settled.

Never changes clocks, power limits or any other setting of the card: it is measured as found.
Rows are appended to ``<out>/gpu_runs.csv`` (schema: resource ``gpu_runs`` in
``data/datapackage.json``) and the run's metadata is written to ``<out>/<run_id>.json``.

Importing this module pulls in only the standard library and :mod:`energybook.gpu_energy`;
torch and pynvml are imported when a run starts.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import math
import os
import platform
import re
import shlex
import socket
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from energybook import gpu_energy as ge

REPO_ROOT = Path(__file__).resolve().parents[2]
CSV_NAME = "gpu_runs.csv"

SQUARE_SIZE = 8192
MODEL_TOKENS = 16384
HIDDEN_SIZES = ge.SWEEP_HIDDEN_SIZES
COPY_BYTES = 4 * 2**30
ROWS_CHECKED = 256

DEFAULT_WINDOW_S = 2.5
DEFAULT_WARMUP_S = 20.0
DEFAULT_SETTLE_MAX_S = 40.0
DEFAULT_REPEATS = 2
DEFAULT_MAX_TOTAL_S = 1500.0
#: One soak of the square BF16 GEMM before the first loaded configuration, so that the
#: heatsink (time constant of minutes) is near its loaded temperature before anything is
#: measured; the per-configuration warm-ups then only have to settle the change.
DEFAULT_PRESOAK_S = 90.0
#: Seed of the order of the loaded configurations (shuffled, so that no configuration is
#: always measured on a cooler or hotter card); recorded in the metadata.
DEFAULT_ORDER_SEED = 0
#: Idle settling: the counter's power over the last IDLE_SPAN_S within IDLE_TOLERANCE of the
#: span before, after at least IDLE_MIN_S and at most IDLE_MAX_S.
IDLE_SPAN_S = 2.0
IDLE_TOLERANCE = 0.005
IDLE_MIN_S = 10.0
IDLE_MAX_S = 60.0
#: Python's thread switch interval during a window (s): the energy-polling thread shares the
#: interpreter lock with the thread launching kernels, and at the default 5 ms it could not
#: poll every 2 ms.
WINDOW_SWITCH_INTERVAL_S = 1e-4
QUICK_WINDOW_S = 1.2
QUICK_WARMUP_S = 0.3
QUICK_SETTLE_MAX_S = 1.0
QUICK_REPEATS = 1
QUICK_PRESOAK_S = 0.0
QUICK_IDLE_MIN_S = 0.0
QUICK_IDLE_MAX_S = 1.0
#: Settling of the warm-up (``gpu_energy.settled``): over the last SETTLE_SPAN_S seconds the
#: temperature's slope at most SETTLE_TEMPERATURE_C_PER_S (0.5 degC per 30 s), and the second
#: half's mean power and SM clock within SETTLE_POWER_DRIFT and SETTLE_CLOCK_FRACTION of the
#: first half's.
SETTLE_SPAN_S = 20.0
SETTLE_TEMPERATURE_C_PER_S = 0.5 / 30.0
SETTLE_POWER_DRIFT = 0.005
SETTLE_CLOCK_FRACTION = 0.02

#: Budget model (seconds): interpreter, torch import and CUDA start-up once; per
#: configuration inputs, first call, reference check and calibration trial; per window the
#: overshoot of whole iterations plus the chunk synchronizations and NVML reads.
STARTUP_S = 20.0
SETUP_S_PER_CONFIG = 1.5
OVERHEAD_S_PER_WINDOW = 0.15
TRIAL_S = 0.1
SYNC_CHUNK_S = 0.1
SAMPLE_PERIOD_S = 0.05
#: Polling period of the energy counter (its steps are timed to within half of it).
ENERGY_POLL_S = 0.002
#: Work run past ``window_s`` so that at least ``window_s`` lies between counter updates:
#: the first update inside the run and the last can each fall up to one period inside it,
#: and their times are midpoints of poll gaps, so two periods leave nothing to spare (a
#: 1 s window came out at 0.998 s and was refused for its length); three leave one.
WINDOW_MARGIN_S = 3 * ge.COUNTER_UPDATE_S
ALIGNED_METHOD = "nvml_energy_counter_aligned"

PUBLISHER = "Ambition Creep measurement harness (energybook.measure)"

CSV_FIELDS = (
    "run_id",
    "mode",
    "config",
    "kind",
    "dtype",
    "m",
    "n",
    "k",
    "hidden_size",
    "tokens",
    "repeat",
    "status",
    "error",
    "energy_method",
    "iterations",
    "duration_s",
    "energy_j",
    "avg_power_w",
    "sampled_power_w",
    "flop",
    "throughput_tflop_per_s",
    "tflop_per_j",
    "pj_per_flop",
    "bytes_moved",
    "bandwidth_gb_per_s",
    "pj_per_byte",
    "rel_error",
    "sm_clock_mhz",
    "mem_clock_mhz",
    "temperature_c",
    "power_limit_w",
    "clock_event_reasons",
    "gpu_name",
    "driver_version",
    "cuda_version",
    "torch_version",
    "timestamp_utc",
    "source_publisher",
    "source_title",
    "source_year",
    "source_url",
    "tier",
    "checked",
    "note",
)

STATUSES = ("ok", "rejected", "unsupported", "error", "skipped")
KINDS = ("idle", "number_format", "model_shape", "memory")


class HarnessError(RuntimeError):
    """The harness cannot run here (no torch, no GPU, no NVML) or its output is inconsistent."""


class Unsupported(RuntimeError):
    """The configuration's operation is not supported by this GPU or software stack."""


@dataclass(frozen=True)
class Config:
    """One measured configuration."""

    name: str
    kind: str  # one of KINDS
    dtype: str  # fp32, tf32, bf16, fp16, fp8_e4m3, uint8, none
    m: int | None = None
    n: int | None = None
    k: int | None = None
    hidden_size: int | None = None
    tokens: int | None = None
    bytes_per_iteration: int = 0
    fast_accum: bool = False
    note: str = ""
    energy_poll_s: float | None = None  # None: ENERGY_POLL_S

    @property
    def flop_per_iteration(self) -> int:
        if self.m is None or self.n is None or self.k is None:
            return 0
        return ge.gemm_flop(self.m, self.n, self.k)


def build_configs(quick: bool = False) -> list[Config]:
    """The sweep: idle, number formats at a square GEMM, model-like shapes, one copy."""
    size = 4096 if quick else SQUARE_SIZE
    tokens = 4096 if quick else MODEL_TOKENS
    hiddens = (4096, 4097) if quick else HIDDEN_SIZES
    copy_bytes = 2**29 if quick else COPY_BYTES
    square = f"square GEMM {size}x{size}x{size}, (m x k) @ (k x n), torch.randn inputs"
    configs = [
        Config(
            "idle",
            "idle",
            "none",
            note="No work: CUDA context open, nothing running (the card as found), "
            "after the idle power settled",
        ),
        Config(
            "idle-poll-50ms",
            "idle",
            "none",
            energy_poll_s=0.05,
            note="As idle, with the energy counter polled every 50 ms instead of "
            "2 ms: does polling NVML at 500 Hz raise the idle power?",
        ),
    ]
    if quick:
        configs = configs[:1]
    fmts = [
        ("fp32", "FP32 on CUDA cores: fp32_precision='ieee' (TF32 off)"),
        ("tf32", "FP32 inputs, TF32 tensor cores: fp32_precision='tf32'"),
        ("bf16", "BF16 inputs and output, FP32 accumulation (cuBLAS via torch.matmul)"),
        ("fp16", "FP16 inputs and output (cuBLAS via torch.matmul)"),
    ]
    if quick:
        fmts = [f for f in fmts if f[0] == "bf16"]
    for dtype, what in fmts:
        configs.append(
            Config(
                f"square-{dtype}-{size}",
                "number_format",
                dtype,
                size,
                size,
                size,
                note=f"{square}; {what}",
            )
        )
    fp8 = (
        "FP8 e4m3 inputs via torch._scaled_mm, per-tensor scales 1.0 (float32 tensors), BF16 output"
    )
    configs.append(
        Config(
            f"square-fp8-{size}",
            "number_format",
            "fp8_e4m3",
            size,
            size,
            size,
            note=f"{square}; {fp8}, use_fast_accum=False",
        )
    )
    if not quick:
        configs.append(
            Config(
                f"square-fp8fast-{size}",
                "number_format",
                "fp8_e4m3",
                size,
                size,
                size,
                fast_accum=True,
                note=f"{square}; {fp8}, use_fast_accum=True",
            )
        )
    for h in hiddens:
        configs.append(
            Config(
                f"mlp-up-bf16-h{h}",
                "model_shape",
                "bf16",
                m=tokens,
                n=4 * h,
                k=h,
                hidden_size=h,
                tokens=tokens,
                note=(
                    f"MLP up-projection of a transformer with hidden size {h}: "
                    f"F.linear(x[{tokens} tokens x {h}], W[{4 * h} x {h}]) in BF16, "
                    f"i.e. GEMM m=tokens, n=4h, k=h (2*m*n*k FLOPs)"
                ),
            )
        )
    configs.append(
        Config(
            f"copy-{copy_bytes // 2**20}mib",
            "memory",
            "uint8",
            bytes_per_iteration=2 * copy_bytes,
            note=(
                f"Device-to-device copy of {copy_bytes} bytes (dst.copy_(src), random bytes); "
                "bytes_moved counts bytes read plus bytes written"
            ),
        )
    )
    configs.append(
        Config(
            "idle-warm",
            "idle",
            "none",
            note="No work: CUDA context open, nothing running, measured after "
            "the loaded configurations once the idle power settled (the "
            "card warm)",
        )
    )
    return configs


def ordered_configs(configs: Sequence[Config], seed: int | None) -> list[Config]:
    """The sweep in measurement order: the idle configurations measured before any load
    first, ``idle-warm`` last, and the loaded ones between them shuffled with ``seed`` (None:
    in book order)."""
    import random

    loaded = [c for c in configs if c.kind != "idle"]
    if seed is not None:
        random.Random(seed).shuffle(loaded)
    first = [c for c in configs if c.kind == "idle" and c.name != "idle-warm"]
    last = [c for c in configs if c.name == "idle-warm"]
    return first + loaded + last


def planned_duration_s(
    configs: Sequence[Config],
    *,
    window_s: float,
    settle_max_s: float,
    repeats: int,
    presoak_s: float = 0.0,
    idle_max_s: float = IDLE_MAX_S,
) -> float:
    """Longest wall time of a sweep, by the budget model above (seconds): every warm-up
    taking its longest, ``settle_max_s`` (``idle_max_s`` for an idle configuration), plus the
    pre-soak."""
    total = STARTUP_S + presoak_s
    for c in configs:
        warm = idle_max_s if c.kind == "idle" else settle_max_s
        total += (
            SETUP_S_PER_CONFIG
            + warm
            + repeats * (window_s + WINDOW_MARGIN_S + OVERHEAD_S_PER_WINDOW)
        )
    return total


def gpu_short_name(name: str) -> str:
    """A short, file-name-safe name: 'NVIDIA H100 80GB HBM3' -> 'h100', 'NVIDIA H200' -> 'h200'."""
    tokens = [t for t in re.split(r"\s+", name.strip()) if t]
    if tokens and tokens[0].upper() == "NVIDIA":
        tokens = tokens[1:]
    picked: list[str] = []
    for t in tokens:
        picked.append(t)
        if re.search(r"\d", t):
            break
    short = re.sub(r"[^a-z0-9]+", "-", "-".join(picked).lower()).strip("-")
    return short or "gpu"


def make_run_id(gpu_name: str, when: dt.datetime) -> str:
    """``<gpu-short-name>-<UTC timestamp>``, e.g. ``h100-20261117T101500Z``."""
    when = when.astimezone(dt.UTC) if when.tzinfo else when
    return f"{gpu_short_name(gpu_name)}-{when:%Y%m%dT%H%M%SZ}"


def _fmt(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return f"{value:.7g}" if math.isfinite(value) else ""
    text = re.sub(r"[\r\n]+", " ", str(value)).strip()
    return text[:400]


def append_rows(path: Path, rows: Sequence[dict], fields: Sequence[str] = CSV_FIELDS) -> None:
    """Append ``rows`` to the CSV at ``path``, writing the header only if the file is new.

    An existing file must have exactly ``fields`` as its header (else :class:`HarnessError`).
    Keys of a row outside ``fields`` are ignored; missing ones are written empty.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fields = list(fields)
    new = not path.exists() or path.stat().st_size == 0
    if not new:
        with path.open(newline="", encoding="utf-8") as fh:
            header = next(csv.reader(fh), None)
        if header != fields:
            raise HarnessError(
                f"{path}: existing header does not match this harness's columns; move the file "
                f"aside or migrate it (found {header}, expected {fields})"
            )
        with path.open("rb") as fh:
            fh.seek(-1, os.SEEK_END)
            needs_newline = fh.read(1) != b"\n"
        if needs_newline:
            with path.open("a", encoding="utf-8") as fh:
                fh.write("\n")
    with path.open("a", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        if new:
            writer.writerow(fields)
        for row in rows:
            writer.writerow([_fmt(row.get(f)) for f in fields])


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m energybook.measure",
        description="Measure throughput and energy (NVML energy counter) of GEMMs and a "
        "memory copy on one CUDA GPU. Never changes any setting of the card.",
    )
    p.add_argument(
        "--out",
        type=Path,
        default=Path("data/measured"),
        help="folder for gpu_runs.csv (appended) and <run_id>.json",
    )
    p.add_argument(
        "--quick",
        action="store_true",
        help="smoke test: few small configurations, one short window each",
    )
    p.add_argument(
        "--window-s",
        type=float,
        default=None,
        help=f"measured window per repeat, s (default {DEFAULT_WINDOW_S}; "
        f"quick {QUICK_WINDOW_S}; at least {ge.MIN_WINDOW_S})",
    )
    p.add_argument(
        "--warmup-s",
        type=float,
        default=None,
        help=f"shortest warm-up per configuration, s (default {DEFAULT_WARMUP_S})",
    )
    p.add_argument(
        "--settle-max-s",
        type=float,
        default=None,
        help="longest warm-up: stop waiting for temperature and clock to settle "
        f"after this many s (default {DEFAULT_SETTLE_MAX_S})",
    )
    p.add_argument(
        "--repeats",
        type=int,
        default=None,
        help=f"measured windows per configuration (default {DEFAULT_REPEATS})",
    )
    p.add_argument(
        "--presoak-s",
        type=float,
        default=None,
        help="run the square BF16 GEMM this long before the first loaded "
        f"configuration, s (default {DEFAULT_PRESOAK_S}; quick: 0)",
    )
    p.add_argument(
        "--order-seed",
        type=int,
        default=DEFAULT_ORDER_SEED,
        help="seed of the shuffled order of the loaded configurations "
        f"(default {DEFAULT_ORDER_SEED}; -1: book order)",
    )
    p.add_argument(
        "--max-total-s",
        type=float,
        default=DEFAULT_MAX_TOTAL_S,
        help="skip configurations that would end the run after this many seconds",
    )
    p.add_argument(
        "--only", default="", help="comma-separated configuration names to run (default: all)"
    )
    p.add_argument("--device", type=int, default=0, help="CUDA device index")
    p.add_argument(
        "--list",
        action="store_true",
        help="print the configurations and the planned time, then exit",
    )
    args = p.parse_args(list(argv) if argv is not None else None)
    if args.window_s is None:
        args.window_s = QUICK_WINDOW_S if args.quick else DEFAULT_WINDOW_S
    if args.warmup_s is None:
        args.warmup_s = QUICK_WARMUP_S if args.quick else DEFAULT_WARMUP_S
    if args.settle_max_s is None:
        args.settle_max_s = max(
            args.warmup_s, QUICK_SETTLE_MAX_S if args.quick else DEFAULT_SETTLE_MAX_S
        )
    if args.repeats is None:
        args.repeats = QUICK_REPEATS if args.quick else DEFAULT_REPEATS
    if args.presoak_s is None:
        args.presoak_s = QUICK_PRESOAK_S if args.quick else DEFAULT_PRESOAK_S
    if args.order_seed is not None and args.order_seed < 0:
        args.order_seed = None
    if args.window_s < ge.MIN_WINDOW_S:
        p.error(
            f"--window-s must be at least {ge.MIN_WINDOW_S} s (the energy counter updates "
            "only every ~20-100 ms)"
        )
    if args.presoak_s < 0:
        p.error("--presoak-s must be >= 0")
    if args.warmup_s < 0 or args.repeats < 1 or args.max_total_s <= 0:
        p.error("--warmup-s must be >= 0, --repeats >= 1, --max-total-s > 0")
    if args.settle_max_s < args.warmup_s:
        p.error("--settle-max-s must be at least --warmup-s")
    return args


def select_configs(configs: Sequence[Config], only: str) -> list[Config]:
    names = [s.strip() for s in only.split(",") if s.strip()]
    if not names:
        return list(configs)
    known = {c.name for c in configs}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise HarnessError(f"unknown configuration(s) {unknown}; known: {sorted(known)}")
    return [c for c in configs if c.name in names]


# --- the GPU side (torch and pynvml are imported here, not at module import) -------------------


class Gpu:
    """Read-only access to one GPU through torch and NVML."""

    def __init__(self, device_index: int = 0):
        try:
            import torch
        except ImportError as e:
            raise HarnessError(
                "energybook.measure needs PyTorch with CUDA (pip install 'energybook[measure]' "
                f"or run it where torch is installed): {e}"
            ) from None
        try:
            import pynvml
        except ImportError as e:
            raise HarnessError(
                "energybook.measure needs nvidia-ml-py (module pynvml) to read the GPU's "
                f"energy counter: {e}"
            ) from None
        if not torch.cuda.is_available():
            raise HarnessError("PyTorch sees no CUDA GPU here: nothing to measure")
        self.torch, self.nvml = torch, pynvml
        self.device = torch.device("cuda", device_index)
        torch.cuda.set_device(self.device)
        try:
            pynvml.nvmlInit()
        except Exception as e:  # NVMLError and friends
            raise HarnessError(f"NVML could not be initialised: {e}") from None
        self.handle = self._find_handle(device_index)
        self.name = self._str(pynvml.nvmlDeviceGetName(self.handle))
        self.driver_version = self._str(pynvml.nvmlSystemGetDriverVersion())
        self.power_limit_w = self._try(
            lambda: pynvml.nvmlDeviceGetEnforcedPowerLimit(self.handle) / 1000.0
        )
        self.energy_supported = self._counter_moves()

    def _counter_moves(self, timeout_s: float = 1.5) -> bool:
        """Whether the energy counter can be read and advances (it updates every ~20-100 ms).

        If not, windows fall back to sampled power x duration, marked in ``energy_method``.
        """
        try:
            first = self.energy_mj()
            deadline = time.perf_counter() + timeout_s
            while time.perf_counter() < deadline:
                time.sleep(0.05)
                if self.energy_mj() != first:
                    return True
        except Exception:
            return False
        return False

    @staticmethod
    def _str(value) -> str:
        return value.decode() if isinstance(value, bytes) else str(value)

    @staticmethod
    def _try(fn: Callable, default=None):
        try:
            return fn()
        except Exception:
            return default

    def _find_handle(self, device_index: int):
        nv = self.nvml
        count = nv.nvmlDeviceGetCount()
        if count == 1:
            return nv.nvmlDeviceGetHandleByIndex(0)
        props = self.torch.cuda.get_device_properties(self.device)
        bus = getattr(props, "pci_bus_id", None)
        dom = getattr(props, "pci_domain_id", None)
        dev = getattr(props, "pci_device_id", None)
        if bus is not None:
            for i in range(count):
                h = nv.nvmlDeviceGetHandleByIndex(i)
                pci = nv.nvmlDeviceGetPciInfo(h)
                if (pci.bus, pci.domain, pci.device) == (bus, dom, dev):
                    return h
        return nv.nvmlDeviceGetHandleByIndex(device_index)

    def energy_mj(self) -> int:
        return int(self.nvml.nvmlDeviceGetTotalEnergyConsumption(self.handle))

    def power_w(self) -> float:
        return self.nvml.nvmlDeviceGetPowerUsage(self.handle) / 1000.0

    def sm_clock_mhz(self):
        return self._try(
            lambda: self.nvml.nvmlDeviceGetClockInfo(self.handle, self.nvml.NVML_CLOCK_SM)
        )

    def mem_clock_mhz(self):
        return self._try(
            lambda: self.nvml.nvmlDeviceGetClockInfo(self.handle, self.nvml.NVML_CLOCK_MEM)
        )

    def temperature_c(self):
        return self._try(
            lambda: self.nvml.nvmlDeviceGetTemperature(self.handle, self.nvml.NVML_TEMPERATURE_GPU)
        )

    def clock_event_reasons(self):
        nv = self.nvml
        fn = getattr(nv, "nvmlDeviceGetCurrentClocksEventReasons", None) or getattr(
            nv, "nvmlDeviceGetCurrentClocksThrottleReasons", None
        )
        return self._try(lambda: int(fn(self.handle))) if fn else None

    def sync(self) -> None:
        self.torch.cuda.synchronize(self.device)

    def info(self) -> dict:
        torch, nv, h = self.torch, self.nvml, self.handle
        props = torch.cuda.get_device_properties(self.device)
        cudnn = self._try(lambda: torch.backends.cudnn.version())
        return {
            "name": self.name,
            "memory_total_gib": round(props.total_memory / 2**30, 2),
            "multiprocessors": props.multi_processor_count,
            "compute_capability": f"{props.major}.{props.minor}",
            "l2_cache_mib": self._try(lambda: round(props.L2_cache_size / 2**20, 1)),
            "enforced_power_limit_w": self.power_limit_w,
            "default_power_limit_w": self._try(
                lambda: nv.nvmlDeviceGetPowerManagementDefaultLimit(h) / 1000.0
            ),
            "max_sm_clock_mhz": self._try(
                lambda: nv.nvmlDeviceGetMaxClockInfo(h, nv.NVML_CLOCK_SM)
            ),
            "max_mem_clock_mhz": self._try(
                lambda: nv.nvmlDeviceGetMaxClockInfo(h, nv.NVML_CLOCK_MEM)
            ),
            "energy_counter_supported": self.energy_supported,
            "driver_version": self.driver_version,
            "nvml_cuda_driver_version": self._try(lambda: nv.nvmlSystemGetCudaDriverVersion()),
            "torch_version": torch.__version__,
            "torch_cuda_version": torch.version.cuda,
            "cudnn_version": cudnn,
            "nvidia_ml_py_version": _package_version("nvidia-ml-py"),
        }


def _package_version(name: str) -> str | None:
    from importlib import metadata

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


class Sampler(threading.Thread):
    """Polls the energy counter (every ``energy_poll_s``) and samples power, clocks,
    temperature and clock-event reasons (every ``period_s``) while a window runs.

    ``energy`` holds ``(time_s, counter_mj)`` readings, each timed at the middle of its NVML
    call, for :func:`energybook.gpu_energy.aligned_energy`. Works with any object that has the
    reading methods of :class:`Gpu` (the tests give it a simulated card).
    """

    def __init__(
        self,
        gpu,
        period_s: float = SAMPLE_PERIOD_S,
        energy_poll_s: float = ENERGY_POLL_S,
        poll_energy: bool = True,
    ):
        super().__init__(daemon=True)
        self.gpu, self.period_s, self.energy_poll_s = gpu, period_s, energy_poll_s
        self.poll_energy = poll_energy
        self.stop_event = threading.Event()
        self.energy: list[tuple[float, int]] = []
        self.power_w: list[float] = []
        self.sm_mhz: list[float] = []
        self.mem_mhz: list[float] = []
        self.temp_c: list[float] = []
        self.reasons = 0
        self.any_reasons = False

    def _sample(self) -> None:
        g = self.gpu
        p = g._try(g.power_w)
        if p is not None:
            self.power_w.append(p)
        for seq, fn in (
            (self.sm_mhz, g.sm_clock_mhz),
            (self.mem_mhz, g.mem_clock_mhz),
            (self.temp_c, g.temperature_c),
        ):
            v = fn()
            if v is not None:
                seq.append(float(v))
        r = g.clock_event_reasons()
        if r is not None:
            self.reasons |= r
            self.any_reasons = True

    def run(self) -> None:
        g = self.gpu
        next_sample = time.perf_counter()
        wait = self.energy_poll_s if self.poll_energy else self.period_s
        while not self.stop_event.is_set():
            if self.poll_energy:
                t0 = time.perf_counter()
                v = g._try(g.energy_mj)
                t1 = time.perf_counter()
                if v is not None:
                    self.energy.append((0.5 * (t0 + t1), int(v)))
            if time.perf_counter() >= next_sample:
                self._sample()
                next_sample += self.period_s
            self.stop_event.wait(wait)

    def finish(self) -> None:
        self.stop_event.set()
        self.join(timeout=2.0)


def _set_tf32(torch, enabled: bool) -> str:
    """Set cuBLAS FP32 matmul precision with the API this torch has; never mix old and new."""
    mm = torch.backends.cuda.matmul
    if hasattr(mm, "fp32_precision"):
        mm.fp32_precision = "tf32" if enabled else "ieee"
        return f"torch.backends.cuda.matmul.fp32_precision={mm.fp32_precision!r}"
    mm.allow_tf32 = enabled
    return f"torch.backends.cuda.matmul.allow_tf32={enabled}"


def _rel_error(torch, out, ref) -> float:
    out, ref = out.double(), ref.double()
    if not bool(torch.isfinite(out).all()):
        return float("inf")
    return float(torch.linalg.vector_norm(out - ref) / torch.linalg.vector_norm(ref))


def _make_op(gpu: Gpu, cfg: Config):
    """Inputs and a one-iteration callable for ``cfg``; returns (fn, rel_error, note)."""
    torch, dev = gpu.torch, gpu.device
    torch.manual_seed(0)
    rows = ROWS_CHECKED
    extra = ""
    if cfg.kind == "memory":
        src = torch.randint(0, 256, (cfg.bytes_per_iteration // 2,), dtype=torch.uint8, device=dev)
        dst = torch.empty_like(src)

        def fn():
            dst.copy_(src)

        fn()
        gpu.sync()
        if not torch.equal(dst[: 1 << 20], src[: 1 << 20]) or not torch.equal(
            dst[-(1 << 20) :], src[-(1 << 20) :]
        ):
            raise RuntimeError("copy check failed: destination differs from source")
        return fn, None, extra
    if cfg.kind == "model_shape":
        dtype = torch.bfloat16
        x = torch.randn(cfg.tokens, cfg.hidden_size, device=dev, dtype=dtype)
        w = torch.randn(cfg.n, cfg.hidden_size, device=dev, dtype=dtype)
        lin = torch.nn.functional.linear

        def fn():
            return lin(x, w)

        res = fn()
        gpu.sync()
        rel = _rel_error(torch, res[:rows], x[:rows].double() @ w.double().t())
        del res
        return fn, rel, extra
    # number formats at a square GEMM
    m, n, k = cfg.m, cfg.n, cfg.k
    if cfg.dtype in ("fp32", "tf32"):
        extra = _set_tf32(torch, cfg.dtype == "tf32")
        a = torch.randn(m, k, device=dev, dtype=torch.float32)
        b = torch.randn(k, n, device=dev, dtype=torch.float32)
    elif cfg.dtype in ("bf16", "fp16"):
        dtype = torch.bfloat16 if cfg.dtype == "bf16" else torch.float16
        a = torch.randn(m, k, device=dev, dtype=dtype)
        b = torch.randn(k, n, device=dev, dtype=dtype)
    elif cfg.dtype == "fp8_e4m3":
        f8 = getattr(torch, "float8_e4m3fn", None)
        if f8 is None:
            raise Unsupported("this torch has no float8_e4m3fn")
        try:
            a = torch.randn(m, k, device=dev, dtype=torch.bfloat16).to(f8)
            bt = torch.randn(n, k, device=dev, dtype=torch.bfloat16).to(f8)
            b = bt.t()  # column-major (k x n), as cuBLAS's FP8 path requires
            one = torch.tensor(1.0, device=dev, dtype=torch.float32)
            scale_b = torch.tensor(1.0, device=dev, dtype=torch.float32)
            fast = cfg.fast_accum

            def fp8_private():
                return torch._scaled_mm(
                    a,
                    b,
                    scale_a=one,
                    scale_b=scale_b,
                    out_dtype=torch.bfloat16,
                    use_fast_accum=fast,
                )

            fn = fp8_private
            try:
                res = fn()
            except Exception as first:
                F = torch.nn.functional
                if not hasattr(F, "scaled_mm"):
                    raise first from None
                tw = F.ScalingType.TensorWise

                def fp8_public():
                    return F.scaled_mm(
                        a,
                        b,
                        scale_a=one,
                        scale_recipe_a=tw,
                        scale_b=scale_b,
                        scale_recipe_b=tw,
                        output_dtype=torch.bfloat16,
                        use_fast_accum=fast,
                    )

                fn = fp8_public
                res = fn()
                extra = f"torch._scaled_mm failed ({first}); used torch.nn.functional.scaled_mm"
            if isinstance(res, tuple):  # older torch returned (out, amax)
                res = res[0]
            gpu.sync()
        except Exception as e:
            raise Unsupported(f"FP8 matmul failed: {type(e).__name__}: {e}") from None
        rel = _rel_error(torch, res[:rows], a[:rows].float().double() @ b.float().double())
        del res
        return fn, rel, extra
    else:
        raise HarnessError(f"unknown dtype {cfg.dtype!r}")
    c = torch.empty(m, n, device=dev, dtype=a.dtype)

    def fn():  # type: ignore[no-redef]
        return torch.matmul(a, b, out=c)

    fn()
    gpu.sync()
    rel = _rel_error(torch, c[:rows], a[:rows].double() @ b.double())
    return fn, rel, extra


def _timed(gpu: Gpu, fn: Callable, iterations: int, chunk: int) -> float:
    """Wall time of ``iterations`` synchronized iterations."""
    gpu.sync()
    t0 = time.perf_counter()
    for i in range(iterations):
        fn()
        if (i + 1) % chunk == 0:
            gpu.sync()
    gpu.sync()
    return time.perf_counter() - t0


def _run_for(gpu: Gpu, fn: Callable, min_s: float, chunk: int) -> tuple[int, float]:
    """Run chunks of ``chunk`` iterations, synchronizing after each, until ``min_s`` has passed.

    Returns (iterations, wall seconds). The window is at least ``min_s`` whatever the
    calibration said; it overshoots by at most one chunk.
    """
    gpu.sync()
    t0 = time.perf_counter()
    n = 0
    while True:
        for _ in range(chunk):
            fn()
        gpu.sync()
        n += chunk
        elapsed = time.perf_counter() - t0
        if elapsed >= min_s:
            return n, elapsed


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _mask(reasons: str | None) -> int | None:
    return int(reasons, 16) if reasons else None


def _window(
    gpu, fn: Callable | None, chunk: int, window_s: float, energy_poll_s: float = ENERGY_POLL_S
) -> dict:
    """One measured window: the work runs for ``window_s`` plus :data:`WINDOW_MARGIN_S`
    while the counter is polled every ``energy_poll_s``, with Python's thread switch interval
    lowered to :data:`WINDOW_SWITCH_INTERVAL_S` so that the polling thread gets its turns; the
    energy is taken between the first and the last counter update inside it. Returns the
    readings for :func:`energybook.gpu_energy.summarize`, with the median gap between the
    counter readings (``poll_gap_s``)."""
    gpu.sync()
    switch = sys.getswitchinterval()
    sys.setswitchinterval(WINDOW_SWITCH_INTERVAL_S)
    try:
        return _window_body(gpu, fn, chunk, window_s, energy_poll_s)
    finally:
        sys.setswitchinterval(switch)


def _window_body(
    gpu, fn: Callable | None, chunk: int, window_s: float, energy_poll_s: float
) -> dict:
    sampler = Sampler(gpu, poll_energy=gpu.energy_supported, energy_poll_s=energy_poll_s)
    sampler.start()
    stamp = _utc_now()
    run_s = window_s + WINDOW_MARGIN_S
    t0 = time.perf_counter()
    iterations = 0
    if fn is None:
        time.sleep(run_s)
    else:
        while time.perf_counter() - t0 < run_s:
            for _ in range(chunk):
                fn()
            gpu.sync()
            iterations += chunk
    t1 = time.perf_counter()
    sampler.finish()
    work_s = t1 - t0
    sampled = ge.mean_w(sampler.power_w)
    out = {
        "timestamp_utc": stamp.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "iterations": iterations,
        "work_duration_s": work_s,
        "sampled_power_w": sampled,
        "alignment_error": "",
        "counter_updates": None,
        "update_period_s": None,
        "timing_error_s": None,
        "poll_gap_s": ge.median_gap_s([t for t, _ in sampler.energy]),
    }
    if gpu.energy_supported:
        out["energy_method"] = ALIGNED_METHOD
        try:
            a = ge.aligned_energy(sampler.energy, t0, t1)
        except ge.MeasurementError as e:
            # fall back to the first and last readings; summarize's checks see the error
            first, last = sampler.energy[:1] or [(t0, 0)], sampler.energy[-1:] or [(t1, 0)]
            out.update(
                energy_before_mj=first[0][1],
                energy_after_mj=last[0][1],
                duration_s=max(last[0][0] - first[0][0], 0.0),
                alignment_error=str(e),
            )
        else:
            out.update(
                energy_before_mj=0,
                energy_after_mj=a["energy_mj"],
                duration_s=a["duration_s"],
                counter_updates=a["updates"],
                update_period_s=a["update_period_s"],
                timing_error_s=a["timing_error_s"],
            )
    else:
        out.update(
            energy_method="power_samples",
            energy_before_mj=0,
            energy_after_mj=round((sampled or 0.0) * work_s * 1000.0),
            duration_s=work_s,
        )
    out.update(
        {
            "sm_clock_mhz": ge.mean_w(sampler.sm_mhz) if sampler.sm_mhz else gpu.sm_clock_mhz(),
            "mem_clock_mhz": ge.mean_w(sampler.mem_mhz) if sampler.mem_mhz else gpu.mem_clock_mhz(),
            "temperature_c": max(sampler.temp_c) if sampler.temp_c else gpu.temperature_c(),
            "clock_event_reasons": f"0x{sampler.reasons:x}" if sampler.any_reasons else None,
        }
    )
    return out


def _warm_up(gpu, fn: Callable, chunk: int, min_s: float, max_s: float) -> dict:
    """Run ``fn`` in chunks until the card's temperature and SM clock have settled
    (:func:`energybook.gpu_energy.settled`), at least ``min_s`` and at most ``max_s`` seconds.
    Returns how long it ran, the iterations, whether it settled, and the last temperature and
    clock read."""
    samples: list[tuple[float, ...]] = []
    t0 = time.perf_counter()
    n, elapsed, is_settled = 0, 0.0, False
    while True:
        for _ in range(chunk):
            fn()
        gpu.sync()
        n += chunk
        now = time.perf_counter()
        elapsed = now - t0
        temp, clock = gpu.temperature_c(), gpu.sm_clock_mhz()
        power = gpu._try(gpu.power_w) if hasattr(gpu, "_try") else None
        if temp is not None and clock is not None:
            samples.append(
                (now, float(temp), float(clock)) + ((float(power),) if power is not None else ())
            )
        is_settled = ge.settled(
            samples,
            span_s=SETTLE_SPAN_S,
            temperature_c_per_s=SETTLE_TEMPERATURE_C_PER_S,
            power_drift=SETTLE_POWER_DRIFT,
            clock_tol=SETTLE_CLOCK_FRACTION,
        )
        if elapsed >= max_s or (elapsed >= min_s and is_settled):
            break
    return {
        "warmup_s": elapsed,
        "iterations": n,
        "settled": is_settled,
        "temperature_c": samples[-1][1] if samples else None,
        "sm_clock_mhz": samples[-1][2] if samples else None,
        "first_temperature_c": samples[0][1] if samples else None,
    }


def _settle_idle(gpu, min_s: float = IDLE_MIN_S, max_s: float = IDLE_MAX_S) -> dict:
    """Wait, doing nothing, until the idle card's power has settled
    (:func:`energybook.gpu_energy.idle_settled` on the polled energy counter), at least
    ``min_s`` and at most ``max_s`` seconds. Returns how long it waited and whether it
    settled."""
    sampler = Sampler(gpu, poll_energy=gpu.energy_supported)
    sampler.start()
    t0 = time.perf_counter()
    is_settled = False
    try:
        while True:
            time.sleep(0.5)
            elapsed = time.perf_counter() - t0
            readings = list(sampler.energy)
            is_settled = bool(readings) and ge.idle_settled(
                readings, span_s=IDLE_SPAN_S, tol=IDLE_TOLERANCE, min_s=min_s
            )
            if elapsed >= max_s or (elapsed >= min_s and is_settled):
                break
    finally:
        sampler.finish()
    return {"wait_s": time.perf_counter() - t0, "settled": is_settled}


def presoak(gpu, seconds: float) -> dict:
    """Run the square BF16 GEMM for ``seconds`` before the first loaded configuration, so
    that the heatsink is near its loaded temperature; returns what it did."""
    if seconds <= 0:
        return {"presoak_s": 0.0}
    cfg = Config(
        f"square-bf16-{SQUARE_SIZE}", "number_format", "bf16", SQUARE_SIZE, SQUARE_SIZE, SQUARE_SIZE
    )
    fn, _, _ = _make_op(gpu, cfg)
    try:
        first = gpu.temperature_c()
        n, elapsed = _run_for(gpu, fn, seconds, 1)
        return {
            "presoak_s": elapsed,
            "iterations": n,
            "first_temperature_c": first,
            "temperature_c": gpu.temperature_c(),
        }
    finally:
        del fn
        gpu.torch.cuda.empty_cache()


def kernel_names(torch, fn: Callable) -> list[str]:
    """The CUDA kernels one call of ``fn`` launched, from one iteration under
    ``torch.profiler`` (names as the profiler reports them, most time first); [] when the
    profiler is unavailable."""
    try:
        from torch.profiler import ProfilerActivity, profile
    except ImportError:
        return []
    with profile(activities=[ProfilerActivity.CUDA]) as prof:
        fn()
        torch.cuda.synchronize()
    events = [
        e
        for e in prof.key_averages()
        if getattr(e, "device_type", None) is not None and "CUDA" in str(e.device_type)
    ]
    events.sort(
        key=lambda e: (
            -float(
                getattr(e, "device_time_total", 0.0) or getattr(e, "cuda_time_total", 0.0) or 0.0
            )
        )
    )
    return [str(e.key) for e in events]


#: Keys of a result row that go to the run's metadata, not to the CSV.
WINDOW_DETAILS = (
    "counter_updates",
    "update_period_s",
    "timing_error_s",
    "alignment_error",
    "counter_span_s",
    "poll_gap_s",
)


def measure_windows(
    gpu, cfg: Config, fn: Callable | None, chunk: int, *, window_s: float, repeats: int, note: str
) -> list[dict]:
    """``repeats`` measured windows of ``fn`` as result rows (without the run-level columns);
    each row also carries the :data:`WINDOW_DETAILS` of its window."""
    rows = []
    poll = cfg.energy_poll_s or ENERGY_POLL_S
    for rep in range(repeats):
        raw = _window(gpu, fn, chunk, window_s, poll)
        row = ge.summarize(
            energy_before_mj=raw["energy_before_mj"],
            energy_after_mj=raw["energy_after_mj"],
            duration_s=raw["duration_s"],
            work_duration_s=raw["work_duration_s"],
            iterations=raw["iterations"],
            flop_per_iteration=cfg.flop_per_iteration,
            bytes_per_iteration=cfg.bytes_per_iteration,
            power_limit_w=gpu.power_limit_w,
            sampled_power_w=raw["sampled_power_w"],
            clock_event_mask=_mask(raw["clock_event_reasons"]),
        )
        if raw["alignment_error"] and row["status"] == "ok":
            row.update(status="rejected", error=raw["alignment_error"])
        row.update(
            {
                k: raw[k]
                for k in (
                    "timestamp_utc",
                    "energy_method",
                    "sm_clock_mhz",
                    "mem_clock_mhz",
                    "temperature_c",
                    "clock_event_reasons",
                    "counter_updates",
                    "update_period_s",
                    "timing_error_s",
                    "alignment_error",
                    "poll_gap_s",
                )
            }
        )
        row.update(
            repeat=rep + 1,
            power_limit_w=gpu.power_limit_w,
            note=note,
            counter_span_s=raw["duration_s"],
        )
        rows.append(row)
    return rows


def run_config(
    gpu: Gpu,
    cfg: Config,
    *,
    window_s: float,
    warmup_s: float,
    settle_max_s: float,
    repeats: int,
    idle_min_s: float = IDLE_MIN_S,
    idle_max_s: float = IDLE_MAX_S,
) -> tuple[list[dict], dict | None]:
    """Measure one configuration: ``repeats`` result rows (without the run-level columns) and
    its warm-up record (for idle, the wait until the idle power settled; for loaded work, the
    warm-up and the kernels one profiled iteration launched)."""
    torch = gpu.torch
    fn, rel, extra = (None, None, "") if cfg.kind == "idle" else _make_op(gpu, cfg)
    try:
        chunk, warm = 1, None
        if fn is None:
            warm = _settle_idle(gpu, idle_min_s, idle_max_s)
        else:
            try:
                warm_kernels = kernel_names(torch, fn)
            except Exception as e:  # the profiler is a record, not a requirement
                warm_kernels = [f"profiler failed: {type(e).__name__}: {e}"]
            # calibrate the chunk (iterations between synchronizations) from a short trial
            trial_n, trial_s = 1, _timed(gpu, fn, 1, 1)
            if trial_s < TRIAL_S:
                trial_n = ge.iterations_for_window(trial_s, 1, TRIAL_S)
                trial_s = _timed(gpu, fn, trial_n, trial_n)
            chunk = ge.iterations_for_window(trial_s, trial_n, SYNC_CHUNK_S)
            # the warm-up runs at working clocks: the better calibration
            warm = _warm_up(gpu, fn, chunk, warmup_s, settle_max_s)
            warm["kernels"] = warm_kernels
            chunk = ge.iterations_for_window(warm["warmup_s"], warm["iterations"], SYNC_CHUNK_S)
        note = cfg.note + (f"; {extra}" if extra else "")
        if warm is not None and fn is None:
            state = "settled" if warm["settled"] else "not settled"
            note += f"; idle wait {warm['wait_s']:.1f} s ({state})"
        elif warm is not None:
            state = "settled" if warm["settled"] else "not settled"
            note += (
                f"; warm-up {warm['warmup_s']:.1f} s ({state} at "
                f"{warm['temperature_c']} degC, {warm['sm_clock_mhz']} MHz)"
            )
        rows = measure_windows(gpu, cfg, fn, chunk, window_s=window_s, repeats=repeats, note=note)
        for row in rows:
            row["rel_error"] = rel
        return rows, warm
    finally:
        del fn
        if cfg.dtype == "tf32":
            _set_tf32(torch, False)
        torch.cuda.empty_cache()


def _failed_rows(cfg: Config, status: str, error: str, repeats: int) -> list[dict]:
    stamp = _utc_now().strftime("%Y-%m-%dT%H:%M:%SZ")
    return [
        {
            "status": status,
            "error": error,
            "repeat": r + 1,
            "timestamp_utc": stamp,
            "note": cfg.note,
        }
        for r in range(repeats if status == "skipped" else 1)
    ]


def _repo_relative(path: Path) -> str:
    try:
        return path.resolve().relative_to(REPO_ROOT).as_posix()
    except ValueError:
        return path.as_posix()


def _git_commit() -> str | None:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        )
        return out.stdout.strip() or None
    except Exception:
        return None


HOW_MADE = (
    "Measured by energybook.measure on the GPU named here, as found (no clock, power-limit or "
    "other setting changed). Per configuration: random inputs (torch.randn) on the GPU; one "
    "call checked against a float64 reference on the first rows (rel_error); a timed trial to "
    "size the chunks of iterations between synchronizations; a warm-up of the same work; "
    "then each window: "
    "torch.cuda.synchronize, time.perf_counter, chunks of iterations, each ~0.1 s and "
    "synchronized, for the window's time plus three counter updates; perf_counter. Meanwhile "
    "NVML nvmlDeviceGetTotalEnergyConsumption (mJ) is polled every 2 ms: avg_power_w is the "
    "counter difference between the first and the last update seen inside the window over "
    "the time between them (energy_method nvml_energy_counter_aligned), energy_j = avg_power_w "
    "x duration_s (the synchronized work's time). Power samples (nvmlDeviceGetPowerUsage every "
    "50 ms, a ~1 s average on recent GPUs) are a cross-check only. During a window Python's "
    "thread switch interval is lowered to 0.1 ms so that the polling thread keeps its 2 ms "
    "(the median gap between counter readings is in the metadata windows as poll_gap_s). SM/memory clocks are means "
    "of the samples, temperature their maximum, clock_event_reasons the OR of NVML's "
    "clock-event reason bits seen in the window. Before the first loaded configuration a "
    "pre-soak runs the square BF16 GEMM (metadata: presoak); the loaded configurations run "
    "in a shuffled order (settings.order_seed); the warm-up of each runs until, over 20 s, "
    "the temperature's slope is at most 0.5 degC per 30 s and power and SM clock drift at most "
    "0.5% and 2% (metadata: warmups, with the kernels one profiled iteration launched); the "
    "idle card is measured first (cold) and last (warm), each after its counter power settled "
    "to 0.5% between two 2 s spans (at least 10 s; metadata: warmups, with the time since "
    "the last load), and once with the counter polled every 50 ms (idle-poll-50ms). Per-window counter details are in the metadata (windows)."
)


def _summary_table(rows: Sequence[dict]) -> str:
    cols = [
        ("config", "config", 21, "s"),
        ("rep", "repeat", 3, "d"),
        ("status", "status", 11, "s"),
        ("TFLOP/s", "throughput_tflop_per_s", 8, ".1f"),
        ("W", "avg_power_w", 6, ".0f"),
        ("W smpl", "sampled_power_w", 6, ".0f"),
        ("TFLOP/J", "tflop_per_j", 8, ".3f"),
        ("GB/s", "bandwidth_gb_per_s", 7, ".0f"),
        ("pJ/B", "pj_per_byte", 7, ".1f"),
        ("SM MHz", "sm_clock_mhz", 6, ".0f"),
        ("degC", "temperature_c", 4, ".0f"),
        ("reasons", "clock_event_reasons", 7, "s"),
        ("rel_err", "rel_error", 8, ".1e"),
    ]

    def cell(v, width, spec):
        if spec == "s":
            return str(v if v is not None else "-")[:width].ljust(width)
        ok = isinstance(v, (int, float)) and not isinstance(v, bool)
        return (format(v, spec) if ok else "-").rjust(width)

    head = " ".join(name.ljust(w) if spec == "s" else name.rjust(w) for name, _, w, spec in cols)
    lines = [head, "-" * len(head)]
    for r in rows:
        lines.append(" ".join(cell(r.get(key), w, spec) for _, key, w, spec in cols))
        if r.get("error"):
            lines.append(f"    {r['error'][:160]}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the sweep; return 0 if at least one configuration succeeded, else non-zero."""
    args = parse_args(argv)
    mode = "quick" if args.quick else "full"
    try:
        configs = ordered_configs(
            select_configs(build_configs(args.quick), args.only), args.order_seed
        )
    except HarnessError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    idle_min, idle_max = (
        (QUICK_IDLE_MIN_S, QUICK_IDLE_MAX_S) if args.quick else (IDLE_MIN_S, IDLE_MAX_S)
    )
    plan_s = planned_duration_s(
        configs,
        window_s=args.window_s,
        settle_max_s=args.settle_max_s,
        repeats=args.repeats,
        presoak_s=args.presoak_s,
        idle_max_s=idle_max,
    )
    if args.list:
        for c in configs:
            print(
                f"{c.name:<24} {c.kind:<14} {c.dtype:<9} m={c.m} n={c.n} k={c.k} "
                f"flop/iter={c.flop_per_iteration:.3e} bytes/iter={c.bytes_per_iteration}"
            )
        print(f"{len(configs)} configurations, planned at most about {plan_s:.0f} s")
        return 0

    started_wall = time.perf_counter()
    try:
        gpu = Gpu(args.device)
    except HarnessError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    torch = gpu.torch
    started = _utc_now()
    run_id = make_run_id(gpu.name, started)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    csv_path, meta_path = out / CSV_NAME, out / f"{run_id}.json"
    if csv_path.exists() and csv_path.stat().st_size:
        append_rows(csv_path, [])  # fail now, not after the sweep, if the header differs
    info = gpu.info()
    meta = {
        "run_id": run_id,
        "status": "running",
        "mode": mode,
        "started_utc": started.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "command": shlex.join(
            [
                "python",
                "-m",
                "energybook.measure",
                *(list(argv) if argv is not None else sys.argv[1:]),
            ]
        ),
        "sys_argv": sys.argv,
        "python_executable": sys.executable,
        "python_version": platform.python_version(),
        "platform": platform.platform(),
        "hostname": socket.gethostname(),
        "git_commit": _git_commit(),
        "gpu": info,
        "settings": {
            "window_s": args.window_s,
            "warmup_s": args.warmup_s,
            "settle_max_s": args.settle_max_s,
            "settle_span_s": SETTLE_SPAN_S,
            "settle_temperature_c_per_s": SETTLE_TEMPERATURE_C_PER_S,
            "settle_power_drift": SETTLE_POWER_DRIFT,
            "settle_clock_fraction": SETTLE_CLOCK_FRACTION,
            "presoak_s": args.presoak_s,
            "order_seed": args.order_seed,
            "idle_span_s": IDLE_SPAN_S,
            "idle_tolerance": IDLE_TOLERANCE,
            "idle_min_s": IDLE_MIN_S,
            "idle_max_s": IDLE_MAX_S,
            "window_switch_interval_s": WINDOW_SWITCH_INTERVAL_S,
            "repeats": args.repeats,
            "max_total_s": args.max_total_s,
            "sample_period_s": SAMPLE_PERIOD_S,
            "sync_chunk_s": SYNC_CHUNK_S,
            "energy_poll_s": ENERGY_POLL_S,
            "window_margin_s": WINDOW_MARGIN_S,
            "energy_alignment": "counter_updates",
            "counter_update_s": ge.COUNTER_UPDATE_S,
            "rows_checked": ROWS_CHECKED,
            "min_window_s": ge.MIN_WINDOW_S,
            "min_plausible_power_w": ge.MIN_PLAUSIBLE_POWER_W,
            "max_power_limit_factor": ge.MAX_POWER_LIMIT_FACTOR,
            "capped_power_factor": ge.CAPPED_POWER_FACTOR,
        },
        "planned_duration_s": round(plan_s, 1),
        "configs": [asdict(c) | {"flop_per_iteration": c.flop_per_iteration} for c in configs],
        "how_made": HOW_MADE,
        "csv": _repo_relative(csv_path),
    }
    meta_path.write_text(json.dumps(meta, indent=2) + "\n")
    print(
        f"run {run_id}: {info['name']}, driver {gpu.driver_version}, torch {torch.__version__} "
        f"(CUDA {torch.version.cuda}), power limit {gpu.power_limit_w} W, energy counter "
        f"{'yes' if gpu.energy_supported else 'NO (falling back to power samples)'}; "
        f"{len(configs)} configurations, planned ~{plan_s:.0f} s",
        flush=True,
    )

    common = {
        "run_id": run_id,
        "mode": mode,
        "gpu_name": gpu.name,
        "driver_version": gpu.driver_version,
        "cuda_version": torch.version.cuda,
        "torch_version": torch.__version__,
        "power_limit_w": gpu.power_limit_w,
        "source_publisher": PUBLISHER,
        "source_title": f"GPU energy run {run_id} on {gpu.name}",
        "source_year": started.year,
        "source_url": _repo_relative(meta_path),
        "tier": "measured",
        "checked": "primary",
    }
    all_rows: list[dict] = []
    warmups: dict[str, dict] = {}
    windows: list[dict] = []
    soaked, last_load_end = False, None
    for cfg in configs:
        if cfg.kind != "idle" and not soaked:
            soaked = True
            try:
                meta["presoak"] = presoak(gpu, args.presoak_s)
            except Exception as e:  # record and continue: the warm-ups still settle
                meta["presoak"] = {"error": f"{type(e).__name__}: {e}"}
        elapsed = time.perf_counter() - started_wall
        need = (
            planned_duration_s(
                [cfg],
                window_s=args.window_s,
                settle_max_s=args.settle_max_s,
                repeats=args.repeats,
                idle_max_s=idle_max,
            )
            - STARTUP_S
        )
        if elapsed + need > args.max_total_s:
            rows = _failed_rows(
                cfg,
                "skipped",
                f"time budget: {elapsed:.0f} s elapsed, "
                f"~{need:.0f} s needed, limit {args.max_total_s:.0f} s",
                args.repeats,
            )
        else:
            try:
                rows, warm = run_config(
                    gpu,
                    cfg,
                    window_s=args.window_s,
                    warmup_s=args.warmup_s,
                    settle_max_s=args.settle_max_s,
                    repeats=args.repeats,
                    idle_min_s=idle_min,
                    idle_max_s=idle_max,
                )
                if warm is not None:
                    if cfg.kind == "idle":
                        warm["since_load_s"] = (
                            None if last_load_end is None else time.perf_counter() - last_load_end
                        )
                    warmups[cfg.name] = warm
                if cfg.kind != "idle":
                    last_load_end = time.perf_counter()
            except Unsupported as e:
                rows = _failed_rows(cfg, "unsupported", str(e), 1)
            except Exception as e:  # record and continue
                rows = _failed_rows(cfg, "error", f"{type(e).__name__}: {e}", 1)
                traceback.print_exc(file=sys.stderr)
                try:
                    torch.cuda.empty_cache()
                except Exception:
                    pass
        for r in rows:
            r.update({key: value for key, value in common.items() if r.get(key) is None})
            r.update(
                config=cfg.name,
                kind=cfg.kind,
                dtype=cfg.dtype,
                m=cfg.m,
                n=cfg.n,
                k=cfg.k,
                hidden_size=cfg.hidden_size,
                tokens=cfg.tokens,
            )
        append_rows(csv_path, rows)
        all_rows.extend(rows)
        windows.extend(
            {"config": cfg.name, "repeat": r.get("repeat"), **{k: r.get(k) for k in WINDOW_DETAILS}}
            for r in rows
        )
        for r in rows:
            print(
                f"  {cfg.name:<22} rep {r.get('repeat')} {r['status']:<11} "
                f"TFLOP/s={_fmt(r.get('throughput_tflop_per_s')) or '-'} "
                f"W={_fmt(r.get('avg_power_w')) or '-'} "
                f"TFLOP/J={_fmt(r.get('tflop_per_j')) or '-'} "
                f"pJ/B={_fmt(r.get('pj_per_byte')) or '-'} {r.get('error') or ''}",
                flush=True,
            )

    counts = {s: sum(r["status"] == s for r in all_rows) for s in STATUSES}
    configs_ok = sorted({r["config"] for r in all_rows if r["status"] == "ok"})
    meta.update(
        status="finished",
        finished_utc=_utc_now().strftime("%Y-%m-%dT%H:%M:%SZ"),
        elapsed_s=round(time.perf_counter() - started_wall, 1),
        row_counts=counts,
        configs_ok=configs_ok,
        warmups=warmups,
        windows=windows,
    )
    meta_path.write_text(json.dumps(meta, indent=2) + "\n")
    print()
    print(_summary_table(all_rows))
    print(
        f"\nrun {run_id}: {counts}; {meta['elapsed_s']} s; rows appended to {csv_path}, "
        f"metadata in {meta_path}"
    )
    if not configs_ok:
        print("error: no configuration succeeded", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
