"""Step d's passes over the agents (:mod:`simulation.engines.steps.month_end`): closure, then the self-payers.

The open agents whose closure month it is close (they leave arrears and cover); then each mandiri
member draws whether it stops paying, each lapsed one whether it resumes (stream ``self_pay``, one
draw per agent per month, compared as raw bits with ``p * 2**64`` as
:meth:`simulation.core.streams.Streams.bernoulli` does); unpaid months age and a third unpaid
month ends cover (facts F1.7). An agent's closure and draw read and write that agent alone (its
draw is a function of its index), so closing everyone first, then drawing for the self-payers
left, in any order, gives what one pass over the agents gave. The self-payers are not found by a
scan of every agent but read from a list the engine keeps (:attr:`MicroState.payers`). The counts
by segment and state, the arrears and the month's flows are updated in the same passes.
"""

from __future__ import annotations

import numpy as np

from simulation.core.states import State
from simulation.engines.kernels import streams
from simulation.engines.state import ARREARS_MONTHS, NOT_COVERED

KERNELS = ("month_end",)

M, L, C = np.int8(State.MANDIRI), np.int8(State.LAPSED), np.int8(State.CLOSED)
CLOSURES, LAPSES, REACTIVATED, LOST_COVER = 0, 1, 2, 3
"""Rows of ``flows`` (:func:`month_end`)."""
BLOCK = 16
"""Agents checked at once for a closure this month."""


def month_end(
    close_month,
    status,
    unpaid,
    covered_since,
    segment,
    n,
    t,
    base,
    stop_limit,
    resume_limit,
    counts,
    arrears,
    flows,
    mandiri,
    lapsed,
    k,
):
    """Close, then stop, resume or age each self-payer among the first ``n`` agents, in place.

    Parameters
    ----------
    close_month : ndarray of int16
        Month at whose end each agent closes (drawn once, :func:`simulation.engines.state.closure_months`).
    status, unpaid, covered_since, segment : ndarray (int8, int8, int16, int16)
        The agents' fields (:class:`simulation.engines.state.AgentState`); the first three are updated.
    n : int
        Agents in use.
    t : int
        Month index: open agents with ``close_month == t`` close (and lose cover); a member back
        from non-active status is covered from ``t + 1``.
    base : uint64
        The ``self_pay`` stream's base for month ``t`` (:meth:`Streams.base`).
    stop_limit, resume_limit : uint64
        ``p * 2**64`` (capped) for the monthly lapse and reactivation probabilities.
    counts : ndarray of int64, shape (G, 5)
        Agents per segment and state, updated.
    arrears : ndarray of int64, shape (G,)
        Lapsed agents in their first three unpaid months, updated.
    flows : ndarray of int32, shape (4, G)
        This month's closures, lapses, reactivations and losses of cover by segment (rows
        ``CLOSURES``, ``LAPSES``, ``REACTIVATED``, ``LOST_COVER``), added to.
    mandiri, lapsed : ndarray of int32
        Their first ``k[0]`` and ``k[1]`` entries list, in any order and each once, every mandiri
        and every lapsed agent (and possibly agents that no longer are); rewritten in place to
        list those of the month's end (length at least ``k[0] + k[1]`` each).
    k : ndarray of int64, shape (2,)
        Entries of ``mandiri`` and ``lapsed`` in use, updated.
    """
    # Closures: each block of BLOCK agents is first checked for a closure this month by a loop of
    # fixed length without a branch (compiled to vector instructions); only the blocks with one
    # (a few percent of agents close in a year) are walked one agent at a time.
    month = np.int16(t)
    for lo in range(0, n, BLOCK):
        hi = min(lo + BLOCK, n)
        if hi - lo == BLOCK:
            hits = np.int16(0)
            for i in range(lo, lo + BLOCK):
                hits |= np.int16(close_month[i] == month)
            if hits == 0:
                continue
        for i in range(lo, hi):
            st = status[i]
            if close_month[i] == month and st != C:
                g = segment[i]
                if st == L and unpaid[i] <= ARREARS_MONTHS:
                    arrears[g] -= 1
                counts[g, st] -= 1
                counts[g, C] += 1
                status[i] = C
                covered_since[i] = NOT_COVERED
                flows[CLOSURES, g] += 1
    # The self-payers: read from the two lists the engine keeps, not found by a scan of every agent
    # (a third of the agents or fewer pay for themselves), the mandiri and the lapsed apart (a
    # branch on the state of agents mixed at random is mispredicted often). An agent's draw is a
    # function of its index and the counts are integers, so the order of the lists changes
    # nothing. Agents closed above leave the lists; those that stop or resume paying change list
    # after both passes (each agent draws once).
    km, kl = k[0], k[1]
    resumed = np.empty(kl, np.int32)
    kept, moved = 0, 0
    for j in range(kl):
        i = lapsed[j]
        if status[i] != L:
            continue
        g = segment[i]
        u = unpaid[i]
        if streams.bits(base, i) < resume_limit:
            if u <= ARREARS_MONTHS:
                arrears[g] -= 1
            else:
                covered_since[i] = t + 1
            status[i] = M
            unpaid[i] = 0
            counts[g, L] -= 1
            counts[g, M] += 1
            flows[REACTIVATED, g] += 1
            resumed[moved] = i
            moved += 1
        else:
            lapsed[kept] = i
            kept += 1
            if u == ARREARS_MONTHS:
                arrears[g] -= 1
                covered_since[i] = NOT_COVERED
                flows[LOST_COVER, g] += 1
            unpaid[i] = min(u + 1, ARREARS_MONTHS + 1)
    kl = kept
    kept = 0
    for j in range(km):
        i = mandiri[j]
        if status[i] != M:
            continue
        if streams.bits(base, i) < stop_limit:
            g = segment[i]
            status[i] = L
            unpaid[i] = 1
            counts[g, M] -= 1
            counts[g, L] += 1
            arrears[g] += 1
            flows[LAPSES, g] += 1
            lapsed[kl] = i
            kl += 1
        else:
            mandiri[kept] = i
            kept += 1
    for j in range(moved):
        mandiri[kept + j] = resumed[j]
    k[0] = kept + moved
    k[1] = kl
