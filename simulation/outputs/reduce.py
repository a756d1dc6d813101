"""Micro engine replicates reduced on the workers: ``umkm-sim run --engine micro``.

Each worker runs a block of consecutive replicates (:func:`blocks`) and reduces it there to what
the tables need (:class:`Block`): each replicate's monthly regency-level values of every output
variable (:class:`~simulation.outputs.results.Values`, a few numbers a month; the replicate,
annual and benefits tables and the quantiles are computed from them, for the block's replicates
together) and its engine arrays by segment: the integer counts summed over the block, the
floating-point stocks replicate by replicate. This process adds them into one running sum, block
by block in replicate order. So this process holds the sum (one replicate's size) and the monthly
values (replicates x months x variables), never replicates x segments, and at most a window of
blocks that arrived before the one it waits for (:func:`simulation.outputs.schedulers.run_ordered`).

The sum is taken in replicate order (a sum of integer counts is exact in any order, so a block's
sum adds what its replicates would one by one) and divided by the number of replicates, as
``numpy.mean`` over the replicate axis does, so every table is byte for byte the one a run keeping
all replicates writes (:class:`~simulation.outputs.montecarlo.MonteCarloResult`), on every
scheduler, with any number of workers and any split into blocks.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from simulation.core.streams import replicate_seeds
from simulation.engines import workers
from simulation.engines.cohort import CohortOutput
from simulation.engines.micro import CHUNK, MicroInputs, stack
from simulation.outputs import budget
from simulation.outputs.montecarlo import MonteCarloResult, worker_count
from simulation.outputs.results import Result, Values, start_of
from simulation.outputs.schedulers import PROCESSES, is_dask, run_ordered
from simulation.outputs.variables import MONTH, YEAR_KECAMATAN

_SCENARIO: dict = {}


def month_values(scenario, out, initial: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """Replicates' monthly regency values of every output variable, ``{name: (T,)}`` for one
    replicate or ``{name: (n, T)}`` for a list of ``n``.

    Parameters
    ----------
    scenario : Scenario
    out : dict or list of dict
        One replicate of :func:`simulation.engines.micro.run_micro`, or several (computed together,
        over a replicate axis: each replicate's values are those it gives alone).
    initial : ndarray, optional
        UMKM per segment and state at the start, (G, 5).
    """
    outs = out if isinstance(out, list) else [out]
    output = stack(outs)
    output.initial = initial
    values = Result(scenario, output, engine="micro")._grain_values(MONTH)
    T, n = scenario.horizon.n_months, len(outs)
    block = {name: np.array(np.broadcast_to(v, (n, T, 1))[:, :, 0]) for name, v in values.items()}
    return block if isinstance(out, list) else {name: v[0] for name, v in block.items()}


@dataclass
class Block:
    """Replicates ``r0, r0 + 1, ...`` of a run, reduced on the worker that ran them.

    Attributes
    ----------
    exact : dict of str to ndarray of int64
        The engine arrays of integer counts (:func:`_flatten`), summed over the block's replicates:
        a sum of integers is exact in any order, so the block's sum added to the running sum gives
        the bits of adding its replicates one by one.
    floats : list of dict of str to ndarray
        Each replicate's other engine arrays (stocks in floating point), to be added in replicate order.
    month : dict of str to ndarray, shape (n, T)
        Each replicate's monthly regency values (:func:`month_values`).
    """

    exact: dict[str, np.ndarray]
    floats: list[dict[str, np.ndarray]]
    month: dict[str, np.ndarray]

    @property
    def n(self) -> int:
        """Replicates in the block."""
        return len(self.floats)

    @classmethod
    def of(cls, outs: list[dict], month: dict[str, np.ndarray]) -> Block:
        """The block of replicate outputs ``outs`` (:func:`simulation.engines.micro.run_micro`)."""
        flat = [_flatten(out) for out in outs]
        exact = {k: np.sum([f[k] for f in flat], axis=0, dtype=np.int64) for k in flat[0] if _exact(flat[0][k])}
        floats = [{k: v for k, v in f.items() if k not in exact} for f in flat]
        return cls(exact, floats, month)


def _exact(values: np.ndarray) -> bool:
    """Whether an engine array holds integer counts (summed exactly in any order)."""
    return values.dtype.kind in "iu"


def _init(scenario, chunk: int, inputs: MicroInputs | None = None) -> None:
    """A worker process: the engine's inputs (:func:`simulation.engines.workers.init`) and the scenario."""
    workers.init(scenario, chunk, inputs)
    _SCENARIO["scenario"] = scenario


def _reduced(r0: int, seed_seqs: list) -> tuple[int, Block]:
    """Replicates ``r0, r0 + 1, ...`` (one per seed) run and reduced in this worker: ``(r0, block)``."""
    outs = [workers.run_one(r0 + j, ss)[1] for j, ss in enumerate(seed_seqs)]
    return r0, Block.of(outs, month_values(_SCENARIO["scenario"], outs))


def _reduced_on_dask(scenario, chunk: int, r: int, seed_seq) -> tuple[int, Block]:
    """Replicate ``r`` on a Dask worker (inputs compiled once per worker and scenario)."""
    r, out = workers.run_on_dask(scenario, chunk, r, seed_seq)
    return r, Block.of([out], month_values(scenario, [out]))


def blocks(reps: int, jobs: int, largest: int = 8) -> list[tuple[int, int]]:
    """``(first replicate, replicates)`` of the tasks a run of ``reps`` on ``jobs`` workers sends.

    A task of several replicates sends its worker's arrays back summed (:class:`Block`) and computes
    their monthly values together, which costs less per replicate than one at a time; the blocks
    shrink towards the end (to a quarter of what is left per worker, at most ``largest``), so
    the workers finish close together.
    """
    out, r = [], 0
    while r < reps:
        n = int(min(largest, max(1, (reps - r) // (4 * max(1, jobs)))))
        out.append((r, n))
        r += n
    return out


class RunningSum:
    """Replicates' engine arrays added in replicate order; their monthly values kept per replicate.

    Parameters
    ----------
    reps : int
        Replicates to expect.
    months : int
        Months of the horizon.
    """

    def __init__(self, reps: int, months: int):
        self.reps, self.months = reps, months
        self.count = 0
        self.sums: dict | None = None
        self.month: dict[str, np.ndarray] = {}

    def add(self, r: int, out: dict, month: dict[str, np.ndarray]) -> None:
        """Add replicate ``r`` (the next in order) to the sums and keep its monthly values."""
        self.add_block(r, Block.of([out], {name: np.asarray(v)[None] for name, v in month.items()}))

    def add_block(self, r0: int, block: Block) -> None:
        """Add the block of replicates starting at ``r0`` (the next in order)."""
        if r0 != self.count:
            raise ValueError(f"replicate {r0} arrived where {self.count} was expected; the sum keeps their order")
        if self.sums is None:  # the first replicate itself, as numpy's sum starts from it
            self.sums = {k: np.array(v, dtype=np.float64) for k, v in block.exact.items()}
            self.sums |= {k: np.array(v, dtype=np.float64) for k, v in block.floats[0].items()}
            floats = block.floats[1:]
        else:
            for k, v in block.exact.items():
                np.add(self.sums[k], v, out=self.sums[k])
            floats = block.floats
        for flat in floats:
            for k, v in flat.items():
                np.add(self.sums[k], v, out=self.sums[k])
        for name, values in block.month.items():
            if name not in self.month:
                self.month[name] = np.empty((self.reps, self.months, 1))
            self.month[name][r0 : r0 + block.n, :, 0] = values
        self.count += block.n

    def mean(self) -> CohortOutput:
        """The replicate mean of the engine arrays, one replicate on the sample axis."""
        if self.count != self.reps:
            raise ValueError(f"{self.count} of {self.reps} replicates added")
        mean = {k: (v / self.reps)[:, None] for k, v in self.sums.items()}
        output = CohortOutput(
            billed=mean["billed"],
            end=mean["end"],
            flows={k.removeprefix("flow:"): v for k, v in mean.items() if k.startswith("flow:")},
            waiting=mean["waiting"],
        )
        output.stocks = {k.removeprefix("stock:"): v for k, v in mean.items() if k.startswith("stock:")}
        return output


def _flatten(out: dict) -> dict[str, np.ndarray]:
    flat = {"billed": out["billed"], "end": out["end"], "waiting": out["waiting"]}
    flat |= {f"flow:{k}": v for k, v in out["flows"].items()}
    flat |= {f"stock:{k}": v for k, v in out["stocks"].items()}
    return flat


class ReducedResult(MonteCarloResult):
    """Micro engine replicates kept as their mean by segment and their monthly regency values.

    Every table :func:`simulation.io.write.write_result` writes is the one of a
    :class:`MonteCarloResult` holding all replicates, byte for byte. What needs one replicate's
    segments (:meth:`replicate`, replicate tables by kecamatan) is not kept: run with
    ``reduce=False`` (:func:`simulation.outputs.run.run_scenario`) for those.

    Parameters
    ----------
    scenario : Scenario
    mean : CohortOutput
        The replicate mean of the engine arrays (one replicate on the sample axis), with ``initial``.
    month : dict of ndarray
        Every output variable's monthly regency values per replicate, ``(reps, T, 1)``.
    seed : int
    """

    def __init__(self, scenario, mean: CohortOutput, month: dict[str, np.ndarray], seed: int):
        super().__init__(scenario, mean, seed=seed)
        self._reps = len(next(iter(month.values())))
        values = Values(scenario, [p for p in self.payers if budget.is_public(p)])
        values.update(month)
        self.__dict__["_values_cache"] = {MONTH: values}
        self._mean_output = mean

    @property
    def reps(self) -> int:
        """Number of replicates."""
        return self._reps

    def mean(self) -> Result:
        """The replicate mean as a one-replicate result."""
        return self._mean_result

    @cached_property
    def _mean_result(self) -> Result:
        return Result(self.scenario, self._mean_output, engine=self.engine, seed=self.seed)

    def replicate(self, r: int) -> Result:
        """Not kept: each replicate was reduced on its worker."""
        raise ValueError(
            f"replicate {r}: a reduced run keeps each replicate's monthly and annual tables, not its "
            "segments; run with reduce=False to keep every replicate whole"
        )

    def _grain_values(self, grain: str) -> Values:
        if grain == YEAR_KECAMATAN:
            raise ValueError(
                "replicate tables by kecamatan: a reduced run keeps only their mean (by_kecamatan()); "
                "run with reduce=False to keep every replicate whole"
            )
        return super()._grain_values(grain)


def simulate_reduced(
    scenario,
    seed=None,
    reps: int = 1,
    jobs: int | None = None,
    progress=None,
    chunk: int | None = None,
    scheduler: str = PROCESSES,
    block=None,
) -> ReducedResult:
    """Run ``reps`` replicates of the micro engine, each reduced on its worker.

    Parameters
    ----------
    scenario : Scenario
    seed : int or None
        Master seed; None draws fresh entropy (recorded in the result).
    reps : int
        Replicates.
    jobs : int, optional
        Worker processes (:func:`~simulation.outputs.montecarlo.worker_count`).
    progress : bool, optional
        Show a progress bar; default only on a terminal.
    chunk : int, optional
        Agents per block in the engine's whole-population steps.
    scheduler : str
        ``processes``, ``local`` or ``tcp://HOST:PORT`` (:mod:`simulation.outputs.schedulers`).
    block : callable, optional
        ``block(reps, jobs)``: the tasks' ``(first replicate, replicates)`` on the process pool;
        default :func:`blocks` (the tables are the same, byte for byte, for any split).

    Returns
    -------
    ReducedResult
        Its tables equal, byte for byte, those of
        :func:`~simulation.outputs.montecarlo.simulate` with the same seed.
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
    total = RunningSum(reps, scenario.horizon.n_months)
    bar = tqdm(
        total=reps,
        desc=f"{scenario.name}: replicates",
        unit="rep",
        disable=(None if progress is None else not progress),
    )
    if is_dask(scheduler):
        results = run_ordered(
            _reduced_on_dask, [(scenario, chunk, r, ss) for r, ss in enumerate(seeds)], scheduler, jobs
        )
    else:
        initargs = (scenario, chunk, inputs if jobs == 1 else None)
        tasks = [(r0, seeds[r0 : r0 + n]) for r0, n in (block or blocks)(reps, jobs)]
        results = run_ordered(_reduced, tasks, PROCESSES, jobs, initializer=_init, initargs=initargs)
    for r0, block in results:
        total.add_block(r0, block)
        bar.update(block.n)
    bar.close()
    mean = total.mean()
    mean.initial = start_of(inputs.monthly)
    return ReducedResult(scenario, mean, total.month, seed=seed)
