"""The planner app without a browser: levers, figures against closed forms, refusals, save, uncertainty, files."""

from __future__ import annotations

import html
import json
import signal
import socket
import subprocess
import sys
import threading
import time

import openpyxl
import psutil
import pytest
import yaml
from app_helpers import MEMBERS, MONTHLY, scenario_folder
from conftest import BASELINE, ROOT

from simulation.app import cashplan, figures, levers, saving
from simulation.app.notebook import build
from simulation.app.planner import Planner, slug
from simulation.app.uncertainty import run_cancellable
from simulation.cli import main as cli
from simulation.cli.cmd_app import command, is_loopback
from simulation.outputs.run import run
from simulation.reporting import formats
from simulation.reporting.notebook import ReportContext
from simulation.scenario import load_scenario

YEAR = MEMBERS * MONTHLY * 12
"""Public cost of one quiet year with every UMKM subsidised (rupiah): 14,716,800,000."""


@pytest.fixture
def folder(tmp_path):
    return scenario_folder(tmp_path)


@pytest.fixture
def planner(folder, tmp_path):
    made = Planner(folder, tmp_path / "out", scenario="quiet")
    yield made
    made.close()  # the briefs' kernel, if a test started one


def test_lever_ranges_come_from_the_scenario_file():
    base = load_scenario(BASELINE)
    assert levers.bounds(base, "policy.graduation.rate") == (0.01, 0.25)  # baseline.yaml: range [0.01, 0.25]
    assert levers.bounds(base, "assumptions.closure_rate") == (0.02, 0.12)
    assert levers.bounds(base, "policy.graduation.evaluation_month") == (1, 12)  # a calendar month
    assert levers.bounds(base, "payers.dbhcht") == (0.0, 1.0)
    with pytest.raises(levers.LeverError, match=r"0.9 di luar rentang 0.01 - 0.25"):
        levers.check(base, "policy.graduation.rate", 0.9)
    with pytest.raises(levers.LeverError, match=r"outside the range 0.01 - 0.25"):
        levers.check(base, "policy.graduation.rate", 0.005, "en")


def test_rollout_steps_read_and_write_the_scenario_dates():
    phased = load_scenario(ROOT / "scenarios" / "phased_rollout.yaml")
    text = levers.initial(phased, "policy.rollout")
    assert text == "2026-01: 25000; 2026-07: 45000; 2027-01: 60000; 2027-07: 73000"
    assert levers.parse_steps(text) == {"2026-01": 25000, "2026-07": 45000, "2027-01": 60000, "2027-07": 73000}
    assert levers.initial(load_scenario(BASELINE), "policy.rollout") == "2026-01: 73000"
    with pytest.raises(levers.LeverError, match="YYYY-MM"):
        levers.parse_steps("July: 45000")


def test_only_changed_levers_become_overrides_and_the_regency_pays_the_rest():
    base = load_scenario(BASELINE)
    values = {key: levers.initial(base, key) for key in levers.LEVERS}
    assert levers.overrides(base, values) == {}
    values.update({"policy.graduation.rate": 0.2, "payers.apbd_provinsi": 0.3, "payers.dana_desa": 0.1})
    assert levers.overrides(base, values) == {
        "policy.graduation.rate": 0.2,
        "policy.payers": {"2026-01": {"apbd_kabupaten": 0.6, "apbd_provinsi": 0.3, "dana_desa": 0.1}},
    }


