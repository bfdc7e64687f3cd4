"""The geopolitics chapter's parameters: declared once, read as ``P.country`` etc."""

from __future__ import annotations

from dataclasses import dataclass

from energybook.params import ParamsBase, param

#: Countries with a sourced electricity price (data/country_prices.csv).
COUNTRIES = ("United States", "China", "Germany", "Finland")
#: Price cases (see ``model.CASE_ROWS`` for the data rows each reads).
PRICE_CASES = ("reference", "low")


@dataclass(frozen=True)
class Params(ParamsBase):
    country: str = param(
        "United States",
        "Country whose electricity price the campus pays (one with a sourced price)",
        choices=COUNTRIES,
    )
    price_case: str = param(
        "reference",
        "Which sourced price of the country the campus pays: reference (the "
        "national average; for Germany the 24 GWh/yr tariff before relief, an upper bound) or "
        "low (Germany: BDEW's average for new industrial contracts; China: the subsidised "
        "data-centre provinces); a country without a low case refuses low",
        choices=PRICE_CASES,
    )
    use_price_override: bool = param(
        False, "Use price_override_usd_per_kwh instead of the country's sourced price"
    )
    price_override_usd_per_kwh: float = param(
        0.08,
        "Electricity price used when use_price_override is true",
        unit="USD/kWh",
        min=0.0,
        max=1.0,
    )
    pue: float = param(
        1.2,
        "Power usage effectiveness of the campus (facility / IT energy; "
        "industry average 1.56, Google fleet 1.09)",
        min=1.0,
        max=3.0,
    )
    utilization: float = param(
        0.7,
        "Fraction of the year accelerators run at peak: scales "
        "energy, compute and on-demand revenue (paid per hour used), "
        "not the hours a reserved contract pays for",
        min=0.05,
        max=1.0,
    )
    rented_fraction: float = param(
        1.0,
        "Fraction of the year's hours paid for at the one-year (reserved) rental rate: a "
        "reserved GPU-hour is paid whether the chip works or not (1: every hour under "
        "contract)",
        min=0.05,
        max=1.0,
    )
    accelerator_price_usd: float = param(
        27500.0,
        "Purchase price of one accelerator (H100: 25-30 kUSD, unverified estimate)",
        unit="USD",
        min=1000.0,
        max=200000.0,
    )
    accelerator_lifetime_years: float = param(
        5.0, "Years over which accelerators are amortized", unit="year", min=1.0, max=10.0
    )
    discount_rate: float = param(
        0.10,
        "Annual discount rate for amortizing capital (0 means straight-line)",
        min=0.0,
        max=0.5,
    )
    system_overhead_fraction: float = param(
        1.02,
        "Server, host and network capital per accelerator, as a fraction of its price "
        "(a rental rate pays for the whole instance, so the cost side counts it too); Epoch "
        "AI's cost model (a server 1.64 times the chip, interconnect 19% of the cluster) "
        "gives 1.02, 0.90 to 1.09 across chips; 0 leaves it out",
        min=0.0,
        max=2.0,
    )
    server_power_factor: float = param(
        1.0,
        "Power per accelerator over its board power (host, memory, network): 1 counts "
        "the board only, a lower bound; Epoch AI puts a DGX H100 at 1.82 of board power at "
        "its rating",
        min=1.0,
        max=3.0,
    )
    campus_mw: float = param(1000.0, "IT load of the campus", unit="MW", min=1.0, max=10000.0)
    grid_wait_months: float = param(
        24.0,
        "Months a built campus (its facility) waits for a "
        "grid connection; a developer who knows the wait defers "
        "buying the chips",
        unit="month",
        min=0.0,
        max=120.0,
    )
    premium_power_price_usd_per_kwh: float = param(
        0.15,
        "All-in price of fast, non-grid power (e.g. on-site gas), the same whether it is "
        "paid for the accelerators' lifetime or only until the grid arrives; at or below the "
        "grid price fast power costs nothing extra and pays at any wait",
        unit="USD/kWh",
        min=0.0,
        max=2.0,
    )
    compared_perf_per_watt: float = param(
        0.5,
        "Performance per watt of the compared (e.g. domestic Chinese) chip as a multiple "
        "of the best chip's, the H100 (same power and price per chip; its output is worth "
        "this multiple of an H100's)",
        min=0.05,
        max=1.0,
    )
