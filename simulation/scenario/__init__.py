"""Scenario files: schema, loading, ``extends`` and overrides."""

from simulation.scenario.model import Scenario, load_raw, load_scenario
from simulation.scenario.schema import PAYERS, PUBLIC_PAYERS, ScenarioModel

__all__ = ["PAYERS", "PUBLIC_PAYERS", "Scenario", "ScenarioModel", "load_raw", "load_scenario"]
