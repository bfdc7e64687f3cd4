"""Accuracy under analog noise: a network programmed into phase-change memory (PCM) arrays.

The task is generated, seeded and not linear: scikit-learn's ``make_classification`` with
four classes of four clusters each, spread over six informative dimensions of sixteen (the
clusters sit at the vertices of a hypercube, so the classes interleave). A multinomial
logistic regression (a linear model: the same training without hidden layers) is the baseline
a network has to beat.

The network (16 inputs, two hidden ReLU layers of 32, 4 outputs) is trained in numpy, every
seed at once: mini-batch Adam, with Gaussian weight noise injected in the forward pass during
training (hardware-aware training, as in Joshi et al. 2020), each seed with its own data,
split, initialisation, batch order and noise (so a seed's network does not depend on which
other seeds are trained with it).

Run as an analog in-memory network, each layer has

- inputs through a ``b``-bit DAC (signed for the first layer, unsigned after a ReLU);
- weights quantised to ``b`` bits and programmed as a differential pair of PCM conductances
  (``g+`` for a positive weight, ``g-`` for a negative one, the other device at 0), with the
  device model of the ``pcm_noise_model`` table: programming noise, conductance drift to the
  time of inference with a global drift correction (the summed current of an all-ones input,
  as measured after programming, restored in digital), and 1/f read noise;
- thermal noise at each column's sum, rms ``noise_ratio`` times the ADC's quantization noise;
- a ``b``-bit ADC (clipped at the full scale calibrated on the training data);
- bias and ReLU in digital.

Everything is seeded, each seed from its own generators; the same device and noise draws serve
every precision and every time since programming (common random numbers).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from energybook.chapters.analog.model_adc import J_PER_FJ
from energybook.chapters.analog.model_mac import analog_kwargs, network_mac_energy_j
from energybook.chapters.analog.params import Params

#: The generated task (arguments of ``sklearn.datasets.make_classification``).
TASK = {
    "n_samples": 2400,
    "n_features": 16,
    "n_informative": 6,
    "n_redundant": 0,
    "n_classes": 4,
    "n_clusters_per_class": 4,
    "class_sep": 2.0,
    "flip_y": 0.0,
}
TRAIN_FRACTION = 2.0 / 3.0
HIDDEN = (32, 32)
EPOCHS = 25
BATCH = 100
LEARNING_RATE = 0.01
L2 = 1e-4

ACCURACY_BITS = tuple(range(1, 11))
ACCURACY_BITS_EXTRA = tuple(range(11, 17))
TOLERANCE_PP = 1.0
REPEATS = 4
#: Times since programming of the drift curve (seconds): a minute, an hour, a day, a week,
#: a month, a year.
DRIFT_TIMES_S = (60.0, 3600.0, 86400.0, 604800.0, 2.592e6, 3.1536e7)
PCM_COEFFICIENTS = (
    "prog_c0",
    "prog_c1",
    "prog_c2",
    "prog_g_max_reference",
    "drift_mu_slope",
    "drift_mu_intercept",
    "drift_mu_min",
    "drift_mu_max",
    "drift_sd_slope",
    "drift_sd_intercept",
    "drift_sd_min",
    "drift_sd_max",
    "drift_t0",
    "read_q_coeff",
    "read_q_exponent",
    "read_q_max",
    "read_t_read",
)
_G_FLOOR = 1e-7  # conductances below it count as this in the logarithms (as aihwkit does)


# ============================================================================ the task
def make_task(seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The seeded task: ``X_train, y_train, X_test, y_test`` (the generator shuffles)."""
    from sklearn.datasets import make_classification

    X, y = make_classification(**TASK, random_state=int(seed))
    n = int(round(TASK["n_samples"] * TRAIN_FRACTION))
    return X[:n], y[:n], X[n:], y[n:]


