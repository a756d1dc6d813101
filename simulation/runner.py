"""Run a loaded scenario through an engine."""

from __future__ import annotations

from simulation.engines.cohort import compile_inputs, run_cohort
from simulation.results import Result

ENGINES = ("cohort",)


def run_scenario(
    scenario, engine: str = "cohort", seed: int | None = None, reps: int = 1, jobs: int | None = None
) -> Result:
    """Run ``scenario`` with ``engine`` and wrap the output in a :class:`Result`.

    ``reps`` (replicates) and ``jobs`` (worker processes) are for stochastic
    engines; the deterministic cohort engine ignores them.
    """
    if engine != "cohort":
        raise ValueError(f"unknown engine {engine!r}; allowed: {', '.join(ENGINES)}")
    return Result(scenario, run_cohort(compile_inputs(scenario)), engine=engine, seed=seed)
