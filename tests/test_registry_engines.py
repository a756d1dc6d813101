"""Both engines start from a registry's statuses, and runs record which registry they used."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest
from conftest import BASELINE, ROOT

from simulation import run
from simulation.cli import main
from simulation.core.streams import replicate_seeds
from simulation.engines.cohort import compile_inputs, registry_states, run_cohort
from simulation.engines.micro import MicroInputs, run_micro
from simulation.population import load_agents
from simulation.population.registry.read import file_sha256
from simulation.scenario import load_scenario

REGISTRY = ROOT / "tests" / "fixtures" / "registry_valid.csv"
WITH_REGISTRY = {"population.registry": str(REGISTRY), "years": 2}


def test_the_cohort_engine_starts_from_the_registry_states():
    scenario = load_scenario(BASELINE, overrides=WITH_REGISTRY)
    agents = load_agents(scenario)
    states = registry_states(scenario)
    assert states.sum() == len(agents)
    np.testing.assert_array_equal(states.sum(axis=0), np.bincount(agents.status, minlength=5))
    out = run_cohort(compile_inputs(scenario))
    entrants = np.cumsum(out.flows["entered"].sum(axis=(1, 2)))
    np.testing.assert_allclose(out.end.sum(axis=(1, 2, 3)), len(agents) + entrants, rtol=1e-12)


def test_registry_members_already_enrolled_count_against_the_rollout():
    over = {**WITH_REGISTRY, "policy.rollout": 0, "assumptions.closure_rate": 0.0, "population.entry_rate": 0.0}
    scenario = load_scenario(BASELINE, overrides=over)
    states = registry_states(scenario)
    m = run(scenario).monthly()
    assert m["enrolled"].sum() == 0
    assert m["subsidised"].iloc[0] == pytest.approx(states[:, 1].sum())


def test_the_engines_agree_on_the_registry_start():
    """Without entrants (the micro engine draws whole UMKM), the first month is the registry itself."""
    over = {**WITH_REGISTRY, "population.entry_rate": 0.0}
    cohort = run(BASELINE, overrides=over).monthly()
    micro = run(BASELINE, overrides=over, engine="micro", reps=4, seed=1).monthly()
    first = ["eligible", "subsidised", "mandiri"]
    np.testing.assert_allclose(micro[first].iloc[0], cohort[first].iloc[0], atol=1e-9)


def test_the_run_manifest_records_the_registry_hash(tmp_path):
    assert main(["run", str(BASELINE), "--set", f"population.registry={REGISTRY}", "--out", str(tmp_path)]) == 0
    record = json.loads((tmp_path / "manifest.json").read_text())["registry"]
    assert record["sha256"] == file_sha256(REGISTRY)
    assert main(["run", str(BASELINE), "--out", str(tmp_path / "plain")]) == 0
    assert json.loads((tmp_path / "plain" / "manifest.json").read_text())["registry"] is None


def test_suspension_under_a_revenue_rule_keeps_the_twin_consistent():
    over = {
        "years": 3,
        "policy.graduation.rule": "revenue_threshold",
        "policy.budget_ceiling": {2026: 14e9, 2027: 5e9, 2028: 14e9},
    }
    result = run(BASELINE, overrides=over)
    a = result.annual().set_index("year")
    assert a.loc[2027, "suspended"] > 0
    assert a.loc[2027, "cost_apbd_kabupaten"] <= 5e9 * (1 + 1e-9)
    m = result.monthly()
    total = m[["eligible", "subsidised", "mandiri", "lapsed", "closed"]].sum(axis=1)
    np.testing.assert_allclose(total, 73_000 + m["entered"].cumsum(), rtol=1e-9)


def test_a_zero_revenue_in_the_registry_is_taken_without_a_warning_and_never_passes_a_revenue_threshold():
    """The fixture's agent 6 records a revenue of 0: its log revenue is -inf on purpose (no
    RuntimeWarning), stays -inf through the increments, reads back as 0 and never graduates on a
    revenue threshold, however low."""
    over = {**WITH_REGISTRY, "years": 3, "policy.rollout": 8, "policy.graduation.rule": "revenue_threshold"}
    over |= {"policy.graduation.revenue_threshold": 1.0, "population.entry_rate": 0.0}  # 1 rupiah a year
    over |= {"assumptions.closure_rate": 0.0}
    scenario = load_scenario(BASELINE, overrides=over)
    assert load_agents(scenario).revenue[6] == 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = run_micro(MicroInputs.from_scenario(scenario), replicate_seeds(3, 1)[0], keep_agents=True, snapshots=[35])
    ag = out["state"]
    assert ag.log_revenue[6] == -np.inf and np.exp(float(out["snapshots"][35].log_revenue[6])) == 0.0
    assert ag.enrolled[6] >= 0 and ag.status[6] == 1  # enrolled, and still subsidised after three evaluations
    others = np.r_[0:6, 7 : ag.n]
    assert (ag.status[others][ag.enrolled[others] >= 0] != 1).any()  # positive revenues passed the 1-rupiah threshold
