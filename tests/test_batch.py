"""``umkm-sim batch`` end to end on a small scenario folder, and what each report contains.

One batch run (module fixture, ``--set years=3``) serves most assertions: two good scenarios, one
invalid file and one that fails a guard-rail inside the notebook. One English report of the
baseline is compared with the batch's Indonesian one.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from conftest import BASELINE, ROOT
from openpyxl import load_workbook

from simulation.cli import main
from simulation.outputs.run import run_scenario
from simulation.reporting.excel import sheet_name
from simulation.reporting.labels import text
from simulation.reporting.papermill_run import run_report

YEARS = ["--set", "years=3"]


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    folder = tmp_path_factory.mktemp("scenarios")
    shutil.copy(BASELINE, folder / "baseline.yaml")
    shutil.copy(ROOT / "scenarios" / "faster_graduation.yaml", folder / "faster_graduation.yaml")
    shutil.copy(ROOT / "tests" / "fixtures" / "failing" / "zero_target.yaml", folder / "zero_target.yaml")
    (folder / "broken.yaml").write_text("extends: baseline.yaml\ndescription: x\nassumptions:\n  closure_rat: 0.1\n")
    out = tmp_path_factory.mktemp("reports")
    import contextlib
    import io

    stdout = io.StringIO()
    with contextlib.redirect_stdout(stdout):
        code = main(["batch", "--folder", str(folder), "--out", str(out), "--jobs", "2", *YEARS])
    return {"code": code, "out": out, "stdout": stdout.getvalue()}


@pytest.fixture(scope="module")
def english(tmp_path_factory):
    out = tmp_path_factory.mktemp("en") / "baseline"
    run_report(BASELINE, out, overrides={"years": 3}, parameters={"language": "en"})
    return out


@pytest.mark.slow
def test_batch_goes_on_past_failures_and_exits_non_zero(batch):
    assert batch["code"] == 1
    text_out = batch["stdout"]
    assert re.search(r"baseline\s+ok", text_out) and re.search(r"faster_graduation\s+ok", text_out)
    assert re.search(r"broken\s+FAILED", text_out) and re.search(r"zero_target\s+FAILED", text_out)
    assert "broken: ScenarioError" in text_out and "Did you mean 'closure_rate'?" in text_out
    assert re.search(r"zero_target: ReportError: .*cell \d+ failed with PlausibilityError", text_out)
    assert re.search(r"compare_scenarios\s+ok", text_out)
    assert "2 failed: broken, zero_target" in text_out


@pytest.mark.slow
def test_a_failing_scenario_leaves_a_clear_error_and_no_report(batch):
    out = batch["out"]
    assert not (out / "zero_target").exists() and not (out / "broken").exists()
    error = (out / "zero_target.failed" / "ERROR.txt").read_text()
    assert "PlausibilityError" in error and "coverage against the target is undefined" in error
    assert "no report was written" in error
    assert not list(out.glob(".*partial*"))


@pytest.mark.slow
def test_index_links_every_report_with_headline_figures(batch):
    out = batch["out"]
    page = (out / "index.html").read_text(encoding="utf-8")
    for name in ("baseline", "faster_graduation"):
        assert f'href="{name}/scenario_report.html"' in page and (out / name / "scenario_report.html").exists()
        assert f'href="{name}/tables.xlsx"' in page
        manifest = json.loads((out / name / "manifest.json").read_text())
        cost = manifest["indicators"]["subsidy_cost_total"]
        from simulation.reporting.formats import rupiah

        assert rupiah(cost, "id") in page
    assert 'href="compare_scenarios/compare_scenarios.html"' in page
    assert 'href="sensitivity/sensitivity.html"' in page and 'href="calibration/calibrate.html"' in page
    assert (out / "sensitivity" / "sobol.csv").exists() and (out / "calibration" / "calibrated.yaml").exists()
    assert "zero_target" in page and "PlausibilityError" in page and "broken" in page


@pytest.mark.slow
def test_report_folder_holds_every_output(batch):
    folder = batch["out"] / "baseline"
    expected = {
        "scenario_report.ipynb",
        "scenario_report.html",
        "tables.xlsx",
        "manifest.json",
        "assumptions.csv",
        "annual.csv",
        "monthly.csv",
        "monthly_segments.parquet",
        "ledger.csv",
        "payers_annual.csv",
        "by_kecamatan.csv",
        "benefits.csv",
        "fiscal.csv",
        "members_by_state.png",
        "cost_by_payer.png",
        "cumulative_cost.png",
        "coverage.png",
        "by_kecamatan.png",
    }
    assert expected <= {p.name for p in folder.iterdir()}
    manifest = json.loads((folder / "manifest.json").read_text())
    assert {"tables.xlsx", "coverage.png", "annual.csv"} <= set(manifest["files"])
    assert manifest["language"] == "id" and manifest["scenario"]["overrides"] == {"years": 3}


@pytest.mark.slow
def test_html_has_the_sections_embedded_images_and_no_code(batch):
    page = (batch["out"] / "baseline" / "scenario_report.html").read_text(encoding="utf-8")
    for key in (
        "report_title",
        "section_headline",
        "section_reading",
        "section_years",
        "section_charts",
        "section_payers",
        "section_fiscal",
        "section_benefits",
        "section_assumptions",
        "subsidy_npv",
        "families_reached",
        "waiting_end",
    ):
        assert text(key, "id") in page, key
    assert page.count('src="data:image/png;base64') == 5
    # each chart's alternative text is its title in the brief's language, not nbconvert's English stand-in
    alts = re.findall(r'<img [^>]*alt="([^"]*)"', page)
    assert alts == ["UMKM menurut status kepesertaan", "Biaya tahunan menurut pembayar", "Biaya publik kumulatif",
                    "UMKM terlindungi terhadap target", "Per kecamatan"]  # fmt: skip
    assert "No description" not in page
    assert "from simulation" not in page and "prepare(" not in page and "display(" not in page
    assert not re.search(r'<script[^>]*src="https?://', page), "the brief must open offline"
    # 2026 public cost: 73,000 x Rp16,800 x sum of (1 - c)^t over t = 0..11, c the monthly closure
    # of 5% a year (tests/test_closed_form.py): Rp14,376,416,675
    assert "Rp14,38 miliar" in page
    assert "<title>Ringkasan anggaran" in page and '<html lang="id">' in page


def _header(key: str, language: str = "id") -> str:
    """A column's header in the workbook: a rupiah total is shown in millions and its header says so."""
    from simulation.outputs.variables import variable
    from simulation.reporting.tables import with_unit

    if key != "year" and variable(key).unit == "IDR":
        return with_unit(text(key, language), text("unit_million", language), language)
    return text(key, language)


