"""Prices a scenario implies each month: contributions, payers' shares, unit cost, price index.

These are read from the scenario's parameters alone, so both the engines (a budget ceiling
needs the unit cost) and the outputs (the ledger) use them.
"""

from __future__ import annotations

import numpy as np

from simulation.core.states import ARREARS_MONTHS
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


PERIOD_MONTHS = {"monthly": 1, "quarterly": 3, "half-yearly": 6, "yearly": 12}
"""Months in one payment period of ``policy.payment_schedule``."""


def funded(scenario) -> np.ndarray:
    """Whether the payers fund each month, shape (T,), 1.0 or 0.0 (``policy.months_funded``).

    A fiscal year with ``months_funded = m`` funds its calendar months 1..m (January first, as
    Bantul's 8 months of 2026, facts G3.1); without the parameter every month is funded.
    """
    h = scenario.horizon
    if scenario.model.policy.months_funded is None:
        return np.ones(h.n_months)
    return (h.month_of_year <= scenario.monthly_array("policy.months_funded")).astype(float)


def year_starts(horizon) -> np.ndarray:
    """1.0 in the first month of each fiscal year within the horizon (the first month included), shape (T,)."""
    return np.r_[True, horizon.year[1:] != horizon.year[:-1]].astype(float)


def unfunded_run(paid: np.ndarray) -> np.ndarray:
    """Consecutive unfunded months up to and including each month, 0 in a funded month.

    Parameters
    ----------
    paid : ndarray, shape (..., T)
        1.0 in a funded month, 0.0 otherwise (:func:`funded`), months on the last axis.
    """
    paid = np.asarray(paid) > 0
    run = np.zeros(paid.shape, dtype=np.int64)
    count = np.zeros(paid.shape[:-1], dtype=np.int64)
    for t in range(paid.shape[-1]):
        count = np.where(paid[..., t], 0, count + 1)
        run[..., t] = count
    return run


def covering(paid: np.ndarray) -> np.ndarray:
    """Whether subsidised members are covered in each month, same shape as ``paid``, 1.0 or 0.0.

    A funded month covers them; in unfunded months they are in arrears and stay covered for
    their first :data:`~simulation.core.states.ARREARS_MONTHS` unpaid months (facts F1.7, G4.1),
    not after, until the payers fund them again.
    """
    return (unfunded_run(paid) <= ARREARS_MONTHS).astype(float)


def protected(scenario) -> np.ndarray:
    """:func:`covering` of the scenario's funded months, shape (T,)."""
    return covering(funded(scenario))


def unit_cost(scenario, payer: str) -> np.ndarray:
    """Rupiah one subsidised member costs ``payer`` per month, per segment, shape (T, G).

    Zero in the months the payers do not fund (:func:`funded`).
    """
    names, shares = payer_shares(scenario)
    if payer not in names:
        return np.zeros(shares.shape[:2])
    rate = sum(contributions(scenario).values()) * funded(scenario)
    return rate[:, None] * shares[:, :, names.index(payer)]


def payment_periods(scenario) -> tuple[np.ndarray, np.ndarray]:
    """The payment periods of ``policy.payment_schedule`` over the horizon.

    Returns
    -------
    starts : ndarray of int
        Index of each period's first month (the first is 0).
    pay_month : ndarray of int
        Index of the month each period's bill is paid: its first month (``advance``) or its last
        (``arrears``). Without a schedule every month is paid in advance, in itself.

    Periods are counted from January of each fiscal year and never cross one; the schedule in
    force in a month decides the period it opens.
    """
    h = scenario.horizon
    T = h.n_months
    if scenario.model.policy.payment_schedule is None:
        return np.arange(T), np.arange(T)
    schedules = scenario.monthly("policy.payment_schedule")
    every = np.array([PERIOD_MONTHS[s.every] for s in schedules])
    key = np.stack([h.year, every, (h.month_of_year - 1) // every])
    starts = np.flatnonzero(np.r_[True, (key[:, 1:] != key[:, :-1]).any(axis=0)])
    ends = np.r_[starts[1:] - 1, T - 1]
    arrears = np.array([schedules[i].timing == "arrears" for i in starts])
    return starts, np.where(arrears, ends, starts)


def cash_plan(scenario, accrued: np.ndarray) -> np.ndarray:
    """Rupiah paid each month for bills accrued each month (``policy.payment_schedule``).

    Parameters
    ----------
    scenario : Scenario
    accrued : ndarray, shape (T, ...)
        Rupiah owed for each month (the ledger's accrual), months on the first axis.

    Returns
    -------
    ndarray, same shape
        Rupiah leaving the payer's account in each month: each payment period's accrued total in
        the month it is paid, zero in the others. Every period lies inside one fiscal year, so a
        fiscal year's cash equals its accrual.
    """
    starts, pay_month = payment_periods(scenario)
    out = np.zeros_like(accrued, dtype=float)
    out[pay_month] = np.add.reduceat(accrued, starts, axis=0)
    return out


def price_index(scenario) -> np.ndarray:
    """Prices relative to the first simulated month, shape (T,); 1.0 in that month."""
    inflation = scenario.monthly_array("assumptions.inflation")
    monthly = (1.0 + inflation) ** (1.0 / 12.0)
    return np.concatenate([[1.0], np.cumprod(monthly[:-1])])
