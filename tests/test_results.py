"""One result type with a replicate axis: the mean, replicates, quantiles and frames agree with
independent pandas computations on the stacked replicates; the invariants read the registry."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import BASELINE

import simulation
import simulation.engines.cohort as cohort_engine
from simulation.engines.cohort import compile_inputs, run_cohort
from simulation.outputs import invariants
from simulation.outputs.montecarlo import MonteCarloResult
from simulation.outputs.results import Result
from simulation.reporting import guards

SMALL = {"years": 2}
REPS = 4
LINEAR = ("subsidised_end", "covered_end", "graduated", "dropped_out", "subsidy_cost", "subsidy_cost_real")


@pytest.fixture(scope="module")
def mc():
    return simulation.run(BASELINE, overrides=SMALL, engine="micro", reps=REPS, seed=11, jobs=1)


@pytest.fixture(scope="module")
def cohort():
    return simulation.run(BASELINE, overrides=SMALL)


def test_one_type_for_both_engines(mc, cohort):
    assert isinstance(mc, Result) and isinstance(cohort, Result)
    assert isinstance(mc, MonteCarloResult) and mc.reps == REPS
    assert cohort.reps == 1 and cohort.mean() is cohort
    assert mc.mean().reps == 1
    assert mc.arrays("year")["graduated"].shape == (REPS, 2, 1)
    assert mc.arrays("year x kecamatan")["subsidy_cost"].shape[:2] == (REPS, 2)


def test_the_tables_are_the_replicate_mean(mc):
    reps = mc.replicates("year")
    assert sorted(reps["replicate"].unique()) == list(range(REPS))
    mean = reps.groupby("year")[list(LINEAR)].mean()
    annual = mc.annual().set_index("year")
    for column in LINEAR:
        assert annual[column].to_numpy() == pytest.approx(mean[column].to_numpy(), rel=1e-12), column
    monthly = mc.replicates("month").groupby("month", sort=False)["subsidised"].mean()
    assert mc.monthly()["subsidised"].to_numpy() == pytest.approx(monthly.to_numpy(), rel=1e-12)
    assert mc.to_frame("month").equals(mc.monthly())


def test_a_replicate_is_its_rows_of_the_stacked_table(mc):
    reps = mc.replicates("year")
    for r in (0, REPS - 1):
        own = mc.replicate(r).annual()
        rows = reps[reps["replicate"] == r].drop(columns="replicate").reset_index(drop=True)
        pd.testing.assert_frame_equal(own, rows[own.columns], check_dtype=False)
    with pytest.raises(IndexError, match="replicate 4 out of range"):
        mc.replicate(REPS)


def test_quantiles_are_pandas_quantiles_of_the_replicates(mc):
    q = (0.05, 0.5, 0.95)
    reps = mc.replicates("year").drop(columns="replicate")
    expected = reps.groupby("year").quantile(list(q))
    got = mc.quantiles("year", q).set_index(["year", "quantile"])
    for column in LINEAR:
        assert got[column].to_numpy() == pytest.approx(expected[column].to_numpy(), rel=1e-12), column
    # the report's names for them
    pd.testing.assert_frame_equal(mc.annual_quantiles(), mc.quantiles("year"))
    pd.testing.assert_frame_equal(mc.annual_replicates(), mc.replicates("year"))


def test_a_single_replicate_has_every_quantile_equal_to_its_value(cohort):
    q = cohort.quantiles("year", (0.05, 0.95))
    annual = cohort.annual().set_index("year")
    for quantile in (0.05, 0.95):
        at = q[q["quantile"] == quantile].set_index("year")
        assert at["subsidy_cost"].to_numpy() == pytest.approx(annual["subsidy_cost"].to_numpy())


# ---------------------------------------------------------------- invariants
class Corrupted:
    """A result whose monthly or annual table is changed by ``corrupt(table)``."""

    def __init__(self, real, table, corrupt):
        self.real, self.table, self.corrupt = real, table, corrupt
        self.scenario, self.payers, self.start = real.scenario, real.payers, real.start

    def _changed(self, name):
        frame = getattr(self.real, name)().copy()
        if name == self.table:
            self.corrupt(frame)
        return frame

    def monthly(self):
        return self._changed("monthly")

    def annual(self):
        return self._changed("annual")


def test_the_invariants_hold_for_both_engines(mc, cohort):
    assert invariants.failures(cohort) == []
    assert invariants.failures(mc) == []


@pytest.mark.parametrize(
    ("table", "column", "message"),
    [
        ("annual", "graduated", r"annual graduated 2026 .* is not the sum of its months \(graduated"),
        ("annual", "lapsed_end", r"annual lapsed_end 2026 .* is not the last of its months"),
        ("annual", "waiting_end", r"annual waiting_end 2026 .* is not the last of its months \(waiting"),
        ("monthly", "lost_cover", r"lost_cover is negative or missing in 2026-01: -5\.0"),
    ],
)
def test_a_broken_table_breaks_an_invariant_read_from_the_registry(cohort, table, column, message):
    def corrupt(frame):
        frame.loc[0, column] = -5.0 if table == "monthly" else frame.loc[0, column] + 7.0

    with pytest.raises(guards.PlausibilityError, match=message):
        guards.check(Corrupted(cohort, table, corrupt))


def test_the_start_comes_from_the_result_not_the_registry(monkeypatch):
    overrides = {"population.registry": "tests/fixtures/registry_valid.csv", "years": 2}
    result = simulation.run(BASELINE, overrides=overrides)
    assert result.start is not None and result.start.sum() > 0
    bare = Result(result.scenario, run_cohort(compile_inputs(result.scenario)))  # built by hand: no start
    monkeypatch.setattr(cohort_engine, "registry_states", lambda s: pytest.fail("the registry was read again"))
    guards.check(result)
    with pytest.raises(ValueError, match="does not record its starting population"):
        invariants.failures(bare)
    assert np.isclose(invariants.start_total(result)[0], result.start.sum())
