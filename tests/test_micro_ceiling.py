"""The micro engine honours the budget ceiling and the priority rules (issue 5: "both engines").

Agreement with the cohort engine (``test_replicate_mean_matches_the_cohort_engine_under_the_ceiling``),
per fiscal year and quantity q (subsidised and waiting at year end, APBD Kabupaten spend):

    |mean over R replicates - cohort| <= Z * SE + D

* SE = s / sqrt(R), s the standard deviation over the R independent replicates; Z = 4 as in
  ``tests/test_agreement.py`` (a true-zero difference exceeds 4 SE with probability 6.3e-5 per
  comparison; 30 comparisons here, so a false alarm below 0.2%, and the seed is fixed).
* D = whole-UMKM rounding. In a month where the ceiling binds, the cohort engine enrols a fraction
  of a UMKM so that spent + committed = ceiling exactly; the micro engine stops at the last whole
  UMKM that fits, so it leaves d_t in [0, 1) UMKM-worth of the month's rest-of-year cost unused.
  With a uniform unit cost u and L_t months left in the year (rest-of-year cost L_t u), the
  budget identity gives the micro-minus-cohort member gap g_t = -d_t + S_{t-1} / L_t, where
  S_t = sum of the past gaps' shortfalls (money saved earlier is spent later in the year), and
  S_t <= B_t with B_t = B_{t-1} (1 - 1/L_t) + 1, B_0 = 0. So |g_t| <= max(1, B_{t-1} / L_t),
  largest in December (L = 1): B_11 = 3.02 UMKM (computed below). Hence
  D(subsidised) = that bound (UMKM), D(waiting) = it + 0.5 (the rollout target is rounded to a
  whole UMKM), and D(spend) = one member-month u: when the ceiling binds in December both engines
  end the year within one December member-month of the ceiling (the micro engine could not fit
  one more UMKM). Kecamatan quotas in whole UMKM (largest remainder) move members between
  kecamatan, not the totals, at a uniform cost. The populations are the same (the cohort run
  starts from the micro population's integer segment counts) and every other rounding has an
  exact mean, so no other gap is allowed; in years where the ceiling does not bind the gap is
  pure Monte Carlo noise.
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import BASELINE, ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import ORDER, ceiling_overrides

from simulation import load_scenario, run
from simulation.core.states import State
from simulation.core.streams import replicate_seeds
from simulation.engines.cohort import compile_inputs, run_cohort
from simulation.engines.micro import NOT_COVERED, MicroInputs, run_micro
from simulation.engines.micro_enrolment import MicroEnrolment, apportion, stable_order
from simulation.outputs.montecarlo import MonteCarloResult, simulate
from simulation.outputs.results import Result
from simulation.population.synthetic import allocate

RATE = 16_800
YEARLY = RATE * 12  # one member for a whole year, rupiah
N = 73_000
STILL = {"assumptions.closure_rate": 0.0, "population.entry_rate": 0.0, "policy.graduation.rate": 0.0}
STILL_BY_SECTOR = {**STILL, "policy.priority": "sector_order", "policy.sector_order": ORDER}
MICRO = {"engine": "micro", "seed": 1, "reps": 1, "jobs": 1}


def sector_counts() -> dict[str, int]:
    """Whole UMKM per sector in the micro engine's starting population (largest remainder per segment)."""
    scenario = load_scenario(BASELINE)
    counts = allocate(N, scenario.segment_shares)
    sectors = np.asarray(scenario.segment_labels[1])
    return {s: int(counts[sectors == s].sum()) for s in ORDER}


