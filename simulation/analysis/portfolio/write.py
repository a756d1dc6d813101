"""Writing a portfolio's tables, brief and manifest into one folder (atomically)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from simulation.io.atomic import writes_folder
from simulation.io.provenance import git_commit, versions
from simulation.io.write import write_table
from simulation.reporting.pdf import to_pdf
from simulation.reporting.portfolio_brief import write_brief_html, write_brief_xlsx

PARQUET_TABLES = ("regions_by_kecamatan",)
"""Tables of national size (region x year x kecamatan, 72,770 rows for the country over ten years),
written as Parquet (pyarrow), readable by pandas and DuckDB; the others are CSV for a planner."""


def portfolio_tables(result) -> dict[str, pd.DataFrame]:
    """File name to table of every table a portfolio run writes."""
    names = result.region_names
    regions_annual = result.regions_annual.assign(name=result.regions_annual["region"].map(names))
    columns = ["region", "name", *[c for c in result.regions_annual.columns if c != "region"]]
    return {
        "regions_annual.csv": regions_annual[columns],
        "annual.csv": result.annual(),
        "payers_annual.csv": result.payers_annual(),
        "regions_payers_annual.csv": result.regions_payers,
        "regions.csv": result.regions_summary(),
        "regions_by_kecamatan.parquet": result.regions_kecamatan,
    }


@writes_folder("out_dir")  # atomic: a killed run leaves the previous folder whole (simulation.io.atomic)
def write_portfolio(result, portfolio, out_dir: str | Path, language: str = "id", **extra) -> list[Path]:
    """Write the tables, ``portfolio_brief.html`` and its PDF, ``portfolio.xlsx`` and ``manifest.json``.

    Parameters
    ----------
    result : PortfolioResult
    portfolio : Portfolio
        The file it came from (shared payers, for the brief).
    out_dir : str or Path
    language : {"id", "en"}
    **extra
        More manifest entries (the scheduler, the number of workers).
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = [write_table(frame, out / name) for name, frame in portfolio_tables(result).items()]
    written.append(write_brief_html(result, portfolio, out / "portfolio_brief.html", language))
    written.append(to_pdf(written[-1], out / "portfolio_brief.pdf", language))  # the scenario brief's PDF code
    written.append(write_brief_xlsx(result, out / "portfolio.xlsx", language))
    record = {
        "portfolio": {"name": result.name, "path": portfolio.path, "description": result.description},
        "members": [
            {"region": s.model.region, "scenario": s.path, "hash": s.hash, "overrides": s.overrides}
            for s in result.scenarios
        ],
        "engine": result.engine,
        "seed": result.seed,
        "replicates": result.reps,
        "scale": result.scale,
        "language": language,
        "versions": versions(),
        "git": git_commit(),
        "files": [p.name for p in written],
        **extra,
    }
    (out / "manifest.json").write_text(json.dumps(record, indent=2, ensure_ascii=False, default=str), encoding="utf-8")
    written.append(out / "manifest.json")
    return written
