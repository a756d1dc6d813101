"""Atomic output folders: a killed or failing ``run`` leaves the previous complete folder, never a mix.

``run`` is killed with SIGKILL in a subprocess at several points of writing (after some CSVs,
while flushing, between the two renames of the swap, after it); each time the folder is either the
previous complete output or the new complete one, and the next write cleans the leftovers.
Disk faults are injected in-process (a full disk, a read-only folder) and must end in one message,
exit code 3 and the previous folder unchanged.
"""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from conftest import BASELINE, ROOT

from simulation.cli import main
from simulation.io import atomic

KILLER = """
import os, signal, sys
import pandas as pd
point, nth = sys.argv[1], int(sys.argv[2])
seen = {"csv": 0, "rename": 0, "fsync": 0}

def kill_at(name):
    seen[name] += 1
    if point == name and seen[name] == nth:
        os.kill(os.getpid(), signal.SIGKILL)

to_csv, rename = pd.DataFrame.to_csv, os.rename
def patched_csv(self, *a, **k):
    kill_at("csv")
    return to_csv(self, *a, **k)
def patched_rename(a, b):
    rename(a, b)
    kill_at("rename")
pd.DataFrame.to_csv, os.rename = patched_csv, patched_rename
from simulation.io import atomic
fsync_tree = atomic._fsync_tree
def patched_fsync_tree(folder):
    fsync_tree(folder)
    kill_at("fsync")
atomic._fsync_tree = patched_fsync_tree
from simulation.cli import main
sys.exit(main(sys.argv[3:]))
"""


def run_args(out: Path, years: int) -> list[str]:
    return ["run", str(BASELINE), "--out", str(out), "--set", f"years={years}"]


def complete(out: Path) -> int:
    """Check ``out`` is one complete run (files = the manifest's, tables of its horizon); return its years."""
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert sorted(p.name for p in out.iterdir()) == sorted([*manifest["files"], "manifest.json"])
    years = manifest["scenario"]["overrides"]["years"]
    annual = pd.read_csv(out / "annual.csv")
    assert list(annual["year"]) == list(range(2026, 2026 + years))
    assert len(pd.read_csv(out / "monthly.csv")) == 12 * years
    return years


