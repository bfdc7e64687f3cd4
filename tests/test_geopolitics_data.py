"""The geopolitics chapter's tables: valid, sourced, gaps visible."""

import pytest

from energybook import data
from energybook.chapters import get

TABLES = ("country_prices", "grid_carbon", "capacity_additions", "compute_costs")


@pytest.mark.parametrize("name", TABLES)
def test_every_row_has_a_source(name):
    df = data.load_table(name)
    assert len(df) > 0
    for col in data.SOURCE_FIELDS:
        assert df[col].notna().all() and (df[col].astype(str).str.strip() != "").all(), col
    assert df["source_url"].str.match(r"^(https?://|doi:|10\.)").all()


def test_prices_for_headline_countries():
    df = data.load_table("country_prices")
    for country in ("United States", "China", "Germany"):
        rows = df[(df["country"] == country) & df["price_usd_per_kwh"].notna()]
        assert len(rows) >= 1, country
    # USD = local x rate where both are given
    both = df.dropna(subset=["price_local_per_kwh", "usd_per_local", "price_usd_per_kwh"])
    assert (
        (both["price_local_per_kwh"] * both["usd_per_local"] - both["price_usd_per_kwh"]).abs()
        < 5e-4
    ).all()


def test_gaps_are_marked_unverified():
    df = data.load_table("country_prices")
    gaps = df[df["price_usd_per_kwh"].isna()]
    assert (gaps["checked"] == "unverified").all()
    assert gaps["note"].str.contains("GAP").all()


def test_every_country_choice_has_a_price():
    df = data.load_table("country_prices")
    sourced = set(df.loc[df["price_usd_per_kwh"].notna(), "country"])
    assert set(get("geopolitics").params["country"].choices) <= sourced


def test_carbon_for_national_countries():
    carbon = data.load_table("grid_carbon")
    national = data.load_table("national_electricity")
    assert set(national["country"]) <= set(carbon["country"])


def test_unverified_prices_marked():
    costs = data.load_table("compute_costs").set_index(["item", "year"])
    assert costs.loc[("h100_price", 2023), "checked"] == "unverified"
    assert costs.loc[("b200_price", 2025), "checked"] == "unverified"
    share = costs.loc[("energy_share_frontier_development_cost", 2024)]
    assert (share["low"], share["high"]) == (0.02, 0.06)


def test_low_price_cases_are_those_the_parameter_names():
    # price_case 'low' is documented for Germany (BDEW, new contracts), China (subsidised
    # data-centre provinces) and the United States (the lowest-priced state); the data must
    # agree
    df = data.load_table("country_prices")
    low = df[
        df["case"].isin(["new contracts", "subsidised", "lowest state"])
        & df["price_usd_per_kwh"].notna()
    ]
    assert set(zip(low["country"], low["case"], strict=True)) == {
        ("Germany", "new contracts"),
        ("China", "subsidised"),
        ("United States", "lowest state"),
    }
    # the two second-hand ones are not marked primary (the prose says so); the BDEW figure is
    # not confirmed and is marked unverified
    assert (low.loc[low["country"] != "United States", "checked"] != "primary").all()
    assert (low.loc[low["country"] == "Germany", "checked"] == "unverified").all()


def test_the_german_low_case_carries_the_data_centre_tax():
    # BDEW's figure has the manufacturers' reduced electricity tax (0.05 ct); a data centre
    # pays the standard 2.05 ct, so the stored price is BDEW's plus 2.00 ct
    df = data.load_table("country_prices")
    row = df[(df["country"] == "Germany") & (df["case"] == "new contracts")].iloc[0]
    assert row["price_local_per_kwh"] == pytest.approx(0.1665 + 0.0200)
    assert "2.05" in row["note"] and "NOT confirmed" in row["note"]
