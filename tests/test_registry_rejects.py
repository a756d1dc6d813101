"""Rows that cannot be used go to rejects.csv with their row number and reason; nothing is lost."""

from __future__ import annotations

import csv
import io

import pytest
from conftest import BASELINE
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from registry_helpers import DEFECTS, TEST_KEY, VALID, read_csv

from simulation import load_scenario
from simulation.core.regions import kecamatan_names
from simulation.io.ingest import ingest
from simulation.population.registry import read_registry_file, validate

# Row of registry_defects.csv (header = row 1) -> the problem it must be rejected for.
EXPECTED_DEFECTS = {
    3: ("duplicate_nik", "nik: same as row 2 (the first is kept)"),
    4: ("kecamatan_unknown", "kecamatan 'Selng': not a kecamatan of Lombok Timur. Did you mean 'Selong'?"),
    5: ("bad_revenue", "omzet: negative revenue"),
    6: ("bad_revenue", "omzet: not an amount of rupiah"),
    7: ("missing", "kecamatan: empty"),
    8: ("sector_unknown", "sektor 'perikanan': not a sector of the scenario. Did you mean 'pertanian'?"),
    9: ("bad_date", "tanggal_daftar '31/02/2025': not a date"),
    10: ("bad_status", "status: unknown status; allowed:"),  # 'pensiun' is near no status word: not echoed
    11: ("bad_revenue", "above Rp50 billion"),
    12: ("bad_priority", "prioritas: not a number"),
    13: ("missing", "nik: empty"),
    14: ("bad_date", "after the scenario's first month 2026-01"),
    15: ("kecamatan_unknown", "kecamatan: not a kecamatan"),  # a name in the kecamatan column: never echoed
    16: ("ragged_row", "the row has 10 cells, the header 9"),
}


@pytest.fixture(scope="module")
def baseline():
    return load_scenario(BASELINE)


