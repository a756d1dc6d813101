"""Plausibility guard-rails every scenario run passes before a report is published.

They check magnitudes a broken change would upset, on the result's own tables:

- the public cost of a subsidised member-month equals the contribution it pays
  (JKK + JKM + JHT times the public payers' share, facts F0.2, F1.4, F1.6);
- every payer's bill adds up to subsidised members x contribution;
- self-paying members pay the contribution less the self-pay discount (F1.6);
- no count and no rupiah amount is negative or missing;
- UMKM protected never exceed the open population, and enrolment never exceeds the rollout;
- the states add up to the initial UMKM plus all entrants (docs/model.md);
- the annual table adds up to the monthly one.

:func:`check` raises :class:`PlausibilityError` naming every failed check with the month or
year and the numbers involved.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulation.engines.cohort import registry_states
from simulation.outputs import budget

RTOL = 1e-6
"""Relative tolerance of the money identities (floating point only)."""
ATOL_COUNT = 1e-6
"""Absolute tolerance for counts (expected UMKM, may be fractional)."""


class PlausibilityError(ValueError):
    """A run's results fail a guard-rail; the message lists each failure."""

    def __init__(self, scenario: str, failures: list[str]):
        self.failures = failures
        lines = "\n".join(f"  - {f}" for f in failures)
        super().__init__(f"scenario {scenario}: {len(failures)} plausibility check(s) failed\n{lines}")


def _first_bad(mask: np.ndarray, labels) -> str:
    idx = int(np.flatnonzero(mask)[0])
    return str(labels[idx])


