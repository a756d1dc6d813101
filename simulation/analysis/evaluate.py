"""Run the cohort engine over many parameter samples at once, in bounded memory.

:func:`batch_inputs` builds :class:`~simulation.engines.cohort.CohortInputs` for
``P`` samples of named parameters (each constant over the horizon in a sample,
like a scalar override). :func:`evaluate` runs them in chunks and keeps, per
sample and fiscal year, only what the analyses need: public subsidy cost
(nominal and real rupiah), covered members at the year's end and coverage of
the target.

When every segment follows the same rates, the same enrolment priority and the
same payer split (no ``kecamatan_quota``, no ``sector_order``, no group payers),
the segments move in fixed proportion and their sum follows the same equations;
the evaluation then runs one aggregate segment, which gives the same totals
(tested) more than a hundred times faster. Under a graduation rule that reads
revenue, or a minimum of subsidised years, the segments of one sector still move
in proportion (their revenue law is the sector's): the evaluation then runs one
segment per sector.

Revenue rules are evaluated through the cohort engine's revenue-band twin
(:mod:`simulation.engines.bands`), vectorised over samples: a revenue threshold
varied per sample is an exact shift of the revenue axis, and a growth share varied
per sample changes only the rule's probability of a large enough increment (both
described in :mod:`simulation.engines.bands`). ``revenue_drift`` and
``revenue_volatility`` are not varied: the twin's band-to-band moves depend on them.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace

import numpy as np

from simulation.core.states import State
from simulation.engines.bands import SubsidisedTwin
from simulation.engines.cohort import MONTHLY_INPUTS, CohortInputs, compile_inputs, run_cohort
from simulation.engines.enrolment import Enrolment
from simulation.outputs import budget

NOT_ARRAYS = ("enrolment", "twin", "initial_states", "rules")
"""CohortInputs fields that are not (P, ...) arrays."""

MEMORY_BYTES = 256 * 2**20
"""Default bound on the memory of one chunk's arrays (bytes)."""


@dataclass
class Outcomes:
    """Annual outcomes per sample.

    Attributes
    ----------
    years : list of int
        Fiscal years, in order.
    subsidy_cost : ndarray, shape (P, Y)
        Public subsidy cost per fiscal year, nominal rupiah.
    subsidy_cost_real : ndarray, shape (P, Y)
        The same in rupiah of the first simulated month.
    covered_end : ndarray, shape (P, Y)
        Members protected at the end of the fiscal year (UMKM): subsidised (unless past three
        unfunded months), mandiri and lapsed in arrears, as ``covered_end`` of the result tables.
    coverage_end : ndarray, shape (P, Y)
        ``covered_end`` over the coverage target (share).
    """

    years: list[int]
    subsidy_cost: np.ndarray
    subsidy_cost_real: np.ndarray
    covered_end: np.ndarray
    coverage_end: np.ndarray

    def column(self, output: str, year: int) -> np.ndarray:
        """One output for one fiscal year, shape (P,)."""
        return getattr(self, output)[:, self.years.index(year)]


def _constant(values: np.ndarray, T: int) -> np.ndarray:
    return np.repeat(np.asarray(values, dtype=float)[:, None], T, axis=1)


