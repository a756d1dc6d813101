"""Golden regression: every shipped scenario's tables agree with ``tests/golden/`` to 1e-9.

A column the package has added since (a new output variable) is no regression and is not compared;
a column missing, a row more or less, or a value off by more than 1e-9 (relative and absolute) is.
The golden files were written by ``tests/golden/regenerate.py`` before the package was reorganised;
a table that does not agree is written beside its golden file as ``<name>.res.csv`` (Tax-Calculator's
habit) so the difference can be read with any diff tool.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.golden.cases import CASES, tables

GOLDEN = Path(__file__).parent / "golden"
TOL = 1e-9


def _mismatches(expected: pd.DataFrame, got: pd.DataFrame) -> list[str]:
    problems = []
    if not set(expected.columns) <= set(got.columns):
        missing = sorted(set(expected.columns) - set(got.columns))
        if missing:
            problems.append(f"columns missing: {missing}")
    if len(expected) != len(got):
        problems.append(f"rows: expected {len(expected)}, got {len(got)}")
        return problems
    for col in expected.columns.intersection(got.columns):
        a, b = expected[col], got[col]
        if pd.api.types.is_numeric_dtype(a) and pd.api.types.is_numeric_dtype(b):
            a, b = a.to_numpy(float), b.to_numpy(float)
            ok = np.isclose(b, a, rtol=TOL, atol=TOL) | (np.isnan(a) & np.isnan(b))
            if not ok.all():
                i = int(np.flatnonzero(~ok)[0])
                problems.append(f"{col}: row {i} expected {a[i]!r}, got {b[i]!r} ({int((~ok).sum())} rows differ)")
        elif not (a.astype(str).to_numpy() == b.astype(str).to_numpy()).all():
            problems.append(f"{col}: text differs")
    return problems


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.stem)
def test_tables_agree_with_golden(case):
    failures = []
    for name, frame in tables(case).items():
        path = GOLDEN / f"{case.stem}.{name}.csv"
        res = path.with_suffix(".res.csv")
        expected = pd.read_csv(path)
        got = pd.read_csv(pd.io.common.StringIO(frame.to_csv(index=False, float_format="%.17g")))
        problems = _mismatches(expected, got)
        if problems:
            frame.to_csv(res, index=False, float_format="%.17g")
            failures.append(f"{path.name} (see {res.name}): " + "; ".join(problems))
        elif res.exists():
            res.unlink()
    assert not failures, "\n".join(failures)


def test_every_scenario_has_golden_files():
    names = {p.name for p in GOLDEN.glob("*.csv") if not p.name.endswith(".res.csv")}
    for case in CASES:
        assert any(n.startswith(case.stem + ".") for n in names), f"no golden file for {case.stem}"
