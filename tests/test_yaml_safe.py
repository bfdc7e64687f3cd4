"""Issue 17, item 4: safe input parsing (``energybook.yamlsafe``) and short messages.

Alias bombs are refused at once, never expanded; every key must be a string; special files
and folders are refused by name; sizes, depth and key lengths are limited; messages clip
the values they quote, and a flood of problems is cut to 20 and a count.
"""

from __future__ import annotations

import os
import time

import pytest

from energybook import yamlsafe
from energybook.yamlsafe import InputRefused

from .test_cli import assert_rejected


def bomb(levels: int = 9, width: int = 9) -> str:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels + 1):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


def write(tmp_path, text: str, name: str = "p.yaml"):
    f = tmp_path / name
    f.write_text(text)
    return f


def refused(path, *fragments):
    with pytest.raises(InputRefused) as e:
        yamlsafe.load_mapping(path)
    for frag in fragments:
        assert frag in str(e.value), str(e.value)
    assert str(path) in str(e.value)  # the message names the file
    return str(e.value)


def test_an_alias_bomb_is_refused_in_well_under_two_seconds(tmp_path):
    f = write(tmp_path, bomb())
    t0 = time.perf_counter()
    refused(f, "aliases", "refused")
    assert time.perf_counter() - t0 < 2.0


def test_a_wide_alias_bomb_is_refused_by_count(tmp_path):
    text = "a: &a [x]\nb: [" + ", ".join(["*a"] * 500) + "]\n"
    refused(write(tmp_path, text), "more than 100 aliases")


def test_a_recursive_alias_is_refused(tmp_path):
    refused(write(tmp_path, "a: &a [*a]\n"), "recursive")


def test_a_few_aliases_are_fine(tmp_path):
    f = write(tmp_path, "base: &b 1.5\nelasticity: *b\n")
    assert yamlsafe.load_mapping(f) == {"base": 1.5, "elasticity": 1.5}


@pytest.mark.parametrize(
    "text,kind",
    [
        ("? [a, b]\n: 1\n", "a list"),
        ("? {a: 1}\n: 1\n", "a mapping"),
        ("1: 2\n", "the integer '1'"),
        ("true: 2\n", "the boolean 'true'"),
        ("null: 2\n", "the null value"),
        ("2024-01-01: x\n", "the date"),
        ("overview:\n  [a]: 1\n", "a list"),
    ],
)
def test_every_key_must_be_a_string(tmp_path, text, kind):
    refused(write(tmp_path, text), "every key must be a string", kind, "line ")


def test_a_merge_brings_its_keys_and_they_are_checked(tmp_path):
    f = write(tmp_path, "base: &b {elasticity: 1.2}\nrun:\n  <<: *b\n  pue: 1.3\n")
    assert yamlsafe.load_mapping(f)["run"] == {"elasticity": 1.2, "pue": 1.3}
    f = write(tmp_path, "base: &b {1: 1.2}\nrun:\n  <<: *b\n", "m.yaml")
    refused(f, "every key must be a string")


def test_a_key_given_twice_is_refused_by_name(tmp_path):
    refused(write(tmp_path, "pue: 1.2\npue: 1.3\n"), "the key 'pue' is given twice", "line 2")


def test_a_long_key_is_refused_and_named(tmp_path):
    msg = refused(write(tmp_path, "k" * 500 + ": 1\n"), "longer than 200 characters", "'kkkk")
    assert len(msg) < 300


def test_a_big_file_is_refused_before_it_is_parsed(tmp_path):
    f = write(tmp_path, "".join(f"key{i}: 1\n" for i in range(20_000)))
    t0 = time.perf_counter()
    refused(f, "bytes", "at most")
    assert time.perf_counter() - t0 < 0.5


def test_deep_nesting_is_refused(tmp_path):
    refused(write(tmp_path, "a: " + "[" * 2000 + "]" * 2000 + "\n"), "nested more than")


@pytest.mark.parametrize("special", ["/dev/zero", "/dev/null", "/dev/urandom"])
def test_special_files_are_refused_by_name(special):
    with pytest.raises(InputRefused, match=rf"{special}: is a character device"):
        yamlsafe.load_mapping(special)


