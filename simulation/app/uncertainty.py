"""A run of the micro engine that reports progress and can be cancelled between replicates.

It draws replicate ``r`` from ``SeedSequence(seed).spawn(reps)[r]`` exactly as
``run(scenario, engine="micro", reps=reps, seed=seed)`` does, so a finished run gives the same
numbers as that call; it runs in the calling process, one replicate after another.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from simulation.core.streams import replicate_seeds
from simulation.engines.micro import CHUNK, MicroInputs, run_micro, stack
from simulation.outputs.montecarlo import MonteCarloResult

MIN_REPS = 100
"""Fewest replicates the app runs for P5-P95 bands."""


def run_cancellable(
    scenario,
    reps: int,
    seed: int,
    cancel: threading.Event | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> MonteCarloResult | None:
    """Run ``reps`` replicates of the micro engine; None when ``cancel`` is set before the end.

    Parameters
    ----------
    scenario : Scenario
    reps : int
        Replicates.
    seed : int
        Master seed.
    cancel : threading.Event, optional
        Checked before each replicate.
    progress : callable, optional
        Called as ``progress(done, reps)`` after each replicate.
    """
    if reps < 1:
        raise ValueError(f"reps must be at least 1, got {reps}")
    inputs = MicroInputs.from_scenario(scenario)
    outputs = []
    for done, seed_seq in enumerate(replicate_seeds(seed, reps)):
        if cancel is not None and cancel.is_set():
            return None
        outputs.append(run_micro(inputs, seed_seq, chunk=CHUNK))
        if progress is not None:
            progress(done + 1, reps)
    return MonteCarloResult(scenario, stack(outputs), seed=seed)
