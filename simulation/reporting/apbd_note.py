"""The briefs' warning that a share of APBD is illustrative where the region's APBD total is no fact.

The facts give one regency's total APBD spending, Lombok Timur's (F5.3); every other region's is an
assumption in its scenario or inherited from the baseline (:data:`simulation.outputs.fiscal.APBD_FACT_REGIONS`).
The scenario brief says so under its fiscal table, the portfolio brief once for its members.
"""

from __future__ import annotations

from simulation.outputs.fiscal import apbd_is_illustrative
from simulation.outputs.variables import variable
from simulation.reporting import formats
from simulation.reporting.labels import text


def apbd_illustrative_note(scenario, language: str) -> str:
    """The scenario brief's sentence: this region's share of APBD rests on an assumed APBD total.

    Parameters
    ----------
    scenario : Scenario
        A scenario with a ``fiscal`` section, of a region outside :data:`APBD_FACT_REGIONS`.
    language : {"id", "en"}
    """
    year = scenario.horizon.fiscal_years[0]
    total = formats.rupiah(scenario.first("fiscal.apbd_total_spending"), language)
    label = variable("share_of_apbd").label[language]
    return text("apbd_illustrative", language, label=label, region=scenario.region_name, total=total, year=year)


def portfolio_apbd_note(scenarios, language: str) -> str | None:
    """The portfolio brief's sentence: how many members' APBD totals are no fact; None if all are.

    Parameters
    ----------
    scenarios : list of Scenario
        The portfolio's members.
    language : {"id", "en"}
    """
    assumed = [s for s in scenarios if apbd_is_illustrative(s)]
    if not assumed:
        return None
    label = variable("share_of_apbd").label[language]
    return text("portfolio_apbd_illustrative", language, label=label, assumed=len(assumed), total=len(scenarios))
