"""Step e's passes over all agents at an evaluation (:mod:`simulation.engines.steps.evaluation`).

:func:`normals` fills a buffer with the ``revenue`` stream's standard normals of a block of
agents, exactly those of :meth:`simulation.core.streams.Streams.normal` (the inverse normal CDF
computed in the kernel, :mod:`simulation.engines.kernels.normal`); :func:`grow` adds each agent's
log-revenue increment (float32, as the numpy form computed it) and lists the subsidised agents
with enough months of subsidy to be evaluated.
"""

from __future__ import annotations

import numpy as np

from simulation.core.states import State
from simulation.engines.kernels import normal, streams

KERNELS = ("normals", "grow")

S = np.int8(State.SUBSIDISED)


def normals(base, lo, out, u, tails, work):
    """``out[j]``: the standard normal of agent ``lo + j`` in the stream whose month base is ``base``,
    exactly :meth:`simulation.core.streams.Streams.normal` (scipy's ``ndtri`` of the same uniforms,
    computed in the kernel by :func:`simulation.engines.kernels.normal.ndtri_block`).

    ``u`` (float64), ``tails`` (int64) and ``work`` (float64, three times as long) are scratch
    space at least as long as ``out`` (a step keeps them from one evaluation to the next)."""
    n = len(out)
    streams.uniforms(base, lo, u[:n])  # a pass of its own: vectorised
    normal.ndtri_block(u[:n], out, tails, work)


def grow(z, lo, sector, status, enrolled, log_revenue, drift, sd, t, min_months, inc, members):
    """Grow the log revenue of agents ``lo .. lo + len(z) - 1``; return how many may graduate.

    Parameters
    ----------
    z : ndarray of float64
        Standard normal draw of each agent of the block.
    lo : int
        First agent of the block.
    sector, status, enrolled : ndarray (int8, int8, int16)
        The agents' fields.
    log_revenue : ndarray of float32
        Log annual revenue (log rupiah per year), updated: ``+= float32(z) * sd + drift`` by sector.
    drift, sd : ndarray of float32, shape (sectors,)
        Mean and standard deviation of the increment (log rupiah per year).
    t, min_months : int
        Month index and the months of subsidy a member needs before it can graduate.
    inc : ndarray of float32, len(z)
        Filled with each agent's increment.
    members : ndarray of int64, len(z)
        Its first ``k`` entries (``k`` returned) are filled with the offsets in the block of the
        subsidised agents enrolled at least ``min_months`` months by the end of month ``t``.
    """
    for j in range(len(z)):
        i = lo + j
        s = sector[i]
        x = np.float32(z[j]) * sd[s] + drift[s]
        inc[j] = x
        log_revenue[i] += x
    # listed without a branch: the subsidised are mixed at random over the agents (a branch on the
    # status is mispredicted often)
    k = 0
    last = t + 1 - min_months  # enrolled in this month or before
    for j in range(len(z)):
        i = lo + j
        members[k] = j
        k += (status[i] == S) & (np.int64(enrolled[i]) <= last)
    return k
