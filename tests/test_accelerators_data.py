"""The accelerator table and the scaling chapter's reference tables."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from energybook import data

PEAK_COLUMNS = [
    "fp32_tflops",
    "tf32_tflops",
    "bf16_tflops",
    "fp16_tflops",
    "fp8_tflops",
    "fp4_tflops",
    "int8_tops",
]


@pytest.fixture(scope="module")
def acc() -> pd.DataFrame:
    return data.load_table("accelerators")


def test_table_validates_against_its_schema(acc):
    assert len(acc) >= 20
    assert acc["chip"].is_unique


def test_every_row_has_a_source(acc):
    for col in ("source_publisher", "source_title", "source_year", "source_url", "tier", "checked"):
        assert acc[col].notna().all(), col
        assert (acc[col].astype(str).str.strip() != "").all(), col
    assert acc["source_url"].str.match(r"^https?://").all()


def test_required_chips_are_present_with_exact_names(acc):
    needed = {
        "P100 SXM2",
        "V100 SXM2",
        "A100 SXM 80GB",
        "H100 SXM",
        "H200 SXM",
        "B200",
        "GB200",
        "GB300",
        "MI100",
        "MI250X",
        "MI300X",
        "MI325X",
        "MI355X",
        "TPU v2",
        "TPU v3",
        "TPU v4",
        "TPU v5e",
        "TPU v5p",
        "TPU v6e",
        "TPU v7",
        "Gaudi 2",
        "Gaudi 3",
    }
    assert needed <= set(acc["chip"])


def test_release_dates_in_range(acc):
    dates = pd.to_datetime(acc["release_date"])
    assert dates.min() >= pd.Timestamp(dt.date(2016, 1, 1))
    assert dates.max() <= pd.Timestamp(dt.date(2025, 12, 31))


def test_dense_peaks_not_above_listed_sparse_figure(acc):
    both = acc.dropna(subset=["bf16_tflops", "sparse_bf16_tflops"])
    assert len(both) >= 8
    assert (both["bf16_tflops"] <= both["sparse_bf16_tflops"]).all()
    # NVIDIA's and AMD's sparse headline is twice the dense peak.
    ratio = both["sparse_bf16_tflops"] / both["bf16_tflops"]
    assert ratio.between(1.99, 2.01).all()


def test_no_dense_column_holds_a_known_sparse_headline(acc):
    h100 = acc.set_index("chip").loc["H100 SXM"]
    assert h100["bf16_tflops"] < 1000  # 1,979 is the sparse headline
    assert h100["fp8_tflops"] < 2000  # 3,958 is the sparse headline


def test_narrower_formats_are_not_slower(acc):
    # Where a chip lists both, a narrower float format has at least the wider one's peak.
    pairs = [
        ("fp4_tflops", "fp8_tflops"),
        ("fp8_tflops", "bf16_tflops"),
        ("bf16_tflops", "tf32_tflops"),
        ("tf32_tflops", "fp32_tflops"),
    ]
    for narrow, wide in pairs:
        both = acc.dropna(subset=[narrow, wide])
        assert (both[narrow] >= both[wide]).all(), (narrow, wide)


def test_tpu_power_is_published_or_an_estimate_naming_whose(acc):
    tpus = acc[acc["vendor"] == "Google"]
    for _, r in tpus.iterrows():
        if pd.isna(r["board_power_w"]):
            continue
        if r["chip"] in ("TPU v2", "TPU v3"):  # disclosed by Google (Jouppi et al. 2020)
            continue
        assert isinstance(r["power_estimated_by"], str) and r["power_estimated_by"].strip()
        assert r["tier"] == "estimated"


def test_vendor_published_power_has_no_estimator(acc):
    for vendor in ("NVIDIA", "AMD", "Intel"):
        rows = acc[acc["vendor"] == vendor]
        assert (
            rows["power_estimated_by"].isna().all()
            or (rows["power_estimated_by"].fillna("") == "").all()
        )


def test_all_peaks_positive(acc):
    for col in PEAK_COLUMNS + ["board_power_w", "memory_bw_tbps", "memory_gb"]:
        assert (acc[col].dropna() > 0).all(), col


def test_no_bf16_figure_for_a_chip_without_bf16(acc):
    """NVIDIA added BF16 with Ampere (A100, 2020): an earlier chip's 16-bit figure is FP16 and
    belongs in fp16_tflops, never in the BF16 column."""
    nvidia = acc[acc["vendor"] == "NVIDIA"]
    early = nvidia[pd.to_datetime(nvidia["release_date"]) < pd.Timestamp(2020, 5, 1)]
    assert len(early) >= 2
    assert early["bf16_tflops"].isna().all()
    assert early["fp16_tflops"].notna().all()


def test_no_fp8_figure_where_the_vendor_lists_none(acc):
    """Google's TPU v6e page lists BF16 and INT8 peaks only (Epoch's FP8 column repeats the
    BF16 value)."""
    assert pd.isna(acc.set_index("chip").loc["TPU v6e", "fp8_tflops"])


def test_a_refresh_reuses_an_earlier_chip_of_its_vendor(acc):
    """refresh_of names an earlier chip of the same vendor, which is itself no refresh, with
    the same transistor count where both publish one."""
    a = acc.set_index("chip")
    refreshes = a[a["refresh_of"].fillna("") != ""]
    assert len(refreshes) >= 3
    for name, r in refreshes.iterrows():
        orig = a.loc[r["refresh_of"]]
        assert orig["vendor"] == r["vendor"], name
        assert pd.Timestamp(orig["release_date"]) < pd.Timestamp(r["release_date"]), name
        assert pd.isna(orig["refresh_of"]) or orig["refresh_of"] == "", name
        if pd.notna(orig["transistors_billion"]) and pd.notna(r["transistors_billion"]):
            assert orig["transistors_billion"] == r["transistors_billion"], name


def test_trend_and_limit_tables_load():
    trends = data.load_table("efficiency_trends")
    t = trends.set_index("estimate")
    assert t.loc["koomey_2011", "doubling_time_years"] == 1.57
    assert t.loc["koomey_naffziger_2016", "doubling_time_years"] == 2.6
    with_ci = trends.dropna(subset=["doubling_time_low_years", "doubling_time_high_years"])
    assert (with_ci["doubling_time_low_years"] <= with_ci["doubling_time_years"]).all()
    assert (with_ci["doubling_time_years"] <= with_ci["doubling_time_high_years"]).all()
    limits = data.load_table("cmos_limits")
    assert (limits["flop_per_j"] > 1e12).all()
