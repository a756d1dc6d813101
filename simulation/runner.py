"""Run a loaded scenario through an engine."""

from __future__ import annotations

from simulation.engines.cohort import compile_inputs, run_cohort
from simulation.results import Result

ENGINES = ("cohort", "micro")


def run_scenario(scenario, engine: str = "cohort", seed: int | None = None, reps: int = 1, jobs: int | None = None):
    """Run ``scenario`` with ``engine``.

    Parameters
    ----------
    scenario : Scenario
    engine : {"cohort", "micro"}
        ``cohort``: the deterministic expected-value engine, a :class:`Result`.
        ``micro``: ``reps`` replicates of the microsimulation, a
        :class:`~simulation.montecarlo.MonteCarloResult` (its mean behaves like a Result).
    seed : int, optional
        Master seed (micro: None draws one and records it; cohort: recorded only).
    reps, jobs : int
        Micro engine replicates and worker processes (default all cores).
    """
    if engine == "cohort":
        return Result(scenario, run_cohort(compile_inputs(scenario)), engine=engine, seed=seed)
    if engine == "micro":
        from simulation.montecarlo import MonteCarloResult, simulate

        output, seed = simulate(scenario, seed=seed, reps=reps, jobs=jobs)
        return MonteCarloResult(scenario, output, seed=seed)
    raise ValueError(f"unknown engine {engine!r}; allowed: {', '.join(ENGINES)}")
