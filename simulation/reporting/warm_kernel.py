"""A warm Jupyter kernel: started early, its imports done ahead, reused by several notebook runs.

A brief spends more time starting a kernel and importing the package inside it than running the
model. :class:`WarmKernel` starts the kernel as soon as it is made and asks it at once to import
what the report notebook imports, so both happen while the parent process does its own imports;
a batch worker keeps one kernel for all its scenarios. Each run still executes every cell of its
notebook through papermill: before a run the kernel's namespace is emptied and its execution
counter set back to 1 (:meth:`WarmKernel.fresh`), so the executed notebook reads as from a new
kernel; only the modules stay imported.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from pathlib import Path
from queue import Empty

READY_CLIENT_CLASS = "simulation.reporting.ready_client.ReadyKernelClient"
"""The client class of a warm kernel's manager (:mod:`simulation.reporting.ready_client`), named
here so that this module imports no Jupyter library until a kernel starts."""

KERNEL_ARGUMENTS = ["--IPKernelApp.log_level=ERROR", "--HistoryManager.enabled=False"]
"""The kernel logs errors only: a normal report prints no warning (the kernel talks to papermill over
local TCP, and ipykernel warns about that on every start). It keeps no input history: a report's cells
do not belong in the user's IPython history file, and opening it is work a report does not need."""

WARM_IMPORTS = "import simulation.reporting.notebook"
"""What the kernel imports before its first notebook (the report notebook's own imports)."""

MODULE_ATTRIBUTES = ("__doc__", "__loader__", "__package__", "__spec__")
"""Attributes of the kernel's ``__main__`` that a new kernel has and ``%reset`` deletes; kept, since
``multiprocessing`` (a Dask LocalCluster's nanny, a process pool) reads ``__main__.__spec__``."""

FRESH = "import simulation.reporting.warm_kernel as _warm; _warm.empty_namespace(get_ipython())"
"""Run silently before each notebook: :func:`empty_namespace` in the kernel."""


def empty_namespace(shell) -> None:
    """Empty an IPython ``shell``'s namespace as a new kernel's is, and count the next cell as cell 1.

    ``%reset -f`` removes every name, the module attributes of :data:`MODULE_ATTRIBUTES` included;
    those are put back, so the namespace holds what a new kernel's holds.
    """
    kept = {name: shell.user_ns[name] for name in MODULE_ATTRIBUTES if name in shell.user_ns}
    shell.run_line_magic("reset", "-f")
    shell.user_ns.update(kept)
    shell.execution_count = 1


READY_SECONDS = 180
"""Longest wait for the kernel to start and finish its imports (a loaded machine is slow)."""


class KernelGone(RuntimeError):
    """The warm kernel died or did not answer; a batch tries the scenario once more in a new one."""


def kernel_died(error: BaseException) -> bool:
    """Whether ``error`` says a notebook's kernel died: :class:`KernelGone`, or nbclient's
    ``DeadKernelError`` (the kernel died while a cell ran)."""
    # deferred: nbclient comes with papermill, which only notebook runs need
    from nbclient.exceptions import DeadKernelError

    return isinstance(error, (KernelGone, DeadKernelError))


def once_more_if_gone(run, kernel, renew, gone=kernel_died):
    """``run(kernel())``; if that fails because the kernel is gone (``gone(error)``, by default
    :func:`kernel_died`; getting the kernel included), ``run(renew())`` once more, in a new kernel.
    Any other error, and the second try's, propagates.

    The one rule for every warm kernel: a batch worker's (whose ``gone`` also takes a kernel that
    failed to start), a report host's and the planner app's.
    """
    try:
        return run(kernel())
    except Exception as error:
        if not gone(error):
            raise
    return run(renew())