def _close(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.isclose(a, b, rtol=RTOL, atol=1.0)  # within a rupiah


def registry_states_or_none(scenario):
    """UMKM per segment and state in the scenario's registry (G, 5), or None without one."""

    return registry_states(scenario)


def starting_umkm(scenario, registry=None) -> float:
    """UMKM at the start: the registry's rows (``registry``, from :func:`registry_states_or_none`) if
    the scenario has one, else ``population.initial_umkm``."""
    return float(scenario.first("population.initial_umkm") if registry is None else registry.sum())


def check_monthly(scenario, monthly: pd.DataFrame, payers: list[str]) -> list[str]:
    """Failures of the monthly guard-rails (empty when all pass)."""
    failures = []
    months = monthly["month"].to_numpy()
    states = ["eligible", "subsidised", "mandiri", "lapsed", "closed"]
    counts = [*states, *[f"{s}_end" for s in states], "covered"]
    for col in counts:
        values = monthly[col].to_numpy(dtype=float)
        bad = ~np.isfinite(values) | (values < -ATOL_COUNT)
        if bad.any():
            failures.append(f"{col} is negative or missing in {_first_bad(bad, months)}: {float(values[bad][0])!r}")
    money = [f"cost_{p}" for p in payers] + ["subsidy_cost", "self_paid"]
    for col in money:
        values = monthly[col].to_numpy(dtype=float)
        bad = ~np.isfinite(values) | (values < -1.0)
        if bad.any():
            failures.append(f"{col} is negative or missing in {_first_bad(bad, months)}: {float(values[bad][0])!r}")

    rate = sum(budget.contributions(scenario).values())  # rupiah per member-month, (T,)
    names, shares = budget.payer_shares(scenario)  # (T, G, n): group payers make shares vary by segment
    public = np.array([budget.is_public(p) for p in names], dtype=float)
    public_share = shares @ public  # (T, G)
    lo, hi = public_share.min(axis=1), public_share.max(axis=1)
    subsidised = monthly["subsidised"].to_numpy(dtype=float)
    cost = monthly["subsidy_cost"].to_numpy(dtype=float)
    low, high = subsidised * rate * lo, subsidised * rate * hi
    bad = ~(_close(cost, low) | _close(cost, high) | ((cost >= low) & (cost <= high)))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
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
        i = int(np.flatnonzero(bad)[0])
        failures.append(
            f"payers are billed Rp{billed[i]:,.0f} in {months[i]} for {subsidised[i]:,.1f} subsidised members "
            f"at Rp{rate[i]:,.0f}: expected Rp{subsidised[i] * rate[i]:,.0f}"
        )
    discount = scenario.monthly_array("contribution.self_pay_discount")
    expected_self = monthly["mandiri"].to_numpy(dtype=float) * rate * (1.0 - discount)
    bad = ~_close(monthly["self_paid"].to_numpy(dtype=float), expected_self)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        failures.append(
            f"self-paying members pay Rp{monthly['self_paid'].iloc[i]:,.0f} in {months[i]}; "
            f"mandiri x contribution x (1 - discount) is Rp{expected_self[i]:,.0f}"
        )

    entrants = np.cumsum(monthly["entered"].to_numpy(dtype=float))
    registry = registry_states_or_none(scenario)  # read once: the file may be large
    initial = starting_umkm(scenario, registry)
    population = initial + entrants - monthly["closed_end"].to_numpy(dtype=float)
    covered_end = monthly["subsidised_end"].to_numpy(dtype=float) + monthly["mandiri_end"].to_numpy(dtype=float)
    bad = covered_end > population * (1 + RTOL) + ATOL_COUNT
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        failures.append(
            f"UMKM protected ({covered_end[i]:,.1f}) exceed the open UMKM population ({population[i]:,.1f}: "
            f"initial plus entrants less closures) in {months[i]}"
        )

    total = sum(monthly[f"{s}_end"].to_numpy(dtype=float) for s in states)
    expected_total = initial + entrants
    bad = ~np.isclose(total, expected_total, rtol=RTOL, atol=1e-3)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        failures.append(
            f"the states add up to {total[i]:,.1f} UMKM in {months[i]}, not the initial UMKM plus entrants "
            f"({expected_total[i]:,.1f})"
        )
    rollout = scenario.monthly_array("policy.rollout")
    # members suspended by a budget ceiling are no longer enrolled: they may be enrolled again
    enrolled = np.cumsum(monthly["enrolled"].to_numpy(dtype=float) - monthly["suspended"].to_numpy(dtype=float))
    if registry is not None:
        enrolled = enrolled + registry[:, 1:4].sum()  # subsidised, mandiri, lapsed at the start
    bad = enrolled > rollout * (1 + RTOL) + ATOL_COUNT
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        failures.append(f"{enrolled[i]:,.1f} UMKM enrolled by {months[i]}, above the rollout target {rollout[i]:,.0f}")
    return failures


def check_annual(annual: pd.DataFrame, monthly: pd.DataFrame) -> list[str]:
    """Failures of the annual guard-rails: sums agree with the months, coverage is defined."""
    failures = []
    by_year = monthly.groupby("year")["subsidy_cost"].sum()
    got = annual.set_index("year")["subsidy_cost"]
    bad = ~_close(got.to_numpy(dtype=float), by_year.reindex(got.index).to_numpy(dtype=float))
    if bad.any():
        year = got.index[np.flatnonzero(bad)[0]]
        failures.append(f"annual public cost {year} (Rp{got[year]:,.0f}) is not the sum of its months")
    coverage = annual["coverage_end"].to_numpy(dtype=float)
    bad = ~np.isfinite(coverage) | (coverage < 0)
    if bad.any():
        year = annual["year"].iloc[np.flatnonzero(bad)[0]]
        failures.append(f"coverage against the target is undefined or negative in {year} (is the target zero?)")
    return failures


def check(result) -> None:
    """Run every guard-rail on a result; raise :class:`PlausibilityError` if any fails.

    Parameters
    ----------
    result : Result
        Anything with ``scenario``, ``payers``, ``monthly()`` and ``annual()``.
    """
    monthly = result.monthly()
    failures = check_monthly(result.scenario, monthly, list(result.payers))
    failures += check_annual(result.annual(), monthly)
    if failures:
        raise PlausibilityError(result.scenario.name, failures)
