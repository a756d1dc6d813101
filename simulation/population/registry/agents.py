"""Turning a validated registry into :class:`~simulation.population.agents.Agents`."""

from __future__ import annotations

import numpy as np

from simulation.core.states import State
from simulation.population.agents import Agents
from simulation.population.registry.validate import ValidatedRegistry
from simulation.population.registry.values import month_index

ENROLLED = (State.SUBSIDISED, State.MANDIRI, State.LAPSED)
"""States that carry an enrolment date (a lapsed member was enrolled once)."""


def registry_agents(validated: ValidatedRegistry, scenario) -> Agents:
    """One agent per accepted registry row, in file order.

    The segment is the index of (kecamatan, sector) in ``scenario.segment_labels``. An enrolled
    UMKM (subsidised, mandiri or lapsed) without an enrolment date is taken to be enrolled in the
    scenario's first month (so its tenure is not overstated); eligible and closed UMKM get -1.
    Unknown last-year revenue and priority are NaN.
    """
    kec, sec = scenario.segment_labels
    segment_of = {pair: i for i, pair in enumerate(zip(kec, sec, strict=True))}
    rows = validated.rows
    n = len(rows)
    start = scenario.horizon.start
    status = np.fromiter((int(r.status) for r in rows), dtype=np.int8, count=n)
    enrolled = np.fromiter(
        (
            (month_index(r.enrolled_since) if r.enrolled_since is not None else start) if r.status in ENROLLED else -1
            for r in rows
        ),
        dtype=np.int32,
        count=n,
    )
    return Agents(
        segment=np.fromiter((segment_of[(r.kecamatan, r.sector)] for r in rows), dtype=np.int16, count=n),
        revenue=np.fromiter((r.revenue for r in rows), dtype=float, count=n),
        revenue_prev=np.fromiter(
            (np.nan if r.revenue_prev is None else r.revenue_prev for r in rows), dtype=float, count=n
        ),
        priority=np.fromiter((np.nan if r.priority is None else r.priority for r in rows), dtype=float, count=n),
        status=status,
        enrolled_since=enrolled,
    )