class WarmKernel:
    """A python3 kernel started in ``cwd`` that imports :data:`WARM_IMPORTS` ahead of its first run.

    Parameters
    ----------
    cwd : path
        The kernel's working folder (the repository, as papermill's ``cwd`` for a report).
    warm : str
        Code the kernel runs at once, silently (default :data:`WARM_IMPORTS`; ``""`` for none).

    Use it as a context manager, or call :meth:`shutdown`; :attr:`manager` goes to papermill.
    """

    def __init__(self, cwd: str | Path, warm: str = WARM_IMPORTS):
        # deferred: jupyter_client is needed only where notebooks run
        from jupyter_client.manager import KernelManager

        self.cwd = str(cwd)
        # papermill's client for this kernel checks it is ready without a 0.2 s wait (ready_client.py)
        self.manager = KernelManager(kernel_name="python3", client_class=READY_CLIENT_CLASS)
        self.manager.start_kernel(extra_arguments=KERNEL_ARGUMENTS, cwd=self.cwd)
        self._client = self.manager.blocking_client()
        self._client.start_channels(shell=True, iopub=False, stdin=False, hb=False, control=False)
        self._pending = self._client.execute(warm, silent=True, store_history=False) if warm else None
        self._ahead: str | None = None  # a reset sent by reset_ahead, not yet waited for
        self.runs = 0
        self._stopping: threading.Thread | None = None

    def _wait(self, msg_id: str, what: str) -> None:
        """Wait for the shell reply to ``msg_id``; raise :class:`KernelGone` if none comes, the kernel
        died (checked every second) or the code failed."""
        deadline = time.monotonic() + READY_SECONDS
        while True:
            try:
                reply = self._client.get_shell_msg(timeout=1)
            except Empty:
                if not self.manager.is_alive():
                    raise KernelGone(f"the warm kernel died ({what})") from None
                if time.monotonic() > deadline:
                    raise KernelGone(f"the warm kernel did not answer ({what}) within {READY_SECONDS} s") from None
                continue
            if reply["parent_header"].get("msg_id") != msg_id:
                continue
            content = reply["content"]
            if content.get("status") != "ok":
                raise KernelGone(f"the warm kernel failed ({what}): {content.get('ename')}: {content.get('evalue')}")
            return

    def fresh(self) -> None:
        """Wait for the warm-up, then empty the namespace and count cells from 1 again.

        Raises
        ------
        KernelGone
            If the kernel died, did not answer, or its warm-up import failed.
        """
        if not self.manager.is_alive():
            raise KernelGone("the warm kernel is not running")
        if self._pending is not None:
            pending, self._pending = self._pending, None
            self._wait(pending, WARM_IMPORTS)
        ahead, self._ahead = self._ahead, None
        self._wait(ahead or self._client.execute(FRESH, silent=True, store_history=False), "reset")
        self.runs += 1

    def release(self) -> None:
        """Stop the kernel in a thread of this process, for a caller that needs it no more but has other
        work to do (a brief's HTML and PDF after its notebook ran); :meth:`shutdown` waits for it."""
        if self._stopping is None:
            self._stopping = threading.Thread(target=self._stop, name="umkm-kernel-stop", daemon=True)
            self._stopping.start()

    def reset_ahead(self) -> None:
        """Empty the namespace now, while nobody waits (a report host between briefs), so that the next
        :meth:`fresh` only collects this reset's reply instead of running one (``%reset`` of a brief's
        namespace took 0.2-0.36 s). Nothing may run in the kernel between the two."""
        if self._ahead is None and self.manager.is_alive():
            self._ahead = self._client.execute(FRESH, silent=True, store_history=False)

    def kill(self) -> None:
        """Kill the kernel's process at once (one system call: safe in a signal handler); whoever waits on
        it then sees a kernel that died. :meth:`shutdown` still closes the channels."""
        provisioner = self.manager.provisioner
        pid, group = getattr(provisioner, "pid", None), getattr(provisioner, "pgid", None)
        with contextlib.suppress(ProcessLookupError):
            if group and group != os.getpgrp():  # the kernel's own session: it and anything it started
                os.killpg(group, signal.SIGKILL)
            elif pid is not None:
                os.kill(pid, signal.SIGKILL)

    def shutdown(self) -> None:
        """Stop the kernel and close the channels (safe to call twice, and after :meth:`release`)."""
        if self._stopping is not None:
            self._stopping.join()
            return
        self._stop()

    def _stop(self) -> None:
        try:
            self._client.stop_channels()
        finally:
            if self.manager.has_kernel:
                self.manager.shutdown_kernel(now=True)

    def __enter__(self) -> WarmKernel:
        return self

    def __exit__(self, *exc) -> None:
        self.shutdown()
