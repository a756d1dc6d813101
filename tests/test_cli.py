"""The umkm-sim command line."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys

import pandas as pd
import pytest
from conftest import BASELINE, ROOT

from simulation.cli import main


def test_run_writes_annual_monthly_and_manifest(tmp_path, capsys):
    assert main(["run", str(BASELINE), "--out", str(tmp_path), "--set", "assumptions.closure_rate=0.08"]) == 0
    annual = pd.read_csv(tmp_path / "annual.csv")
    for col in (
        "year",
        "subsidised_end",
        "mandiri_end",
        "lapsed_end",
        "covered_end",
        "graduated",
        "subsidy_cost",
        "cost_apbd_kabupaten",
    ):
        assert col in annual.columns
    assert list(annual["year"]) == list(range(2026, 2036))
    assert len(pd.read_csv(tmp_path / "monthly.csv")) == 120
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["scenario"]["name"] == "baseline"
    assert len(manifest["scenario"]["hash"]) == 64
    assert manifest["scenario"]["overrides"] == {"assumptions.closure_rate": 0.08}
    assert manifest["scenario"]["resolved"]["assumptions"]["closure_rate"]["value"] == 0.08
    assert manifest["versions"]["numpy"] and "commit" in manifest["git"]
    assert "seed" in manifest and manifest["engine"] == "cohort"
    assert "annual.csv" in manifest["files"]
    assert "subsidy cost 2026" in capsys.readouterr().out
    written = {p.name for p in tmp_path.iterdir() if p.is_file() and p.name != "manifest.json"}
    assert set(manifest["sha256"]) == written == set(manifest["files"])
    for name in written:
        assert manifest["sha256"][name] == hashlib.sha256((tmp_path / name).read_bytes()).hexdigest(), name


def test_a_bad_scenario_exits_2_with_a_message_and_no_traceback():
    bad = ROOT / "tests" / "fixtures" / "broken" / "unknown_key.yaml"
    proc = subprocess.run([sys.executable, "-m", "simulation", "validate", str(bad)], capture_output=True, text=True)
    assert proc.returncode == 2
    assert "Did you mean 'closure_rate'?" in proc.stderr
    assert "Traceback" not in proc.stderr and "Traceback" not in proc.stdout


def test_a_bad_override_exits_2(capsys):
    assert main(["validate", str(BASELINE), "--set", "policy.graduation.rate=1.7"]) == 2
    err = capsys.readouterr().err
    assert "policy.graduation.rate.value = 1.7" in err and "less than or equal to 1" in err


def test_validate_and_list(capsys):
    assert main(["validate", str(BASELINE)]) == 0
    assert "valid" in capsys.readouterr().out
    assert main(["list", str(ROOT / "scenarios")]) == 0
    assert "baseline" in capsys.readouterr().out


def test_unknown_command_is_a_usage_error():
    with pytest.raises(SystemExit) as info:
        main(["fly"])
    assert info.value.code == 2


def test_the_command_freezes_before_exit_and_main_never_does(monkeypatch, capsys):
    """``umkm-sim`` is :func:`simulation.cli.run`: main's exit code, then gc.freeze (the interpreter's
    shutdown no longer scans every object); main itself, which tests and a report host call, never freezes."""
    import gc
    import tomllib

    import simulation.cli as cli

    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    assert scripts["umkm-sim"] == "simulation.cli:run"
    before = gc.get_freeze_count()
    assert main(["list", str(ROOT / "scenarios")]) == 0
    assert gc.get_freeze_count() == before
    frozen = []
    monkeypatch.setattr(cli.gc, "freeze", lambda: frozen.append(1))
    monkeypatch.setattr(cli, "main", lambda: 3)
    assert cli.run() == 3 and frozen == [1]
    capsys.readouterr()
