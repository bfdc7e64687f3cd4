"""The analog chapter's page: headlines, glued numbers and phrases, reader tables, the
spec's constraint check."""

from __future__ import annotations

import math

import pytest

from energybook import chapters, data
from energybook.chapters.analog import model_mac as mac
from energybook.chapters.analog import page
from energybook.chapters.analog.params import Params
from energybook.chapters.analog.spec import check
from energybook.params import ParameterError


@pytest.fixture(scope="module")
def tables():
    return data.load_tables(page.TABLES)


@pytest.fixture(scope="module")
def ev(tables):
    return page.evaluate(Params(), tables)


def test_headlines_are_the_declared_ones_and_agree_with_the_models(ev):
    r = page.headlines(ev)
    assert list(r) == [h.name for h in chapters.get("analog").headlines]
    assert all(isinstance(v, float) and math.isfinite(v) for v in r.values())
    assert r["crossover_bits"] == pytest.approx(mac.crossover(ev.anchors, **ev.kw)[0])
    assert r["crossover_weight_stationary_bits"] == pytest.approx(
        mac.crossover(ev.anchors, **ev.kw, hbm=False)[0]
    )
    # against a cheaper digital baseline analog wins over fewer bits and saves less
    assert r["crossover_weight_stationary_bits"] < r["crossover_bits"]
    assert r["saving_2030_vs_weight_stationary_twh"] < r["saving_2030_twh"]
    assert r["ratio_at_8_bits"] == pytest.approx(mac.energy_ratio(8.0, ev.anchors, **ev.kw))
    assert r["saving_2030_p05_twh"] < r["saving_2030_p95_twh"]
    row = ev.experiment.table.set_index("bits").loc[ev.experiment.best["bits"]]
    assert r["least_energy_at_best_accuracy_fj"] == pytest.approx(row["energy_per_mac_fj"])
    assert r["accuracy_loss_pp"] == pytest.approx(row["drop_pp"])


def test_numbers_are_finite_floats_and_tell_where_the_win_comes_from(ev):
    n = page.numbers(ev)
    assert all(isinstance(v, float) and math.isfinite(v) for v in n.values())
    # the analog advantage is mostly avoided memory traffic: against arithmetic alone it loses
    assert n["ratio_8_arith_only"] > n["ratio_8_no_dram"] > page.headlines(ev)["ratio_at_8_bits"]
    assert n["ratio_8_weights_streamed"] > page.headlines(ev)["ratio_at_8_bits"]
    assert n["ideal_over_measured_min"] > 1 and n["measured_ratio_8_worst"] > 1
    assert n["ktc_noise_1pf_uv"] == pytest.approx(64.36, abs=0.01)
    # quoted figures are read from the tables
    assert n["horowitz_mult8_pj"] == 0.2 and n["hbm_pj_per_bit"] == 3.9
    assert n["hermes_weights_million"] == pytest.approx(64 * 256 * 256 / 1e6)
    assert n["hermes_chips_for_model"] == math.ceil(70e9 / (64 * 256 * 256))
    # the scoping chain: each part no larger than the one before
    assert (
        n["dc_2030_twh"] > n["addressable_twh"] > n["replaceable_twh"] > n["gross_saving_twh"] > 0
    )
    assert n["replaceable_share_pct"] == pytest.approx(58 * 0.5)
    # with energy the whole cost and an elasticity of 1 the saving vanishes (an identity)
    assert n["saving_energy_share_1_twh"] == pytest.approx(0.0, abs=1e-9)


def test_phrases():
    assert page.crossover_text(11.74, mac.CROSSOVER) == "11.7 bits"
    assert "digital wins" in page.crossover_text(1.0, mac.DIGITAL_THROUGHOUT)
    assert page.twh_phrase(21.4) == "a saving of 21 TWh"
    assert page.twh_phrase(-3.2) == "a net increase of 3 TWh"
    assert "no saving" in page.twh_phrase(0.2)
    assert "includes a loss" in page.interval_phrase(-13.0, 27.0)
    assert page.interval_phrase(5.0, 27.0) == "from 5 to 27 TWh saved"
    assert "most draws" in page.interval_phrase(-20.0, -1.0)
    assert page.flip_text(0.75, 0.05) == "23"
    assert page.flip_text(0.75, 0.0).startswith("none")
    assert page.bits_text(math.inf).startswith("unlimited")
    assert "takes back 0.8 TWh of the 22 TWh" in page.rebound_clause(1.0, 0.05, 0.8, 21.7)
    assert "nothing is taken back" in page.rebound_clause(0.0, 0.05, 0.0, 21.7)


