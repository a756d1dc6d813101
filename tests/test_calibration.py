"""Calibration recovers known parameters from synthetic two-wave data within its confidence intervals.

The waves are snapshots of the microsimulation (``simulation.analysis.waves.micro_waves``):
every agent at the end of December 2026 and December 2027, after the evaluations,
run with known ("true") rates, retention and revenue drift and volatility by sector.
What each estimate means for that process (docs/analysis.md, "What is estimated"):

- closure ``c``: the probability that a UMKM open in wave 1 is closed in wave 2;
- graduation ``g``: the probability that a wave-1 subsidised member that survives the
  year graduates at the wave-2 evaluation (``policy.graduation.rate`` under rule
  ``rate`` with every member past ``min_subsidised_years``, as here);
- retention ``rho``, lapse ``l``, reactivation ``r``: of the payment state, a member in
  arrears (still covered, facts F1.7) counting as lapsed;
- revenue drift and volatility: of the change in log revenue between two
  evaluations, which the engine applies at each evaluation.
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import BASELINE
from scipy import stats

from simulation import load_scenario
from simulation.analysis.calibration import WaveError, calibrate, check_wave, transition_probabilities, write_scenario
from simulation.analysis.waves import COLUMNS, micro_waves, year_end_month
from simulation.core.streams import replicate_seeds
from simulation.engines.micro import MicroInputs, run_micro

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
Z999 = stats.norm.ppf(0.9995)


def _truth(n: int | None = None, **more):
    overrides = dict(TRUTH, **more)
    if n is not None:
        overrides.update({"population.initial_umkm": n, "policy.rollout": n})
    return load_scenario(BASELINE, overrides=overrides)


@pytest.fixture(scope="module")
def fitted():
    w1, w2 = micro_waves(_truth(), seed=20260101, year=2026)
    return w1, w2, calibrate(w1, w2, load_scenario(BASELINE))


def _true(row, truth=TRUTH):
    value = truth[row.parameter]
    return value[row.sector] if isinstance(value, dict) else value


def _z(est, truth=TRUTH) -> np.ndarray:
    return np.array([(row.estimate - _true(row, truth)) / row.se for row in est.itertuples()])


@pytest.mark.parametrize("evaluation_month", [12, 6, 1])
def test_transition_probabilities_sum_to_one(evaluation_month):
    probs = transition_probabilities({"c": 0.1, "g": 0.3, "rho": 0.4, "l": 0.2, "r": 0.05}, evaluation_month)
    for row in probs.values():
        assert sum(row.values()) == pytest.approx(1.0)
    if evaluation_month == 12:  # graduates meet wave 2 straight after the December evaluation
        assert probs["subsidised"]["mandiri"] == pytest.approx(0.9 * 0.3 * 0.4)


def test_micro_waves_are_engine_snapshots_in_the_wave_schema():
    truth = _truth(n=5000)
    w1, w2 = micro_waves(truth, seed=7, year=2026)
    assert set(COLUMNS) <= set(w1.columns) and set(COLUMNS) <= set(w2.columns)
    check_wave(w1, "wave 1", truth.sectors)
    check_wave(w2, "wave 2", truth.sectors)
    # the same run without snapshots: snapshots are what the engine counted, and taking them changes nothing
    inputs = MicroInputs.from_scenario(truth.with_overrides({"years": 2}))
    plain = run_micro(inputs, replicate_seeds(7, 1)[0])
    for wave, year in ((w1, 2026), (w2, 2027)):
        t = year_end_month(inputs.scenario.horizon, year)
        counts = wave["status"].value_counts()
        for k, name in enumerate(("eligible", "subsidised", "mandiri", "lapsed", "closed")):
            assert counts.get(name, 0) == plain["end"][t, :, k].sum(), (year, name)
        # members in arrears (1-3 unpaid months, still covered, F1.7) are reported lapsed
        arrears = (wave["status"] == "lapsed") & (wave["unpaid_months"].between(1, 3))
        assert arrears.sum() == plain["stocks"]["arrears_end"][t].sum()
    assert arrears.sum() > 0 and (w2["unpaid_months"] == 4).sum() > 0
    # stable synthetic ids: wave 1 is a prefix of wave 2 (entrants are appended), same place and sector
    assert w2["business_id"].iloc[: len(w1)].tolist() == w1["business_id"].tolist()
    assert (w2.iloc[: len(w1)][["kecamatan", "sector"]].to_numpy() == w1[["kecamatan", "sector"]].to_numpy()).all()
    assert w1["business_id"].str.fullmatch(r"U\d{7}").all()
    assert w2.loc[w2["status"] == "closed", "revenue"].isna().all()
    assert w2.loc[w2["status"] != "closed", "revenue"].gt(0).all()
    with pytest.raises(ValueError, match="year 2036 is outside the scenario's horizon; allowed: 2026 to 2035"):
        micro_waves(truth, seed=7, year=2035)
    with pytest.raises(ValueError, match="snapshots: month index 24 is outside the horizon"):
        run_micro(inputs, replicate_seeds(7, 1)[0], snapshots=[24])


def test_calibration_recovers_known_parameters_within_their_intervals(fitted):
    *_, cal = fitted
    est = cal.estimates
    assert len(est) == 5 + 2 * 6
    assert cal.left_out["transition_not_in_model"] == 0
    inside = [row.ci_low <= _true(row) <= row.ci_high for row in est.itertuples()]
    # every true value within 3.3 standard errors (99.9%); nearly all inside the reported 95% intervals
    z = _z(est)
    assert (np.abs(z) < Z999).all(), est.assign(z=z)
    assert np.mean(inside) >= 0.85, est
    assert (est["ci_low"] < est["estimate"]).all() and (est["estimate"] < est["ci_high"]).all()


def test_estimates_are_unbiased_and_intervals_cover_over_replicates():
    """Over 20 independent micro runs: the 95% intervals hold the truth about 95% of the time, no bias."""
    truth, base = _truth(n=20000), load_scenario(BASELINE)
    z = np.array([_z(calibrate(*micro_waves(truth, seed=s, year=2026), base).estimates) for s in range(20)])
    coverage = (np.abs(z) < stats.norm.ppf(0.975)).mean()
    assert 0.90 <= coverage <= 0.99, coverage
    # mean z of each parameter over 20 runs has standard error 1/sqrt(20); a bias of 1 SE would show
    assert (np.abs(z.mean(axis=0)) < Z999 / np.sqrt(len(z))).all(), z.mean(axis=0)
    assert 0.8 < z.std() < 1.2  # the intervals are neither too narrow nor too wide


@pytest.mark.parametrize(
    "variant",
    [
        # graduates of a June evaluation spend six month ends in the mandiri/lapsed chain before wave 2
        {"policy.graduation.evaluation_month": 6},
        # eligible UMKM enrolled between the waves count as open (they inform closure only)
        {"policy.rollout": {"2026-01": 50000, "2027-06": 73000}},
    ],
    ids=["june-evaluation", "enrolment-between-waves"],
)
def test_status_rates_recovered_when_the_process_has_more_timing(variant):
    truth = _truth(**variant)
    base = load_scenario(BASELINE, overrides={k: v for k, v in variant.items() if k.startswith("policy.graduation")})
    est = calibrate(*micro_waves(truth, seed=11, year=2026), base).estimates.iloc[:5]
    assert (np.abs(_z(est)) < Z999).all(), est


def test_intervals_shrink_with_more_data():
    base = load_scenario(BASELINE)
    small = calibrate(*micro_waves(_truth(n=3000), seed=1), base).estimates
    large = calibrate(*micro_waves(_truth(n=30000), seed=1), base).estimates
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


def test_n_counts_the_umkm_that_inform_each_status_rate(fitted):
    """Graduation, lapse and reactivation are informed by members still open at the second wave;
    those that closed in between inform only closure (49,539 of 53,780 subsidised, seed 20260101)."""
    w1, w2, cal = fitted
    both = w1.merge(w2[["business_id", "status"]], on="business_id", suffixes=("_1", "_2"))
    open_again = both[both["status_2"] != "closed"]
    n = cal.estimates.set_index("parameter")["n"]
    assert n["policy.graduation.rate"] == (open_again["status_1"] == "subsidised").sum()
    assert n["assumptions.mandiri_lapse_rate"] == open_again["status_1"].isin(["mandiri", "lapsed"]).sum()
    assert n["assumptions.closure_rate"] == both["status_1"].ne("closed").sum()
    assert (both["status_1"] == "subsidised").sum() > n["policy.graduation.rate"]


def test_umkm_in_one_wave_only_are_counted_and_left_out(fitted):
    w1, w2, _ = fitted
    ids = w1["business_id"]
    second = w2[w2["business_id"].isin(ids)]  # every id of wave 2 is in wave 1
    first = w1.drop(index=w1.index[:3])  # 3 ids now only in wave 2
    second = second[~second["business_id"].isin(ids.iloc[10:15])]  # 5 ids now only in wave 1
    cal = calibrate(first, second, load_scenario(BASELINE))
    assert cal.left_out["only_in_wave_1"] == 5
    assert cal.left_out["only_in_wave_2"] == 3
