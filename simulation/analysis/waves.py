"""Two waves of registry data: the input schema of calibration, and waves drawn from the microsimulation.

Wave schema (one CSV or DataFrame per wave; a registry export maps onto it)
---------------------------------------------------------------------------
Each wave is a snapshot of the same UMKM at the **end of December** (the end of
a fiscal year, after the evaluation when it is in December, the default); the
second wave is one year after the first.

============  ==========================================================================
column        meaning
============  ==========================================================================
business_id   a pseudonymous key, the same in both waves (never a NIK or a name)
kecamatan     one of the 21 kecamatan of Lombok Timur (facts F5.2)
sector        a sector of the scenario's ``population.sector_shares``
revenue       annual revenue (omzet), rupiah per year; empty when closed or unknown
status        eligible, subsidised, mandiri, lapsed or closed (docs/model.md)
============  ==========================================================================

``status`` is the **payment state**: ``lapsed`` means a graduate (or mandiri
member) that has stopped paying, *including* one still in its three months of
arrears (covered, facts F1.7). A registry export that lists members in arrears
as BPJS-"active" must report them as lapsed (see :func:`snapshot_wave`).

:func:`micro_waves` draws the two waves from one replicate of the micro engine
(:mod:`simulation.engines.micro`), so calibration is tested against the process
the model actually simulates.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulation.core.states import STATE_NAMES, State
from simulation.core.streams import replicate_seeds
from simulation.engines.micro import MicroInputs, run_micro

COLUMNS = ("business_id", "kecamatan", "sector", "revenue", "status")
"""Columns every wave must have (others are allowed and ignored by calibration)."""


def year_end_month(horizon, year: int) -> int:
    """Month index (0 = ``start``) of December of fiscal ``year``.

    Raises
    ------
    ValueError
        If ``year`` is not a fiscal year of the horizon; names the years allowed.
    """
    years = horizon.fiscal_years
    if year not in years:
        raise ValueError(f"year {year} is outside the scenario's horizon; allowed: {years[0]} to {years[-1]}")
    return int(np.flatnonzero(horizon.year == year)[-1])


def snapshot_wave(snapshot, scenario) -> pd.DataFrame:
    """One micro-engine snapshot as a wave in the schema (:data:`COLUMNS`) plus ``unpaid_months``.

    Mapping of the engine's state (``simulation.core.states.State``) onto ``status``:
    every state keeps its name. A lapsed agent in arrears (1-3 unpaid months,
    still covered, facts F1.7) is ``lapsed``, like a non-active one: ``status``
    is the payment state, and the scenario's ``mandiri_lapse_rate`` and
    ``reactivation_rate`` are rates of stopping and resuming payment, so only
    this mapping lets calibration estimate them (reporting arrears as mandiri
    would estimate the rate of *losing cover*, and the mandiri/lapsed chain would
    no longer be Markov). The extra column ``unpaid_months`` (0 unless lapsed;
    4 = non-active) keeps the distinction; calibration does not read it.

    ``business_id`` is ``U`` and the agent's index in the replicate: synthetic
    agents carry no personal data. ``revenue`` (rupiah per year) is the revenue
    as at the last evaluation, empty for closed UMKM.
    """
    kec, sec = (np.asarray(x) for x in scenario.segment_labels)
    closed = snapshot.status == State.CLOSED
    revenue = np.exp(snapshot.log_revenue.astype(np.float64))
    revenue[closed] = np.nan
    return pd.DataFrame(
        {
            "business_id": np.char.add("U", np.char.zfill(snapshot.agent.astype(str), 7)),
            "kecamatan": kec[snapshot.segment],
            "sector": sec[snapshot.segment],
            "revenue": revenue,
            "status": np.asarray(STATE_NAMES)[snapshot.status],
            "unpaid_months": np.where(snapshot.status == State.LAPSED, snapshot.unpaid, 0).astype(np.int8),
        }
    )


def micro_waves(scenario, seed=None, year: int | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Two waves one year apart from one replicate of the micro engine.

    Wave 1 is every agent at the end of December of ``year`` (after the
    evaluation), wave 2 the same agents and the year's entrants at the end of
    December of ``year + 1``. The replicate is replicate 0 of
    ``simulation.outputs.montecarlo.simulate(scenario, seed)``: the run stops after
    ``year + 1`` (the engine is causal, so the draws up to then are the same as
    in a longer run).

    Parameters
    ----------
    scenario : Scenario
        The "true" model: every rate, the revenue drift and volatility by sector,
        the population and the rollout.
    seed : None, int or SeedSequence
        Master seed.
    year : int, optional
        Fiscal year of the first wave; default the first fiscal year. ``year + 1``
        must be in the horizon.

    Returns
    -------
    wave1, wave2 : DataFrame
        In the wave schema (see :func:`snapshot_wave`).
    """

    h = scenario.horizon
    year = h.fiscal_years[0] if year is None else int(year)
    year_end_month(h, year)
    year_end_month(h, year + 1)
    short = scenario.with_overrides({"years": year + 2 - h.fiscal_years[0]})
    months = [year_end_month(short.horizon, y) for y in (year, year + 1)]
    out = run_micro(MicroInputs.from_scenario(short), replicate_seeds(seed, 1)[0], snapshots=months)
    return tuple(snapshot_wave(out["snapshots"][m], short) for m in months)
