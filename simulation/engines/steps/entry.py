"""Step a, entry: new UMKM enter as eligible, as a share of the UMKM open at the start of the month."""

from __future__ import annotations

import numpy as np

from simulation.engines.kernels import entry
from simulation.engines.kernels import streams as kstreams
from simulation.engines.state import C, E, closure_months


def expected(s, t: int) -> None:
    """Expected entrants per segment: open UMKM x the monthly entry rate."""
    entered = s.x[:, :, :C].sum(axis=2) * s.inputs.entry[:, t, None]
    s.x[:, :, E] += entered
    if s.twin is not None:
        s.twin.enter(entered)
    s.flows["entered"][t] = entered


def agents(s, t: int) -> None:
    """Entrants per segment: the expected number rounded up or down at random (exact mean), appended
    as eligible agents with their revenue, priority and closure month drawn (compiled passes,
    :mod:`simulation.engines.kernels.entry`)."""
    rate = s.monthly.entry[0, t]
    if not rate > 0:
        return
    ag, streams, rules = s.ag, s.streams, s.rules
    k = np.empty(s.G, np.int64)
    total = entry.entrants(s.counts, rate, streams.base("entry", t), k)
    if not total:
        return
    ag.reserve(total)
    u = np.empty(total)
    kstreams.uniforms(streams.base("closure", 0), ag.n, u)  # streams.uniform("closure", 0, the entrants)
    close = closure_months(s.hazard, t, u)  # numpy's log, as for the agents at the start
    fields = (ag.segment, ag.sector, ag.status, ag.unpaid, ag.close_month, ag.enrolled, ag.covered_since)
    fields += (ag.log_revenue, ag.priority)
    revenue, priority = streams.base("entrant", 0), streams.base("entrant", 1)
    entry.fill(k, ag.n, revenue, priority, close, rules.log_mean0, rules.sigma0, s.n_sectors, fields)
    ag.n += total
    s.counts[:, E] += k
    s.flows["entered"][t] = k
