"""A corpus of damaged UMKM lists, one per damage that offices' registries show (issue 12).

Each builder writes a small list into a folder and returns its path. NIKs are built from their
parts (:func:`nik`), so a test's expectation comes from how the NIK was made, not from the checks.
"""

from __future__ import annotations

import csv
from pathlib import Path

SELONG = "520307"  # 52 NTB, 52.03 Lombok Timur, 52.03.07 Selong (regions_districts.csv)
JAKARTA_PUSAT = "317101"  # 31 DKI Jakarta, 31.71 Jakarta Pusat, 31.71.01 Gambir
CANARY_NIK = "5203075512900042"
CANARY_NAME = "Zulaikha Kanaripertama"
HEADER = ["NIK", "Nama", "Kecamatan", "Sektor", "Omzet", "Status"]


def nik(region: str = SELONG, day: int = 1, month: int = 1, year: int = 85, female: bool = False, serial: int = 1):
    """A NIK from its parts: region code (6 digits), birth date DDMMYY (+40 on the day for women), serial."""
    return f"{region}{day + 40 * female:02d}{month:02d}{year:02d}{serial:04d}"


def write_csv(path: Path, header: list[str], rows: list[list[str]], delimiter: str = ",") -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_xlsx(path: Path, header: list[str], rows: list[list]) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def good_rows(n: int, start: int = 1) -> list[list[str]]:
    """``n`` clean rows with distinct NIKs and names (names made of two invented words)."""
    words = ["Rahmat", "Sukri", "Hamdi", "Juned", "Marni", "Saodah", "Kertiah", "Munah", "Ratnasih", "Ilham"]
    return [
        [
            nik(serial=start + i, day=1 + i % 28, female=bool(i % 2)),
            f"{words[i % 10]} {words[(i // 10) % 10]}son{i}",
            "Selong",
            "perdagangan",
            "60000000",
            "belum terdaftar",
        ]
        for i in range(n)
    ]


