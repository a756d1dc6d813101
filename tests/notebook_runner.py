"""Run a widget notebook through papermill with the widget-safe kernel client.

The explore notebook displays an ipywidgets ``Output`` and moves its controls. Executed headless
with papermill's default kernel client, it stalled now and then (kernel idle, client waiting for
the cell's reply): the executor's stand-in for the ``Output`` widget sends on the shell socket
while the executor polls that socket, and the send can consume the reply's wake-up. The cause and
the client that cannot miss it are in :mod:`simulation.reporting.kernel`; a cell timeout is set so
that a stall, were it ever to return, fails the test instead of hanging the suite.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import papermill

from simulation.reporting.kernel import WidgetSafeKernelManager

ROOT = Path(__file__).resolve().parents[1]
CELL_TIMEOUT = 300
"""Seconds a cell may run (a loaded 2-core machine takes about 20 s for the whole notebook)."""


def execute(source: Path, out: Path, parameters: dict):
    """Execute ``source`` into ``out`` with ``parameters``; return the executed notebook."""
    papermill.execute_notebook(
        str(source),
        str(out),
        parameters=parameters,
        cwd=str(ROOT),
        progress_bar=False,
        execution_timeout=CELL_TIMEOUT,
        kernel_manager_class=WidgetSafeKernelManager,
    )
    return nbformat.read(out, as_version=4)
