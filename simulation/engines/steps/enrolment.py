"""Step b, enrolment: up to the cumulative rollout target, in the priority rule's order, within the
budget ceiling (``docs/fiscal.md``); nobody is enrolled in a month the payers do not fund
(``policy.months_funded``).

At a fiscal year's start, if the year's ceiling cannot carry every subsidised member to the
year's end, the lowest-priority members are suspended (back to eligible, heading the waiting
list); then eligible UMKM are enrolled up to the rollout, as many as the money left pays for.
The priority rules' two forms live in :mod:`simulation.rules.priority`; the ceiling's arithmetic
in :mod:`simulation.engines.enrolment` (expected counts) and
:mod:`simulation.engines.micro_enrolment` (whole UMKM).
"""

from __future__ import annotations

import numpy as np

from simulation.engines.enrolment import allocate, allocate_within, fit_budget
from simulation.engines.state import NOT_COVERED, E, S


def expected(s, t: int) -> None:
    """Suspension at a year's start, then expected enrolments by segment (pro rata without a rule)."""
    inputs, x, rule = s.inputs, s.x, s.inputs.enrolment
    P = x.shape[0]
    capped = rule is not None and rule.capped
    suspended = np.zeros(x.shape[:2])
    if capped and rule.year_start[t]:
        s.spent = np.zeros(P)
        kept = fit_budget(x[:, :, S], rule.remaining_cost[t], rule.ceiling[:, t], rule.rank)
        suspended = x[:, :, S] - kept
        if s.twin is not None:
            s.twin.suspend(np.divide(suspended, x[:, :, S], out=np.zeros_like(kept), where=x[:, :, S] > 0))
        x[:, :, S] = kept
        x[:, :, E] += suspended
        s.ever_enrolled -= suspended.sum(axis=1)
    wanted = np.minimum(np.maximum(inputs.rollout[:, t] - s.ever_enrolled, 0.0), x[:, :, E].sum(axis=1))
    if inputs.funded is not None:  # no enrolment in a month the payers do not fund
        wanted = wanted * inputs.funded[:, t]
    if not wanted.any():  # the rollout is reached (or the month unfunded) in every sample
        desired = enrolled = np.zeros(x.shape[:2])
    elif rule is None:
        total = x[:, :, E].sum(axis=1)
        desired = x[:, :, E] * np.divide(wanted, total, out=np.zeros(P), where=total > 0)[:, None]
        enrolled = desired
    else:
        desired = allocate(x[:, :, E], wanted, rule)
        enrolled = desired
        if capped:
            committed = (x[:, :, S] * rule.remaining_cost[t]).sum(axis=1)
            money = rule.ceiling[:, t] - s.spent - committed
            enrolled = allocate_within(x[:, :, E], wanted, money, rule.remaining_cost[t], rule)
    s.waiting[t] = desired - enrolled
    if s.twin is not None:
        eligible = x[:, :, E]
        s.twin.enrol(np.divide(enrolled, eligible, out=np.zeros_like(enrolled), where=eligible > 0))
    x[:, :, E] -= enrolled
    x[:, :, S] += enrolled
    s.ever_enrolled += enrolled.sum(axis=1)
    if capped:
        s.spent += (x[:, :, S] * rule.unit_cost[t]).sum(axis=1)
    s.flows["suspended"][t] = suspended
    s.flows["enrolled"][t] = enrolled


def agents(s, t: int) -> None:
    """Suspension at a year's start, then whole agents enrolled in the rule's order within the money left."""
    ag, policy = s.ag, s.policy
    if policy.capped and policy.rule.year_start[t]:
        s.spent = 0.0
        s.ever_enrolled -= _suspend(s, t)
    wanted = int(np.floor(s.monthly.rollout[0, t] - s.ever_enrolled + 0.5))
    if s.monthly.funded is not None and not s.monthly.funded[0, t] > 0:
        wanted = 0  # no enrolment in a month the payers do not fund
    if wanted > 0 and s.counts[:, E].sum() > 0:
        elig = np.flatnonzero(ag.status[: ag.n] == E)
        if policy.plain:  # first come, no ceiling: the highest priority scores
            if wanted < len(elig):
                elig = elig[np.argpartition(-ag.priority[elig], wanted - 1)[:wanted]]
            waits = elig[:0]
        else:
            money = np.inf
            if policy.capped:
                committed = float(s.counts[:, S] @ policy.rule.remaining_cost[t])
                money = policy.ceiling[t] - s.spent - committed
            elig, waits = policy.choose(
                elig,
                ag.segment[elig],
                ag.priority[elig],
                ag.suspended[elig],
                wanted,
                money,
                policy.rule.remaining_cost[t],
            )
        s.move(elig, S)
        ag.enrolled[elig] = t
        ag.covered_since[elig] = t
        ag.suspended[elig] = 0
        s.ever_enrolled += len(elig)
        s.flows["enrolled"][t] = s.per_segment(elig)
        s.waiting[t] = s.per_segment(waits)
    if policy.capped:
        s.spent += float(s.counts[:, S] @ policy.rule.unit_cost[t])


def _suspend(s, t: int) -> int:
    """At a fiscal year's start: keep the subsidised agents the year's ceiling carries to the year's
    end, in priority order; the rest go back to eligible, lose cover and head the waiting list.
    Returns the number suspended."""
    ag, policy = s.ag, s.policy
    sub = np.flatnonzero(ag.status[: ag.n] == S)
    cost = policy.rule.remaining_cost[t]
    if not len(sub) or cost[ag.segment[sub]].sum() <= policy.ceiling[t]:
        return 0
    seg = ag.segment[sub]
    kept, _ = policy.choose(sub, seg, ag.priority[sub], np.zeros(len(sub), np.int8), len(sub), policy.ceiling[t], cost)
    out = np.setdiff1d(sub, kept, assume_unique=True)
    s.move(out, E)
    ag.covered_since[out] = NOT_COVERED
    ag.enrolled[out] = -1
    ag.suspended[out] = 1
    s.flows["suspended"][t] = s.per_segment(out)
    return len(out)
