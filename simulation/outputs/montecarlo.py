"""Monte Carlo runs of the micro engine: replicates, worker processes, ranges.

Replicate ``r`` draws from ``SeedSequence(seed).spawn(reps)[r]`` and from
nothing else, so the numbers depend on the seed and the number of replicates
only, never on ``jobs`` (the worker processes) or on the order replicates
finish in. A baseline and a reform run with the same seed share their random
draws (common random numbers, :mod:`simulation.core.streams`).
"""

from __future__ import annotations

import os
from functools import cached_property

import numpy as np
import pandas as pd

from simulation.core.streams import replicate_seeds
from simulation.engines.cohort import CohortOutput
from simulation.engines.micro import CHUNK, MicroInputs, run_micro, stack
from simulation.outputs.results import QUANTILES, Result, start_of
from simulation.outputs.schedulers import PROCESSES, is_dask, run_tasks
from simulation.outputs.variables import YEAR

__all__ = ["QUANTILES", "MonteCarloResult", "simulate"]

_WORKER: dict = {}


def _init_worker(scenario, chunk) -> None:
    _WORKER["inputs"] = MicroInputs.from_scenario(scenario)
    _WORKER["chunk"] = chunk


def _run_one(r: int, seed_seq) -> tuple[int, dict]:
    out = run_micro(_WORKER["inputs"], seed_seq, chunk=_WORKER["chunk"])
    out["initial"] = start_of(_WORKER["inputs"].monthly)
    return r, out


def _run_on_dask(scenario, chunk, r: int, seed_seq) -> tuple[int, dict]:
    """A replicate on a Dask worker: the inputs are built once per worker and scenario."""
    key = (scenario.hash, scenario.path, chunk)
    if _WORKER.get("key") != key:
        _init_worker(scenario, chunk)
        _WORKER["key"] = key
    return _run_one(r, seed_seq)


def simulate(
    scenario,
    seed=None,
    reps: int = 1,
    jobs: int | None = None,
    progress=None,
    chunk: int | None = None,
    scheduler: str = PROCESSES,
):
    """Run ``reps`` replicates of the micro engine.

    Parameters
    ----------
    scenario : Scenario
    seed : int or None
        Master seed; None draws fresh entropy (recorded by :class:`MonteCarloResult`).
    reps : int
        Number of replicates.
    jobs : int, optional
        Worker processes; default all cores. ``1`` runs in this process.
    progress : bool, optional
        Show a progress bar; default only on a terminal.
    chunk : int, optional
        Agents per block in the engine's whole-population steps.
    scheduler : str
        ``processes`` (the default), ``local`` or ``tcp://HOST:PORT``
        (:mod:`simulation.outputs.schedulers`); the numbers are the same on every one.

    Returns
    -------
    CohortOutput
        Arrays with the replicate on the sample axis, (T, reps, G, 5) and (T, reps, G); its
        ``initial`` attribute holds the UMKM per segment and state at the start, (G, 5).
    int
        The master seed used.
    """
    # deferred: tqdm is only needed for a progress bar
    from tqdm import tqdm

    if reps < 1:
        raise ValueError(f"reps must be at least 1, got {reps}")
    if seed is None:
        seed = int(np.random.SeedSequence().entropy % (1 << 63))
    chunk = chunk or CHUNK
    seeds = replicate_seeds(seed, reps)
    jobs = max(1, min(jobs or os.cpu_count() or 1, reps))
    results: list[dict | None] = [None] * reps
    bar = tqdm(
        total=reps,
        desc=f"{scenario.name}: replicates",
        unit="rep",
        disable=(None if progress is None else not progress),
    )
    if is_dask(scheduler):
        done = run_tasks(_run_on_dask, [(scenario, chunk, r, ss) for r, ss in enumerate(seeds)], scheduler, jobs)
    else:
        done = run_tasks(_run_one, enumerate(seeds), jobs=jobs, initializer=_init_worker, initargs=(scenario, chunk))
    for r, out in done:
        results[r] = out
        bar.update()
    bar.close()
    output = stack(results)
    output.initial = results[0]["initial"]
    return output, seed


class MonteCarloResult(Result):
    """Micro engine replicates: a :class:`Result` whose tables are the replicate mean, with ranges.

    The names the reports know the ranges by: ``annual_replicates``, ``annual_quantiles``,
    ``benefits_replicates`` and ``benefits_quantiles``.

    Parameters
    ----------
    scenario : Scenario
    output : CohortOutput
        Replicates on the sample axis.
    seed : int
        The master seed.
    """

    def __init__(self, scenario, output: CohortOutput, seed: int, engine: str = "micro"):
        super().__init__(scenario, output, engine=engine, seed=seed)

    def annual_replicates(self) -> pd.DataFrame:
        """Every replicate's annual table, stacked, with a ``replicate`` column (0-based)."""
        return self.replicates(YEAR)

    def annual_quantiles(self, q=QUANTILES) -> pd.DataFrame:
        """Quantiles over replicates of every annual column, with a ``quantile`` column."""
        return self.quantiles(YEAR, q)

    @cached_property
    def _benefit_replicates(self) -> pd.DataFrame:
        frames = [self.replicate(r).benefits().assign(replicate=r) for r in range(self.reps)]
        out = pd.concat(frames, ignore_index=True)
        return out[["replicate", *[c for c in out.columns if c != "replicate"]]]

    def benefits_replicates(self) -> pd.DataFrame:
        """Every replicate's benefits per year (claims expected on that replicate's covered members)."""
        return self._benefit_replicates.copy()

    def benefits_quantiles(self, q=QUANTILES) -> pd.DataFrame:
        """Quantiles over replicates of every benefits column per year, with a ``quantile`` column."""
        reps = self._benefit_replicates.drop(columns="replicate")
        if reps.empty:
            return reps
        out = reps.groupby("year").quantile(list(q))
        out.index = out.index.set_names(["year", "quantile"])
        return out.reset_index()[["quantile", "year", *[c for c in reps.columns if c != "year"]]]
