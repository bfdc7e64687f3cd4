"""Accuracy under analog noise: a small network run as an analog in-memory network.

A one-hidden-layer MLP trained with scikit-learn on the digits data, run with ``b``-bit
weights, ``b``-bit inputs (DAC), Gaussian noise at each MAC output (column) whose rms is
``noise_ratio`` times the ADC's quantization noise, and ``b``-bit output conversion (ADC).
Seeded; accuracy against modelled energy per MAC.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from energybook.chapters.analog.model_adc import J_PER_FJ
from energybook.chapters.analog.model_mac import analog_kwargs, analog_mac_energy_j
from energybook.chapters.analog.params import Params

ACCURACY_BITS = tuple(range(1, 11))
ACCURACY_BITS_EXTRA = tuple(range(11, 17))
TOLERANCE_PP = 1.0


def digits_task() -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's bundled handwritten digits (8 x 8 images, 10 classes)."""
    from sklearn.datasets import load_digits

    X, y = load_digits(return_X_y=True)
    return np.asarray(X, dtype=float), np.asarray(y)


def train_digits_mlp(X, y, *, seed: int, hidden_units: int = 32, test_fraction: float = 0.3,
                     max_iter: int = 50, learning_rate_init: float = 0.01) -> dict[str, Any]:
    """Train a one-hidden-layer ReLU MLP (scikit-learn) on ``X, y``; return its parameters.

    ``X`` is scaled to [0, 1] by its maximum; the split is stratified and seeded with
    ``seed``, as is the network's initialisation. The returned dict holds ``weights`` and
    ``biases`` (lists of arrays), the scaled ``X_train``/``X_test``, ``y_test``, ``seed`` and
    the float model's test accuracy ``digital_accuracy``.
    """
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.model_selection import train_test_split
    from sklearn.neural_network import MLPClassifier

    X = np.asarray(X, dtype=float)
    X = X / X.max()
    y = np.asarray(y)
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=test_fraction, random_state=seed,
                                              stratify=y)
    clf = MLPClassifier(hidden_layer_sizes=(hidden_units,), activation="relu",
                        max_iter=max_iter, random_state=seed, alpha=1e-3,
                        learning_rate_init=learning_rate_init)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X_tr, y_tr)
    model: dict[str, Any] = {
        "weights": [w.copy() for w in clf.coefs_],
        "biases": [b.copy() for b in clf.intercepts_],
        "classes": clf.classes_.copy(), "X_train": X_tr, "X_test": X_te, "y_test": y_te,
        "seed": int(seed)}
    model["digital_accuracy"] = float(np.mean(_forward_float(model, X_te) == y_te))
    return model


def _forward_float(model, X):
    h = X
    n = len(model["weights"])
    for i, (w, b) in enumerate(zip(model["weights"], model["biases"], strict=True)):
        h = h @ w + b
        if i < n - 1:
            h = np.maximum(h, 0)
    return model["classes"][np.argmax(h, axis=-1)]


def _quantize_signed(x, bits: float, full_scale):
    """Uniform ``bits``-bit quantization on [-full_scale, full_scale] with clipping."""
    levels = 2.0 ** bits
    lsb = 2 * full_scale / levels
    return np.clip(np.round(x / lsb) * lsb, -full_scale, full_scale)


def _quantize_unsigned(x, bits: float, full_scale):
    lsb = full_scale / (2.0 ** bits - 1)
    return np.clip(np.round(x / lsb) * lsb, 0, full_scale)


def _calibrate(model):
    """Per-layer input and MAC-output full scales from the float model on training data."""
    h = model["X_train"]
    in_fs, out_fs = [], []
    n = len(model["weights"])
    for i, (w, b) in enumerate(zip(model["weights"], model["biases"], strict=True)):
        in_fs.append(float(h.max()) or 1.0)
        z = h @ w
        out_fs.append(float(np.abs(z).max()) or 1.0)
        h = z + b
        if i < n - 1:
            h = np.maximum(h, 0)
    return in_fs, out_fs


