"""Unit conversions, worked by hand."""

import pytest

from energybook import units


def test_one_gw_for_a_year_is_8_766_twh():
    # 1 GW x 8766 h (365.25 days) = 8766 GWh = 8.766 TWh
    assert units.twh_per_year_from_gw(1.0) == pytest.approx(8.766)
    assert units.gw_from_twh_per_year(8.766) == pytest.approx(1.0)


def test_twh_joules_round_trip():
    assert units.joules_from_twh(1.0) == pytest.approx(3.6e15)
    assert units.twh_from_joules(3.6e15) == pytest.approx(1.0)


def test_factor_uses_pint():
    assert units.factor("kWh", "MJ") == pytest.approx(3.6)
    assert units.HOURS_PER_YEAR == pytest.approx(8766)


# --------------------------------------------------------------------------- the table
import subprocess  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import unit_factors  # noqa: E402


def test_the_table_is_pints_for_exactly_the_pairs_the_code_uses():
    assert unit_factors.TABLE.read_text() == unit_factors.render(unit_factors.pairs_used()), (
        "run .venv/bin/python tools/unit_factors.py --write and commit the result"
    )
    from energybook.unit_factors import FACTORS

    assert FACTORS, "the code uses conversions: the table cannot be empty"
    for (a, b), value in FACTORS.items():
        assert value == units.pint_factor(a, b), (a, b)  # exactly pint's float


def test_a_new_literal_conversion_in_the_code_makes_the_table_stale(tmp_path):
    (tmp_path / "m.py").write_text(
        'from energybook import units\nX = units.factor("MWh", "GJ")\nY = factor("s", "h")\n'
        'Z = factor(unit, "h")\n'  # not a literal: not in the table (pint answers it)
    )
    assert unit_factors.pairs_used(tmp_path) == [("MWh", "GJ"), ("s", "h")]


def test_a_pair_outside_the_table_is_still_converted_by_pint():
    from energybook.unit_factors import FACTORS

    assert ("kWh", "MJ") not in FACTORS
    assert units.factor("kWh", "MJ") == pytest.approx(3.6)
    with pytest.raises(Exception, match="(?i)dimensionality|cannot convert"):
        units.factor("kWh", "kg")


def test_the_chapters_import_no_pint():
    code = (
        "import importlib, sys\n"
        "from energybook import chapters\n"
        "for name in chapters.names():\n"
        "    for part in ('page', 'figures'):\n"
        "        importlib.import_module(f'energybook.chapters.{name}.{part}')\n"
        "import energybook.publish, energybook.charts, energybook.data\n"
        "print(len(chapters.names()), 'pint' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    n, imported = out.stdout.split()
    assert int(n) >= 8 and imported == "False"
