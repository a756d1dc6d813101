"""The cohort engine: the deterministic expected-value projection on a monthly grid.

Expected counts of UMKM per segment (kecamatan x sector) and state are carried
month by month; the arrays have a leading *sample* axis so that many parameter
sets (for sensitivity analysis) run in one pass. The order of events in each
month is the model's timing convention (``docs/model.md``), written once in
:data:`simulation.engines.steps.STEPS` (entry, enrolment, billing, month end,
evaluation); this engine runs each step's expected-value implementation.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from simulation.core.states import N_STATES, State, monthly_growth, monthly_probability
from simulation.engines.bands import SubsidisedTwin
from simulation.engines.enrolment import Enrolment, compile_enrolment
from simulation.engines.revenue import GraduationRules, graduation_rules
from simulation.engines.state import FLOWS, CohortState  # noqa: F401 - FLOWS: the engines' public name
from simulation.engines.steps import EXPECTED
from simulation.population.registry import registry_path
from simulation.population.synthetic import load_agents
from simulation.scenario.prices import funded, year_starts

E, S, M, L, C = (int(s) for s in State)


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
    funded : ndarray, shape (P, T), optional
        1.0 in the months the payers fund (``policy.months_funded``), 0.0 in the others: no
        enrolment then, and the subsidised members go unpaid. None: every month funded.
    enrolment : Enrolment, optional
        Priority rule and budget ceiling (:mod:`simulation.engines.enrolment`);
        ``None`` enrols pro rata with no ceiling.
    initial_states : ndarray, shape (P, G, 5), optional
        UMKM per segment and state at the start (a registry's statuses); ``None``: all
        ``initial`` UMKM eligible. UMKM already enrolled count against the rollout.
    twin : SubsidisedTwin, optional
        Revenue bands and months of subsidy of the eligible and subsidised
        UMKM (:mod:`simulation.engines.bands`), needed by every graduation rule
        that reads revenue and by a minimum of subsidised years; None otherwise.
    rules : GraduationRules, optional
        The graduation rule in force each month and its parameters
        (:mod:`simulation.engines.revenue`); None: the rule ``rate`` throughout.
    """

    initial: np.ndarray
    entry: np.ndarray
    rollout: np.ndarray
    closure: np.ndarray
    lapse: np.ndarray
    reactivation: np.ndarray
    graduation: np.ndarray
    retention: np.ndarray
    funded: np.ndarray | None = None
    year_start: np.ndarray | None = None
    enrolment: Enrolment | None = None
    initial_states: np.ndarray | None = None
    twin: object = None
    rules: GraduationRules | None = None

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
        lapsed UMKM in their first to third unpaid month, still covered (F1.7);
        ``counted_bpjs``, subsidised members as BPJS-TK counts them toward its
        coverage targets (G4.2, :mod:`simulation.engines.steps.billing`).
    """

    billed: np.ndarray
    end: np.ndarray
    flows: dict[str, np.ndarray] = field(default_factory=dict)
    waiting: np.ndarray | None = None
    stocks: dict[str, np.ndarray] = field(default_factory=dict)


def _as_float(values) -> np.ndarray:
    return np.asarray(values, dtype=float)


MONTHLY_INPUTS = {
    "population.entry_rate": ("entry", monthly_growth),
    "policy.rollout": ("rollout", _as_float),
    "assumptions.closure_rate": ("closure", monthly_probability),
    "assumptions.mandiri_lapse_rate": ("lapse", monthly_probability),
    "assumptions.reactivation_rate": ("reactivation", monthly_probability),
    "policy.graduation.retention": ("retention", _as_float),
}
"""Scenario parameter -> (:class:`CohortInputs` field, conversion to the monthly value): written once,
read by :func:`compile_inputs` and by the sensitivity evaluator (:mod:`simulation.analysis.evaluate`)."""


def compile_inputs(scenario) -> CohortInputs:
    """The cohort inputs of one scenario (P = 1)."""
    initial = scenario.first("population.initial_umkm") * scenario.segment_shares
    initial_states = registry_states(scenario)
    if initial_states is not None:
        initial = initial_states[:, E]
    rules = graduation_rules(scenario)
    monthly = {
        field: convert(scenario.monthly_array(name))[None, :] for name, (field, convert) in MONTHLY_INPUTS.items()
    }
    return CohortInputs(
        initial=initial[None, :],
        graduation=rules.rate[None, :],
        **monthly,
        funded=funded(scenario)[None, :],
        year_start=year_starts(scenario.horizon)[None, :],
        enrolment=compile_enrolment(scenario),
        twin=SubsidisedTwin(rules, len(scenario.segment_shares)) if rules.needs_twin else None,
        initial_states=None if initial_states is None else initial_states[None],
        rules=rules,
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


def run_cohort(inputs: CohortInputs, count_bpjs: bool = True, observe=None) -> CohortOutput | None:
    """Project expected counts month by month.

    Parameters
    ----------
    inputs : CohortInputs
        Monthly inputs, one row per sample.
    count_bpjs : bool
        Record ``counted_bpjs`` (members BPJS-TK counts toward its targets); the sampled
        evaluation, which does not read it, leaves it out.
    observe : callable, optional
        ``observe(state, t)`` after each month closes, reading the month's records
        (``state.billed[t]``, ``state.end[t]``, ``state.stocks[name][t]``, ...). With it the run
        keeps only the current month of every record and returns None (a lean run: the sampled
        evaluation reduces each month as it goes, in memory that does not grow with the horizon).

    Returns
    -------
    CohortOutput or None
        Billed and end-of-month stocks and monthly flows (None with ``observe``).
    """
    state = CohortState.start(inputs, count_bpjs, lean=observe is not None)
    for t in range(inputs.shape[2]):
        for step in EXPECTED:
            step(state, t)
        state.close_month(t)
        if observe is not None:
            observe(state, t)
    if observe is not None:
        return None
    return CohortOutput(
        billed=state.billed, end=state.end, flows=state.flows, waiting=state.waiting, stocks=state.stocks
    )
