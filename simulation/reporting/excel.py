"""``tables.xlsx``: the figures a budget planner takes into the APBD discussion, via openpyxl.

Sheets (names in the report language): annual summary, payers, by kecamatan, budget (ceiling,
waiting list, share of APBD), benefits, assumptions with sources, provenance. Headers are bold and
frozen, columns sized to their content, rupiah cells carry a rupiah number format (digits grouped
by the reader's Excel locale), shares a percentage.
Values are the unrounded numbers of the CSVs.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from simulation.reporting.formats import currency_symbol
from simulation.reporting.tables import Table

SHEETS = {
    "annual": ("Ringkasan tahunan", "Annual summary"),
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
    return {"year": "0", "count": "#,##0", "share": "0.0%", "rupiah": f"{prefix}#,##0", "text": "@"}


def _write_sheet(ws, table: Table, language: str) -> None:
    formats = number_formats(language)
    frame = table.frame
    ws.append(list(frame.columns))
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDDDDD")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in frame.itertuples(index=False):
        ws.append([v.item() if hasattr(v, "item") else v for v in row])
    for j, column in enumerate(frame.columns, start=1):
        kind = table.kinds.get(column, "text")
        letter = get_column_letter(j)
        for cell in ws[letter][1:]:
            if kind != "text":
                cell.number_format = formats[kind]
            else:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        longest = max([len(str(column)) * 0.8, *(_shown_width(v, kind) for v in frame[column])], default=10)
        ws.column_dimensions[letter].width = min(max(10, longest + 2), 70)
    ws.freeze_panes = "B2" if len(frame.columns) > 2 and table.kinds.get(frame.columns[0]) == "year" else "A2"


def _shown_width(value, kind: str) -> float:
    if kind == "rupiah":
        return len(f"{abs(value):,.0f}") + 5
    if kind == "count":
        return len(f"{abs(value):,.0f}") + 1
    if kind in ("share", "year"):
        return 7
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
