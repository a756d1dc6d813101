"""Work in a forked child (the brief's charts): the same files as in this process, and a child that
fails or hangs leaves the work done here."""

from __future__ import annotations

import os
import time

import pytest
from conftest import BASELINE

from simulation.reporting import aside, charts
from simulation.reporting.aside import Aside
from simulation.reporting.notebook import prepare

pytestmark = pytest.mark.skipif(not aside.can_fork(), reason="work goes to a child only where fork is safe")


def write_pid(path):
    path.write_text(str(os.getpid()), encoding="utf-8")


def fail_in_a_child(path, parent):
    if os.getpid() != parent:
        raise RuntimeError("the child fails")
    write_pid(path)


def hang_in_a_child(path, parent):
    if os.getpid() != parent:
        time.sleep(60)
    write_pid(path)


def test_the_work_is_done_in_a_child_process(tmp_path):
    job = Aside(write_pid, tmp_path / "pid")
    job.wait()
    assert job.in_child
    assert int((tmp_path / "pid").read_text()) != os.getpid()


def test_a_failing_child_leaves_the_work_done_here(tmp_path):
    job = Aside(fail_in_a_child, tmp_path / "pid", os.getpid())
    job.wait()
    assert not job.in_child
    assert int((tmp_path / "pid").read_text()) == os.getpid()


def test_a_hanging_child_is_killed_and_the_work_done_here(tmp_path):
    began = time.monotonic()
    job = Aside(hang_in_a_child, tmp_path / "pid", os.getpid(), wait_seconds=0.3)
    job.wait()
    assert time.monotonic() - began < 10
    assert not job.in_child
    assert int((tmp_path / "pid").read_text()) == os.getpid()


def test_the_briefs_charts_drawn_in_children_are_those_drawn_here(tmp_path):
    ctx = prepare(str(BASELINE), {"years": 3}, str(tmp_path / "brief"), language="en")
    assert set(ctx.charts) == set(charts.REPORT_CHARTS)
    for name, path in ctx.charts.items():
        here = tmp_path / f"here_{name}.png"
        charts.save(charts.REPORT_CHARTS[name](ctx.result, "en"), here)
        assert path.read_bytes() == here.read_bytes(), name
