"""The compiled graduation inputs: the rule in force each month, its parameters and the revenue process.

Revenue process (docs/model.md, "Revenue and graduation rules"): log annual
revenue follows a random walk by sector with drift ``assumptions.revenue_drift``
and volatility ``assumptions.revenue_volatility`` per year. It is observed only
at evaluations, so the engines apply, at the end of each evaluation month, the
exact increment since the previous evaluation (or since the start): normal with
mean ``sum(drift_m) / 12`` and variance ``sum(volatility_m ** 2) / 12`` over the
months in between. A UMKM that enters between two evaluations draws its revenue
as if observed at the previous one.

The rules themselves (who graduates, in expectation and agent by agent) live in
:mod:`simulation.rules.graduation`; this module compiles a scenario's parameters for them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulation.rules.graduation import GRADUATION_RULE_NAMES, EvaluationMonth, graduation_rule


@dataclass
class GraduationRules:
    """Monthly graduation inputs, shape (T,) unless stated.

    Attributes
    ----------
    at_evaluation : ndarray of bool
        Whether the month ends with an evaluation.
    rule : ndarray of int
        Index into :data:`~simulation.rules.graduation.GRADUATION_RULE_NAMES` of the rule in force each month.
    rate : ndarray
        Probability of graduating per evaluation (rule ``rate``).
    log_threshold : ndarray
        Log of the revenue threshold, log rupiah per year (rule ``revenue_threshold``).
    log_growth : ndarray
        ``log(1 + revenue_growth)`` (rule ``revenue_growth``).
    min_months : ndarray of int
        Months of subsidy billed before a member may graduate (12 x min_subsidised_years).
    drift, sd : ndarray, shape (T, sectors)
        Mean and standard deviation of the change of log revenue applied at the
        end of each evaluation month (zero in other months).
    log_mean0, sigma0 : ndarray, shape (sectors,) and float
        Lognormal parameters of a new UMKM's revenue: ``log(mean) - sigma**2 / 2`` and sigma.
    """

    at_evaluation: np.ndarray
    rule: np.ndarray
    rate: np.ndarray
    log_threshold: np.ndarray
    log_growth: np.ndarray
    min_months: np.ndarray
    drift: np.ndarray
    sd: np.ndarray
    log_mean0: np.ndarray
    sigma0: float

    def rule_at(self, t: int):
        """The graduation rule (a class of :mod:`simulation.rules.graduation`) in force in month ``t``."""
        return graduation_rule(GRADUATION_RULE_NAMES[self.rule[t]])

    def in_force(self) -> list:
        """Every rule in force in some month, in registry order."""
        return [graduation_rule(GRADUATION_RULE_NAMES[i]) for i in np.unique(self.rule)]

    def month(self, t: int, rate, centres: np.ndarray, sector: np.ndarray) -> EvaluationMonth:
        """The parameters both forms of the rule read at the end of month ``t``.

        ``rate`` is the graduation probability (per sample, or a scalar); ``centres`` the twin's
        revenue-band centres (empty for the micro engine); ``sector`` the sector of each segment
        or agent.
        """
        return EvaluationMonth(
            t=t,
            rate=rate,
            log_threshold=self.log_threshold[t],
            log_growth=self.log_growth[t],
            drift=self.drift[t],
            sd=self.sd[t],
            centres=centres,
            sector=sector,
        )

    @property
    def needs_twin(self) -> bool:
        """Whether the cohort engine needs its revenue/tenure twin (a rule that reads revenue, or a minimum)."""
        return bool(any(r.needs_twin for r in self.in_force()) or (self.min_months > 0).any())


def graduation_rules(scenario) -> GraduationRules:
    """Compile the graduation and revenue parameters of ``scenario``.

    Raises
    ------
    simulation.rules.lookup.UnknownRuleError
        If a month's rule is not in the registry (the schema normally refuses it first).
    """
    h = scenario.horizon
    evaluation = scenario.monthly_array("policy.graduation.evaluation_month")
    at_eval = h.month_of_year == evaluation
    drift_m = scenario.by_sector("assumptions.revenue_drift") / 12.0
    var_m = scenario.by_sector("assumptions.revenue_volatility") ** 2 / 12.0
    drift = np.zeros_like(drift_m)
    sd = np.zeros_like(var_m)
    last = -1
    for t in np.flatnonzero(at_eval):
        drift[t] = drift_m[last + 1 : t + 1].sum(axis=0)
        sd[t] = np.sqrt(var_m[last + 1 : t + 1].sum(axis=0))
        last = t
    sigma0 = float(scenario.first("population.revenue_sigma"))
    mean0 = scenario.by_sector("population.revenue_mean")[0]
    names = scenario.monthly("policy.graduation.rule")
    return GraduationRules(
        at_evaluation=at_eval,
        rule=np.array([GRADUATION_RULE_NAMES.index(graduation_rule(r).name) for r in names]),
        rate=np.where(at_eval, scenario.monthly_array("policy.graduation.rate"), 0.0),
        log_threshold=np.log(np.maximum(scenario.monthly_array("policy.graduation.revenue_threshold"), 1e-300)),
        log_growth=np.log1p(scenario.monthly_array("policy.graduation.revenue_growth")),
        min_months=np.rint(12 * scenario.monthly_array("policy.graduation.min_subsidised_years")).astype(int),
        drift=drift,
        sd=sd,
        log_mean0=np.log(mean0) - sigma0**2 / 2.0,
        sigma0=sigma0,
    )
