"""Step c's pass over the subsidised agents (:mod:`simulation.engines.steps.billing`): months of
contributions paid in the fiscal year, the members BPJS-TK counts by them (facts G4.2), and the
end or restart of cover after a long unfunded run (facts G4.1)."""

from __future__ import annotations

import numpy as np

from simulation.core.states import State
from simulation.engines.state import COUNTED_MONTHS, NOT_COVERED

KERNELS = ("subsidised",)

S = np.int8(State.SUBSIDISED)
KEEP, END_COVER, NEW_SPELL = 0, 1, 2
"""What happens to the subsidised agents' cover this month (``cover`` of :func:`subsidised`)."""


def subsidised(status, segment, paid_year, covered_since, n, new_year, funded, cover, t, weights, counted, members):
    """Update the first ``n`` agents' months paid and add the subsidised ones to ``counted``, in place.

    Parameters
    ----------
    status, segment : ndarray (int8, int16)
    paid_year : ndarray of int8
        Months of subsidised contributions paid this fiscal year; set to 0 for every agent when
        ``new_year``, then one more (at most ``COUNTED_MONTHS``) for each subsidised agent when ``funded``.
    covered_since : ndarray of int16
        Set for the subsidised agents to NOT_COVERED (``cover == END_COVER``) or ``t``
        (``cover == NEW_SPELL``).
    n, t : int
    new_year, funded : bool
    cover : int
        KEEP, END_COVER or NEW_SPELL.
    weights : ndarray of float64, shape (COUNTED_MONTHS + 1,)
        How much a member counts by its months paid.
    counted : ndarray of float64, shape (G,)
        Added to, segment by segment, in the agents' order (as ``np.bincount`` with weights sums).
    members : ndarray of int32, length at least ``n``
        Scratch space (overwritten): the subsidised agents are listed in it.
    """
    if new_year:
        for i in range(n):
            paid_year[i] = 0
    # listed without a branch: statuses are mixed over the agents
    k = 0
    for i in range(n):
        members[k] = i
        k += status[i] == S
    # The members' weights are added to their segment's total in the agents' order (the sums of
    # np.bincount, to the last bit); the running total stays in a register while the members run
    # within one segment (as they mostly do: agents arrive in segment order), which breaks the chain
    # of stores and loads through memory without changing a single addition.
    g = -1
    total = 0.0
    for j in range(k):
        i = members[j]
        p = paid_year[i]
        if funded:
            p = min(p + 1, COUNTED_MONTHS)
            paid_year[i] = p
        h = segment[i]
        if h != g:
            if g >= 0:
                counted[g] = total
            g = h
            total = counted[g]
        total += weights[p]
    if g >= 0:
        counted[g] = total
    if cover != KEEP:
        since = NOT_COVERED if cover == END_COVER else t
        for j in range(k):
            covered_since[members[j]] = since
