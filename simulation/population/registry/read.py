"""Reading a registry file (CSV or XLSX) into a header and rows of text cells.

Row numbers are as a spreadsheet shows them: the header is row 1 and the first UMKM row 2. In a CSV
they count records, which equal lines unless a quoted cell holds a line break.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from simulation.population.registry.errors import RegistryError

DELIMITERS = ",;\t|"
"""Separators a CSV may use; Excel in an Indonesian locale writes ``;``."""


@dataclass
class RawRegistry:
    """A registry file as text cells.

    Attributes
    ----------
    source : str
        The file name (no folder) for messages.
    kind : {"csv", "xlsx"}
    header : list of str
    rows : list of (int, list of str)
        Row number (header = 1) and the cells, for every row after the header.
    sha256 : str
        SHA-256 of the file's bytes.
    numeric : frozenset of (int, int)
        (row number, 0-based column) of XLSX cells that held a number of eleven or more digits (a
        NIK stored as a number has lost its 16th digit; see ``nik.excel_damage``).
    """

    source: str
    kind: str
    header: list[str]
    rows: list[tuple[int, list[str]]]
    sha256: str
    numeric: frozenset = frozenset()


def cell_text(value: object) -> str:
    """A spreadsheet cell as text: integral numbers without ``.0``, dates as ISO, None as empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def file_sha256(path: Path) -> str:
    """SHA-256 hex digest of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_registry_file(path: str | Path) -> RawRegistry:
    """Read a CSV or an XLSX file.

    A CSV may be separated by ``,``, ``;``, tab or ``|`` and encoded in UTF-8 (with or without a
    byte-order mark), UTF-16 with a byte-order mark (Excel's "Unicode text") or Windows-1252.

    Raises
    ------
    RegistryError
        If the file is missing, empty, of another type, or not readable as CSV/XLSX.
    """
    path = Path(path)
    source = path.name
    if not path.is_file():
        raise RegistryError(f"{source}: registry file not found")
    suffix = path.suffix.lower()
    numeric: frozenset = frozenset()
    try:
        if suffix in (".xlsx", ".xlsm"):
            kind, header, rows, numeric = "xlsx", *_read_xlsx(path, source)
        elif suffix in (".csv", ".txt", ".tsv"):
            kind, header, rows = "csv", *_read_csv(path, source)
        else:
            raise RegistryError(f"{source}: a registry is a .csv or .xlsx file, not '{suffix or 'no extension'}'")
    except OSError as exc:
        raise RegistryError(f"{source}: cannot be read ({exc.strerror or type(exc).__name__})") from None
    return RawRegistry(source=source, kind=kind, header=header, rows=rows, sha256=file_sha256(path), numeric=numeric)


def _read_csv(path: Path, source: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    data = path.read_bytes()
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        text = data.decode("utf-16")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")
    first = re.split(r"\r\n|\r|\n", text, maxsplit=1)[0]
    if not first.strip():
        raise RegistryError(f"{source}: the file is empty or its first line (the header) is blank")
    delimiter = max(DELIMITERS, key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        records = list(reader)
    except csv.Error as exc:
        raise RegistryError(f"{source}: not a readable CSV file ({exc})") from None
    header = records[0]
    return header, [(number, cells) for number, cells in enumerate(records[1:], start=2)]


def _read_xlsx(path: Path, source: str) -> tuple[list[str], list[tuple[int, list[str]]], frozenset]:
    # deferred: openpyxl is only needed to write Excel files
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several kinds for a broken file
        raise RegistryError(f"{source}: not a readable XLSX workbook ({type(exc).__name__})") from None
    try:
        sheet = book.worksheets[0]
        rows: Iterator = sheet.iter_rows(values_only=True)
        header_cells = next(rows, None)
        if header_cells is None:
            raise RegistryError(f"{source}: the first sheet is empty")
        header = [cell_text(v) for v in header_cells]
        out, numeric = [], set()
        for number, cells in enumerate(rows, start=2):
            out.append((number, [cell_text(v) for v in cells]))
            numeric.update(
                (number, col)
                for col, v in enumerate(cells)
                if isinstance(v, int | float) and not isinstance(v, bool) and abs(v) >= 1e10
            )
    finally:
        book.close()
    return header, out, frozenset(numeric)
