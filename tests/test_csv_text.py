"""The fast CSV writer gives pandas' ``to_csv(index=False)`` text byte for byte."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import ROOT

from simulation.io.csv_text import _column_text, csv_text
from simulation.io.write import result_tables
from simulation.outputs.run import run_scenario
from simulation.scenario import load_scenario


@pytest.mark.parametrize(
    "name, engine",
    [("baseline", "cohort"), ("budget_ceiling", "cohort"), ("delayed_start", "cohort"), ("baseline", "micro")],
)
def test_every_table_of_a_run_is_written_as_pandas_writes_it(name, engine):
    scenario = load_scenario(ROOT / "scenarios" / f"{name}.yaml", overrides={"years": 3})
    result = run_scenario(scenario, engine=engine, seed=5, reps=3, jobs=1)
    for file, frame in result_tables(result).items():
        assert all(_column_text(frame[c]) is not None for c in frame.columns), file  # the fast path, not pandas
        assert csv_text(frame) == frame.to_csv(index=False), file


def test_awkward_values_are_written_as_pandas_writes_them():
    rng = np.random.default_rng(1)
    floats = np.r_[
        rng.normal(0, 1, 500) * 10.0 ** rng.integers(-30, 30, 500), [0.0, -0.0, np.nan, np.inf, -np.inf, 1e16, 1e15,
        123456789012345678.0, 1e-5, 1e-4, 0.1 + 0.2, 5e-324, 1.7976931348623157e308, 2.0**53, 1 / 3],
    ]  # fmt: skip
    n = len(floats)
    text = ["plain", "with, comma", 'with "quote"', "new\nline", "", None, "Lombok Timur", "é ñ"]
    frame = pd.DataFrame(
        {
            "x": floats,
            "k": rng.integers(-(2**62), 2**62, n),
            "u": rng.integers(0, 255, n).astype(np.uint8),
            "flag": rng.random(n) < 0.5,
            "name, quoted": [text[i % len(text)] for i in range(n)],
        }
    )
    assert csv_text(frame) == frame.to_csv(index=False)
    assert csv_text(frame.iloc[:0]) == frame.iloc[:0].to_csv(index=False)


def test_kinds_it_does_not_handle_are_left_to_pandas():
    frame = pd.DataFrame({"when": pd.date_range("2026-01-01", periods=3), "v": [1.5, 2.0, np.nan]})
    frame["c"] = pd.Categorical(["a", "b", "a"])
    frame["f32"] = np.float32([0.1, 0.2, 0.3])
    frame["mixed"] = [1, "a", 2.5]
    assert csv_text(frame) == frame.to_csv(index=False)