def _sheet(path, key, language):
    ws = load_workbook(path)[sheet_name(key, language)]
    rows = list(ws.values)
    return pd.DataFrame(rows[1:], columns=rows[0])


@pytest.mark.slow
def test_tables_xlsx_agrees_with_the_csvs(batch):
    folder = batch["out"] / "baseline"
    xlsx = folder / "tables.xlsx"
    names = load_workbook(xlsx).sheetnames
    sheets = ("annual", "apbd", "cash", "payers", "kecamatan", "fiscal", "benefits", "assumptions", "provenance")
    assert names == [sheet_name(k, "id") for k in sheets]
    annual, sheet = pd.read_csv(folder / "annual.csv"), _sheet(xlsx, "annual", "id")
    for key in ("year", "covered_end", "coverage_end", "graduated", "subsidy_cost", "cumulative_subsidy_cost"):
        pd.testing.assert_series_equal(sheet[_header(key)], annual[key], check_names=False, rtol=1e-9)
    apbd = _sheet(xlsx, "apbd", "id")
    assert apbd.iloc[:, -1].to_numpy() == pytest.approx(annual["cost_apbd_kabupaten"].to_numpy())
    payers, sheet = pd.read_csv(folder / "payers_annual.csv"), _sheet(xlsx, "payers", "id")
    assert sheet[_header("nominal")].sum() == pytest.approx(payers["nominal"].sum())
    kec, sheet = pd.read_csv(folder / "by_kecamatan.csv"), _sheet(xlsx, "kecamatan", "id")
    assert list(sheet[text("kecamatan", "id")]) == list(kec["kecamatan"])
    assert sheet[_header("subsidy_cost")].to_numpy() == pytest.approx(kec["subsidy_cost"].to_numpy())
    fiscal, sheet = pd.read_csv(folder / "fiscal.csv"), _sheet(xlsx, "fiscal", "id")
    assert sheet[text("share_of_apbd", "id")].to_numpy() == pytest.approx(fiscal["share_of_apbd"].to_numpy())
    benefits, sheet = pd.read_csv(folder / "benefits.csv"), _sheet(xlsx, "benefits", "id")
    assert sheet[_header("benefits_paid")].to_numpy() == pytest.approx(benefits["benefits_paid"].to_numpy())
    assert sheet[text("families_reached", "id")].to_numpy() == pytest.approx(benefits["families_reached"].to_numpy())
    assumptions = _sheet(xlsx, "assumptions", "id")
    # one row per value (dated values and per-sector values spread over rows), numbers as numbers
    assert "F0.1" in " ".join(assumptions[text("source", "id")])
    assert len(assumptions) >= len(pd.read_csv(folder / "assumptions.csv"))
    provenance = _sheet(xlsx, "provenance", "id")
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["scenario"]["hash"] in list(provenance[text("value", "id")])