@dataclass(frozen=True)
class Networks:
    """Trained networks, one per seed, stacked: ``weights[i]`` has shape (seeds, fan-in,
    fan-out), ``biases[i]`` (seeds, 1, fan-out); the data per seed."""

    seeds: tuple[int, ...]
    weights: tuple[np.ndarray, ...]
    biases: tuple[np.ndarray, ...]
    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    training_noise: float
    #: per layer: input and MAC-output full scales (seeds x 1 x 1) calibrated on the training
    #: data, and whether the inputs are signed
    scales: tuple[tuple[np.ndarray, np.ndarray, bool], ...]


def train_networks(
    seeds: Sequence[int],
    *,
    training_noise: float = 0.0,
    hidden: Sequence[int] = HIDDEN,
    epochs: int = EPOCHS,
    batch: int = BATCH,
    learning_rate: float = LEARNING_RATE,
    l2: float = L2,
) -> Networks:
    """Train one ReLU network per seed on that seed's task, all seeds at once.

    Mini-batch Adam on the cross-entropy with an L2 penalty. With ``training_noise`` > 0 each
    step's forward and backward passes use weights plus Gaussian noise of rms
    ``training_noise`` times the layer's largest weight (the gradient applies to the clean
    weights). Seed ``s`` draws its initialisation, batch order and noise from its own
    generator, so its network is the same whatever seeds are trained alongside it.
    """
    seeds = tuple(int(s) for s in seeds)
    if not seeds:
        raise ValueError("train_networks needs at least one seed")
    if training_noise < 0:
        raise ValueError("training_noise must be >= 0")
    tasks = [make_task(s) for s in seeds]
    X_tr, y_tr, X_te, y_te = (np.stack([t[i] for t in tasks]) for i in range(4))
    n_seeds, n, d = X_tr.shape
    k = int(TASK["n_classes"])
    sizes = [d, *hidden, k]
    rngs = [np.random.default_rng([s, 1]) for s in seeds]
    # single precision throughout: the network is small and noisy by design
    W = [
        np.stack(
            [
                r.standard_normal((a, b), dtype=np.float32) * np.float32(math.sqrt(2 / a))
                for r in rngs
            ]
        )
        for a, b in zip(sizes[:-1], sizes[1:], strict=True)
    ]
    B = [np.zeros((n_seeds, 1, b), dtype=np.float32) for b in sizes[1:]]
    onehot = np.eye(k, dtype=np.float32)[y_tr]
    X32 = X_tr.astype(np.float32)
    params = W + B
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    beta1, beta2, t = 0.9, 0.999, 0
    seed_axis = np.arange(n_seeds)[:, None]
    for _ in range(epochs):
        order = np.stack([r.permutation(n) for r in rngs])
        for start in range(0, n, batch):
            idx = order[:, start : start + batch]
            h, target, nb = X32[seed_axis, idx], onehot[seed_axis, idx], idx.shape[1]
            if training_noise > 0:
                Wn = [
                    w
                    + np.float32(training_noise)
                    * np.abs(w).max(axis=(1, 2), keepdims=True)
                    * np.stack([r.standard_normal(w.shape[1:], dtype=np.float32) for r in rngs])
                    for w in W
                ]
            else:
                Wn = W
            acts = [h]
            for i, (w, b) in enumerate(zip(Wn, B, strict=True)):
                z = h @ w + b
                if i < len(W) - 1:
                    h = np.maximum(z, 0.0)
                    acts.append(h)
            z = z - z.max(axis=-1, keepdims=True)
            p = np.exp(z)
            p /= p.sum(axis=-1, keepdims=True)
            g = (p - target) / nb
            grads: list[np.ndarray] = [np.empty(0)] * len(params)
            for i in range(len(W) - 1, -1, -1):
                grads[i] = acts[i].transpose(0, 2, 1) @ g + np.float32(l2) * W[i]
                grads[len(W) + i] = g.sum(axis=1, keepdims=True)
                if i > 0:
                    g = (g @ Wn[i].transpose(0, 2, 1)) * (acts[i] > 0)
            t += 1
            c1, c2 = 1 - beta1**t, 1 - beta2**t
            for j, (par, gr) in enumerate(zip(params, grads, strict=True)):
                m[j] = np.float32(beta1) * m[j] + np.float32(1 - beta1) * gr
                v[j] = np.float32(beta2) * v[j] + np.float32(1 - beta2) * gr * gr
                par -= (
                    np.float32(learning_rate / c1)
                    * m[j]
                    / (np.sqrt(v[j] / np.float32(c2)) + np.float32(1e-8))
                )
    return Networks(
        seeds,
        tuple(W),
        tuple(B),
        X_tr,
        y_tr,
        X_te,
        y_te,
        float(training_noise),
        _calibrate(W, B, X_tr),
    )


