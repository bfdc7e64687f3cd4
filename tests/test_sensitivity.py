"""Sobol indices (SALib) against a function whose indices are known, and the sweep grid."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from energybook import sobol, sweep
from energybook.params import ParameterError

# Ishigami, a = 7, b = 0.1, on [-pi, pi]^3 (Ishigami and Homma 1990; Saltelli et al. 2008):
# V = a^2/8 + b pi^4/5 + b^2 pi^8/18 + 1/2; V1 = (1 + b pi^4/5)^2 / 2; V2 = a^2/8;
# V13 = b^2 pi^8 (1/18 - 1/50); V3 = 0.
A, B = 7.0, 0.1
V = A**2 / 8 + B * np.pi**4 / 5 + B**2 * np.pi**8 / 18 + 0.5
V1 = (1 + B * np.pi**4 / 5) ** 2 / 2
V2 = A**2 / 8
V13 = B**2 * np.pi**8 * (1 / 18 - 1 / 50)
S1_TRUE = np.array([V1 / V, V2 / V, 0.0])
ST_TRUE = np.array([(V1 + V13) / V, V2 / V, V13 / V])


def ishigami(x: np.ndarray) -> np.ndarray:
    return np.sin(x[:, 0]) + A * np.sin(x[:, 1]) ** 2 + B * x[:, 2] ** 4 * np.sin(x[:, 0])


PROBLEM = sobol.Problem(("x1", "x2", "x3"), ((-np.pi, np.pi),) * 3, (False,) * 3)


def test_the_analytic_indices_are_the_textbook_ones():
    assert S1_TRUE == pytest.approx([0.3139, 0.4424, 0.0], abs=1e-4)
    assert ST_TRUE == pytest.approx([0.5576, 0.4424, 0.2437], abs=1e-4)


def test_sobol_recovers_the_ishigami_indices_within_their_intervals():
    idx = sobol.sobol(ishigami, PROBLEM, 4096, seed=1)
    assert np.all(np.abs(idx["S1"] - S1_TRUE) <= idx["S1_conf"])
    assert np.all(np.abs(idx["ST"] - ST_TRUE) <= idx["ST_conf"])
    assert sobol.separated(idx)


def test_too_few_samples_do_not_separate_equal_parameters():
    """Two parameters with equal effects can never be ranked: the check says so."""
    prob = sobol.Problem(("a", "b"), ((0.0, 1.0),) * 2, (False, False))
    idx = sobol.sobol(lambda x: x[:, 0] + x[:, 1], prob, 64, seed=3)
    assert not sobol.separated(idx)


def test_a_constant_output_has_no_sensitivity():
    idx = sobol.sobol(lambda x: np.zeros(len(x)), PROBLEM, 8)
    assert (idx[["S1", "ST"]] == 0).all().all()


@pytest.mark.parametrize("n", [0, 1, 3, 100])
def test_sample_size_must_be_a_power_of_two(n):
    with pytest.raises(ValueError, match="power of two"):
        sobol.sample(PROBLEM, n)


def test_grid_parsing_and_product():
    a = sweep.parse_axis("overview", "base_year", "2024,2025")
    b = sweep.parse_axis("overview", "demand_year", "2024,2025")
    assert sweep.grid([a, b]) == [
        {"base_year": y, "demand_year": d} for y in (2024, 2025) for d in (2024, 2025)
    ]
    assert sweep.grid([a, b], zipped=True) == [
        {"base_year": 2024, "demand_year": 2024},
        {"base_year": 2025, "demand_year": 2025},
    ]


@pytest.mark.parametrize(
    "name,text,fragment",
    [
        ("refrence_country", "France", "did you mean 'reference_country'"),
        ("base_year", "2024:2025:1", "N must be at least 2"),
        ("base_year", "2024:x:3", "not LO:HI:N"),
        ("projection", "1:2:3", "needs a numeric parameter"),
        ("reference_country", "Atlantis", "not allowed"),
    ],
)
def test_bad_axes_are_refused_by_name(name, text, fragment):
    with pytest.raises(ParameterError, match=fragment):
        sweep.parse_axis("overview", name, text)


def test_a_sweep_equals_the_headlines_run_one_by_one():
    axis = sweep.parse_axis("overview", "reference_country", "Germany,Japan")
    table = sweep.sweep("overview", [axis])
    f = sweep.headline_function("overview")
    from energybook import chapters

    spec = chapters.get("overview")
    for _, row in table.iterrows():
        expect = f(spec.validate({"reference_country": row["reference_country"]}))
        for k, v in expect.items():
            assert row[k] == v
    assert table.loc[1, "ratio_to_reference"] < table.loc[0, "ratio_to_reference"]


def test_a_sweep_on_two_dask_workers_equals_the_in_process_sweep():
    axis = sweep.parse_axis(
        "overview", "reference_country", "China,United States,India,Japan,Germany,France"
    )
    years = sweep.parse_axis("overview", "demand_year", "2024,2025")
    local = sweep.sweep("overview", [axis, years])
    pytest.importorskip("distributed")
    on_dask = sweep.sweep("overview", [axis, years], workers=2)
    assert on_dask.equals(local)


def test_an_unreachable_scheduler_is_named():
    with pytest.raises(ParameterError, match="tcp://127.0.0.1:9"):
        sweep.connect(scheduler="tcp://127.0.0.1:9")


def test_indices_of_a_parameter_object_match_the_function_of_arrays():
    import dataclasses

    @dataclasses.dataclass(frozen=True)
    class P:
        x1: float = 0.0
        x2: float = 0.0
        x3: float = 0.0

    f = lambda p: float(ishigami(np.array([[p.x1, p.x2, p.x3]]))[0])  # noqa: E731
    ranges = {"x1": (-np.pi, np.pi), "x2": (-np.pi, np.pi), "x3": (-np.pi, np.pi)}
    a = sobol.of_parameters(f, P(), ranges, 256, seed=2)
    b = sobol.sobol(ishigami, PROBLEM, 256, seed=2)
    assert np.allclose(a["ST"], b["ST"]) and np.allclose(a["S1"], b["S1"])


def test_a_batch_function_gives_the_indices_of_the_function_one_sample_at_a_time():
    import dataclasses

    @dataclasses.dataclass(frozen=True)
    class P:
        x1: float = 0.0
        x2: float = 0.0
        x3: float = 0.0
        fixed: float = 2.0

    def one(p):
        return float(ishigami(np.array([[p.x1, p.x2, p.x3]]))[0]) * p.fixed

    seen = []

    def many(pb):
        seen.append(pb)
        return ishigami(np.stack([pb.x1, pb.x2, pb.x3], axis=1)) * pb.fixed

    ranges = {"x1": (-np.pi, np.pi), "x2": (-np.pi, np.pi), "x3": (-np.pi, np.pi)}
    a = sobol.of_parameters(one, P(), ranges, 64, seed=3)
    b = sobol.of_parameters(one, P(), ranges, 64, seed=3, batch=many)
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    assert len(seen) == 1 and seen[0].x1.shape == (64 * 5,) and seen[0].fixed == 2.0


def test_a_batch_function_is_not_used_for_integer_parameters_and_must_keep_the_shape():
    import dataclasses

    @dataclasses.dataclass(frozen=True)
    class P:
        k: int = 1
        x: float = 0.0

    def never(pb):
        raise AssertionError("the batch function was used with an integer parameter")

    got = sobol.of_parameters(lambda p: p.k + p.x, P(), {"k": (1, 4), "x": (0, 1)}, 16, batch=never)
    assert set(got["parameter"]) == {"k", "x"}
    with pytest.raises(ValueError, match="shape"):
        sobol.of_parameters(lambda p: p.x, P(), {"x": (0, 1)}, 16, batch=lambda pb: pb.x[:3])


def test_a_rebound_sweep_is_the_same_batched_point_by_point_and_on_two_workers():
    """The rebound chapter has a vectorised batch path (page.headlines_batch): the whole
    grid in one batch in-process, chunks of sweep.CHUNK points on Dask, and point by point
    all give the same table, bit for bit. 70 points: more than one chunk."""
    base = {"n_draws": 1000}
    axis = sweep.parse_axis("rebound", "elasticity", "0:2:35")
    share = sweep.parse_axis("rebound", "energy_share", "0.03,0.1")
    assert sweep.grid_size([axis, share]) > sweep.CHUNK
    batched = sweep.sweep("rebound", [axis, share], base=base)
    points = sweep.validate_points("rebound", sweep.grid([axis, share]), base)
    one_by_one = sweep.table(
        [axis, share],
        sweep.grid([axis, share]),
        sweep.evaluate_points("rebound", points, batch=False),
    )
    assert batched.equals(one_by_one)
    assert batched["energy_median_twh"].nunique() > 1  # the points differ
    pytest.importorskip("distributed")
    on_dask = sweep.sweep("rebound", [axis, share], base=base, workers=2)
    assert on_dask.equals(batched)