@pytest.mark.slow
def test_indonesian_and_english_reports_have_the_same_figures(batch, english):
    indonesian = batch["out"] / "baseline"
    for csv in ("annual.csv", "payers_annual.csv", "by_kecamatan.csv", "fiscal.csv", "benefits.csv"):
        pd.testing.assert_frame_equal(pd.read_csv(indonesian / csv), pd.read_csv(english / csv))
    m_id = json.loads((indonesian / "manifest.json").read_text())
    m_en = json.loads((english / "manifest.json").read_text())
    assert m_id["indicators"] == m_en["indicators"] and m_en["language"] == "en"
    for key in ("annual", "payers", "kecamatan", "fiscal", "benefits"):
        a, b = _sheet(indonesian / "tables.xlsx", key, "id"), _sheet(english / "tables.xlsx", key, "en")
        numeric_a = a.select_dtypes("number").to_numpy()
        numeric_b = b.select_dtypes("number").to_numpy()
        assert numeric_a.shape == numeric_b.shape and (numeric_a == numeric_b).all(), key
    page = (english / "scenario_report.html").read_text(encoding="utf-8")
    assert "Headline figures" in page and "What the numbers say" in page and "IDR " in page
    assert text("section_fiscal", "en") in page and text("section_benefits", "en") in page
    total = m_en["indicators"]["subsidy_cost_total"]
    from simulation.reporting.formats import rupiah

    assert rupiah(total, "en") in page
    assert rupiah(total, "id") in (indonesian / "scenario_report.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_comparison_has_summary_differences_and_charts(batch):
    folder = batch["out"] / "compare_scenarios"
    page = (folder / "compare_scenarios.html").read_text(encoding="utf-8")
    for key in ("compare_title", "compare_summary", "compare_by_year", "compare_differences"):
        assert text(key, "id") in page
    assert page.count('src="data:image/png;base64') == 3 and "from simulation" not in page
    assert re.findall(r'<img [^>]*alt="([^"]*)"', page) == [
        "Biaya publik per tahun", "Cakupan terhadap target", "Selisih biaya total terhadap baseline"
    ]  # fmt: skip
    summary = pd.read_csv(folder / "comparison_summary.csv")
    assert list(summary[text("scenario", "id")]) == ["baseline", "faster_graduation"]
    diff = summary.set_index(text("scenario", "id"))[text("diff_cost_total", "id")]
    base = json.loads((batch["out"] / "baseline" / "manifest.json").read_text())["indicators"]
    fast = json.loads((batch["out"] / "faster_graduation" / "manifest.json").read_text())["indicators"]
    assert diff["baseline"] == 0
    assert diff["faster_graduation"] == pytest.approx(fast["subsidy_cost_total"] - base["subsidy_cost_total"])
    assert diff["faster_graduation"] < 0  # graduating faster costs the APBD less


def test_batch_refuses_an_unknown_notebook_parameter(tmp_path, capsys):
    assert main(["batch", "baseline", "--out", str(tmp_path), "-p", "langauge=en"]) == 2
    assert "unknown notebook parameter" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())


