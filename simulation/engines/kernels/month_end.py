"""Step d's pass over the agents (:mod:`simulation.engines.steps.month_end`): closure, then the self-payers.

One loop over the agents in use: the open agents whose closure month it is close (they leave
arrears and cover); each mandiri member draws whether it stops paying, each lapsed one whether it
resumes (stream ``self_pay``, one draw per agent per month, compared as raw bits with ``p * 2**64``
as :meth:`simulation.core.streams.Streams.bernoulli` does); unpaid months age and a third unpaid
month ends cover (facts F1.7). An agent's closure and draw read and write that agent alone (its
draw is a function of its index), so one pass gives what closing everyone first and then drawing
gave. The counts by segment and state, the arrears and the month's flows are updated in the same
pass.
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


def month_end(
    close_month, status, unpaid, covered_since, segment, n, t, base, stop_limit, resume_limit, counts, arrears, flows
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
    """
    # Two passes: the first closes (rare, so a well-predicted branch) and lists the self-payers
    # without a branch (statuses are mixed at random over the agents, so a branch on them is
    # mispredicted often: 3.3 ns an agent against 1.7 for the two passes, measured on the baseline's
    # agents after ten years); the second draws and moves.
    # int32 indices: an agent index below 2**31 (40 GB of agents).
    payers = np.empty(n, np.int32)
    k = 0
    for i in range(n):
        st = status[i]
        if close_month[i] == t and st != C:
            g = segment[i]
            if st == L and unpaid[i] <= ARREARS_MONTHS:
                arrears[g] -= 1
            counts[g, st] -= 1
            counts[g, C] += 1
            status[i] = C
            covered_since[i] = NOT_COVERED
            flows[CLOSURES, g] += 1
            st = C
        payers[k] = i
        k += (st == M) | (st == L)
    for j in range(k):
        i = payers[j]
        st = status[i]
        g = segment[i]
        event = streams.bits(base, i) < (stop_limit if st == M else resume_limit)
        if st == M:
            if event:
                status[i] = L
                unpaid[i] = 1
                counts[g, M] -= 1
                counts[g, L] += 1
                arrears[g] += 1
                flows[LAPSES, g] += 1
        elif event:
            if unpaid[i] <= ARREARS_MONTHS:
                arrears[g] -= 1
            else:
                covered_since[i] = t + 1
            status[i] = M
            unpaid[i] = 0
            counts[g, L] -= 1
            counts[g, M] += 1
            flows[REACTIVATED, g] += 1
        else:
            u = unpaid[i]
            if u == ARREARS_MONTHS:
                arrears[g] -= 1
                covered_since[i] = NOT_COVERED
                flows[LOST_COVER, g] += 1
            unpaid[i] = min(u + 1, ARREARS_MONTHS + 1)
