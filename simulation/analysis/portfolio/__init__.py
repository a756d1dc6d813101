"""Portfolios: several regions run together, with payers they share (``umkm-sim portfolio``)."""

from simulation.analysis.portfolio.run import PortfolioResult, run_portfolio
from simulation.analysis.portfolio.spec import Portfolio, read_portfolio

__all__ = ["Portfolio", "PortfolioResult", "read_portfolio", "run_portfolio"]