def test_headline_figures_follow_the_closed_form(planner):
    lang = "id"
    assert planner.cells["cost"][1].value == f"<b>{formats.rupiah(2 * YEAR, lang)}</b>"
    assert planner.cells["cost-first"][1].value == f"<b>{formats.rupiah(YEAR, lang)}</b>"
    assert planner.cells["coverage"][1].value == f"<b>{formats.percent(1.0, lang)}</b>"
    planner.controls["policy.graduation.rate"].value = 0.2  # typed into the number box
    # 20% graduate in December 2026, so 2027 costs 80% of a year: 1.8 years in all
    assert planner.cells["cost"][1].value == f"<b>{formats.rupiah(1.8 * YEAR, lang)}</b>"
    assert planner.cells["cost"][2].value == formats.rupiah(2 * YEAR, lang)  # the base beside it
    assert planner.cells["cost"][3].value == formats.rupiah(-0.2 * YEAR, lang)
    assert planner.cells["graduates"][1].value == f"<b>{formats.count(0.2 * MEMBERS + 0.2 * 0.8 * MEMBERS, lang)}</b>"
    # coverage counts graduates who keep paying: 20% graduate at retention 0.4 (the baseline's, G2.2-G2.3),
    # so 12% of the target leave
    assert planner.cells["coverage"][3].value == f"{formats.number(-12.0, lang)} poin persen"
    planner.controls["payers.apbd_provinsi"].value = 0.3
    assert planner.cells["kabupaten"][1].value == f"<b>{formats.rupiah(0.7 * 1.8 * YEAR, lang)}</b>"
    assert planner.cells["cost"][1].value == f"<b>{formats.rupiah(1.8 * YEAR, lang)}</b>"  # still public money


def test_the_slider_and_the_number_box_move_together(planner):
    planner.sliders["policy.graduation.rate"].value = 0.2
    assert planner.controls["policy.graduation.rate"].value == 0.2
    assert planner.cells["cost"][1].value == f"<b>{formats.rupiah(1.8 * YEAR, 'id')}</b>"
    planner.controls["policy.graduation.rate"].value = 0.1
    assert planner.sliders["policy.graduation.rate"].value == 0.1
    assert planner.result.scenario.first("policy.graduation.rate") == 0.1


def test_values_outside_the_range_or_invalid_are_refused_and_the_old_value_stays(planner):
    box = planner.controls["policy.graduation.rate"]
    box.value = 0.9
    assert "0.9 di luar rentang 0 - 0.25" in planner.message.value
    assert box.value == 0.0 and planner.values["policy.graduation.rate"] == 0.0
    planner.controls["policy.rollout"].value = "2026-01: 45000; 2026-07: 25000"
    assert "cannot fall" in planner.message.value
    assert planner.values["policy.rollout"] == "2026-01: 73000"
    planner.controls["payers.apbd_provinsi"].value = 0.7
    planner.controls["payers.dbhcht"].value = 0.5
    assert "lebih dari 1" in planner.message.value
    assert planner.values["payers.dbhcht"] == 0.0
    assert planner.cells["cost"][1].value == f"<b>{formats.rupiah(2 * YEAR, 'id')}</b>"


def test_english_keeps_the_values(planner):
    planner.controls["policy.graduation.rate"].value = 0.2
    planner.switch_language("en")
    assert planner.cells["cost"][0].value == "Total public cost 2026-2027"
    assert planner.cells["cost"][1].value == f"<b>{formats.rupiah(1.8 * YEAR, 'en')}</b>"
    assert planner.controls["policy.graduation.rate"].value == 0.2
    assert planner.cells["coverage"][3].value == "-12.0 percentage points"


def test_every_lever_has_its_css_hook_and_the_charts_are_images(planner):
    assert slug("policy.graduation.rate") == "graduation-rate"
    for key, control in planner.controls.items():
        assert f"umkm-lever-{slug(key)}" in control._dom_classes
    assert "umkm-headline-cost" in planner.cells["cost"][1]._dom_classes
    assert len(planner.images) == 3
    for image in planner.images.values():
        assert "umkm-chart" in image._dom_classes
        assert image.value[:8] == b"\x89PNG\r\n\x1a\n"


