"""Monte Carlo runs of the micro engine: replicates, worker processes, ranges.

Replicate ``r`` draws from ``SeedSequence(seed).spawn(reps)[r]`` and from
nothing else, so the numbers depend on the seed and the number of replicates
only, never on ``jobs`` (the worker processes) or on the order replicates
finish in. A baseline and a reform run with the same seed share their random
draws (common random numbers, :mod:`simulation.core.streams`).
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor, as_completed
from functools import cached_property

import numpy as np
import pandas as pd

from simulation.core.streams import replicate_seeds
from simulation.engines import workers
from simulation.engines.cohort import CohortOutput
from simulation.engines.micro import CHUNK, MicroInputs, Stack
from simulation.outputs.benefits import BENEFIT_COLUMNS, benefit_arrays
from simulation.outputs.results import QUANTILES, Result, start_of
from simulation.outputs.schedulers import PROCESSES, is_dask, run_tasks
from simulation.outputs.variables import MONTH, YEAR

__all__ = ["QUANTILES", "MonteCarloResult", "simulate"]

SERIAL_BELOW = 3e7
"""Agent-months (UMKM at the start x months x replicates) below which the replicates run in this
process unless ``jobs`` is given: a worker process costs about 0.4 CPU-s to start (numba, its
cached kernels, the compiled inputs), paid on each worker side by side, against about 6.5 ns of
engine work an agent-month. ``umkm-sim run scenarios/baseline.yaml --engine micro --set years=2``
(73,000 UMKM x 24 months) ran as fast on two workers as in one process at about 15 replicates
(26 million agent-months; 2026-11-26, load about 2) and faster above. The numbers never depend on
where replicates run."""


def worker_count(scenario, reps: int, jobs: int | None, scheduler: str = PROCESSES) -> int:
    """Worker processes for ``reps`` replicates: ``jobs`` if given, else all cores, or 1 (this
    process) for a run of fewer than :data:`SERIAL_BELOW` agent-months on the process pool; never
    more than ``reps``."""
    if (
        jobs is None
        and not is_dask(scheduler)
        and scenario.first("population.initial_umkm") * scenario.horizon.n_months * reps < SERIAL_BELOW
    ):
        jobs = 1
    return max(1, min(jobs or os.cpu_count() or 1, reps))


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
        Worker processes; default all cores, or this process alone for a run of fewer than
        :data:`SERIAL_BELOW` agent-months. ``1`` runs in this process.
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
    jobs = worker_count(scenario, reps, jobs, scheduler)
    inputs = MicroInputs.from_scenario(scenario)
    gathered = Stack(reps)
    bar = tqdm(
        total=reps,
        desc=f"{scenario.name}: replicates",
        unit="rep",
        disable=(None if progress is None else not progress),
    )
    if is_dask(scheduler):
        tasks = [(scenario, chunk, r, ss) for r, ss in enumerate(seeds)]
        for r, out in run_tasks(workers.run_on_dask, tasks, scheduler, jobs):
            gathered.put(r, out)
            bar.update()
    elif jobs == 1:
        workers.init(scenario, chunk, inputs)
        for r, ss in enumerate(seeds):
            gathered.put(*workers.run_one(r, ss))
            bar.update()
    else:
        with ProcessPoolExecutor(max_workers=jobs, initializer=workers.init, initargs=(scenario, chunk)) as pool:
            # no list of futures kept: each replicate's arrays are freed once copied into place
            for fut in as_completed({pool.submit(workers.run_one, r, ss) for r, ss in enumerate(seeds)}):
                gathered.put(*fut.result())
                bar.update()
    bar.close()
    output = gathered.output
    output.initial = start_of(inputs.monthly)
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
        """Every replicate's benefits per year in one pass over arrays (replicate, month)."""
        monthly = {name: values[:, :, 0] for name, values in self.arrays(MONTH).items()}
        arrays = benefit_arrays(self.scenario, monthly)
        if arrays is None:
            return pd.DataFrame()
        year = np.asarray(self.scenario.horizon.year)
        starts = np.flatnonzero(np.r_[True, year[1:] != year[:-1]])
        columns = [c for c in BENEFIT_COLUMNS if c != "scholarship_eligible_share"]
        frame = pd.DataFrame(
            {"replicate": np.repeat(np.arange(self.reps), len(starts)), "year": np.tile(year[starts], self.reps)}
        )
        for name in columns:
            frame[name] = np.add.reduceat(arrays[name], starts, axis=1).reshape(-1)
        return frame

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
