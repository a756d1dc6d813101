"""The analysis commands and notebooks end to end."""

from __future__ import annotations

import json

import papermill
import pytest
import yaml
from conftest import BASELINE, ROOT

from simulation import load_scenario
from simulation.analysis.waves import micro_waves
from simulation.cli import main


def test_sensitivity_command(tmp_path, capsys):
    out = tmp_path / "sens"
    code = main(["sensitivity", str(BASELINE), "--samples", "64", "--seed", "3", "--out", str(out),
                 "--vary", "policy.graduation.rate"])  # fmt: skip
    assert code == 0
    assert "move the 2030" in capsys.readouterr().out
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["analysis"]["top_cost"][0] == "policy.graduation.rate"
    assert manifest["seed"] == 3 and (out / "fan.png").exists()


def test_sensitivity_command_refuses_a_lever_it_cannot_vary(tmp_path, capsys):
    assert main(["sensitivity", str(BASELINE), "--out", str(tmp_path), "--vary", "policy.payers"]) == 2
    assert "cannot vary it" in capsys.readouterr().err


def test_optimise_command(tmp_path, capsys):
    out = tmp_path / "opt"
    assert main(["optimise", str(BASELINE), "budget", "--coverage", "0.5", "--year", "2030", "--out", str(out)]) == 0
    answer = json.loads((out / "answer.json").read_text())["analysis"]
    assert answer["feasible"] and answer["achieved"] >= 0.5 > answer["achieved_below"]
    assert main(["optimise", str(BASELINE), "curve", "--points", "5", "--out", str(out)]) == 0
    assert (out / "tradeoff.png").exists()
    assert main(["optimise", str(BASELINE), "budget", "--coverage", "0.99", "--out", str(out)]) == 1
    assert "unreachable" in capsys.readouterr().out


def test_calibrate_command_writes_a_scenario_citing_the_files(tmp_path, capsys):
    small = load_scenario(BASELINE, overrides={"population.initial_umkm": 3000, "policy.rollout": 3000})
    w1, w2 = micro_waves(small, seed=5)
    w1.to_csv(tmp_path / "wave_2025.csv", index=False)
    w2.to_csv(tmp_path / "wave_2026.csv", index=False)
    out = tmp_path / "calibrated.yaml"
    code = main(["calibrate", str(tmp_path / "wave_2025.csv"), str(tmp_path / "wave_2026.csv"), "--out", str(out),
                 "--base", str(BASELINE)])  # fmt: skip
    assert code == 0
    doc = yaml.safe_load(out.read_text())
    assert doc["extends"].endswith("baseline.yaml")
    assert "wave_2025.csv (sha256 " in doc["assumptions"]["closure_rate"]["source"]
    assert load_scenario(out).first("assumptions.closure_rate") == doc["assumptions"]["closure_rate"]["value"]
    w1.loc[0, "status"] = "graduated"
    w1.to_csv(tmp_path / "wave_2025.csv", index=False)
    assert main(["calibrate", str(tmp_path / "wave_2025.csv"), str(tmp_path / "wave_2026.csv"), "--out", str(out),
                 "--base", str(BASELINE)]) == 1  # fmt: skip
    assert "wave_2025.csv: row 1, status = 'graduated'" in capsys.readouterr().err


@pytest.mark.slow
def test_analysis_notebooks_run_through_papermill(tmp_path):
    sens = tmp_path / "sens"
    papermill.execute_notebook(
        str(ROOT / "notebooks" / "sensitivity.ipynb"), str(tmp_path / "s.ipynb"), cwd=str(ROOT), progress_bar=False,
        parameters={"samples": 64, "output_dir": str(sens)},
    )  # fmt: skip
    assert (sens / "sobol.csv").exists()
    cal = tmp_path / "cal"
    papermill.execute_notebook(
        str(ROOT / "notebooks" / "calibrate.ipynb"), str(tmp_path / "c.ipynb"), cwd=str(ROOT), progress_bar=False,
        parameters={"output_dir": str(cal)},
    )  # fmt: skip
    assert load_scenario(cal / "calibrated.yaml").param("assumptions.closure_rate").source.startswith("calibrated")
