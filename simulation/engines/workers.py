"""What a worker process of a Monte Carlo run holds and runs: one replicate of the micro engine at a
time (:func:`simulation.outputs.montecarlo.simulate` sends them).

This module imports the engine and nothing above it, so a worker started afresh (the ``spawn`` or
``forkserver`` start methods; the scenario reaches it pickled, :meth:`Scenario.__reduce__`) does
not import pandas or the result tables; with ``fork`` (Linux's default up to Python 3.13) it
inherits what the parent has imported and imports nothing.
"""

from __future__ import annotations

from simulation.engines.micro import MicroInputs, run_micro

_WORKER: dict = {}


def init(scenario, chunk: int, inputs: MicroInputs | None = None) -> None:
    """Compile the scenario's inputs once per process (or take ``inputs`` already compiled)."""
    _WORKER["inputs"] = inputs if inputs is not None else MicroInputs.from_scenario(scenario)
    _WORKER["chunk"] = chunk


def run_one(r: int, seed_seq) -> tuple[int, dict]:
    """Replicate ``r`` from its seed; returns ``(r, output of run_micro)``."""
    return r, run_micro(_WORKER["inputs"], seed_seq, chunk=_WORKER["chunk"])


def run_on_dask(scenario, chunk: int, r: int, seed_seq) -> tuple[int, dict]:
    """Replicate ``r`` on a Dask worker: the inputs are compiled once per worker and scenario."""
    key = (scenario.hash, scenario.path, chunk)
    if _WORKER.get("key") != key:
        init(scenario, chunk)
        _WORKER["key"] = key
    return run_one(r, seed_seq)
