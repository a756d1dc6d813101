"""Where a batch's worker processes come from: a fork server that has already imported what they need.

A batch worker runs briefs: papermill, nbconvert's HTML exporter, WeasyPrint, pandas and this
package. Imported in each worker, that is the same second or two of one core's work twice, at the
moment the workers should be starting their kernels. :func:`start_server` starts the fork server
(Python's ``forkserver`` start method) with :data:`PRELOAD`, so it imports them once, and every
worker is forked from it with them already in memory. ``umkm-sim batch`` calls it first thing,
so the server imports while the command itself does.

This module imports only :mod:`multiprocessing`: it is cheap to call before anything else.
"""

from __future__ import annotations

from multiprocessing import forkserver, get_context

WORKERS = get_context("forkserver")
"""How batch workers are started: forked from a clean server process, never from the batch's own
process. A child forked from a process that has already driven a kernel inherits jupyter_client's
helper thread as a dead entry and waits on it forever (seen when a batch ran after a report in the
same process)."""

PRELOAD = ["simulation.reporting.batch_preload"]
"""What the fork server imports before it forks a worker (:mod:`simulation.reporting.batch_preload`)."""


def start_server() -> None:
    """Start the fork server of :data:`WORKERS`, importing :data:`PRELOAD`, unless one is running.

    The server is one per process: when one already runs (started earlier in the same process,
    e.g. by a previous batch or a process pool), it is used as it is, with or without the preload;
    the workers are the same either way, only their start is slower without. It ends with the
    process that started it.
    """
    WORKERS.set_forkserver_preload(PRELOAD)
    forkserver.ensure_running()
