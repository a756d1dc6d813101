"""A scenario's ``population.registry`` gives the agents; ``umkm-sim synth`` writes a registry that
reads back with no rejects."""

from __future__ import annotations

import hashlib
import shutil
import warnings

import numpy as np
import pytest
from conftest import BASELINE
from registry_helpers import DEFECTS, TEST_KEY, VALID, read_csv

from simulation import ScenarioError, load_scenario
from simulation.cli import main
from simulation.core.states import State
from simulation.io.ingest import ingest
from simulation.population import load_agents, synthetic_agents
from simulation.population.registry import RegistryWarning, registry_sha256


def _segment(scenario, kecamatan, sector):
    kec, sec = scenario.segment_labels
    return list(zip(kec, sec, strict=True)).index((kecamatan, sector))


def test_registry_in_the_scenario_file_is_relative_to_it(tmp_path):
    shutil.copy(VALID, tmp_path / "umkm.csv")
    (tmp_path / "with_registry.yaml").write_text(
        f"extends: {BASELINE}\ndescription: baseline on the verified registry\npopulation:\n  registry: umkm.csv\n"
    )
    s = load_scenario(tmp_path / "with_registry.yaml")
    agents = load_agents(s, seed=1)
    assert len(agents) == 8
    assert agents.segment[0] == _segment(s, "Selong", "perdagangan")
    assert agents.segment[1] == _segment(s, "Labuhan Haji", "kuliner")
    assert list(agents.status) == [
        State.SUBSIDISED,
        State.ELIGIBLE,
        State.SUBSIDISED,
        State.MANDIRI,
        State.LAPSED,
        State.CLOSED,
        State.ELIGIBLE,
        State.SUBSIDISED,
    ]
    # month index year * 12 + month - 1; none for eligible and closed UMKM
    assert list(agents.enrolled_since) == [
        2025 * 12 + 6,
        -1,
        2025 * 12 + 7,
        2025 * 12 + 2,
        2025 * 12 + 0,
        -1,
        -1,
        2026 * 12 + 0,
    ]
    assert agents.revenue[0] == 76e6 and np.isnan(agents.revenue_prev[1]) and np.isnan(agents.priority[2])
    assert agents.revenue_prev[3] == 110e6 and agents.priority[6] == 1.0


def test_registry_from_set_and_a_missing_date_counts_from_the_start(tmp_path, monkeypatch):
    path = tmp_path / "r.csv"
    path.write_text("business_id,kecamatan,sector,revenue,status\nB1,Suela,jasa,1000000,subsidised\n")
    monkeypatch.chdir(tmp_path)
    s = load_scenario(BASELINE, overrides=["population.registry=r.csv"])
    agents = load_agents(s, seed=0)
    assert list(agents.enrolled_since) == [s.horizon.start] and agents.segment[0] == _segment(s, "Suela", "jasa")
    assert main(["validate", str(BASELINE), "--set", "population.registry=r.csv"]) == 0
    assert registry_sha256(s) == hashlib.sha256(path.read_bytes()).hexdigest()
    assert registry_sha256(load_scenario(BASELINE)) is None


def test_without_a_registry_the_population_stays_synthetic():
    s = load_scenario(BASELINE)
    np.testing.assert_array_equal(load_agents(s, seed=5).revenue, synthetic_agents(s, seed=5).revenue)
    assert "registry" not in s.to_dict()["population"]  # the baseline's hash is unchanged


def test_rejected_rows_are_left_out_with_a_count_and_bad_files_are_scenario_errors(tmp_path):
    s = load_scenario(BASELINE, overrides={"population.registry": str(DEFECTS)})
    with pytest.warns(RegistryWarning, match="14 of 16 rows rejected"):
        assert len(load_agents(s)) == 2
    missing = load_scenario(BASELINE, overrides={"population.registry": str(tmp_path / "none.csv")})
    with pytest.raises(ScenarioError, match=r"population.registry = .*registry file not found"):
        load_agents(missing)
    (tmp_path / "cols.csv").write_text("nik,kecamatan\n1,Selong\n")
    with pytest.raises(ScenarioError, match="missing required column"):
        load_agents(load_scenario(BASELINE, overrides={"population.registry": str(tmp_path / "cols.csv")}))
    (tmp_path / "allbad.csv").write_text("nik,kecamatan,sektor,omzet,status\n1,Mataram,jasa,5,mandiri\n")
    with pytest.raises(ScenarioError, match="no usable row among 1 read"):
        load_agents(load_scenario(BASELINE, overrides={"population.registry": str(tmp_path / "allbad.csv")}))


@pytest.mark.parametrize(("suffix", "lang", "n"), [(".csv", "id", 3000), (".csv", "en", 500), (".xlsx", "id", 300)])
def test_synth_round_trip_has_no_rejects_and_gives_the_synthetic_agents(tmp_path, monkeypatch, capsys, suffix, lang, n):
    monkeypatch.setenv("UMKM_PSEUDONYM_KEY", TEST_KEY)
    path = tmp_path / f"synthetic{suffix}"
    args = ["synth", "--out", str(path), "--seed", "11", "--n", str(n), "--lang", lang, "--scenario", str(BASELINE)]
    assert main(args) == 0
    assert f"{n} synthetic UMKM" in capsys.readouterr().out
    s = load_scenario(BASELINE)
    report = ingest(path, tmp_path / "ingested", s)
    assert report.counts == {
        "rows_read": n,
        "accepted": n,
        "rejected": 0,
        "blank_rows": 0,
        "rejected_by_problem": {},
    }
    assert report.validated.layout.id_header == ("id_usaha" if lang == "id" else "business_id")
    expected = synthetic_agents(s, seed=11, n=n)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RegistryWarning)
        for source in (path, tmp_path / "ingested" / "registry.csv"):
            got = load_agents(s.with_overrides({"population.registry": str(source)}))
            np.testing.assert_array_equal(got.segment, expected.segment)
            np.testing.assert_allclose(got.revenue, expected.revenue, atol=0.5)  # whole rupiah
            np.testing.assert_allclose(got.priority, expected.priority, atol=1e-6)
            np.testing.assert_array_equal(got.status, expected.status)
            np.testing.assert_array_equal(got.enrolled_since, expected.enrolled_since)


def test_synth_writes_the_full_baseline_population_without_personal_columns(tmp_path):
    path = tmp_path / "lotim.csv"
    assert main(["synth", "--out", str(path), "--seed", "1", "--scenario", str(BASELINE)]) == 0
    rows = read_csv(path)
    assert len(rows) == 73_000 and set(rows[0]) == {
        "id_usaha",
        "kecamatan",
        "sektor",
        "omzet",
        "omzet_lalu",
        "prioritas",
        "status",
        "tanggal_daftar",
    }
    assert rows[0]["id_usaha"] == "SYN-000001" and len({r["kecamatan"] for r in rows}) == 21
    assert main(["synth", "--out", str(tmp_path / "x.json"), "--scenario", str(BASELINE)]) == 1
    assert main(["synth", "--out", str(tmp_path / "y.csv"), "--n", "0", "--scenario", str(BASELINE)]) == 1