def batch_inputs(scenario, names: list[str], values: np.ndarray, base: CohortInputs | None = None) -> CohortInputs:
    """Cohort inputs for ``P`` samples of the parameters ``names``.

    Parameters
    ----------
    scenario : Scenario
    names : list of str
        Dotted parameter names (keys of :data:`~simulation.analysis.uncertainty.ENGINE_PARAMETERS`).
    values : ndarray, shape (P, len(names))
        One row per sample, in each parameter's unit; each value holds over the whole horizon.
    base : CohortInputs, optional
        ``compile_inputs(scenario)``, if already at hand.

    Returns
    -------
    CohortInputs
        Arrays with ``P`` rows. ``assumptions.inflation`` does not enter the
        engine (see :func:`price_index`).
    """
    values = np.atleast_2d(np.asarray(values, dtype=float))
    P = values.shape[0]
    base = compile_inputs(scenario) if base is None else base
    T = base.entry.shape[1]
    twin = sampled_twin(base, names, values)
    fields = {k: np.repeat(getattr(base, k), P, axis=0) for k in vars(base) if k not in NOT_ARRAYS}
    enrolment = base.enrolment
    if enrolment is not None:
        enrolment = replace(enrolment, ceiling=np.repeat(enrolment.ceiling, P, axis=0))
    for j, name in enumerate(names):
        v = values[:, j]
        if name in MONTHLY_INPUTS:
            field, convert = MONTHLY_INPUTS[name]
            fields[field] = _constant(convert(v), T)
        elif name == "population.initial_umkm":
            fields["initial"] = v[:, None] * scenario.segment_shares[None, :]
        elif name == "policy.graduation.rate":
            fields["graduation"] = np.where(base.rules.at_evaluation[None, :], v[:, None], 0.0)
        elif name == "policy.months_funded":  # whole months from January, as the engine's lever
            month = scenario.horizon.month_of_year
            fields["funded"] = (month[None, :] <= np.floor(v)[:, None]).astype(float)
        elif name == "policy.budget_ceiling":
            enrolment = replace(enrolment, ceiling=_constant(v, T))
        elif name not in ("assumptions.inflation", *TWIN_PARAMETERS):
            raise KeyError(f"{name} cannot be varied by the cohort evaluation")
    return CohortInputs(**fields, enrolment=enrolment, initial_states=base.initial_states, twin=twin, rules=base.rules)


TWIN_PARAMETERS = ("policy.graduation.revenue_threshold", "policy.graduation.revenue_growth")
"""Parameters read only by the revenue-band twin (a rule that reads revenue); without one they change nothing."""


def sampled_twin(base: CohortInputs, names: list[str], values: np.ndarray) -> SubsidisedTwin | None:
    """The revenue-band twin of ``base`` with per-sample thresholds and growth shares, or ``base.twin``.

    A threshold ``v`` (rupiah per year) becomes the shift ``log v - log v0`` of the revenue axis,
    ``v0`` the scenario's first threshold read by a rule in force, which anchors the grid and then
    holds in every month (a sampled value holds over the whole horizon); a growth share ``g`` becomes
    ``log(1 + g)`` (:mod:`simulation.engines.bands`).

    Raises
    ------
    ValueError
        For a growth share varied under ``revenue_and_growth``, whose joint law of level and
        increment the twin computes for one share at a time.
    """
    twin = base.twin
    varied = [n for n in names if n in TWIN_PARAMETERS]
    if twin is None or not varied:
        return twin
    rules, shift, growth = base.rules, None, None
    if "policy.graduation.revenue_threshold" in varied:
        v = values[:, names.index("policy.graduation.revenue_threshold")]
        reads = np.array([rules.rule_at(t).reads_revenue_level for t in range(len(rules.rule))], dtype=bool)
        anchor = rules.log_threshold[reads][0] if reads.any() else rules.log_threshold[0]
        rules = replace(rules, log_threshold=np.full_like(rules.log_threshold, anchor))
        shift = np.log(v) - anchor
    if "policy.graduation.revenue_growth" in varied:
        joint = [r.name for r in rules.in_force() if r.reads_revenue_level and r.name != "revenue_threshold"]
        if joint:
            raise ValueError(
                f"policy.graduation.revenue_growth cannot be varied per sample under the rule {joint[0]!r}: "
                "its joint law of revenue level and growth is computed for one growth share at a time; "
                "vary it under the rule 'revenue_growth', or run one scenario per value"
            )
        growth = np.log1p(values[:, names.index("policy.graduation.revenue_growth")])
    return SubsidisedTwin(rules, twin.n_segments, twin.band_width, shift=shift, log_growth=growth)


def public_rate(scenario) -> np.ndarray:
    """Public subsidy cost of one subsidised member per funded month and segment, rupiah, shape (T, G)."""
    names, shares = budget.payer_shares(scenario)
    public = np.array([budget.is_public(p) for p in names], dtype=float)
    total = sum(budget.contributions(scenario).values())
    return total[:, None] * (shares @ public)


