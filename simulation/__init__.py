"""UMKM social-protection budgeting workbench.

Plan, cost and defend a programme that enrols micro and small businesses (UMKM)
in BPJS Ketenagakerjaan (JKK + JKM) with the regional budget paying their
contributions until they graduate to self-paying (mandiri) membership.

The main entry points are :func:`load_scenario` and :func:`run`. This module is the
package's public face and sits above every layer (``docs/architecture.md``); nothing
inside the package imports it.
"""

from __future__ import annotations

from simulation.core.errors import ScenarioError
from simulation.core.version import __version__
from simulation.scenario import Scenario, load_scenario


def run(scenario, overrides=None, engine: str = "cohort", **kwargs):
    """Load (if needed) and run a scenario: :func:`simulation.outputs.run.run`."""
    # deferred: the engines and results pull in pandas and scipy; `import simulation` stays light
    from simulation.outputs.run import run as _run

    return _run(scenario, overrides=overrides, engine=engine, **kwargs)


__all__ = ["Scenario", "ScenarioError", "__version__", "load_scenario", "run"]