def test_a_folder_is_refused(tmp_path):
    with pytest.raises(InputRefused, match="is a folder, not a YAML file"):
        yamlsafe.load_mapping(tmp_path)


def test_a_pipe_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "fifo.yaml"
    os.mkfifo(fifo)
    with pytest.raises(InputRefused, match="is a pipe"):
        yamlsafe.load_mapping(fifo)


def test_non_utf8_is_refused(tmp_path):
    f = tmp_path / "p.yaml"
    f.write_bytes(b"pue: \xff\xfe\n")
    refused(f, "not UTF-8")


def test_a_missing_file_is_named(tmp_path):
    refused(tmp_path / "nope.yaml", "no such file")


def test_clip_shortens_and_says_how_long():
    text = yamlsafe.clip("x" * 10_000)
    assert len(text) < 100 and "10,002 characters" in text
    assert yamlsafe.clip("short") == "'short'"


def test_clip_message_shortens_quoted_values():
    msg = "parameter 'pue': '" + "9" * 5000 + "' is not a number; allowed: a number in [1, 3]"
    out = yamlsafe.clip_message(msg)
    assert len(out) < 200 and out.endswith("allowed: a number in [1, 3]")
    assert len(yamlsafe.clip_message("y" * 1_000_000)) < 2100


def test_cap_problems_lists_twenty_and_counts_the_rest():
    out = yamlsafe.cap_problems([f"problem {i}" for i in range(50_000)])
    assert len(out) == 21 and out[-1].startswith("... and 49,980 more problems")
    assert yamlsafe.cap_problems(["a", "b"]) == ["a", "b"]


# ----------------------------------------------------------------- through the CLI
def test_cli_refuses_an_alias_bomb_quickly(cli, tmp_path):
    f = write(tmp_path, bomb())
    t0 = time.perf_counter()
    r = cli("run", "rebound", "-f", str(f), timeout=60)
    assert_rejected(r, str(f), "aliases")
    assert len(r.stderr) < 1000
    assert time.perf_counter() - t0 < 30  # the process's own start-up is most of it


def test_cli_refuses_a_bomb_in_a_scenario(cli, tmp_path):
    f = write(tmp_path, bomb(), "s.yaml")
    assert_rejected(cli("build", "-f", str(f), timeout=60), str(f), "aliases")


@pytest.mark.parametrize(
    "text,fragment",
    [
        ("? [a, b]\n: 1\n", "every key must be a string"),
        ("? {a: 1}\n: 1\n", "every key must be a string"),
    ],
)
def test_cli_refuses_complex_keys_without_a_traceback(cli, tmp_path, text, fragment):
    f = write(tmp_path, text)
    assert_rejected(cli("run", "overview", "-f", str(f)), fragment)


def test_cli_refuses_dev_zero_and_a_folder(cli, tmp_path):
    r = cli("run", "overview", "-f", "/dev/zero", "-f", str(tmp_path))
    assert_rejected(r, "/dev/zero: is a character device", "is a folder")
    assert r.stderr.count("error:") == 2


def test_cli_names_an_unknown_key_brought_by_a_merge(cli, tmp_path):
    f = write(tmp_path, "_defaults: &d {bogus_key: 3}\n<<: *d\nelasticity: 1.2\n")
    assert_rejected(cli("run", "rebound", "-f", str(f)), "unknown parameter 'bogus_key'")


def test_cli_output_stays_short_with_thousands_of_unknown_keys(cli, tmp_path):
    f = write(tmp_path, "".join(f"key{i}: 1\n" for i in range(3000)))
    r = cli("run", "rebound", "-f", str(f))
    assert_rejected(r, "unknown parameter 'key0'", "... and 2,980 more problems")
    assert r.stderr.count("error:") == 21 and len(r.stderr) < 20_000


def test_cli_clips_a_huge_value(cli, tmp_path):
    f = write(tmp_path, "elasticity: '" + "9" * 50_000 + "x'\n")
    r = cli("run", "rebound", "-f", str(f))
    assert_rejected(r, "'elasticity'", "characters")
    assert len(r.stderr) < 1000


def test_cli_clips_a_huge_p_value(cli):
    r = cli("run", "rebound", "-p", "elasticity", "7" * 100_000 + "x")
    assert_rejected(r, "'elasticity'", "characters")
    assert len(r.stderr) < 1000
