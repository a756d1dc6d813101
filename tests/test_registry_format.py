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
        ("Rp. 60.000.000,-", 60e6),
        ("Rp 60.000.000,00", 60e6),
        ("60 juta", 60e6),
        ("60jt", 60e6),
        ("60 JT.", 60e6),
        ("1,5 juta", 1.5e6),
        ("2.75jt", 2.75e6),
        ("60.000 ribu", 60e6),
        ("750rb", 750e3),
        ("1,2 miliar", 1.2e9),
        ("1,5 M", 1.5e9),
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
    # Excel serials count days from 1899-12-30: 45852 days later is 2025-07-14, 36526 is 2000-01-01
    assert parse_date("45852") == parse_date("45852.0") == dt.date(2025, 7, 14)
    assert parse_date("36526") == dt.date(2000, 1, 1)
    for not_a_serial in ("1234", "99999"):
        with pytest.raises(ValueError):
            parse_date(not_a_serial)
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
    ]:
        assert f"{column} (accepted headers: {spellings}" in msg
    assert "kecamatan (accepted" not in msg and "2 other column(s) ignored" in msg
    assert "status (accepted" not in msg  # status is optional


def test_a_column_given_twice_is_one_error_but_nik_beside_business_id_is_dropped():
    with pytest.raises(RegistryError, match="column revenue is given 2 times"):
        match_header(["nik", "kecamatan", "sektor", "omzet", "revenue", "status"], "f.csv")
    layout = match_header(["nik", "business_id", "kecamatan", "sektor", "omzet", "status"], "f.csv")
    assert layout.id_header == "business_id" and layout.index["id"] == 1 and set(layout.personal) == {0, 1}


def test_every_documented_status_word_is_read(baseline, tmp_path):
    lines = ["nik,kecamatan,sektor,omzet,status"]
    expected = []
    for n, (state, words) in enumerate((s, w) for s, ws in STATUS_WORDS.items() for w in ws):
        lines.append(f"5203074101850{n:03d},Selong,jasa,1000000,{words.upper()}")
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


def test_a_utf16_tab_separated_file_as_excel_saves_unicode_text(baseline, tmp_path):
    import csv
    import io

    text = VALID.read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    out = io.StringIO()
    csv.writer(out, delimiter="\t").writerows(rows)
    path = tmp_path / "unicode.txt"
    path.write_bytes(out.getvalue().encode("utf-16"))  # with a byte-order mark, as Excel writes it
    assert [r.revenue for r in validate(read_registry_file(path), baseline).rows] == [
        r.revenue for r in validate(read_registry_file(VALID), baseline).rows
    ]


def test_official_region_codes_and_their_licence_ship_with_the_package():
    from importlib.resources import files

    from simulation.core.regions import regions

    areas = regions()
    assert (len(areas.provinces), len(areas.regencies), len(areas.districts)) == (38, 514, 7277)
    assert areas.provinces["52"].name == "NUSA TENGGARA BARAT"
    assert areas.regencies["52.03"].name == "KABUPATEN LOMBOK TIMUR"
    assert areas.districts["52.03.07"].name == "Selong"
    assert len(areas.districts_of("52.03")) == 21 and len(areas.regencies_of("52")) == 10
    assert areas.split_nik_prefix("520307410185") == ("52", "52.03", "52.03.07")
    data = files("simulation.data")
    assert "Open Database License" in data.joinpath("regions_LICENSE.md").read_text(encoding="utf-8")
    assert "idn-area-data" in data.joinpath("regions_README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("key", "bits"),
    [
        (b"abcdefghijklmnop", 16 * 4.700439718141092),  # 16 lower-case letters: 16 log2(26)
        (b"0123456789abcdef" * 2, 128.0),  # 32 hex digits: 4 bits each
        (b"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 0.0),  # fewer than 8 distinct characters
        (bytes(range(200, 232)), 256.0),  # binary (not UTF-8): 8 bits a byte
    ],
)
def test_key_strength_estimate(key, bits):
    from simulation.population.registry.pseudonym import key_bits

    assert key_bits(key) == pytest.approx(bits)
