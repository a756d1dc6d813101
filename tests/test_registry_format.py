"""Reading a registry: headers in Indonesian or English, cell formats, CSV and XLSX alike."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import BASELINE
from registry_helpers import TEST_KEY, VALID, read_csv

from simulation import load_scenario
from simulation.core.states import State
from simulation.io.ingest import ingest
from simulation.population.registry import RegistryError, read_registry_file, validate
from simulation.population.registry.columns import fold_header, match_header
from simulation.population.registry.values import STATUS_WORDS, parse_date, parse_rupiah


@pytest.fixture(scope="module")
def baseline():
    return load_scenario(BASELINE)


@pytest.mark.parametrize(
    ("text", "rupiah"),
    [
        ("Rp 76.000.000", 76e6),
        ("76.000.000", 76e6),
        ("76,000,000", 76e6),
        ("76000000", 76e6),
        ("7.6e7", 76e6),
        ("76.000.000,50", 76_000_000.5),
        ("76,000,000.50", 76_000_000.5),
        ("Rp. 1.500", 1500.0),
        ("-5", -5.0),
        ("0", 0.0),
    ],
)
def test_rupiah_written_the_indonesian_or_english_way(text, rupiah):
    assert parse_rupiah(text) == rupiah


@pytest.mark.parametrize("text", ["lima juta", "1.2.3", "12,34,567", "1e400", "", "Rp", "nan"])
def test_not_a_rupiah_amount(text):
    with pytest.raises(ValueError, match="not a number"):
        parse_rupiah(text)


def test_dates_day_first_iso_or_month():
    assert parse_date("14/07/2025") == parse_date("14-07-2025") == parse_date("2025-07-14") == dt.date(2025, 7, 14)
    assert parse_date("2025-07") == dt.date(2025, 7, 1)
    for bad in ("31/02/2025", "2025/07/14", "July 2025"):
        with pytest.raises(ValueError):
            parse_date(bad)


def test_headers_forgive_case_and_spacing_in_both_languages():
    indonesian = match_header(["NIK", " Nama ", "KECAMATAN", "Sektor", "Omzet", "Omzet Lalu", "status"], "f.csv")
    english = match_header(["business-id", "Name", "Kecamatan", "SECTOR", "revenue", "Revenue Prev", "Status"], "f")
    for layout in (indonesian, english):
        assert set(layout.index) == {"id", "name", "kecamatan", "sector", "revenue", "revenue_prev", "status"}
    assert fold_header("  Tanggal   Daftar ") == "tanggal_daftar"


def test_wrong_columns_give_one_error_naming_every_missing_one_with_spellings():
    with pytest.raises(RegistryError) as info:
        match_header(["nama", "kecamatan", "alamat", "no_hp"], "kab.csv")
    msg = str(info.value)
    assert msg.startswith("kab.csv: ")
    for column, spellings in [
        ("id", "nik, business_id"),
        ("sector", "sektor, sector"),
        ("revenue", "omzet, revenue"),
        ("status", "status"),
    ]:
        assert f"{column} (accepted headers: {spellings}" in msg
    assert "kecamatan (accepted" not in msg and "2 other column(s) ignored" in msg


def test_a_column_given_twice_is_one_error_but_nik_beside_business_id_is_dropped():
    with pytest.raises(RegistryError, match="column revenue is given 2 times"):
        match_header(["nik", "kecamatan", "sektor", "omzet", "revenue", "status"], "f.csv")
    layout = match_header(["nik", "business_id", "kecamatan", "sektor", "omzet", "status"], "f.csv")
    assert layout.id_header == "business_id" and layout.index["id"] == 1 and set(layout.personal) == {0, 1}


def test_every_documented_status_word_is_read(baseline, tmp_path):
    lines = ["nik,kecamatan,sektor,omzet,status"]
    expected = []
    for n, (state, words) in enumerate((s, w) for s, ws in STATUS_WORDS.items() for w in ws):
        lines.append(f"99{n:014d},Selong,jasa,1000000,{words.upper()}")
        expected.append(state)
    path = tmp_path / "statuses.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    checked = validate(read_registry_file(path), baseline)
    assert not checked.rejects
    assert [r.status for r in checked.rows] == expected and set(expected) == set(State)


def test_semicolon_csv_with_bom_as_excel_writes_it(baseline, tmp_path):
    text = VALID.read_text(encoding="utf-8")
    rows = [line.split(",") for line in text.splitlines() if '"' not in line]
    path = tmp_path / "excel.csv"
    path.write_bytes(("\ufeff" + "\r\n".join(";".join(r) for r in rows) + "\r\n").encode("utf-8"))
    checked = validate(read_registry_file(path), baseline)
    assert checked.n_read == len(rows) - 1 and not checked.rejects


def test_xlsx_registry_reads_like_the_csv(baseline, tmp_path, monkeypatch):
    import openpyxl  # a dependency of the package (pyproject.toml), never skipped

    monkeypatch.setenv("UMKM_PSEUDONYM_KEY", TEST_KEY)
    import csv

    with open(VALID, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    book = openpyxl.Workbook()
    sheet = book.active
    for i, row in enumerate(rows):
        # numbers and dates typed as Excel keeps them: omzet as a number, the date as a date
        if i and row[4].isdigit():
            row = [*row[:4], int(row[4]), *row[5:]]
        if i and row[8][:4].isdigit() and len(row[8]) == 10:
            row = [*row[:8], dt.datetime.fromisoformat(row[8])]
        sheet.append(row)
    xlsx = tmp_path / "registry.xlsx"
    book.save(xlsx)
    ingest(VALID, tmp_path / "from_csv", baseline)
    ingest(xlsx, tmp_path / "from_xlsx", baseline)
    assert read_csv(tmp_path / "from_csv" / "registry.csv") == read_csv(tmp_path / "from_xlsx" / "registry.csv")
    assert len(read_csv(tmp_path / "from_xlsx" / "registry.csv")) == len(rows) - 1


def test_unreadable_files_raise_registry_error(baseline, tmp_path):
    with pytest.raises(RegistryError, match="not found"):
        read_registry_file(tmp_path / "nothing.csv")
    (tmp_path / "a.json").write_text("{}")
    with pytest.raises(RegistryError, match=r"\.csv or \.xlsx"):
        read_registry_file(tmp_path / "a.json")
    (tmp_path / "broken.xlsx").write_bytes(b"not a zip")
    with pytest.raises(RegistryError, match="not a readable XLSX"):
        read_registry_file(tmp_path / "broken.xlsx")
    (tmp_path / "empty.csv").write_text("")
    with pytest.raises(RegistryError, match="empty"):
        read_registry_file(tmp_path / "empty.csv")
