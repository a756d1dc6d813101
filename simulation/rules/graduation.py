"""Graduation rules: who among the subsidised members is steered to self-paying membership.

One registry, :data:`GRADUATION_RULES`; each rule is one small class with its two forms side by
side (``docs/model.md``, "Revenue and graduation rules"):

- ``expected(pool, month)``: the expected-value form, used by the cohort engine and its
  revenue-band twin. ``pool`` holds the expected subsidised UMKM that may graduate, shape
  ``(P, G, ...)`` (P samples, G segments, then optionally months of subsidy and revenue bands);
  the result, same shape, is the expected number that graduate (UMKM).
- ``agents(members, month)``: the agent-level form, used by the micro engine: a boolean mask
  over the subsidised agents that may graduate, True for those that graduate.

Adding a rule is one class here plus its entry in :data:`GRADUATION_RULES` (``docs/model.md``
and ``docs/architecture.md``, recipe "add a graduation rule"); the scenario schema's allowed
values (``policy.graduation.rule``) come from this registry.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from simulation.rules.lookup import lookup


@dataclass(frozen=True)
class EvaluationMonth:
    """The graduation parameters of one evaluation month, as both forms read them.

    Attributes
    ----------
    t : int
        Month index within the horizon (0 = ``start``).
    rate : ndarray, shape (P,), or float
        Probability of graduating at this evaluation (rule ``rate``), one per sample.
    log_threshold : float
        Log of the revenue threshold, log rupiah per year (rule ``revenue_threshold``).
    log_growth : float or ndarray, shape (P,)
        ``log(1 + revenue_growth)``, the least log-revenue increment that counts as growth (one
        per sample in the sensitivity evaluator, rule ``revenue_growth`` only).
    drift, sd : ndarray, shape (sectors,)
        Mean and standard deviation of this evaluation's log-revenue increment by sector.
    centres : ndarray, shape (B,)
        Log revenue at the centre of each revenue band of the cohort twin (one band when the
        rule in force never reads revenue levels); unused by the agent-level forms.
    sector : ndarray of int, shape (G,)
        Sector index of each segment (expected forms); empty for the agent-level forms, whose
        members carry their own revenue and increment.
    before : ndarray, optional
        For a twin with revenue bands: the pool as it was before this evaluation's increment,
        same shape as the pool (expected forms that need the joint law of level and increment).
    moved : callable, optional
        With ``before``: ``moved(x, at_least)`` is the mass ``x`` as it lands in the bands after
        the increment, counting only increments of at least ``at_least`` (log revenue).
    """

    t: int
    rate: np.ndarray | float
    log_threshold: float
    log_growth: float
    drift: np.ndarray
    sd: np.ndarray
    centres: np.ndarray
    sector: np.ndarray
    before: np.ndarray | None = None
    moved: object = None


@dataclass(frozen=True)
class Members:
    """The subsidised agents that may graduate at an evaluation (the agent-level forms' input).

    Attributes
    ----------
    index : ndarray of int
        Agent indices (the random streams' counters).
    log_revenue : ndarray of float32
        Log annual revenue after this evaluation's increment, log rupiah per year.
    increment : ndarray of float32
        This evaluation's log-revenue increment.
    draw : callable
        ``draw(purpose, index, p)``: one Bernoulli(p) per agent from the replicate's stream
        ``purpose`` for this month (:meth:`simulation.core.streams.Streams.bernoulli`).
    """

    index: np.ndarray
    log_revenue: np.ndarray
    increment: np.ndarray
    draw: object


class Rule:
    """A graduation rule (subclasses set the attributes and the two forms)."""

    name: ClassVar[str]
    description: ClassVar[str]
    """What a member must show to graduate, one line."""
    source: ClassVar[str]
    """Where the rule comes from (facts numbers, an issue or ``assumption``)."""
    needs_twin: ClassVar[bool] = False
    """Whether the cohort engine needs its revenue/tenure twin (``simulation.engines.bands``)."""
    reads_revenue_level: ClassVar[bool] = False
    """Whether the twin must carry revenue bands (the rule reads the revenue level)."""

    @staticmethod
    def expected(pool: np.ndarray, month: EvaluationMonth) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    @staticmethod
    def agents(members: Members, month: EvaluationMonth) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError


def _per_sample(values, ndim: int) -> np.ndarray:
    """``values`` (P,) shaped to broadcast over the sample axis of an ``ndim``-dimensional pool."""
    return np.asarray(values).reshape(-1, *([1] * (ndim - 1)))


class Rate(Rule):
    name = "rate"
    description = "each member graduates with probability `rate` (one draw per member per evaluation)"
    source = "assumption (scenario: policy.graduation.rate)"

    @staticmethod
    def expected(pool, month):
        return pool * _per_sample(month.rate, pool.ndim)

    @staticmethod
    def agents(members, month):
        return members.draw("graduation", members.index, month.rate)


class RevenueThreshold(Rule):
    name = "revenue_threshold"
    description = "annual revenue at least `revenue_threshold` rupiah"
    source = "facts F4.3, G5.3 (turnover classes)"
    needs_twin = True
    reads_revenue_level = True

    @staticmethod
    def expected(pool, month):
        # bands are whole: the threshold sits on a band edge, so a band is above it or below it
        return pool * (month.centres >= month.log_threshold)

    @staticmethod
    def agents(members, month):
        return members.log_revenue >= month.log_threshold


class RevenueGrowth(Rule):
    name = "revenue_growth"
    description = "revenue grew by at least `revenue_growth` (a share) since the previous evaluation"
    source = "facts G5.2 (looser 'any indicator improved' tests)"
    needs_twin = True

    @staticmethod
    def expected(pool, month):
        # deferred: scipy is slow to import, and the scenario schema imports this registry for its names
        from scipy.special import ndtr

        # the increment is independent of the level: P(increment >= log(1 + share)) by sector,
        # for one share or one per sample
        sd = np.maximum(month.sd, 1e-12)
        growth = np.reshape(month.log_growth, (-1, 1))  # (1 or P, 1)
        p = 1.0 - ndtr((growth - month.drift[None, :]) / sd[None, :])  # (1 or P, sectors)
        return pool * p[:, month.sector].reshape(p.shape[0], -1, *([1] * (pool.ndim - 2)))

    @staticmethod
    def agents(members, month):
        return members.increment >= month.log_growth


class RevenueAndGrowth(Rule):
    name = "revenue_and_growth"
    description = (
        "annual revenue at least `revenue_threshold` rupiah and grew by at least `revenue_growth` "
        "since the previous evaluation (grown and still growing)"
    )
    source = "issue 17 (the office's berkembang/mandiri classes); facts G5.2-G5.3 (a stricter test than either alone)"
    needs_twin = True
    reads_revenue_level = True

    @staticmethod
    def expected(pool, month):
        # the joint law of level and increment: the pool before the increment, moved by increments
        # of at least log(1 + share) only, then the bands at or above the threshold
        grown = np.minimum(month.moved(month.before, month.log_growth), pool)  # never more than is there
        return grown * (month.centres >= month.log_threshold)

    @staticmethod
    def agents(members, month):
        return (members.log_revenue >= month.log_threshold) & (members.increment >= month.log_growth)


class NoGraduation(Rule):
    name = "none"
    description = "nobody graduates: members stay subsidised until they close or are suspended"
    source = "facts G5.1-G5.3 (strict graduation is rare: ~0.12% of micro firms a year move up a class)"

    @staticmethod
    def expected(pool, month):
        return np.zeros_like(pool)

    @staticmethod
    def agents(members, month):
        return np.zeros(len(members.index), dtype=bool)


GRADUATION_RULES: dict[str, type[Rule]] = {
    r.name: r for r in (Rate, RevenueThreshold, RevenueGrowth, NoGraduation, RevenueAndGrowth)
}
"""Every graduation rule by the name scenario files use (``policy.graduation.rule``)."""

GRADUATION_RULE_NAMES: tuple[str, ...] = tuple(GRADUATION_RULES)


def graduation_rule(name: str) -> type[Rule]:
    """The graduation rule called ``name``.

    Raises
    ------
    UnknownRuleError
        For a name not in :data:`GRADUATION_RULES` (the message lists the allowed ones).
    """
    return lookup(GRADUATION_RULES, "graduation", name)
