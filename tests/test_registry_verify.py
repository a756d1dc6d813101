"""``umkm-sim verify`` and ``ingest`` on a corpus of damaged lists (tests/registry_corpus.py).

Each damage an office's list shows is caught by its named check, at the right row, with the right
severity; ingest rejects exactly the rows with errors; accepted + rejected = rows read every time.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import pytest
from conftest import BASELINE
from registry_corpus import (
    duplicates_csv,
    excel_numeric_nik_xlsx,
    malformed_nik_csv,
    money_and_dates_csv,
    nik,
    pseudonym_column_with_niks_csv,
    scientific_nik_csv,
    trailing_zero_csv,
)
from registry_helpers import TEST_KEY, read_csv

from simulation import load_scenario
from simulation.cli import main
from simulation.io.ingest import ingest
from simulation.population.registry import RegistryError
from simulation.population.registry.pseudonym import pseudonym
from simulation.population.registry.read import read_registry_file
from simulation.population.registry.verify import check_registry


@pytest.fixture(scope="module")
def baseline():
    return load_scenario(BASELINE)


@pytest.fixture
def key(monkeypatch):
    monkeypatch.setenv("UMKM_PSEUDONYM_KEY", TEST_KEY)


def _flags(out) -> list[dict]:
    return read_csv(out / "flags.csv")


def _verify(path, out, *extra) -> int:
    return main(["verify", str(path), "--out", str(out), "--scenario", str(BASELINE), *extra])


def _reconciles(report, path) -> None:
    raw = read_registry_file(path)
    read = sum(1 for _, cells in raw.rows if any(c.strip() for c in cells))
    assert report.counts["accepted"] + report.counts["rejected"] == report.counts["rows_read"] == read


def test_nik_stored_as_a_number_refuses_the_file_and_never_collapses_two_umkm(baseline, tmp_path, key):
    path = excel_numeric_nik_xlsx(tmp_path)
    assert _verify(path, tmp_path / "v") == 6
    flags = _flags(tmp_path / "v")
    assert {f["row"] for f in flags if f["check"] == "excel_mangled_nik"} == {str(r) for r in range(2, 22)}
    assert not [f for f in flags if f["check"].startswith("duplicate")]  # a damaged NIK is never an id
    page = (tmp_path / "v" / "quality.html").read_text(encoding="utf-8")
    assert "BERKAS DITOLAK" in page and "Teks" in page
    with pytest.raises(RegistryError, match="format the NIK column as Text"):
        ingest(path, tmp_path / "i", baseline)
    assert not (tmp_path / "i").exists()


def test_a_few_numeric_niks_are_rejected_and_the_rest_get_their_own_pseudonyms(baseline, tmp_path, key):
    from registry_corpus import HEADER, good_rows, write_xlsx

    rows = good_rows(10)
    rows[3][0] = float(rows[3][0][:15] + "0")  # row 5 typed as a number
    path = write_xlsx(tmp_path / "some.xlsx", HEADER, rows)
    report = ingest(path, tmp_path / "i", baseline)
    _reconciles(report, path)
    rejects = read_csv(tmp_path / "i" / "rejects.csv")
    assert [(r["row"], r["problems"]) for r in rejects] == [("5", "excel_mangled_nik")]
    expected = [pseudonym(TEST_KEY.encode(), r[0]) for i, r in enumerate(rows) if i != 3]
    assert [r["pseudonym"] for r in read_csv(tmp_path / "i" / "registry.csv")] == expected


@pytest.mark.parametrize("builder", [scientific_nik_csv, trailing_zero_csv])
def test_scientific_notation_or_lost_16th_digits_refuse_the_file_and_stop_a_run(builder, baseline, tmp_path, key):
    path = builder(tmp_path)
    assert _verify(path, tmp_path / "v") == 6
    flags = _flags(tmp_path / "v")
    assert all(f["check"] == "excel_mangled_nik" for f in flags if f["severity"] == "error")
    assert not [f for f in flags if f["check"].startswith("duplicate")]
    with pytest.raises(RegistryError, match="damaged by Excel"):
        ingest(path, tmp_path / "i", baseline)
    # a scenario pointing at the file does not go ahead on the few rows left: exit 2, a scenario error
    code = main(["run", str(BASELINE), "--out", str(tmp_path / "r"), "--set", f"population.registry={path}",
                 "--engine", "micro", "--reps", "1"])  # fmt: skip
    assert code == 2 and not (tmp_path / "r").exists()


def test_each_nik_defect_is_named_at_its_row_with_its_severity(baseline, tmp_path, key):
    path, expected = malformed_nik_csv(tmp_path)
    assert _verify(path, tmp_path / "v", "--language", "en") == 5
    got = {(int(f["row"]), f["check"], f["severity"]) for f in _flags(tmp_path / "v")}
    want = {(row, check, severity) for row, (check, severity) in expected.items() if check}
    assert got == want
    report = ingest(path, tmp_path / "i", baseline)
    _reconciles(report, path)
    rejected = {int(r["row"]) for r in read_csv(tmp_path / "i" / "rejects.csv")}
    assert rejected == {row for row, (check, severity) in expected.items() if severity == "error"}
    # the NIK with spaces and quotes is one NIK: its pseudonym is that of its 16 digits
    pseudonyms = [r["pseudonym"] for r in read_csv(tmp_path / "i" / "registry.csv")]
    assert pseudonym(TEST_KEY.encode(), nik(serial=77)) in pseudonyms


def test_indonesian_money_excel_dates_and_no_status_column(baseline, tmp_path, key):
    path, amounts = money_and_dates_csv(tmp_path)
    report = ingest(path, tmp_path / "i", baseline)
    _reconciles(report, path)
    rows = dict(zip(report.validated.accepted_rows, report.validated.rows, strict=True))
    for row, rupiah in amounts.items():
        assert rows[row].revenue == rupiah, row
        assert rows[row].enrolled_since == dt.date(2025, 1, 1)  # Excel serial 45658
        assert rows[row].status.name == "ELIGIBLE"  # no status column: not yet enrolled
    assert {r["row"]: r["problems"] for r in read_csv(tmp_path / "i" / "rejects.csv")} == {"8": "revenue_implausible"}
    assert 9 in rows  # Rp600,000: accepted, with a warning from verify
    assert _verify(path, tmp_path / "v") == 5
    flags = {(f["row"], f["check"], f["severity"]) for f in _flags(tmp_path / "v")}
    assert flags == {("8", "revenue_implausible", "error"), ("9", "revenue_implausible", "warning")}


def test_duplicates_possible_duplicates_and_other_lists(baseline, tmp_path):
    path, listed = duplicates_csv(tmp_path)
    assert _verify(path, tmp_path / "v", "--against", str(listed)) == 5
    got = {(f["row"], f["check"]) for f in _flags(tmp_path / "v")}
    assert got == {("10", "duplicate_nik"), ("11", "possible_duplicate"), ("8", "already_listed")}
    details = {f["check"]: f["detail"] for f in _flags(tmp_path / "v")}
    assert "baris 2" in details["duplicate_nik"] and "baris 5" in details["possible_duplicate"]
    assert "bpjs_aktif.csv, baris 2" in details["already_listed"]


def test_an_against_list_without_a_nik_column_is_a_clear_error(tmp_path, capsys):
    path, _ = duplicates_csv(tmp_path)
    other = tmp_path / "other.csv"
    other.write_text("nama,alamat\nx,y\n", encoding="utf-8")
    assert _verify(path, tmp_path / "v", "--against", str(other)) == 1
    assert "needs a NIK column" in capsys.readouterr().err and not (tmp_path / "v").exists()


def test_a_pseudonym_column_holding_niks_needs_the_key_and_is_hashed(baseline, tmp_path, monkeypatch):
    path = pseudonym_column_with_niks_csv(tmp_path)
    monkeypatch.delenv("UMKM_PSEUDONYM_KEY", raising=False)
    with pytest.raises(RegistryError, match="no pseudonym key"):
        ingest(path, tmp_path / "a", baseline)
    monkeypatch.setenv("UMKM_PSEUDONYM_KEY", TEST_KEY)
    ingest(path, tmp_path / "b", baseline)
    written = [r["pseudonym"] for r in read_csv(tmp_path / "b" / "registry.csv")]
    assert written == [pseudonym(TEST_KEY.encode(), nik(serial=i + 1)) for i in range(5)]
    manifest = json.loads((tmp_path / "b" / "manifest.json").read_text())
    assert manifest["columns"]["identifier_holds"] == "nik"


@pytest.mark.parametrize(
    "weak",
    ["abcdefghijklmnop", "0123456789abcdef", "Passw0rd!Passw0rd!", "a" * 64],
)
def test_weak_keys_are_refused_with_how_to_make_one(baseline, tmp_path, monkeypatch, weak):
    from registry_helpers import VALID

    monkeypatch.setenv("UMKM_PSEUDONYM_KEY", weak)
    with pytest.raises(RegistryError, match=r"too weak.*secrets\.token_hex\(32\)"):
        ingest(VALID, tmp_path / "o", baseline)


def test_a_random_128_bit_key_is_accepted_and_the_manifest_has_no_fingerprint(baseline, tmp_path, monkeypatch):
    import secrets

    from registry_helpers import VALID

    monkeypatch.setenv("UMKM_PSEUDONYM_KEY", secrets.token_hex(16))
    ingest(VALID, tmp_path / "o", baseline)
    text = (tmp_path / "o" / "manifest.json").read_text()
    assert "fingerprint" not in text
    manifest = json.loads(text)
    for name, rows in (("registry.csv", 8), ("rejects.csv", 0)):
        entry = manifest["files"][name]
        assert entry["rows"] == rows
        import hashlib

        assert entry["sha256"] == hashlib.sha256((tmp_path / "o" / name).read_bytes()).hexdigest()


def test_verify_needs_no_key_and_reads_the_xlsx_synth_writes(baseline, tmp_path, monkeypatch):
    monkeypatch.delenv("UMKM_PSEUDONYM_KEY", raising=False)
    assert main(["synth", "--out", str(tmp_path / "s.xlsx"), "--n", "300", "--seed", "3"]) == 0
    assert _verify(tmp_path / "s.xlsx", tmp_path / "v") == 0
    assert {p.name for p in (tmp_path / "v").iterdir()} == {
        "flags.csv",
        "quality.xlsx",
        "quality.html",
        "manifest.json",
    }
    assert _verify(tmp_path / "s.xlsx", tmp_path / "v", "--language", "en") == 0  # an earlier output is replaced


def test_verify_refuses_to_replace_a_folder_of_other_files(tmp_path, capsys):
    path, _ = duplicates_csv(tmp_path)
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.docx").write_text("x")
    assert _verify(path, tmp_path / "mine") == 3
    assert "not an output of umkm-sim" in capsys.readouterr().err
    assert [p.name for p in (tmp_path / "mine").iterdir()] == ["notes.docx"]


def test_the_english_report_has_no_indonesian_headings(tmp_path):
    path, _ = duplicates_csv(tmp_path)
    _verify(path, tmp_path / "en", "--language", "en")
    page = (tmp_path / "en" / "quality.html").read_text(encoding="utf-8")
    assert "UMKM list data-quality report" in page and "Share of rows usable" in page
    for word in ("Laporan", "Baris", "Cara memperbaiki", "galat", "peringatan"):
        assert word not in page, word


def test_exit_codes_are_documented_in_the_help():
    proc = subprocess.run([sys.executable, "-m", "simulation", "verify", "--help"], capture_output=True, text=True)
    text = " ".join(proc.stdout.split())
    for phrase in ("Exit 0", "5: some rows have errors", "6: the file is refused", "1: a file cannot be read"):
        assert phrase in text


@pytest.mark.parametrize(
    ("language", "sheets"),
    [("id", ["Ringkasan", "Masalah", "Per kecamatan", "Daftar per baris"]),
     ("en", ["Summary", "Problems", "By kecamatan", "Row by row"])],
)  # fmt: skip
def test_the_workbook_has_translated_sheets_whose_counts_add_up(tmp_path, language, sheets):
    from openpyxl import load_workbook

    path, expected = malformed_nik_csv(tmp_path)
    _verify(path, tmp_path / "v", "--language", language)
    book = load_workbook(tmp_path / "v" / "quality.xlsx", read_only=True)
    assert book.sheetnames == sheets
    by_kec = list(book[sheets[2]].iter_rows(min_row=2, values_only=True))
    rows, usable, errors = (sum(r[i] for r in by_kec) for i in (1, 2, 3))
    n_errors = len({r for r, (c, sev) in expected.items() if sev == "error"})
    assert (rows, usable, errors) == (10, 10 - n_errors, n_errors)
    flags = list(book[sheets[3]].iter_rows(min_row=2, values_only=True))
    assert len(flags) == len(_flags(tmp_path / "v")) == sum(1 for c, _ in expected.values() if c)
    problems = {r[1]: (r[2], r[3]) for r in book[sheets[1]].iter_rows(min_row=2, values_only=True)}
    assert problems["nik_format"] == (3, 0) and problems["nik_region"] == (2, 2)


def test_accepted_plus_rejected_equals_rows_read_for_every_list_of_the_corpus(baseline, tmp_path, key):
    from registry_corpus import names_in_wrong_columns_csv

    builders = {
        "malformed": lambda d: malformed_nik_csv(d)[0],
        "money": lambda d: money_and_dates_csv(d)[0],
        "wrong_columns": names_in_wrong_columns_csv,
        "pseudonym_niks": pseudonym_column_with_niks_csv,
        "duplicates": lambda d: duplicates_csv(d)[0],
    }
    for name, build in builders.items():
        folder = tmp_path / name
        folder.mkdir()
        path = build(folder)
        report = ingest(path, folder / "out", baseline)
        _reconciles(report, path)
        checked = check_registry(read_registry_file(path), baseline)
        errors = {f.row for f in checked.flags if f.severity == "error"}
        assert {r.row for r in report.validated.rejects} == errors, name
