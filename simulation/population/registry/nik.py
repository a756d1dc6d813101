"""The NIK (Nomor Induk Kependudukan): its structure, and the damage Excel does to it.

A NIK is 16 digits: province (2), regency (2) and kecamatan (2) codes of where it was issued, the
birth date DDMMYY (40 added to the day for women) and a 4-digit serial. Excel keeps 15 significant
digits of a number, so a NIK typed or pasted into a column formatted as a number loses its 16th
digit (it becomes 0) and is shown as ``5.20307E+15``; a CSV exported from that sheet carries the
damage.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from simulation.core.regions import Regions, regions

NIK_DIGITS = 16
EXCEL_DIGITS = 15
"""Significant digits Excel keeps of a number."""
_STRIP = re.compile(r"[\s'\"`\u2018\u2019\u201c\u201d]+")
_SCIENTIFIC = re.compile(r"^\d(?:[.,]\d+)?[eE][+]?\d{1,2}$")
_DECIMAL = re.compile(r"^\d{12,}[.,]\d+$")

MOST = 0.5
"""Share of a file's NIKs showing Excel damage above which the whole file is refused."""
MIN_ROWS_FOR_ZEROS = 10
"""Fewest 16-digit NIKs before a surplus of final zeros is taken as Excel damage (one real NIK in
ten ends in 0; half of ten or more happens by chance with probability below 0.2%)."""


def clean_nik(text: str) -> str:
    """The NIK cell with spaces and quotes (including Excel's leading apostrophe) removed."""
    return _STRIP.sub("", text)


def excel_damage(cleaned: str, numeric_cell: bool) -> str | None:
    """``excel_scientific``, ``excel_number`` or None for one NIK cell (already cleaned).

    ``numeric_cell`` is true when the XLSX cell held a number rather than text.
    """
    if _SCIENTIFIC.match(cleaned):
        return "excel_scientific"
    if numeric_cell or _DECIMAL.match(cleaned):
        return "excel_number"
    return None


@dataclass(frozen=True)
class NikProblem:
    """A structural problem of a NIK: detail key, severity override (None: the check's) and params."""

    check: str
    key: str
    warning: bool = False
    code: str = ""


def structure_problems(digits: str, areas: Regions | None = None, home: str | None = None) -> list[NikProblem]:
    """Problems of a cleaned NIK's structure: format, region codes and birth date.

    Returns an empty list for a well-formed NIK of a known province and regency with a valid birth
    date. A NIK that is not 16 digits gets only its format problem. With ``home`` (a regency code
    such as ``52.03``), a valid NIK issued in another regency gets a warning: the owner may live
    elsewhere (a NIK stays with its place of issue after a move, so it is a question, not an error).
    """
    if not digits.isdigit():
        return [NikProblem("nik_format", "nik_chars")]
    if len(digits) != NIK_DIGITS:
        return [NikProblem("nik_format", "nik_length", code=str(len(digits)))]
    areas = areas or regions()
    out = []
    province, regency, district = Regions.split_nik_prefix(digits)
    if province not in areas.provinces:
        out.append(NikProblem("nik_region", "nik_province", code=province))
    elif regency not in areas.regencies:
        out.append(NikProblem("nik_region", "nik_regency", code=regency))
    elif district not in areas.districts:
        out.append(NikProblem("nik_region", "nik_district", warning=True, code=district))
    elif home is not None and regency != home:
        out.append(NikProblem("nik_region", "nik_elsewhere", warning=True, code=regency))
    if not valid_birthdate(digits[6:12]):
        out.append(NikProblem("nik_birthdate", "nik_birthdate"))
    return out


def valid_birthdate(ddmmyy: str) -> bool:
    """Whether DDMMYY (day + 40 for women) is a calendar date in 19YY or 20YY."""
    day, month, year = int(ddmmyy[:2]), int(ddmmyy[2:4]), int(ddmmyy[4:6])
    if day > 40:
        day -= 40
    for century in (1900, 2000):
        try:
            dt.date(century + year, month, day)
            return True
        except ValueError:
            continue
    return False


def trailing_zero_damage(digit_niks: list[str]) -> bool:
    """Whether the 16-digit NIKs of a file end in 0 far more often than one in ten (Excel damage)."""
    if len(digit_niks) < MIN_ROWS_FOR_ZEROS:
        return False
    zeros = sum(1 for d in digit_niks if d.endswith("0"))
    return zeros > MOST * len(digit_niks)
