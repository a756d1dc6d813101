"""A warm kernel reused by several briefs: each notebook still runs in full, as from a fresh kernel."""

from __future__ import annotations

import os
import signal

import nbformat
import pandas as pd
import pytest
from conftest import ROOT

from simulation.reporting.papermill_run import run_report
from simulation.reporting.warm_kernel import KernelGone, WarmKernel

GOLDEN = ROOT / "tests" / "golden"


def asked(kernel: WarmKernel, expression: str) -> str:
    """The kernel's ``repr`` of ``expression``, asked through a client of our own (shell channel only)."""
    client = kernel.manager.blocking_client()
    client.start_channels(shell=True, iopub=False, stdin=False, hb=False, control=False)
    try:
        msg_id = client.execute("", silent=True, user_expressions={"x": expression})
        while True:
            reply = client.get_shell_msg(timeout=60)
            if reply["parent_header"].get("msg_id") == msg_id:
                return reply["content"]["user_expressions"]["x"]["data"]["text/plain"]
    finally:
        client.stop_channels()


def run_in(kernel: WarmKernel, code: str) -> None:
    """Run ``code`` in the kernel as a cell (counted), through a client of our own."""
    client = kernel.manager.blocking_client()
    client.start_channels(shell=True, iopub=False, stdin=False, hb=False, control=False)
    try:
        msg_id = client.execute(code, silent=False)
        while client.get_shell_msg(timeout=60)["parent_header"].get("msg_id") != msg_id:
            pass
    finally:
        client.stop_channels()


def counts(folder) -> list[int]:
    nb = nbformat.read(folder / "scenario_report.ipynb", as_version=4)
    return [c.execution_count for c in nb.cells if c.cell_type == "code"]


@pytest.fixture(scope="module")
def kernel():
    with WarmKernel(ROOT) as warm:
        yield warm


def test_two_briefs_in_one_kernel_each_run_every_cell_from_one(kernel, tmp_path):
    first = run_report(ROOT / "scenarios" / "baseline.yaml", tmp_path / "a", kernel=kernel)
    pid = asked(kernel, "__import__('os').getpid()")
    second = run_report(ROOT / "scenarios" / "budget_ceiling.yaml", tmp_path / "b", kernel=kernel)
    assert asked(kernel, "__import__('os').getpid()") == pid  # the same kernel process ran both
    code_cells = len(counts(first.folder))
    assert counts(first.folder) == counts(second.folder) == list(range(1, code_cells + 1))
    # the second brief holds its own scenario's numbers (the golden tables), nothing of the first
    for name, folder in (("baseline", first.folder), ("budget_ceiling", second.folder)):
        golden = pd.read_csv(GOLDEN / f"{name}.cohort.annual.csv")
        written = pd.read_csv(folder / "annual.csv")
        pd.testing.assert_frame_equal(written[golden.columns], golden, rtol=1e-9, check_dtype=False)
        assert first.pdf.exists() and second.pdf.exists()
    assert "budget_ceiling" in second.html.read_text(encoding="utf-8")
    assert "budget_ceiling" not in first.html.read_text(encoding="utf-8")


def test_each_run_starts_from_an_empty_namespace(kernel):
    kernel.fresh()
    run_in(kernel, "left_over = 1")
    assert asked(kernel, "'left_over' in globals()") == "True"
    kernel.fresh()
    assert asked(kernel, "'left_over' in globals()") == "False"
    assert asked(kernel, "'simulation.reporting.notebook' in __import__('sys').modules") == "True"  # warm
    assert asked(kernel, "'_warm' in globals()") == "False"  # nothing of the reset itself is left


def test_a_reset_sent_ahead_empties_the_namespace_for_the_next_run(kernel):
    kernel.fresh()
    run_in(kernel, "left_over = 1")
    run_in(kernel, "left_over += 1")
    assert asked(kernel, "get_ipython().execution_count") == "3"
    kernel.reset_ahead()  # as a report host does after each brief
    kernel.fresh()  # collects that reset's reply instead of sending its own
    assert asked(kernel, "'left_over' in globals()") == "False"
    assert asked(kernel, "get_ipython().execution_count") == "1"


def test_an_emptied_namespace_keeps_the_module_attributes_a_new_kernel_has(kernel):
    # multiprocessing's spawn (a Dask LocalCluster's nanny) reads __main__.__spec__: a report on a local
    # cluster failed with "module '__main__' has no attribute '__spec__'" after a plain %reset -f
    kernel.fresh()
    main = "__import__('__main__')"
    names = f"sorted(k for k in ('__doc__', '__loader__', '__package__', '__spec__') if hasattr({main}, k))"
    assert asked(kernel, names) == "['__doc__', '__loader__', '__package__', '__spec__']"


