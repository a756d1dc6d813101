"""The planner app without a browser: levers, figures against closed forms, refusals, save, uncertainty, files."""

from __future__ import annotations

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

from simulation.app import levers, saving
from simulation.app.notebook import build
from simulation.app.planner import Planner, slug
from simulation.app.uncertainty import run_cancellable
from simulation.cli import main as cli
from simulation.cli.cmd_app import command, is_loopback
from simulation.outputs.run import run
from simulation.reporting import formats
from simulation.scenario import load_scenario

YEAR = MEMBERS * MONTHLY * 12
"""Public cost of one quiet year with every UMKM subsidised (rupiah): 14,716,800,000."""


@pytest.fixture
def folder(tmp_path):
    return scenario_folder(tmp_path)


@pytest.fixture
def planner(folder, tmp_path):
    return Planner(folder, tmp_path / "out", scenario="quiet")


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
    assert planner.last_seconds < 1.0, f"a change took {planner.last_seconds:.2f} s"


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
    assert 'download="scenario_report.html"' in planner.links.value


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