def _two_baselines(tmp_path):
    """``a/baseline.yaml`` (the shipped baseline) and ``b/baseline.yaml`` (a dearer reform of it)."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    shutil.copy(BASELINE, tmp_path / "a" / "baseline.yaml")
    dear = tmp_path / "b" / "baseline.yaml"
    dear.write_text(
        f"extends: {BASELINE}\ndescription: twice the JKM contribution\ncontribution:\n  jkm: 13600\n", encoding="utf-8"
    )
    return tmp_path / "a" / "baseline.yaml", dear


def test_scenario_names_tell_files_of_one_stem_apart(tmp_path):
    from simulation.core.errors import ScenarioError
    from simulation.reporting.names import scenario_names

    a, b = _two_baselines(tmp_path)
    fast = ROOT / "scenarios" / "faster_graduation.yaml"
    assert scenario_names([a, fast, b]) == ["a_baseline", "faster_graduation", "b_baseline"]
    deep_a, deep_b = tmp_path / "x" / "s" / "base.yaml", tmp_path / "y" / "s" / "base.yaml"
    assert scenario_names([deep_a, deep_b]) == ["x_s_base", "y_s_base"]
    with pytest.raises(ScenarioError, match="one file named twice"):
        scenario_names([a, tmp_path / "b" / ".." / "a" / "baseline.yaml"])


def test_the_comparison_keeps_two_scenarios_of_one_name_and_the_right_baseline(tmp_path):
    from simulation.reporting.compare import prepare_comparison
    from simulation.scenario import load_scenario

    a, b = _two_baselines(tmp_path)
    cmp = prepare_comparison(f"{a},{b}", str(b), {"years": 2}, str(tmp_path / "cmp"), "en")
    assert cmp.baseline == "b_baseline" and list(cmp.indicators) == ["b_baseline", "a_baseline"]
    expected = {name: run_scenario(load_scenario(p, overrides={"years": 2})) for name, p in (("a", a), ("b", b))}
    totals = {k: r.indicators()["subsidy_cost_total"] for k, r in expected.items()}
    assert cmp.indicators["b_baseline"]["subsidy_cost_total"] == pytest.approx(totals["b"], rel=1e-12)
    summary = pd.read_csv(tmp_path / "cmp" / "comparison_summary.csv").set_index(text("scenario", "en"))
    assert summary.loc["a_baseline", text("diff_cost_total", "en")] == pytest.approx(totals["a"] - totals["b"])
    assert totals["a"] < totals["b"]  # the shipped baseline is the cheaper one


def test_a_batch_with_two_baselines_and_no_choice_is_refused_before_anything_runs(tmp_path, capsys):
    a, b = _two_baselines(tmp_path)
    out = tmp_path / "reports"
    assert main(["batch", str(a), str(b), "--out", str(out), *YEARS]) == 2
    assert "several scenarios are called baseline; name the one to compare against with --baseline" in (
        capsys.readouterr().err
    )
    assert not out.exists()


def test_a_second_batch_into_the_same_reports_is_refused(tmp_path, capsys):
    import subprocess
    import sys

    out = tmp_path / "reports"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\nfrom simulation.io.lock import folder_lock\n"
            f"with folder_lock({str(out)!r}, 'umkm-sim batch'):\n    print('held', flush=True)\n    time.sleep(60)\n",
        ],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        assert main(["batch", str(BASELINE), "--out", str(out), "--no-analyses", *YEARS]) == 4
        err = capsys.readouterr().err
        assert err.startswith(f"umkm-sim: {out} is being written by umkm-sim batch (process {holder.pid}, started ")
        assert sorted(p.name for p in out.iterdir()) == [".umkm-sim.lock"]
    finally:
        holder.kill()
        holder.wait()
    from simulation.io.lock import folder_lock

    with folder_lock(out, "test"):  # released by the killed holder: a stale lock never blocks
        pass


def test_two_scenarios_of_one_name_get_their_own_reports(tmp_path, capsys):
    a, b = _two_baselines(tmp_path)
    out = tmp_path / "reports"
    args = ["batch", str(a), str(b), "--baseline", str(a), "--out", str(out), "--no-analyses", "--jobs", "1", *YEARS]
    assert main(args) == 0, capsys.readouterr()
    manifests = {k: json.loads((out / f"{k}_baseline" / "manifest.json").read_text()) for k in ("a", "b")}
    assert manifests["a"]["scenario"]["resolved"]["contribution"]["jkm"]["values"] == {"2026-01": 6800.0}
    assert manifests["b"]["scenario"]["resolved"]["contribution"]["jkm"]["value"] == 13600.0
    summary = pd.read_csv(out / "compare_scenarios" / "comparison_summary.csv").set_index(text("scenario", "id"))
    assert list(summary.index) == ["a_baseline", "b_baseline"]
    costs = {k: m["indicators"]["subsidy_cost_total"] for k, m in manifests.items()}
    assert summary.loc["b_baseline", text("diff_cost_total", "id")] == pytest.approx(costs["b"] - costs["a"])
    assert costs["b"] > costs["a"] > 0 and not (out / "baseline").exists()
    page = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="a_baseline/scenario_report.html"' in page and 'href="b_baseline/scenario_report.html"' in page


def _flaky_report(failures: list[Exception], calls: list):
    """A stand-in for ``run_report`` that raises ``failures`` in turn, then writes a real run's tables."""
    from simulation.io.write import write_result
    from simulation.reporting.papermill_run import Report
    from simulation.scenario import load_scenario

    def run_report(path, out, overrides=None, parameters=None):
        calls.append(out)
        if len(calls) <= len(failures):
            raise failures[len(calls) - 1]
        write_result(run_scenario(load_scenario(path, overrides={"years": 2})), out)
        return Report(folder=out, notebook=out / "scenario_report.ipynb", html=out / "scenario_report.html")

    return run_report


