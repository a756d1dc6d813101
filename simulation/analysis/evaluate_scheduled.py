"""The vectorised evaluation (:func:`simulation.analysis.evaluate.evaluate`) split into blocks of
samples that run on a scheduler (:mod:`simulation.outputs.schedulers`): ``umkm-sim sensitivity
--scheduler processes|local|tcp://HOST:PORT --jobs N``.

A block is a run of whole engine chunks (:func:`~simulation.analysis.evaluate.chunk_size` samples,
the same chunks one process would run), evaluated with the segments summed or not as the whole
sample set decides, so every sample goes through the engine in the same company as in one process
and the outcomes are the same, byte for byte, on every scheduler and any number of workers.
"""

from __future__ import annotations

import math
import os

import numpy as np

from simulation.analysis.evaluate import (
    MEMORY_BYTES,
    Outcomes,
    batch_inputs,
    chunk_size,
    evaluate,
    public_rate,
    uniform_segments,
)
from simulation.outputs.schedulers import PROCESSES, is_dask, run_tasks

_WORKER: dict = {}


def _init(scenario, names: list[str], memory_bytes: int, aggregate: bool) -> None:
    """What every block of one study shares, kept once per worker process."""
    _WORKER.update(scenario=scenario, names=names, memory_bytes=memory_bytes, aggregate=aggregate)


def _block(lo: int, values: np.ndarray) -> tuple[int, Outcomes]:
    """Samples ``lo, lo + 1, ...`` (the rows of ``values``) through the engine."""
    w = _WORKER
    return lo, evaluate(w["scenario"], w["names"], values, memory_bytes=w["memory_bytes"], aggregate=w["aggregate"])


def _block_on_dask(scenario, names, memory_bytes, aggregate, lo, values) -> tuple[int, Outcomes]:
    """A block on a Dask worker, which gets the study with the task (no initializer there)."""
    _init(scenario, names, memory_bytes, aggregate)
    return _block(lo, values)


def evaluate_on(
    scenario,
    names: list[str] | tuple = (),
    values: np.ndarray | None = None,
    memory_bytes: int = MEMORY_BYTES,
    scheduler: str = PROCESSES,
    jobs: int | None = None,
) -> Outcomes:
    """:func:`~simulation.analysis.evaluate.evaluate` with the samples spread over a scheduler.

    Parameters
    ----------
    scenario : Scenario
    names : list of str
        Parameters varied.
    values : ndarray, shape (P, len(names)), optional
        Sample values; None runs the scenario once.
    memory_bytes : int
        Bound on the engine's stored arrays per chunk, in bytes (per worker).
    scheduler : str
        ``processes``, ``local`` or ``tcp://HOST:PORT``.
    jobs : int, optional
        Worker processes (``processes``: default 1, this process, as the evaluation is fast;
        ``local``: default all cores). Ignored for an address.

    Returns
    -------
    Outcomes
        The same arrays, byte for byte, as :func:`~simulation.analysis.evaluate.evaluate`.
    """
    names = list(names)
    if values is None or (not is_dask(scheduler) and (jobs or 1) == 1):
        return evaluate(scenario, names, values, memory_bytes=memory_bytes)
    values = np.atleast_2d(np.asarray(values, dtype=float))
    inputs = batch_inputs(scenario, names, values)
    aggregate = uniform_segments(inputs, public_rate(scenario))
    P, G, T = inputs.shape
    step = chunk_size(T, 1 if aggregate else G, memory_bytes)
    workers = jobs or os.cpu_count() or 1
    chunks = math.ceil(P / step)
    block = step * math.ceil(chunks / min(workers, chunks))
    starts = range(0, P, block)
    if is_dask(scheduler):
        tasks = [(scenario, names, memory_bytes, aggregate, lo, values[lo : lo + block]) for lo in starts]
        done = dict(run_tasks(_block_on_dask, tasks, scheduler, jobs))
    else:
        tasks = [(lo, values[lo : lo + block]) for lo in starts]
        initargs = (scenario, names, memory_bytes, aggregate)
        done = dict(run_tasks(_block, tasks, scheduler, jobs, initializer=_init, initargs=initargs))
    parts = [done[lo] for lo in starts]
    joined = {
        name: np.concatenate([getattr(p, name) for p in parts])
        for name in ("subsidy_cost", "subsidy_cost_real", "covered_end", "coverage_end")
    }
    return Outcomes(years=parts[0].years, **joined)
