"""``umkm-sim run --engine micro`` reduces each replicate on its worker (simulation.outputs.reduce):
its tables are byte for byte those of a run that keeps every replicate whole, on one process, two
worker processes and a Dask LocalCluster; replicates are summed in their order; what a reduced run
does not keep is refused with a message, not silently wrong.
"""

from __future__ import annotations

import time

import numpy as np
import pytest
from conftest import ROOT

import simulation
from simulation.cli import main
from simulation.io.write import write_result
from simulation.outputs.reduce import Block, ReducedResult, RunningSum, blocks, simulate_reduced
from simulation.outputs.schedulers import run_ordered

TENGAH = ROOT / "scenarios" / "lombok_tengah.yaml"
CEILING = ROOT / "scenarios" / "budget_ceiling.yaml"


def _written(folder) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.suffix in (".csv", ".parquet")}


@pytest.fixture(scope="module")
def whole(tmp_path_factory):
    """Tables of 4 replicates of two years of Lombok Tengah, every replicate stacked (seed 11)."""
    result = simulation.run(TENGAH, overrides={"years": 2}, engine="micro", seed=11, reps=4, jobs=1)
    assert not isinstance(result, ReducedResult)
    out = tmp_path_factory.mktemp("whole") / "run"
    write_result(result, out)
    return _written(out)


@pytest.mark.parametrize("where", [["--jobs", "1"], ["--jobs", "2"]], ids=["one-job", "two-jobs"])
def test_run_reduced_on_workers_writes_the_tables_of_a_whole_run(tmp_path, whole, where):
    out = tmp_path / "run"
    code = main(
        ["run", str(TENGAH), "--set", "years=2", "--engine", "micro", "--reps", "4", "--seed", "11"]
        + ["--out", str(out), *where]
    )
    assert code == 0
    written = _written(out)
    assert {"annual_replicates.csv", "benefits_quantiles.csv", "monthly_segments.parquet"} <= written.keys()
    assert written.keys() == whole.keys()
    for name in whole:
        assert written[name] == whole[name], name


def test_run_reduced_on_a_local_cluster_writes_the_tables_of_a_whole_run(tmp_path, whole):
    pytest.importorskip("distributed")
    out = tmp_path / "run"
    code = main(
        ["run", str(TENGAH), "--set", "years=2", "--engine", "micro", "--reps", "4", "--seed", "11"]
        + ["--out", str(out), "--scheduler", "local", "--jobs", "2"]
    )
    assert code == 0
    written = _written(out)
    for name in whole:
        assert written[name] == whole[name], name


@pytest.mark.parametrize(
    "split, jobs",
    [([(0, 4)], 1), ([(0, 3), (3, 1)], 2), ([(0, 1), (1, 2), (3, 1)], 2)],
    ids=["one-block", "three-and-one", "one-two-one"],
)
def test_any_split_into_blocks_writes_the_tables_of_a_whole_run(tmp_path, whole, split, jobs):
    """Replicates run and reduced in blocks of several (integer counts summed on the worker,
    monthly values computed for the block together) give the whole run's tables, byte for byte."""
    scenario = simulation.load_scenario(TENGAH, overrides={"years": 2})
    result = simulate_reduced(scenario, seed=11, reps=4, jobs=jobs, block=lambda reps, jobs: split)
    write_result(result, tmp_path / "run")
    written = _written(tmp_path / "run")
    assert written.keys() == whole.keys()
    for name in whole:
        assert written[name] == whole[name], name


@pytest.mark.parametrize("reps, jobs", [(1, 1), (7, 2), (200, 2), (1000, 3), (5, 8)])
def test_blocks_cover_every_replicate_once_in_order_and_shrink_towards_the_end(reps, jobs):
    split = blocks(reps, jobs)
    assert [r0 for r0, _ in split] == list(np.cumsum([0] + [n for _, n in split])[:-1])
    assert sum(n for _, n in split) == reps
    assert all(1 <= n <= 8 for _, n in split)
    sizes = [n for _, n in split]
    assert sizes == sorted(sizes, reverse=True) and sizes[-1] == 1
    if reps == 200:
        assert sizes[0] == 8 and len(split) < 100  # fewer tasks than replicates


