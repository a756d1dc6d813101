"""Invariants every result satisfies, checked on its own tables with the variable registry.

- no count and no rupiah amount is negative or missing (every stock, flow and money variable of the
  month; a variable recorded only at year ends may be missing in the other months);
- money adds up: the public cost of a subsidised member-month is the contribution times the public
  payers' share (facts F0.2, F1.4, F1.6), every payer's bill adds up to subsidised members x
  contribution, self-paying members pay the contribution less the self-pay discount (F1.6);
- population is conserved: the states add up to the UMKM at the start plus all entrants
  (docs/model.md); UMKM protected never exceed the open population; enrolment never exceeds the
  rollout;
- the annual table is the months aggregated as each variable says (sum, last, first, mean), and
  coverage against the target is defined.

Each function returns a list of failures (empty when all hold), each naming the month or year and
the numbers involved. The starting population is what the result recorded (:attr:`Result.start`),
never read again from the registry.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulation.core.states import STATE_NAMES, State
from simulation.outputs import budget
from simulation.outputs.variables import MONTH, YEAR, variables_for
from simulation.population.registry import registry_path

RTOL = 1e-6
"""Relative tolerance of the identities (floating point only)."""
ATOL_COUNT = 1e-6
"""Absolute tolerance for counts (expected UMKM, may be fractional)."""
ATOL_RUPIAH = 1.0
"""Absolute tolerance for money: a rupiah."""


def _close(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.isclose(a, b, rtol=RTOL, atol=ATOL_RUPIAH)


def _first(mask: np.ndarray) -> int:
    return int(np.flatnonzero(mask)[0])


def start_total(result) -> tuple[float, float]:
    """(UMKM at the start, of which already enrolled: subsidised, mandiri or lapsed).

    From the result's recorded start when it has one; otherwise ``population.initial_umkm`` all
    eligible, which holds only for a scenario without a registry.

    Raises
    ------
    ValueError
        For a result without a recorded start whose scenario reads a registry.
    """
    start = getattr(result, "start", None)
    if start is not None:
        start = np.asarray(start, dtype=float)
        return float(start.sum()), float(start[:, State.SUBSIDISED : State.CLOSED].sum())
    if registry_path(result.scenario) is not None:
        raise ValueError("the result does not record its starting population and the scenario has a registry")
    return float(result.scenario.first("population.initial_umkm")), 0.0


def present(result, frame: pd.DataFrame, grain: str) -> list:
    """The registry's variables of ``grain`` that the table ``frame`` holds."""
    return [v for v in variables_for(result.scenario, result.payers) if grain in v.grain and v.name in frame]


def no_negatives(result, monthly: pd.DataFrame) -> list[str]:
    """Every stock, flow and money variable of the month is present and not negative."""
    failures = []
    months = monthly["month"].to_numpy()
    for var in present(result, monthly, MONTH):
        if var.kind == "ratio":
            continue
        values = monthly[var.name].to_numpy(dtype=float)
        missing = np.isnan(values) if not var.sampled else np.zeros(len(values), dtype=bool)
        floor = -ATOL_RUPIAH if var.kind == "money" else -ATOL_COUNT
        bad = missing | np.isinf(values) | (values < floor)
        if bad.any():
            i = _first(bad)
            failures.append(f"{var.name} is negative or missing in {months[i]}: {float(values[i])!r}")
    return failures


def money_adds_up(result, monthly: pd.DataFrame) -> list[str]:
    """Public cost, payers' bills and self-payments agree with members x contribution."""
    scenario, payers = result.scenario, list(result.payers)
    failures = []
    months = monthly["month"].to_numpy()
    rate = sum(budget.contributions(scenario).values()) * budget.funded(scenario)  # rupiah per member-month, (T,)
    names, shares = budget.payer_shares(scenario)  # (T, G, n): group payers make shares vary by segment
    public = np.array([budget.is_public(p) for p in names], dtype=float)
    public_share = shares @ public  # (T, G)
    lo, hi = public_share.min(axis=1), public_share.max(axis=1)
    subsidised = monthly["subsidised"].to_numpy(dtype=float)
    cost = monthly["subsidy_cost"].to_numpy(dtype=float)
    low, high = subsidised * rate * lo, subsidised * rate * hi
    bad = ~(_close(cost, low) | _close(cost, high) | ((cost >= low) & (cost <= high)))
    if bad.any():
        i = _first(bad)
        per = cost[i] / subsidised[i] if subsidised[i] else float("nan")
        paid = (
            f"Rp{rate[i] * lo[i]:,.2f}"
            if lo[i] == hi[i]
            else f"between Rp{rate[i] * lo[i]:,.2f} and Rp{rate[i] * hi[i]:,.2f}"
        )
        failures.append(
            f"public cost per subsidised member-month in {months[i]} is Rp{per:,.2f}, "
            f"but the contribution paid by public payers is {paid}"
        )
    billed = sum(monthly[f"cost_{p}"].to_numpy(dtype=float) for p in payers)
    bad = ~_close(billed, subsidised * rate)
    if bad.any():
        i = _first(bad)
        failures.append(
            f"payers are billed Rp{billed[i]:,.0f} in {months[i]} for {subsidised[i]:,.1f} subsidised members "
            f"at Rp{rate[i]:,.0f}: expected Rp{subsidised[i] * rate[i]:,.0f}"
        )
    discount = scenario.monthly_array("contribution.self_pay_discount")
    expected_self = monthly["mandiri"].to_numpy(dtype=float) * rate * (1.0 - discount)
    bad = ~_close(monthly["self_paid"].to_numpy(dtype=float), expected_self)
    if bad.any():
        i = _first(bad)
        failures.append(
            f"self-paying members pay Rp{monthly['self_paid'].iloc[i]:,.0f} in {months[i]}; "
            f"mandiri x contribution x (1 - discount) is Rp{expected_self[i]:,.0f}"
        )
    return failures


