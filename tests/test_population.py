"""The synthetic population and the agents struct."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import BASELINE

from simulation import load_scenario
from simulation.population import Agents, synthetic_agents
from simulation.population.synthetic import allocate


def test_allocate_gives_whole_counts_that_sum_to_the_total():
    counts = allocate(73_000, np.full(126, 1 / 126))
    assert counts.sum() == 73_000 and counts.max() - counts.min() <= 1


def test_synthetic_population_matches_the_scenario():
    s = load_scenario(BASELINE)
    agents = synthetic_agents(s, seed=1)
    assert len(agents) == 73_000
    shares = np.bincount(agents.segment, minlength=126) / len(agents)
    np.testing.assert_allclose(shares, s.segment_shares, atol=1 / 73_000)
    sector = agents.segment % len(s.sectors)
    means = s.by_sector("population.revenue_mean")[0]
    for k in range(len(s.sectors)):
        r = agents.revenue[sector == k]
        # lognormal mean within 4 standard errors
        se = r.std() / np.sqrt(len(r))
        assert abs(r.mean() - means[k]) < 4 * se
    assert (agents.status == 0).all() and (agents.enrolled_since == -1).all()


def test_same_seed_same_population_and_take_slices_every_field():
    s = load_scenario(BASELINE)
    a, b = synthetic_agents(s, seed=7), synthetic_agents(s, seed=7)
    np.testing.assert_array_equal(a.revenue, b.revenue)
    chunk = a.take(slice(10, 20))
    assert len(chunk) == 10 and chunk.revenue[0] == a.revenue[10]
    with pytest.raises(ValueError, match="revenue has 2 entries"):
        Agents(a.segment[:3], a.revenue[:2], a.revenue_prev[:3], a.priority[:3], a.status[:3], a.enrolled_since[:3])
