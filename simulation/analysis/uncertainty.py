"""What is uncertain in a scenario, and how each uncertainty is spread over its range.

By default a sensitivity run varies every parameter under ``assumptions`` that has
a ``range`` and that the cohort engine's cost or coverage depends on. Parameters
in other sections (for instance ``policy.graduation.retention``, unmeasured per
facts F3.5) are varied only when the user names them. Each varies over its
``range`` by its ``distribution`` (uniform when none is given); a varied
parameter is constant over the horizon in a sample, as a scalar override is.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from simulation.core.errors import ScenarioError
from simulation.scenario.schema import did_you_mean, iter_params

ENGINE_PARAMETERS = {
    "population.initial_umkm": "UMKM at the start",
    "population.entry_rate": "new UMKM per year, share of open UMKM",
    "assumptions.closure_rate": "probability per year that an open UMKM closes",
    "assumptions.mandiri_lapse_rate": "probability per year that a self-paying member lapses",
    "assumptions.reactivation_rate": "probability per year that a lapsed member resumes paying",
    "assumptions.inflation": "CPI inflation per year (real cost only)",
    "policy.graduation.rate": "probability per evaluation that a subsidised UMKM graduates",
    "policy.graduation.retention": "probability that a graduate goes on paying",
    "policy.graduation.revenue_threshold": "annual revenue from which a UMKM graduates (rules that read revenue)",
    "policy.graduation.revenue_growth": "revenue growth since the last evaluation that graduates (rule revenue_growth)",
    "policy.rollout": "UMKM ever enrolled (a constant target)",
    "policy.budget_ceiling": "rupiah per fiscal year for the APBD Kabupaten",
    "policy.months_funded": "months of each fiscal year, from January, the payers fund (whole months)",
}
"""Parameters the vectorised cohort evaluation can vary, with what a value means."""

WHOLE = ("policy.months_funded",)
"""Parameters that take whole values: sampled as the integers of their range, each equally likely
(a discrete uniform), whatever the distribution given."""

LEVERS = ("policy.rollout", "policy.budget_ceiling", "policy.graduation.rate")
"""Levers an optimiser may move (constant over the horizon)."""


@dataclass(frozen=True)
class Uncertain:
    """One uncertain parameter.

    Attributes
    ----------
    name : str
        Dotted path, e.g. ``assumptions.closure_rate``.
    value : float
        The scenario's central value (its constant value, or the value in force at the start).
    low, high : float
        The range, in the parameter's unit.
    dist : scipy.stats frozen distribution
        Spread over ``[low, high]``; its ``ppf`` maps a uniform draw to a value.
    unit : str
    """

    name: str
    value: float
    low: float
    high: float
    dist: object
    unit: str

    @property
    def shape(self) -> str:
        return getattr(self.dist, "shape_name", "uniform")


def frozen(low: float, high: float, distribution=None):
    """The scipy distribution of a range and an optional :class:`~simulation.scenario.schema.Distribution`."""
    width = high - low
    shape = "uniform" if distribution is None else distribution.shape
    if shape == "uniform":
        dist = stats.uniform(loc=low, scale=width)
    elif shape == "triangular":
        dist = stats.triang(c=(distribution.mode - low) / width if width else 0.5, loc=low, scale=width)
    else:
        mean, sd = distribution.mean, distribution.sd
        dist = stats.truncnorm(a=(low - mean) / sd, b=(high - mean) / sd, loc=mean, scale=sd)
    dist.shape_name = shape
    return dist


def whole(low: float, high: float):
    """The integers ``ceil(low) .. floor(high)``, each equally likely (scipy's ``randint``)."""
    dist = stats.randint(int(np.ceil(low)), int(np.floor(high)) + 1)
    dist.shape_name = "whole numbers, uniform"
    return dist


def default_names(scenario) -> list[str]:
    """Assumptions with a range that the cohort engine's cost or coverage depends on."""
    return [
        name
        for name, param in iter_params(scenario.model)
        if name.startswith("assumptions.") and param.range is not None and name in ENGINE_PARAMETERS
    ]


def ignored_assumptions(scenario) -> list[str]:
    """Assumptions with a range that the cohort engine does not use (so varying them changes nothing)."""
    return [
        name
        for name, param in iter_params(scenario.model)
        if name.startswith("assumptions.") and param.range is not None and name not in ENGINE_PARAMETERS
    ]


def uncertainties(scenario, extra=(), only=None) -> list[Uncertain]:
    """The uncertain parameters of a sensitivity run.

    Parameters
    ----------
    scenario : Scenario
    extra : iterable of str
        Dotted names varied in addition to the default assumptions (e.g.
        ``policy.graduation.retention``); each needs a ``range``.
    only : iterable of str, optional
        Vary exactly these names instead of the defaults plus ``extra``.

    Raises
    ------
    ScenarioError
        For a name that is not a parameter, has no range, or that the
        vectorised cohort evaluation cannot vary.
    """
    names = list(only) if only is not None else default_names(scenario) + [n for n in extra if n]
    names = list(dict.fromkeys(n.strip() for n in names))
    params = dict(iter_params(scenario.model))
    problems, out = [], []
    for name in names:
        if name not in params or params[name] is None:
            problems.append(("--vary", name, name, "not a parameter of this scenario." + did_you_mean(name, params)))
            continue
        if name not in ENGINE_PARAMETERS:
            allowed = ", ".join(ENGINE_PARAMETERS)
            problems.append(("--vary", name, name, f"the cohort evaluation cannot vary it; allowed: {allowed}"))
            continue
        param = params[name]
        if param.range is None:
            problems.append((scenario.path, f"{name}.range", None, "an uncertain parameter needs range: [low, high]"))
            continue
        low, high = (float(v) for v in param.range)
        value = param.value if param.value is not None else scenario.first(name)
        dist = whole(low, high) if name in WHOLE else frozen(low, high, param.distribution)
        out.append(Uncertain(name, float(value), low, high, dist, param.unit))
    if problems:
        raise ScenarioError(problems)
    return out
