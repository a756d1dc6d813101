"""The golden cases: every shipped scenario through the cohort engine and, with a fixed seed, the micro engine."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))
MICRO_SEED = 20260101
MICRO_OVERRIDES: dict = {}
COHORT_TABLES = ("annual", "monthly", "ledger", "payers_annual", "by_kecamatan", "benefits", "fiscal")
MICRO_TABLES = ("annual", "monthly", "annual_quantiles")


@dataclass(frozen=True)
class Case:
    scenario: Path
    engine: str

    @property
    def stem(self) -> str:
        return f"{self.scenario.stem}.{self.engine}"


CASES = [Case(path, engine) for path in SCENARIOS for engine in ("cohort", "micro")]


def tables(case: Case) -> dict[str, pd.DataFrame]:
    """The tables of one case, by name."""
    import simulation

    if case.engine == "cohort":
        result = simulation.run(case.scenario)
        return {name: getattr(result, name)() for name in COHORT_TABLES}
    result = simulation.run(case.scenario, overrides=MICRO_OVERRIDES, engine="micro", seed=MICRO_SEED, reps=2, jobs=1)
    return {name: getattr(result, name)() for name in MICRO_TABLES}
