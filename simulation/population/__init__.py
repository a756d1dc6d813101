"""The UMKM population for the microsimulation: agents, synthetic registries, real registries."""

from simulation.population.agents import Agents
from simulation.population.synthetic import load_agents, synthetic_agents

__all__ = ["Agents", "load_agents", "synthetic_agents"]