def float_accuracy(nets: Networks) -> np.ndarray:
    """Test accuracy of each seed's network in floating point (shape: seeds)."""
    h = nets.X_test
    for i, (w, b) in enumerate(zip(nets.weights, nets.biases, strict=True)):
        h = h @ w + b
        if i < len(nets.weights) - 1:
            h = np.maximum(h, 0.0)
    return np.mean(np.argmax(h, axis=-1) == nets.y_test, axis=-1)


# ============================================================================ PCM devices
def pcm_coefficients(table: pd.DataFrame) -> dict[str, float]:
    """The device model's coefficients from the ``pcm_noise_model`` table."""
    t = table.set_index("coefficient")["value"]
    missing = [c for c in PCM_COEFFICIENTS if c not in t.index]
    if missing:
        raise ValueError(f"pcm_noise_model lacks {missing}")
    return {c: float(t[c]) for c in PCM_COEFFICIENTS}


def pcm_sigma_prog(g, pcm: Mapping[str, float]):
    """Programming noise, rms, as a share of the largest conductance, at the normalised
    target conductance ``g`` in [0, 1]."""
    g = np.asarray(g, dtype=float)
    sigma_us = pcm["prog_c0"] + pcm["prog_c1"] * g + pcm["prog_c2"] * g**2
    return np.maximum(sigma_us, 0.0) / pcm["prog_g_max_reference"]


def pcm_read(
    g_target, z_prog, z_nu, z_read, pcm: Mapping[str, float], t_s: float, scale: float = 1.0
) -> tuple[np.ndarray, np.ndarray]:
    """Conductances (shares of the largest) of devices programmed to ``g_target``, read
    ``t_s`` seconds after programming, from standard-normal draws ``z_prog``, ``z_nu``,
    ``z_read`` of the same shape. Returns ``(g_t, g_programmed)``.

    ``scale`` multiplies the programming noise, the drift exponent and the read noise
    together (0: ideal devices, ``g_t == g_target``).
    """
    if t_s < 0 or scale < 0:
        raise ValueError("t_s and scale must be >= 0")
    g_target = np.asarray(g_target, dtype=float)
    g_prog = np.maximum(g_target + scale * pcm_sigma_prog(g_target, pcm) * z_prog, 0.0)
    log_g = np.log(np.maximum(g_target, _G_FLOOR))
    mu = np.clip(
        pcm["drift_mu_slope"] * log_g + pcm["drift_mu_intercept"],
        pcm["drift_mu_min"],
        pcm["drift_mu_max"],
    )
    sd = np.clip(
        pcm["drift_sd_slope"] * log_g + pcm["drift_sd_intercept"],
        pcm["drift_sd_min"],
        pcm["drift_sd_max"],
    )
    nu = scale * np.abs(mu + sd * z_nu)
    t0 = pcm["drift_t0"]
    g_drift = g_prog * ((t_s + t0) / t0) ** (-nu)
    t_read = pcm["read_t_read"]
    q = np.minimum(
        pcm["read_q_coeff"] / np.maximum(g_prog, 1e-3) ** pcm["read_q_exponent"], pcm["read_q_max"]
    )
    sigma_read = q * math.sqrt(math.log((t_s + t0 + t_read) / (2 * t_read)))
    g_t = np.maximum(g_drift + np.abs(g_drift) * scale * sigma_read * z_read, 0.0)
    return g_t, g_prog


