"""The cohort engine: the deterministic expected-value projection on a monthly grid.

Expected counts of UMKM per segment (kecamatan x sector) and state are carried
month by month; the arrays have a leading *sample* axis so that many parameter
sets (for sensitivity analysis) run in one pass. The order of events in each
month is the model's timing convention (``docs/model.md``):

a. new UMKM enter as eligible;
b. eligible UMKM are enrolled into the subsidy up to the month's rollout target;
c. every member covered this month is billed (done by :mod:`simulation.outputs.budget`
   from the ``billed`` stocks recorded here);
d. at month end: closure in every open state, then mandiri to lapsed (stopped
   paying) and lapsed to mandiri among the survivors; a non-paying self-payer
   stays covered in arrears for three unpaid months, then loses cover (F1.7);
e. at the end of the evaluation month, subsidised members graduate: to mandiri
   with the retention probability, otherwise to lapsed; effective next month.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from simulation.core.states import N_STATES, State, monthly_growth, monthly_probability
from simulation.engines.bands import SubsidisedTwin
from simulation.engines.enrolment import Enrolment, allocate, allocate_within, compile_enrolment, fit_budget
from simulation.population.registry import registry_path
from simulation.population.synthetic import load_agents

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
"""Flows recorded every month: UMKM moved in that month (expected counts)."""


@dataclass
class CohortInputs:
    """Monthly inputs of the cohort engine, one row per sample.

    Attributes
    ----------
    initial : ndarray, shape (P, G)
        Eligible UMKM per segment at the start (UMKM).
    entry : ndarray, shape (P, T)
        New UMKM per month as a share of open UMKM.
    rollout : ndarray, shape (P, T)
        Cumulative UMKM enrolled into the subsidy by each month (UMKM).
    closure, lapse, reactivation : ndarray, shape (P, T)
        Monthly probabilities.
    graduation : ndarray, shape (P, T)
        Probability that a subsidised member graduates at the end of the month
        (zero outside evaluation months).
    retention : ndarray, shape (P, T)
        Probability that a graduate goes on as a mandiri member.
    enrolment : Enrolment, optional
        Priority rule and budget ceiling (:mod:`simulation.engines.enrolment`);
        ``None`` enrols pro rata with no ceiling.
    initial_states : ndarray, shape (P, G, 5), optional
        UMKM per segment and state at the start (a registry's statuses); ``None``: all
        ``initial`` UMKM eligible. UMKM already enrolled count against the rollout.
    twin : SubsidisedTwin, optional
        Revenue bands and months of subsidy of the eligible and subsidised
        UMKM (:mod:`simulation.engines.bands`), needed by every graduation rule
        but a plain rate; None for a plain rate.
    """

    initial: np.ndarray
    entry: np.ndarray
    rollout: np.ndarray
    closure: np.ndarray
    lapse: np.ndarray
    reactivation: np.ndarray
    graduation: np.ndarray
    retention: np.ndarray
    enrolment: Enrolment | None = None
    initial_states: np.ndarray | None = None
    twin: object = None

    @property
    def shape(self) -> tuple[int, int, int]:
        """(P samples, G segments, T months)."""
        return self.initial.shape[0], self.initial.shape[1], self.entry.shape[1]


@dataclass
class CohortOutput:
    """What the cohort engine recorded.

    Attributes
    ----------
    billed : ndarray, shape (T, P, G, 5)
        Stocks by state during each month, after entry and enrolment: the
        members billed that month.
    end : ndarray, shape (T, P, G, 5)
        Stocks at the end of each month, after closure, lapses and graduation.
    flows : dict of str to ndarray, shape (T, P, G)
        Expected UMKM moved in each month, for each name in :data:`FLOWS`.
    waiting : ndarray, shape (T, P, G), optional
        UMKM the rollout wanted enrolled by the month but the budget ceiling kept
        waiting (after the month's enrolment).
    stocks : dict of str to ndarray, shape (T, P, G)
        Sub-stocks: ``arrears`` (during the month) and ``arrears_end``, the
        lapsed UMKM in their first to third unpaid month, still covered (F1.7).
    """

    billed: np.ndarray
    end: np.ndarray
    flows: dict[str, np.ndarray] = field(default_factory=dict)
    waiting: np.ndarray | None = None
    stocks: dict[str, np.ndarray] = field(default_factory=dict)


def compile_inputs(scenario) -> CohortInputs:
    """The cohort inputs of one scenario (P = 1)."""
    h = scenario.horizon
    initial = scenario.first("population.initial_umkm") * scenario.segment_shares
    initial_states = registry_states(scenario)
    if initial_states is not None:
        initial = initial_states[:, E]
    evaluation = scenario.monthly_array("policy.graduation.evaluation_month")
    at_evaluation = h.month_of_year == evaluation
    graduation = np.where(at_evaluation, scenario.monthly_array("policy.graduation.rate"), 0.0)
    row = lambda a: np.asarray(a, dtype=float)[None, :]  # noqa: E731 - (T,) to (1, T)
    return CohortInputs(
        initial=initial[None, :],
        entry=row(monthly_growth(scenario.monthly_array("population.entry_rate"))),
        rollout=row(scenario.monthly_array("policy.rollout")),
        closure=row(monthly_probability(scenario.monthly_array("assumptions.closure_rate"))),
        lapse=row(monthly_probability(scenario.monthly_array("assumptions.mandiri_lapse_rate"))),
        reactivation=row(monthly_probability(scenario.monthly_array("assumptions.reactivation_rate"))),
        graduation=row(graduation),
        retention=row(scenario.monthly_array("policy.graduation.retention")),
        enrolment=compile_enrolment(scenario),
        twin=SubsidisedTwin.for_scenario(scenario),
        initial_states=None if initial_states is None else initial_states[None],
    )


def registry_states(scenario) -> np.ndarray | None:
    """UMKM per segment and state from the scenario's registry, shape (G, 5); None without one.

    The revenue bands of the cohort twin still start from the scenario's lognormal revenue
    assumption (``population.revenue_mean``, ``revenue_sigma``), not the registry's revenues.
    """

    if registry_path(scenario) is None:
        return None
    agents = load_agents(scenario)
    counts = np.zeros((len(scenario.segment_shares), N_STATES))
    np.add.at(counts, (agents.segment, agents.status), 1.0)
    return counts


def run_cohort(inputs: CohortInputs) -> CohortOutput:
    """Project expected counts month by month.

    Parameters
    ----------
    inputs : CohortInputs
        Monthly inputs, one row per sample.

    Returns
    -------
    CohortOutput
        Billed and end-of-month stocks and monthly flows.
    """
    P, G, T = inputs.shape
    x = np.zeros((P, G, N_STATES))
    x[:, :, E] = inputs.initial
    ever_enrolled = np.zeros(P)
    if inputs.initial_states is not None:
        x[:] = inputs.initial_states
        ever_enrolled = x[:, :, S:C].sum(axis=(1, 2))  # subsidised, mandiri and lapsed were enrolled
    rule = inputs.enrolment
    spent = np.zeros(P)  # rupiah spent by the ceiling's payer so far in the fiscal year
    waiting = np.zeros((T, P, G))
    billed = np.empty((T, P, G, N_STATES))
    end = np.empty((T, P, G, N_STATES))
    flows = {name: np.empty((T, P, G)) for name in FLOWS}
    arrears = np.zeros((P, G, 3))  # lapsed UMKM in their 1st, 2nd, 3rd unpaid month (part of LAPSED)
    stocks = {"arrears": np.empty((T, P, G)), "arrears_end": np.empty((T, P, G))}
    twin = inputs.twin.start(x[:, :, E], x[:, :, S]) if inputs.twin is not None else None

    for t in range(T):
        # a. entry, as a share of the UMKM open at the start of the month
        entered = x[:, :, :C].sum(axis=2) * inputs.entry[:, t, None]
        x[:, :, E] += entered
        if twin is not None:
            twin.enter(entered)

        # b. enrolment up to the cumulative rollout target, by priority, within the budget ceiling
        suspended = np.zeros((P, G))
        if rule is not None and rule.capped and rule.year_start[t]:
            spent = np.zeros(P)
            kept = fit_budget(x[:, :, S], rule.remaining_cost[t], rule.ceiling[:, t], rule.rank)
            suspended = x[:, :, S] - kept
            if twin is not None:
                twin.suspend(np.divide(suspended, x[:, :, S], out=np.zeros_like(kept), where=x[:, :, S] > 0))
            x[:, :, S] = kept
            x[:, :, E] += suspended
            ever_enrolled -= suspended.sum(axis=1)
        wanted = np.minimum(np.maximum(inputs.rollout[:, t] - ever_enrolled, 0.0), x[:, :, E].sum(axis=1))
        if rule is None:
            total = x[:, :, E].sum(axis=1)
            desired = x[:, :, E] * np.divide(wanted, total, out=np.zeros(P), where=total > 0)[:, None]
            enrolled = desired
        else:
            desired = allocate(x[:, :, E], wanted, rule)
            enrolled = desired
            if rule.capped:
                committed = (x[:, :, S] * rule.remaining_cost[t]).sum(axis=1)
                money = rule.ceiling[:, t] - spent - committed
                enrolled = allocate_within(x[:, :, E], wanted, money, rule.remaining_cost[t], rule)
        waiting[t] = desired - enrolled
        eligible_before = x[:, :, E].copy()
        x[:, :, E] -= enrolled
        x[:, :, S] += enrolled
        ever_enrolled += enrolled.sum(axis=1)
        if rule is not None and rule.capped:
            spent += (x[:, :, S] * rule.unit_cost[t]).sum(axis=1)
        if twin is not None:
            twin.enrol(np.divide(enrolled, eligible_before, out=np.zeros_like(enrolled), where=eligible_before > 0))

        # c. billing happens on these stocks
        billed[t] = x
        stocks["arrears"][t] = arrears.sum(axis=2)

        # d. month end: closure in every open state, then lapse and reactivation
        closing = x[:, :, :C] * inputs.closure[:, t, None, None]
        x[:, :, :C] -= closing
        x[:, :, C] += closing.sum(axis=2)
        lapsed = x[:, :, M] * inputs.lapse[:, t, None]
        reactivated = x[:, :, L] * inputs.reactivation[:, t, None]
        x[:, :, M] += reactivated - lapsed
        x[:, :, L] += lapsed - reactivated
        # arrears: closure and resumption hit them like all lapsed; a third unpaid month ends cover
        arrears *= (1.0 - inputs.closure[:, t, None, None]) * (1.0 - inputs.reactivation[:, t, None, None])
        lost = arrears[:, :, 2].copy()
        arrears[:, :, 1:] = arrears[:, :, :2]
        arrears[:, :, 0] = lapsed
        if twin is not None:
            twin.close(inputs.closure[:, t])

        # e. graduation at the end of the evaluation month, effective next month
        if twin is None:
            graduated = x[:, :, S] * inputs.graduation[:, t, None]
        else:
            graduated = twin.graduate(t, inputs.graduation[:, t])
        to_mandiri = graduated * inputs.retention[:, t, None]
        x[:, :, S] -= graduated
        x[:, :, M] += to_mandiri
        x[:, :, L] += graduated - to_mandiri
        arrears[:, :, 0] += graduated - to_mandiri
        stocks["arrears_end"][t] = arrears.sum(axis=2)

        end[t] = x
        for name, value in (
            ("entered", entered),
            ("enrolled", enrolled),
            ("closures", closing.sum(axis=2)),
            ("lapses", lapsed),
            ("reactivated", reactivated),
            ("graduated", graduated),
            ("graduated_mandiri", to_mandiri),
            ("graduated_lapsed", graduated - to_mandiri),
            ("suspended", suspended),
            ("lost_cover", lost),
        ):
            flows[name][t] = value
    return CohortOutput(billed=billed, end=end, flows=flows, waiting=waiting, stocks=stocks)