def analog_accuracy(model: Mapping[str, Any], bits: float, noise_ratio: float,
                    rng: np.random.Generator, repeats: int = 1) -> np.ndarray:
    """Test accuracy of ``model`` run as an analog in-memory network, ``repeats`` draws.

    Each layer: inputs quantized to ``bits`` (DAC, unsigned), weights to ``bits`` (signed,
    per-layer max-abs scale), the MAC output gets Gaussian noise of rms
    ``noise_ratio * LSB / sqrt(12)`` (``LSB = 2 FS / 2**bits``, FS the calibrated full scale)
    and is converted at ``bits`` (ADC, clipped); bias and ReLU are digital. Returns an array
    of ``repeats`` accuracies.
    """
    in_fs, out_fs = _calibrate(model)
    X, y = model["X_test"], model["y_test"]
    h = np.broadcast_to(X, (repeats, *X.shape))
    n = len(model["weights"])
    for i, (w, b) in enumerate(zip(model["weights"], model["biases"], strict=True)):
        wq = _quantize_signed(w, bits, np.abs(w).max())
        z = _quantize_unsigned(h, bits, in_fs[i]) @ wq
        lsb = 2 * out_fs[i] / 2.0**bits
        sigma = noise_ratio * lsb / math.sqrt(12.0)
        if sigma > 0:
            z = z + sigma * rng.standard_normal(z.shape)
        h = _quantize_signed(z, bits, out_fs[i]) + b
        if i < n - 1:
            h = np.maximum(h, 0)
    pred = model["classes"][np.argmax(h, axis=-1)]
    return np.mean(pred == y, axis=-1)


def noise_experiment(models: Sequence[Mapping[str, Any]], bits_grid: Iterable[float],
                     noise_ratios: Iterable[float], *, repeats: int = 4) -> pd.DataFrame:
    """Accuracy of each trained model at each precision and noise level (long form).

    Noise draws come from ``numpy.random.default_rng(model["seed"])`` spawned per
    (bits, noise) cell, so a result depends only on the models' seeds. Columns: ``seed``,
    ``bits``, ``noise_ratio``, ``accuracy`` (mean of ``repeats`` draws), ``digital_accuracy``.
    """
    bits_grid = [float(b) for b in bits_grid]
    noise_ratios = [float(r) for r in noise_ratios]
    rows = []
    for m in models:
        children = np.random.default_rng(m["seed"]).spawn(len(bits_grid) * len(noise_ratios))
        k = 0
        for b in bits_grid:
            for r in noise_ratios:
                acc = analog_accuracy(m, b, r, children[k], repeats)
                k += 1
                rows.append({"seed": m["seed"], "bits": b, "noise_ratio": r,
                             "accuracy": float(acc.mean()),
                             "digital_accuracy": m["digital_accuracy"]})
    return pd.DataFrame(rows)


def accuracy_vs_energy(anchors: Mapping[str, float], models: Sequence[Mapping[str, Any]], *,
                       bits_grid: Iterable[float], noise_ratio: float = 1.0, repeats: int = 4,
                       **analog_kw) -> pd.DataFrame:
    """Accuracy of trained ``models`` against analog energy per MAC.

    Runs :func:`noise_experiment` at ``noise_ratio`` over ``bits_grid`` and joins the
    modelled analog energy per MAC at each precision (``analog_kw``: arguments of
    :func:`~.model_mac.analog_mac_breakdown`; ``noise_ratio`` is shared). One row per
    precision: ``bits``, ``noise_ratio``, ``energy_per_mac_j``, ``accuracy_mean``,
    ``accuracy_sd``, ``accuracy_min``, ``accuracy_max``, ``n_seeds``, ``digital_accuracy``
    (mean over seeds of the float model), ``drop_pp`` (digital minus analog mean, percentage
    points).
    """
    runs = noise_experiment(models, bits_grid, [noise_ratio], repeats=repeats)
    g = runs.groupby("bits")
    out = pd.DataFrame({
        "accuracy_mean": g["accuracy"].mean(), "accuracy_sd": g["accuracy"].std(ddof=1),
        "accuracy_min": g["accuracy"].min(), "accuracy_max": g["accuracy"].max(),
        "n_seeds": g["seed"].nunique(), "digital_accuracy": g["digital_accuracy"].mean(),
    }).reset_index()
    out.insert(1, "noise_ratio", float(noise_ratio))
    out.insert(2, "energy_per_mac_j", analog_mac_energy_j(
        out["bits"].to_numpy(float), anchors, noise_ratio=noise_ratio, **analog_kw))
    out["drop_pp"] = 100 * (out["digital_accuracy"] - out["accuracy_mean"])
    return out