def test_a_block_sums_its_integer_counts_and_keeps_its_float_stocks_replicate_by_replicate():
    months = 2
    outs = [
        {
            "billed": np.full((months, 2, 5), r + 1, np.int32),
            "end": np.full((months, 2, 5), 10 * r, np.int32),
            "waiting": np.zeros((months, 2), np.int32),
            "flows": {"entered": np.full((months, 2), r, np.int32)},
            "stocks": {"x": np.full((months, 2), 0.1 * (r + 1))},
        }
        for r in range(3)
    ]
    block = Block.of(outs, {"v": np.zeros((3, months))})
    assert block.n == 3 and set(block.exact) == {"billed", "end", "waiting", "flow:entered"}
    assert np.all(block.exact["billed"] == 1 + 2 + 3) and np.all(block.exact["end"] == 0 + 10 + 20)
    assert [f["stock:x"][0, 0] for f in block.floats] == [0.1, 0.2, 0.1 * 3]
    one_by_one, at_once = RunningSum(reps=4, months=months), RunningSum(reps=4, months=months)
    for r, out in enumerate(outs):
        one_by_one.add(r, out, {"v": np.full(months, r)})
    at_once.add_block(0, Block.of(outs, {"v": np.array([np.full(months, r) for r in range(3)])}))
    for total in (one_by_one, at_once):
        total.add(3, outs[0], {"v": np.zeros(months)})
    left, right = one_by_one.mean(), at_once.mean()
    assert np.array_equal(left.billed, right.billed) and np.array_equal(left.end, right.end)
    assert left.stocks["x"].tobytes() == right.stocks["x"].tobytes()
    assert np.array_equal(one_by_one.month["v"], at_once.month["v"])


def test_a_budget_ceiling_run_reduced_equals_the_whole_run():
    # a ceiling ties the segments together (enrolment by priority under one budget): the sum must still agree
    scenario = simulation.load_scenario(CEILING)
    whole = simulation.run(scenario, engine="micro", seed=3, reps=3, jobs=1)
    reduced = simulation.run(scenario, engine="micro", seed=3, reps=3, jobs=2, reduce=True)
    assert isinstance(reduced, ReducedResult) and reduced.reps == 3
    for table in ("annual", "monthly", "by_kecamatan", "ledger", "annual_quantiles", "benefits_replicates"):
        left, right = getattr(whole, table)(), getattr(reduced, table)()
        assert left.to_csv(index=False) == right.to_csv(index=False), table


def test_the_running_sum_adds_replicates_in_their_order_only():
    months = 3
    one = {"billed": np.ones((months, 2, 5), np.int32), "end": np.ones((months, 2, 5), np.int32)}
    one |= {"waiting": np.zeros((months, 2), np.int32), "flows": {}, "stocks": {"x": np.full((months, 2), 0.1)}}
    total = RunningSum(reps=3, months=months)
    total.add(0, one, {"v": np.arange(months, dtype=float)})
    with pytest.raises(ValueError, match="replicate 2 arrived where 1 was expected"):
        total.add(2, one, {"v": np.zeros(months)})
    with pytest.raises(ValueError, match="1 of 3 replicates added"):
        total.mean()
    total.add(1, one, {"v": np.zeros(months)})
    total.add(2, one, {"v": np.ones(months)})
    mean = total.mean()
    assert mean.billed.shape == (months, 1, 2, 5) and np.all(mean.billed == 1.0)
    # (0.1 + 0.1) + 0.1 in that order, then / 3: the literal numpy.mean gives over three 0.1s
    assert mean.stocks["x"][0, 0, 0] == ((0.1 + 0.1) + 0.1) / 3 == np.mean([0.1, 0.1, 0.1])
    assert total.month["v"][:, :, 0].tolist() == [[0.0, 1.0, 2.0], [0.0, 0.0, 0.0], [1.0, 1.0, 1.0]]


def test_a_reduced_run_refuses_what_it_did_not_keep():
    result = simulation.run(TENGAH, overrides={"years": 2}, engine="micro", seed=1, reps=2, jobs=1, reduce=True)
    with pytest.raises(ValueError, match="keeps each replicate's monthly and annual tables, not its segments"):
        result.replicate(0)
    with pytest.raises(ValueError, match="replicate tables by kecamatan"):
        result.replicates("year x kecamatan")
    assert len(result.annual_replicates()) == 2 * 2  # two replicates of two fiscal years


def _slow_echo(i: int, pause: float) -> int:
    time.sleep(pause)
    return i


def test_ordered_tasks_come_back_in_order_when_they_finish_out_of_order():
    # the first task is the slowest, so two workers finish the others first
    tasks = [(i, 0.4 if i == 0 else 0.01) for i in range(6)]
    assert list(run_ordered(_slow_echo, tasks, jobs=2, window=3)) == list(range(6))
    assert list(run_ordered(_slow_echo, tasks, jobs=1)) == list(range(6))
