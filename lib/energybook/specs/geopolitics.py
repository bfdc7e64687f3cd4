"""Chapter: Atoms and bytes, the geopolitics of AI's power."""

from energybook.params import Param
from energybook.specs import Headline, chapter

COUNTRIES = ("United States", "China", "Germany", "Finland")  # countries with a sourced price

def _check(values: dict) -> list[str]:
    """Constraints between parameters and the price table that would otherwise crash the
    page: the chosen country must have a sourced price unless an override is used. A fast-
    power price at or below the grid price is allowed (every offered country must run with
    the defaults): fast power then costs nothing extra, and the page says it pays at any
    wait."""
    from energybook import data
    from energybook.models import geopolitics as model

    if values["use_price_override"]:
        return []
    try:
        model.resolve_price_usd_per_kwh(data.load_table("country_prices"), values["country"])
    except ValueError:
        return [f"country {values['country']!r} has no sourced electricity price in "
                "data/country_prices.csv; choose another country or set use_price_override "
                "true with price_override_usd_per_kwh"]
    return []


SPEC = chapter(
    name="geopolitics",
    title="Atoms and bytes: the geopolitics of AI's power",
    order=50,
    summary=(
        "Data centres head for the IEA's 945 TWh by 2030 (Energy and AI, 2025). When is electricity a cap on AI and when is it "
        "just a cost? The total cost of an AI campus by country, the value of time-to-power, "
        "what a buyer pays for performance per watt when power binds, China's cheap fast-"
        "growing supply against the best chips, and the carbon of each grid."),
    params=[
        Param("country", "str", "United States",
              "Country whose electricity price the campus pays (one with a sourced price)",
              choices=COUNTRIES),
        Param("use_price_override", "bool", False,
              "Use price_override_usd_per_kwh instead of the country's sourced price"),
        Param("price_override_usd_per_kwh", "float", 0.08,
              "Electricity price used when use_price_override is true", unit="USD/kWh",
              min=0.0, max=1.0),
        Param("pue", "float", 1.2, "Power usage effectiveness of the campus (facility / IT "
              "energy; industry average 1.56, Google fleet 1.09)", min=1.0, max=3.0),
        Param("utilization", "float", 0.7,
              "Fraction of the year accelerators run at peak (scales energy and compute)",
              min=0.05, max=1.0),
        Param("accelerator_price_usd", "float", 27500.0,
              "Purchase price of one accelerator (H100: 25-30 kUSD, unverified estimate)",
              unit="USD", min=1000.0, max=200000.0),
        Param("accelerator_lifetime_years", "float", 5.0,
              "Years over which accelerators are amortized", unit="year", min=1.0, max=10.0),
        Param("discount_rate", "float", 0.10,
              "Annual discount rate for amortizing capital (0 means straight-line)",
              min=0.0, max=0.5),
        Param("system_overhead_fraction", "float", 0.0,
              "Server and network capital per accelerator, as a fraction of its price "
              "(0 leaves it out, which overstates the energy share)", min=0.0, max=2.0),
        Param("campus_mw", "float", 1000.0, "IT load of the campus", unit="MW",
              min=1.0, max=10000.0),
        Param("grid_wait_months", "float", 24.0,
              "Months a built campus waits for a grid connection", unit="month",
              min=0.0, max=120.0),
        Param("premium_power_price_usd_per_kwh", "float", 0.15,
              "All-in price of fast, non-grid power (e.g. on-site gas) over the lifetime; "
              "at or below the grid price the campus pays, fast power costs nothing extra "
              "and pays at any wait",
              unit="USD/kWh", min=0.0, max=2.0),
        Param("compared_perf_per_watt", "float", 0.5,
              "Performance per watt of the compared (e.g. domestic Chinese) chip as a multiple "
              "of the best chip's, the H100 (same power and price per chip; its output is "
              "worth this multiple of an H100's)", min=0.05, max=1.0),
    ],
    headlines=[
        Headline("energy_share_us", "1", "Energy's share of the campus's annual TCO at the US "
                 "industrial price", fmt=".1%"),
        Headline("energy_share_china", "1", "Energy's share of TCO at China's industrial price",
                 fmt=".1%"),
        Headline("energy_share_germany", "1", "Energy's share of TCO at Germany's industrial "
                 "price", fmt=".1%"),
        Headline("energy_share_selected", "1", "Energy's share of TCO at the price the campus "
                 "pays (the chosen country's, or the override)", fmt=".1%"),
        Headline("breakeven_premium_usd_per_kwh", "USD/kWh",
                 "Highest extra price per kWh, paid over the accelerators' lifetime, that fast "
                 "power is worth to avoid the grid wait", fmt=".3f"),
        Headline("efficiency_premium_capped", "1", "Highest price worth paying for the best "
                 "chip (H100, output valued at its rental rate) as a multiple of the compared "
                 "chip's price (the accelerator price; compared_perf_per_watt x an H100's "
                 "output), when power is the binding constraint", fmt=".2f"),
        Headline("efficiency_premium_uncapped", "1", "The same multiple when power is not "
                 "binding", fmt=".2f"),
        Headline("china_us_cost_ratio", "1", "Cost per unit of compute in China (compared chip, "
                 "Chinese power) over the US (best chip, US power)", fmt=".2f"),
    ],
    check=_check,
)
