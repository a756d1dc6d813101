"""Plausibility guard-rails every scenario run passes before a report is published.

The checks are the result's invariants (:mod:`simulation.outputs.invariants`: no negative or
missing count or rupiah, money adds up, population conserved, enrolment within the rollout, the
annual table aggregated from the months as the variable registry says, coverage defined). This
module turns their failures into the error a report stops on.

:func:`check` raises :class:`PlausibilityError` naming every failed check with the month or
year and the numbers involved.
"""

from __future__ import annotations

from simulation.outputs import invariants


class PlausibilityError(ValueError):
    """A run's results fail a guard-rail; the message lists each failure."""

    def __init__(self, scenario: str, failures: list[str]):
        self.failures = failures
        lines = "\n".join(f"  - {f}" for f in failures)
        super().__init__(f"scenario {scenario}: {len(failures)} plausibility check(s) failed\n{lines}")


def check(result) -> None:
    """Run every guard-rail on a result; raise :class:`PlausibilityError` if any fails.

    Parameters
    ----------
    result : Result
        Anything with ``scenario``, ``payers``, ``monthly()`` and ``annual()`` (and ``start`` when
        the scenario reads a registry).
    """
    failures = invariants.failures(result)
    if failures:
        raise PlausibilityError(result.scenario.name, failures)
