"""Dask schedulers give the same tables as one process: a LocalCluster, and a scheduler plus a worker
started on 127.0.0.1 by a fixture (and stopped by their process ids).

Replicate seeds come from ``SeedSequence(seed).spawn(reps)`` and a portfolio member's seed from its
region code, so the tables must agree byte for byte whatever runs them.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import ROOT

pytest.importorskip("distributed")

import simulation  # noqa: E402
from simulation.analysis.portfolio import read_portfolio, run_portfolio  # noqa: E402
from simulation.cli import main  # noqa: E402
from simulation.io.write import write_result, write_table  # noqa: E402

TENGAH = ROOT / "scenarios" / "lombok_tengah.yaml"
PORTFOLIOS = ROOT / "scenarios" / "portfolios"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(port: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port}")


def _stop(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return


@pytest.fixture(scope="module")
def dask_address(tmp_path_factory):
    """``tcp://127.0.0.1:PORT`` of a scheduler and one worker started here, stopped by pid after."""
    port = _free_port()
    dask = Path(sys.executable).with_name("dask")
    address = f"tcp://127.0.0.1:{port}"
    logs = tmp_path_factory.mktemp("dask")
    with open(logs / "scheduler.log", "w") as scheduler_log, open(logs / "worker.log", "w") as worker_log:
        scheduler = subprocess.Popen(
            [dask, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--dashboard-address", ":0"],
            stdout=subprocess.DEVNULL,
            stderr=scheduler_log,
            cwd=ROOT,
        )
        worker = None
        try:
            _wait_for(port)
            worker = subprocess.Popen(
                [dask, "worker", address, "--nthreads", "1", "--no-nanny", "--host", "127.0.0.1"]
                + ["--dashboard-address", ":0"],
                stdout=subprocess.DEVNULL,
                stderr=worker_log,
                cwd=ROOT,
            )
            # deferred: dask is an optional extra
            from distributed import Client

            with Client(address, timeout=60) as client:
                client.wait_for_workers(1, timeout=60)
            yield address
        finally:
            for proc in (worker, scheduler):
                if proc is not None:
                    _stop(proc.pid)
                    try:
                        proc.wait(timeout=30)
                    except subprocess.TimeoutExpired:
                        os.kill(proc.pid, signal.SIGKILL)
                        proc.wait()


def _tables(tmp_path, name: str, **kwargs) -> dict[str, bytes]:
    result = simulation.run(TENGAH, engine="micro", seed=11, reps=3, **kwargs)
    out = tmp_path / name
    write_result(result, out)
    return {p.name: p.read_bytes() for p in sorted(out.glob("*.csv"))}


@pytest.fixture(scope="module")
def one_job(tmp_path_factory):
    return _tables(tmp_path_factory.mktemp("one"), "one", jobs=1)


def test_a_local_cluster_gives_the_same_replicate_tables_as_one_job(tmp_path, one_job):
    local = _tables(tmp_path, "local", jobs=2, scheduler="local")
    assert "annual_replicates.csv" in local and local.keys() == one_job.keys()
    for name in one_job:
        assert local[name] == one_job[name], name


def test_a_running_scheduler_and_worker_give_the_same_tables(tmp_path, one_job, dask_address):
    remote = _tables(tmp_path, "remote", scheduler=dask_address)
    for name in one_job:
        assert remote[name] == one_job[name], name


def test_a_portfolio_gives_the_same_tables_on_every_scheduler(dask_address):
    ntb = read_portfolio(PORTFOLIOS / "ntb.yaml")
    kwargs = {"engine": "micro", "reps": 2, "seed": 5, "scale": 0.02}
    one = run_portfolio(ntb, jobs=1, **kwargs)
    pool = run_portfolio(ntb, jobs=2, **kwargs)  # a process pool: members named by position, not pickled
    local = run_portfolio(ntb, jobs=2, scheduler="local", **kwargs)
    remote = run_portfolio(ntb, scheduler=dask_address, **kwargs)
    for other in (pool, local, remote):
        pd.testing.assert_frame_equal(other.regions_annual, one.regions_annual, check_exact=True)
        pd.testing.assert_frame_equal(other.regions_payers, one.regions_payers, check_exact=True)
        pd.testing.assert_frame_equal(other.annual(), one.annual(), check_exact=True)


def test_an_unknown_scheduler_is_a_usage_error(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["run", str(TENGAH), "--out", str(tmp_path / "o"), "--scheduler", "threads"])
    assert exit_.value.code == 2
    assert "unknown scheduler 'threads'; allowed: processes, local, tcp://HOST:PORT" in capsys.readouterr().err


def test_the_national_portfolio_at_one_percent_runs_on_a_local_cluster(tmp_path):
    # two fiscal years keep it cheap enough for every CI run (ten years and the brief: benchmarks/bench_scale.py)
    national = read_portfolio(PORTFOLIOS / "national.yaml")
    result = run_portfolio(national, scale=0.01, scheduler="local", jobs=2, overrides={"years": 2})
    regions_annual = result.regions_annual
    assert regions_annual["region"].nunique() == 514
    first = regions_annual[regions_annual["year"] == 2026]
    # 1% of 65.47M UMKM (F4.2) all enrolled in January 2026
    assert first["enrolled"].sum() == pytest.approx(654_700, rel=1e-9)
    annual = result.annual().set_index("year")
    assert list(annual.index) == [2026, 2027]
    np.testing.assert_allclose(annual["covered_end"], regions_annual.groupby("year")["covered_end"].sum(), rtol=1e-12)
    np.testing.assert_allclose(annual["subsidy_cost"], regions_annual.groupby("year")["subsidy_cost"].sum(), rtol=1e-12)
    path = write_table(result.regions_kecamatan, tmp_path / "regions_by_kecamatan.parquet")
    kecamatan = pd.read_parquet(path)
    assert len(kecamatan) == 7277 * 2  # every kecamatan of the official codes, two years
    pd.testing.assert_frame_equal(kecamatan, result.regions_kecamatan.reset_index(drop=True), check_exact=True)


# ---------------------------------------------------------------- --scheduler on report, batch, sensitivity
SHORT = ["--set", "years=2"]
"""Two fiscal years of Lombok Tengah: cheap enough to run the micro engine through a report kernel."""


@pytest.fixture(scope="module")
def short_one_job(tmp_path_factory):
    """The tables ``run`` writes for two years of Lombok Tengah, 3 replicates, seed 11, in one process."""
    result = simulation.run(TENGAH, overrides={"years": 2}, engine="micro", seed=11, reps=3, jobs=1)
    out = tmp_path_factory.mktemp("short") / "one"
    write_result(result, out)
    return {p.name: p.read_bytes() for p in sorted(out.glob("*.csv"))}


def _same_tables(folder: Path, expected: dict[str, bytes]) -> None:
    assert "annual_replicates.csv" in expected
    for name, data in expected.items():
        assert (folder / name).read_bytes() == data, name


def test_a_report_on_a_local_cluster_writes_the_tables_of_one_job(tmp_path, short_one_job):
    out = tmp_path / "report"
    code = main(
        ["report", str(TENGAH), "--out", str(out), "--engine", "micro", "--reps", "3", "--seed", "11"]
        + ["--scheduler", "local", "--jobs", "2", "--language", "en", *SHORT]
    )
    assert code == 0
    _same_tables(out, short_one_job)


def test_a_report_on_a_running_scheduler_writes_the_tables_of_one_job(tmp_path, short_one_job, dask_address):
    out = tmp_path / "report"
    code = main(
        ["report", str(TENGAH), "--out", str(out), "--engine", "micro", "--reps", "3", "--seed", "11"]
        + ["--scheduler", dask_address, "--language", "en", *SHORT]
    )
    assert code == 0
    _same_tables(out, short_one_job)


def test_a_batch_on_a_local_cluster_writes_the_tables_of_one_job(tmp_path, short_one_job):
    out = tmp_path / "batch"
    code = main(
        ["batch", str(TENGAH), "--out", str(out), "--no-analyses", "--scheduler", "local", "--jobs", "1"]
        + ["-p", "engine=micro", "-p", "reps=3", "-p", "seed=11", *SHORT]
    )
    assert code == 0
    _same_tables(out / TENGAH.stem, short_one_job)


def test_a_batch_on_a_running_scheduler_writes_the_tables_of_one_job(tmp_path, short_one_job, dask_address):
    out = tmp_path / "batch"
    code = main(
        ["batch", str(TENGAH), "--out", str(out), "--no-analyses", "--scheduler", dask_address, "--jobs", "1"]
        + ["-p", "engine=micro", "-p", "reps=3", "-p", "seed=11", *SHORT]
    )
    assert code == 0
    _same_tables(out / TENGAH.stem, short_one_job)


def test_a_report_refuses_an_unknown_scheduler_before_running(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["report", str(TENGAH), "--out", str(tmp_path / "r"), "--scheduler", "threads"])
    assert exit_.value.code == 2
    assert "unknown scheduler 'threads'; allowed: processes, local, tcp://HOST:PORT" in capsys.readouterr().err


def _sensitivity(tmp_path, name: str, *args: str) -> dict[str, bytes]:
    out = tmp_path / name
    code = main(
        ["sensitivity", str(TENGAH), "--samples", "64", "--seed", "3", "--year", "2027", "--out", str(out), *args]
    )
    assert code == 0
    return {p.name: p.read_bytes() for p in sorted(out.glob("*.csv"))}


def test_sensitivity_on_a_local_cluster_gives_the_tables_of_one_job(tmp_path):
    one = _sensitivity(tmp_path, "one", "--jobs", "1")
    local = _sensitivity(tmp_path, "local", "--scheduler", "local", "--jobs", "2")
    assert {"fan.csv", "sobol.csv"} <= one.keys() and local.keys() == one.keys()
    for name in one:
        assert local[name] == one[name], name


def test_sensitivity_on_a_running_scheduler_gives_the_tables_of_one_job(tmp_path, dask_address):
    one = _sensitivity(tmp_path, "one", "--jobs", "1")
    remote = _sensitivity(tmp_path, "remote", "--scheduler", dask_address)
    assert {"fan.csv", "sobol.csv"} <= one.keys() and remote.keys() == one.keys()
    for name in one:
        assert remote[name] == one[name], name


def test_samples_split_over_workers_give_the_outcomes_of_one_process():
    # deferred: only this test needs the evaluator's internals
    from simulation.analysis.evaluate import batch_inputs, chunk_size, evaluate
    from simulation.analysis.evaluate_scheduled import evaluate_on
    from simulation.analysis.sampling import latin_hypercube
    from simulation.analysis.uncertainty import uncertainties

    scenario = simulation.load_scenario(TENGAH)
    uncertain = uncertainties(scenario)
    names = [u.name for u in uncertain]
    values = latin_hypercube(uncertain, 300, np.random.SeedSequence(1))
    memory = 2**20  # about 45 samples a chunk: several chunks for 300 samples
    P, G, T = batch_inputs(scenario, names, values).shape
    assert chunk_size(T, G, memory) * 2 < P  # several chunks, so the blocks really split the samples
    one = evaluate(scenario, names, values, memory_bytes=memory)
    for jobs in (2, 3):
        split = evaluate_on(scenario, names, values, memory_bytes=memory, jobs=jobs)
        assert split.years == one.years
        for name in ("subsidy_cost", "subsidy_cost_real", "covered_end", "coverage_end"):
            assert getattr(split, name).tobytes() == getattr(one, name).tobytes(), (jobs, name)
