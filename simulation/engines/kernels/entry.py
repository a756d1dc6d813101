"""Step a's passes (:mod:`simulation.engines.steps.entry`): how many UMKM enter each segment, and the
entrants' fields.

:func:`entrants` rounds each segment's expected entrants up or down at random (stream ``entry``,
one uniform per segment), :func:`fill` writes the entrants after the agents in use, in segment
order, each with its sector, log revenue (stream ``entrant`` at counter 0: a standard normal) and
priority (stream ``entrant`` at counter 1: a uniform), exactly as the numpy form of the step drew them.
"""

from __future__ import annotations

import numpy as np

from simulation.core.states import State
from simulation.engines.kernels import normal, streams
from simulation.engines.state import NOT_COVERED

KERNELS = ("entrants", "fill")

E, C = np.int8(State.ELIGIBLE), int(State.CLOSED)


def entrants(counts, rate, base, out):
    """Entrants per segment into ``out``; returns their total.

    Parameters
    ----------
    counts : ndarray of int64, shape (G, 5)
        Agents per segment and state at the start of the month.
    rate : float
        Monthly entry rate (entrants per open UMKM).
    base : uint64
        The ``entry`` stream's base for the month (:meth:`Streams.base`).
    out : ndarray of int64, shape (G,)
        ``floor(lam) + (u_g < lam - floor(lam))`` with ``lam`` the open agents of segment ``g``
        times ``rate`` and ``u_g`` segment ``g``'s uniform: the expected number, exactly on average.
    """
    total = 0
    for g in range(len(out)):
        open_ = 0
        for state in range(C):
            open_ += counts[g, state]
        lam = open_ * rate
        whole = np.floor(lam)
        k = np.int64(whole) + np.int64(streams.uniform(base, g) < lam - whole)
        out[g] = k
        total += k
    return total


def fill(k, n, base_revenue, base_priority, close, log_mean0, sigma0, n_sectors, fields):
    """Write ``k[g]`` eligible entrants of each segment ``g`` at agents ``n, n + 1, ...``, in place.

    Parameters
    ----------
    k : ndarray of int64, shape (G,)
        Entrants per segment (:func:`entrants`).
    n : int
        Agents in use before the entrants (the arrays have room for ``n + k.sum()``).
    base_revenue, base_priority : uint64
        The ``entrant`` stream's bases at counters 0 and 1 (``Streams.base("entrant", 0)`` and
        ``Streams.base("entrant", 1)``): the same for every month, since an agent index is drawn for once.
    close : ndarray of int16, shape (k.sum(),)
        Each entrant's closure month (:func:`simulation.engines.state.closure_months`).
    log_mean0 : ndarray of float64, shape (sectors,)
        Mean log revenue of a new UMKM by sector (log rupiah per year).
    sigma0 : float
        Its standard deviation.
    n_sectors : int
        A segment's sector is ``segment % n_sectors``.
    fields : tuple of ndarray
        segment, sector, status, unpaid, close_month, enrolled, covered_since, log_revenue,
        priority (:class:`simulation.engines.state.AgentState`).
    """
    segment, sector, status, unpaid, close_month, enrolled, covered_since, log_revenue, priority = fields
    i = n
    for g in range(len(k)):
        sec = g % n_sectors
        for _ in range(k[g]):
            segment[i] = g
            sector[i] = sec
            status[i] = E
            unpaid[i] = 0
            close_month[i] = close[i - n]
            enrolled[i] = -1
            covered_since[i] = NOT_COVERED
            log_revenue[i] = np.float32(log_mean0[sec] + sigma0 * normal.normal(base_revenue, i))
            priority[i] = np.float32(streams.uniform(base_priority, i))
            i += 1
