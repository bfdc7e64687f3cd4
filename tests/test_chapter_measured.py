"""Execution test of the measured chapter: the notebook runs with other parameters, and its
headline numbers are the page module's for those parameters."""

from __future__ import annotations

import pytest

from energybook import chapters, data, pipeline
from energybook.chapters.measured import page


@pytest.mark.slow
def test_rerun_on_the_h200_with_another_hidden_size_publishes_the_page_headlines(tmp_path):
    spec = chapters.get("measured")
    values = spec.params.validate({"gpu": "H200", "hidden_size": 4100})
    got = pipeline.execute_notebook("measured", values, tmp_path / "measured.ipynb")
    want = page.headlines(page.evaluate(spec.typed(values), data.load_tables(page.TABLES)))
    assert {k: v["value"] for k, v in got.items()} == pytest.approx(want, rel=1e-12)
