"""Next year's APBD request from a yearly evaluation: the scenario run for the coming fiscal year.

The run starts on 1 January of the year after the evaluation from the **classified** states of
every row (:class:`~simulation.analysis.evaluation.Evaluation`): staying rows subsidised, graduating
rows mandiri with the scenario's retention probability and lapsed otherwise, rows not yet enrolled
eligible (enrolled as the scenario's rollout allows: the rollout counts every UMKM already enrolled
on the list), the others as listed. Two engines run it:

- the cohort engine on the expected states (a graduating row counts ``probability x retention``
  mandiri, so the rule ``rate`` enters as its expected share): the request's central figures;
- the micro engine, ``reps`` replicates (default 100), each drawing anew who graduates (with each
  row's probability: the same rows for the deterministic rules) and who keeps paying, then the
  year's closures, lapses and enrolments: the P5-P95 range.

A graduate who does not keep paying starts the year non-active in the micro engine (the cohort
engine counts it lapsed too); neither is billed to the APBD, so the request does not depend on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from simulation.core.errors import ScenarioError
from simulation.core.states import N_STATES, State
from simulation.core.streams import Streams, replicate_seeds
from simulation.engines.cohort import compile_inputs, run_cohort
from simulation.engines.micro import MicroInputs, run_micro, stack
from simulation.outputs.montecarlo import MonteCarloResult
from simulation.outputs.results import Result, start_of
from simulation.population.agents import Agents
from simulation.rules.payers import is_public

QUANTILES = (0.05, 0.95)
"""The range reported beside the expected figures (P5-P95 over replicates)."""
BEFORE = -1
"""Month index of the draws that settle the evaluation's outcomes (before the year's first month)."""


def request_scenario(evaluation):
    """The evaluation's scenario from 1 January of the next fiscal year, one year long if it can be.

    A scenario whose dated values reach beyond that year keeps its remaining horizon (the tables
    keep the first year only).
    """
    scenario, year = evaluation.scenario, evaluation.year
    try:
        return scenario.with_overrides({"start": f"{year + 1}-01", "years": 1})
    except ScenarioError:
        return scenario.with_overrides({"start": f"{year + 1}-01", "years": scenario.model.years - 1})


def expected_states(evaluation, n_segments: int) -> np.ndarray:
    """UMKM per segment and state on 1 January after the evaluation, in expectation, shape (G, 5)."""
    agents, p = evaluation.agents, evaluation.probability
    keep = evaluation.thresholds["retention"]
    states = np.zeros((n_segments, N_STATES))
    np.add.at(states, (agents.segment, agents.status), 1.0 - p)  # p is 0 unless subsidised
    np.add.at(states[:, State.MANDIRI], agents.segment, p * keep)
    np.add.at(states[:, State.LAPSED], agents.segment, p * (1.0 - keep))
    return states


def drawn_agents(evaluation, seed_seq) -> Agents:
    """The rows as agents on 1 January after the evaluation, outcomes drawn for one replicate."""
    agents, p = evaluation.agents, evaluation.probability
    streams = Streams(seed_seq)
    index = np.arange(len(agents))
    graduates = streams.bernoulli("graduation", BEFORE, index, p)
    keeps = streams.bernoulli("retention", BEFORE, index, evaluation.thresholds["retention"])
    status = agents.status.copy()
    status[graduates] = np.where(keeps[graduates], State.MANDIRI, State.LAPSED)
    return Agents(
        segment=agents.segment,
        revenue=agents.revenue,
        revenue_prev=agents.revenue_prev,
        priority=agents.priority,
        status=status,
        enrolled_since=agents.enrolled_since,
    )


@dataclass
class Request:
    """Next year's request: the expected run (cohort engine) and the replicates (micro engine).

    Attributes
    ----------
    year : int
        The fiscal year requested.
    expected : Result
        Cohort engine from the expected states.
    replicates : MonteCarloResult
        Micro engine, one replicate per draw of the evaluation's outcomes.
    """

    year: int
    expected: Result
    replicates: MonteCarloResult

    def _public(self, result) -> list[str]:
        return [p for p in result.payers if is_public(p)]

    def monthly(self) -> pd.DataFrame:
        """Members funded by month (subsidised members billed) and public cost, expected with P5-P95.

        Columns: ``month``, ``members_funded`` (UMKM), ``members_funded_p5``, ``members_funded_p95``,
        ``public_cost`` (rupiah, nominal), ``public_cost_p5``, ``public_cost_p95``, and the cash plan
        ``cash_<payer>`` of each public payer (rupiah leaving its budget that month under the scenario's
        ``policy.payment_schedule``; equal to the accrued cost where payment is monthly).
        """
        exp = self.expected.monthly()
        rows = exp["year"] == self.year
        reps = self.replicates.replicates("month")
        reps = reps[reps["year"] == self.year]
        q = reps.groupby("month")[["subsidised", "subsidy_cost"]].quantile(list(QUANTILES)).unstack()
        out = pd.DataFrame(
            {
                "month": exp.loc[rows, "month"].to_numpy(),
                "members_funded": exp.loc[rows, "subsidised"].to_numpy(),
                "members_funded_p5": q[("subsidised", QUANTILES[0])].to_numpy(),
                "members_funded_p95": q[("subsidised", QUANTILES[1])].to_numpy(),
                "public_cost": exp.loc[rows, "subsidy_cost"].to_numpy(),
                "public_cost_p5": q[("subsidy_cost", QUANTILES[0])].to_numpy(),
                "public_cost_p95": q[("subsidy_cost", QUANTILES[1])].to_numpy(),
            }
        )
        for payer in self._public(self.expected):
            out[f"cash_{payer}"] = exp.loc[rows, f"cash_{payer}"].to_numpy()
        return out

    def accounts(self) -> pd.DataFrame:
        """Cost of the year by payer and account: see :attr:`_accounts` (a copy)."""
        return self._accounts.copy()

    @cached_property
    def _accounts(self) -> pd.DataFrame:
        """Cost of the year by payer and account (``jkk``, ``jkm``): expected, P5 and P95 (rupiah, nominal).

        Regencies budget JKK and JKM on separate accounts (facts G3.3). Only public payers are listed,
        and only accounts billed (``jht`` when the scenario funds it).
        """
        in_year = np.asarray(self.expected.scenario.horizon.year) == self.year
        rows = []
        # the results' ledger by (payer, component), rupiah, shape (replicates, months, segments)
        expected, draws = self.expected._ledger_segments, self.replicates._ledger_segments
        for (payer, component), amount in expected.items():
            if not is_public(payer):
                continue
            total = draws[(payer, component)][:, in_year].sum(axis=(1, 2))
            rows.append(
                {
                    "payer": payer,
                    "component": component,
                    "expected": float(amount[0, in_year].sum()),
                    "p5": float(np.quantile(total, QUANTILES[0])),
                    "p95": float(np.quantile(total, QUANTILES[1])),
                }
            )
        total = pd.DataFrame(rows)
        return total[(total["expected"] > 0) | (total["p95"] > 0)].reset_index(drop=True)

    def summary(self) -> dict:
        """Headline figures of the request: members funded in January and December, graduates and
        public cost of the year (expected, P5, P95)."""
        m = self.monthly()
        annual = self.replicates.annual_replicates()
        annual = annual[annual["year"] == self.year]
        exp = self.expected.annual()
        exp = exp[exp["year"] == self.year].iloc[0]
        return {
            "year": self.year,
            "members_funded_january": float(m["members_funded"].iloc[0]),
            "members_funded_december": float(m["members_funded"].iloc[-1]),
            "subsidised_member_months": float(exp["subsidised_member_months"]),
            "public_cost": float(exp["subsidy_cost"]),
            "public_cost_p5": float(annual["subsidy_cost"].quantile(QUANTILES[0])),
            "public_cost_p95": float(annual["subsidy_cost"].quantile(QUANTILES[1])),
            "graduated_next_evaluation": float(exp["graduated"]),
            "replicates": self.replicates.reps,
        }


def next_year_request(evaluation, reps: int = 100, seed: int = 2026) -> Request:
    """Run the evaluation's scenario for the next fiscal year from the classified states.

    Parameters
    ----------
    evaluation : Evaluation
    reps : int
        Replicates of the micro engine (at least 1).
    seed : int
        Master seed: replicate ``r`` draws from ``SeedSequence(seed).spawn(reps)[r]``.

    Returns
    -------
    Request
    """
    if reps < 1:
        raise ValueError(f"reps must be at least 1, got {reps}")
    scenario = request_scenario(evaluation)
    G = len(scenario.segment_shares)
    inputs = compile_inputs(scenario)
    states = expected_states(evaluation, G)
    inputs.initial_states = states[None]
    inputs.initial = states[None, :, State.ELIGIBLE]
    output = run_cohort(inputs)
    output.initial = start_of(inputs)
    expected = Result(scenario, output, engine="cohort", seed=seed)

    micro = MicroInputs.from_scenario(scenario)
    runs = []
    for ss in replicate_seeds(seed, reps):
        pop = drawn_agents(evaluation, ss)
        out = run_micro(micro, ss, population=pop)
        out["initial"] = np.zeros((G, N_STATES))
        np.add.at(out["initial"], (pop.segment, pop.status), 1.0)
        runs.append(out)
    stacked = stack(runs)
    stacked.initial = runs[0]["initial"]
    return Request(evaluation.year + 1, expected, MonteCarloResult(scenario, stacked, seed=seed))