def least_energy_within(table: pd.DataFrame, tolerance_pp: float = 1.0) -> dict[str, float]:
    """The cheapest row of :func:`accuracy_vs_energy` within ``tolerance_pp`` of digital.

    Returns ``bits``, ``energy_per_mac_j``, ``accuracy_mean``, ``drop_pp``; all nan when no
    precision is within tolerance.
    """
    ok = table[table["drop_pp"] <= tolerance_pp]
    if ok.empty:
        return {"bits": math.nan, "energy_per_mac_j": math.nan, "accuracy_mean": math.nan,
                "drop_pp": math.nan}
    r = ok.loc[ok["energy_per_mac_j"].idxmin()]
    return {k: float(r[k]) for k in ("bits", "energy_per_mac_j", "accuracy_mean", "drop_pp")}


def accuracy_table(P: Params, anchors: Mapping[str, float], X, y, *, repeats: int = 4,
                   hidden_units: int = 32,
                   models: Sequence[Mapping[str, Any]] | None = None) -> pd.DataFrame:
    """:func:`accuracy_vs_energy` at the chapter's parameters, ``P.n_seeds`` models trained
    with seeds ``P.seed ..``.

    Precisions :data:`ACCURACY_BITS`; when none of them is within :data:`TOLERANCE_PP` of
    digital accuracy (high noise), :data:`ACCURACY_BITS_EXTRA` are added with the same models.
    Adds ``energy_per_mac_fj`` and the accuracies in percent (``pct_mean``, ``pct_min``,
    ``pct_max``, ``digital_accuracy_pct``).
    """
    if models is None:
        models = [train_digits_mlp(X, y, seed=int(P.seed) + i, hidden_units=hidden_units)
                  for i in range(int(P.n_seeds))]
    kw = {"noise_ratio": float(P.noise_level), "repeats": repeats, **analog_kwargs(P)}
    t = accuracy_vs_energy(anchors, models, bits_grid=ACCURACY_BITS, **kw)
    if math.isnan(least_energy_within(t, TOLERANCE_PP)["energy_per_mac_j"]):
        more = accuracy_vs_energy(anchors, models, bits_grid=ACCURACY_BITS_EXTRA, **kw)
        t = pd.concat([t, more], ignore_index=True)
    t["energy_per_mac_fj"] = t["energy_per_mac_j"] / J_PER_FJ
    for col in ("accuracy_mean", "accuracy_min", "accuracy_max", "digital_accuracy"):
        t[col.replace("accuracy", "pct").replace("digital_pct", "digital_accuracy_pct")] = (
            100 * t[col])
    return t


def least_energy(table: pd.DataFrame) -> dict[str, float]:
    """:func:`least_energy_within` :data:`TOLERANCE_PP`; when no precision is within it, the
    experiment's highest precision (its energy a lower bound)."""
    best = least_energy_within(table, TOLERANCE_PP)
    if math.isnan(best["energy_per_mac_j"]):
        r = table.loc[table["bits"].idxmax()]
        return {"bits": float(r["bits"]), "energy_per_mac_j": float(r["energy_per_mac_j"]),
                "accuracy_mean": float(r["accuracy_mean"]), "drop_pp": float(r["drop_pp"])}
    return best