def price_index(scenario, names: list[str], values: np.ndarray) -> np.ndarray:
    """Prices relative to the first month for every sample, shape (P, T)."""
    values = np.atleast_2d(values)
    if "assumptions.inflation" not in names:
        return np.repeat(budget.price_index(scenario)[None, :], values.shape[0], axis=0)
    inflation = values[:, names.index("assumptions.inflation")]
    T = scenario.horizon.n_months
    step = (1.0 + inflation[:, None]) ** (np.arange(T)[None, :] / 12.0)
    return step


def uniform_segments(inputs: CohortInputs, rate: np.ndarray) -> bool:
    """Whether every segment follows the same rule and cost, so the segments can be summed."""
    same_rate = np.allclose(rate, rate[:, :1])
    rule = inputs.enrolment
    if rule is None:
        return same_rate
    return (
        same_rate
        and rule.quota is None
        and len(np.unique(rule.rank)) == 1
        and np.allclose(rule.unit_cost, rule.unit_cost[:, :1])
        and np.allclose(rule.remaining_cost, rule.remaining_cost[:, :1])
    )


def groups(inputs: CohortInputs) -> int:
    """Segments left after summing (valid when :func:`uniform_segments`): one, or one per sector
    when the revenue-band twin runs (segments are kecamatan-major, sector-minor)."""
    return 1 if inputs.twin is None else len(inputs.twin.rules.log_mean0)