def hidden(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


@pytest.mark.parametrize(
    ("point", "nth", "after_kill"),
    [
        ("csv", 1, {3}),  # before any table is written
        ("csv", 5, {3}),  # half the tables written
        ("fsync", 1, {3}),  # everything written, nothing swapped
        ("rename", 1, {None}),  # the previous folder moved aside, the new one not yet in place
        ("rename", 2, {2}),  # the new folder in place, the previous one not yet removed
    ],
)
def test_a_killed_run_leaves_the_previous_or_the_new_folder_whole(tmp_path, point, nth, after_kill):
    out = tmp_path / "out"
    assert main(run_args(out, 3)) == 0
    proc = subprocess.run(
        [sys.executable, "-c", KILLER, point, str(nth), *run_args(out, 2)], cwd=ROOT, capture_output=True, text=True
    )
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    assert (complete(out) if out.exists() else None) in after_kill
    assert hidden(tmp_path)  # the killed run left its working (or moved-aside) folder behind
    atomic.clean_stale(out)  # what the next write does first
    assert hidden(tmp_path) == []
    assert complete(out) == (2 if after_kill == {2} else 3)
    assert main(run_args(out, 4)) == 0 and complete(out) == 4 and hidden(tmp_path) == []


def test_the_next_run_cleans_the_leftovers_of_a_killed_one(tmp_path):
    out = tmp_path / "out"
    assert main(run_args(out, 3)) == 0
    proc = subprocess.run([sys.executable, "-c", KILLER, "csv", "3", *run_args(out, 2)], cwd=ROOT, capture_output=True)
    assert proc.returncode == -signal.SIGKILL
    assert len(hidden(tmp_path)) == 1 and ".out.partial-" in hidden(tmp_path)[0]
    assert main(run_args(out, 2)) == 0
    assert hidden(tmp_path) == [] and complete(out) == 2


def _full_disk_after(calls: int):
    original = pd.DataFrame.to_csv
    seen = []

    def to_csv(self, *args, **kwargs):
        seen.append(1)
        if len(seen) > calls:
            raise OSError(errno.ENOSPC, "No space left on device")
        return original(self, *args, **kwargs)

    return to_csv


def test_a_full_disk_is_one_message_and_leaves_the_previous_folder(tmp_path, monkeypatch, capsys):
    out = tmp_path / "out"
    assert main(run_args(out, 3)) == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    capsys.readouterr()
    monkeypatch.setattr(pd.DataFrame, "to_csv", _full_disk_after(2))
    assert main(run_args(out, 2)) == 3
    err = capsys.readouterr().err
    assert err == f"umkm-sim: cannot write {out}: No space left on device; the previous output there is unchanged\n"
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert hidden(tmp_path) == []


def test_a_full_disk_on_a_first_run_leaves_nothing(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(pd.DataFrame, "to_csv", _full_disk_after(0))
    assert main(run_args(tmp_path / "new", 2)) == 3
    assert capsys.readouterr().err.endswith("No space left on device; nothing was written there\n")
    assert list(tmp_path.iterdir()) == []


def test_a_read_only_folder_is_one_message(tmp_path, monkeypatch, capsys):
    def read_only(self, *args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system", str(self))

    monkeypatch.setattr(Path, "mkdir", read_only)
    assert main(run_args(tmp_path / "out", 2)) == 3
    assert capsys.readouterr().err == f"umkm-sim: cannot write {tmp_path / 'out'}: Read-only file system\n"


def test_out_naming_a_file_is_refused(tmp_path, capsys):
    target = tmp_path / "report.txt"
    target.write_text("keep me", encoding="utf-8")
    assert main(run_args(target, 2)) == 3
    assert capsys.readouterr().err == f"umkm-sim: {target} is a file, not a folder; name a folder for the output\n"
    assert target.read_text(encoding="utf-8") == "keep me"


def test_out_naming_a_folder_of_other_files_is_refused_and_left_alone(tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    assert main(run_args(tmp_path, 2)) == 3
    assert "holds files that are not an output of umkm-sim (no manifest.json)" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_out_naming_the_working_folder_is_refused(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(run_args(Path("."), 2)) == 3
    assert "is the working folder or holds it" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_an_interrupted_run_exits_130_and_leaves_the_previous_folder(tmp_path, monkeypatch, capsys):
    out = tmp_path / "out"
    assert main(run_args(out, 3)) == 0

    def interrupt(self, *args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(pd.DataFrame, "to_csv", interrupt)
    assert main(run_args(out, 2)) == 130
    assert capsys.readouterr().err == "umkm-sim: interrupted\n"
    assert complete(out) == 3 and hidden(tmp_path) == []


def test_clean_stale_keeps_a_live_writer_and_restores_a_folder_moved_aside(tmp_path):
    target = tmp_path / "out"
    dead = 2**22 + 12345  # above the largest pid_max Linux allows (2**22), so no process has it
    live = tmp_path / f".out.partial-{os.getpid()}-abcdef01"
    gone = tmp_path / f".out.partial-{dead}-abcdef02"
    moved = tmp_path / f".out.old-{dead}-abcdef03"
    other = tmp_path / f".other.partial-{dead}-abcdef04"
    for folder in (live, gone, moved, other):
        folder.mkdir()
    (moved / "manifest.json").write_text("{}", encoding="utf-8")
    assert sorted(atomic.clean_stale(target)) == sorted([gone, moved])
    assert live.exists() and other.exists() and not gone.exists()
    assert (target / "manifest.json").read_text(encoding="utf-8") == "{}"


def test_a_closed_pipe_is_exit_141_without_a_traceback():
    proc = subprocess.Popen(
        [sys.executable, "-m", "simulation", "list", str(ROOT / "scenarios")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
    )
    proc.stdout.close()  # like `| head` exiting before the first line arrives
    err = proc.stderr.read().decode()
    assert proc.wait() == 141
    assert err == ""


def test_help_documents_the_exit_codes(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    for line in ("0    done", "2    a bad scenario", "3    an output could not be written", "141  the output pipe"):
        assert line in out


def test_a_killed_report_leaves_the_previous_report_whole(tmp_path):
    """SIGKILL to ``report`` (and its kernel) while the notebook runs: the previous folder is untouched."""
    import time

    out = tmp_path / "baseline"
    out.mkdir()
    previous = {"manifest.json": b'{"scenario": "previous"}', "scenario_report.ipynb": b"{}", "annual.csv": b"year\n"}
    for name, data in previous.items():
        (out / name).write_bytes(data)
    proc = subprocess.Popen(
        [sys.executable, "-m", "simulation", "report", str(BASELINE), "--out", str(out), "--set", "years=2"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # the kernel joins the group, so one killpg ends both
    )
    try:
        deadline = time.monotonic() + 120
        while not any(p.name.startswith(".baseline.partial-") for p in tmp_path.iterdir()):
            assert proc.poll() is None and time.monotonic() < deadline, "the report never started writing"
            time.sleep(0.05)
        time.sleep(1.0)  # into the notebook run
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    assert {p.name: p.read_bytes() for p in out.iterdir()} == previous
    assert len(hidden(tmp_path)) == 1
    atomic.clean_stale(out)
    assert hidden(tmp_path) == [] and {p.name: p.read_bytes() for p in out.iterdir()} == previous


def test_an_interrupt_between_the_two_renames_puts_the_previous_folder_back(tmp_path, monkeypatch):
    out = tmp_path / "out"
    assert main(run_args(out, 3)) == 0
    rename, calls = os.rename, []

    def interrupted_second(a, b):
        calls.append((Path(a).name, Path(b).name))
        if len(calls) == 2:  # the previous folder is aside, the new one not yet in place
            raise KeyboardInterrupt
        rename(a, b)

    monkeypatch.setattr(atomic.os, "rename", interrupted_second)
    assert main(run_args(out, 2)) == 130
    assert calls[0][0] == "out" and calls[0][1].startswith(".out.old-")  # the swap had begun
    assert complete(out) == 3 and hidden(tmp_path) == []


def test_an_interrupt_as_the_working_folder_is_made_leaves_nothing(tmp_path, monkeypatch):
    """The working folder is named before it is made, and made inside the block that removes it: an
    interrupt just after ``mkdir`` (a report host's SIGTERM) leaves no hidden folder behind."""
    out = tmp_path / "out"
    mkdir = Path.mkdir

    def made_then_interrupted(self, *args, **kwargs):
        mkdir(self, *args, **kwargs)
        if self.name.startswith(".out.partial-"):
            raise KeyboardInterrupt

    monkeypatch.setattr(Path, "mkdir", made_then_interrupted)
    with pytest.raises(KeyboardInterrupt), atomic.atomic_folder(out):
        pass
    assert list(tmp_path.iterdir()) == []
