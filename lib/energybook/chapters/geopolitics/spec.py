"""The geopolitics chapter: its declaration (parameters in ``params.py``, headlines here)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from energybook.chapters.geopolitics.params import Params
from energybook.declare import Headline, chapter


def check(P: Params, tables: Mapping[str, Any]) -> list[str]:
    """Constraints between the parameters and the price table: the chosen country must have
    a sourced price in the chosen price case unless an override is used. A fast-power price
    at or below the grid price is allowed (every offered country must run with the
    defaults): fast power then costs nothing extra, and the page says it pays at any wait."""
    from energybook.chapters.geopolitics import model  # with the check, not the declaration

    if P.use_price_override:
        return []
    try:
        model.selected_price_usd_per_kwh(P, tables["country_prices"])
    except ValueError:
        if P.price_case != "reference":
            return [
                f"country {P.country!r} has no sourced {P.price_case} price case in "
                "data/country_prices.csv (only Germany, China and the United States have one); choose "
                "price_case 'reference' or another country, or set use_price_override "
                "true with price_override_usd_per_kwh"
            ]
        return [
            f"country {P.country!r} has no sourced electricity price in "
            "data/country_prices.csv; choose another country or set use_price_override "
            "true with price_override_usd_per_kwh"
        ]
    return []


SPEC = chapter(
    name="geopolitics",
    title="Atoms and bytes: the geopolitics of AI's power",
    order=50,
    summary=(
        "Data centres head for the IEA's 945 TWh by 2030 (Energy and AI, 2025). When is "
        "electricity a cap on AI and when is it just a cost? The total cost of an AI campus "
        "by country, the value of time-to-power, what a buyer pays for performance per watt "
        "when power binds, China's abundant, fast-growing supply against the best chips, and the "
        "carbon of each grid."
    ),
    params=Params,
    headlines=[
        Headline(
            "energy_share_us",
            "1",
            "Energy's share of the campus's annual TCO at the US "
            "industrial average price (servers and network included)",
            fmt=".1%",
        ),
        Headline(
            "energy_share_china",
            "1",
            "Energy's share of TCO at China's national average industrial price",
            fmt=".1%",
        ),
        Headline(
            "energy_share_germany",
            "1",
            "Energy's share of TCO at Germany's 24 GWh/yr "
            "industrial tariff before relief (an upper bound for a large consumer)",
            fmt=".1%",
        ),
        Headline(
            "energy_share_selected",
            "1",
            "Energy's share of TCO at the price the campus "
            "pays (the chosen country and price case, or the override)",
            fmt=".1%",
        ),
        Headline(
            "breakeven_premium_usd_per_kwh",
            "USD/kWh",
            "Highest extra price per kWh of fast power on a contract for the "
            "accelerators' lifetime (take-or-pay), worth paying to avoid the grid wait, "
            "for a developer whose site is built and who defers buying the chips: the "
            "site's earnings above the chips' capital and energy lost over the wait, at "
            "the 2025 one-year rental (zero when filling the site would lose money); "
            "discounted at the discount rate",
            fmt=".3f",
        ),
        Headline(
            "breakeven_bridging_premium_usd_per_kwh",
            "USD/kWh",
            "The same for bridging power, paid only until the grid arrives: the site's "
            "annual earnings over a year's energy, independent of the wait by "
            "construction",
            fmt=".3f",
        ),
        Headline(
            "efficiency_premium_capped",
            "1",
            "Highest price worth paying for the best "
            "chip (H100, output valued at the 2025 one-year rental on every contracted "
            "hour) as a multiple of the compared chip's price (the system price; "
            "compared_perf_per_watt x an H100's output), at a site with a fixed "
            "allocation of power whose facility is not yet built: the H100 must leave "
            "the buyer as well off as the better of a compared chip and an empty slot. "
            "While the compared chip loses money this is the H100's own break-even price "
            "over the assumed price, the same for any compared efficiency (an identity)",
            fmt=".2f",
        ),
        Headline(
            "efficiency_premium_uncapped",
            "1",
            "The same multiple when more power can "
            "be had: as well off as the better of equal output from compared chips and "
            "not producing",
            fmt=".2f",
        ),
        Headline(
            "china_us_cost_ratio",
            "1",
            "Cost per unit of compute in China (compared chip, "
            "China's national average price) over the US (best chip, US power); by "
            "construction about 1 / compared_perf_per_watt when capital dominates",
            fmt=".2f",
        ),
    ],
    tables=("country_prices",),
    check=check,
)
