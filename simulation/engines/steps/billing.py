"""Step c, billing: every member covered this month is billed for the whole month.

The engines record the stocks billed; the ledger (:mod:`simulation.outputs.budget`) prices them, and
charges nothing for subsidised members in a month the payers do not fund (``policy.months_funded``).
Billing also counts the subsidised members' months of contributions in the fiscal year, from which
BPJS-TK counts them toward its coverage targets (``counted_bpjs``: one member per six months paid,
pro rata below, facts G4.2); and, in the micro engine, a run of unfunded months longer than
:data:`~simulation.engines.state.ARREARS_MONTHS` ends the subsidised agents' membership (facts G4.1):
their continuous cover restarts in the next funded month.
"""

from __future__ import annotations

import numpy as np

from simulation.engines.kernels import billing as kernel
from simulation.engines.state import ARREARS_MONTHS, COUNTED_MONTHS, S
from simulation.scenario.prices import unfunded_run

WEIGHTS = np.minimum(np.arange(COUNTED_MONTHS + 1), COUNTED_MONTHS) / COUNTED_MONTHS
"""How much a member with 0, 1, ..., six or more months paid in the year counts (G4.2)."""


def _flag(values, t: int, default: bool, samples: int = 1) -> np.ndarray:
    """``values[:, t] > 0`` per sample, shape (samples,), or ``default`` when the input is absent."""
    return np.full(samples, default) if values is None else values[:, t] > 0


def expected(s, t: int) -> None:
    """Record the expected stocks billed in month ``t``, the members in arrears (covered, unbilled)
    and the subsidised members counted by BPJS-TK.

    The subsidised are carried by months paid this fiscal year; members who left the subsidy since
    the last billing leave every band alike, this month's enrolments join with none, and a funded
    month adds one to everyone's months paid.
    """
    inputs = s.inputs
    s.billed[t] = s.x
    s.stocks["arrears"][t] = s.arrears.sum(axis=2)
    if s.paid is None:  # not recorded (a sampled evaluation)
        return
    paid, sub, enrolled = s.paid, s.x[:, :, S], s.flows["enrolled"][t]
    before = paid.sum(axis=2)
    paid *= np.divide(sub - enrolled, before, out=np.zeros_like(sub), where=before > 0).clip(0.0, 1.0)[..., None]
    new_year = _flag(inputs.year_start, t, t == 0, len(paid))
    paid[new_year, :, 0] = paid[new_year].sum(axis=2)
    paid[new_year, :, 1:] = 0.0
    paid[:, :, 0] += enrolled
    funded = _flag(inputs.funded, t, True, len(paid))
    if funded.all():  # one more month paid for everyone (six or more stay in the last band)
        paid[:, :, -1] += paid[:, :, -2]
        paid[:, :, 1:-1] = paid[:, :, :-2].copy()
        paid[:, :, 0] = 0.0
    elif funded.any():
        shifted = np.zeros_like(paid)
        shifted[:, :, 1:] = paid[:, :, :-1]
        shifted[:, :, -1] += paid[:, :, -1]
        paid[funded] = shifted[funded]
    s.stocks["counted_bpjs"][t] = paid @ WEIGHTS


def agents(s, t: int) -> None:
    """Record the agents billed in month ``t`` by segment and state, those in arrears and the
    subsidised agents counted by BPJS-TK (each by its months paid this fiscal year)."""
    ag = s.ag
    s.billed[t] = s.counts
    s.stocks["arrears"][t] = s.arrears
    plan = s.per_month.get("billing")
    if plan is None:  # the same every replicate: computed once per replicate, not once a month
        plan = s.per_month["billing"] = _plan(s.monthly, len(s.billed))
    funded, new_year, cover = plan
    counted = np.zeros(s.G)
    fields = (ag.status, ag.segment, ag.paid_year, ag.covered_since, ag.n)
    members = s.scratch("members", ag.n, np.int32)
    kernel.subsidised(*fields, new_year[t], funded[t], cover[t], t, WEIGHTS, counted, members)  # compiled
    s.stocks["counted_bpjs"][t] = counted


def _plan(mi, T: int) -> tuple[list, list, list]:
    """For each month of ``T``: whether the payers fund it, whether a fiscal year starts, and what
    happens to the subsidised agents' cover (``kernel.KEEP``, ``END_COVER`` after a fourth unfunded
    month in a row, facts G4.1, or ``NEW_SPELL`` in the first funded month after such a run)."""
    funded = (np.ones(T, bool) if mi.funded is None else (mi.funded > 0).all(axis=0)).tolist()
    new_year = (np.arange(T) == 0 if mi.year_start is None else (mi.year_start > 0).all(axis=0)).tolist()
    cover = [kernel.KEEP] * T
    if mi.funded is not None:
        run = unfunded_run(mi.funded[0])  # consecutive unfunded months
        for t in range(T):
            if run[t] == ARREARS_MONTHS + 1:  # membership ends (G4.1)
                cover[t] = kernel.END_COVER
            elif funded[t] and t > 0 and run[t - 1] > ARREARS_MONTHS:
                cover[t] = kernel.NEW_SPELL  # a new spell of cover
    return funded, new_year, cover
