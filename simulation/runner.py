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

        _micro_can_run(scenario)

        output, seed = simulate(scenario, seed=seed, reps=reps, jobs=jobs)
        return MonteCarloResult(scenario, output, seed=seed)
    raise ValueError(f"unknown engine {engine!r}; allowed: {', '.join(ENGINES)}")


def _micro_can_run(scenario) -> None:
    """Refuse what the micro engine does not apply yet, rather than ignore it silently."""
    from simulation.errors import ScenarioError

    policy = scenario.model.policy
    problems = []
    if policy.budget_ceiling is not None:
        problems.append(
            (
                scenario.path,
                "policy.budget_ceiling",
                policy.budget_ceiling.values or policy.budget_ceiling.value,
                "the micro engine does not apply budget ceilings yet; run it with the cohort engine",
            )
        )
    rules = set(policy.priority.dated().values()) if policy.priority is not None else set()
    if rules - {"first_come"}:
        problems.append(
            (
                scenario.path,
                "policy.priority",
                sorted(rules),
                "the micro engine enrols by each UMKM's priority score (first_come); kecamatan_quota and "
                "sector_order run with the cohort engine",
            )
        )
    if problems:
        raise ScenarioError(problems)
