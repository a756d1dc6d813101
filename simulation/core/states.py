"""Membership states shared by the engines."""

from __future__ import annotations

from enum import IntEnum

import numpy as np


class State(IntEnum):
    """Where an UMKM stands in the programme.

    ELIGIBLE: known, open, not enrolled. SUBSIDISED: covered, contribution paid by
    the public payers. MANDIRI: covered, paying for itself. LAPSED: graduated (or
    mandiri) but not paying, so not covered. CLOSED: the business closed (absorbing).
    """

    ELIGIBLE = 0
    SUBSIDISED = 1
    MANDIRI = 2
    LAPSED = 3
    CLOSED = 4


STATE_NAMES = [s.name.lower() for s in State]
OPEN_STATES = [State.ELIGIBLE, State.SUBSIDISED, State.MANDIRI, State.LAPSED]
N_STATES = len(State)
ARREARS_MONTHS = 3
"""Unpaid months a member stays covered (facts F1.7, G4.1); after the next one, membership ends."""


def monthly_probability(annual: np.ndarray | float) -> np.ndarray:
    """Annual probability to the monthly one: ``1 - (1 - p) ** (1 / 12)``."""
    return 1.0 - (1.0 - np.asarray(annual, dtype=float)) ** (1.0 / 12.0)


def monthly_growth(annual: np.ndarray | float) -> np.ndarray:
    """Annual growth rate to the monthly one: ``(1 + r) ** (1 / 12) - 1``."""
    return (1.0 + np.asarray(annual, dtype=float)) ** (1.0 / 12.0) - 1.0
