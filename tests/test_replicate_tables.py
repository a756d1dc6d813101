"""Tables over the replicate axis are computed in one pass and equal, replicate by replicate, what
each replicate's own one-replicate result gives."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import ROOT

from simulation.outputs.benefits import covered_tenure
from simulation.outputs.run import run_scenario
from simulation.outputs.variables import MONTH
from simulation.scenario import load_scenario


@pytest.fixture(scope="module")
def result():
    scenario = load_scenario(ROOT / "scenarios" / "low_retention.yaml", overrides={"years": 3})
    return run_scenario(scenario, engine="micro", seed=11, reps=4, jobs=1)


def test_benefits_replicates_equal_each_replicates_own_benefits(result):
    got = result.benefits_replicates()
    for r in range(result.reps):
        own = result.replicate(r).benefits()
        mine = got[got["replicate"] == r].drop(columns="replicate").reset_index(drop=True)
        pd.testing.assert_frame_equal(mine, own, rtol=1e-12, atol=1e-9)
    assert got["replicate"].tolist() == np.repeat(np.arange(result.reps), 3).tolist()
    # the replicates differ (the test would pass vacuously if every replicate were the same)
    assert got.groupby("replicate")["accidents"].sum().nunique() == result.reps


def test_covered_tenure_over_replicates_equals_one_replicate_at_a_time(result):
    monthly = {name: values[:, :, 0] for name, values in result.arrays(MONTH).items()}
    sub, man = covered_tenure(monthly)
    assert sub.shape == (result.reps, 36, 36)
    for r in range(result.reps):
        one_sub, one_man = covered_tenure(result.replicate(r).monthly())
        np.testing.assert_allclose(sub[r], one_sub, rtol=1e-12, atol=1e-9)
        np.testing.assert_allclose(man[r], one_man, rtol=1e-12, atol=1e-9)
        # every subsidised member billed is in one tenure band
        np.testing.assert_allclose(one_sub.sum(axis=1), monthly["subsidised"][r], rtol=1e-9)
