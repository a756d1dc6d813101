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
    """Payers named anywhere in the horizon and their share of each segment's contribution.

    Returns
    -------
    names : list of str
        Payers, in the order of :data:`~simulation.scenario.schema.PAYERS`.
    shares : ndarray, shape (T, G, n)
        Share of the subsidised contribution each payer pays, per month and segment;
        sums to 1 over payers. ``policy.group_payers`` are applied in the order
        listed: a group payer takes its ``share`` of its group's contribution and
        the shares already there are scaled down to the rest.
    """
    monthly = scenario.monthly("policy.payers")
    T, G = scenario.horizon.n_months, len(scenario.segment_shares)
    groups = scenario.monthly("policy.group_payers") if scenario.model.policy.group_payers else [[]] * T
    named = {p for shares in monthly for p in shares} | {g.payer for gs in groups for g in gs}
    names = [p for p in PAYERS if p in named]
    base = np.array([[shares.get(p, 0.0) for p in names] for shares in monthly])
    out = np.repeat(base[:, None, :], G, axis=1)
    kec, sec = (np.array(labels) for labels in scenario.segment_labels)
    for t, month_groups in enumerate(groups):
        for g in month_groups:
            mask = np.ones(G, dtype=bool)
            if g.sectors:
                mask &= np.isin(sec, g.sectors)
            if g.kecamatan:
                mask &= np.isin(kec, g.kecamatan)
            out[t, mask, :] *= 1.0 - g.share
            out[t, mask, names.index(g.payer)] += g.share
    return names, out


def unit_cost(scenario, payer: str) -> np.ndarray:
    """Rupiah one subsidised member costs ``payer`` per month, per segment, shape (T, G)."""
    names, shares = payer_shares(scenario)
    if payer not in names:
        return np.zeros(shares.shape[:2])
    rate = sum(contributions(scenario).values())
    return rate[:, None] * shares[:, :, names.index(payer)]


def price_index(scenario) -> np.ndarray:
    """Prices relative to the first simulated month, shape (T,); 1.0 in that month."""
    inflation = scenario.monthly_array("assumptions.inflation")
    monthly = (1.0 + inflation) ** (1.0 / 12.0)
    return np.concatenate([[1.0], np.cumprod(monthly[:-1])])


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
        Rupiah. The payer ``mandiri_self`` is what self-paying members pay.
    """
    comps = contributions(scenario)
    names, shares = payer_shares(scenario)  # (T, G, n)
    discount = scenario.monthly_array("contribution.self_pay_discount")
    middle = (None,) * (subsidised.ndim - 2)
    per_month = (slice(None), *middle, None)
    per_segment = (slice(None), *middle, slice(None))
    out = {}
    for comp, rate in comps.items():
        subsidised_cost = subsidised * rate[per_month]
        for j, payer in enumerate(names):
            out[(payer, comp)] = subsidised_cost * shares[:, :, j][per_segment]
        out[(SELF, comp)] = mandiri * (rate * (1.0 - discount))[per_month]
    return out


def is_public(payer: str) -> bool:
    """Whether a payer's spending is public subsidy (not the members' own money)."""
    return payer in PUBLIC_PAYERS
