"""Pure arithmetic of GPU energy measurement, and the measured chapter's small models.

Standard library only (no numpy, no torch): the measurement harness
(:mod:`energybook.measure`) imports this on a bare GPU machine, and the book's tests run it on
the CPU.

Measurement arithmetic
    NVML's ``nvmlDeviceGetTotalEnergyConsumption`` is an unsigned 64-bit counter of
    millijoules since the driver loaded (Volta and newer; it updates every ~20-100 ms). A run's
    energy is the difference of two readings taken around a synchronized window of steady work
    of at least about 1-2 s. The counter advances in steps (every ~100 ms on the H100 and
    H200), so a window read at arbitrary instants is off by up to one step:
    :func:`aligned_energy` measures between two observed steps instead, and
    :func:`tick_count` recovers the number of steps a window read the old way holds.
    :func:`summarize` turns the readings into a result row and :func:`check_run` rejects a
    window that cannot be trusted (counter did not move, window too short, average power
    implausible, or above the power limit while the power cap held the clocks).

Chapter models
    :func:`misalignment_penalty` (extra energy per FLOP of a shape against its aligned
    neighbour), :func:`transformer_layer_training_flop` and :func:`misalignment_worked_example`
    (what such a penalty means for a transformer layer's training energy), and
    :func:`datasheet_share` (delivered TFLOP per joule against a datasheet's peak per watt).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

#: NVML's total-energy counter is an unsigned 64-bit integer of millijoules.
ENERGY_COUNTER_MODULUS_MJ = 2**64
#: Shortest measurement window accepted: the counter updates only every ~20-100 ms.
MIN_WINDOW_S = 1.0
#: Lowest plausible average board power of a data-centre GPU with a CUDA context open.
MIN_PLAUSIBLE_POWER_W = 10.0
#: Highest plausible average power, as a multiple of the enforced power limit.
MAX_POWER_LIMIT_FACTOR = 2.0
#: Highest plausible average power when the power limit is unknown.
MAX_PLAUSIBLE_POWER_W = 3000.0
#: Highest plausible average power, as a multiple of the power limit, of a window in which
#: the software power cap held the clocks: the driver was holding the board at its limit, so
#: a reading above this is an artefact (a window not aligned to the counter's updates).
CAPPED_POWER_FACTOR = 1.02
#: Update period of NVML's energy counter on the measured cards (H100, H200): it advances
#: in steps of the energy of the last ~100 ms. A window read between two arbitrary instants
#: holds a whole number of updates, so it is off by up to one update (4% of a 2.5 s window);
#: one read between two updates is not (:func:`aligned_energy`).
COUNTER_UPDATE_S = 0.1
#: Relative standard deviation assumed for a window's reference power (the mean of NVML's
#: power samples) against the counter's true mean power, in steady work: an assumption of
#: the step-count correction (:func:`tick_count`), not a measured accuracy.
REFERENCE_SIGMA = 0.01
#: Probability that the reference is off for another reason (NVML's power reading is a
#: 1-second trailing average, so it lags at a transition such as the start of a run), and the
#: relative width of the uniform error it then has.
REFERENCE_OUTLIER_PROB = 0.05
REFERENCE_OUTLIER_WIDTH = 0.2
#: Upper bound assumed on the time the old harness spent reading the counter outside its
#: timed window (one NVML call before the start and one after the end): the interval the
#: counter saw is between the timed duration and that plus this (an assumption, not measured).
READ_SLACK_S = 0.005
#: Posterior probability a step count needs before a window is corrected with it.
MIN_POSTERIOR = 0.95

TERA = 1e12
PICO = 1e-12

#: Hidden sizes the harness measures as model shapes (the MLP up-projection GEMM): powers
#: of two and their neighbours, and sizes with fewer factors of two.
SWEEP_HIDDEN_SIZES = (4095, 4096, 4097, 4100, 4104, 4160, 5000, 5120, 6000, 6144)
#: Alignment (elements) a hidden size must be a multiple of to count as aligned.
ALIGN_MULTIPLE = 64

#: NVML clock-event (formerly "throttle") reason bits, from nvml.h.
CLOCK_EVENT_REASONS = {
    0x1: "gpu_idle",
    0x2: "applications_clocks_setting",
    0x4: "sw_power_cap",
    0x8: "hw_slowdown",
    0x10: "sync_boost",
    0x20: "sw_thermal_slowdown",
    0x40: "hw_thermal_slowdown",
    0x80: "hw_power_brake_slowdown",
    0x100: "display_clock_setting",
}
#: The software power cap's bit: the driver lowered the clocks to hold the power limit.
SW_POWER_CAP = 0x4


class MeasurementError(ValueError):
    """A measurement that cannot be trusted (and must not become a data row as 'ok')."""


def _positive(value: float, name: str) -> float:
    value = float(value)
    if not math.isfinite(value) or value <= 0:
        raise MeasurementError(f"{name} must be a positive finite number, got {value!r}")
    return value


# --- energy counter and unit arithmetic -------------------------------------------------------


def energy_delta_mj(
    before_mj: int, after_mj: int, modulus_mj: int = ENERGY_COUNTER_MODULUS_MJ
) -> int:
    """Energy between two readings of a wrapping counter, in millijoules.

    If ``after_mj < before_mj`` the counter is taken to have wrapped once past ``modulus_mj``
    (a driver reload also looks like this; the result is then huge and :func:`check_run`
    rejects the implied power).
    """
    before_mj, after_mj, modulus_mj = int(before_mj), int(after_mj), int(modulus_mj)
    if modulus_mj <= 0:
        raise ValueError("modulus_mj must be positive")
    for name, v in (("before_mj", before_mj), ("after_mj", after_mj)):
        if not 0 <= v < modulus_mj:
            raise MeasurementError(f"{name}={v} is outside the counter's range [0, {modulus_mj})")
    return (after_mj - before_mj) % modulus_mj


def mj_to_j(energy_mj: float) -> float:
    """Millijoules to joules."""
    return float(energy_mj) / 1000.0


def average_power_w(energy_j: float, duration_s: float) -> float:
    """Average power (W) over a window: energy / duration."""
    return float(energy_j) / _positive(duration_s, "duration_s")


def gemm_flop(m: int, n: int, k: int) -> int:
    """Floating-point operations of one (m x k) @ (k x n) matrix product: 2*m*n*k.

    One multiply and one add per term of each of the m*n dot products of length k.
    """
    m, n, k = int(m), int(n), int(k)
    if min(m, n, k) < 0:
        raise ValueError("matrix dimensions must be non-negative")
    return 2 * m * n * k


def throughput_tflop_per_s(flop: float, duration_s: float) -> float:
    """Delivered rate in TFLOP/s."""
    return float(flop) / _positive(duration_s, "duration_s") / TERA


def tflop_per_j(flop: float, energy_j: float) -> float:
    """Energy efficiency in TFLOP per joule (numerically equal to TFLOP/s per watt)."""
    return float(flop) / _positive(energy_j, "energy_j") / TERA


def pj_per_flop(flop: float, energy_j: float) -> float:
    """Energy per floating-point operation in picojoules."""
    return float(energy_j) / _positive(flop, "flop") / PICO


def bytes_per_j(bytes_moved: float, energy_j: float) -> float:
    """Bytes moved per joule."""
    return float(bytes_moved) / _positive(energy_j, "energy_j")


def pj_per_byte(bytes_moved: float, energy_j: float) -> float:
    """Energy per byte moved, in picojoules."""
    return float(energy_j) / _positive(bytes_moved, "bytes_moved") / PICO


def bandwidth_gb_per_s(bytes_moved: float, duration_s: float) -> float:
    """Bytes moved per second, in GB/s (10^9 bytes)."""
    return float(bytes_moved) / _positive(duration_s, "duration_s") / 1e9


def mean_w(samples_w: Iterable[float]) -> float | None:
    """Mean of power samples (W), or None when there are none."""
    values = [float(v) for v in samples_w]
    return sum(values) / len(values) if values else None


def iterations_for_window(
    trial_duration_s: float, trial_iterations: int, window_s: float, minimum: int = 1
) -> int:
    """Iterations needed to fill ``window_s`` given a timed trial of ``trial_iterations``."""
    per_iter = _positive(trial_duration_s, "trial_duration_s") / max(int(trial_iterations), 1)
    return max(int(minimum), math.ceil(float(window_s) / per_iter))


def decode_clock_event_reasons(mask: int | None) -> list[str]:
    """Names of the NVML clock-event reason bits set in ``mask``."""
    if not mask:
        return []
    names = [name for bit, name in CLOCK_EVENT_REASONS.items() if mask & bit]
    rest = mask & ~sum(CLOCK_EVENT_REASONS)
    if rest:
        names.append(f"other_0x{rest:x}")
    return names


# --- the energy counter's steps ----------------------------------------------------------------


def aligned_energy(
    readings: Sequence[tuple[float, int]],
    start_s: float,
    end_s: float,
    modulus_mj: int = ENERGY_COUNTER_MODULUS_MJ,
) -> dict:
    """Energy and time between the first and the last counter update seen inside a window.

    ``readings`` are ``(time_s, counter_mj)`` pairs from polling the counter (in time order)
    while steady work ran from ``start_s`` to ``end_s``. An update is a reading whose value
    differs from the one before; it happened between the two readings, and its time is taken
    as their midpoint (off by at most half the gap, ``timing_error_s`` adds both ends). Only
    updates whose whole gap lies inside the window count, so the energy between the first and
    the last of them is energy of that work alone, over a known time, whatever the phase of
    the counter's steps against the window.

    Returns ``energy_mj``, ``duration_s`` (between the two updates), ``updates`` (steps between
    them), ``update_period_s`` (their mean spacing), ``timing_error_s``, ``first_s`` and
    ``last_s``. Raises :class:`MeasurementError` when fewer than two updates fall inside.
    """
    start_s, end_s = float(start_s), float(end_s)
    inside = []
    for (t0, v0), (t1, v1) in zip(readings, readings[1:], strict=False):
        if v1 != v0 and t0 >= start_s and t1 <= end_s:
            inside.append((0.5 * (t0 + t1), 0.5 * (t1 - t0), int(v1)))
    if len(inside) < 2:
        raise MeasurementError(
            f"{len(inside)} energy-counter update(s) seen inside the {end_s - start_s:.3f} s "
            "window: too few to measure between updates (is the counter moving?)"
        )
    (first_s, first_err, first_mj), (last_s, last_err, last_mj) = inside[0], inside[-1]
    duration = last_s - first_s
    if duration <= 0:
        raise MeasurementError("counter updates are not in time order")
    updates = len(inside) - 1
    return {
        "energy_mj": energy_delta_mj(first_mj, last_mj, modulus_mj),
        "duration_s": duration,
        "updates": updates,
        "update_period_s": duration / updates,
        "timing_error_s": first_err + last_err,
        "first_s": first_s,
        "last_s": last_s,
    }


def step_prior(
    duration_s: float,
    update_s: float = COUNTER_UPDATE_S,
    read_slack_s: float = 0.0,
    points: int = 101,
) -> dict[int, float]:
    """Prior probability of each number of counter updates in a window read at its ends.

    A counter that advances every ``update_s`` at a phase unrelated to the window holds
    ``floor(d'/update_s)`` updates over an interval d', or one more with probability
    ``frac(d'/update_s)``. The counter was read just outside the timed window (before its
    start and after its end), so d' lies between ``duration_s`` and ``duration_s +
    read_slack_s``; the prior is averaged over d' uniform on that interval."""
    d, t = _positive(duration_s, "duration_s"), _positive(update_s, "update_s")
    slack = float(read_slack_s)
    if not math.isfinite(slack) or slack < 0:
        raise MeasurementError(f"read_slack_s must be >= 0, got {read_slack_s!r}")
    grid = [d + slack * i / (points - 1) for i in range(points)] if slack > 0 else [d]
    prior: dict[int, float] = {}
    for x in grid:
        n, f = math.floor(x / t), x / t - math.floor(x / t)
        for k, w in ((max(1, n), 1.0 - f), (max(1, n) + 1, f)):
            prior[k] = prior.get(k, 0.0) + w / len(grid)
    return {k: v for k, v in sorted(prior.items()) if v > 0}


def tick_count(
    energy_j: float,
    duration_s: float,
    reference_power_w: float,
    update_s: float = COUNTER_UPDATE_S,
    *,
    reference_sigma: float = REFERENCE_SIGMA,
    outlier_prob: float = REFERENCE_OUTLIER_PROB,
    outlier_width: float = REFERENCE_OUTLIER_WIDTH,
    read_slack_s: float = READ_SLACK_S,
    min_posterior: float = MIN_POSTERIOR,
) -> dict:
    """The number of counter updates a window read at arbitrary instants holds, and the power
    over them: the correction of a window that was not aligned to the counter's steps.

    Such a window's energy is a whole number N of updates of ``update_s`` each. Each
    candidate N implies a power ``energy_j / (N * update_s)``. The posterior of N weighs
    the prior of the window's phase (:func:`step_prior`: one step more than
    ``floor(d/update_s)`` is only as likely as the fractional part of ``d/update_s``)
    against the likelihood of ``reference_power_w`` (an independent reading of the same
    power, e.g. the mean of NVML's power samples, which are a 1-second trailing average):
    relative error normal with ``reference_sigma``, except with probability
    ``outlier_prob`` that the reference is off for another reason (a lagging average at a
    transition), then uniform over +-``outlier_width / 2``. The most probable N is
    ``resolved`` when its posterior is at least ``min_posterior``; otherwise the window
    should be kept as read with its one-update bounds (:func:`one_update_bounds`).

    Returns ``updates``, ``power_w``, ``alternative_power_w`` (the next most probable),
    ``posterior`` and ``prior`` (of the chosen N), ``prior_extra`` (prior probability of more
    than ``floor(d/update_s)`` updates), ``resolved`` and ``update_period_s``
    (``energy_j / (updates * reference_power_w)``).
    """
    e, d = _positive(energy_j, "energy_j"), _positive(duration_s, "duration_s")
    ref, t = _positive(reference_power_w, "reference_power_w"), _positive(update_s, "update_s")
    sigma = _positive(reference_sigma, "reference_sigma")
    if not 0 <= outlier_prob < 1:
        raise MeasurementError(f"outlier_prob must be in [0, 1), got {outlier_prob!r}")
    width = _positive(outlier_width, "outlier_width")
    prior = step_prior(d, t, read_slack_s)
    norm = 1.0 / (sigma * math.sqrt(2.0 * math.pi))

    def likelihood(n: int) -> float:
        z = (ref / (e / (n * t)) - 1.0) / sigma
        return (1 - outlier_prob) * norm * math.exp(-0.5 * z * z) + outlier_prob / width

    weights = {n: p * likelihood(n) for n, p in prior.items()}
    total = sum(weights.values())
    ranked = sorted(weights, key=lambda n: (-weights[n], n))
    best = ranked[0]
    other = ranked[1] if len(ranked) > 1 else best + 1
    post = weights[best] / total
    lo = max(1, math.floor(d / t))
    return {
        "updates": best,
        "power_w": e / (best * t),
        "alternative_power_w": e / (other * t),
        "posterior": post,
        "prior": prior.get(best, 0.0),
        "prior_extra": sum(p for n, p in prior.items() if n > lo),
        "resolved": bool(post >= min_posterior),
        "update_period_s": e / (best * ref),
    }


def one_update_bounds(
    energy_j: float, duration_s: float, update_s: float = COUNTER_UPDATE_S
) -> tuple[float, float]:
    """Bounds of the true mean power of a steady window read at arbitrary instants: its
    energy is N updates of ``update_s`` at the true power P, with N x ``update_s`` within one
    update of the window's length, so P lies between ``energy_j / (duration_s + update_s)``
    and ``energy_j / (duration_s - update_s)``."""
    e, d = float(energy_j), _positive(duration_s, "duration_s")
    t = _positive(update_s, "update_s")
    return (e / (d + t), e / (d - t) if d > t else math.inf)


def _slope(points: Sequence[tuple[float, float]]) -> float:
    """Least-squares slope of ``(x, y)`` points (0 for fewer than two distinct x)."""
    n = len(points)
    if n < 2:
        return 0.0
    mx = sum(x for x, _ in points) / n
    my = sum(y for _, y in points) / n
    sxx = sum((x - mx) ** 2 for x, _ in points)
    if sxx <= 0:
        return 0.0
    return sum((x - mx) * (y - my) for x, y in points) / sxx


def settled(
    samples: Sequence[tuple[float, ...]],
    *,
    span_s: float = 20.0,
    temperature_c_per_s: float = 0.5 / 30.0,
    power_drift: float = 0.005,
    clock_tol: float = 0.02,
) -> bool:
    """Whether a warming card has reached steady state: over the last ``span_s`` seconds of
    ``samples`` (``(time_s, temperature_c, sm_clock_mhz[, power_w])``, in time order) the
    least-squares slope of the temperature is at most ``temperature_c_per_s`` (0.5 degC per
    30 s), and the mean power and mean SM clock of the span's second half differ from its first
    half's by at most ``power_drift`` and ``clock_tol`` (fractions). A slope over a span, not
    the difference of two short means: a card warming at 0.5 degC/s moves 1 degC in 2 s, so a
    2-second comparison can call it settled while it is still far from steady. False until
    ``span_s`` of samples exist."""
    if not samples:
        return False
    t_end = samples[-1][0]
    if t_end - samples[0][0] < span_s:
        return False
    last = [r for r in samples if r[0] >= t_end - span_s]
    mid = t_end - span_s / 2
    first_half = [r for r in last if r[0] < mid]
    second_half = [r for r in last if r[0] >= mid]
    if len(first_half) < 2 or len(second_half) < 2:
        return False
    if abs(_slope([(r[0], r[1]) for r in last])) > temperature_c_per_s:
        return False
    for i, tol in ((2, clock_tol), (3, power_drift)):
        a = [r[i] for r in first_half if len(r) > i]
        b = [r[i] for r in second_half if len(r) > i]
        if not a or not b:
            continue
        ma, mb = sum(a) / len(a), sum(b) / len(b)
        if ma > 0 and abs(mb / ma - 1) > tol:
            return False
    return True


def idle_settled(
    readings: Sequence[tuple[float, int]],
    *,
    span_s: float = 2.0,
    tol: float = 0.005,
    min_s: float = 10.0,
) -> bool:
    """Whether an idle card's power has settled: at least ``min_s`` of energy-counter
    ``readings`` (``(time_s, counter_mj)``, polled) exist, and the power of the last
    ``span_s``, measured between counter updates (:func:`aligned_energy`), is within ``tol``
    of the ``span_s`` before. A card just after context creation or after a load is still
    falling towards its idle floor."""
    if len(readings) < 2 or readings[-1][0] - readings[0][0] < max(min_s, 2 * span_s):
        return False
    t_end = readings[-1][0]
    try:
        spans = [
            aligned_energy(readings, t_end - (k + 1) * span_s, t_end - k * span_s) for k in (1, 0)
        ]
    except MeasurementError:
        return False
    before, last = (a["energy_mj"] / a["duration_s"] for a in spans)
    return before > 0 and abs(last / before - 1) <= tol


def median_gap_s(times: Sequence[float]) -> float | None:
    """Median interval between consecutive times (s), or None with fewer than two."""
    gaps = sorted(b - a for a, b in zip(times, times[1:], strict=False))
    if not gaps:
        return None
    mid = len(gaps) // 2
    return gaps[mid] if len(gaps) % 2 else 0.5 * (gaps[mid - 1] + gaps[mid])


# --- sanity checks and the result row ---------------------------------------------------------


def check_run(
    energy_mj: float,
    duration_s: float,
    power_limit_w: float | None = None,
    *,
    clock_event_mask: int | None = None,
    min_duration_s: float = MIN_WINDOW_S,
    min_power_w: float = MIN_PLAUSIBLE_POWER_W,
    max_power_factor: float = MAX_POWER_LIMIT_FACTOR,
    capped_power_factor: float = CAPPED_POWER_FACTOR,
) -> None:
    """Raise :class:`MeasurementError` unless a window's energy and duration are plausible.

    Rejected: non-positive or non-finite duration; a window shorter than ``min_duration_s``
    (the counter updates only every ~20-100 ms); an energy counter that did not move; an
    average power below ``min_power_w`` or above ``max_power_factor`` times the power limit
    (or above :data:`MAX_PLAUSIBLE_POWER_W` when the limit is unknown); and an average power
    above ``capped_power_factor`` times the limit in a window whose clock-event reasons
    (``clock_event_mask``) include the software power cap: the driver was holding the board
    at its limit, so the excess is the reading's, not the card's.
    """
    duration_s = float(duration_s)
    if not math.isfinite(duration_s) or duration_s <= 0:
        raise MeasurementError(f"non-positive duration: {duration_s!r} s")
    if duration_s < min_duration_s:
        raise MeasurementError(
            f"window of {duration_s:.3f} s is shorter than {min_duration_s} s: the energy "
            "counter updates only every ~20-100 ms"
        )
    energy_mj = float(energy_mj)
    if not math.isfinite(energy_mj) or energy_mj < 0:
        raise MeasurementError(f"invalid energy {energy_mj!r} mJ")
    if energy_mj == 0:
        raise MeasurementError(
            f"the energy counter did not move over {duration_s:.3f} s: the reading is stale "
            "or the counter is unsupported"
        )
    power_w = energy_mj / 1000.0 / duration_s
    if power_w < min_power_w:
        raise MeasurementError(
            f"implausibly low average power {power_w:.2f} W (floor {min_power_w} W)"
        )
    limit = float(power_limit_w) if power_limit_w is not None else 0.0
    if limit > 0:
        ceiling = max_power_factor * limit
        what = f"{max_power_factor} x the {limit:.0f} W power limit"
    else:
        ceiling, what = MAX_PLAUSIBLE_POWER_W, "the absolute ceiling"
    if power_w > ceiling:
        raise MeasurementError(
            f"implausibly high average power {power_w:.1f} W, above {what} "
            f"({ceiling:.0f} W): counter reset or wrap?"
        )
    capped = clock_event_mask is not None and bool(int(clock_event_mask) & SW_POWER_CAP)
    if capped and limit > 0 and power_w > capped_power_factor * limit:
        raise MeasurementError(
            f"average power {power_w:.1f} W is above {capped_power_factor} x the {limit:.0f} W "
            "power limit while the software power cap held the clocks: the reading, not the "
            "card, exceeds the cap (a window not aligned to the counter's updates?)"
        )


def summarize(
    *,
    energy_before_mj: int,
    energy_after_mj: int,
    duration_s: float,
    iterations: int,
    flop_per_iteration: float = 0.0,
    bytes_per_iteration: float = 0.0,
    power_limit_w: float | None = None,
    sampled_power_w: float | None = None,
    work_duration_s: float | None = None,
    clock_event_mask: int | None = None,
    modulus_mj: int = ENERGY_COUNTER_MODULUS_MJ,
) -> dict:
    """Turn one window's readings into a result row.

    ``energy_before_mj``/``energy_after_mj`` are the counter readings and ``duration_s`` the
    time between them; ``work_duration_s`` (default: the same) is the time over which the
    ``iterations`` ran. When the two differ (a window measured between two counter updates
    inside the work, :func:`aligned_energy`), the power is the counter's over its span and the
    row's ``duration_s`` and ``energy_j`` are the work's: its time, and that power times it.

    Returns a dict with ``status`` ('ok' or 'rejected'), ``error`` ('' or the reason),
    ``iterations``, ``duration_s``, ``energy_j``, ``avg_power_w``, ``sampled_power_w``,
    ``flop``, ``throughput_tflop_per_s``, ``tflop_per_j``, ``pj_per_flop``, ``bytes_moved``,
    ``bandwidth_gb_per_s``, ``pj_per_byte``. Derived quantities that do not apply (no FLOPs,
    no bytes) or cannot be computed are None. A rejected row keeps its raw numbers so the
    reason can be read off it.
    """
    row: dict = {"status": "ok", "error": "", "iterations": int(iterations)}
    try:
        delta_mj = energy_delta_mj(energy_before_mj, energy_after_mj, modulus_mj)
    except MeasurementError as e:
        delta_mj = None
        row.update(status="rejected", error=str(e))
    span_s = float(duration_s)
    work_s = span_s if work_duration_s is None else float(work_duration_s)
    row["duration_s"] = work_s
    flop = float(flop_per_iteration) * int(iterations)
    bytes_moved = float(bytes_per_iteration) * int(iterations)
    row["flop"] = flop if flop > 0 else None
    row["bytes_moved"] = bytes_moved if bytes_moved > 0 else None
    row["sampled_power_w"] = None if sampled_power_w is None else float(sampled_power_w)
    for key in (
        "energy_j",
        "avg_power_w",
        "throughput_tflop_per_s",
        "tflop_per_j",
        "pj_per_flop",
        "bandwidth_gb_per_s",
        "pj_per_byte",
    ):
        row[key] = None
    if row["status"] == "ok" and delta_mj is not None:
        try:
            check_run(delta_mj, span_s, power_limit_w, clock_event_mask=clock_event_mask)
        except MeasurementError as e:
            row.update(status="rejected", error=str(e))
    ok_span = math.isfinite(span_s) and span_s > 0
    ok_work = math.isfinite(work_s) and work_s > 0
    if delta_mj is not None:
        if ok_span and ok_work:
            power = average_power_w(mj_to_j(delta_mj), span_s)
            row["avg_power_w"] = power
            row["energy_j"] = power * work_s
        else:
            row["energy_j"] = mj_to_j(delta_mj)
    if ok_work and flop > 0:
        row["throughput_tflop_per_s"] = throughput_tflop_per_s(flop, work_s)
    if ok_work and bytes_moved > 0:
        row["bandwidth_gb_per_s"] = bandwidth_gb_per_s(bytes_moved, work_s)
    energy_j = row["energy_j"]
    if energy_j is not None and energy_j > 0:
        if flop > 0:
            row["tflop_per_j"] = tflop_per_j(flop, energy_j)
            row["pj_per_flop"] = pj_per_flop(flop, energy_j)
        if bytes_moved > 0:
            row["pj_per_byte"] = pj_per_byte(bytes_moved, energy_j)
    return row


def row_alignment_bytes(hidden_size: int, element_bytes: int = 2, cap: int = 16) -> int:
    """The alignment in bytes of a row of ``hidden_size`` elements of ``element_bytes`` each
    (the largest power of two dividing ``hidden_size * element_bytes``), capped at ``cap``:
    a BF16 row of h = 4097 elements starts every 8194 bytes, aligned to 2 bytes only; one of
    h = 4100 to 8 bytes; h = 4104 and every multiple of 8 to 16 or more, the width of the
    16-byte vector loads and of the strides Hopper's tensor memory accelerator accepts."""
    return min(power_of_two_factor(int(hidden_size) * int(element_bytes)), int(cap))


# --- the chapter's models ---------------------------------------------------------------------


def power_of_two_factor(n: int) -> int:
    """The largest power of two dividing ``n`` (4096 -> 4096, 4160 -> 64, 4097 -> 1)."""
    n = int(n)
    if n <= 0:
        raise ValueError("n must be a positive integer")
    return n & -n


def aligned_neighbour(hidden_size: int, candidates: Sequence[int], multiple: int = 64) -> int:
    """The candidate nearest ``hidden_size`` that is a multiple of ``multiple``.

    Ties go to the smaller candidate. A size that is itself aligned (and among the candidates)
    is its own neighbour.
    """
    aligned = sorted(int(c) for c in candidates if int(c) % int(multiple) == 0)
    if not aligned:
        raise ValueError(f"no candidate is a multiple of {multiple}")
    return min(aligned, key=lambda c: (abs(c - int(hidden_size)), c))


def misalignment_penalty(tflop_per_j_shape: float, tflop_per_j_aligned: float) -> float:
    """Extra energy per FLOP of a shape over its aligned neighbour, as a fraction.

    ``(J/FLOP of shape) / (J/FLOP of aligned) - 1 = tflop_per_j_aligned / tflop_per_j_shape - 1``;
    0.25 means each FLOP of the misaligned shape costs 25% more energy.
    """
    return (
        _positive(tflop_per_j_aligned, "tflop_per_j_aligned")
        / _positive(tflop_per_j_shape, "tflop_per_j_shape")
        - 1.0
    )


def transformer_layer_training_flop(
    tokens: float, hidden_size: float, seq_len: float = 0.0
) -> float:
    """Training FLOPs of one standard transformer layer over ``tokens`` tokens.

    ``72 * tokens * h**2 * (1 + seq_len / (6 * h))``: the forward pass of a layer with a
    4h-wide MLP costs ``24 * h**2`` FLOPs per token in its weight matrices (QKV and output
    projections 8h^2, MLP 16h^2: 2 FLOPs per weight) plus ``4 * seq_len * h`` in the attention
    scores and their product with the values; the backward pass costs twice the forward.
    Source: Narayanan et al., "Efficient Large-Scale Language Model Training on GPU Clusters
    Using Megatron-LM", SC21 (arXiv:2104.04473), section 5.1, whose ``96 B s l h^2`` includes a
    recomputed forward pass (factor 4 instead of 3). ``seq_len=0`` counts the weight matrices
    only (Kaplan et al. 2020's 6 FLOPs per parameter per token).
    """
    tokens, h, s = float(tokens), float(hidden_size), float(seq_len)
    if tokens < 0 or h <= 0 or s < 0:
        raise ValueError("tokens and seq_len must be non-negative, hidden_size positive")
    return 72.0 * tokens * h * h * (1.0 + s / (6.0 * h))


def training_energy_j(flop: float, tflop_per_j_value: float) -> float:
    """Energy (J) of ``flop`` FLOPs delivered at ``tflop_per_j_value`` TFLOP per joule."""
    return float(flop) / (_positive(tflop_per_j_value, "tflop_per_j") * TERA)


def misalignment_worked_example(
    *,
    tokens: float,
    hidden_size: int,
    aligned_hidden_size: int,
    tflop_per_j_shape: float,
    tflop_per_j_aligned: float,
    seq_len: float = 0.0,
    layers: int = 1,
) -> dict:
    """What a misaligned hidden size costs in training energy, for ``layers`` layers.

    Counts FLOPs with :func:`transformer_layer_training_flop` and prices them at the measured
    TFLOP/J of each shape. Returns ``flop`` and ``energy_j`` of the misaligned model,
    ``energy_j_at_aligned_efficiency`` (the same FLOPs at the aligned shape's efficiency),
    ``extra_energy_j`` (the difference), ``penalty`` (fraction, as
    :func:`misalignment_penalty`), and ``flop_aligned`` / ``energy_j_aligned`` for the model
    built with the aligned hidden size instead.
    """
    layers = int(layers)
    if layers < 1:
        raise ValueError("layers must be >= 1")
    flop = layers * transformer_layer_training_flop(tokens, hidden_size, seq_len)
    flop_aligned = layers * transformer_layer_training_flop(tokens, aligned_hidden_size, seq_len)
    energy = training_energy_j(flop, tflop_per_j_shape)
    energy_at_aligned = training_energy_j(flop, tflop_per_j_aligned)
    return {
        "flop": flop,
        "energy_j": energy,
        "energy_j_at_aligned_efficiency": energy_at_aligned,
        "extra_energy_j": energy - energy_at_aligned,
        "penalty": misalignment_penalty(tflop_per_j_shape, tflop_per_j_aligned),
        "flop_aligned": flop_aligned,
        "energy_j_aligned": training_energy_j(flop_aligned, tflop_per_j_aligned),
    }


def datasheet_tflop_per_j(peak_tflop_per_s: float, board_power_w: float) -> float:
    """A datasheet's peak efficiency: peak TFLOP/s over board power (TFLOP per joule)."""
    return _positive(peak_tflop_per_s, "peak_tflop_per_s") / _positive(
        board_power_w, "board_power_w"
    )


def datasheet_share(
    delivered_tflop_per_j: float, peak_tflop_per_s: float, board_power_w: float
) -> float:
    """Measured TFLOP/J as a fraction of the datasheet's peak TFLOP/s per board watt."""
    return float(delivered_tflop_per_j) / datasheet_tflop_per_j(peak_tflop_per_s, board_power_w)