def by_sector(result, state="subsidised", month=None):
    seg = result.monthly_segments()
    seg = seg[seg["state"] == state]
    if month is not None:
        seg = seg[seg["month"] == month]
    return seg.groupby("sector")["members"].sum()


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(overrides=ceiling_overrides(), seed=st.integers(0, 2**32))
def test_no_replicate_exceeds_the_ceiling_in_any_month_of_any_year(overrides, seed):
    ceilings = list(overrides["policy.budget_ceiling"].values())
    scenario = load_scenario(BASELINE, overrides=overrides)
    output, seed = simulate(scenario, seed=seed, reps=2, jobs=1, progress=False)
    mc = MonteCarloResult(scenario, output, seed)
    for r in range(2):
        m = mc.replicate(r).monthly()
        spend = m.get("cost_apbd_kabupaten", 0 * m["subsidy_cost"])
        for k, y in enumerate((2026, 2027, 2028)):
            cumulative = np.cumsum(spend[m["year"] == y])
            assert (cumulative <= ceilings[k] * (1 + 1e-9) + 1e-3).all(), (r, y, cumulative.max(), ceilings[k])
        assert (m[["eligible", "subsidised", "waiting", "suspended"]] >= 0).all().all()
        # nobody waits who is not eligible, and the rollout is never exceeded
        assert (m["waiting"] <= m["eligible"]).all()
    assert (mc.annual()["waiting_end"] >= 0).all()


def test_suspension_takes_the_lowest_priority_first_and_ends_their_cover():
    """first_come: everyone enrolled in 2026, the 2027 ceiling pays for 30,000: the 43,000 with the
    lowest priority scores are suspended, lose cover and wait."""
    scenario = load_scenario(
        BASELINE, overrides={**STILL, "years": 2, "policy.budget_ceiling": {2026: N * YEARLY, 2027: 30_000 * YEARLY}}
    )
    out = run_micro(MicroInputs.from_scenario(scenario), replicate_seeds(4, 1)[0], keep_agents=True)
    ag = out["state"]
    sub = ag.status[: ag.n] == State.SUBSIDISED
    gone = ag.suspended[: ag.n] == 1
    assert sub.sum() == 30_000 and gone.sum() == N - 30_000
    assert ag.priority[: ag.n][gone].max() < ag.priority[: ag.n][sub].min()
    assert (ag.status[: ag.n][gone] == State.ELIGIBLE).all()
    assert (ag.covered_since[: ag.n][gone] == NOT_COVERED).all()
    assert out["flows"]["suspended"][12].sum() == N - 30_000
    assert out["waiting"][-1].sum() == N - 30_000


def test_a_falling_ceiling_suspends_the_lowest_sectors_first():
    n = sector_counts()
    first_two = n["tembakau"] + n["pertanian"]
    overrides = {**STILL_BY_SECTOR, "policy.budget_ceiling": {2026: N * YEARLY, 2027: first_two * YEARLY}}
    result = run(BASELINE, overrides=overrides, **MICRO)
    jan27 = by_sector(result, month="2027-01")
    assert jan27["tembakau"] == n["tembakau"] and jan27["pertanian"] == n["pertanian"]
    assert jan27.drop(["tembakau", "pertanian"]).sum() == 0
    a = result.annual().set_index("year")
    assert a.loc[2027, "suspended"] == N - first_two
    assert a.loc[2027, "waiting_end"] == N - first_two


def test_sector_order_serves_sectors_in_order_and_the_waiting_list_empties_in_that_order():
    n = sector_counts()
    overrides = {
        **STILL_BY_SECTOR,
        "policy.budget_ceiling": {2026: 10_000 * YEARLY, 2027: 30_000 * YEARLY, 2028: N * YEARLY},
    }
    result = run(BASELINE, overrides=overrides, **MICRO)
    jan26 = by_sector(result, month="2026-01")
    assert jan26["tembakau"] == n["tembakau"] and jan26["pertanian"] == 10_000 - n["tembakau"]
    assert jan26[["kuliner", "kerajinan", "jasa", "perdagangan"]].sum() == 0
    jan27 = by_sector(result, month="2027-01")
    assert jan27["pertanian"] == n["pertanian"] and jan27["kuliner"] == n["kuliner"]
    assert jan27["kerajinan"] == 30_000 - n["tembakau"] - n["pertanian"] - n["kuliner"]
    assert jan27[["jasa", "perdagangan"]].sum() == 0
    a = result.annual().set_index("year")
    assert a.loc[2026, "waiting_end"] == N - 10_000
    assert a.loc[2027, "waiting_end"] == N - 30_000
    assert a.loc[2028, "waiting_end"] == 0
    assert a.loc[2026, "cost_apbd_kabupaten"] == 10_000 * YEARLY
    seg = result.monthly_segments()
    dec26 = seg[(seg["month"] == "2026-12") & (seg["state"] == "eligible")].groupby("sector")["members"].sum()
    assert dec26["tembakau"] == 0 and dec26["pertanian"] == n["pertanian"] - (10_000 - n["tembakau"])


