"""The microsimulation engine: every UMKM an agent, vectorised over agents, looped over months.

Each month keeps the cohort engine's timing convention (``docs/model.md``), written once in
:data:`simulation.engines.steps.STEPS` (entry, enrolment, billing, month end, evaluation); this
engine runs each step's agent-level implementation over a
:class:`~simulation.engines.state.MicroState`.

Randomness is common-random-number safe: every draw is a function of
``(replicate, purpose, month, agent index)`` (:mod:`simulation.core.streams`).
Closure months are drawn once per agent from the cumulative closure hazard
(exactly the monthly closure probability, see :func:`closure_months`); each month
the agents whose closure month it is are found by one compiled scan, and the
self-paying members are drawn for in another (:mod:`simulation.engines.kernels`);
state counts are kept up to date from the transitions.

The output has the cohort engine's layout with one replicate on the sample
axis, so :class:`simulation.outputs.results.Result` reads it unchanged. On request
(``snapshots=[months]``) it also keeps each agent's state at the end of chosen
months (:class:`Snapshot`), e.g. two registry waves for calibration
(:func:`simulation.analysis.waves.micro_waves`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulation.core.states import N_STATES, State
from simulation.core.streams import Streams
from simulation.engines.cohort import CohortOutput, compile_inputs
from simulation.engines.kernels import compile_kernels
from simulation.engines.kernels import streams as kstreams
from simulation.engines.micro_enrolment import MicroEnrolment
from simulation.engines.state import (
    ARREARS_MONTHS,
    FLOWS,
    NOT_COVERED,
    SCHOLARSHIP_MONTHS,
    AgentState,
    MicroState,
    closure_months,
    counts,
)
from simulation.engines.state import (
    MICRO_STOCKS as STOCKS,
)
from simulation.engines.steps import AGENTS
from simulation.population import load_agents

E, S, M, L, C = (int(s) for s in State)
__all__ = ["CHUNK", "NOT_COVERED", "STOCKS", "MicroInputs", "Snapshot", "Stack", "closure_months", "run_micro", "stack"]
CHUNK = 1 << 20
"""Agents processed at once in the whole-population steps (bounds temporary memory)."""


@dataclass
class MicroInputs:
    """Everything the engine needs from a scenario, compiled once per run.

    Attributes
    ----------
    scenario : Scenario
    monthly : CohortInputs
        Entry, rollout, closure, lapse, reactivation, graduation rate and
        retention per month (the cohort engine's inputs, P = 1).
    rules : GraduationRules
        Graduation rule, thresholds and revenue increments per month.
    enrolment : MicroEnrolment
        Priority rule and budget ceiling applied to agents.
    """

    scenario: object
    monthly: object
    rules: object
    enrolment: object = None

    @classmethod
    def from_scenario(cls, scenario) -> MicroInputs:
        monthly = compile_inputs(scenario)
        return cls(scenario, monthly, monthly.rules, MicroEnrolment(monthly.enrolment))


@dataclass(frozen=True)
class Snapshot:
    """Every agent's state at the end of one month, after that month's evaluation (step e).

    Attributes (one entry per agent that exists by then, in order of arrival)
    -------------------------------------------------------------------------
    month : int
        Month index within the horizon (0 = ``start``).
    agent : ndarray of int64
        The agent's index in the replicate: a stable synthetic id (agents are
        only appended, never removed or reordered), the same in every snapshot.
    segment : int16, kecamatan x sector index; sector : int8
    status : int8, :class:`State` in force from the next month
    unpaid : int8, unpaid months of a lapsed agent (1-3: in arrears and still covered,
        4: non-active, facts F1.7); 0 otherwise
    enrolled : int16, month of enrolment into the subsidy (-1: never)
    log_revenue : float32, log annual revenue (log rupiah per year) as at the last evaluation
    """

    month: int
    agent: np.ndarray
    segment: np.ndarray
    sector: np.ndarray
    status: np.ndarray
    unpaid: np.ndarray
    enrolled: np.ndarray
    log_revenue: np.ndarray

    @classmethod
    def of(cls, ag: AgentState, month: int) -> Snapshot:
        n = ag.n
        fields = ("segment", "sector", "status", "unpaid", "enrolled", "log_revenue")
        return cls(month, np.arange(n, dtype=np.int64), **{f: getattr(ag, f)[:n].copy() for f in fields})


def run_micro(
    inputs: MicroInputs,
    seed_seq: np.random.SeedSequence,
    chunk: int = CHUNK,
    population=None,
    keep_agents=False,
    snapshots=(),
) -> dict:
    """Simulate one replicate.

    Parameters
    ----------
    inputs : MicroInputs
    seed_seq : numpy.random.SeedSequence
        The replicate's seed (a child of ``SeedSequence(seed).spawn``).
    chunk : int
        Agents per block in the whole-population steps.
    population : Agents, optional
        The starting agents; default ``load_agents(scenario, seed)`` with the
        replicate's ``population`` stream.
    keep_agents : bool
        Also return the final :class:`AgentState` under ``"state"`` (for checks).
    snapshots : sequence of int
        Months (indices within the horizon, 0 = ``start``) at whose end, after the
        evaluation, every agent's state is copied; returned under ``"snapshots"``
        as a dict month -> :class:`Snapshot`. Empty (the default): nothing is kept.

    Returns
    -------
    dict
        ``billed`` and ``end`` (T, G, 5) counts, ``flows`` dict of (T, G) counts
        (:data:`simulation.engines.cohort.FLOWS`), ``stocks`` dict of (T, G)
        (``arrears`` during the month, ``arrears_end``, ``covered_36m_end`` at
        the last month of each fiscal year, NaN in other months), ``waiting`` (T, G):
        UMKM the rollout wanted enrolled by the month but the budget ceiling kept out;
        ``snapshots`` when asked for.
    """

    s, snap_months = start(inputs, seed_seq, chunk, population, snapshots)
    h = inputs.scenario.horizon
    T = h.n_months
    year_end = np.r_[h.year[1:] != h.year[:-1], True]
    snaps: dict[int, Snapshot] = {}
    for t in range(T):
        for step in AGENTS:
            step(s, t)
        s.end[t] = s.counts
        if t in snap_months:
            snaps[t] = Snapshot.of(s.ag, t)
        s.stocks["arrears_end"][t] = s.arrears
        if year_end[t]:
            long = np.flatnonzero(s.ag.covered_since[: s.ag.n] <= t + 1 - SCHOLARSHIP_MONTHS)
            s.stocks["covered_36m_end"][t] = s.per_segment(long)
    out = {"billed": s.billed, "end": s.end, "flows": s.flows, "stocks": s.stocks, "waiting": s.waiting}
    out["agents"] = s.ag.n
    if keep_agents:
        out["state"] = s.ag
    if snap_months:
        out["snapshots"] = snaps
    return out


def start(inputs: MicroInputs, seed_seq, chunk: int = CHUNK, population=None, snapshots=()):
    """The replicate's :class:`MicroState` before the first month, and the snapshot months as a set.

    The starting agents are ``population`` or ``load_agents(scenario)`` with the replicate's
    ``population`` stream; each draws its closure month (stream ``closure``). The steps' compiled
    kernels are compiled (or loaded from numba's cache) on the first call in a process.
    """
    compile_kernels()
    scenario, mi, rules = inputs.scenario, inputs.monthly, inputs.rules
    streams = Streams(seed_seq)
    h = scenario.horizon
    T = h.n_months
    G = len(scenario.segment_shares)
    n_sectors = len(scenario.sectors)
    with np.errstate(divide="ignore"):
        hazard = np.cumsum(-np.log1p(-mi.closure[0]))

    snap_months = {int(m) for m in snapshots}
    bad = sorted(m for m in snap_months if not 0 <= m < T)
    if bad:
        raise ValueError(f"snapshots: month index {bad[0]} is outside the horizon; allowed: 0 to {T - 1}")

    pop = population if population is not None else load_agents(scenario, seed=streams.generator("population"))
    n0 = len(pop)
    growth = (1.0 + mi.entry[0].max()) ** T - 1.0
    ag = AgentState(int(n0 * (1.0 + 1.2 * growth)) + 1024)
    u = np.empty(n0)
    kstreams.uniforms(streams.base("closure", 0), 0, u)  # streams.uniform("closure", 0, agents 0..n0-1), compiled
    close0 = closure_months(hazard, 0, u)
    del u  # not held while the agents are written (peak memory of a large population)
    status0 = pop.status.astype(np.int8)
    enrolled0 = np.where(pop.enrolled_since >= 0, np.maximum(pop.enrolled_since - h.start, -1000), -1)
    covered0 = (status0 == S) | (status0 == M)
    ag.append(
        segment=pop.segment,
        sector=(pop.segment % n_sectors).astype(np.int8),
        status=status0,
        unpaid=np.where(status0 == L, ARREARS_MONTHS + 1, 0),
        close_month=close0,
        enrolled=enrolled0,
        covered_since=np.where(covered0, enrolled0, NOT_COVERED),
        log_revenue=log_revenue(pop.revenue),
        priority=pop.priority,
    )
    ever_enrolled = int(((status0 == S) | (status0 == M) | (status0 == L)).sum())
    stocks = {name: np.zeros((T, G)) for name in STOCKS}
    stocks["covered_36m_end"][:] = np.nan
    s = MicroState(
        ag=ag,
        streams=streams,
        monthly=mi,
        rules=rules,
        policy=inputs.enrolment or MicroEnrolment(mi.enrolment),
        hazard=hazard,
        G=G,
        n_sectors=n_sectors,
        chunk=chunk,
        counts=counts(ag.segment[:n0], ag.status[:n0], G),
        arrears=np.zeros(G, dtype=np.int64),
        ever_enrolled=ever_enrolled,
        spent=0.0,
        billed=np.empty((T, G, N_STATES), dtype=np.int32),
        end=np.empty((T, G, N_STATES), dtype=np.int32),
        flows={name: np.zeros((T, G), dtype=np.int32) for name in FLOWS},
        stocks=stocks,
        waiting=np.zeros((T, G), dtype=np.int32),
    )
    return s, snap_months


def log_revenue(revenue: np.ndarray) -> np.ndarray:
    """Log annual revenue (log rupiah per year) of the starting agents.

    A registry may record a revenue of 0 (a UMKM with no sales): its log is ``-inf``, taken on
    purpose (no warning). It stays ``-inf`` through every increment (``-inf + x``), so it is below
    every revenue threshold and the UMKM never graduates on its revenue level; its revenue reads
    back as 0 (``exp(-inf)``).
    """
    with np.errstate(divide="ignore"):
        return np.log(revenue)


class Stack:
    """Replicate outputs gathered into one :class:`CohortOutput` with the replicate on the sample
    axis, each copied in as it arrives (in any order) so that no list of replicates is kept.

    Parameters
    ----------
    reps : int
        Replicates to expect.
    """

    def __init__(self, reps: int):
        self.reps = reps
        self.output: CohortOutput | None = None

    def put(self, r: int, out: dict) -> None:
        """Copy replicate ``r``'s output (:func:`run_micro`) into place."""
        if self.output is None:

            def empty(a):
                return np.empty((a.shape[0], self.reps, *a.shape[1:]), dtype=a.dtype)

            self.output = CohortOutput(
                billed=empty(out["billed"]),
                end=empty(out["end"]),
                flows={k: empty(v) for k, v in out["flows"].items()},
                waiting=empty(out["waiting"]),
            )
            self.output.stocks = {k: empty(v) for k, v in out["stocks"].items()}
        o = self.output
        o.billed[:, r], o.end[:, r], o.waiting[:, r] = out["billed"], out["end"], out["waiting"]
        for k, v in out["flows"].items():
            o.flows[k][:, r] = v
        for k, v in out["stocks"].items():
            o.stocks[k][:, r] = v


def stack(replicates: list[dict]) -> CohortOutput:
    """Replicate outputs to one :class:`CohortOutput` with the replicate on the sample axis."""
    gathered = Stack(len(replicates))
    for r, out in enumerate(replicates):
        gathered.put(r, out)
    return gathered.output
