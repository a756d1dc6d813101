"""The budget ledger: who pays what, each month, for which programme component.

Subsidised members are billed in full to the payers by their shares (facts F1.6:
the PP 50/2025 discount does not apply to APBD-paid members); self-paying
(mandiri) members pay the contribution less the self-pay discount themselves.
Real values are in rupiah of the first simulated month, deflated by the
inflation assumption (facts F6.1).
"""

from __future__ import annotations

import numpy as np

from simulation.rules.payers import SELF, is_public
from simulation.scenario.prices import (
    COMPONENTS,
    cash_plan,
    contributions,
    covering,
    funded,
    payer_shares,
    price_index,
    protected,
    unit_cost,
)

__all__ = [
    "COMPONENTS",
    "SELF",
    "cash_plan",
    "contributions",
    "covering",
    "funded",
    "is_public",
    "ledger_arrays",
    "payer_shares",
    "price_index",
    "protected",
    "unit_cost",
]


def ledger_arrays(scenario, subsidised: np.ndarray, mandiri: np.ndarray) -> dict[tuple[str, str], np.ndarray]:
    """Nominal rupiah billed per (payer, component) each month and segment.

    Parameters
    ----------
    scenario : Scenario
    subsidised, mandiri : ndarray, shape (T, ..., G)
        Members billed each month; the last axis is the segment.

    Returns
    -------
    dict of (payer, component) to ndarray, same shape as the counts
        Rupiah. The payer ``mandiri_self`` is what self-paying members pay. Subsidised members
        cost nothing in the months the payers do not fund (``policy.months_funded``).
    """
    comps = contributions(scenario)
    names, shares = payer_shares(scenario)  # (T, G, n)
    discount = scenario.monthly_array("contribution.self_pay_discount")
    paid = funded(scenario)
    middle = (None,) * (subsidised.ndim - 2)
    per_month = (slice(None), *middle, None)
    per_segment = (slice(None), *middle, slice(None))
    out = {}
    for comp, rate in comps.items():
        subsidised_cost = subsidised * (rate * paid)[per_month]
        for j, payer in enumerate(names):
            out[(payer, comp)] = subsidised_cost * shares[:, :, j][per_segment]
        out[(SELF, comp)] = mandiri * (rate * (1.0 - discount))[per_month]
    return out
