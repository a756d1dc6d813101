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

_LAZY = {"Scenario", "load_scenario"}
"""Names imported on first use (PEP 562), so that importing any part of the package (``umkm-sim
--help`` imports ``simulation.cli``, hence this module) does not load pydantic and scipy."""


def __getattr__(name: str):
    if name in _LAZY:
        # deferred: the scenario schema pulls in pydantic and scipy; `umkm-sim --help` needs neither
        import simulation.scenario

        return getattr(simulation.scenario, name)
    raise AttributeError(f"module 'simulation' has no attribute {name!r}")


def run(scenario, overrides=None, engine: str = "cohort", **kwargs):
    """Load (if needed) and run a scenario: :func:`simulation.outputs.run.run`."""
    # deferred: the engines and results pull in pandas and scipy; `import simulation` stays light
    from simulation.outputs.run import run as _run

    return _run(scenario, overrides=overrides, engine=engine, **kwargs)


__all__ = ["Scenario", "ScenarioError", "__version__", "load_scenario", "run"]
