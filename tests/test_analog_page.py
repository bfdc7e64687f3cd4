"""The analog chapter's page: headlines, glued numbers and phrases, reader tables, the
spec's constraint check."""

from __future__ import annotations

import math

import pytest

from energybook import chapters, data
from energybook.chapters.analog import model_mac as mac
from energybook.chapters.analog import model_noise as noise
from energybook.chapters.analog import page
from energybook.chapters.analog.params import Params
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
    assert r["ratio_at_8_bits"] == pytest.approx(mac.energy_ratio(8.0, ev.anchors, **ev.kw))
    best = noise.least_energy_within(ev.accuracy)
    assert r["least_energy_within_1pt_fj"] == pytest.approx(best["energy_per_mac_j"] * 1e15)
    assert r["saving_2030_p05_twh"] < r["saving_2030_p95_twh"]


def test_numbers_are_finite_floats_and_tell_where_the_win_comes_from(ev):
    n = page.numbers(ev)
    assert all(isinstance(v, float) and math.isfinite(v) for v in n.values())
    # the analog advantage is mostly avoided memory traffic: against arithmetic alone it loses
    assert n["ratio_8_arith_only"] > n["ratio_8_no_dram"] > page.headlines(ev)["ratio_at_8_bits"]
    assert n["ideal_over_measured_min"] > 1
    assert n["ktc_noise_1pf_uv"] == pytest.approx(64.36, abs=0.01)
    # quoted figures are read from the tables
    assert n["horowitz_mult8_pj"] == 0.2 and n["hbm_pj_per_bit"] == 3.9
    assert n["gb300_int8_tops"] == 165.0 and n["encharge_test_tops_per_w"] == 150.0
    assert set(page.texts(ev)) >= {"crossover_text", "rebound_clause", "mc_top_driver"}


def test_rebound_texts_say_which_saving_the_headline_is():
    none = page.rebound_texts(0.0, 0.0, 50.0)
    assert "before any rebound" in none["headline_rebound_note"]
    some = page.rebound_texts(0.5, 12.0, 50.0)
    assert "takes back 12 TWh of the 50 TWh" in some["rebound_clause"]
    assert set(none) == set(some)


def test_crossover_text():
    assert page.crossover_text(11.74, mac.CROSSOVER) == "11.7 bits"
    assert "digital wins" in page.crossover_text(1.0, mac.DIGITAL_THROUGHOUT)


def test_reader_tables(ev):
    s = page.table_chips(ev)
    assert len(s) == len(ev.chips)
    assert s.set_index("Chip").loc["Mythic M1076", "TOPS/W"] == "6.25*"  # 25 TOPS / 4 W
    t = page.table_assumptions(ev)
    assert list(t.columns) == ["Input", "Distribution", "5th percentile", "Median",
                               "95th percentile"]


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
    r = cli("run", "analog", "-p", "adc_walden_fj", "0.1", "-p", "adc_schreier_db", "140",
            "-o", str(out))
    assert r.returncode == 2, r.stderr
    assert "below 1 bit" in r.stderr and "adc_walden_fj" in r.stderr
    assert "Traceback" not in r.stderr and not out.exists()


def test_headlines_finite_at_extreme_parameters(tables):
    P = Params(adc_walden_fj=10000.0, adc_schreier_db=140.0, array_rows=16, noise_level=100.0,
               precision_bits=16, elasticity=3.0, n_seeds=1, n_draws=1000)
    r = page.headlines(page.evaluate(P, tables))
    assert all(math.isfinite(v) for v in r.values())
    assert r["crossover_bits"] == mac.CROSSOVER_RANGE[0] and r["ratio_at_8_bits"] > 1