def test_each_defect_is_rejected_for_its_reason_and_the_counts_reconcile(baseline, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("UMKM_PSEUDONYM_KEY", TEST_KEY)
    from simulation.cli import main

    assert main(["ingest", str(DEFECTS), "--out", str(tmp_path), "--scenario", str(BASELINE)]) == 0
    rejects = {int(r["row"]): r for r in read_csv(tmp_path / "rejects.csv")}
    assert set(rejects) == set(EXPECTED_DEFECTS)
    for row, (problem, reason) in EXPECTED_DEFECTS.items():
        assert rejects[row]["problems"] == problem, row
        assert reason in rejects[row]["reason"], (row, rejects[row]["reason"])
    accepted = read_csv(tmp_path / "registry.csv")
    n_rows = len(DEFECTS.read_text(encoding="utf-8").splitlines()) - 1
    assert len(accepted) + len(rejects) == n_rows
    assert [r["kecamatan"] for r in accepted] == ["Selong", "Keruak"]
    out = capsys.readouterr().out
    assert f"{n_rows} rows read, {len(accepted)} accepted, {len(rejects)} rejected" in out
    assert "bad_revenue: 3" in out
    import json

    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["counts"]["rows_read"] == n_rows and manifest["counts"]["rejected"] == len(rejects)
    assert manifest["counts"]["rejected_by_problem"]["kecamatan_unknown"] == 2


def test_the_valid_fixture_has_no_rejects_and_maps_statuses(baseline, tmp_path, monkeypatch):
    monkeypatch.setenv("UMKM_PSEUDONYM_KEY", TEST_KEY)
    report = ingest(VALID, tmp_path, baseline)
    assert report.counts["rejected"] == 0 and report.counts["accepted"] == 8
    rows = read_csv(tmp_path / "registry.csv")
    assert [r["status"] for r in rows] == [
        "subsidised",
        "eligible",
        "subsidised",
        "mandiri",
        "lapsed",
        "closed",
        "eligible",
        "subsidised",
    ]
    assert rows[1]["kecamatan"] == "Labuhan Haji" and rows[2]["kecamatan"] == "Sakra Timur"
    assert float(rows[0]["revenue"]) == 76_000_000 and float(rows[5]["revenue"]) == 32_000_000.5
    assert rows[2]["enrolled_since"] == "2025-08-01" and rows[3]["enrolled_since"] == "2025-03-01"


# Random messy rows: mostly plausible cells, with typos, blanks, junk, negatives and repeated ids.
_ids = st.one_of(st.integers(0, 40).map(lambda i: f"5203074101850{i:03d}"), st.just(""), st.text(max_size=6))
_kec = st.one_of(
    st.sampled_from(kecamatan_names()),
    st.sampled_from(kecamatan_names()).map(lambda k: f"  {k.upper()} "),
    st.sampled_from(["Selng", "Mataram", ""]),
    st.text(max_size=8),
)
_sector = st.one_of(st.sampled_from(["perdagangan", "Kuliner", "JASA", "perikanan", ""]), st.text(max_size=5))
_money = st.one_of(
    st.integers(-(10**9), 6 * 10**10).map(str),
    st.sampled_from(["Rp 1.000.000", "1,5", "lima juta", "", "-0", "1e400", "NaN"]),
    st.text(max_size=6),
)
_status = st.one_of(st.sampled_from(["bersubsidi", "Mandiri", "tutup", "aktif", "", "non-aktif"]), st.text(max_size=5))
_date = st.one_of(
    st.sampled_from(["", "2025-07-14", "31/02/2025", "2025-13", "14-07-2025", "2030-01-01"]), st.text(max_size=5)
)
_row = st.tuples(_ids, st.text(max_size=8), _kec, _sector, _money, _money, _money, _status, _date)
_extra = st.lists(st.sampled_from(["", "x"]), max_size=2)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(_row, _extra), min_size=0, max_size=40))
def test_accepted_plus_rejected_equals_rows_read_whatever_the_rows(baseline, tmp_path_factory, rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        ["nik", "nama", "kecamatan", "sektor", "omzet", "omzet_lalu", "prioritas", "status", "tanggal daftar"]
    )
    for cells, extra in rows:
        writer.writerow([*cells, *extra])
    path = tmp_path_factory.mktemp("messy") / "messy.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    raw = read_registry_file(path)
    checked = validate(raw, baseline)
    non_blank = [n for n, cells in raw.rows if any(c.strip() for c in cells)]
    assert len(checked.rows) + len(checked.rejects) == checked.n_read == len(non_blank)
    rejected = [r.row for r in checked.rejects]
    assert sorted(checked.accepted_rows + rejected) == non_blank  # every row once, accepted or rejected
    assert all(r.reasons and len(r.reasons) == len(r.problems) for r in checked.rejects)
    assert len(set(checked.ids)) == len(checked.ids)  # no duplicate id is ever accepted


_valid_row = st.tuples(
    st.sampled_from(kecamatan_names()).map(lambda k: f" {k.lower()} "),
    st.sampled_from(["perdagangan", "Kuliner", "PERTANIAN", "tembakau", "kerajinan", "jasa"]),
    st.one_of(st.just(0), st.integers(100_000, 5 * 10**10)).map(lambda r: f"{r:,}".replace(",", ".")),
    st.sampled_from(["belum terdaftar", "Bersubsidi", "MANDIRI", "nonaktif", "tutup", "subsidised"]),
    st.sampled_from(["", "2025-07-14", "01/12/2025", "2024-02"]),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(_valid_row, min_size=1, max_size=30))
def test_rows_made_only_of_allowed_values_are_all_accepted(baseline, tmp_path_factory, rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(["Business ID", "Kecamatan", "Sector", "Revenue", "Status", "Enrolled Since"])
    for i, row in enumerate(rows):
        writer.writerow([f"B-{i}", *row])
    path = tmp_path_factory.mktemp("clean") / "clean.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    checked = validate(read_registry_file(path), baseline)
    assert not checked.rejects, [r.reasons for r in checked.rejects]
    assert [r.revenue for r in checked.rows] == [float(row[2].replace(".", "")) for row in rows]


def test_a_file_that_cannot_be_read_exits_1(tmp_path, capsys):
    from simulation.cli import main

    assert main(["ingest", str(tmp_path / "none.xlsx"), "--out", str(tmp_path / "o"), "--scenario", str(BASELINE)]) == 1
    assert "registry file not found" in capsys.readouterr().err