# ============================================================================ analog inference
def _quantize_signed(x, bits: float, full_scale):
    """Uniform ``bits``-bit quantization on [-full_scale, full_scale] with clipping (in the
    precision of ``x`` and ``full_scale``)."""
    lsb = full_scale * (2.0 / 2.0**bits)
    return np.clip(np.round(x / lsb) * lsb, -full_scale, full_scale)


def _quantize_unsigned(x, bits: float, full_scale):
    lsb = full_scale * (1.0 / (2.0**bits - 1))
    return np.clip(np.round(x / lsb) * lsb, 0, full_scale)


def _calibrate(
    weights: Sequence[np.ndarray], biases: Sequence[np.ndarray], X: np.ndarray
) -> tuple[tuple[np.ndarray, np.ndarray, bool], ...]:
    """Per layer: input full scale and MAC-output full scale (shape seeds x 1 x 1) of the
    float networks on ``X``, and whether the inputs are signed."""
    h = X
    out = []
    for i, (w, b) in enumerate(zip(weights, biases, strict=True)):
        in_fs = np.maximum(np.abs(h).max(axis=(1, 2), keepdims=True), 1e-12)
        z = h @ w
        out_fs = np.maximum(np.abs(z).max(axis=(1, 2), keepdims=True), 1e-12)
        out.append((in_fs.astype(np.float32), out_fs.astype(np.float32), bool(np.min(h) < 0)))
        h = z + b
        if i < len(weights) - 1:
            h = np.maximum(h, 0.0)
    return tuple(out)


def device_draws(nets: Networks, repeats: int = REPEATS) -> list[dict[str, np.ndarray]]:
    """Standard-normal draws per layer, stacked (repeats, seeds, ...): for each device of the
    differential pair its programming noise (``prog_p``, ``prog_m``), drift exponent
    (``nu_p``, ``nu_m``) and read noise (``read_p``, ``read_m``), and the thermal noise at
    each column's sum (``thermal``). Each seed's come from its own generator. The same draws
    serve every precision and every time since programming (common random numbers: the same
    chips, programmed at another precision or read later), so differences between precisions
    or times are not sampling noise. Single precision: ample for noise, twice as fast."""
    n_test = nets.X_test.shape[1]
    rngs = [np.random.default_rng([s, 2]) for s in nets.seeds]
    layers = []
    for w in nets.weights:
        shape = (repeats, *w.shape[1:])
        layer = {}
        for name in ("prog_p", "nu_p", "read_p", "prog_m", "nu_m", "read_m"):
            layer[name] = np.stack(
                [r.standard_normal(shape, dtype=np.float32) for r in rngs], axis=1
            )
        layer["thermal"] = np.stack(
            [r.standard_normal((repeats, n_test, w.shape[2]), dtype=np.float32) for r in rngs],
            axis=1,
        )
        layers.append(layer)
    return layers


def programmed_weights(
    w: np.ndarray,
    bits: float,
    draws: Mapping[str, np.ndarray],
    pcm: Mapping[str, float],
    t_s: float,
    scale: float,
) -> np.ndarray:
    """Effective weights of one layer (repeats, seeds, fan-in, fan-out) as the array computes
    with them: ``bits``-bit targets, a differential pair of PCM devices, drift to ``t_s``
    with the global drift correction."""
    w_max = np.maximum(np.abs(w).max(axis=(1, 2), keepdims=True), 1e-12)
    target = _quantize_signed(w, bits, w_max) / w_max
    gp_t, gp_0 = pcm_read(
        np.maximum(target, 0.0), draws["prog_p"], draws["nu_p"], draws["read_p"], pcm, t_s, scale
    )
    gm_t, gm_0 = pcm_read(
        np.maximum(-target, 0.0), draws["prog_m"], draws["nu_m"], draws["read_m"], pcm, t_s, scale
    )
    now, ref = gp_t - gm_t, gp_0 - gm_0
    # global drift correction: the summed column currents of an all-ones input, now and
    # as programmed
    ref_sum = np.abs(ref.sum(axis=-2)).sum(axis=-1)[..., None, None]
    now_sum = np.abs(now.sum(axis=-2)).sum(axis=-1)[..., None, None]
    alpha = np.where(now_sum > 0, ref_sum / np.where(now_sum > 0, now_sum, 1.0), 1.0)
    return now * alpha * w_max


