"""The demand picture: data-centre electricity against national demand.

Pure functions over the ``dc_electricity`` and ``national_electricity`` tables: numbers in,
numbers out (no text, no formatting, no chart shaping).
"""

from __future__ import annotations

import pandas as pd

WORLD = "World"


def split_projection(projection: str) -> tuple[str, int]:
    """``"IEA Base 2030"`` -> ``("IEA Base", 2030)``."""
    case, _, year = projection.rpartition(" ")
    if not case or not year.isdigit():
        raise ValueError(f"projection {projection!r} is not of the form 'CASE YEAR'")
    return case, int(year)


def lookup_twh(dc: pd.DataFrame, scope: str, year: int, case: str) -> float:
    """The one figure for (scope, year, case); a clear error if absent."""
    hit = dc[(dc["scope"] == scope) & (dc["year"] == year) & (dc["case"] == case)]
    if len(hit) != 1:
        raise KeyError(f"no single data-centre figure for {scope}, {year}, {case!r}")
    return float(hit["energy_twh"].iloc[0])


def demand_twh(national: pd.DataFrame, country: str, year: int) -> float:
    hit = national[(national["country"] == country) & (national["year"] == year)]
    if len(hit) != 1:
        raise KeyError(f"no electricity demand for {country} in {year}")
    return float(hit["demand_twh"].iloc[0])


def compound_growth_per_year(start: float, end: float, years: float) -> float:
    """Compound annual growth rate (a fraction per year) taking ``start`` to ``end``."""
    if start <= 0 or end <= 0:
        raise ValueError("growth needs positive start and end values")
    if years <= 0:
        raise ValueError("growth needs a positive number of years")
    return (end / start) ** (1.0 / years) - 1.0


def demand_picture(
    dc: pd.DataFrame,
    national: pd.DataFrame,
    projection: str,
    base_year: int,
    reference_country: str,
    demand_year: int,
) -> dict[str, float]:
    """The world's data-centre electricity in the base year and in ``projection``, and the
    projection against the reference country's annual demand."""
    case, year = split_projection(projection)
    base = lookup_twh(dc, WORLD, base_year, "Estimate")
    proj = lookup_twh(dc, WORLD, year, case)
    ref = demand_twh(national, reference_country, demand_year)
    return {
        "base_twh": base,
        "projection_twh": proj,
        "reference_demand_twh": ref,
        "growth_factor": proj / base,
        "growth_pct_per_year": 100.0 * compound_growth_per_year(base, proj, year - base_year),
        "ratio_to_reference": proj / ref,
        "added_twh": proj - base,
    }


def regional_table(dc: pd.DataFrame) -> pd.DataFrame:
    """IEA's regional split, 2024 estimate and 2030 Base Case, with the change."""
    regions = dc[(dc["source_title"] == "Energy and AI (regional split)")]
    wide = regions.pivot_table(index="scope", columns="year", values="energy_twh")
    out = pd.DataFrame(
        {
            "region": wide.index,
            "twh_2024": wide[2024].to_numpy(),
            "twh_2030": wide[2030].to_numpy(),
        }
    )
    out["added_twh"] = out["twh_2030"] - out["twh_2024"]
    out["growth_factor"] = out["twh_2030"] / out["twh_2024"]
    return out.sort_values("added_twh", ascending=False, ignore_index=True)


def demand_growth_pct(
    national: pd.DataFrame, country: str, start_year: int, end_year: int
) -> float:
    """Change of a country's annual demand from ``start_year`` to ``end_year`` (%)."""
    start = demand_twh(national, country, start_year)
    end = demand_twh(national, country, end_year)
    return 100.0 * (end / start - 1.0)


def other_vintages(dc: pd.DataFrame, case: str, year: int, scope: str = WORLD) -> list[str]:
    """The other published vintages of a projection: cases of the same scope and year whose
    name extends or is extended by ``case`` (``"IEA Base"`` and ``"IEA Base (2026
    update)"``), from a different publication year."""
    rows = dc[(dc["scope"] == scope) & (dc["year"] == year) & (dc["tier"] == "projected")]
    mine = rows[rows["case"] == case]
    if mine.empty:
        raise KeyError(f"no projection {case!r} for {scope}, {year}")
    published = int(mine["source_year"].iloc[0])
    out = rows[
        (rows["case"] != case)
        & (rows["source_year"] != published)
        & (rows["case"].str.startswith(case) | rows["case"].map(case.startswith))
    ]
    return sorted(out["case"])


def projection_spread(dc: pd.DataFrame, year: int, scope: str = WORLD) -> float:
    """Highest over lowest of the published projections of ``scope`` for ``year``."""
    rows = dc[(dc["scope"] == scope) & (dc["year"] == year) & (dc["tier"] == "projected")]
    if rows.empty:
        raise KeyError(f"no projection for {scope}, {year}")
    return float(rows["energy_twh"].max() / rows["energy_twh"].min())


def share_of_added(regions: pd.DataFrame, names: tuple[str, ...]) -> float:
    """Share of the world's added demand (``regional_table``) taken by ``names`` (0-1)."""
    return float(
        regions.loc[regions["region"].isin(names), "added_twh"].sum() / regions["added_twh"].sum()
    )
