"""Parameter declarations: coercion, validation, messages, and the generated cell."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from energybook.params import Param, ParameterError, ParamSet, parameters_cell_source

ELASTICITY = Param(
    "elasticity", "float", 0.8, "Price elasticity of demand", unit="", min=0.0, max=3.0
)
YEARS = Param("years", "int", 6, "Horizon", unit="year", min=1, max=30)
CASE = Param("case", "str", "Base", "Scenario", choices=("Base", "Lift-Off"))
FLAG = Param("flag", "bool", True, "A switch")
COUNTRIES = Param(
    "countries", "list[str]", ["China", "France"], "Countries", choices=("China", "France", "Japan")
)
PS = ParamSet((ELASTICITY, YEARS, CASE, FLAG, COUNTRIES))


def problems(overrides):
    with pytest.raises(ParameterError) as e:
        PS.validate(overrides)
    return e.value.problems


def test_defaults_when_no_overrides():
    assert PS.validate({}) == {
        "elasticity": 0.8,
        "years": 6,
        "case": "Base",
        "flag": True,
        "countries": ("China", "France"),
    }


def test_strings_from_the_command_line_are_coerced():
    got = PS.validate(
        {"elasticity": "1.4", "years": "10", "flag": "false", "countries": "Japan, China"}
    )
    assert got["elasticity"] == 1.4 and got["years"] == 10 and got["flag"] is False
    assert got["countries"] == ("Japan", "China")


def test_unknown_name_suggests_the_close_one():
    (msg,) = problems({"elastcity": 1.0})
    assert "unknown parameter 'elastcity'" in msg and "did you mean 'elasticity'" in msg


@pytest.mark.parametrize("value", ["abc", True, [1.0], None])
def test_wrong_type_is_rejected(value):
    (msg,) = problems({"elasticity": value})
    assert "'elasticity'" in msg and "allowed: a number in [0, 3]" in msg


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", math.nan, math.inf])
def test_nan_and_infinity_are_rejected(value):
    (msg,) = problems({"elasticity": value})
    assert "not a finite number" in msg or "below the minimum" in msg


def test_out_of_range_names_the_bound():
    (msg,) = problems({"elasticity": 3.5})
    assert "above the maximum 3" in msg
    (msg,) = problems({"years": 0})
    assert "below the minimum 1" in msg


def test_int_rejects_fractions():
    (msg,) = problems({"years": 2.5})
    assert "not an integer" in msg


def test_choice_suggests_the_close_one():
    (msg,) = problems({"case": "Liftoff"})
    assert "did you mean 'Lift-Off'" in msg


def test_list_items_are_checked():
    (msg,) = problems({"countries": "China,Jaapan"})
    assert "'Jaapan'" in msg and "did you mean 'Japan'" in msg


def test_every_problem_is_reported_once():
    assert len(problems({"elasticity": "x", "years": 99, "nope": 1})) == 3


def test_non_mapping_is_rejected():
    with pytest.raises(ParameterError, match="must be a mapping"):
        PS.validate([1, 2])


def test_declaration_must_satisfy_itself():
    with pytest.raises(ValueError):
        Param("x", "float", 5.0, "bad default", min=0.0, max=1.0)
    with pytest.raises(TypeError):
        Param("x", "complex", 1.0, "unknown type")


def test_parameters_cell_is_plain_python():
    src = parameters_cell_source(PS)
    ns: dict = {}
    exec(src, ns)  # noqa: S102 - the cell must run as plain Python
    assert ns["elasticity"] == 0.8 and ns["countries"] == ["China", "France"]
    assert ":" not in src.split("#")[0]  # no annotations on the first line


@given(st.floats(min_value=0.0, max_value=3.0))
def test_any_in_range_float_round_trips_through_text(x):
    assert PS.validate({"elasticity": repr(x)})["elasticity"] == x


@given(st.floats(allow_nan=False, allow_infinity=False).filter(lambda x: x < 0 or x > 3))
def test_any_out_of_range_float_is_rejected(x):
    with pytest.raises(ParameterError):
        PS.validate({"elasticity": x})


def test_numeric_choices_are_enforced():
    p = Param("year", "int", 2024, "Year", choices=(2024, 2025))
    assert p.coerce("2025") == 2025
    with pytest.raises(ParameterError, match="2031 is not allowed; allowed: one of: 2024, 2025"):
        p.coerce("2031")


def test_parameters_cells_parse_cleanly_for_papermill():
    """papermill reads each line of the parameters cell; a quote or '=' in a comment makes
    it warn "Unable to parse line" (and a quote can break the parse)."""
    from papermill.translators import PythonTranslator

    from energybook import chapters
    from energybook.params import parameters_cell_source

    for spec in chapters.all_chapters():
        source = parameters_cell_source(spec.params)
        parsed = PythonTranslator.inspect({"source": source})
        assert [p.name for p in parsed] == spec.params.names, spec.name
        for line in source.splitlines()[1:]:
            comment = line.split("  # ", 1)[1]
            assert "'" not in comment and '"' not in comment and "=" not in comment