def analog_accuracy(
    nets: Networks,
    bits: float,
    noise_ratio: float,
    pcm: Mapping[str, float],
    *,
    t_s: float = 3600.0,
    device_noise: float = 1.0,
    repeats: int = REPEATS,
    draws: Sequence[Mapping[str, np.ndarray]] | None = None,
) -> np.ndarray:
    """Test accuracy of each seed's network run on the analog array (shape: seeds), the mean
    over ``repeats`` independent programmings and noise draws (``draws``: those of
    :func:`device_draws`, drawn here if not given)."""
    if bits < 1:
        raise ValueError("bits must be at least 1")
    if noise_ratio < 0:
        raise ValueError("noise_ratio must be >= 0")
    if draws is None:
        draws = device_draws(nets, repeats)
    repeats = draws[0]["thermal"].shape[0]
    h = np.broadcast_to(nets.X_test.astype(np.float32), (repeats, *nets.X_test.shape))
    last = len(nets.weights) - 1
    for i, ((w, b), (in_fs, out_fs, signed), dr) in enumerate(
        zip(zip(nets.weights, nets.biases, strict=True), nets.scales, draws, strict=True)
    ):
        w_eff = programmed_weights(w, bits, dr, pcm, t_s, device_noise).astype(np.float32)
        x = _quantize_signed(h, bits, in_fs) if signed else _quantize_unsigned(h, bits, in_fs)
        z = x @ w_eff
        lsb = 2 * out_fs / np.float32(2.0**bits)
        z = z + np.float32(noise_ratio / math.sqrt(12.0)) * lsb * dr["thermal"]
        h = _quantize_signed(z, bits, out_fs) + b.astype(np.float32)
        if i < last:
            h = np.maximum(h, 0.0)
    correct = np.argmax(h, axis=-1) == nets.y_test
    return correct.mean(axis=-1).mean(axis=0)


def fixed_point_accuracy(nets: Networks, bits: float) -> np.ndarray:
    """Test accuracy of each seed's network in digital fixed point (shape: seeds): ``bits``-bit
    inputs and weights on the same full scales as the analog path, exact accumulation, no
    device or converter noise: what a digital accelerator at ``bits`` bits delivers."""
    if bits < 1:
        raise ValueError("bits must be at least 1")
    h = nets.X_test.astype(np.float32)
    last = len(nets.weights) - 1
    for i, (w, b, (in_fs, _, signed)) in enumerate(
        zip(nets.weights, nets.biases, nets.scales, strict=True)
    ):
        w_max = np.maximum(np.abs(w).max(axis=(1, 2), keepdims=True), 1e-12)
        x = _quantize_signed(h, bits, in_fs) if signed else _quantize_unsigned(h, bits, in_fs)
        h = x @ _quantize_signed(w, bits, w_max) + b
        if i < last:
            h = np.maximum(h, 0.0)
    return np.mean(np.argmax(h, axis=-1) == nets.y_test, axis=-1)


def layer_shapes(nets: Networks) -> tuple[tuple[int, int], ...]:
    """``(fan_in, fan_out)`` of each layer of the networks."""
    return tuple((int(w.shape[1]), int(w.shape[2])) for w in nets.weights)


def least_bits_reaching(table: pd.DataFrame, accuracy: float) -> float:
    """The lowest precision of ``table`` (``bits``, ``accuracy_mean``) whose mean accuracy is
    at least ``accuracy``; nan when none is."""
    ok = table[table["accuracy_mean"] >= accuracy]
    return float(ok["bits"].min()) if not ok.empty else math.nan


