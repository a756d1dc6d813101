"""Prices a scenario implies each month: contributions, payers' shares, unit cost, price index.

These are read from the scenario's parameters alone, so both the engines (a budget ceiling
needs the unit cost) and the outputs (the ledger) use them.
"""

from __future__ import annotations

import numpy as np

from simulation.rules.payers import PAYERS

COMPONENTS = ("jkk", "jkm", "jht")
"""Contribution components billed each month."""


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
        Payers, in the order of :data:`~simulation.rules.payers.PAYERS`.
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