def test_kept_charts_draw_what_new_figures_draw_and_skip_charts_whose_numbers_did_not_change(folder, monkeypatch):
    base = load_scenario(folder / "quiet.yaml")
    shared = {"2026-01": {"apbd_kabupaten": 0.6, "dbhcht": 0.4}}
    steps = [
        base,
        base.with_overrides({"policy.graduation.rate": 0.2}),  # new numbers, same series: updated in place
        base.with_overrides({"policy.graduation.rate": 0.2, "policy.payers": shared}),  # a second payer: new figure
        base.with_overrides({"policy.graduation.rate": 0.1, "policy.payers": shared}),
    ]
    charts = figures.Charts()
    for scenario in steps:
        result = run(scenario)
        assert charts.draw(result, "id") == figures.draw(result, "id")  # the same PNG, byte for byte
    assert charts.draw(result, "en") == figures.draw(result, "en")
    rendered = []
    real = figures.png
    monkeypatch.setattr(figures, "png", lambda fig: rendered.append(fig) or real(fig))
    yearly = run(steps[-1].with_overrides({"policy.payment_schedule": {"every": "yearly", "timing": "advance"}}))
    assert charts.draw(yearly, "en") == figures.draw(run(steps[-1]), "en")
    assert len(rendered) == 3  # the three fresh ones: the schedule moves the cash only, no kept chart is rendered
    rendered.clear()
    funded = run(steps[-1].with_overrides({"policy.months_funded": {"value": 8, "unit": "months", "source": "test"}}))
    charts.draw(funded, "en")
    # months 9-12 unfunded: members keep their state (that chart is not rendered); the cost falls, and
    # December is the fourth unpaid month, when cover ends, so the protected count changes too
    titles = [fig.axes[0].get_title() for fig in rendered]
    assert titles == ["Annual cost by payer", "UMKM protected against the target"]


def test_a_saved_scenario_extends_the_base_lists_only_changes_and_validates(planner, folder, capsys):
    planner.controls["policy.graduation.rate"].value = 0.2
    planner.save_name.value = "lulus_cepat"
    planner.save_description.value = "Naik kelas 20% per evaluasi."
    path = planner.save()
    assert path == folder / "lulus_cepat.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert set(doc) == {"extends", "description", "policy"}
    assert doc["extends"] == "quiet.yaml"
    assert doc["policy"] == {"graduation": {"rate": {"value": 0.2, "source": saving.SOURCE.format(base="quiet.yaml")}}}
    saved = run(str(path)).annual()["subsidy_cost"].sum()
    assert saved == pytest.approx(1.8 * YEAR, rel=1e-12)
    assert cli(["validate", str(path)]) == 0
    assert cli(["list", str(folder)]) == 0
    assert "Naik kelas 20% per evaluasi." in capsys.readouterr().out


def test_a_description_in_both_languages_is_saved_as_the_schemas_pair_and_each_brief_reads_its_own(
    planner, folder, tmp_path
):
    planner.save_name.value = "dua_bahasa"
    planner.save_description.value = "Dua tahun tenang,\n  tanpa   perubahan."
    planner.save_description_en.value = "Two quiet years, nothing changed."
    path = planner.save()
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert doc["description"] == {"id": "Dua tahun tenang, tanpa perubahan.", "en": "Two quiet years, nothing changed."}
    saved = load_scenario(path)
    result = run(saved)
    for language, own, other in (("id", "Dua tahun tenang", "Two quiet"), ("en", "Two quiet years", "Dua tahun")):
        title = ReportContext(saved, result, tmp_path, language).title().data
        assert own in title and other not in title, (language, title)
    planner.save_name.value = "satu_bahasa"
    planner.save_description_en.value = "  "
    only = yaml.safe_load(planner.save().read_text(encoding="utf-8"))
    assert only["description"] == "Dua tahun tenang, tanpa perubahan."  # one text serves both languages