def effective_weight_bits(
    nets: Networks,
    pcm: Mapping[str, float],
    *,
    t_s: float,
    device_noise: float = 1.0,
    bits: float = 12.0,
    repeats: int = REPEATS,
) -> float:
    """The precision the devices give the network's weights: ``log2(2 / (sqrt(12) e))``
    with ``e`` the rms error of the effective weights (programmed at ``bits`` bits, drifted
    to ``t_s`` and corrected) as a share of each layer's largest weight; the number of bits
    of a uniform quantizer with the same rms error. Infinite for ideal devices."""
    errs = []
    for w, dr in zip(nets.weights, device_draws(nets, repeats), strict=True):
        w_max = np.maximum(np.abs(w).max(axis=(1, 2), keepdims=True), 1e-12)
        w_eff = programmed_weights(w, bits, dr, pcm, t_s, device_noise)
        errs.append(((w_eff - w) / w_max).ravel())
    rms = float(np.sqrt(np.mean(np.concatenate(errs) ** 2)))
    return math.inf if rms == 0 else math.log2(2.0 / (math.sqrt(12.0) * rms))


# ============================================================================ the experiment
def accuracy_vs_bits(
    nets: Networks,
    bits_grid: Iterable[float],
    noise_ratio: float,
    pcm: Mapping[str, float],
    *,
    t_s: float,
    device_noise: float,
    draws: Sequence[Mapping[str, np.ndarray]] | None = None,
) -> pd.DataFrame:
    """Accuracy of every seed at every precision (long form): ``seed``, ``bits``,
    ``accuracy``; the same device and noise draws at every precision."""
    draws = device_draws(nets) if draws is None else draws
    rows = []
    for b in bits_grid:
        acc = analog_accuracy(
            nets, float(b), noise_ratio, pcm, t_s=t_s, device_noise=device_noise, draws=draws
        )
        rows += [
            {"seed": s, "bits": float(b), "accuracy": float(a)}
            for s, a in zip(nets.seeds, acc, strict=True)
        ]
    return pd.DataFrame(rows)


def summarize_by_bits(runs: pd.DataFrame, digital: np.ndarray) -> pd.DataFrame:
    """One row per precision: ``accuracy_mean``, ``accuracy_sd``, ``accuracy_min``,
    ``accuracy_max``, ``n_seeds``, ``digital_accuracy`` (the float networks' mean) and
    ``drop_pp`` (digital minus analog, percentage points)."""
    g = runs.groupby("bits")["accuracy"]
    out = pd.DataFrame(
        {
            "accuracy_mean": g.mean(),
            "accuracy_sd": g.std(ddof=1),
            "accuracy_min": g.min(),
            "accuracy_max": g.max(),
            "n_seeds": runs.groupby("bits")["seed"].nunique(),
        }
    ).reset_index()
    out["digital_accuracy"] = float(np.mean(digital))
    out["drop_pp"] = 100 * (out["digital_accuracy"] - out["accuracy_mean"])
    return out


def cheapest_within(
    table: pd.DataFrame, reference: float, tolerance_pp: float = TOLERANCE_PP
) -> dict[str, float]:
    """The lowest precision whose mean accuracy is within ``tolerance_pp`` points of
    ``reference`` (an accuracy, 0-1): ``bits``, ``accuracy_mean``, ``drop_pp``; all nan when
    none is. Energy per MAC rises with precision, so the lowest is the cheapest."""
    ok = table[100 * (reference - table["accuracy_mean"]) <= tolerance_pp]
    if ok.empty:
        return {"bits": math.nan, "accuracy_mean": math.nan, "drop_pp": math.nan}
    r = ok.loc[ok["bits"].idxmin()]
    return {k: float(r[k]) for k in ("bits", "accuracy_mean", "drop_pp")}


@dataclass(frozen=True)
class Experiment:
    """The noise experiment at the chapter's parameters."""

    table: pd.DataFrame  # one row per precision, devices as modelled
    ideal: pd.DataFrame  # the same with ideal devices (converters and thermal noise only)
    drift: pd.DataFrame  # accuracy at the chosen precision against time since programming
    linear_accuracy: float  # the linear baseline (no hidden layer), mean over seeds
    digital_accuracy: float  # the float networks, mean over seeds
    weight_bits: float  # effective precision of the programmed weights
    best: dict[str, float]  # cheapest precision within tolerance of the best analog accuracy
    iso: dict[str, float]  # cheapest precision within tolerance of digital (nan: none)
    drift_by_seed: dict[float, np.ndarray]  # time since programming -> accuracy per seed
    fixed_point: pd.DataFrame  # digital fixed point: bits, accuracy_mean (no device noise)
    layers: tuple[tuple[int, int], ...]  # (fan_in, fan_out) per layer: the arrays charged


