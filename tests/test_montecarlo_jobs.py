"""Where replicates run: a small run stays in this process by default; the numbers never depend on it."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import ROOT

from simulation.outputs import montecarlo
from simulation.scenario import load_scenario


class _NoPool:
    def __init__(self, *args, **kwargs):
        raise AssertionError("a worker pool was started")


@pytest.fixture
def small():
    return load_scenario(ROOT / "scenarios" / "baseline.yaml", overrides={"years": 2})


def test_a_small_run_stays_in_this_process_by_default(small, monkeypatch):
    # 73,000 UMKM x 24 months x 3 replicates = 5.3 million agent-months, below the threshold
    assert 73_000 * 24 * 3 < montecarlo.SERIAL_BELOW
    monkeypatch.setattr(montecarlo, "ProcessPoolExecutor", _NoPool)
    montecarlo.simulate(small, seed=4, reps=3, progress=False)
    with pytest.raises(AssertionError, match="worker pool"):  # asked for two workers, it starts a pool
        montecarlo.simulate(small, seed=4, reps=3, jobs=2, progress=False)


def test_the_numbers_do_not_depend_on_where_replicates_run(small):
    here, _ = montecarlo.simulate(small, seed=4, reps=3, progress=False)
    pool, _ = montecarlo.simulate(small, seed=4, reps=3, jobs=2, progress=False)
    assert np.array_equal(here.end, pool.end) and np.array_equal(here.billed, pool.billed)
    assert all(np.array_equal(here.flows[k], pool.flows[k]) for k in here.flows)


def test_a_worker_module_imports_neither_pandas_nor_the_result_tables():
    """What a freshly started worker imports (spawn, forkserver): the engine, not pandas."""
    import subprocess
    import sys

    probe = (
        "import sys\nimport simulation.engines.workers\n"
        "print(sorted(m for m in ('pandas', 'simulation.outputs.results', 'matplotlib') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT)
    assert done.stdout.strip() == "[]"


def test_a_scenario_pickles_and_comes_back_the_same(small):
    import pickle

    for scenario in (small, small.with_overrides({"policy.graduation.rate": 0.2})):
        back = pickle.loads(pickle.dumps(scenario))
        assert back.hash == scenario.hash and back.model == scenario.model
        assert (back.name, back.path, back.overrides, back.raw) == (
            scenario.name, scenario.path, scenario.overrides, scenario.raw
        )  # fmt: skip
    assert pickle.loads(pickle.dumps(small.with_overrides({"policy.graduation.rate": 0.2}))).first(
        "policy.graduation.rate"
    ) == pytest.approx(0.2)


def test_workers_started_with_spawn_give_the_same_numbers(small, monkeypatch):
    """A spawned worker receives the scenario pickled and imports the engine afresh (as with
    forkserver, Python 3.14's default): its replicates equal those run in this process."""
    import functools
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    here, _ = montecarlo.simulate(small, seed=4, reps=3, progress=False)
    spawn = functools.partial(ProcessPoolExecutor, mp_context=multiprocessing.get_context("spawn"))
    monkeypatch.setattr(montecarlo, "ProcessPoolExecutor", spawn)
    pool, _ = montecarlo.simulate(small, seed=4, reps=3, jobs=2, progress=False)
    assert np.array_equal(here.end, pool.end) and np.array_equal(here.billed, pool.billed)
    assert np.array_equal(here.waiting, pool.waiting)
    assert all(np.array_equal(here.flows[k], pool.flows[k]) for k in here.flows)
    assert all(np.array_equal(here.stocks[k], pool.stocks[k], equal_nan=True) for k in here.stocks)
