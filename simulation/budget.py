"""The budget ledger: who pays what, each month, for which programme component.

Subsidised members are billed in full to the payers by their shares (facts F1.6:
the PP 50/2025 discount does not apply to APBD-paid members); self-paying
(mandiri) members pay the contribution less the self-pay discount themselves.
Real values are in rupiah of the first simulated month, deflated by the
inflation assumption (facts F6.1).
"""

from __future__ import annotations

import numpy as np

from simulation.scenario.schema import PAYERS, PUBLIC_PAYERS

COMPONENTS = ("jkk", "jkm", "jht")
SELF = "mandiri_self"
"""The ledger's name for what self-paying members pay."""


def contributions(scenario) -> dict[str, np.ndarray]:
    """Contribution per member per month by component, rupiah, each shape (T,)."""
    out = {}
    for name in COMPONENTS:
        if getattr(scenario.model.contribution, name) is None:
            out[name] = np.zeros(scenario.horizon.n_months)
        else:
            out[name] = scenario.monthly_array(f"contribution.{name}")
    return out


def payer_shares(scenario) -> tuple[list[str], np.ndarray]:
    """Payers named anywhere in the horizon and their share each month, shape (T, n)."""
    monthly = scenario.monthly("policy.payers")
    names = [p for p in PAYERS if any(p in shares for shares in monthly)]
    table = np.array([[shares.get(p, 0.0) for p in names] for shares in monthly])
    return names, table


def price_index(scenario) -> np.ndarray:
    """Prices relative to the first simulated month, shape (T,); 1.0 in that month."""
    inflation = scenario.monthly_array("assumptions.inflation")
    monthly = (1.0 + inflation) ** (1.0 / 12.0)
    return np.concatenate([[1.0], np.cumprod(monthly[:-1])])


def ledger_arrays(scenario, subsidised: np.ndarray, mandiri: np.ndarray) -> dict[tuple[str, str], np.ndarray]:
    """Nominal rupiah billed per (payer, component) each month.

    Parameters
    ----------
    scenario : Scenario
    subsidised, mandiri : ndarray, shape (T, ...)
        Members billed each month (any trailing shape: samples, segments).

    Returns
    -------
    dict of (payer, component) to ndarray, same shape as the counts
        Rupiah. The payer ``mandiri_self`` is what self-paying members pay.
    """
    comps = contributions(scenario)
    names, shares = payer_shares(scenario)
    discount = scenario.monthly_array("contribution.self_pay_discount")
    extra = (slice(None),) + (None,) * (subsidised.ndim - 1)
    out = {}
    for comp, rate in comps.items():
        subsidised_cost = subsidised * rate[extra]
        for j, payer in enumerate(names):
            out[(payer, comp)] = subsidised_cost * shares[:, j][extra]
        out[(SELF, comp)] = mandiri * (rate * (1.0 - discount))[extra]
    return out


def is_public(payer: str) -> bool:
    """Whether a payer's spending is public subsidy (not the members' own money)."""
    return payer in PUBLIC_PAYERS
