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
from simulation.engines.cohort import CohortOutput
from simulation.engines.micro import CHUNK, MicroInputs, run_micro, stack
from simulation.outputs.results import Result

QUANTILES = (0.05, 0.5, 0.95)

_WORKER: dict = {}


def _init_worker(scenario, chunk) -> None:
    _WORKER["inputs"] = MicroInputs.from_scenario(scenario)
    _WORKER["chunk"] = chunk


def _run_one(r: int, seed_seq) -> tuple[int, dict]:
    return r, run_micro(_WORKER["inputs"], seed_seq, chunk=_WORKER["chunk"])


def simulate(scenario, seed=None, reps: int = 1, jobs: int | None = None, progress=None, chunk: int | None = None):
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

    Returns
    -------
    CohortOutput
        Arrays with the replicate on the sample axis, (T, reps, G, 5) and (T, reps, G).
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
    if jobs == 1:
        _init_worker(scenario, chunk)
        for r, ss in enumerate(seeds):
            results[r] = _run_one(r, ss)[1]
            bar.update()
    else:
        with ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker, initargs=(scenario, chunk)) as pool:
            futures = [pool.submit(_run_one, r, ss) for r, ss in enumerate(seeds)]
            for fut in as_completed(futures):
                r, out = fut.result()
                results[r] = out
                bar.update()
    bar.close()
    return stack(results), seed


def mean_output(output: CohortOutput) -> CohortOutput:
    """The replicate mean as a one-sample output (float64)."""
    mean = CohortOutput(
        billed=output.billed.mean(axis=1, keepdims=True),
        end=output.end.mean(axis=1, keepdims=True),
        flows={k: v.mean(axis=1, keepdims=True) for k, v in output.flows.items()},
        waiting=None if output.waiting is None else output.waiting.mean(axis=1, keepdims=True),
    )
    mean.stocks = {k: v.mean(axis=1, keepdims=True) for k, v in output.stocks.items()}
    return mean


class MonteCarloResult:
    """Micro engine replicates: the mean behaves like a :class:`Result`, plus ranges.

    Parameters
    ----------
    scenario : Scenario
    output : CohortOutput
        Replicates on the sample axis.
    seed : int
        The master seed.
    """

    def __init__(self, scenario, output: CohortOutput, seed: int, engine: str = "micro"):
        self.scenario = scenario
        self.output = output
        self.seed = seed
        self.engine = engine
        self.reps = output.billed.shape[1]
        self.mean = Result(scenario, mean_output(output), engine=engine, seed=seed)

    def replicate(self, r: int) -> Result:
        """Replicate ``r`` as a :class:`Result`."""
        return Result(self.scenario, self.output, engine=self.engine, seed=self.seed, sample=r)

    # the mean, with Result's methods
    @property
    def payers(self) -> list[str]:
        return self.mean.payers

    def monthly(self) -> pd.DataFrame:
        return self.mean.monthly()

    def monthly_segments(self) -> pd.DataFrame:
        return self.mean.monthly_segments()

    def annual(self) -> pd.DataFrame:
        """The replicate mean, one row per fiscal year (the cohort engine's columns)."""
        return self.mean.annual()

    def ledger(self) -> pd.DataFrame:
        return self.mean.ledger()

    def payers_annual(self) -> pd.DataFrame:
        return self.mean.payers_annual()

    def by_kecamatan(self) -> pd.DataFrame:
        return self.mean.by_kecamatan()

    def indicators(self) -> dict:
        return self.mean.indicators()

    def benefits(self) -> pd.DataFrame:
        """Expected benefits on the replicate mean's covered members (see :mod:`simulation.outputs.benefits`)."""
        return self.mean.benefits()

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

    def fiscal(self) -> pd.DataFrame:
        return self.mean.fiscal()

    def fiscal_summary(self) -> dict:
        return self.mean.fiscal_summary()

    # ranges
    @cached_property
    def _replicates(self) -> pd.DataFrame:
        frames = [self.replicate(r).annual().assign(replicate=r) for r in range(self.reps)]
        out = pd.concat(frames, ignore_index=True)
        return out[["replicate", *[c for c in out.columns if c != "replicate"]]]

    def annual_replicates(self) -> pd.DataFrame:
        """Every replicate's annual table, stacked, with a ``replicate`` column (0-based)."""
        return self._replicates.copy()

    def annual_quantiles(self, q=QUANTILES) -> pd.DataFrame:
        """Quantiles over replicates of every annual column, with a ``quantile`` column.

        Each column's quantile is taken on its own (a P95 row is not one replicate).
        """
        reps = self._replicates.drop(columns="replicate")
        out = reps.groupby("year").quantile(list(q))
        out.index = out.index.set_names(["year", "quantile"])
        return out.reset_index()[["quantile", "year", *[c for c in reps.columns if c != "year"]]]
