"""Run a widget notebook through papermill in a child process, with a deadline.

Papermill's kernel client has twice stalled for good (kernel idle, client waiting, no cell timeout
firing) while executing the explore notebook, whose cells display and then move ipywidgets, in a
fresh clone under the full suite; alone the same run took 10 s. A stalled run is killed at the
deadline and tried once more; any other failure fails the test at once, and the assertions on the
executed notebook are the test's own.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]


def execute(source: Path, out: Path, parameters: dict, deadline: float = 180.0, attempts: int = 2):
    """Execute ``source`` into ``out`` with ``parameters``; return the executed notebook."""
    command = [
        sys.executable, "-m", "papermill", str(source), str(out), "-y", json.dumps(parameters),
        "--cwd", str(ROOT), "--no-progress-bar", "--execution-timeout", "180",
    ]  # fmt: skip
    for _ in range(attempts):
        proc = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
        )
        try:
            _, stderr = proc.communicate(timeout=deadline)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)  # papermill; its kernel exits when its parent is gone
            proc.communicate()
            continue
        if proc.returncode != 0:
            pytest.fail(f"papermill failed on {source.name}:\n{stderr[-3000:]}")
        return nbformat.read(out, as_version=4)
    pytest.fail(f"papermill stalled {attempts} times on {source.name} ({deadline:.0f} s each)")
