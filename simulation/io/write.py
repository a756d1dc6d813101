"""Write a result's tables and its manifest into a folder."""

from __future__ import annotations

import json
from pathlib import Path

from simulation.io.atomic import writes_folder
from simulation.io.provenance import manifest, seal
from simulation.outputs.montecarlo import QUANTILES, MonteCarloResult
from simulation.outputs.variables import MONTH_SEGMENT, TABLE_OF_GRAIN


def result_tables(result) -> dict[str, object]:
    """File name to table of every table a run writes (the micro engine adds its ranges)."""
    tables = {
        "annual.csv": result.annual(),
        "monthly.csv": result.monthly(),
        TABLE_OF_GRAIN[MONTH_SEGMENT]: result.monthly_segments(),
        "ledger.csv": result.ledger(),
        "payers_annual.csv": result.payers_annual(),
        "by_kecamatan.csv": result.by_kecamatan(),
        "benefits.csv": result.benefits(),
        "fiscal.csv": result.fiscal(),
    }
    if isinstance(result, MonteCarloResult):
        tables |= {
            "annual_replicates.csv": result.annual_replicates(),
            "annual_quantiles.csv": result.annual_quantiles(),
            "benefits_replicates.csv": result.benefits_replicates(),
            "benefits_quantiles.csv": result.benefits_quantiles(),
        }
    return tables


def write_table(frame, path: Path) -> Path:
    """Write one table by its file's suffix: ``.parquet`` with pyarrow (no index), else CSV."""
    if path.suffix == ".parquet":
        frame.to_parquet(path, index=False, engine="pyarrow")
    else:
        frame.to_csv(path, index=False)
    return path


@writes_folder("out_dir")  # atomic: a killed run leaves the previous folder whole (simulation.io.atomic)
def write_result(result, out_dir: str | Path, **manifest_extra) -> list[Path]:
    """Write ``result``'s tables and ``manifest.json`` into ``out_dir``; return the paths written.

    Tables are CSV, but those of national size, which are Parquet
    (:data:`simulation.outputs.variables.TABLE_OF_GRAIN`).

    Parameters
    ----------
    result : Result or MonteCarloResult
    out_dir : str or Path
        Created if missing.
    **manifest_extra
        More entries for the manifest (e.g. ``language``).
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in result_tables(result).items():
        written.append(write_table(frame, out / name))
    if isinstance(result, MonteCarloResult):
        ranges = [p.name for p in written if "_replicates" in p.name or "_quantiles" in p.name]
        manifest_extra = {
            "replicates": result.reps,
            "quantiles": list(QUANTILES),
            "range_files": ranges,
        } | manifest_extra
    record = manifest(
        result.scenario,
        engine=result.engine,
        seed=result.seed,
        files=[p.name for p in written],
        indicators=result.indicators(),
        fiscal=result.fiscal_summary(),
        **manifest_extra,
    )
    (out / "manifest.json").write_text(json.dumps(record, indent=2, ensure_ascii=False), encoding="utf-8")
    written.append(out / "manifest.json")
    seal(out)
    return written
