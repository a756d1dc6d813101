"""Portfolios in a batch (``umkm-sim batch --portfolio FILE``): each into ``OUT/portfolios/NAME``."""

from __future__ import annotations

import time
from pathlib import Path

from simulation.analysis.portfolio.run import run_portfolio
from simulation.analysis.portfolio.spec import read_portfolio
from simulation.analysis.portfolio.write import write_portfolio
from simulation.core.errors import OutputError, ScenarioError
from simulation.reporting.batch import Outcome, one_line


def run_portfolios(files: list[str], out_root: Path, language: str, overrides: dict) -> list:
    """Run each portfolio (cohort engine) and write it; one :class:`Outcome` each, never raising.

    ``overrides`` (the batch's ``--set``) apply to every member of every portfolio.
    """
    outcomes = []
    for file in files:
        began = time.perf_counter()
        name = f"portfolio {Path(file).stem}"
        folder = out_root / "portfolios" / Path(file).stem
        try:
            portfolio = read_portfolio(file)
            result = run_portfolio(portfolio, jobs=1, overrides=overrides)
            write_portfolio(result, portfolio, folder, language=language)
        except (ScenarioError, OutputError, OSError, ValueError) as exc:
            outcomes.append(Outcome(name, str(file), False, time.perf_counter() - began, one_line(str(exc))))
            continue
        total = result.annual()
        indicators = {
            "subsidy_cost_first_year": float(total["subsidy_cost"].iloc[0]),
            "subsidy_cost_total": float(total["subsidy_cost"].sum()),
            "coverage_end_last_year": float(total["coverage_end"].iloc[-1]),
        }
        outcomes.append(
            Outcome(
                name,
                str(file),
                True,
                time.perf_counter() - began,
                description=portfolio.describe(language),
                indicators=indicators,
                html=str(folder / "portfolio_brief.html"),
            )
        )
    return outcomes
