"""Every command's output appears complete or not at all: single files and the analysis folders."""

from __future__ import annotations

import hashlib
import json

import pytest
from conftest import BASELINE

from simulation.cli import main
from simulation.core.errors import OutputError
from simulation.io.atomic import atomic_file


def test_an_atomic_file_replaces_the_old_one_only_when_complete(tmp_path):
    target = tmp_path / "list.csv"
    target.write_text("old\n")
    with pytest.raises(RuntimeError), atomic_file(target) as temp:
        temp.write_text("half")
        raise RuntimeError("killed")
    assert target.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["list.csv"]  # no partial file left
    with atomic_file(target) as temp:
        assert temp.suffix == ".csv" and temp.parent == tmp_path
        temp.write_text("new\n")
    assert target.read_text() == "new\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["list.csv"]


def test_an_atomic_file_refuses_a_folder(tmp_path):
    with pytest.raises(OutputError, match="it is a folder"), atomic_file(tmp_path):
        pass


def test_synth_into_an_existing_file_replaces_it_whole(tmp_path, capsys):
    out = tmp_path / "registry.csv"
    out.write_text("previous\n")
    assert main(["synth", "--out", str(out), "--n", "50", "--seed", "1"]) == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 51 and lines[0] != "previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["registry.csv"]


def test_optimise_twice_into_one_folder_and_its_manifest_vouches_for_its_files(tmp_path, capsys):
    out = tmp_path / "opt"
    args = ["optimise", str(BASELINE), "graduation", "--cost-ceiling", "5e9", "--year", "2027", "--out", str(out)]
    for _ in range(2):  # the second run replaces the first one's folder (it is an output folder)
        assert main([*args, "--set", "years=3"]) in (0, 1)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert set(manifest["sha256"]) == {"answer.json"}
    assert manifest["sha256"]["answer.json"] == hashlib.sha256((out / "answer.json").read_bytes()).hexdigest()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]
