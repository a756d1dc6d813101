"""Run a loaded scenario through an engine."""

from __future__ import annotations

from simulation.engines.cohort import compile_inputs, run_cohort
from simulation.outputs.montecarlo import MonteCarloResult, simulate
from simulation.outputs.reduce import simulate_reduced
from simulation.outputs.results import Result, start_of
from simulation.scenario import Scenario, load_scenario

ENGINES = ("cohort", "micro")


def run_scenario(
    scenario,
    engine: str = "cohort",
    seed: int | None = None,
    reps: int = 1,
    jobs: int | None = None,
    scheduler: str = "processes",
    reduce: bool = False,
):
    """Run ``scenario`` with ``engine``.

    Parameters
    ----------
    scenario : Scenario
    engine : {"cohort", "micro"}
        ``cohort``: the deterministic expected-value engine, a :class:`Result`.
        ``micro``: ``reps`` replicates of the microsimulation, a
        :class:`~simulation.outputs.montecarlo.MonteCarloResult` (a Result with replicates).
    seed : int, optional
        Master seed (micro: None draws one and records it; cohort: recorded only).
    reps, jobs : int
        Micro engine replicates and worker processes (default all cores).
    scheduler : str
        Where micro replicates run: ``processes``, ``local`` (Dask LocalCluster) or a Dask
        scheduler's address (:mod:`simulation.outputs.schedulers`).
    reduce : bool
        Micro engine: reduce each replicate on its worker (:mod:`simulation.outputs.reduce`), so
        that this process's memory does not grow with replicates x segments; the tables written are
        the same, but single replicates' segments are not kept (``umkm-sim run`` reduces).
    """
    if engine == "cohort":
        inputs = compile_inputs(scenario)
        output = run_cohort(inputs)
        output.initial = start_of(inputs)
        return Result(scenario, output, engine=engine, seed=seed)
    if engine == "micro" and reduce:
        return simulate_reduced(scenario, seed=seed, reps=reps, jobs=jobs, scheduler=scheduler)
    if engine == "micro":
        output, seed = simulate(scenario, seed=seed, reps=reps, jobs=jobs, scheduler=scheduler)
        return MonteCarloResult(scenario, output, seed=seed)
    raise ValueError(f"unknown engine {engine!r}; allowed: {', '.join(ENGINES)}")


def run(scenario, overrides=None, engine: str = "cohort", **kwargs):
    """Load (if needed) and run a scenario; return a :class:`~simulation.outputs.results.Result`.

    Parameters
    ----------
    scenario : str, path or Scenario
        A scenario file or an already loaded scenario.
    overrides : dict, optional
        Dotted keys to values, e.g. ``{"assumptions.closure_rate": 0.08}``.
    engine : {"cohort", "micro"}
        Which engine runs it; ``micro`` returns a
        :class:`~simulation.outputs.montecarlo.MonteCarloResult` (keywords ``seed``, ``reps``, ``jobs``).
    """
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario, overrides=overrides)
    elif overrides:
        scenario = scenario.with_overrides(overrides)
    return run_scenario(scenario, engine=engine, **kwargs)
