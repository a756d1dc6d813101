"""Step a, entry: new UMKM enter as eligible, as a share of the UMKM open at the start of the month."""

from __future__ import annotations

import numpy as np

from simulation.engines.state import NOT_COVERED, C, E, closure_months


def expected(s, t: int) -> None:
    """Expected entrants per segment: open UMKM x the monthly entry rate."""
    entered = s.x[:, :, :C].sum(axis=2) * s.inputs.entry[:, t, None]
    s.x[:, :, E] += entered
    if s.twin is not None:
        s.twin.enter(entered)
    s.flows["entered"][t] = entered


def agents(s, t: int) -> None:
    """Entrants per segment: the expected number rounded up or down at random (exact mean), appended
    as eligible agents with their revenue, priority and closure month drawn."""
    rate = s.monthly.entry[0, t]
    if not rate > 0:
        return
    ag, streams, rules = s.ag, s.streams, s.rules
    segments = np.arange(s.G)
    lam = s.counts[:, :C].sum(axis=1) * rate
    k = (np.floor(lam) + (streams.uniform("entry", t, segments) < lam - np.floor(lam))).astype(np.int64)
    if not k.sum():
        return
    seg = np.repeat(segments, k).astype(np.int16)
    ids = np.arange(ag.n, ag.n + len(seg))
    sector = (seg % s.n_sectors).astype(np.int8)
    logrev = rules.log_mean0[sector] + rules.sigma0 * streams.normal("entrant", 0, ids)
    ids = ag.append(
        segment=seg,
        sector=sector,
        status=E,
        unpaid=0,
        close_month=closure_months(s.hazard, t, streams.uniform("closure", 0, ids)),
        enrolled=-1,
        covered_since=NOT_COVERED,
        log_revenue=logrev,
        priority=streams.uniform("entrant", 1, ids),
    )
    s.counts[:, E] += k
    s.flows["entered"][t] = k
