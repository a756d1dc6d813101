"""UMKM social-protection budgeting workbench.

Plan, cost and defend a programme that enrols micro and small businesses (UMKM)
in BPJS Ketenagakerjaan (JKK + JKM) with the regional budget paying their
contributions until they graduate to self-paying (mandiri) membership.

The main entry points are :func:`load_scenario` and :func:`run`.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from simulation.errors import ScenarioError
from simulation.scenario import Scenario, load_scenario

try:
    __version__ = version("umkm-workbench")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0+unknown"


def run(scenario, overrides=None, engine: str = "cohort", **kwargs):
    """Load (if needed) and run a scenario; return a :class:`~simulation.results.Result`.

    Parameters
    ----------
    scenario : str, path or Scenario
        A scenario file or an already loaded scenario.
    overrides : dict, optional
        Dotted keys to values, e.g. ``{"assumptions.closure_rate": 0.08}``.
    engine : {"cohort", "micro"}
        Which engine runs it; ``micro`` returns a
        :class:`~simulation.montecarlo.MonteCarloResult` (keywords ``seed``, ``reps``, ``jobs``).
    """
    from simulation.runner import run_scenario

    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario, overrides=overrides)
    elif overrides:
        scenario = scenario.with_overrides(overrides)
    return run_scenario(scenario, engine=engine, **kwargs)


__all__ = ["Scenario", "ScenarioError", "__version__", "load_scenario", "run"]
