"""Two waves of registry data: the input schema of calibration and a synthetic generator.

Wave schema (one CSV or DataFrame per wave; a registry export maps onto it)
---------------------------------------------------------------------------
Each wave is a snapshot of the same UMKM at the **end of a fiscal year, after
the December evaluation**; the second wave is one year after the first.

============  ==========================================================================
column        meaning
============  ==========================================================================
business_id   a pseudonymous key, the same in both waves (never a NIK or a name)
kecamatan     one of the 21 kecamatan of Lombok Timur (facts F5.2)
sector        a sector of the scenario's ``population.sector_shares``
revenue       annual revenue (omzet), rupiah per year; empty when closed or unknown
status        eligible, subsidised, mandiri, lapsed or closed (docs/model.md)
============  ==========================================================================

Until the microsimulation (issue 3) is on main, :func:`synthetic_waves` draws the
two waves with a small generator that follows ``docs/model.md`` month by month
for each UMKM: closure in every open state, then lapse (mandiri to lapsed) and
reactivation (lapsed to mandiri) among the survivors, then at the end of December
graduation of subsidised members (to mandiri with the retention probability,
else lapsed). Revenue changes once over the year: ``log r2 = log r1 + drift + volatility * Z``
with the sector's ``assumptions.revenue_drift`` and ``assumptions.revenue_volatility``.
Eligible UMKM only close (no rollout between the waves).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulation.engines.states import STATE_NAMES, State, monthly_probability
from simulation.population.synthetic import synthetic_agents

COLUMNS = ("business_id", "kecamatan", "sector", "revenue", "status")
"""Columns every wave must have."""


def synthetic_waves(
    scenario, n: int = 20000, seed=None, start_shares: dict[str, float] | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Two waves one year apart, drawn from ``scenario``'s rates.

    Parameters
    ----------
    scenario : Scenario
        Supplies closure, lapse, reactivation, graduation and retention (annual
        probabilities, values at the start), revenue drift and volatility by sector,
        and the starting population (segments, revenues).
    n : int
        UMKM in the panel.
    seed : None, int, SeedSequence or Generator
    start_shares : dict of status to share, optional
        Status mix in wave 1; default 40% subsidised, 30% mandiri, 20% lapsed, 10% eligible.

    Returns
    -------
    wave1, wave2 : DataFrame
        In the wave schema (:data:`COLUMNS`).
    """
    pop_seed, status_seed, month_seed, revenue_seed = np.random.SeedSequence(
        seed if not isinstance(seed, np.random.Generator) else seed.integers(2**63)
    ).spawn(4)
    agents = synthetic_agents(scenario, seed=pop_seed, n=n)
    shares = start_shares or {"subsidised": 0.4, "mandiri": 0.3, "lapsed": 0.2, "eligible": 0.1}
    names = list(shares)
    codes = np.array([STATE_NAMES.index(s) for s in names])
    status = codes[np.random.default_rng(status_seed).choice(len(names), size=n, p=list(shares.values()))]
    first = {k: float(scenario.first(k)) for k in (
        "assumptions.closure_rate", "assumptions.mandiri_lapse_rate", "assumptions.reactivation_rate",
        "policy.graduation.rate", "policy.graduation.retention")}  # fmt: skip
    close = monthly_probability(first["assumptions.closure_rate"])
    lapse = monthly_probability(first["assumptions.mandiri_lapse_rate"])
    react = monthly_probability(first["assumptions.reactivation_rate"])
    rng = np.random.default_rng(month_seed)
    s = status.copy()
    for month in range(1, 13):
        u = rng.random((3, n))
        open_ = s != State.CLOSED
        s = np.where(open_ & (u[0] < close), State.CLOSED, s)
        was_m, was_l = s == State.MANDIRI, s == State.LAPSED
        s = np.where(was_m & (u[1] < lapse), State.LAPSED, s)
        s = np.where(was_l & (u[1] < react), State.MANDIRI, s)
        if month == 12:
            grad = (s == State.SUBSIDISED) & (u[2] < first["policy.graduation.rate"])
            keeps = rng.random(n) < first["policy.graduation.retention"]
            s = np.where(grad & keeps, State.MANDIRI, np.where(grad, State.LAPSED, s))
    n_sectors = len(scenario.sectors)
    sector_index = agents.segment % n_sectors
    drift = scenario.by_sector("assumptions.revenue_drift")[0][sector_index]
    vol = scenario.by_sector("assumptions.revenue_volatility")[0][sector_index]
    z = np.random.default_rng(revenue_seed).standard_normal(n)
    revenue2 = np.where(s == State.CLOSED, np.nan, agents.revenue * np.exp(drift + vol * z))
    kec, sec = scenario.segment_labels
    kec, sec = np.asarray(kec)[agents.segment], np.asarray(sec)[agents.segment]
    ids = [f"U{i:06d}" for i in range(n)]
    names_of = np.asarray(STATE_NAMES)
    wave1 = pd.DataFrame(
        {"business_id": ids, "kecamatan": kec, "sector": sec, "revenue": agents.revenue, "status": names_of[status]}
    )
    wave2 = pd.DataFrame(
        {"business_id": ids, "kecamatan": kec, "sector": sec, "revenue": revenue2, "status": names_of[s]}
    )
    return wave1, wave2
