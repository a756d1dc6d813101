"""Calibration recovers known parameters from synthetic two-wave data within its confidence intervals.

The waves come from the documented generator in ``simulation.analysis.waves``
(it follows docs/model.md month by month); switch to the microsimulation when
it lands on main.
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import BASELINE
from scipy import stats

from simulation import load_scenario
from simulation.analysis.calibration import WaveError, calibrate, check_wave, transition_probabilities, write_scenario
from simulation.analysis.waves import synthetic_waves

TRUTH = {
    "assumptions.closure_rate": 0.08,
    "assumptions.mandiri_lapse_rate": 0.30,
    "assumptions.reactivation_rate": 0.10,
    "policy.graduation.rate": 0.20,
    "policy.graduation.retention": 0.50,
    "assumptions.revenue_drift": {
        "perdagangan": 0.05, "kuliner": 0.02, "pertanian": -0.01, "tembakau": 0.08, "kerajinan": 0.0, "jasa": 0.04,
    },
    "assumptions.revenue_volatility": {
        "perdagangan": 0.3, "kuliner": 0.25, "pertanian": 0.4, "tembakau": 0.35, "kerajinan": 0.2, "jasa": 0.3,
    },
}  # fmt: skip


@pytest.fixture(scope="module")
def fitted():
    truth = load_scenario(BASELINE, overrides=TRUTH)
    w1, w2 = synthetic_waves(truth, n=30000, seed=20260101)
    return w1, w2, calibrate(w1, w2, load_scenario(BASELINE))


def _true(row):
    value = TRUTH[row.parameter]
    return value[row.sector] if isinstance(value, dict) else value


def test_transition_probabilities_sum_to_one():
    probs = transition_probabilities({"c": 0.1, "g": 0.3, "rho": 0.4, "l": 0.2, "r": 0.05})
    for row in probs.values():
        assert sum(row.values()) == pytest.approx(1.0)


def test_calibration_recovers_known_parameters_within_their_intervals(fitted):
    *_, cal = fitted
    est = cal.estimates
    assert len(est) == 5 + 2 * 6
    inside = [row.ci_low <= _true(row) <= row.ci_high for row in est.itertuples()]
    # every true value within 3.3 standard errors (99.9%); nearly all inside the reported 95% intervals
    z = np.array([abs(row.estimate - _true(row)) / row.se for row in est.itertuples()])
    assert (z < stats.norm.ppf(0.9995)).all(), est.assign(z=z)
    assert np.mean(inside) >= 0.85, est
    assert (est["ci_low"] < est["estimate"]).all() and (est["estimate"] < est["ci_high"]).all()


def test_intervals_shrink_with_more_data():
    truth = load_scenario(BASELINE, overrides=TRUTH)
    base = load_scenario(BASELINE)
    small = calibrate(*synthetic_waves(truth, n=3000, seed=1), base).estimates
    large = calibrate(*synthetic_waves(truth, n=30000, seed=1), base).estimates
    width = lambda e: (e["ci_high"] - e["ci_low"]).to_numpy()  # noqa: E731
    assert (width(large) < width(small)).all()


def test_calibrated_scenario_extends_the_baseline_and_cites_its_data(fitted, tmp_path):
    *_, cal = fitted
    out = tmp_path / "calibrated.yaml"
    write_scenario(cal, BASELINE, out, [("wave_2025.csv", "a" * 64), ("wave_2026.csv", "b" * 64)])
    text = out.read_text(encoding="utf-8")
    assert "extends:" in text and "baseline.yaml" in text
    s = load_scenario(out)
    closure = cal.estimates.set_index("parameter").loc["assumptions.closure_rate"]
    assert s.first("assumptions.closure_rate") == pytest.approx(closure["estimate"], abs=1e-6)
    assert "wave_2025.csv (sha256 " + "a" * 64 in s.param("assumptions.closure_rate").source
    assert s.param("assumptions.closure_rate").unit == load_scenario(BASELINE).param("assumptions.closure_rate").unit
    drift = s.first("assumptions.revenue_drift")
    assert set(drift) == set(s.sectors)
    assert s.first("population.initial_umkm") == 73000  # everything else comes from the baseline


def test_bad_wave_rows_are_named(fitted):
    w1, *_ = fitted
    bad = w1.copy()
    bad.loc[3, "status"] = "graduated"
    bad.loc[5, "kecamatan"] = "Mataram"
    with pytest.raises(WaveError) as info:
        check_wave(bad, "wave1.csv", sectors=["perdagangan"])
    message = str(info.value)
    assert "wave1.csv: row 4, status = 'graduated': allowed: eligible, subsidised" in message
    assert "row 6, kecamatan = 'Mataram'" in message
    with pytest.raises(WaveError, match="missing column"):
        check_wave(w1.drop(columns="revenue"), "wave1.csv")
