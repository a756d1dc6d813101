"""A warm kernel reused by several briefs: each notebook still runs in full, as from a fresh kernel."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

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


def test_a_kernel_killed_while_one_waits_for_it_is_reported_within_seconds():
    """:meth:`WarmKernel.kill` (a report host's SIGTERM) while :meth:`fresh` waits for the kernel's
    warm-up: the wait ends with KernelGone in seconds, not after READY_SECONDS (180 s)."""
    with WarmKernel(ROOT, warm="import time; time.sleep(60)") as warm:
        threading.Timer(0.5, warm.kill).start()
        began = time.monotonic()
        with pytest.raises(KernelGone, match="died"):
            warm.fresh()
        assert time.monotonic() - began < 10


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


def slow_notebook(folder: Path) -> tuple[Path, Path]:
    """A notebook whose one cell marks that it started, sleeps 1.5 s, then (re)makes ``output_dir`` and
    writes in it; returns (notebook, the mark)."""
    started = folder / "started"
    spec = {"name": "python3", "language": "python", "display_name": "Python 3"}
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": spec})
    nb.cells = [
        nbformat.v4.new_code_cell('output_dir = ""\nstarted = ""', metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell(
            "import pathlib, time\n"
            "pathlib.Path(started).write_text('x')\n"
            "time.sleep(1.5)\n"
            "pathlib.Path(output_dir).mkdir(parents=True, exist_ok=True)\n"
            "(pathlib.Path(output_dir) / 'late.csv').write_text('1')\n"
        ),
    ]
    nbformat.write(nb, folder / "slow.ipynb")
    return folder / "slow.ipynb", started


def when(ready, act) -> None:
    """``act()`` in a thread once ``ready()`` is true (never later than 120 s, so never in another test)."""

    def wait() -> None:
        deadline = time.monotonic() + 120
        while not ready():
            if time.monotonic() > deadline:
                return
            time.sleep(0.01)
        act()

    threading.Thread(target=wait, daemon=True).start()


INTERRUPTED = """
import json, os, pathlib, signal, sys, time
sys.path.insert(0, "tests")
from test_warm_kernel import slow_notebook, when
from simulation.reporting import papermill_run
from simulation.reporting.warm_kernel import WarmKernel

tmp = pathlib.Path(sys.argv[1])
notebook, started = slow_notebook(tmp)
papermill_run.check_known = lambda notebook, parameters: None  # not a shipped notebook
warm = WarmKernel(sys.argv[2], warm="")
when(started.exists, lambda: os.kill(os.getpid(), signal.SIGINT))
try:
    papermill_run.execute(notebook, tmp / "out", {"started": str(started)}, kernel=warm)
    interrupted = False
except KeyboardInterrupt:
    interrupted = True
time.sleep(2.5)  # past the moment the cell would have written
alive = warm.manager.is_alive()
warm.shutdown()
print(json.dumps({"interrupted": interrupted, "files": sorted(p.name for p in tmp.iterdir()), "alive": alive}))
"""


def test_a_run_interrupted_while_a_cell_writes_leaves_no_working_folder(tmp_path):
    """A warm kernel is nobody's child that papermill stops: interrupted (Ctrl-C) while a cell runs, the
    run stops the kernel before it removes its working folder, so the cell cannot go on writing into
    it, or make it again, afterwards. In a process of its own: a real SIGINT, as a terminal sends it."""
    done = subprocess.run(
        [sys.executable, "-c", INTERRUPTED, str(tmp_path), str(ROOT)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.splitlines()[-1])
    assert seen == {"interrupted": True, "files": ["slow.ipynb", "started"], "alive": False}


@pytest.mark.timeout(120)  # it hung for good before the channels watched the kernel: ends the run
def test_a_kernel_killed_during_a_cell_ends_the_run_as_a_dead_kernel(tmp_path, monkeypatch):
    """nbclient waits for a cell with no time limit; a warm kernel killed meanwhile (out of memory, a
    report host's SIGTERM) ends the run within seconds with a dead kernel, which a batch worker, the
    host and the app try once more in a new kernel, and leaves no working folder."""
    from nbclient.exceptions import DeadKernelError

    from simulation.reporting import papermill_run

    notebook, started = slow_notebook(tmp_path)
    monkeypatch.setattr(papermill_run, "check_known", lambda notebook, parameters: None)  # not a shipped one
    with WarmKernel(ROOT, warm="") as warm:
        when(started.exists, warm.kill)
        began = time.monotonic()
        with pytest.raises(DeadKernelError):
            papermill_run.execute(notebook, tmp_path / "out", {"started": str(started)}, kernel=warm)
        assert time.monotonic() - began < 15
    assert sorted(p.name for p in tmp_path.iterdir()) == ["slow.ipynb", "started"]


@pytest.mark.timeout(300)
def test_a_brief_whose_kernel_is_killed_mid_notebook_runs_again_in_a_new_one(tmp_path):
    """The rule of every warm kernel (a batch worker's, the host's, the app's): a brief whose kernel died
    while its notebook ran is run once more in a new kernel, and what it writes is one whole brief."""
    from simulation.reporting.warm_kernel import once_more_if_gone

    kernels = [WarmKernel(ROOT)]

    def renew() -> WarmKernel:
        kernels.append(WarmKernel(ROOT))
        return kernels[-1]

    try:
        when(lambda: list(tmp_path.glob(".brief.partial-*/*.ipynb")), kernels[0].kill)  # papermill has begun
        report = once_more_if_gone(
            lambda kernel: run_report(ROOT / "scenarios" / "baseline.yaml", tmp_path / "brief", kernel=kernel),
            lambda: kernels[0],
            renew,
        )
    finally:
        for kernel in kernels:
            kernel.shutdown()
    assert len(kernels) == 2
    assert (report.folder / "scenario_report.pdf").is_file() and (report.folder / "annual.csv").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["brief"]
