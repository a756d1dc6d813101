"""Work done in a forked child process while the caller goes on: the brief's charts.

A brief's kernel spends most of its time drawing five charts, and in a single report the machine's
other core is idle meanwhile. :class:`Aside` forks the kernel (the child has every module the kernel
imported, so it starts at once), the child does the work and leaves with ``os._exit`` (touching
none of the kernel's sockets or threads), and :meth:`Aside.wait` waits for it. When the child
fails, or has not finished within :data:`WAIT_SECONDS`, the work is done again in this process, so
the outcome is the same as without a child; where ``fork`` is not safe (not Linux) the work is
simply done in this process at once.
"""

from __future__ import annotations

import os
import signal
import sys
import time
import warnings
from collections.abc import Callable

WAIT_SECONDS = 120.0
"""Longest wait for the child before it is killed and the work done here (a loaded machine is slow)."""

POLL_SECONDS = 0.005
"""How often :meth:`Aside.wait` looks whether the child has finished."""


def can_fork() -> bool:
    """Whether work may go to a forked child: Linux (``fork`` after threads is unsafe on macOS)."""
    return sys.platform == "linux" and hasattr(os, "fork")


class Aside:
    """``work(*args)`` in a forked child (see the module docstring); :meth:`wait` before using its result.

    Parameters
    ----------
    work : callable
        Writes its results to files (a child returns nothing to this process).
    *args
        Its arguments.
    wait_seconds : float
        See :data:`WAIT_SECONDS`.
    """

    def __init__(self, work: Callable, *args, wait_seconds: float = WAIT_SECONDS):
        self.work, self.args, self.wait_seconds = work, args, wait_seconds
        self.pid = None
        self.in_child = False  # whether the child did the work (False: done here, or redone here)
        if not can_fork():
            work(*args)
            return
        with warnings.catch_warnings():  # Python 3.12+ warns of fork beside threads; the child touches none
            warnings.simplefilter("ignore", DeprecationWarning)
            pid = os.fork()
        if pid == 0:  # the child: do the work and leave at once, whatever happens
            code = 1
            try:
                work(*args)
                code = 0
            finally:
                os._exit(code)
        self.pid = pid

    def wait(self) -> None:
        """Wait for the child; redo the work here if it failed or did not finish in time."""
        if self.pid is None:
            return
        pid, self.pid = self.pid, None
        deadline = time.monotonic() + self.wait_seconds
        while True:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                break
            if time.monotonic() > deadline:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                status = -1
                break
            time.sleep(POLL_SECONDS)
        if status == 0:
            self.in_child = True
        else:
            self.work(*self.args)
