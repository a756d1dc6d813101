"""Scenario files: schema, loading, ``extends`` and overrides."""

from simulation.scenario.model import Scenario, load_raw, load_scenario
from simulation.scenario.schema import ScenarioModel

__all__ = ["Scenario", "ScenarioModel", "load_raw", "load_scenario"]
