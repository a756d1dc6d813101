"""What the analysis notebooks call.

``notebooks/sensitivity.py`` and ``notebooks/calibrate.py`` stay thin: a ``parameters`` cell, a
call to :func:`sensitivity` or :func:`calibration` (which validate the parameters against that
cell, :mod:`simulation.reporting.parameters`), and cells that show the tables and charts.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from simulation.analysis.calibration import RATES, calibrate, file_hash, write_scenario
from simulation.analysis.sensitivity import analyse
from simulation.analysis.waves import micro_waves
from simulation.reporting.parameters import resolve, validate
from simulation.scenario import load_scenario


def sensitivity(scenario: str, samples: int, seed: int, year: int, vary: str, output_dir: str):
    """Validate the parameters, run :func:`~simulation.analysis.sensitivity.analyse` and write its outputs."""

    p = validate(
        "sensitivity",
        dict(scenario=scenario, samples=samples, seed=seed, year=year, vary=vary, output_dir=output_dir),
    )
    loaded = load_scenario(resolve(p.scenario))
    extra = [v for v in p.vary.split(",") if v.strip()]
    report = analyse(loaded, samples=p.samples, seed=p.seed, year=p.year, extra=extra)
    report.write(p.output_dir)
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

    validate("calibrate", dict(wave1=wave1, wave2=wave2, scenario=scenario, seed=seed, output_dir=output_dir))
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
