"""Who is enrolled first, who waits, and the budget ceiling (pagu).

Shared by the engines. A priority rule turns "enrol ``A`` more UMKM" into an
allocation over segments; a budget ceiling then trims it, serving segments in
priority order, so that the regency's spending in a fiscal year never exceeds
its ceiling:

- at the start of each fiscal year, if keeping every subsidised member for the
  rest of the year would cost more than the year's ceiling, the lowest-priority
  members are suspended (back to eligible, first on the waiting list);
- in each month, new members are enrolled only if what was spent so far this
  year, plus the rest of the year for the members already in, plus the rest of
  the year for the newcomers, stays within the ceiling.

The ceiling applies to the APBD Kabupaten's share (the regency's budget line);
members covered entirely by another payer cost it nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulation.rules.priority import DEFAULT_PRIORITY, priority_rule
from simulation.scenario.prices import unit_cost

CEILING_PAYER = "apbd_kabupaten"


@dataclass
class Enrolment:
    """Priority and ceiling inputs for the enrolment step.

    Attributes
    ----------
    rank : ndarray of int, shape (G,)
        Priority rank of each segment; 0 is served first.
    quota : ndarray, shape (G,) or None
        Kecamatan quota of each segment's kecamatan (rule ``kecamatan_quota``).
    kecamatan : ndarray of int, shape (G,)
        Kecamatan index of each segment.
    ceiling : ndarray, shape (P, T)
        Ceiling of the fiscal year of each month, rupiah; ``inf`` where none.
    year_start : ndarray of bool, shape (T,)
        Whether the month opens a fiscal year (or the horizon).
    unit_cost : ndarray, shape (T, G)
        Rupiah a subsidised member costs the ceiling's payer in the month.
    remaining_cost : ndarray, shape (T, G)
        Rupiah a subsidised member costs it from the month to the fiscal year's end.
    priority : str
        Name of the priority rule (:data:`simulation.rules.priority.PRIORITY_RULES`).
    """

    rank: np.ndarray
    quota: np.ndarray | None
    kecamatan: np.ndarray
    ceiling: np.ndarray
    year_start: np.ndarray
    unit_cost: np.ndarray
    remaining_cost: np.ndarray
    priority: str = DEFAULT_PRIORITY

    @property
    def capped(self) -> bool:
        return bool(np.isfinite(self.ceiling).any())


def compile_enrolment(scenario) -> Enrolment:
    """Enrolment inputs of one scenario (P = 1). Rule and order are those in force at the start."""
    h = scenario.horizon
    policy = scenario.model.policy
    kec, sec = scenario.segment_labels
    kec_names = scenario.kecamatan
    kec_index = np.array([kec_names.index(k) for k in kec])
    name = scenario.first("policy.priority") if policy.priority is not None else DEFAULT_PRIORITY
    priority = priority_rule(name)
    order = scenario.first("policy.sector_order") if policy.sector_order is not None else None
    rank = priority.rank(list(sec), order)
    quota = None
    if priority.uses_quota:
        if policy.kecamatan_quota is not None:
            given = scenario.first("policy.kecamatan_quota")
            share = np.array([given.get(k, 0.0) for k in kec_names])
        else:
            share = scenario.segment_shares.reshape(len(kec_names), -1).sum(axis=1)
        quota = share[kec_index]
    if policy.budget_ceiling is not None:
        monthly = scenario.monthly_array("policy.budget_ceiling")
        first_of_year = pd_first_of_year(h.year)
        ceiling = monthly[first_of_year][None, :]
    else:
        ceiling = np.full((1, h.n_months), np.inf)
    year_start = np.r_[True, h.year[1:] != h.year[:-1]]
    unit = unit_cost(scenario, CEILING_PAYER)
    remaining = np.empty_like(unit)
    for y in np.unique(h.year):
        rows = np.flatnonzero(h.year == y)
        remaining[rows] = np.cumsum(unit[rows][::-1], axis=0)[::-1]
    return Enrolment(rank, quota, kec_index, ceiling, year_start, unit, remaining, priority.name)


def pd_first_of_year(year: np.ndarray) -> np.ndarray:
    """For each month, the index of the first simulated month of its fiscal year."""
    starts = np.r_[True, year[1:] != year[:-1]]
    return np.maximum.accumulate(np.where(starts, np.arange(len(year)), 0))


def allocate(eligible: np.ndarray, amount: np.ndarray, rule: Enrolment) -> np.ndarray:
    """Spread ``amount`` (P,) enrolments over segments by the priority rule.

    ``amount`` must not exceed the eligible total. Rank 0 segments are served
    first; within a rank the rule's expected-value form spreads the enrolments
    (:mod:`simulation.rules.priority`: pro rata to the eligible UMKM, or by
    kecamatan quota with what a kecamatan cannot use spread over the rest).
    """
    out = np.zeros_like(eligible)
    left = amount.astype(float).copy()
    spread = priority_rule(rule.priority).expected
    for r in np.unique(rule.rank):
        in_rank = rule.rank == r
        elig = np.where(in_rank, eligible, 0.0)
        take = np.minimum(left, elig.sum(axis=1))
        out += spread(elig, take, rule.kecamatan, rule.quota)
        left -= take
    return out


def allocate_within(
    eligible: np.ndarray, wanted: np.ndarray, money: np.ndarray, cost: np.ndarray, rule: Enrolment, steps: int = 60
) -> np.ndarray:
    """The largest allocation by the priority rule that ``money`` (P,) pays for at ``cost`` (G,) each.

    The allocation of an amount is monotone in the amount, so the largest
    affordable amount is found by bisection (to about 1e-18 of ``wanted``); the
    answer never costs more than ``money``.
    """
    full = allocate(eligible, wanted, rule)
    if ((full * cost).sum(axis=1) <= money).all():
        return full
    lo, hi = np.zeros_like(wanted), wanted.astype(float).copy()
    for _ in range(steps):
        mid = 0.5 * (lo + hi)
        fits = (allocate(eligible, mid, rule) * cost).sum(axis=1) <= money
        lo = np.where(fits, mid, lo)
        hi = np.where(fits, hi, mid)
    return allocate(eligible, lo, rule)


def fit_budget(members: np.ndarray, cost: np.ndarray, money: np.ndarray, rank: np.ndarray) -> np.ndarray:
    """Keep as many of ``members`` (P, G) as ``money`` (P,) pays for at ``cost`` (G,) each,
    serving ranks in order and scaling the last rank served pro rata."""
    kept = np.zeros_like(members)
    left = np.maximum(money, 0.0).astype(float)
    for r in np.unique(rank):
        in_rank = rank == r
        need = (members[:, in_rank] * cost[in_rank]).sum(axis=1)
        with np.errstate(over="ignore"):
            frac = np.minimum(1.0, np.divide(left, need, out=np.ones_like(need), where=need > 0))
        kept[:, in_rank] = members[:, in_rank] * frac[:, None]
        left = np.maximum(left - frac * need, 0.0)
    return kept
