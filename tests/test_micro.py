"""The micro engine: conservation, closed forms shared with the cohort engine, reproducibility, CRN."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import BASELINE, quiet
from scipy.special import ndtr

from simulation import load_scenario, run
from simulation.core.states import State
from simulation.core.streams import Streams, replicate_seeds
from simulation.engines.micro import NOT_COVERED, MicroInputs, run_micro
from simulation.outputs.montecarlo import simulate

N = 73_000
RATE = 16_800  # rupiah per member per month (facts F1.4)
BUSY = {
    "population.entry_rate": 0.04,
    "assumptions.closure_rate": 0.08,
    "assumptions.mandiri_lapse_rate": 0.3,
    "assumptions.reactivation_rate": 0.15,
    "policy.graduation.rule": "revenue_threshold",
    "policy.graduation.evaluation_month": 6,
    "policy.rollout": {"2026-01": 20_000, "2026-09": 50_000, "2027-03": 90_000},
    "years": 4,
}


def one_replicate(overrides, seed=3, **kwargs):
    scenario = load_scenario(BASELINE, overrides=overrides)
    return scenario, run_micro(MicroInputs.from_scenario(scenario), replicate_seeds(seed, 1)[0], **kwargs)


@pytest.mark.parametrize("overrides", [{}, BUSY], ids=["baseline", "busy"])
def test_micro_conserves_umkm_every_month_and_counts_match_the_agents(overrides):
    scenario, out = one_replicate(overrides, keep_agents=True, chunk=5_000)  # several chunks
    entrants = np.cumsum(out["flows"]["entered"].sum(axis=1))
    for stock in (out["billed"], out["end"]):
        np.testing.assert_array_equal(stock.sum(axis=(1, 2)), N + entrants)
        per_segment = stock.sum(axis=2)  # no UMKM changes segment
        initial = np.bincount(out["state"].segment[:N], minlength=126)
        np.testing.assert_array_equal(per_segment, initial + np.cumsum(out["flows"]["entered"], axis=0))
        assert (stock >= 0).all()
    # the counts kept from transitions equal a recount of the agents at the end
    ag = out["state"]
    recount = np.bincount(ag.segment[: ag.n] * 5 + ag.status[: ag.n], minlength=126 * 5).reshape(126, 5)
    np.testing.assert_array_equal(out["end"][-1], recount)
    in_arrears = (ag.status[: ag.n] == State.LAPSED) & (ag.unpaid[: ag.n] <= 3)
    assert out["stocks"]["arrears_end"][-1].sum() == in_arrears.sum()
    assert (out["stocks"]["arrears"] <= out["billed"][:, :, State.LAPSED]).all()
    covered = np.isin(ag.status[: ag.n], [State.SUBSIDISED, State.MANDIRI]) | in_arrears
    assert (ag.covered_since[: ag.n][covered] < scenario.horizon.n_months + 1).all()
    assert (ag.covered_since[: ag.n][~covered & (ag.status[: ag.n] != State.LAPSED)] == NOT_COVERED).all()
    # flows explain the stock changes, segment by segment
    f, billed, end = out["flows"], out["billed"], out["end"]
    S, C, E = State.SUBSIDISED, State.CLOSED, State.ELIGIBLE
    np.testing.assert_array_equal(billed[1:, :, S], end[:-1, :, S] + f["enrolled"][1:])
    np.testing.assert_array_equal(billed[1:, :, E], end[:-1, :, E] + f["entered"][1:] - f["enrolled"][1:])
    np.testing.assert_array_equal(end[:, :, C], billed[:, :, C] + f["closures"])
    np.testing.assert_array_equal(
        end[:, :, State.MANDIRI] + end[:, :, State.LAPSED] - billed[:, :, State.MANDIRI] - billed[:, :, State.LAPSED],
        f["graduated"]
        - (f["closures"] - (billed[:, :, S] - end[:, :, S] - f["graduated"]) - (billed[:, :, E] - end[:, :, E])),
    )


def test_micro_headline_and_effective_next_month():
    """Nothing random switched on: all 73,000 subsidised for 12 months cost Rp14,716,800,000 (F0.1, F1.4)."""
    result = run(BASELINE, overrides=quiet(), engine="micro", seed=1, reps=1, jobs=1)
    a = result.annual()
    assert a.loc[0, "subsidy_cost"] == 14_716_800_000
    assert (a["subsidised_end"] == N).all()


@pytest.mark.parametrize("engine", ["cohort", "micro"])
def test_graduates_who_do_not_pay_stay_covered_three_months(engine):
    """Facts F1.7: everyone graduates in December 2026 and nobody pays: covered (in arrears)
    January to March 2027, not covered from April; billed to nobody throughout."""
    over = quiet(policy__graduation__rate=1.0, policy__graduation__retention=0.0)
    kwargs = {"seed": 1, "reps": 1, "jobs": 1} if engine == "micro" else {}
    m = run(BASELINE, overrides=over, engine=engine, **kwargs).monthly().set_index("month")
    for month in ("2027-01", "2027-02", "2027-03"):
        assert m.loc[month, "arrears"] == pytest.approx(N) and m.loc[month, "covered"] == pytest.approx(N)
        assert m.loc[month, "lapsed"] == pytest.approx(N) and m.loc[month, "mandiri"] == 0
        assert m.loc[month, "self_paid"] == 0 and m.loc[month, "subsidy_cost"] == 0
    assert m.loc["2027-03", "lost_cover"] == pytest.approx(N)
    assert m.loc["2027-04", "covered"] == pytest.approx(0, abs=1e-6)
    assert m.loc["2027-04", "lapsed"] == pytest.approx(N)


@pytest.mark.parametrize("engine", ["cohort", "micro"])
def test_min_subsidised_years_delays_graduation(engine):
    """Enrolled in January 2026 with two years required: 12 months billed at the first evaluation
    (too few), 24 at the second."""
    over = quiet(policy__graduation__rate=0.5, policy__graduation__min_subsidised_years=2)
    kwargs = {"seed": 1, "reps": 2, "jobs": 1} if engine == "micro" else {}
    a = run(BASELINE, overrides=over, engine=engine, **kwargs).annual()
    assert a.loc[0, "graduated"] == 0
    assert a.loc[1, "graduated"] == pytest.approx(N / 2, rel=0.02)


def test_revenue_growth_rule_graduates_with_the_lognormal_probability():
    """Rule revenue_growth: P(exp(drift + vol Z) - 1 >= share) = 1 - Phi((log(1 + share) - drift) / vol)."""
    drift, vol, share = 0.03, 0.25, 0.10
    p = 1 - ndtr((np.log1p(share) - drift) / vol)
    over = quiet(policy__graduation__rule="revenue_growth")
    cohort = run(BASELINE, overrides=over).annual()
    assert cohort.loc[0, "graduated"] == pytest.approx(N * p, rel=1e-9)
    micro = run(BASELINE, overrides=over, engine="micro", seed=2, reps=1, jobs=1).annual()
    se = np.sqrt(N * p * (1 - p))
    assert abs(micro.loc[0, "graduated"] - N * p) < 4 * se


def test_same_seed_same_numbers_whatever_the_worker_count():
    scenario = load_scenario(BASELINE, overrides={"years": 3, "policy.graduation.rule": "revenue_threshold"})
    one, _ = simulate(scenario, seed=11, reps=4, jobs=1, progress=False)
    two, _ = simulate(scenario, seed=11, reps=4, jobs=2, progress=False)
    np.testing.assert_array_equal(one.billed, two.billed)
    np.testing.assert_array_equal(one.end, two.end)
    for k in one.flows:
        np.testing.assert_array_equal(one.flows[k], two.flows[k])
    other, _ = simulate(scenario, seed=12, reps=4, jobs=1, progress=False)
    assert not np.array_equal(one.end, other.end)
    # replicates differ from each other
    assert not np.array_equal(one.end[:, 0], one.end[:, 1])


def test_common_random_numbers_a_lever_does_not_shift_other_draws():
    """Retention only splits graduates: with the same seed, who closes, who enters and who
    graduates are identical; only where graduates go changes."""
    base = load_scenario(BASELINE, overrides={"years": 4})
    reform = base.with_overrides({"policy.graduation.retention": 0.9})
    b, _ = simulate(base, seed=5, reps=3, jobs=1, progress=False)
    r, _ = simulate(reform, seed=5, reps=3, jobs=1, progress=False)
    for k in ("closures", "entered", "graduated", "enrolled"):
        np.testing.assert_array_equal(b.flows[k], r.flows[k])
    assert (r.flows["graduated_mandiri"].sum() > b.flows["graduated_mandiri"].sum()).all()


def test_common_random_numbers_shrink_the_noise_of_a_difference():
    """Raising the revenue threshold: the replicate-to-replicate spread of (reform - baseline) subsidy
    cost is far smaller with shared seeds than with independent ones."""
    over = {"years": 4, "policy.graduation.rule": "revenue_threshold"}
    base = load_scenario(BASELINE, overrides=over)
    reform = base.with_overrides({"policy.graduation.revenue_threshold": 200_000_000})
    cost = lambda out: out.billed[:, :, :, State.SUBSIDISED].sum(axis=(0, 2))  # noqa: E731 - member-months
    b, _ = simulate(base, seed=21, reps=8, jobs=1, progress=False)
    same, _ = simulate(reform, seed=21, reps=8, jobs=1, progress=False)
    indep, _ = simulate(reform, seed=22, reps=8, jobs=1, progress=False)
    assert np.std(cost(same) - cost(b)) < 0.5 * np.std(cost(indep) - cost(b))


def test_streams_are_uniform_and_keyed_by_purpose_month_and_agent():
    s = Streams(np.random.SeedSequence(0))
    idx = np.arange(200_000)
    u = s.uniform("closure", 0, idx)
    assert 0 < u.min() and u.max() < 1
    assert abs(u.mean() - 0.5) < 4 * np.sqrt(1 / 12 / len(u))
    np.testing.assert_array_equal(s.uniform("closure", 0, idx[5:9]), u[5:9])  # a pure function of the index
    assert not np.array_equal(s.uniform("closure", 1, idx[:100]), u[:100])
    assert not np.array_equal(s.uniform("self_pay", 0, idx[:100]), u[:100])
    hits = s.bernoulli("self_pay", 3, idx, 0.2).mean()
    assert abs(hits - 0.2) < 4 * np.sqrt(0.2 * 0.8 / len(idx))


def test_cli_runs_the_micro_engine_and_writes_ranges(tmp_path, capsys):
    import json

    import pandas as pd

    from simulation.cli import main

    args = ["run", str(BASELINE), "--engine", "micro", "--reps", "5", "--seed", "9", "--jobs", "1"]
    args += ["--set", "years=3", "--set", "policy.graduation.rule=revenue_threshold", "--out", str(tmp_path)]
    assert main(args) == 0
    assert "mean of 5 replicates, seed 9" in capsys.readouterr().out
    annual = pd.read_csv(tmp_path / "annual.csv")
    reps = pd.read_csv(tmp_path / "annual_replicates.csv")
    quant = pd.read_csv(tmp_path / "annual_quantiles.csv")
    assert sorted(reps["replicate"].unique()) == list(range(5)) and len(reps) == 5 * len(annual)
    assert set(quant["quantile"]) == {0.05, 0.5, 0.95}
    mean = reps.groupby("year")["subsidy_cost"].mean().to_numpy()
    np.testing.assert_allclose(annual["subsidy_cost"], mean, rtol=1e-12)
    q = quant.pivot(index="year", columns="quantile", values="subsidised_end")
    assert (q[0.05] <= q[0.5]).all() and (q[0.5] <= q[0.95]).all() and (q[0.05] < q[0.95]).any()
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["engine"] == "micro" and manifest["seed"] == 9 and manifest["replicates"] == 5
    assert main(["run", str(BASELINE), "--engine", "micro", "--reps", "0", "--out", str(tmp_path)]) == 1
