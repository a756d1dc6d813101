"""The programme's headline figure (facts F0.1, F0.2, F1.4)."""

from __future__ import annotations

import re

import pytest
from conftest import BASELINE

from simulation import load_scenario, run


def test_73000_members_for_12_months_of_2026_cost_14_716_800_000():
    result = run(BASELINE, overrides={"assumptions.closure_rate": 0.0, "population.entry_rate": 0.0})
    first = result.annual().iloc[0]
    assert first["year"] == 2026
    # expected counts are floats summed over 126 segments: exact to the whole rupiah a budget is read in
    assert first["subsidised_member_months"] == pytest.approx(73_000 * 12, rel=1e-12)
    assert round(first["subsidy_cost"]) == 14_716_800_000
    assert round(first["cost_apbd_kabupaten"]) == 14_716_800_000


def test_baseline_contribution_is_16800():
    s = load_scenario(BASELINE)
    assert s.first("contribution.jkk") + s.first("contribution.jkm") + s.first("contribution.jht") == 16_800


def test_every_baseline_parameter_cites_a_fact_or_states_an_assumption_with_a_range():
    """A default that rests on a fact cites it (F... or G...); a numeric assumption carries a range."""
    from simulation.scenario.schema import iter_params

    for key, param in iter_params(load_scenario(BASELINE).model):
        assert param.unit.strip(), key
        cites_fact = re.search(r"\b[FG]\d\.\d", param.source) is not None  # facts.md, F- and G-series
        is_assumption = "assumption" in param.source
        assert cites_fact or is_assumption, f"{key}: source {param.source!r} cites no fact"
        if is_assumption and isinstance(param.value, float):
            assert param.range is not None, f"{key} is an assumption without a range"