def test_texts_follow_the_numbers(ev):
    t = page.texts(ev)
    h = page.headlines(ev)
    assert t["interval_phrase"] == page.interval_phrase(
        h["saving_2030_p05_twh"], h["saving_2030_p95_twh"]
    )
    assert ("includes a loss" in t["interval_phrase"]) == (
        h["saving_2030_p05_twh"] < 0 <= h["saving_2030_p95_twh"]
    )
    assert set(page.captions(ev)) >= {"energy", "accuracy", "drift", "scope", "saving"}


def test_reader_tables(ev):
    s = page.table_chips(ev)
    assert len(s) == len(ev.chips)
    assert s.set_index("Chip").loc["Mythic M1076", "TOPS/W"] == "6.25*"  # 25 TOPS / 4 W
    a = page.table_assumptions(ev)
    assert list(a.columns) == [
        "Input",
        "Distribution",
        "5th percentile",
        "Median",
        "95th percentile",
    ]
    assert len(a) == 7
    p = page.table_priors(ev)
    assert len(p) == 6 and p["Chance analog adds electricity"].str.endswith("%").all()
    assert "ideal core" in p["Achieved ratio"].iloc[5]


def test_check_refuses_adc_figures_that_cannot_meet(tables):
    spec = chapters.get("analog")
    spec.validate({}, tables=tables)
    spec.validate({"adc_walden_fj": 15.0, "adc_schreier_db": 140.0}, tables=tables)  # 1 bit
    with pytest.raises(ParameterError) as e:
        spec.validate({"adc_walden_fj": 0.1, "adc_schreier_db": 140.0}, tables=tables)
    msg = str(e.value)
    assert "adc_walden_fj" in msg and "adc_schreier_db" in msg and "below 1 bit" in msg
    assert "at least 15 fJ" in msg and "at least 161.8 dB" in msg


def test_cli_rejects_inconsistent_adc_figures(cli, tmp_path):
    out = tmp_path / "o"
    r = cli(
        "run",
        "analog",
        "-p",
        "adc_walden_fj",
        "0.1",
        "-p",
        "adc_schreier_db",
        "140",
        "-o",
        str(out),
    )
    assert r.returncode == 2, r.stderr
    assert "below 1 bit" in r.stderr and "adc_walden_fj" in r.stderr
    assert "Traceback" not in r.stderr and not out.exists()


def test_headlines_finite_at_extreme_parameters(tables):
    P = Params(
        adc_walden_fj=10000.0,
        adc_schreier_db=140.0,
        array_rows=16,
        noise_level=100.0,
        precision_bits=16,
        elasticity=5.0,
        elasticity_max=0.0,
        energy_share=1.0,
        device_noise=5.0,
        drift_hours=87600.0,
        training_noise=0.3,
        n_seeds=1,
        n_draws=1000,
    )
    ev = page.evaluate(P, tables)
    r = page.headlines(ev)
    assert all(math.isfinite(v) for v in r.values())
    assert r["crossover_bits"] == mac.CROSSOVER_RANGE[0] and r["ratio_at_8_bits"] > 1
    # analog costs more than digital here; with an elasticity of 5 and energy the whole
    # cost the price rise destroys demand, so even this "saves" (inference not done)
    assert r["saving_2030_twh"] > 0 and ev.ratio_at_precision > 1
    assert ev.experiment.table["bits"].max() == 16  # heavy noise: still climbing at 10 bits
    assert all(math.isfinite(v) for v in page.numbers(ev).values())
    page.texts(ev)


def test_ideal_devices_and_no_rebound_limits(tables):
    P = Params(device_noise=0.0, elasticity=0.0, n_seeds=2, n_draws=1000)
    ev = page.evaluate(P, tables)
    n, t = page.numbers(ev), page.texts(ev)
    assert page.headlines(ev)["saving_2030_twh"] == pytest.approx(n["gross_saving_twh"])
    assert "nothing is taken back" in t["rebound_clause"]
    assert t["device_bits_text"] != page.bits_text(3.7)
    # ideal devices do not drift: the paired change from an hour to a year is exactly 0
    assert n["drift_change_pp"] == 0.0


def test_the_weight_stationary_saving_is_on_that_fleets_energy(ev):
    """The saving against weight-stationary digital is what analog saves on the energy that
    fleet would draw: the difference of the two savings against the HBM fleet, so it can
    never exceed the HBM fleet's saving minus the weight-stationary fleet's own."""
    n, h = page.numbers(ev), page.headlines(ev)
    assert n["gross_saving_ws_twh"] == pytest.approx(
        n["gross_saving_twh"] - n["gross_saving_ws_digital_twh"]
    )
    assert n["gross_saving_ws_twh"] == pytest.approx(
        n["ws_fleet_replaceable_twh"] * (1 - n["ratio_ws_at_precision"])
    )
    assert h["saving_2030_vs_weight_stationary_twh"] == pytest.approx(
        h["saving_2030_twh"] - n["saving_ws_digital_twh"]
    )