def collapse(inputs: CohortInputs, n: int = 1) -> CohortInputs:
    """The same inputs with the segments summed into ``n`` (valid when :func:`uniform_segments`):
    segment ``g`` goes to group ``g % n`` (its sector when ``n`` is the number of sectors)."""
    G = inputs.initial.shape[1]

    def summed(x: np.ndarray, axis: int = 1) -> np.ndarray:
        shape = x.shape[:axis] + (G // n, n) + x.shape[axis + 1 :]
        return x.reshape(shape).sum(axis=axis)

    rule = inputs.enrolment
    if rule is not None:
        rule = Enrolment(
            rank=rule.rank[:n],
            quota=None,
            kecamatan=rule.kecamatan[:n],
            ceiling=rule.ceiling,
            year_start=rule.year_start,
            unit_cost=rule.unit_cost[:, :n],
            remaining_cost=rule.remaining_cost[:, :n],
            priority=rule.priority,
        )
    fields = {k: v for k, v in vars(inputs).items() if k not in ("initial", *NOT_ARRAYS)}
    states = None if inputs.initial_states is None else summed(inputs.initial_states)
    return CohortInputs(
        initial=summed(inputs.initial),
        **fields,
        enrolment=rule,
        initial_states=states,
        twin=None if inputs.twin is None else inputs.twin.for_segments(n),
        rules=inputs.rules,
    )


TWIN_COPIES = 6
"""Arrays of the twin's size that an evaluation month holds at once (its stocks, the pool before
the increment, the moved copies)."""

PLANES = 40
"""Arrays of one value per sample and segment that a month of the lean cohort run touches (the
states, the billed and end stocks, arrears, flows and temporaries)."""

WORKING_SET_BYTES = 4 * 2**20
"""Samples per chunk are chosen so that a month's arrays stay about this size: small enough to stay
in a core's cache, large enough that numpy's per-call overhead is spread over many samples
(``benchmarks/bench_sensitivity.py``)."""


def chunk_size(T: int, G: int, memory_bytes: int = MEMORY_BYTES, twin: SubsidisedTwin | None = None) -> int:
    """Samples per chunk: a month's arrays (and the twin's bands) within ``WORKING_SET_BYTES`` and
    ``memory_bytes``. The lean run keeps no (T, ...) arrays, so ``T`` does not enter."""
    per_sample = G * 8 * PLANES
    if twin is None:
        return max(1, int(min(memory_bytes, WORKING_SET_BYTES) // per_sample))
    # the twin's band moves are matrix products, faster the more samples they take at once
    per_sample += G * (twin.K + 1) * twin.B * 8 * TWIN_COPIES
    return max(1, int(memory_bytes // per_sample))


def _take(inputs: CohortInputs, rows: slice) -> CohortInputs:
    fields = {k: v[rows] for k, v in vars(inputs).items() if k not in NOT_ARRAYS}
    rule = inputs.enrolment
    if rule is not None:
        rule = replace(rule, ceiling=rule.ceiling[rows])
    twin = None if inputs.twin is None else inputs.twin.take(rows)
    return CohortInputs(**fields, enrolment=rule, initial_states=inputs.initial_states, twin=twin, rules=inputs.rules)


def evaluate(
    scenario,
    names: list[str] | tuple = (),
    values: np.ndarray | None = None,
    memory_bytes: int = MEMORY_BYTES,
    aggregate: bool | None = None,
    threads: int | None = None,
) -> Outcomes:
    """Annual cost and coverage of ``P`` parameter samples.

    Parameters
    ----------
    scenario : Scenario
    names : list of str
        Parameters varied (see :func:`batch_inputs`); empty for the scenario itself.
    values : ndarray, shape (P, len(names)), optional
        Sample values; ``None`` runs the scenario once (P = 1).
    memory_bytes : int
        Bound on the engine's stored arrays per chunk.
    aggregate : bool, optional
        Sum the segments into one (exact only when :func:`uniform_segments`);
        ``None`` does so whenever it is exact.
    threads : int, optional
        Chunks run at once (threads); ``None``: one per core. The result does not depend on it.

    Returns
    -------
    Outcomes
    """
    names = list(names)
    values = np.zeros((1, 0)) if values is None else np.atleast_2d(np.asarray(values, dtype=float))
    h = scenario.horizon
    rate = public_rate(scenario)  # (T, G)
    inputs = batch_inputs(scenario, names, values)
    exact = uniform_segments(inputs, rate)
    if aggregate is None:
        aggregate = exact
    elif aggregate and not exact:
        raise ValueError("the segments differ in priority, quota or payer split; they cannot be summed exactly")
    if aggregate:
        n = groups(inputs)
        inputs, rate = collapse(inputs, n), rate[:, :n]
    P, G, T = inputs.shape
    index = price_index(scenario, names, values)
    target = scenario.monthly_array("policy.coverage_target")
    year_start = np.flatnonzero(np.r_[True, h.year[1:] != h.year[:-1]])
    year_end = np.r_[year_start[1:] - 1, T - 1]
    cost = np.empty((P, T))
    covered = np.empty((P, len(year_end)))
    closes_year = {int(t): k for k, t in enumerate(year_end)}
    step = chunk_size(T, G, memory_bytes, inputs.twin)

    def one(lo: int) -> None:  # a chunk of samples, reduced to cost and coverage month by month
        rows = slice(lo, min(lo + step, P))
        chunk = _take(inputs, rows)
        protected = budget.covering(chunk.funded)  # (p, T): none past 3 unfunded months

        def observe(state, t):
            billed, end = state.billed[t], state.end[t]
            cost[rows, t] = (billed[:, :, State.SUBSIDISED] @ rate[t]) * chunk.funded[:, t]
            if t in closes_year:  # lapsed but still covered are in arrears (F1.7, docs/model.md)
                subsidised = end[:, :, State.SUBSIDISED].sum(axis=1) * protected[:, t]
                others = end[:, :, State.MANDIRI].sum(axis=1) + state.stocks["arrears_end"][t].sum(axis=1)
                covered[rows, closes_year[t]] = subsidised + others

        run_cohort(chunk, count_bpjs=False, observe=observe)

    starts = range(0, P, step)
    threads = min(len(starts), threads or os.cpu_count() or 1)
    if threads > 1:  # numpy releases the GIL inside its loops: chunks run side by side
        with ThreadPoolExecutor(threads) as pool:
            list(pool.map(one, starts))
    else:
        for lo in starts:
            one(lo)
    annual = np.add.reduceat(cost, year_start, axis=1)
    annual_real = np.add.reduceat(cost / index, year_start, axis=1)
    return Outcomes(
        years=[int(y) for y in h.year[year_start]],
        subsidy_cost=annual,
        subsidy_cost_real=annual_real,
        covered_end=covered,
        coverage_end=covered / target[year_end][None, :],
    )
