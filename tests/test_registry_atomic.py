"""Ingest's outputs appear together or not at all: a killed ingest leaves the old ones intact."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys

import pytest
from conftest import BASELINE, ROOT
from registry_corpus import HEADER, good_rows, write_csv
from registry_helpers import TEST_KEY, VALID

from simulation import load_scenario
from simulation.core.errors import OutputError
from simulation.io.ingest import ingest

KILL_AT = {
    "while writing registry.csv": "simulation.io.ingest._number",
    "after writing, before the swap": "simulation.io.atomic._fsync_tree",
}


def _snapshot(folder) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _consistent(folder) -> None:
    manifest = json.loads((folder / "manifest.json").read_text())
    for name, entry in manifest["files"].items():
        data = (folder / name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"], name
        assert len(data.decode("utf-8").splitlines()) - 1 == entry["rows"], name


@pytest.mark.parametrize("where", sorted(KILL_AT))
def test_a_killed_ingest_leaves_the_old_outputs_intact(tmp_path, monkeypatch, where):
    monkeypatch.setenv("UMKM_PSEUDONYM_KEY", TEST_KEY)
    out = tmp_path / "out"
    ingest(VALID, out, load_scenario(BASELINE))
    before = _snapshot(out)
    _consistent(out)
    bigger = write_csv(tmp_path / "bigger.csv", HEADER, good_rows(500))
    module, _, attr = KILL_AT[where].rpartition(".")
    script = f"""
import os, signal, sys
import {module} as target
calls = []
def die(*args, **kwargs):
    calls.append(1)
    if len(calls) > 100 or {attr!r} == "_fsync_tree":
        os.kill(os.getpid(), signal.SIGKILL)
setattr(target, {attr!r}, die)
from simulation.cli import main
sys.exit(main(["ingest", {str(bigger)!r}, "--out", {str(out)!r}, "--scenario", {str(BASELINE)!r}]))
"""
    proc = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == -9, proc.stderr  # killed
    assert _snapshot(out) == before  # the old outputs, byte for byte
    _consistent(out)
    # a completed ingest then replaces them as a whole
    report = ingest(bigger, out, load_scenario(BASELINE))
    assert report.counts["accepted"] == 500
    _consistent(out)
    assert json.loads((out / "manifest.json").read_text())["files"]["registry.csv"]["rows"] == 500


def test_a_folder_with_other_files_is_never_replaced(tmp_path, monkeypatch):
    monkeypatch.setenv("UMKM_PSEUDONYM_KEY", TEST_KEY)
    out = tmp_path / "out"
    out.mkdir()
    (out / "laporan.docx").write_text("the office's own file")
    with pytest.raises(OutputError, match="not an output of umkm-sim"):
        ingest(VALID, out, load_scenario(BASELINE))
    assert [p.name for p in out.iterdir()] == ["laporan.docx"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.partial")]  # no temporary left
