"""``umkm-sim batch`` end to end on a small scenario folder, and what each report contains.

One batch run (module fixture, ``--set years=3``) serves most assertions: two good scenarios, one
invalid file and one that fails a guard-rail inside the notebook. One English report of the
baseline is compared with the batch's Indonesian one.
"""

from __future__ import annotations

import json
import re
import shutil

import pandas as pd
import pytest
from conftest import BASELINE, ROOT
from openpyxl import load_workbook

from simulation.cli import main
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
        "monthly_segments.csv",
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
    assert "from simulation" not in page and "prepare(" not in page and "display(" not in page
    assert not re.search(r'<script[^>]*src="https?://', page), "the brief must open offline"
    # 2026 public cost: 73,000 x Rp16,800 x sum of (1 - c)^t over t = 0..11, c the monthly closure
    # of 5% a year (tests/test_closed_form.py): Rp14,376,416,675
    assert "Rp14,38 miliar" in page
    assert "<title>Ringkasan anggaran" in page and '<html lang="id">' in page


def _sheet(path, key, language):
    ws = load_workbook(path)[sheet_name(key, language)]
    rows = list(ws.values)
    return pd.DataFrame(rows[1:], columns=rows[0])


@pytest.mark.slow
def test_tables_xlsx_agrees_with_the_csvs(batch):
    folder = batch["out"] / "baseline"
    xlsx = folder / "tables.xlsx"
    names = load_workbook(xlsx).sheetnames
    sheets = ("annual", "payers", "kecamatan", "fiscal", "benefits", "assumptions", "provenance")
    assert names == [sheet_name(k, "id") for k in sheets]
    annual, sheet = pd.read_csv(folder / "annual.csv"), _sheet(xlsx, "annual", "id")
    for key in ("year", "covered_end", "coverage_end", "graduated", "subsidy_cost", "cumulative_subsidy_cost"):
        pd.testing.assert_series_equal(sheet[text(key, "id")], annual[key], check_names=False, rtol=1e-9)
    payers, sheet = pd.read_csv(folder / "payers_annual.csv"), _sheet(xlsx, "payers", "id")
    assert sheet[text("nominal", "id")].sum() == pytest.approx(payers["nominal"].sum())
    kec, sheet = pd.read_csv(folder / "by_kecamatan.csv"), _sheet(xlsx, "kecamatan", "id")
    assert list(sheet[text("kecamatan", "id")]) == list(kec["kecamatan"])
    assert sheet[text("subsidy_cost", "id")].to_numpy() == pytest.approx(kec["subsidy_cost"].to_numpy())
    fiscal, sheet = pd.read_csv(folder / "fiscal.csv"), _sheet(xlsx, "fiscal", "id")
    assert sheet[text("share_of_apbd", "id")].to_numpy() == pytest.approx(fiscal["share_of_apbd"].to_numpy())
    benefits, sheet = pd.read_csv(folder / "benefits.csv"), _sheet(xlsx, "benefits", "id")
    assert sheet[text("benefits_paid", "id")].to_numpy() == pytest.approx(benefits["benefits_paid"].to_numpy())
    assert sheet[text("families_reached", "id")].to_numpy() == pytest.approx(benefits["families_reached"].to_numpy())
    assumptions = _sheet(xlsx, "assumptions", "id")
    assert "F0.1" in " ".join(assumptions[text("source", "id")]) and len(assumptions) == len(
        pd.read_csv(folder / "assumptions.csv")
    )
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