def test_a_kernel_that_fails_to_start_is_tried_once_more(tmp_path, monkeypatch):
    from simulation.reporting import batch as batch_module

    calls = []
    died = RuntimeError("Kernel died before replying to kernel_info")
    monkeypatch.setattr(batch_module, "run_report", _flaky_report([died], calls))
    outcome = batch_module.run_one(str(BASELINE), str(tmp_path), {}, {})
    assert outcome.ok and len(calls) == 2 and outcome.html == "baseline/scenario_report.html"
    calls.clear()
    monkeypatch.setattr(batch_module, "run_report", _flaky_report([died, died], calls))
    outcome = batch_module.run_one(str(BASELINE), str(tmp_path), {}, {})
    assert not outcome.ok and len(calls) == 2 and outcome.error == f"RuntimeError: {died}"


def test_a_failing_cell_is_not_tried_again(tmp_path, monkeypatch):
    from simulation.reporting import batch as batch_module
    from simulation.reporting.papermill_run import ReportError

    calls = []
    failed = ReportError("scenario_report.ipynb: cell 4 failed with PlausibilityError: x\n  the partial run is in y")
    monkeypatch.setattr(batch_module, "run_report", _flaky_report([failed], calls))
    outcome = batch_module.run_one(str(BASELINE), str(tmp_path), {}, {})
    assert not outcome.ok and len(calls) == 1
    table = batch_module.summary([outcome])
    expected = "cell 4 failed with PlausibilityError: x | the partial run is in y"
    assert table.splitlines()[-1] == f"baseline: ReportError: scenario_report.ipynb: {expected}"


def test_a_worker_freezes_what_it_holds_once_and_a_callers_process_never(monkeypatch):
    import simulation.reporting.batch as batch_module

    calls = []
    monkeypatch.setattr(batch_module.gc, "freeze", lambda: calls.append(1))
    monkeypatch.setattr(batch_module, "_FROZEN", [])
    monkeypatch.setattr(batch_module, "_WORKER_KERNEL", [])
    batch_module._freeze_once()
    assert calls == []  # not a batch worker: the caller's objects stay collectable
    monkeypatch.setattr(batch_module, "_WORKER_KERNEL", [object()])
    batch_module._freeze_once()
    batch_module._freeze_once()
    assert calls == [1]  # a worker, once


def test_the_comparison_starts_once_every_report_left_is_running():
    from simulation.reporting.batch import _ready_to_compare

    # 13 reports on 2 workers: after 11 are done the last 2 are running, none waits
    assert [_ready_to_compare(13, done, 2) for done in (0, 10, 11, 12, 13)] == [False, False, True, True, True]
    assert _ready_to_compare(2, 0, 2) and _ready_to_compare(1, 0, 4)  # fewer reports than workers: at once


def test_the_early_comparison_stands_when_its_scenarios_succeeded_else_it_runs_again_on_those_that_did():
    from simulation.reporting.batch import Outcome, _final_comparison

    early = Outcome("compare_scenarios", "", True, 1.0)
    names = ["baseline", "broken", "pessimistic"]
    outcomes = {
        "baseline": Outcome("baseline", "s/baseline.yaml", True, 1.0),
        "broken": Outcome("broken", "s/broken.yaml", False, 0.1, error="x"),
        "pessimistic": Outcome("pessimistic", "s/pessimistic.yaml", True, 1.0),
    }
    calls = []

    def compare(done, kernel):
        calls.append((done, kernel))
        return Outcome("compare_scenarios", "", True, 2.0)

    # started after "broken" had failed: it compared exactly the scenarios that succeeded
    assert _final_comparison(early, ["baseline", "pessimistic"], names, outcomes, compare, "k") is early
    assert calls == []
    # started while "broken" was still running: run again without it
    again = _final_comparison(early, names, names, outcomes, compare, "k")
    assert again.seconds == 2.0 and calls == [([Path("s/baseline.yaml"), Path("s/pessimistic.yaml")], "k")]