def test_a_dead_kernel_is_reported_not_waited_for(tmp_path):
    with WarmKernel(ROOT, warm="") as warm:
        warm.fresh()
        os.kill(warm.manager.provisioner.process.pid, signal.SIGKILL)
        warm.manager.provisioner.process.wait()
        with pytest.raises(KernelGone, match="not running"):
            warm.fresh()


def test_the_kernel_keeps_no_input_history(kernel):
    # a report's cells stay out of the user's IPython history file
    assert asked(kernel, "get_ipython().history_manager.enabled") == "False"


def test_a_released_kernel_stops_while_the_caller_goes_on():
    warm = WarmKernel(ROOT, warm="")
    warm.fresh()
    pid = warm.manager.provisioner.process.pid
    warm.release()
    warm.release()  # a second call starts no second stop
    warm.shutdown()  # waits for the stop started by release
    assert not warm.manager.is_alive()
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    warm.shutdown()  # and is safe to call again


def test_a_failed_cell_sends_the_reset_ahead_and_the_next_brief_runs_from_one(kernel, tmp_path):
    """The warm kernel survives a cell that fails; its namespace is emptied right away (as after a
    brief that succeeds), and the next brief in it runs every cell from 1."""
    from simulation.reporting.papermill_run import ReportError

    with pytest.raises(ReportError, match="overrides"):
        run_report(ROOT / "scenarios" / "baseline.yaml", tmp_path / "bad", parameters={"overrides": "x"}, kernel=kernel)
    assert kernel._ahead is not None  # the reset is on its way, not left for the next brief to wait on
    good = run_report(ROOT / "scenarios" / "baseline.yaml", tmp_path / "good", kernel=kernel)
    assert counts(good.folder) == list(range(1, len(counts(good.folder)) + 1))


def test_a_warm_run_writes_its_notebook_three_times_and_a_failed_one_keeps_the_error(kernel, tmp_path, monkeypatch):
    """In a warm kernel the notebook is written as the run starts and ends and once more by papermill,
    not as each cell starts and ends; a failed run's notebook still holds the failing cell's error."""
    import papermill.engines
    import papermill.execute
    import papermill.iorw

    from simulation.reporting.papermill_run import ReportError

    writes = []
    real = papermill.iorw.write_ipynb

    def counted(nb, path):
        writes.append(path)
        return real(nb, path)

    for module in (papermill.iorw, papermill.execute, papermill.engines):  # each imported the function itself
        monkeypatch.setattr(module, "write_ipynb", counted)
    good = run_report(ROOT / "scenarios" / "baseline.yaml", tmp_path / "good", kernel=kernel)
    assert len(writes) == 3 and len(counts(good.folder)) > 3
    writes.clear()
    with pytest.raises(ReportError, match="overrides"):
        run_report(ROOT / "scenarios" / "baseline.yaml", tmp_path / "bad", parameters={"overrides": "x"}, kernel=kernel)
    assert len(writes) == 3
    failed = nbformat.read(tmp_path / "bad.failed" / "scenario_report.ipynb", as_version=4)
    assert failed.metadata.papermill.exception is True
    errors = [o.ename for c in failed.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert errors == ["ScenarioError"]


def test_once_more_if_gone_retries_a_dead_kernel_once_and_nothing_else():
    from nbclient.exceptions import DeadKernelError

    from simulation.reporting.warm_kernel import once_more_if_gone

    tried, failure = [], []

    def run(kernel):
        tried.append(kernel)
        if kernel == "old":
            raise failure[0]
        return f"ran in {kernel}"

    for error in (KernelGone("no answer"), DeadKernelError("died in a cell")):
        tried[:], failure[:] = [], [error]
        assert once_more_if_gone(run, lambda: "old", lambda: "new") == "ran in new" and tried == ["old", "new"]
    tried[:], failure[:] = [], [ValueError("a cell failed")]  # not a dead kernel: no second try
    with pytest.raises(ValueError, match="a cell failed"):
        once_more_if_gone(run, lambda: "old", lambda: "new")
    assert tried == ["old"]
    # a broader rule (a batch worker's): any error it names gets the second try
    assert once_more_if_gone(run, lambda: "old", lambda: "new", gone=lambda e: True) == "ran in new"
    failure[:] = [KernelGone("no answer")]
    with pytest.raises(KernelGone):  # the second try's failure propagates
        once_more_if_gone(run, lambda: "old", lambda: "old")
