"""The microsimulation engine: every UMKM an agent, vectorised over agents, looped over months.

Each month keeps the cohort engine's timing convention (``docs/model.md``):

a. entry: new UMKM are appended as eligible agents;
b. enrolment: at a fiscal year's start, if the budget ceiling cannot carry every
   subsidised agent to the year's end, the lowest-priority ones are suspended; then
   eligible agents are enrolled in the priority rule's order up to the cumulative
   rollout target, as many as the ceiling pays for
   (:mod:`simulation.engines.micro_enrolment`);
c. billing: the stocks by segment and state are recorded (the ledger is built
   from them by :mod:`simulation.outputs.budget`);
d. month end: closure, then self-payers stop paying (enter arrears) or resume,
   arrears age and a third unpaid month ends cover (facts F1.7);
e. at the end of an evaluation month: revenues grow, subsidised agents graduate
   by the scenario's rule, effective next month.

Randomness is common-random-number safe: every draw is a function of
``(replicate, purpose, month, agent index)`` (:mod:`simulation.core.streams`).
Closure months are drawn once per agent from the cumulative closure hazard
(exactly the monthly closure probability, see :func:`closure_months`), so the
monthly work scales with the events and with the self-paying members, not with
the whole population; state counts are kept up to date from the transitions.

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
from simulation.engines.cohort import FLOWS, CohortOutput, compile_inputs
from simulation.engines.micro_enrolment import MicroEnrolment
from simulation.engines.revenue import GROWTH, RATE, THRESHOLD, graduation_rules
from simulation.population import load_agents

E, S, M, L, C = (int(s) for s in State)
NOT_COVERED = np.iinfo(np.int16).max
"""``covered_since`` of an agent without cover."""
ARREARS_MONTHS = 3
"""Unpaid months a self-payer stays covered (facts F1.7); the next one is non-active."""
SCHOLARSHIP_MONTHS = 36
"""Continuous membership needed for the scholarship after a non-work death (facts F2.2)."""
STOCKS = ("arrears", "arrears_end", "covered_36m_end")
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
        return cls(scenario, monthly, graduation_rules(scenario), MicroEnrolment(monthly.enrolment))


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
    }

    def __init__(self, capacity: int):
        self.n = 0
        for name, dtype in self.FIELDS.items():
            setattr(self, name, np.zeros(capacity, dtype=dtype))

    @property
    def capacity(self) -> int:
        return len(self.segment)

    def append(self, **values) -> np.ndarray:
        """Append agents (keyword arrays of equal length); return their indices."""
        k = len(values["segment"])
        if self.n + k > self.capacity:
            grow = max(self.n + k, 2 * self.capacity)
            for name in self.FIELDS:
                old = getattr(self, name)
                new = np.zeros(grow, dtype=old.dtype)
                new[: self.n] = old[: self.n]
                setattr(self, name, new)
        idx = np.arange(self.n, self.n + k)
        for name, value in values.items():
            getattr(self, name)[self.n : self.n + k] = value
        self.n += k
        return idx


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


def _counts(segment, status, G) -> np.ndarray:
    return np.bincount(segment.astype(np.int64) * N_STATES + status, minlength=G * N_STATES).reshape(G, N_STATES)


def _per_segment(segment, G) -> np.ndarray:
    return np.bincount(segment, minlength=G)


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

    scenario, mi, rules = inputs.scenario, inputs.monthly, inputs.rules
    streams = Streams(seed_seq)
    h = scenario.horizon
    T = h.n_months
    G = len(scenario.segment_shares)
    n_sectors = len(scenario.sectors)
    entry, rollout = mi.entry[0], mi.rollout[0]
    closure, lapse, react, retention = mi.closure[0], mi.lapse[0], mi.reactivation[0], mi.retention[0]
    with np.errstate(divide="ignore"):
        hazard = np.cumsum(-np.log1p(-closure))
    year_end = np.r_[h.year[1:] != h.year[:-1], True]

    snap_months = {int(m) for m in snapshots}
    bad = sorted(m for m in snap_months if not 0 <= m < T)
    if bad:
        raise ValueError(f"snapshots: month index {bad[0]} is outside the horizon; allowed: 0 to {T - 1}")
    snaps: dict[int, Snapshot] = {}

    pop = population if population is not None else load_agents(scenario, seed=streams.generator("population"))
    n0 = len(pop)
    growth = (1.0 + entry.max()) ** T - 1.0
    ag = AgentState(int(n0 * (1.0 + 1.2 * growth)) + 1024)
    idx0 = np.arange(n0)
    status0 = pop.status.astype(np.int8)
    enrolled0 = np.where(pop.enrolled_since >= 0, np.maximum(pop.enrolled_since - h.start, -1000), -1)
    covered0 = (status0 == S) | (status0 == M)
    ag.append(
        segment=pop.segment,
        sector=(pop.segment % n_sectors).astype(np.int8),
        status=status0,
        unpaid=np.where(status0 == L, ARREARS_MONTHS + 1, 0),
        close_month=closure_months(hazard, 0, streams.uniform("closure", 0, idx0)),
        enrolled=enrolled0,
        covered_since=np.where(covered0, enrolled0, NOT_COVERED),
        log_revenue=np.log(pop.revenue),
        priority=pop.priority,
    )
    ever_enrolled = int(((status0 == S) | (status0 == M) | (status0 == L)).sum())
    del pop, enrolled0, covered0  # the agent state holds what is needed

    # closures scheduled by month: lists of index arrays
    pending: list[list[np.ndarray]] = [[] for _ in range(T + 1)]

    def schedule(idx):
        months = ag.close_month[idx]
        order = np.argsort(months, kind="stable")
        bounds = np.searchsorted(months[order], np.arange(T + 2))
        for t in np.flatnonzero(np.diff(bounds)):
            if t < T:
                pending[t].append(idx[order[bounds[t] : bounds[t + 1]]])

    schedule(idx0[status0 != C])

    counts = _counts(ag.segment[:n0], ag.status[:n0], G)
    arrears = np.zeros(G, dtype=np.int64)
    billed = np.empty((T, G, N_STATES), dtype=np.int32)
    end = np.empty((T, G, N_STATES), dtype=np.int32)
    flows = {name: np.zeros((T, G), dtype=np.int32) for name in FLOWS}
    stocks = {name: np.zeros((T, G)) for name in STOCKS}
    stocks["covered_36m_end"][:] = np.nan
    segments = np.arange(G)
    policy = inputs.enrolment or MicroEnrolment(mi.enrolment)
    waiting = np.zeros((T, G), dtype=np.int32)
    spent = 0.0  # rupiah the ceiling's payer spent so far in the fiscal year

    def move(idx, new):
        counts.__isub__(_counts(ag.segment[idx], ag.status[idx], G))
        ag.status[idx] = new
        counts.__iadd__(_counts(ag.segment[idx], ag.status[idx], G))

    for t in range(T):
        # a. entry: the expected number per segment, rounded up or down at random (exact mean)
        if entry[t] > 0:
            lam = counts[:, :C].sum(axis=1) * entry[t]
            k = (np.floor(lam) + (streams.uniform("entry", t, segments) < lam - np.floor(lam))).astype(np.int64)
            if k.sum():
                seg = np.repeat(segments, k).astype(np.int16)
                ids = np.arange(ag.n, ag.n + len(seg))
                sector = (seg % n_sectors).astype(np.int8)
                logrev = rules.log_mean0[sector] + rules.sigma0 * streams.normal("entrant", 0, ids)
                ids = ag.append(
                    segment=seg,
                    sector=sector,
                    status=E,
                    unpaid=0,
                    close_month=closure_months(hazard, t, streams.uniform("closure", 0, ids)),
                    enrolled=-1,
                    covered_since=NOT_COVERED,
                    log_revenue=logrev,
                    priority=streams.uniform("entrant", 1, ids),
                )
                counts[:, E] += k
                flows["entered"][t] = k
                schedule(ids)

        # b. suspension at a fiscal year's start, then enrolment up to the rollout, within the ceiling
        if policy.capped and policy.rule.year_start[t]:
            spent = 0.0
            ever_enrolled -= _suspend(ag, t, policy, move, flows, G)
        wanted = int(np.floor(rollout[t] - ever_enrolled + 0.5))
        if wanted > 0 and counts[:, E].sum() > 0:
            elig = np.flatnonzero(ag.status[: ag.n] == E)
            if policy.plain:  # first come, no ceiling: the highest priority scores
                if wanted < len(elig):
                    elig = elig[np.argpartition(-ag.priority[elig], wanted - 1)[:wanted]]
                waits = elig[:0]
            else:
                money = np.inf
                if policy.capped:
                    committed = float(counts[:, S] @ policy.rule.remaining_cost[t])
                    money = policy.ceiling[t] - spent - committed
                elig, waits = policy.choose(
                    elig,
                    ag.segment[elig],
                    ag.priority[elig],
                    ag.suspended[elig],
                    wanted,
                    money,
                    policy.rule.remaining_cost[t],
                )
            move(elig, S)
            ag.enrolled[elig] = t
            ag.covered_since[elig] = t
            ag.suspended[elig] = 0
            ever_enrolled += len(elig)
            flows["enrolled"][t] = _per_segment(ag.segment[elig], G)
            waiting[t] = _per_segment(ag.segment[waits], G)
        if policy.capped:
            spent += float(counts[:, S] @ policy.rule.unit_cost[t])

        # c. billing happens on these stocks
        billed[t] = counts
        stocks["arrears"][t] = arrears

        # d. month end: closure, then self-payers
        if pending[t]:
            closing = np.concatenate(pending[t])
            pending[t] = []
            in_arrears = closing[(ag.status[closing] == L) & (ag.unpaid[closing] <= ARREARS_MONTHS)]
            arrears -= _per_segment(ag.segment[in_arrears], G)
            move(closing, C)
            ag.covered_since[closing] = NOT_COVERED
            flows["closures"][t] = _per_segment(ag.segment[closing], G)
        for lo in range(0, ag.n, chunk):
            st = ag.status[lo : lo + chunk]
            sp = np.flatnonzero(st.view(np.uint8) - np.uint8(M) < 2) + lo  # mandiri or lapsed
            if not len(sp):
                continue
            is_m = ag.status[sp] == M
            event = streams.bernoulli("self_pay", t, sp, np.where(is_m, lapse[t], react[t]))
            stop = sp[is_m & event]
            resume = sp[~is_m & event]
            stay = sp[~is_m & ~event]
            if len(stop):
                move(stop, L)
                ag.unpaid[stop] = 1
                arrears += _per_segment(ag.segment[stop], G)
                flows["lapses"][t] += _per_segment(ag.segment[stop], G)
            if len(resume):
                was_active = ag.unpaid[resume] <= ARREARS_MONTHS
                arrears -= _per_segment(ag.segment[resume[was_active]], G)
                back = resume[~was_active]
                ag.covered_since[back] = t + 1
                move(resume, M)
                ag.unpaid[resume] = 0
                flows["reactivated"][t] += _per_segment(ag.segment[resume], G)
            if len(stay):
                unpaid = ag.unpaid[stay]
                lost = stay[unpaid == ARREARS_MONTHS]
                if len(lost):
                    arrears -= _per_segment(ag.segment[lost], G)
                    ag.covered_since[lost] = NOT_COVERED
                    flows["lost_cover"][t] += _per_segment(ag.segment[lost], G)
                ag.unpaid[stay] = np.minimum(unpaid + 1, ARREARS_MONTHS + 1)

        # e. evaluation: revenues grow, then subsidised members graduate (effective next month)
        if rules.at_evaluation[t]:
            _evaluate(ag, t, rules, streams, retention[t], chunk, move, arrears, flows, G)

        end[t] = counts
        if t in snap_months:
            snaps[t] = Snapshot.of(ag, t)
        stocks["arrears_end"][t] = arrears
        if year_end[t]:
            long = np.flatnonzero(ag.covered_since[: ag.n] <= t + 1 - SCHOLARSHIP_MONTHS)
            stocks["covered_36m_end"][t] = _per_segment(ag.segment[long], G)
    out = {"billed": billed, "end": end, "flows": flows, "stocks": stocks, "waiting": waiting, "agents": ag.n}
    if keep_agents:
        out["state"] = ag
    if snap_months:
        out["snapshots"] = snaps
    return out


def _suspend(ag, t, policy, move, flows, G) -> int:
    """Step b at a fiscal year's start: keep the subsidised agents the year's ceiling carries to the
    year's end, in priority order; the rest go back to eligible, lose cover and head the waiting
    list. Returns the number suspended."""
    sub = np.flatnonzero(ag.status[: ag.n] == S)
    cost = policy.rule.remaining_cost[t]
    if not len(sub) or cost[ag.segment[sub]].sum() <= policy.ceiling[t]:
        return 0
    seg = ag.segment[sub]
    kept, _ = policy.choose(sub, seg, ag.priority[sub], np.zeros(len(sub), np.int8), len(sub), policy.ceiling[t], cost)
    out = np.setdiff1d(sub, kept, assume_unique=True)
    move(out, E)
    ag.covered_since[out] = NOT_COVERED
    ag.enrolled[out] = -1
    ag.suspended[out] = 1
    flows["suspended"][t] = _per_segment(ag.segment[out], G)
    return len(out)


def _evaluate(ag, t, rules, streams, retention, chunk, move, arrears, flows, G) -> None:
    """Step e: revenue increments for every agent, then graduation of eligible subsidised agents."""
    drift = rules.drift[t].astype(np.float32)
    sd = rules.sd[t].astype(np.float32)
    rule = rules.rule[t]
    for lo in range(0, ag.n, chunk):
        hi = min(lo + chunk, ag.n)
        sector = ag.sector[lo:hi]
        inc = streams.normal("revenue", t, np.arange(lo, hi)).astype(np.float32)
        inc *= sd[sector]
        inc += drift[sector]
        ag.log_revenue[lo:hi] += inc
        sub = np.flatnonzero(ag.status[lo:hi] == S)
        sub = sub[t - ag.enrolled[lo + sub] + 1 >= rules.min_months[t]]
        if rule == RATE:
            grad = sub[streams.bernoulli("graduation", t, lo + sub, rules.rate[t])]
        elif rule == THRESHOLD:
            grad = sub[ag.log_revenue[lo + sub] >= rules.log_threshold[t]]
        elif rule == GROWTH:
            grad = sub[inc[sub] >= rules.log_growth[t]]
        grad = grad + lo
        if not len(grad):
            continue
        keeps = streams.bernoulli("retention", t, grad, retention)
        to_m, to_l = grad[keeps], grad[~keeps]
        move(to_m, M)
        move(to_l, L)
        ag.unpaid[to_l] = 1
        arrears += _per_segment(ag.segment[to_l], G)
        flows["graduated"][t] += _per_segment(ag.segment[grad], G)
        flows["graduated_mandiri"][t] += _per_segment(ag.segment[to_m], G)
        flows["graduated_lapsed"][t] += _per_segment(ag.segment[to_l], G)


def stack(replicates: list[dict]) -> CohortOutput:
    """Replicate outputs to one :class:`CohortOutput` with the replicate on the sample axis."""
    out = CohortOutput(
        billed=np.stack([r["billed"] for r in replicates], axis=1),
        end=np.stack([r["end"] for r in replicates], axis=1),
        flows={k: np.stack([r["flows"][k] for r in replicates], axis=1) for k in replicates[0]["flows"]},
        waiting=np.stack([r["waiting"] for r in replicates], axis=1),
    )
    out.stocks = {k: np.stack([r["stocks"][k] for r in replicates], axis=1) for k in replicates[0]["stocks"]}
    return out
