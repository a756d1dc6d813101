"""Samples of the uncertain parameters: Latin hypercube and one at a time.

The Latin hypercube comes from :class:`scipy.stats.qmc.LatinHypercube` on the
unit cube, mapped onto each parameter's distribution by its inverse CDF; Sobol'
samples are drawn inside :func:`scipy.stats.sobol_indices` (see
:mod:`simulation.analysis.sensitivity`).
"""

from __future__ import annotations

import numpy as np
from scipy.stats import qmc

from simulation.analysis.uncertainty import Uncertain


def to_values(uncertain: list[Uncertain], unit: np.ndarray) -> np.ndarray:
    """Map points of the unit cube, shape (n, d), to parameter values by each inverse CDF."""
    unit = np.atleast_2d(unit)
    return np.column_stack([u.dist.ppf(unit[:, j]) for j, u in enumerate(uncertain)])


def latin_hypercube(uncertain: list[Uncertain], n: int, seed=None) -> np.ndarray:
    """``n`` Latin-hypercube samples of the uncertain parameters.

    Parameters
    ----------
    uncertain : list of Uncertain
    n : int
        Number of samples.
    seed : None, int, SeedSequence or Generator

    Returns
    -------
    ndarray, shape (n, d)
        One row per sample, in each parameter's unit.
    """
    sampler = qmc.LatinHypercube(d=len(uncertain), rng=np.random.default_rng(seed))
    return to_values(uncertain, sampler.random(n))


def one_at_a_time(uncertain: list[Uncertain]) -> tuple[np.ndarray, list[tuple[str, str]]]:
    """The central case, then each parameter at its low and at its high end with the rest central.

    Returns
    -------
    values : ndarray, shape (1 + 2d, d)
    labels : list of (parameter, "base" | "low" | "high")
    """
    centre = np.array([u.value for u in uncertain])
    rows, labels = [centre], [("", "base")]
    for j, u in enumerate(uncertain):
        for end, value in (("low", u.low), ("high", u.high)):
            row = centre.copy()
            row[j] = value
            rows.append(row)
            labels.append((u.name, end))
    return np.array(rows), labels