def test_kecamatan_quotas_share_out_a_tight_ceiling_in_whole_umkm():
    overrides = {
        **STILL,
        "policy.priority": "kecamatan_quota",
        "policy.kecamatan_quota": {"Selong": 0.5, "Aikmel": 0.5},
        "policy.budget_ceiling": 4_001 * YEARLY,
    }
    seg = run(BASELINE, overrides=overrides, **MICRO).monthly_segments()
    jan = seg[(seg["month"] == "2026-01") & (seg["state"] == "subsidised")].groupby("kecamatan")["members"].sum()
    # 4,001 whole UMKM: 2,000.5 each, the remainder goes to the first of the tied kecamatan
    assert sorted([jan["Selong"], jan["Aikmel"]]) == [2_000, 2_001]
    assert jan.drop(["Selong", "Aikmel"]).sum() == 0


def test_apportion_by_largest_remainder_within_caps():
    assert apportion(10, np.array([0.5, 0.3, 0.2]), np.array([100, 100, 100])).tolist() == [5, 3, 2]
    assert apportion(7, np.array([0.5, 0.3, 0.2]), np.array([100, 100, 100])).tolist() == [4, 2, 1]
    # a kecamatan with too few UMKM: its share goes to the others, in proportion to their room
    got = apportion(10, np.array([0.5, 0.3, 0.2]), np.array([1, 100, 100]))
    assert got.tolist() == [1, 5, 4] and got.sum() == 10
    assert apportion(1_000, np.array([0.5, 0.5]), np.array([3, 4])).tolist() == [3, 4]


def _rule(priority="first_come", ceiling=np.inf):
    overrides = {"policy.priority": priority, "policy.sector_order": ORDER}
    if np.isfinite(ceiling):
        overrides["policy.budget_ceiling"] = ceiling
    return MicroEnrolment(compile_inputs(load_scenario(BASELINE, overrides=overrides)).enrolment)


def test_suspended_agents_head_the_waiting_list_within_the_rule():
    rule = _rule()
    idx = np.arange(6)
    segment = np.zeros(6, dtype=np.int16)
    priority = np.array([0.9, 0.8, 0.1, 0.7, 0.2, 0.6], dtype=np.float32)
    suspended = np.array([0, 0, 1, 0, 1, 0], dtype=np.int8)
    cost = np.ones(126)
    chosen, waiting = rule.choose(idx, segment, priority, suspended, 4, 3.0, cost)
    assert chosen.tolist() == [4, 2, 0] and waiting.tolist() == [1]
    # under sector_order the sector comes first: a suspended UMKM of a later sector waits
    ranked = _rule("sector_order")
    sectors = list(load_scenario(BASELINE).segment_labels[1][:6])  # the first kecamatan's segments
    seg_of = {name: sectors.index(name) for name in ("tembakau", "pertanian", "kuliner")}
    names = ["pertanian", "pertanian", "kuliner", "tembakau", "kuliner", "tembakau"]
    segment = np.array([seg_of[name] for name in names], dtype=np.int16)
    chosen, waiting = ranked.choose(idx, segment, priority, suspended, 6, 4.0, cost)
    assert chosen.tolist() == [3, 5, 0, 1] and waiting.tolist() == [4, 2]