def test_equal_accuracy_comparison(ev):
    """The digital precision that matches the analog best is the least fixed-point precision
    at or above it, and the knee's ratios use that precision's digital MACs."""
    n = page._iso_digital(ev)
    ex = ev.experiment
    fp = ex.fixed_point.set_index("bits")["accuracy_mean"]
    b_d = n["digital_iso_bits"]
    assert fp[b_d] >= ex.best["accuracy_mean"]
    assert (fp[fp.index < b_d] < ex.best["accuracy_mean"]).all()
    dkw, _ = mac.split_kwargs(ev.kw_ws)
    assert n["knee_vs_digital_ws"] == pytest.approx(
        page.headlines(ev)["least_energy_at_best_accuracy_fj"]
        * 1e-15
        / mac.digital_mac_energy_j(b_d, ev.anchors, **dkw)
    )
    # HBM traffic only makes digital dearer
    assert n["knee_vs_digital_hbm"] < n["knee_vs_digital_ws"]


def test_conditional_phrases():
    assert "small" in page.rebound_size_text(0.1, 20.0, 0.05)
    assert "takes back 50%" in page.rebound_size_text(10.0, 20.0, 1.0)
    assert "the prior's, not a finding" in page.p_loss_text(0.37, 0.37)
    assert "differs" in page.p_loss_text(0.50, 0.37)
    assert "hardly matters" in page.elasticity_prior_text(0.37, 0.375)
    assert "from 1 to 5" in page.elasticity_prior_text(0.30, 0.45)
    assert "above 1" in page.interval_low_text(-5.0, 1.8)
    assert "above zero" in page.interval_low_text(2.0, 0.9)
    assert "analog loses" in page.knee_text(3.7, 0.57, 5.0)
    assert "no digital" in page.knee_text(math.nan, math.nan, math.nan)
    assert page.digital_iso_text(5.0, 10.0) == "from 5 bits"
    assert "no precision up to 10" in page.digital_iso_text(math.nan, 10.0)
    assert "standard error of 0.3 across the 5 seeds" in page.drift_change_text(-1.6, 0.26, 5)
    assert "one seed" in page.drift_change_text(-1.6, math.nan, 1)
    assert page.nodes_text(14.0, 14.0) == "14 nm" and page.nodes_text(14.0, 22.0) == "14 to 22 nm"


def test_matching_digital_accuracy_never_raises_the_saving(ev):
    """Where digital reaches the analog best at no more bits than the operating precision,
    the digital fleets at that precision are no dearer, so the saving at equal accuracy can
    be no larger than at equal bits (against HBM and against a weight-stationary fleet)."""
    b_d = page._iso_digital(ev)["digital_iso_bits"]
    m, h = page._matched_saving(ev), page.headlines(ev)
    assert b_d <= ev.P.precision_bits
    assert m["saving_matched_twh"] <= h["saving_2030_twh"] + 1e-9
    assert m["saving_matched_ws_twh"] <= h["saving_2030_vs_weight_stationary_twh"] + 1e-9
    assert "5 bits" in page.matched_saving_text(19.0, -1.1, 5.0, 8.0)
    assert "cannot be computed" in page.matched_saving_text(math.nan, math.nan, math.nan, 8.0)


def test_sobol_indices_of_the_point_saving(ev, tables):
    """The total Sobol indices of the point 2030 saving: in [0, 1.05] (up to sampling
    error), their top input is the tornado's, the ranges lie inside the declared bounds and
    pass the check, and an input the saving does not depend on (energy's share of cost at
    an elasticity of 0: no rebound) gets a total index of 0."""
    s = ev.sobol
    assert set(s["parameter"]) == set(page.sensitivity_ranges(ev.P, ev.ratios_measured))
    assert ((s["ST"] >= -1e-9) & (s["ST"] <= 1.05)).all()
    top, st, s1, _ = page.sobol_top(ev)
    assert top == ev.mc["tornado"]["input"].iloc[0]
    assert s1 <= st + 0.3
    for name, (lo, hi) in page.sensitivity_ranges(ev.P, ev.ratios_measured).items():
        if name == "energy_ratio":  # not a parameter: the measured chips' span
            assert (lo, hi) == (min(ev.ratios_measured), max(ev.ratios_measured))
            continue
        assert 0.0 <= lo < hi <= (5.0 if name == "elasticity" else 1.0)
        for v in (lo, hi):
            assert check(Params(**{name: v}), tables) == []
    no_rebound = Params(elasticity=0.0, elasticity_max=0.0)
    s0 = page.saving_sobol(no_rebound, ev.ratios_measured, tables["dc_electricity"])
    assert "elasticity" not in set(s0["parameter"])
    assert float(s0.set_index("parameter").loc["energy_share", "ST"]) == pytest.approx(
        0.0, abs=1e-9
    )
    assert page.captions(ev)["sobol"]