def test_a_ceiling_the_base_sets_can_be_removed(folder, tmp_path):
    ceiling = 10_000_000_000  # below the Rp14.7 billion a quiet year costs: it binds
    capped = {
        "extends": "quiet.yaml",
        "description": "Pagu Rp10 miliar.",
        "policy": {"budget_ceiling": {"value": ceiling, "unit": levers.CEILING_UNIT, "source": "test"}},
    }
    (folder / "capped.yaml").write_text(yaml.safe_dump(capped), encoding="utf-8")
    planner = Planner(folder, tmp_path / "out", scenario="capped")
    assert levers.bounds(planner.base, levers.CEILING) == (0, 50_000_000_000)  # 0 = no ceiling is offered
    assert planner.values[levers.CEILING] == ceiling
    # the cohort engine enrols (fractionally) up to the ceiling: each year costs exactly the ceiling
    assert list(planner.result.annual()["subsidy_cost"]) == pytest.approx([ceiling, ceiling], rel=1e-9)
    planner.controls[levers.CEILING].value = 0
    assert planner.message.value == "" and planner.overrides() == {levers.CEILING: None}
    assert planner.result.scenario.model.policy.budget_ceiling is None
    assert planner.cells["cost"][1].value == f"<b>{formats.rupiah(2 * YEAR, 'id')}</b>"  # every member, both years
    planner.save_name.value = "tanpa_pagu"
    planner.save_description.value = "Pagu dihapus."
    path = planner.save()
    text = path.read_text(encoding="utf-8")
    assert yaml.safe_load(text)["policy"] == {"budget_ceiling": None}
    assert cli(["validate", str(path)]) == 0
    saved = run(str(path))
    assert saved.scenario.model.policy.budget_ceiling is None
    assert saved.annual()["subsidy_cost"].sum() == pytest.approx(2 * YEAR, rel=1e-12)
    planner.controls[levers.CEILING].value = 12_000_000_000  # moved, not removed: a constant ceiling
    assert planner.overrides() == {levers.CEILING: 12_000_000_000}
    assert planner.result.scenario.first(levers.CEILING) == 12_000_000_000


def test_saving_asks_before_overwriting_and_refuses_bad_names(planner, folder, tmp_path):
    planner.save_description.value = "Uji."
    planner.save_name.value = "quiet"
    before = (folder / "quiet.yaml").read_bytes()
    assert planner.save() is None
    assert "sudah ada" in planner.save_status.value
    assert (folder / "quiet.yaml").read_bytes() == before
    planner.save_name.value = "salinan"
    assert planner.save() == folder / "salinan.yaml"
    assert planner.save() is None  # the second time it exists
    planner.save_overwrite.value = True
    assert planner.save() == folder / "salinan.yaml"
    everything = sorted(p for p in tmp_path.rglob("*") if p.is_file())
    for name in ("../keluar", "a/b", "/tmp/x", "Besar", ""):
        planner.save_name.value = name
        assert planner.save() is None, name
        assert "huruf kecil" in planner.save_status.value
    assert sorted(p for p in tmp_path.rglob("*") if p.is_file()) == everything


def test_an_invalid_scenario_shows_its_message_and_writes_nothing(folder):
    base = load_scenario(folder / "quiet.yaml")
    with pytest.raises(saving.SaveError) as caught:
        saving.save(folder, "rusak", base, {"policy.graduation.rate": 1.5}, "Rusak.")
    assert caught.value.reason == "invalid"
    assert "rusak.yaml" in str(caught.value) and "policy.graduation.rate" in str(caught.value)
    assert sorted(p.name for p in folder.iterdir()) == ["baseline.yaml", "quiet.yaml"]


def test_the_cancellable_micro_run_matches_the_engine_and_stops():
    base = load_scenario(BASELINE, overrides={"years": 2})
    seen = []
    mine = run_cancellable(base, reps=3, seed=11, progress=lambda done, total: seen.append((done, total)))
    theirs = run(base, engine="micro", reps=3, seed=11, jobs=1)
    assert seen == [(1, 3), (2, 3), (3, 3)]
    assert mine.annual_replicates().equals(theirs.annual_replicates())
    stop = threading.Event()
    stop.set()
    assert run_cancellable(base, reps=3, seed=11, cancel=stop) is None


def test_uncertainty_draws_bands_from_at_least_100_replicates(planner):
    cohort = dict((name, image.value) for name, image in planner.images.items())
    planner.reps.value = 5
    assert planner.reps.value == 100  # bounded: at least 100
    planner.start_uncertainty(wait=True)
    assert planner.band is not None and planner.band.reps == 100
    assert "100" in planner.band_status.value and planner.progress.value == 100
    assert all(planner.images[name].value != cohort[name] for name in cohort)
    planner.controls["policy.graduation.rate"].value = 0.1
    assert planner.band is None  # new settings: the bands no longer apply


def test_uncertainty_can_be_cancelled(planner):
    planner.start_uncertainty()
    planner.cancel.set()
    planner.thread.join()
    assert planner.band is None
    assert planner.band_status.value.startswith("Dibatalkan sesudah")