def excel_numeric_nik_xlsx(folder: Path, n: int = 20) -> Path:
    """Every NIK typed into a Number-formatted Excel column: stored as a float, 16th digit lost.

    Pairs of NIKs that differ only in the last digit collapse into one number.
    """
    rows = []
    for i in range(n):
        digits = nik(serial=10 * (i // 2) + 1 + i % 2)  # ...0011 and ...0012 both become ...0010
        as_excel = float(digits[:15] + "0")  # Excel keeps 15 significant digits
        rows.append([as_excel, f"Orang Nomor{i}", "Selong", "jasa", 50_000_000, "belum terdaftar"])
    return write_xlsx(folder / "numeric_nik.xlsx", HEADER, rows)


def scientific_nik_csv(folder: Path, n: int = 2000) -> Path:
    """A CSV exported from such a sheet: NIKs as ``5.20307E+15``."""
    rows = [[f"{float(nik(serial=i + 1)):.5E}".replace("E+", "E+"), f"Nama Ke{i}", "Selong", "jasa", "5000000", ""]
            for i in range(n)]  # fmt: skip
    return write_csv(folder / "scientific_nik.csv", HEADER, rows)


def trailing_zero_csv(folder: Path, n: int = 40) -> Path:
    """A CSV from a Number column formatted to show all digits: 16 digits, the last always 0."""
    rows = [[nik(serial=i + 1)[:15] + "0", f"Nama Ke{i}", "Selong", "jasa", "5000000", ""] for i in range(n)]
    return write_csv(folder / "trailing_zero.csv", HEADER, rows)


def malformed_nik_csv(folder: Path) -> tuple[Path, dict[int, tuple[str, str]]]:
    """One row per NIK defect; returns the path and row -> (check, severity) expected."""
    rows = good_rows(10)
    cases = {
        2: (nik()[:15], ("nik_format", "error")),  # 15 digits
        3: (nik() + "7", ("nik_format", "error")),  # 17 digits
        4: ("52030741O1850001", ("nik_format", "error")),  # a letter O for a zero
        5: (nik(region="990101"), ("nik_region", "error")),  # no province 99
        6: (nik(region="529901"), ("nik_region", "error")),  # no regency 52.99
        7: (nik(region="520399"), ("nik_region", "warning")),  # no kecamatan 52.03.99 (split later?)
        8: (nik(day=31, month=2), ("nik_birthdate", "error")),  # 31 February
        9: (nik(day=32, female=True), ("nik_birthdate", "error")),  # day 72
        10: (nik(region=JAKARTA_PUSAT, serial=9), ("nik_region", "warning")),  # valid, issued elsewhere
        11: (" '" + nik(serial=77)[:8] + " " + nik(serial=77)[8:] + "' ", (None, None)),  # spaces and quotes
    }
    for row, (value, _) in cases.items():
        rows[row - 2][0] = value
    return write_csv(folder / "malformed_nik.csv", HEADER, rows), {r: e for r, (_, e) in cases.items()}


def money_and_dates_csv(folder: Path) -> tuple[Path, dict[int, float]]:
    """Indonesian money notations, omzet in juta, Excel serial dates, no status column at all."""
    amounts = {
        2: ("Rp. 60.000.000,-", 60e6),
        3: ("Rp 60.000.000,00", 60e6),
        4: ("60 juta", 60e6),
        5: ("60jt", 60e6),
        6: ("Rp 1,5 juta", 1.5e6),
        7: ("76.000.000", 76e6),
    }
    header = ["NIK", "Kecamatan", "Sektor", "Omzet", "Tanggal Daftar"]
    rows = [[nik(serial=r), "Aikmel", "kuliner", text, "45658"] for r, (text, _) in amounts.items()]  # 2025-01-01
    rows.append([nik(serial=8), "Aikmel", "kuliner", "60", ""])  # juta written as a bare number
    rows.append([nik(serial=9), "Aikmel", "kuliner", "600000", ""])  # below Rp1 million: a warning only
    return write_csv(folder / "money.csv", header, rows, delimiter=";"), {r: v for r, (_, v) in amounts.items()}


def names_in_wrong_columns_csv(folder: Path) -> Path:
    """Names where the kecamatan and status should be, and no name column at all."""
    header = ["NIK", "Kecamatan", "Sektor", "Omzet", "Status"]
    rows = [
        [CANARY_NIK, CANARY_NAME, "jasa", "50000000", "belum terdaftar"],
        [nik(serial=2), "Selong", "jasa", "50000000", CANARY_NAME],
        [nik(serial=3), "Selong", CANARY_NAME, "50000000", ""],
        [nik(serial=4), "Selong", "jasa", CANARY_NIK, ""],
    ]
    return write_csv(folder / "wrong_columns.csv", header, rows)


def pseudonym_column_with_niks_csv(folder: Path) -> Path:
    """A column headed ``pseudonym`` that holds NIKs."""
    header = ["pseudonym", "kecamatan", "sector", "revenue", "status"]
    rows = [[nik(serial=i + 1), "Selong", "jasa", "50000000", "eligible"] for i in range(5)]
    return write_csv(folder / "pseudonym_niks.csv", header, rows)


def duplicates_csv(folder: Path) -> tuple[Path, Path]:
    """A list with an exact duplicate NIK and a person listed twice under a mistyped NIK and name;
    and another list (active members) holding one of its NIKs."""
    rows = good_rows(8)
    rows.append(list(rows[0]))  # row 10: row 2 again
    twin = list(rows[3])  # row 11: row 5's person, NIK serial mistyped, name misspelt
    twin[0] = twin[0][:15] + str((int(twin[0][15]) + 1) % 10)
    twin[1] = twin[1].replace("a", "e", 1) if "a" in twin[1] else twin[1] + "h"
    rows.append(twin)
    listed = write_csv(folder / "bpjs_aktif.csv", ["No", "NIK Peserta", "Nama"], [["1", rows[6][0], "x"]])
    return write_csv(folder / "duplicates.csv", HEADER, rows), listed
