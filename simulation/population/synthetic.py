"""A synthetic Lombok Timur UMKM population, the default when no registry is given.

Assumptions (all in the scenario, with ranges): UMKM are allocated to segments
(kecamatan x sector) by ``Scenario.segment_shares`` with exact counts (largest
remainder), annual revenues are lognormal with the sector's mean
``population.revenue_mean`` (facts F4.3) and log standard deviation
``population.revenue_sigma``, last year's revenue is unknown, priority scores
are uniform on [0, 1), and everyone starts eligible.
"""

from __future__ import annotations

import numpy as np

from simulation.core.states import State
from simulation.population.agents import Agents
from simulation.population.registry import load_registry_agents, registry_path


def allocate(total: int, shares: np.ndarray) -> np.ndarray:
    """Whole counts per segment summing to ``total``, by largest remainder."""
    raw = total * np.asarray(shares, dtype=float) / np.sum(shares)
    counts = np.floor(raw).astype(np.int64)
    short = total - counts.sum()
    if short:
        counts[np.argsort(counts - raw, kind="stable")[:short]] += 1
    return counts


def synthetic_agents(scenario, seed=None, n: int | None = None) -> Agents:
    """Draw a synthetic population for ``scenario``.

    Parameters
    ----------
    scenario : Scenario
    seed : None, int, SeedSequence or Generator
        Randomness for revenues and priorities.
    n : int, optional
        Number of UMKM; default ``population.initial_umkm`` (rounded).
    """
    rng = np.random.default_rng(seed)
    n = round(scenario.first("population.initial_umkm")) if n is None else n
    counts = allocate(n, scenario.segment_shares)
    segment = np.repeat(np.arange(len(counts), dtype=np.int16), counts)
    n_sectors = len(scenario.sectors)
    mean = scenario.by_sector("population.revenue_mean")[0][segment % n_sectors]
    sigma = scenario.first("population.revenue_sigma")
    revenue = rng.lognormal(np.log(mean) - sigma**2 / 2, sigma)
    return Agents(
        segment=segment,
        revenue=revenue,
        revenue_prev=np.full(n, np.nan),
        priority=rng.random(n),
        status=np.full(n, State.ELIGIBLE, dtype=np.int8),
        enrolled_since=np.full(n, -1, dtype=np.int32),
    )


def load_agents(scenario, seed=None) -> Agents:
    """The scenario's starting population: its ``population.registry`` if given, else synthetic."""

    path = registry_path(scenario)
    return synthetic_agents(scenario, seed) if path is None else load_registry_agents(scenario, path)
