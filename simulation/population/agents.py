"""Every UMKM as an agent, held as a struct of numpy arrays (one entry per UMKM)."""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np


@dataclass
class Agents:
    """UMKM agents, vectorised: array ``i`` of every field describes UMKM ``i``.

    No identifier or name is held here: a registry's personal data stays in the
    ingestion step, which keeps only a keyed pseudonym outside this struct.

    Attributes
    ----------
    segment : ndarray of int16, shape (N,)
        Index into ``Scenario.segment_labels`` (kecamatan-major, sector-minor).
    revenue : ndarray of float64, shape (N,)
        Annual revenue (omzet), rupiah per year.
    revenue_prev : ndarray of float64, shape (N,)
        Last year's annual revenue, rupiah per year; NaN when unknown.
    priority : ndarray of float64, shape (N,)
        Priority or vulnerability score; higher is served first.
    status : ndarray of int8, shape (N,)
        :class:`simulation.core.states.State` at the start.
    enrolled_since : ndarray of int32, shape (N,)
        Month index (``year * 12 + month - 1``) of enrolment; -1 if not enrolled.
    """

    segment: np.ndarray
    revenue: np.ndarray
    revenue_prev: np.ndarray
    priority: np.ndarray
    status: np.ndarray
    enrolled_since: np.ndarray

    def __post_init__(self) -> None:
        n = len(self.segment)
        for f in fields(self):
            if len(getattr(self, f.name)) != n:
                raise ValueError(f"Agents.{f.name} has {len(getattr(self, f.name))} entries, expected {n}")

    def __len__(self) -> int:
        return len(self.segment)

    def take(self, index) -> Agents:
        """The agents at ``index`` (a slice, mask or integer array), e.g. a chunk."""
        return Agents(**{f.name: getattr(self, f.name)[index] for f in fields(self)})