def population_conserved(result, monthly: pd.DataFrame) -> list[str]:
    """States add up to the start plus entrants; protection within the open population; enrolment
    within the rollout (members suspended by a ceiling may be enrolled again)."""
    failures = []
    months = monthly["month"].to_numpy()
    initial, enrolled_at_start = start_total(result)
    entrants = np.cumsum(monthly["entered"].to_numpy(dtype=float))
    population = initial + entrants - monthly["closed_end"].to_numpy(dtype=float)
    covered_end = monthly["subsidised_end"].to_numpy(dtype=float) + monthly["mandiri_end"].to_numpy(dtype=float)
    bad = covered_end > population * (1 + RTOL) + ATOL_COUNT
    if bad.any():
        i = _first(bad)
        failures.append(
            f"UMKM protected ({covered_end[i]:,.1f}) exceed the open UMKM population ({population[i]:,.1f}: "
            f"initial plus entrants less closures) in {months[i]}"
        )
    total = sum(monthly[f"{s}_end"].to_numpy(dtype=float) for s in STATE_NAMES)
    expected_total = initial + entrants
    bad = ~np.isclose(total, expected_total, rtol=RTOL, atol=1e-3)
    if bad.any():
        i = _first(bad)
        failures.append(
            f"the states add up to {total[i]:,.1f} UMKM in {months[i]}, not the initial UMKM plus entrants "
            f"({expected_total[i]:,.1f})"
        )
    rollout = result.scenario.monthly_array("policy.rollout")
    enrolled = enrolled_at_start + np.cumsum(
        monthly["enrolled"].to_numpy(dtype=float) - monthly["suspended"].to_numpy(dtype=float)
    )
    bad = enrolled > rollout * (1 + RTOL) + ATOL_COUNT
    if bad.any():
        i = _first(bad)
        failures.append(f"{enrolled[i]:,.1f} UMKM enrolled by {months[i]}, above the rollout target {rollout[i]:,.0f}")
    return failures


AGGREGATE = {"sum": "sum", "last": "last", "first": "first", "mean": "mean"}
"""Each ``per_year`` rule as a pandas group aggregation."""


def annual_matches_months(result, annual: pd.DataFrame, monthly: pd.DataFrame) -> list[str]:
    """Every annual variable aggregated from a monthly one is its months' sum, last, first or mean."""
    failures = []
    by_year = monthly.groupby("year", sort=True)
    got_years = annual["year"].to_numpy()
    for var in present(result, annual, YEAR):
        if var.per_year not in AGGREGATE or var.monthly_name not in monthly:
            continue
        expected = by_year[var.monthly_name].agg(AGGREGATE[var.per_year]).reindex(got_years).to_numpy(dtype=float)
        got = annual[var.name].to_numpy(dtype=float)
        atol = ATOL_RUPIAH if var.kind == "money" else ATOL_COUNT
        bad = ~np.isclose(got, expected, rtol=RTOL, atol=atol, equal_nan=True)
        if bad.any():
            i = _first(bad)
            failures.append(
                f"annual {var.name} {got_years[i]} ({got[i]:,.2f}) is not the {var.per_year} of its months "
                f"({var.monthly_name}: {expected[i]:,.2f})"
            )
    coverage = annual["coverage_end"].to_numpy(dtype=float)
    bad = ~np.isfinite(coverage) | (coverage < 0)
    if bad.any():
        failures.append(
            f"coverage against the target is undefined or negative in {got_years[_first(bad)]} (is the target zero?)"
        )
    return failures


def failures(result) -> list[str]:
    """Every invariant that ``result`` breaks (empty when all hold).

    Parameters
    ----------
    result : Result
        Anything with ``scenario``, ``payers``, ``monthly()`` and ``annual()`` (and ``start``, the
        UMKM per segment and state at the start, when the scenario has a registry).
    """
    monthly = result.monthly()
    out = no_negatives(result, monthly)
    out += money_adds_up(result, monthly)
    out += population_conserved(result, monthly)
    out += annual_matches_months(result, result.annual(), monthly)
    return out
