"""What the engines carry from one month to the next: one state object per engine.

:class:`CohortState` holds the expected counts of the cohort engine (P samples x G segments x
5 states) and :class:`MicroState` the agents of one replicate of the micro engine
(:class:`AgentState`); both also hold the compiled inputs they read and the output arrays the
month's steps fill (:mod:`simulation.engines.steps`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from simulation.core.states import ARREARS_MONTHS, N_STATES, State  # noqa: F401 - ARREARS_MONTHS: the steps' name
from simulation.core.streams import Streams

E, S, M, L, C = (int(s) for s in State)

FLOWS = (
    "entered",
    "enrolled",
    "closures",
    "lapses",
    "reactivated",
    "graduated",
    "graduated_mandiri",
    "graduated_lapsed",
    "suspended",
    "lost_cover",
)
"""Flows recorded every month: UMKM moved in that month (expected counts or agents)."""

NOT_COVERED = np.iinfo(np.int16).max
"""``covered_since`` of an agent without cover."""
SCHOLARSHIP_MONTHS = 36
"""Continuous membership needed for the scholarship after a non-work death (facts F2.2)."""
MICRO_STOCKS = ("arrears", "arrears_end", "counted_bpjs", "covered_36m_end")
"""Sub-stocks the micro engine records (the cohort engine: all but the last)."""
COHORT_STOCKS = ("arrears", "arrears_end", "counted_bpjs")
"""Sub-stocks the cohort engine records (the last one unless told not to)."""
COUNTED_MONTHS = 6
"""Months of contributions in a fiscal year after which BPJS-TK counts a government-paid member
toward its coverage targets; fewer count pro rata (facts G4.2)."""


@dataclass
class CohortState:
    """The cohort engine between two months (expected UMKM), and what it has recorded so far.

    Attributes
    ----------
    inputs : CohortInputs
    x : ndarray, shape (P, G, 5)
        UMKM per sample, segment and state.
    ever_enrolled : ndarray, shape (P,)
        UMKM enrolled into the subsidy so far (counted against the rollout).
    spent : ndarray, shape (P,)
        Rupiah the ceiling's payer spent so far in the fiscal year.
    arrears : ndarray, shape (P, G, 3)
        Lapsed UMKM in their 1st, 2nd, 3rd unpaid month (part of lapsed, still covered).
    twin : SubsidisedTwin or None
        Revenue bands and months of subsidy (:mod:`simulation.engines.bands`).
    billed, end : ndarray, shape (T, P, G, 5)
        Stocks billed in each month and at each month's end.
    flows : dict of str to ndarray, shape (T, P, G)
    waiting : ndarray, shape (T, P, G)
    stocks : dict of str to ndarray, shape (T, P, G)
    paid : ndarray, shape (P, G, COUNTED_MONTHS + 1), or None
        Subsidised UMKM by months of contributions paid in the fiscal year (the last: six or more),
        as at the last billing; None when ``counted_bpjs`` is not recorded.
    """

    inputs: object
    x: np.ndarray
    ever_enrolled: np.ndarray
    spent: np.ndarray
    arrears: np.ndarray
    twin: object
    billed: np.ndarray
    end: np.ndarray
    flows: dict = field(default_factory=dict)
    waiting: np.ndarray | None = None
    stocks: dict = field(default_factory=dict)
    paid: np.ndarray | None = None

    @classmethod
    def start(cls, inputs, count_bpjs: bool = True) -> CohortState:
        """The state before the first month: the initial UMKM (or the registry's states).

        ``count_bpjs=False`` leaves out the months-paid bands behind ``counted_bpjs`` (a sampled
        evaluation that does not read it runs faster)."""
        P, G, T = inputs.shape
        x = np.zeros((P, G, N_STATES))
        x[:, :, E] = inputs.initial
        ever_enrolled = np.zeros(P)
        if inputs.initial_states is not None:
            x[:] = inputs.initial_states
            ever_enrolled = x[:, :, S:C].sum(axis=(1, 2))  # subsidised, mandiri and lapsed were enrolled
        twin = inputs.twin.start(x[:, :, E], x[:, :, S]) if inputs.twin is not None else None
        paid = None
        if count_bpjs:
            paid = np.zeros((P, G, COUNTED_MONTHS + 1))
            paid[:, :, 0] = x[:, :, S]
        return cls(
            inputs=inputs,
            x=x,
            ever_enrolled=ever_enrolled,
            spent=np.zeros(P),
            arrears=np.zeros((P, G, 3)),
            twin=twin,
            billed=np.empty((T, P, G, N_STATES)),
            end=np.empty((T, P, G, N_STATES)),
            flows={name: np.empty((T, P, G)) for name in FLOWS},
            waiting=np.zeros((T, P, G)),
            stocks={name: np.empty((T, P, G)) for name in COHORT_STOCKS[: 3 if count_bpjs else 2]},
            paid=paid,
        )

    def close_month(self, t: int) -> None:
        """Record the stocks at the end of month ``t``."""
        self.end[t] = self.x
        self.stocks["arrears_end"][t] = self.arrears.sum(axis=2)


class AgentState:
    """The agents of one replicate as a struct of numpy arrays with spare capacity.

    Attributes (one entry per agent; ``n`` in use)
    ----------------------------------------------
    segment : int16, kecamatan x sector index; sector : int8
    status : int8, :class:`State`
    unpaid : int8, unpaid months of a non-paying self-payer (1-3 arrears, 4 non-active)
    close_month : int16, month the agent closes at month end (T: not within the horizon)
    enrolled : int16, month of enrolment into the subsidy (-1: never)
    covered_since : int16, first month of the current continuous cover (NOT_COVERED if none)
    log_revenue : float32, log annual revenue (log rupiah per year) as at the last evaluation
    priority : float32, enrolment priority (higher first)
    suspended : int8, 1 if suspended by the budget ceiling and not enrolled since (heads the waiting list)
    paid_year : int8, months of subsidised contributions paid in the current fiscal year
    """

    FIELDS = {
        "segment": np.int16,
        "sector": np.int8,
        "status": np.int8,
        "unpaid": np.int8,
        "close_month": np.int16,
        "enrolled": np.int16,
        "covered_since": np.int16,
        "log_revenue": np.float32,
        "priority": np.float32,
        "suspended": np.int8,
        "paid_year": np.int8,
    }

    def __init__(self, capacity: int):
        self.n = 0
        for name, dtype in self.FIELDS.items():
            setattr(self, name, np.zeros(capacity, dtype=dtype))

    @property
    def capacity(self) -> int:
        return len(self.segment)

    def reserve(self, k: int) -> None:
        """Make room for ``k`` more agents (at least doubling the capacity when it grows)."""
        if self.n + k > self.capacity:
            grow = max(self.n + k, 2 * self.capacity)
            for name in self.FIELDS:
                old = getattr(self, name)
                new = np.zeros(grow, dtype=old.dtype)
                new[: self.n] = old[: self.n]
                setattr(self, name, new)

    def append(self, **values) -> np.ndarray:
        """Append agents (keyword arrays of equal length); return their indices."""
        k = len(values["segment"])
        self.reserve(k)
        idx = np.arange(self.n, self.n + k)
        for name, value in values.items():
            getattr(self, name)[self.n : self.n + k] = value
        self.n += k
        return idx


def closure_months(hazard: np.ndarray, entered: int, u: np.ndarray) -> np.ndarray:
    """Month at whose end each agent closes, from one uniform per agent.

    With cumulative hazard ``H[t] = sum(-log(1 - c_m), m <= t)`` and ``E = -log(u)``
    (exponential), an agent entering in month ``s`` closes at the end of the first
    month ``t >= s`` with ``H[t] - H[s - 1] >= E``: the chance it closes in month
    ``t``, given open at its start, is exactly the monthly closure probability
    ``c_t``. Returns ``T`` for agents that outlive the horizon.
    """
    before = hazard[entered - 1] if entered > 0 else 0.0
    return np.searchsorted(hazard, before - np.log(u), side="left").astype(np.int16)


def counts(segment, status, G) -> np.ndarray:
    """Agents per segment and state, shape (G, 5)."""
    return np.bincount(segment.astype(np.int64) * N_STATES + status, minlength=G * N_STATES).reshape(G, N_STATES)


def per_segment(segment, G) -> np.ndarray:
    """Agents per segment, shape (G,)."""
    return np.bincount(segment, minlength=G)


@dataclass
class MicroState:
    """One replicate of the micro engine between two months, and what it has recorded so far.

    Attributes
    ----------
    ag : AgentState
    streams : Streams
        The replicate's counter-based random streams.
    monthly : CohortInputs
        Entry, rollout, closure, lapse, reactivation and retention per month (P = 1).
    rules : GraduationRules
    policy : MicroEnrolment
        Priority rule and budget ceiling applied to agents.
    hazard : ndarray, shape (T,)
        Cumulative closure hazard (:func:`simulation.engines.micro.closure_months`).
    G, n_sectors, chunk : int
        Segments, sectors, agents per block in the whole-population steps.
    counts : ndarray of int, shape (G, 5)
        Agents per segment and state, kept up to date by :meth:`move`.
    arrears : ndarray of int, shape (G,)
        Lapsed agents in their first three unpaid months (still covered).
    ever_enrolled : int
        Agents enrolled so far (counted against the rollout).
    spent : float
        Rupiah the ceiling's payer spent so far in the fiscal year.
    billed, end : ndarray of int32, shape (T, G, 5)
    flows : dict of str to ndarray of int32, shape (T, G)
    stocks : dict of str to ndarray, shape (T, G)
    waiting : ndarray of int32, shape (T, G)
    unfunded : ndarray of int, shape (T,), or None
        Consecutive unfunded months up to each month (:func:`simulation.scenario.prices.unfunded_run`),
        filled by the billing step on first use.
    """

    ag: AgentState
    streams: Streams
    monthly: object
    rules: object
    policy: object
    hazard: np.ndarray
    G: int
    n_sectors: int
    chunk: int
    counts: np.ndarray
    arrears: np.ndarray
    ever_enrolled: int
    spent: float
    billed: np.ndarray
    end: np.ndarray
    flows: dict
    stocks: dict
    waiting: np.ndarray
    unfunded: np.ndarray | None = None

    def move(self, idx: np.ndarray, new: int) -> None:
        """Set the status of agents ``idx`` to ``new``, keeping :attr:`counts` up to date."""
        ag = self.ag
        self.counts -= counts(ag.segment[idx], ag.status[idx], self.G)
        ag.status[idx] = new
        self.counts += counts(ag.segment[idx], ag.status[idx], self.G)

    def per_segment(self, idx: np.ndarray) -> np.ndarray:
        """Agents ``idx`` per segment, shape (G,)."""
        return per_segment(self.ag.segment[idx], self.G)
