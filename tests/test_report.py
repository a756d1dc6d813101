"""The report notebook, run through papermill (the CLI and papermill itself)."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys

import nbformat
import pandas as pd
import pytest
from conftest import BASELINE, ROOT

from simulation import ScenarioError
from simulation.cli import main
from simulation.reporting.papermill_run import ReportError, run_report

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebooks_are_stored_clean_with_a_parameters_cell(path):
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code), "stored outputs"
    tagged = [i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    assert sum(len(c.source.splitlines()) for c in code) < 60, "notebooks stay thin; logic lives in the package"


@pytest.mark.slow
def test_report_command_writes_notebook_html_tables_and_charts(tmp_path):
    out = tmp_path / "baseline"
    assert main(["report", str(BASELINE), "--out", str(out), "--set", "years=3", "--language", "en"]) == 0
    for name in (
        "scenario_report.ipynb",
        "scenario_report.html",
        "annual.csv",
        "monthly.csv",
        "manifest.json",
        "members_by_state.png",
        "cost_by_payer.png",
        "assumptions.csv",
    ):
        assert (out / name).exists(), name
    html = (out / "scenario_report.html").read_text(encoding="utf-8")
    assert "Year by year" in html and "Assumptions and their sources" in html
    assert html.count("data:image/png;base64") >= 2
    assert "from simulation.reporting" not in html, "code cells must not reach the HTML"
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["scenario"]["overrides"] == {"years": 3}
    assert not list(tmp_path.glob(".baseline.partial-*"))
    # the manifest vouches for every file the report folder holds, by SHA-256 computed here independently
    files = {p.name for p in out.iterdir() if p.is_file() and p.name != "manifest.json"}
    assert set(manifest["sha256"]) == files
    for name in files:
        assert manifest["sha256"][name] == hashlib.sha256((out / name).read_bytes()).hexdigest(), name


@pytest.mark.slow
def test_plain_papermill_works(tmp_path):
    out_nb = tmp_path / "out.ipynb"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "papermill",
            str(ROOT / "notebooks" / "scenario_report.ipynb"),
            str(out_nb),
            "-p",
            "scenario",
            "scenarios/baseline.yaml",
            "-p",
            "output_dir",
            str(tmp_path / "tables"),
            "--cwd",
            str(ROOT),
        ],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert (tmp_path / "tables" / "annual.csv").exists()


def test_an_unknown_notebook_parameter_is_refused(tmp_path):
    with pytest.raises(
        ScenarioError,
        match="unknown notebook parameter; allowed: scenario, overrides, output_dir, language, engine, reps, seed",
    ):
        run_report(BASELINE, tmp_path / "x", parameters={"langauge": "en"})
    assert not (tmp_path / "x").exists()


def test_a_bad_scenario_fails_before_anything_is_written(tmp_path, capsys):
    assert main(["report", str(BASELINE), "--out", str(tmp_path / "r"), "--set", "policy.graduation.rate=3"]) == 2
    assert not (tmp_path / "r").exists()


@pytest.mark.slow
def test_a_failing_cell_leaves_no_complete_report_and_names_the_cell(tmp_path, capsys):
    """A run that fails inside the notebook keeps the old report, and the error names the cell."""
    out = tmp_path / "r"
    out.mkdir()
    (out / "scenario_report.html").write_text("previous complete report")
    (out / "manifest.json").write_text("{}")  # a report folder holds its manifest (only outputs are replaced)
    # the scenario is valid, but the notebook's own check refuses a non-dict overrides value
    assert main(["report", str(BASELINE), "--out", str(out), "-p", "overrides=not-a-dict"]) == 1
    assert re.search(r"cell \d+ failed with ScenarioError: .*overrides", capsys.readouterr().err)
    with pytest.raises(ReportError, match=r"cell \d+ failed with ScenarioError: .*overrides"):
        run_report(BASELINE, out, parameters={"overrides": "not-a-dict"})
    assert (out / "scenario_report.html").read_text() == "previous complete report"
    assert (tmp_path / "r.failed" / "scenario_report.ipynb").exists()
    assert not list(tmp_path.glob(".r.partial-*"))


@pytest.mark.slow
def test_the_report_runs_on_the_micro_engine_with_p5_p95_ranges(tmp_path):
    """Issue 3: the synthetic default runs through the micro engine in the report notebook."""
    out = tmp_path / "micro"
    args = ["report", str(BASELINE), "--out", str(out), "--engine", "micro", "--reps", "8", "--seed", "5"]
    assert main([*args, "--set", "years=3", "--language", "en"]) == 0
    html = (out / "scenario_report.html").read_text(encoding="utf-8")
    assert "P5-P95" in html
    quantiles = pd.read_csv(out / "annual_quantiles.csv")
    assert sorted(quantiles["quantile"].unique()) == [0.05, 0.5, 0.95]
    assert len(pd.read_csv(out / "annual_replicates.csv")) == 8 * 3
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["engine"] == "micro" and manifest["seed"] == 5


def test_the_micro_engine_runs_a_budget_ceiling_with_its_waiting_list(tmp_path):
    """Issue 5: the micro engine applies the ceiling and kecamatan quotas (it used to refuse them)."""
    scenario = ROOT / "scenarios" / "budget_ceiling.yaml"
    out = tmp_path / "x"
    args = ["run", str(scenario), "--engine", "micro", "--reps", "2", "--seed", "4", "--jobs", "1"]
    assert main([*args, "--set", "years=3", "--out", str(out)]) == 0
    annual = pd.read_csv(out / "annual.csv").set_index("year")
    ceiling = {2026: 10e9, 2027: 12e9, 2028: 15e9}
    for year, pagu in ceiling.items():
        assert annual.loc[year, "cost_apbd_kabupaten"] <= pagu
    assert annual.loc[2026, "waiting_end"] > 1_000  # Rp10 billion cannot pay for 73,000 UMKM
    by_kec = pd.read_csv(out / "by_kecamatan.csv")
    assert by_kec.query("year == 2026")["waiting_end"].sum() == pytest.approx(annual.loc[2026, "waiting_end"])