@pytest.mark.slow
def test_downloads_write_into_the_output_folder_only(planner, tmp_path):
    planner.controls["policy.graduation.rate"].value = 0.2
    path = planner.prepare_xlsx()
    assert path == tmp_path / "out" / "tables" / "tables.xlsx"
    book = openpyxl.load_workbook(path)
    assert "Ringkasan tahunan" in book.sheetnames
    assert 'download="tables.xlsx"' in planner.links.value and "base64," in planner.links.value
    assert "umkm-link-xlsx" in planner.links.value
    brief = planner.prepare_brief()
    assert brief == tmp_path / "out" / "brief" / "scenario_report.html"
    assert "Ringkasan anggaran perlindungan sosial UMKM" in brief.read_text(encoding="utf-8")
    assert 'download="scenario_report.html"' in planner.links.value and "umkm-link-brief" in planner.links.value
    assert "umkm-link-xlsx" in planner.links.value  # both prepared downloads stay offered
    made = brief.stat().st_mtime_ns
    pdf = planner.prepare_pdf()
    assert pdf == brief.with_suffix(".pdf") and pdf.read_bytes().startswith(b"%PDF")
    assert brief.stat().st_mtime_ns == made  # the same report run serves the PDF: not run again
    assert 'download="scenario_report.pdf"' in planner.links.value and "application/pdf" in planner.links.value
    assert "umkm-link-pdf" in planner.links.value
    planner.controls["policy.graduation.rate"].value = 0.1
    assert planner.links.value == ""  # prepared for other settings: no longer offered


