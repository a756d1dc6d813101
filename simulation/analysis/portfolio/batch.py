"""Portfolios in a batch (``umkm-sim batch --portfolio FILE``): each into ``OUT/portfolios/NAME``."""

from __future__ import annotations

import time
from pathlib import Path

from simulation.analysis.portfolio.run import run_portfolio
from simulation.analysis.portfolio.spec import read_portfolio
from simulation.analysis.portfolio.write import write_portfolio
from simulation.core.errors import OutputError, ScenarioError
from simulation.outputs.schedulers import PROCESSES
from simulation.reporting.batch import Outcome, one_line

DEFAULT_PORTFOLIOS = ("ntb",)
"""Portfolios a whole batch runs (``umkm-sim batch`` naming no scenario): Nusa Tenggara Barat's ten
kabupaten and kota with the province's shared share, the province Lombok Timur belongs to."""


def default_portfolios(folder: Path) -> list[Path]:
    """The :data:`DEFAULT_PORTFOLIOS` files in ``folder/portfolios`` (those that exist)."""
    files = [Path(folder) / "portfolios" / f"{name}.yaml" for name in DEFAULT_PORTFOLIOS]
    return [f for f in files if f.is_file()]


def run_portfolios(
    files: list[str], out_root: Path, language: str, overrides: dict, scheduler: str = PROCESSES
) -> list:
    """Run each portfolio (cohort engine) and write it; one :class:`Outcome` each, never raising.

    ``overrides`` (the batch's ``--set``) apply to every member of every portfolio. ``scheduler``
    is where the members run: ``processes`` runs them in this process (the batch already runs
    reports side by side), a Dask scheduler's address on its workers
    (:mod:`simulation.outputs.schedulers`); the tables are the same.
    """
    outcomes = []
    for file in files:
        began = time.perf_counter()
        name = f"portfolio {Path(file).stem}"
        folder = out_root / "portfolios" / Path(file).stem
        try:
            portfolio = read_portfolio(file)
            jobs = 1 if scheduler == PROCESSES else None
            result = run_portfolio(portfolio, jobs=jobs, overrides=overrides, scheduler=scheduler)
            write_portfolio(result, portfolio, folder, language=language, scheduler=scheduler, jobs=jobs)
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
