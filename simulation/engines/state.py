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


def state_major(P: int, G: int, n: int, T: int | None = None) -> np.ndarray:
    """Zeros of shape (P, G, n), or (T, P, G, n), stored state by state.

    The cohort steps read and write one state at a time (``x[:, :, S]``); stored with the state
    axis outermost, each such slice is one contiguous block, which numpy processes several times
    faster than a slice with a stride of ``n`` elements (``benchmarks/bench_sensitivity.py``).
    """
    if T is None:
        return np.zeros((n, P, G)).transpose(1, 2, 0)
    return np.zeros((T, n, P, G)).transpose(0, 2, 3, 1)


class Latest:
    """A record indexed by month that keeps only the month last written (a lean cohort run).

    ``rec[t] = v`` stores ``v``; ``rec[t]`` returns it whatever ``t``: the cohort steps read a
    record only in the month they write it, so a run that reduces each month as it closes
    (:func:`simulation.engines.cohort.run_cohort` with ``observe``) needs no (T, ...) arrays.
    """

    def __init__(self, shape: tuple, major: int | None = None):
        self.value = np.zeros(shape) if major is None else state_major(*shape[:2], major)

    def __setitem__(self, t, value) -> None:
        if isinstance(value, np.ndarray) and value.base is None and value.shape == self.value.shape:
            self.value = value  # a fresh result the step no longer changes: kept, not copied
        else:  # a view of the state (the billed and end stocks), which later steps change: copied
            self.value[...] = value

    def __getitem__(self, t) -> np.ndarray:
        return self.value


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
    def start(cls, inputs, count_bpjs: bool = True, lean: bool = False) -> CohortState:
        """The state before the first month: the initial UMKM (or the registry's states).

        ``count_bpjs=False`` leaves out the months-paid bands behind ``counted_bpjs`` (a sampled
        evaluation that does not read it runs faster). ``lean=True`` keeps only the current month
        of every record (:class:`Latest`), for a run that reduces each month as it closes."""
        P, G, T = inputs.shape
        x = state_major(P, G, N_STATES)
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
            arrears=state_major(P, G, 3),
            twin=twin,
            billed=Latest((P, G), N_STATES) if lean else state_major(P, G, N_STATES, T),
            end=Latest((P, G), N_STATES) if lean else state_major(P, G, N_STATES, T),
            flows={name: Latest((P, G)) if lean else np.empty((T, P, G)) for name in FLOWS},
            waiting=Latest((P, G)) if lean else np.zeros((T, P, G)),
            stocks={
                name: Latest((P, G)) if lean else np.empty((T, P, G))
                for name in COHORT_STOCKS[: 3 if count_bpjs else 2]
            },
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
    per_month : dict
        What a step reads month by month and computes from the inputs alone, kept by the step under
        its name on first use (once per replicate instead of once a month): e.g. the billing step's
        funded months, year starts and cover changes; and the scratch arrays of :meth:`scratch`.
    mandiri, lapsed : ndarray of int32
        The self-payers: their first ``listed[0]`` and ``listed[1]`` entries list every mandiri and
        every lapsed agent once, in no particular order (and possibly agents closed since, which
        the month end drops). :meth:`move` adds the agents it moves into either state, the month
        end (:mod:`simulation.engines.kernels.month_end`) reads and rewrites the lists instead of
        scanning every agent. Default: listed from the agents' statuses.
    listed : ndarray of int64, shape (2,)
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
    per_month: dict = field(default_factory=dict)
    mandiri: np.ndarray | None = None
    lapsed: np.ndarray | None = None
    listed: np.ndarray | None = None

    def __post_init__(self) -> None:
        if self.listed is None:
            status = self.ag.status[: self.ag.n]
            on = [np.flatnonzero(status == M), np.flatnonzero(status == L)]
            self.listed = np.array([len(on[0]), len(on[1])], dtype=np.int64)
            self.mandiri, self.lapsed = (np.empty(self._room(0), np.int32) for _ in range(2))
            self.mandiri[: len(on[0])], self.lapsed[: len(on[1])] = on

    def _room(self, more: int) -> int:
        """Length each self-payer list needs for ``more`` agents to join (the month end moves agents
        from one list to the other, so each must hold them all); at least doubled when grown."""
        need = int(self.listed.sum()) + more
        have = 0 if self.mandiri is None else len(self.mandiri)
        return have if need <= have else max(need, 2 * have, 1024)

    def move(self, idx: np.ndarray, new: int) -> None:
        """Set the status of agents ``idx`` to ``new``, keeping :attr:`counts` and the self-payer
        lists (:attr:`mandiri`, :attr:`lapsed`) up to date."""
        ag = self.ag
        old = ag.status[idx]
        self.counts -= counts(ag.segment[idx], old, self.G)
        ag.status[idx] = new
        self.counts += counts(ag.segment[idx], ag.status[idx], self.G)
        if new == M or new == L:  # they join the list of their state (once: those already in it stay)
            joining = np.asarray(idx)[old != new]
            room = self._room(len(joining))
            if room > len(self.mandiri):
                for name in ("mandiri", "lapsed"):
                    grown = np.empty(room, np.int32)
                    grown[: len(getattr(self, name))] = getattr(self, name)
                    setattr(self, name, grown)
            j = 0 if new == M else 1
            listed = self.mandiri if new == M else self.lapsed
            listed[self.listed[j] : self.listed[j] + len(joining)] = joining
            self.listed[j] += len(joining)

    def scratch(self, name: str, size: int, dtype) -> np.ndarray:
        """A scratch array of at least ``size`` entries, kept under ``name`` from month to month.

        A step's large temporary allocated afresh every month comes from new pages of memory, which
        the system must zero (with 10 million agents, the billing pass's list of 47 MB cost 14 ms of
        system time a month, ``benchmarks/bench_micro.py --big``); kept, it is allocated once.
        """
        have = self.per_month.get(("scratch", name))
        if have is None or len(have) < size or have.dtype != dtype:
            have = np.empty(max(size, 0 if have is None else 2 * len(have)), dtype)
            self.per_month["scratch", name] = have
        return have

    def per_segment(self, idx: np.ndarray) -> np.ndarray:
        """Agents ``idx`` per segment, shape (G,)."""
        return per_segment(self.ag.segment[idx], self.G)