def run_experiment(P: Params, anchors: Mapping[str, float], pcm: Mapping[str, float]) -> Experiment:
    """The noise experiment at the chapter's parameters: ``P.n_seeds`` networks (seeds
    ``P.seed ..``) trained with ``P.training_noise``, run at precisions
    :data:`ACCURACY_BITS` (extended by :data:`ACCURACY_BITS_EXTRA` while accuracy still
    climbs at the top of the grid) with ``P.noise_level`` thermal noise and the PCM devices
    scaled by ``P.device_noise``, ``P.drift_hours`` after programming; the same with ideal
    devices; the drift curve at ``P.precision_bits``. Energies per MAC from the analog
    model."""
    seeds = [int(P.seed) + i for i in range(int(P.n_seeds))]
    nets = train_networks(seeds, training_noise=float(P.training_noise))
    digital = float_accuracy(nets)
    t_s = 3600.0 * float(P.drift_hours)
    draws = device_draws(nets)
    kw = {"t_s": t_s, "device_noise": float(P.device_noise), "draws": draws}
    noise_ratio = float(P.noise_level)

    def table(grid, **over):
        runs = accuracy_vs_bits(nets, grid, noise_ratio, pcm, **{**kw, **over})
        return summarize_by_bits(runs, digital)

    t = table(ACCURACY_BITS)
    top = t.set_index("bits")["accuracy_mean"]
    if 100 * (top.iloc[-1] - top.iloc[-3]) > TOLERANCE_PP:  # still climbing
        t = pd.concat([t, table(ACCURACY_BITS_EXTRA)], ignore_index=True)
    ideal = table(t["bits"], device_noise=0.0)
    # each layer in an array of its own size: fan-in rows share each conversion
    layers = layer_shapes(nets)
    energy = network_mac_energy_j(
        t["bits"].to_numpy(float), layers, anchors, noise_ratio=noise_ratio, **analog_kwargs(P)
    )
    for frame in (t, ideal):
        frame["energy_per_mac_j"] = energy
        frame["energy_per_mac_fj"] = energy / J_PER_FJ
    drift_rows = []
    drift_by_seed = {}
    for time_s in DRIFT_TIMES_S:
        acc = analog_accuracy(
            nets,
            float(P.precision_bits),
            noise_ratio,
            pcm,
            t_s=time_s,
            device_noise=float(P.device_noise),
            draws=draws,
        )
        drift_rows.append(
            {
                "time_s": time_s,
                "accuracy_mean": float(acc.mean()),
                "accuracy_min": float(acc.min()),
                "accuracy_max": float(acc.max()),
            }
        )
        drift_by_seed[float(time_s)] = np.asarray(acc, dtype=float)
    linear = float_accuracy(train_networks(seeds, hidden=())).mean()
    fixed = pd.DataFrame(
        [
            {"bits": float(b), "accuracy_mean": float(fixed_point_accuracy(nets, float(b)).mean())}
            for b in t["bits"]
        ]
    )
    return Experiment(
        table=t,
        ideal=ideal,
        drift=pd.DataFrame(drift_rows),
        linear_accuracy=float(linear),
        digital_accuracy=float(np.mean(digital)),
        weight_bits=effective_weight_bits(nets, pcm, t_s=t_s, device_noise=float(P.device_noise)),
        best=cheapest_within(t, float(t["accuracy_mean"].max())),
        iso=cheapest_within(t, float(np.mean(digital))),
        drift_by_seed=drift_by_seed,
        fixed_point=fixed,
        layers=layers,
    )