@pytest.mark.slow
def test_later_briefs_run_in_the_kernel_the_first_started(planner, tmp_path):
    first = planner.prepare_brief()
    kernel = planner._kernel
    pid = kernel.manager.provisioner.process.pid
    planner.controls["policy.graduation.rate"].value = 0.2
    second = planner.prepare_brief()
    assert second == first and planner._kernel is kernel and kernel.manager.provisioner.process.pid == pid
    assert kernel.runs == 2
    cells = json.loads(second.with_suffix(".ipynb").read_text(encoding="utf-8"))["cells"]
    counts = [c["execution_count"] for c in cells if c["cell_type"] == "code"]
    assert counts == list(range(1, len(counts) + 1))  # every cell run, as in a new kernel
    manifest = json.loads((second.parent / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["scenario"]["overrides"] == {"policy.graduation.rate": 0.2}  # the second settings' brief
    planner.close()
    assert not kernel.manager.is_alive()


def test_the_served_notebook_is_one_cell_and_the_server_guards_its_address(tmp_path):
    nb = build(tmp_path / "scenarios", tmp_path / "out", "en")
    assert [c.cell_type for c in nb.cells] == ["code"]
    assert "Planner(" in nb.cells[0].source and "language='en'" in nb.cells[0].source
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.5")
    line = command(tmp_path / "a.ipynb", 9000, "0.0.0.0", "secret")
    assert "--Voila.ip=0.0.0.0" in line and "--Voila.token=secret" in line and "--port=9000" in line


@pytest.mark.slow
@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
def test_the_app_command_prints_its_url_and_stops_voila_with_it(tmp_path, stop):
    folder = scenario_folder(tmp_path)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    line = [sys.executable, "-m", "simulation", "app", "--port", str(port), "--scenarios", str(folder)]
    server = subprocess.Popen(
        [*line, "--out", str(tmp_path / "out")], cwd=ROOT, stdout=subprocess.PIPE, text=True, start_new_session=True
    )
    children = []
    try:
        assert server.stdout.readline().strip() == f"planner app: http://127.0.0.1:{port}/  (Ctrl-C stops it)"
        deadline = time.monotonic() + 120
        while not (children := psutil.Process(server.pid).children(recursive=True)):
            assert time.monotonic() < deadline, "Voila did not start"
            time.sleep(0.2)
        server.send_signal(stop)
        assert server.wait(timeout=60) == 0
        gone, alive = psutil.wait_procs(children, timeout=30)
        assert not alive, f"left running: {[p.pid for p in alive]}"
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
        for child in children:  # a failed run leaves no server behind either
            if child.is_running():
                child.kill()


# -- the funding levers: months funded, payment schedule, start month (docs/model.md) ----------------


def test_funding_levers_start_from_the_schema_defaults_and_refuse_what_is_outside():
    base = load_scenario(BASELINE)  # sets none of them
    assert levers.initial(base, "policy.months_funded") == 12
    assert levers.initial(base, "policy.payment_schedule.every") == "monthly"
    assert levers.initial(base, "policy.payment_schedule.timing") == "advance"
    assert levers.initial(base, "start") == "2026-01"
    assert levers.bounds(base, "policy.months_funded") == (0, 12)
    assert levers.months(base)[0] == "2026-01" and levers.months(base)[-1] == "2027-12"
    assert len(levers.months(base)) == 24
    assert cashplan.PUBLIC == ("apbd_kabupaten", "apbd_provinsi", "dbhcht", "dana_desa")
    with pytest.raises(levers.LeverError, match=r"13 di luar rentang 0 - 12"):
        levers.check(base, "policy.months_funded", 13)
    with pytest.raises(levers.LeverError, match=r"monthly, quarterly, half-yearly, yearly"):
        levers.check(base, "policy.payment_schedule.every", "weekly", "en")
    with pytest.raises(levers.LeverError, match=r"advance, arrears"):
        levers.check(base, "policy.payment_schedule.timing", "later")
    with pytest.raises(levers.LeverError, match=r"'2025-12' outside the range 2026-01 - 2027-12"):
        levers.check(base, "start", "2025-12", "en")
    delayed = load_scenario(ROOT / "scenarios" / "delayed_start.yaml")
    assert levers.initial(delayed, "start") == "2026-07"


def test_funding_levers_become_one_schedule_override_with_unit_and_source():
    base = load_scenario(BASELINE)
    values = {key: levers.initial(base, key) for key in levers.LEVERS}
    values.update({"policy.payment_schedule.timing": "arrears", "policy.months_funded": 8, "start": "2026-07"})
    assert levers.overrides(base, values) == {
        "policy.payment_schedule": {
            "value": {"every": "monthly", "timing": "arrears"},
            "unit": "payment period and timing",
            "source": levers.APP_SOURCE,
        },
        "policy.months_funded": {
            "value": 8,
            "unit": "months of each fiscal year, from January, the payers fund",
            "source": levers.APP_SOURCE,
        },
        "start": "2026-07",
    }


def test_months_funded_costs_members_times_price_times_months(planner):
    planner.controls["policy.months_funded"].value = 8
    assert planner.values["policy.months_funded"] == 8
    year = MEMBERS * MONTHLY * 8  # Rp9,811,200,000: nobody enters, closes or lapses
    assert year == 9_811_200_000
    assert planner.cells["cost-first"][1].value == f"<b>{formats.rupiah(year, 'id')}</b>"
    assert planner.cells["cost"][1].value == f"<b>{formats.rupiah(2 * year, 'id')}</b>"
    plan = cashplan.first_year(planner.result)
    assert list(plan["month"]) == [f"2026-{m:02d}" for m in range(1, 13)]
    assert list(plan["accrual"]) == [MEMBERS * MONTHLY] * 8 + [0.0] * 4  # months 9-12 unfunded
    assert list(plan["cash"]) == list(plan["accrual"])  # monthly in advance: cash is the accrual
    planner.controls["policy.months_funded"].value = 13
    assert "13 di luar rentang 0 - 12" in planner.message.value
    assert planner.values["policy.months_funded"] == 8


@pytest.mark.parametrize(
    ("every", "timing", "paid"),
    [
        ("yearly", "advance", {1: 12}),
        ("yearly", "arrears", {12: 12}),
        ("quarterly", "advance", {1: 3, 4: 3, 7: 3, 10: 3}),
        ("quarterly", "arrears", {3: 3, 6: 3, 9: 3, 12: 3}),
        ("half-yearly", "advance", {1: 6, 7: 6}),
    ],
)
def test_the_payment_schedule_moves_the_cash_not_the_cost(planner, every, timing, paid):
    planner.controls["policy.payment_schedule.every"].value = every
    planner.controls["policy.payment_schedule.timing"].value = timing
    plan = cashplan.first_year(planner.result)
    month = MEMBERS * MONTHLY  # Rp1,226,400,000 a month for 73,000 members
    assert list(plan["cash"]) == [paid.get(m, 0) * month for m in range(1, 13)]
    assert list(plan["cash_apbd_kabupaten"]) == list(plan["cash"])  # the regency pays everything in quiet
    assert list(plan["accrual"]) == [month] * 12
    assert planner.cells["cost-first"][1].value == f"<b>{formats.rupiah(YEAR, 'id')}</b>"  # accrual unchanged
    shown = planner.cash.value
    assert "umkm-cash-plan" in shown and "Rencana kas 2026" in shown
    # a yearly payment shows the whole year's cash in one month, in the public and the regency's column
    assert shown.count(f"<td>{formats.rupiah(YEAR, 'id')}</td>") == (2 if every == "yearly" else 0)


def test_the_start_month_lever_moves_the_horizon_and_the_yearly_cash(planner):
    planner.controls["start"].value = "2026-07"
    planner.controls["policy.payment_schedule.every"].value = "yearly"
    plan = cashplan.first_year(planner.result)
    month = MEMBERS * MONTHLY
    assert list(plan["month"]) == [f"2026-{m:02d}" for m in range(7, 13)]
    # the first period of a July start holds July-December, paid in July
    assert list(plan["cash"]) == [6 * month] + [0.0] * 5
    assert planner.cells["cost-first"][1].value == f"<b>{formats.rupiah(6 * month, 'id')}</b>"
    assert planner.cells["cost"][1].value == f"<b>{formats.rupiah(18 * month, 'id')}</b>"  # 2026 H2 + 2027
    assert planner.set("start", "2025-12") is False  # not offered by the list, and refused if sent
    assert "'2025-12' di luar rentang 2026-01 - 2027-12" in html.unescape(planner.message.value)
    assert planner.values["start"] == "2026-07"


def test_saved_funding_levers_are_a_valid_scenario_with_the_same_cash(planner, folder, capsys):
    planner.controls["policy.months_funded"].value = 8
    planner.controls["policy.payment_schedule.every"].value = "quarterly"
    planner.controls["policy.payment_schedule.timing"].value = "arrears"
    planner.controls["start"].value = "2026-07"
    planner.save_name.value = "kas_triwulan"
    planner.save_description.value = "Mulai Juli, 8 bulan dibiayai, dibayar per triwulan di akhir."
    path = planner.save()
    assert path == folder / "kas_triwulan.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert doc["start"] == "2026-07"
    source = saving.SOURCE.format(base="quiet.yaml")
    assert doc["policy"]["payment_schedule"] == {
        "value": {"every": "quarterly", "timing": "arrears"},
        "unit": "payment period and timing",
        "source": source,
    }
    assert doc["policy"]["months_funded"]["value"] == 8
    assert cli(["validate", str(path)]) == 0
    capsys.readouterr()
    monthly = run(str(path)).monthly()
    first = monthly[monthly["year"] == 2026]
    month = MEMBERS * MONTHLY
    # July-August funded (months 7 and 8 of 12 funded from January); quarters Jul-Sep and Oct-Dec
    # paid in their last month: September 2 months, December nothing
    assert list(first["cash_apbd_kabupaten"]) == [0, 0, 2 * month, 0, 0, 0]
    assert list(first["cash_apbd_kabupaten"]) == list(cashplan.first_year(planner.result)["cash"])


def test_the_schedule_choices_are_shown_in_the_page_language(planner):
    box = planner.controls["policy.payment_schedule.every"]
    assert box.options == (
        ("bulanan", "monthly"),
        ("triwulanan", "quarterly"),
        ("semesteran", "half-yearly"),
        ("tahunan", "yearly"),
    )
    assert box.label == "bulanan" and box.value == "monthly"
    rule = planner.controls["policy.graduation.rule"]
    assert ("peluang tetap", "rate") in rule.options and ("batas omzet", "revenue_threshold") in rule.options
    planner.switch_language("en")
    timing = planner.controls["policy.payment_schedule.timing"]
    assert timing.label == "in advance (first month)" and timing.value == "advance"
