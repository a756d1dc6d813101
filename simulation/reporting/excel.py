"""``tables.xlsx``: the figures a budget planner takes into the APBD discussion, via openpyxl.

Sheets (names in the report language): annual summary, the APBD Kabupaten's accounts (JKK and JKM
by year), payers, by kecamatan, budget (ceiling, waiting list, share of APBD), benefits, assumptions
with sources, provenance. Headers are bold, wrapped in a row tall enough for them, frozen, and
repeated on every printed page; columns are sized to their content; every sheet prints on A4
landscape, fitted to the page width. Rupiah columns show millions (``#,##0.0,,``, the header says
``Rp juta``) while their cells hold the full rupiah; a rupiah assumption carries a rupiah format
(digits grouped by the reader's Excel locale), shares a percentage, counts a whole-number format; assumption values
are numbers with their own row's format. Values are the unrounded numbers of the CSVs.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from simulation.outputs.variables import VARIABLES, variable
from simulation.reporting.formats import currency_symbol
from simulation.reporting.labels import text
from simulation.reporting.tables import Table, with_unit

SHEETS = {
    "annual": ("Ringkasan tahunan", "Annual summary"),
    "apbd": ("Rekening APBD", "APBD accounts"),
    "cash": ("Anggaran kas", "Cash plan"),
    "payers": ("Pembayar", "Payers"),
    "kecamatan": ("Per kecamatan", "By kecamatan"),
    "fiscal": ("Anggaran", "Budget"),
    "benefits": ("Manfaat", "Benefits"),
    "assumptions": ("Asumsi dan sumber", "Assumptions and sources"),
    "provenance": ("Asal-usul", "Provenance"),
}
"""Sheet key to its (Indonesian, English) name."""


def sheet_name(key: str, language: str) -> str:
    """The name of sheet ``key`` in the report language."""
    return SHEETS[key][0 if language == "id" else 1]


def number_formats(language: str) -> dict[str, str]:
    """Excel number format per column kind; the rupiah prefix is Babel's symbol for the locale."""
    symbol = currency_symbol(language)
    prefix = f'"{symbol} "' if symbol == "IDR" else f'"{symbol}"'
    return {
        "year": "0",
        "count": "#,##0",
        "share": "0.0%",
        "rupiah": f"{prefix}#,##0",
        "rupiah_million": "#,##0.0,,",
        "number": "0.0###",
        "text": "@",
        "figure": "@",  # a number already written out as text (the brief's headline)
    }


NAMES_OF_VARIABLES = frozenset(v.name for v in VARIABLES)

HEADER_LINE_POINTS = 15
"""Height of one line of a header in points (11-point Calibri and a little air)."""


def _write_sheet(ws, table: Table, language: str) -> None:
    formats = number_formats(language)
    frame = table.frame
    ws.append([excel_header(c, table, language) for c in frame.columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDDDDD")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in frame.itertuples(index=False):
        ws.append([None if _missing(v) else v.item() if hasattr(v, "item") else v for v in row])
    lines = 1
    for j, column in enumerate(frame.columns, start=1):
        letter = get_column_letter(j)
        millions = _in_millions(column, table)  # once per column: it looks at every value
        for i, cell in enumerate(ws[letter][1:]):
            shown = table.kind_at(column, i)
            if shown == "rupiah" and millions:
                shown = "rupiah_million"
            if shown != "text":
                cell.number_format = formats[shown]
            else:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        widths = [_shown_width(v, table.kind_at(column, i)) for i, v in enumerate(frame[column])]
        if millions:
            widths = [len(f"{abs(v) / 1e6:,.1f}") + 1 for v in frame[column] if not _missing(v)]
        header = excel_header(column, table, language)
        longest_word = max((len(w) for w in header.split()), default=8)
        width = min(max(10, max(widths, default=8) + 2, longest_word + 2), 60)
        ws.column_dimensions[letter].width = width
        lines = max(lines, _lines(header, width))
    ws.row_dimensions[1].height = HEADER_LINE_POINTS * lines
    ws.freeze_panes = "B2" if len(frame.columns) > 2 and table.kinds.get(frame.columns[0]) == "year" else "A2"
    _print_setup(ws)


def excel_header(column: str, table: Table, language: str) -> str:
    """A column's header in the workbook: a rupiah column is shown in millions and says so
    (``Biaya publik (Rp juta)``); its cells hold the full rupiah."""
    if _in_millions(column, table):
        return with_unit(column, text("unit_million", language), language)
    return column


def _in_millions(column: str, table: Table) -> bool:
    """Whether a rupiah column is shown in millions: a total (unit ``IDR``, not a cost per UMKM, which
    stays in rupiah) whose largest amount reaches Rp1 million."""
    if table.kinds.get(column) != "rupiah" or column in table.cell_kinds:
        return False
    source = table.sources.get(column, "")
    if source in NAMES_OF_VARIABLES and variable(source).unit != "IDR":
        return False
    values = [abs(v) for v in table.frame[column] if not _missing(v)]
    return bool(values) and max(values) >= 1e6


def _print_setup(ws) -> None:
    """A4 landscape, fitted to one page wide (as many tall as needed), header row on every page."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"
    ws.print_options.gridLines = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.oddFooter.center.text = "&P / &N"


def _lines(header: str, width: float) -> int:
    """Lines a wrapped header takes in a column ``width`` characters wide (word by word)."""
    lines, used = 1, 0
    for word in header.split():
        if used and used + 1 + len(word) > width - 1:
            lines, used = lines + 1, len(word)
        else:
            used += len(word) + (1 if used else 0)
    return lines


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and value != value)


def _shown_width(value, kind: str) -> float:
    if _missing(value):
        return 0
    if kind == "rupiah":
        return len(f"{abs(value):,.0f}") + 5
    if kind == "count":
        return len(f"{abs(value):,.0f}") + 1
    if kind in ("share", "year", "number"):
        return 8
    return min(len(str(value)), 68)


def write_workbook(path: str | Path, sheets: dict[str, Table], language: str) -> Path:
    """Write ``sheets`` (keys of :data:`SHEETS`, in that order) into an xlsx file at ``path``."""
    named = {sheet_name(key, language): sheets[key] for key in SHEETS if key in sheets}
    return write_named_sheets(path, named, language)


def write_named_sheets(path: str | Path, sheets: dict[str, Table], language: str) -> Path:
    """Write ``sheets`` (sheet name to table, in that order) into an xlsx file at ``path``."""
    wb = Workbook()
    wb.remove(wb.active)
    for name, table in sheets.items():
        _write_sheet(wb.create_sheet(name), table, language)
    path = Path(path)
    wb.save(path)
    return path
