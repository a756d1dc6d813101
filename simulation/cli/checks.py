"""Checks on a loaded scenario that ``validate`` and ``run`` share: what the files it names hold."""

from __future__ import annotations

from simulation.core.errors import ScenarioError
from simulation.population.registry import registry_path


def check_files(scenario) -> None:
    """Refuse a scenario whose ``population.registry`` names no file.

    Parameters
    ----------
    scenario : Scenario

    Raises
    ------
    ScenarioError
        Naming the file (or override) that set the path, the path and where it was looked for.
    """
    registry = registry_path(scenario)
    if registry is None or registry.is_file():
        return
    origin = "override population.registry" if "population.registry" in scenario.overrides else scenario.path
    what = "is a folder, not a registry file" if registry.is_dir() else "file not found"
    raise ScenarioError(
        [(origin, "population.registry", scenario.model.population.registry, f"{what} (looked for {registry})")]
    )
