"""What the analysis notebooks call, and how they are generated.

``notebooks/sensitivity.ipynb`` and ``notebooks/calibrate.ipynb`` stay thin: a
``parameters`` cell, a call to :func:`sensitivity` or :func:`calibration`, and
cells that show the tables and charts. :func:`write_notebooks` regenerates them
(stored without outputs): ``python -m simulation.analysis.notebook``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from simulation.analysis.calibration import RATES, calibrate, file_hash, write_scenario
from simulation.analysis.sensitivity import analyse
from simulation.analysis.waves import micro_waves
from simulation.reporting.notebook import REPO_ROOT, check_parameters, resolve
from simulation.scenario import load_scenario

SENSITIVITY_PARAMETERS = {
    "scenario": (str, "path of a scenario YAML file"),
    "samples": (int, "Latin-hypercube samples; the Sobol' base size is the next power of two"),
    "seed": (int, "master seed"),
    "year": (int, "target fiscal year of the tornado and the Sobol' indices"),
    "vary": (str, "comma-separated parameters varied besides the assumptions, or empty"),
    "output_dir": (str, "folder for tables, charts and manifest.json"),
}
"""Parameters of ``sensitivity.ipynb``: name to (type, what is allowed)."""

CALIBRATE_PARAMETERS = {
    "wave1": (str, "CSV of the first wave, or empty for synthetic demonstration waves"),
    "wave2": (str, "CSV of the second wave (one year later), or empty"),
    "scenario": (str, "the scenario the calibrated one extends"),
    "seed": (int, "seed of the microsimulation run that draws the synthetic demonstration waves"),
    "output_dir": (str, "folder for calibrated.yaml, estimates.csv and the waves used"),
}
"""Parameters of ``calibrate.ipynb``."""


def sensitivity(scenario: str, samples: int, seed: int, year: int, vary: str, output_dir: str):
    """Validate the parameters, run :func:`~simulation.analysis.sensitivity.analyse` and write its outputs."""

    check_parameters(
        SENSITIVITY_PARAMETERS,
        scenario=scenario,
        samples=samples,
        seed=seed,
        year=year,
        vary=vary,
        output_dir=output_dir,
    )
    loaded = load_scenario(resolve(scenario))
    report = analyse(loaded, samples=samples, seed=seed, year=year, extra=[v for v in vary.split(",") if v.strip()])
    report.write(output_dir)
    return report


@dataclass
class CalibrationContext:
    """What the calibrate notebook shows.

    Attributes
    ----------
    calibration : Calibration
    scenario_file : Path
        The calibrated scenario written.
    synthetic : bool
        Whether the waves were drawn from the microsimulation of the base scenario.
    truth : dict
        For synthetic waves, the value of every estimated parameter in the
        scenario the waves were drawn from (per-sector ones as dicts); else empty.
    """

    calibration: object
    scenario_file: Path
    synthetic: bool
    truth: dict

    def table(self):
        """The estimates; for synthetic waves with the true value and whether the 95% interval holds it."""
        est = self.calibration.estimates
        if not self.truth:
            return est
        true = [self.truth[r.parameter][r.sector] if r.sector else self.truth[r.parameter] for r in est.itertuples()]
        return est.assign(true=true, inside=(est["ci_low"] <= true) & (true <= est["ci_high"]))


def calibration(wave1: str, wave2: str, scenario: str, seed: int, output_dir: str) -> CalibrationContext:
    """Validate the parameters, calibrate from two waves (synthetic if none given) and write the scenario."""

    check_parameters(
        CALIBRATE_PARAMETERS, wave1=wave1, wave2=wave2, scenario=scenario, seed=seed, output_dir=output_dir
    )
    base_path = resolve(scenario)
    base = load_scenario(base_path)
    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    synthetic = not wave1 and not wave2
    truth = {}
    if synthetic:
        # the base scenario's microsimulation: everyone at the end of its first two fiscal years
        w1, w2 = micro_waves(base, seed=seed)
        paths = [out / "synthetic_wave1.csv", out / "synthetic_wave2.csv"]
        w1.to_csv(paths[0], index=False)
        w2.to_csv(paths[1], index=False)
        truth = {k: float(base.first(k)) for k in RATES}
        for k in ("assumptions.revenue_drift", "assumptions.revenue_volatility"):
            truth[k] = dict(zip(base.sectors, base.by_sector(k)[0].tolist(), strict=True))
    else:
        paths = [resolve(wave1), resolve(wave2)]
    frames = [pd.read_csv(p, dtype={"business_id": str}) for p in paths]
    cal = calibrate(*frames, base, names=tuple(p.name for p in paths))
    cal.estimates.to_csv(out / "estimates.csv", index=False)
    target = write_scenario(cal, base_path, out / "calibrated.yaml", [(p.name, file_hash(p)) for p in paths])
    return CalibrationContext(cal, target, synthetic, truth)


def _notebook(title: str, intro: str, parameters: str, cells: list[tuple[str, str]]):
    # deferred: nbformat is only needed to write notebooks
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_markdown_cell(f"# {title}\n\n{intro}"))
    nb.cells.append(nbformat.v4.new_code_cell(parameters, metadata={"tags": ["parameters"]}))
    for kind, source in cells:
        make = nbformat.v4.new_markdown_cell if kind == "md" else nbformat.v4.new_code_cell
        nb.cells.append(make(source))
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def write_notebooks(folder: Path = REPO_ROOT / "notebooks") -> list[Path]:
    """(Re)generate ``sensitivity.ipynb`` and ``calibrate.ipynb`` without outputs."""
    # deferred: nbformat is only needed to write notebooks
    import nbformat

    sens = _notebook(
        "Which assumptions move the budget?",
        "Fan chart, tornado and Sobol' indices of the annual subsidy cost and coverage over the ranges of the "
        "scenario's assumptions (methods in docs/analysis.md).",
        'scenario: str = "scenarios/baseline.yaml"  # scenario file, validated in the next cell\n'
        "samples: int = 1024  # Latin-hypercube samples; Sobol' base size (power of two)\n"
        "seed: int = 2026  # master seed\n"
        "year: int = 2030  # target fiscal year of the tornado and the indices\n"
        'vary: str = "population.entry_rate, policy.graduation.rate, policy.graduation.retention"  # also varied\n'
        'output_dir: str = "reports/sensitivity"  # tables (CSV), charts (PNG), manifest.json',
        [
            (
                "code",
                "from IPython.display import Image, Markdown, display\n\n"
                "from simulation.analysis.notebook import sensitivity\n\n"
                "report = sensitivity(scenario, samples, seed, year, vary, output_dir)\n"
                'display(Markdown(report.summary().replace("\\n", "\\n\\n")))',
            ),
            ("md", "## Uncertainty over the years (P5-P95, P25-P75, median)"),
            ("code", 'Image(filename=f"{output_dir}/fan.png")'),
            ("md", "## One at a time: each assumption at the ends of its range"),
            ("code", 'Image(filename=f"{output_dir}/tornado_cost.png")'),
            ("code", 'Image(filename=f"{output_dir}/tornado_coverage.png")'),
            ("md", "## Sobol' indices (first order and total) for the target year"),
            ("code", 'Image(filename=f"{output_dir}/sobol.png")'),
            ("code", 'report.sobol.round(3).style.hide(axis="index")'),
        ],
    )
    cal = _notebook(
        "Calibration from two registry waves",
        "Maximum-likelihood estimates of closure, graduation, retention, lapse and reactivation rates and of "
        "revenue growth by sector, with 95% confidence intervals, written as a scenario that extends the base. "
        "With no wave files it draws synthetic demonstration waves from the scenario's microsimulation (every "
        "UMKM at the end of its first two fiscal years) and shows the true values beside the estimates "
        "(docs/analysis.md).",
        'wave1: str = ""  # CSV of the first wave (empty: synthetic demonstration waves)\n'
        'wave2: str = ""  # CSV of the second wave, one year later\n'
        'scenario: str = "scenarios/baseline.yaml"  # the scenario the calibrated one extends\n'
        "seed: int = 2026  # seed of the microsimulation run that draws the synthetic waves\n"
        'output_dir: str = "reports/calibration"  # calibrated.yaml, estimates.csv',
        [
            (
                "code",
                "from IPython.display import Markdown, display\n\n"
                "from simulation.analysis.notebook import calibration\n\n"
                "ctx = calibration(wave1, wave2, scenario, seed, output_dir)\n"
                'display(Markdown(f"Calibrated scenario: `{ctx.scenario_file}`" + (" (synthetic waves)" if '
                'ctx.synthetic else "")))',
            ),
            ("md", "## Estimates and 95% confidence intervals"),
            ("code", 'ctx.table().round(4).style.hide(axis="index")'),
            ("md", "## Transitions between the waves (UMKM)"),
            ("code", "ctx.calibration.counts"),
        ],
    )
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, nb in (("sensitivity.ipynb", sens), ("calibrate.ipynb", cal)):
        nbformat.write(nb, folder / name)
        written.append(folder / name)
    return written


if __name__ == "__main__":
    for path in write_notebooks():
        print(path.relative_to(REPO_ROOT))
