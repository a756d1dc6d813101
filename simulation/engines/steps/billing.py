"""Step c, billing: every member covered this month is billed for the whole month.

The engines record the stocks billed; the ledger (:mod:`simulation.outputs.budget`) prices them.
"""

from __future__ import annotations


def expected(s, t: int) -> None:
    """Record the expected stocks billed in month ``t`` and the members in arrears (covered, unbilled)."""
    s.billed[t] = s.x
    s.stocks["arrears"][t] = s.arrears.sum(axis=2)


def agents(s, t: int) -> None:
    """Record the agents billed in month ``t`` by segment and state, and those in arrears."""
    s.billed[t] = s.counts
    s.stocks["arrears"][t] = s.arrears