def test_quota_choice_never_costs_more_than_the_money():
    rule = _rule("kecamatan_quota", ceiling=1e9)
    rng = np.random.default_rng(0)
    segment = rng.integers(0, 126, 5_000).astype(np.int16)
    cost = rng.uniform(0, 20, 126)
    for money in (0.0, 1.0, 500.0, 12_345.6, 1e9):
        chosen, waiting = rule.choose(
            np.arange(5_000), segment, rng.random(5_000, dtype=np.float32), np.zeros(5_000, np.int8), 3_000, money, cost
        )
        assert cost[segment[chosen]].sum() <= money
        assert len(chosen) + len(waiting) == 3_000
        assert not np.intersect1d(chosen, waiting).size


def _rounding_bound(months: int = 12) -> float:
    """max over the year's months of max(1, B_{t-1} / L_t) (see the module docstring)."""
    b, worst = 0.0, 1.0
    for left in range(months, 0, -1):
        worst = max(worst, b / left)
        b = b * (1 - 1 / left) + 1
    return worst


def test_replicate_mean_matches_the_cohort_engine_under_the_ceiling():
    R, Z = 64, 4.0
    scenario = load_scenario(ROOT / "scenarios" / "budget_ceiling.yaml")
    output, seed = simulate(scenario, seed=2026, reps=R, jobs=2, progress=False)
    mc = MonteCarloResult(scenario, output, seed)
    inputs = compile_inputs(scenario)
    inputs.initial = allocate(round(scenario.first("population.initial_umkm")), scenario.segment_shares)[None, :]
    inputs.initial = inputs.initial.astype(float)
    cohort = Result(scenario, run_cohort(inputs)).annual().set_index("year")
    mean = mc.annual().set_index("year")
    reps = mc.annual_replicates()
    bound = _rounding_bound()
    assert 3.0 < bound < 3.1
    rounding = {
        "subsidised_end": bound,
        "waiting_end": bound + 0.5,
        "cost_apbd_kabupaten": inputs.enrolment.unit_cost.max(),
    }
    for q, d in rounding.items():
        se = reps.groupby("year")[q].std(ddof=1) / np.sqrt(R)
        gap = (mean[q] - cohort[q]).abs()
        assert (gap <= Z * se + d).all(), f"{q}: gap {gap.to_dict()} tolerance {(Z * se + d).to_dict()}"
    # the comparison is not vacuous: the ceiling binds and people wait in the first two years
    assert (cohort.loc[[2026, 2027], "waiting_end"] > 1_000).all()
    assert cohort.loc[[2026, 2027], "cost_apbd_kabupaten"].tolist() == pytest.approx([10e9, 12e9])


def test_same_seed_same_numbers_with_one_or_two_workers_under_the_ceiling():
    overrides = {
        "years": 3,
        "policy.budget_ceiling": {2026: 10e9, 2027: 6e9, 2028: 12e9},
        "population.entry_rate": 0.05,
    }
    scenario = load_scenario(ROOT / "scenarios" / "budget_ceiling.yaml", overrides=overrides)
    one, _ = simulate(scenario, seed=9, reps=3, jobs=1, progress=False)
    two, _ = simulate(scenario, seed=9, reps=3, jobs=2, progress=False)
    np.testing.assert_array_equal(one.billed, two.billed)
    np.testing.assert_array_equal(one.waiting, two.waiting)
    for k in one.flows:
        np.testing.assert_array_equal(one.flows[k], two.flows[k])
    assert one.flows["suspended"].sum() > 0 and one.waiting.sum() > 0  # the ceiling did something


@pytest.mark.parametrize("n", [0, 1, 2, 1000, 40_000])
def test_stable_order_is_numpys_stable_argsort_ties_included(n):
    """The enrolment's sort (keys made unique by their position) gives exactly the stable argsort:
    many equal keys, keys at the top of the 64 bits (the stable argsort itself) and none at all."""
    rng = np.random.default_rng(n)
    keys = [
        rng.integers(0, 2**38, n, dtype=np.uint64),
        rng.integers(0, 5, n, dtype=np.uint64) << np.uint64(33),  # ties everywhere
        rng.integers(2**62, 2**64 - 1, n, dtype=np.uint64),  # no room for the position: the fallback
    ]
    for key in keys:
        assert np.array_equal(stable_order(key), np.argsort(key, kind="stable"))
