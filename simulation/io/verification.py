"""The data office's verification report: ``flags.csv``, ``quality.xlsx``, ``quality.html`` and a manifest.

Written by ``umkm-sim verify`` from a :class:`~simulation.population.registry.verify.CheckedRegistry`,
in Indonesian by default or English. Nothing here holds a NIK or a name: flags name rows, checks,
columns, codes and counts only (their details are built from :data:`~simulation.population.registry.
checks.DETAILS`). ``manifest.json`` records the input's SHA-256, the counts, and each file's SHA-256
(and rows for ``flags.csv``). The files appear together or not at all
(:func:`~simulation.io.atomic.atomic_folder`).
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import json
from dataclasses import dataclass
from pathlib import Path

from babel.numbers import format_decimal, format_percent

from simulation.core.languages import LANGUAGES, check_language
from simulation.io.atomic import atomic_folder
from simulation.io.checksums import file_record
from simulation.io.provenance import versions
from simulation.population.registry.checks import BY_NAME, CHECKS, ERROR, WARNING
from simulation.population.registry.verify import CheckedRegistry

FLAGS_FILE = "flags.csv"
XLSX_FILE = "quality.xlsx"
HTML_FILE = "quality.html"
MANIFEST_FILE = "manifest.json"
FILES = (FLAGS_FILE, XLSX_FILE, HTML_FILE, MANIFEST_FILE)
FLAG_COLUMNS = ("row", "check", "severity", "detail")
SHOWN_IN_HTML = 200
"""Flags listed in the page itself (all of them are in flags.csv and quality.xlsx)."""

TEXT = {
    "title": {"id": "Laporan mutu data UMKM", "en": "UMKM list data-quality report"},
    "file": {"id": "Berkas", "en": "File"},
    "made": {"id": "Dibuat", "en": "Made"},
    "rows_read": {"id": "Baris dibaca", "en": "Rows read"},
    "usable": {"id": "Baris siap dipakai (tanpa galat)", "en": "Rows usable (no error)"},
    "with_warnings": {"id": "di antaranya perlu dicek (peringatan)", "en": "of which to check (warnings)"},
    "with_errors": {"id": "Baris dengan galat (harus diperbaiki)", "en": "Rows with errors (must be fixed)"},
    "blank": {"id": "Baris kosong dilewati", "en": "Blank rows skipped"},
    "share_usable": {"id": "Bagian baris siap dipakai", "en": "Share of rows usable"},
    "refused": {
        "id": "BERKAS DITOLAK: sebagian besar NIK dirusak Excel (tersimpan sebagai angka). Digit yang hilang "
        "tidak bisa dipulihkan. Format kolom NIK sebagai Teks, isi ulang NIK dari sumbernya, lalu ekspor lagi.",
        "en": "FILE REFUSED: most NIKs were damaged by Excel (stored as numbers). The lost digits cannot be "
        "recovered. Format the NIK column as Text, enter the NIKs again from their source, and export again.",
    },
    "commonest": {
        "id": "Masalah, dari yang paling sering, dan cara memperbaikinya",
        "en": "Problems, commonest first, and how to fix them",
    },
    "check": {"id": "Pemeriksaan", "en": "Check"},
    "code": {"id": "Kode", "en": "Code"},
    "errors": {"id": "Baris galat", "en": "Rows with error"},
    "warnings": {"id": "Baris peringatan", "en": "Rows with warning"},
    "meaning": {"id": "Artinya", "en": "What it means"},
    "fix": {"id": "Cara memperbaiki", "en": "How to fix it"},
    "no_problems": {"id": "Tidak ada masalah ditemukan.", "en": "No problem found."},
    "by_kecamatan": {"id": "Per kecamatan", "en": "By kecamatan"},
    "kecamatan": {"id": "Kecamatan", "en": "Kecamatan"},
    "unknown_kecamatan": {"id": "(tidak dikenal)", "en": "(not recognised)"},
    "rows": {"id": "Baris", "en": "Rows"},
    "usable_short": {"id": "Siap dipakai", "en": "Usable"},
    "problems_list": {"id": "Daftar masalah per baris", "en": "Problems row by row"},
    "first_n": {
        "id": "{shown} masalah pertama dari {total}; daftar lengkap ada di flags.csv dan quality.xlsx.",
        "en": "The first {shown} problems of {total}; the full list is in flags.csv and quality.xlsx.",
    },
    "all_n": {
        "id": "Semua {total} masalah; juga ada di flags.csv dan quality.xlsx.",
        "en": "All {total} problems; also in flags.csv and quality.xlsx.",
    },
    "row": {"id": "Baris", "en": "Row"},
    "severity": {"id": "Tingkat", "en": "Severity"},
    "detail": {"id": "Keterangan", "en": "Detail"},
    "error": {"id": "galat", "en": "error"},
    "warning": {"id": "peringatan", "en": "warning"},
    "legend": {
        "id": "Galat: baris tidak bisa dipakai sampai diperbaiki (ingest menolaknya). Peringatan: baris dipakai, "
        "tetapi sebaiknya dicek. Nomor baris sama dengan di Excel (baris 1 = judul kolom). Laporan ini tidak "
        "memuat NIK atau nama.",
        "en": "Error: the row cannot be used until fixed (ingest rejects it). Warning: the row is used but should "
        "be checked. Row numbers are as in Excel (row 1 = the header). This report holds no NIK and no name.",
    },
    "compared": {"id": "Dibandingkan dengan daftar lain", "en": "Compared with other lists"},
    "nik_count": {"id": "{n} NIK", "en": "{n} NIKs"},
    "dup_search": {"id": "Pencarian data ganda (nama mirip)", "en": "Search for duplicates (similar names)"},
    "dup_done": {
        "id": "dilakukan: nama, kecamatan, sektor, omzet dan NIK dibandingkan",
        "en": "done: names, kecamatan, sector, revenue and NIKs compared",
    },
    "dup_no_name_column": {
        "id": "tidak dilakukan: daftar tidak punya kolom nama",
        "en": "not done: the list has no name column",
    },
    "dup_skipped": {"id": "tidak dilakukan", "en": "not done"},
    "sheet_summary": {"id": "Ringkasan", "en": "Summary"},
    "sheet_checks": {"id": "Masalah", "en": "Problems"},
    "sheet_kecamatan": {"id": "Per kecamatan", "en": "By kecamatan"},
    "sheet_flags": {"id": "Daftar per baris", "en": "Row by row"},
}
"""Every word of the report, in each language."""


def t(key: str, language: str) -> str:
    """A report text in ``language``."""
    return TEXT[key][language]


@dataclass
class Summary:
    """The figures of the report.

    Attributes
    ----------
    rows_read, usable, with_errors, usable_with_warnings, blank : int
    checks : list of (Check, int, int)
        Each check that flagged something, with rows flagged as error and as warning, commonest first.
    by_kecamatan : list of (str or None, int, int, int, int)
        Kecamatan (None: not recognised), rows, usable, with errors, with warnings; in name order.
    """

    rows_read: int
    usable: int
    with_errors: int
    usable_with_warnings: int
    blank: int
    checks: list
    by_kecamatan: list

    @property
    def share_usable(self) -> float:
        return self.usable / self.rows_read if self.rows_read else 0.0


def summarise(checked: CheckedRegistry) -> Summary:
    """Counts per check and per kecamatan, and the share of rows usable."""
    errors = {f.row for f in checked.flags if f.severity == ERROR}
    warned = {f.row for f in checked.flags if f.severity == WARNING}
    counts = checked.counts_by_check()
    checks = sorted(
        ((BY_NAME[name], c[ERROR], c[WARNING]) for name, c in counts.items()),
        key=lambda x: (-(x[1] + x[2]), [c.name for c in CHECKS].index(x[0].name)),
    )
    kec: dict[str | None, list[int]] = {}
    for number in checked.rows_read:
        k = checked.known[number]["kecamatan"] or None
        entry = kec.setdefault(k, [0, 0, 0, 0])
        entry[0] += 1
        entry[1 if number not in errors else 2] += 1
        entry[3] += number in warned
    order = sorted(kec, key=lambda k: (k is None, k or ""))
    return Summary(
        rows_read=checked.n_read,
        usable=checked.n_read - len(errors),
        with_errors=len(errors),
        usable_with_warnings=len(warned - errors),
        blank=checked.blank_rows,
        checks=checks,
        by_kecamatan=[(k, *kec[k]) for k in order],
    )


def _n(value: float, language: str) -> str:
    return format_decimal(value, locale=LANGUAGES[language])


def _pct(value: float, language: str) -> str:
    return format_percent(value, format="#,##0.0%", locale=LANGUAGES[language])


def write_flags_csv(checked: CheckedRegistry, path: Path, language: str) -> None:
    """``row, check, severity, detail``: one line per problem, details in ``language``."""
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(FLAG_COLUMNS)
        for f in checked.flags:
            writer.writerow([f.row, f.check, f.severity, f.detail(language)])


def _summary_lines(checked: CheckedRegistry, s: Summary, against, language: str) -> list[tuple[str, str]]:
    lines = [
        (t("file", language), checked.source),
        (t("rows_read", language), _n(s.rows_read, language)),
        (t("usable", language), _n(s.usable, language)),
        (t("with_warnings", language), _n(s.usable_with_warnings, language)),
        (t("with_errors", language), _n(s.with_errors, language)),
        (t("share_usable", language), _pct(s.share_usable, language)),
        (t("blank", language), _n(s.blank, language)),
        (t("dup_search", language), t(f"dup_{checked.duplicate_search}", language)),
    ]
    if against is not None and against.names:
        listed = "; ".join(
            f"{name} ({t('nik_count', language).format(n=_n(size, language))})"
            for name, size in zip(against.names, against.sizes, strict=True)
        )
        lines.append((t("compared", language), listed))
    return lines


def write_xlsx(checked: CheckedRegistry, s: Summary, against, path: Path, language: str) -> None:
    """``quality.xlsx``: summary, problems by check with fixes, by kecamatan, and every flag."""
    # deferred: openpyxl is only needed to write Excel files
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")

    def sheet(title: str, header: list[str], rows, widths: list[int], first: bool = False):
        ws = book.active if first else book.create_sheet()
        ws.title = title
        ws.append(header)
        for cell in ws[1]:
            cell.font = bold
        for row in rows:
            ws.append(list(row))
        for i, width in enumerate(widths):
            ws.column_dimensions[chr(65 + i)].width = width
        ws.freeze_panes = "A2"
        return ws

    summary = sheet(
        t("sheet_summary", language),
        [t("title", language), ""],
        _summary_lines(checked, s, against, language),
        [45, 60],
        first=True,
    )
    if checked.refused:
        summary.append([t("refused", language)])
        summary.cell(summary.max_row, 1).font = Font(bold=True, color="C00000")
    summary.append([t("legend", language)])
    checks = sheet(
        t("sheet_checks", language),
        [t(k, language) for k in ("check", "code", "errors", "warnings", "meaning", "fix")],
        ([c.label[language], c.name, e, w, c.meaning[language], c.fix[language]] for c, e, w in s.checks),
        [28, 20, 12, 12, 60, 60],
    )
    for row in checks.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = wrap
    sheet(
        t("sheet_kecamatan", language),
        [t(k, language) for k in ("kecamatan", "rows", "usable_short", "errors", "warnings")],
        ([k or t("unknown_kecamatan", language), n, ok, err, w] for k, n, ok, err, w in s.by_kecamatan),
        [22, 10, 14, 14, 14],
    )
    sheet(
        t("sheet_flags", language),
        [t(k, language) for k in ("row", "code", "severity", "detail")],
        ([f.row, f.check, t(f.severity, language), f.detail(language)] for f in checked.flags),
        [8, 20, 12, 100],
    )
    book.save(path)


CSS = """
body{font-family:system-ui,'Segoe UI',Arial,sans-serif;margin:2em auto;max-width:70em;color:#222;padding:0 1em}
h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.2em;margin-top:1.6em;border-bottom:1px solid #999}
table{border-collapse:collapse;width:100%;margin:.5em 0}th,td{border:1px solid #bbb;padding:.3em .5em;
vertical-align:top;text-align:left}th{background:#eee}td.n{text-align:right;white-space:nowrap}
.refused{border:2px solid #a00;background:#fee;padding:.8em;font-weight:bold}.muted{color:#555;font-size:.9em}
.big{font-size:2em;font-weight:bold}table.kv th{width:40%;font-weight:normal}.error{color:#a00}.warning{color:#8a5a00}
"""


def _table(header: list[str], rows: list[list[str]], numeric: set[int] = frozenset()) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join(
        "<tr>"
        + "".join(f"<td{' class=n' if i in numeric else ''}>{html.escape(str(c))}</td>" for i, c in enumerate(r))
        + "</tr>"
        for r in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def write_html(checked: CheckedRegistry, s: Summary, against, path: Path, language: str) -> None:
    """``quality.html``: one self-contained page the office reads."""
    e = html.escape
    parts = [
        f"<!DOCTYPE html><html lang='{language}'><head><meta charset='utf-8'>",
        f"<title>{e(t('title', language))}: {e(checked.source)}</title><style>{CSS}</style></head><body>",
        f"<h1>{e(t('title', language))}</h1>",
        f"<p class=muted>{e(t('file', language))}: <b>{e(checked.source)}</b> &middot; "
        f"{e(t('made', language))}: {dt.date.today().isoformat()}</p>",
    ]
    if checked.refused:
        parts.append(f"<p class=refused>{e(t('refused', language))}</p>")
    parts.append(
        f"<p><span class=big>{e(_pct(s.share_usable, language))}</span> {e(t('share_usable', language).lower())}</p>"
    )
    rows = "".join(
        f"<tr><th>{e(k)}</th><td>{e(v)}</td></tr>" for k, v in _summary_lines(checked, s, against, language)[1:]
    )
    parts.append(f"<table class=kv>{rows}</table>")
    parts.append(f"<p class=muted>{e(t('legend', language))}</p>")
    parts.append(f"<h2>{e(t('commonest', language))}</h2>")
    if s.checks:
        parts.append(
            _table(
                [t(k, language) for k in ("check", "errors", "warnings", "meaning", "fix")],
                [
                    [f"{c.label[language]} ({c.name})", _n(err, language), _n(w, language), c.meaning[language],
                     c.fix[language]]
                    for c, err, w in s.checks
                ],
                {1, 2},
            )
        )  # fmt: skip
    else:
        parts.append(f"<p>{e(t('no_problems', language))}</p>")
    parts.append(f"<h2>{e(t('by_kecamatan', language))}</h2>")
    parts.append(
        _table(
            [t(k, language) for k in ("kecamatan", "rows", "usable_short", "errors", "warnings")],
            [
                [k or t("unknown_kecamatan", language), *(_n(x, language) for x in (n, ok, err, w))]
                for k, n, ok, err, w in s.by_kecamatan
            ],
            {1, 2, 3, 4},
        )
    )
    if checked.flags:
        shown = checked.flags[:SHOWN_IN_HTML]
        parts.append(f"<h2>{e(t('problems_list', language))}</h2>")
        total = _n(len(checked.flags), language)
        note = t("first_n" if len(shown) < len(checked.flags) else "all_n", language)
        parts.append(f"<p class=muted>{e(note.format(shown=_n(len(shown), language), total=total))}</p>")
        parts.append(
            _table(
                [t(k, language) for k in ("row", "code", "severity", "detail")],
                [[str(f.row), f.check, t(f.severity, language), f.detail(language)] for f in shown],
                {0},
            )
        )
    parts.append("</body></html>")
    path.write_text("\n".join(parts), encoding="utf-8")


def write_verification(checked: CheckedRegistry, out_dir: str | Path, language: str = "id", against=None) -> list[Path]:
    """Write ``flags.csv``, ``quality.xlsx``, ``quality.html`` and ``manifest.json`` into ``out_dir``, atomically.

    Parameters
    ----------
    checked : CheckedRegistry
    out_dir : path
        Created, or replaced as a whole if it is an earlier output (holds a ``manifest.json``).
    language : {"id", "en"}
    against : OtherLists, optional
        The lists compared (their file names and sizes are reported).
    """
    check_language(language)
    s = summarise(checked)
    out = Path(out_dir)
    with atomic_folder(out) as temp:
        write_flags_csv(checked, temp / FLAGS_FILE, language)
        write_xlsx(checked, s, against, temp / XLSX_FILE, language)
        write_html(checked, s, against, temp / HTML_FILE, language)
        manifest = {
            "input": {"file": checked.source, "format": checked.kind, "sha256": checked.sha256},
            "language": language,
            "counts": {
                "rows_read": s.rows_read,
                "usable": s.usable,
                "usable_with_warnings": s.usable_with_warnings,
                "with_errors": s.with_errors,
                "blank_rows": s.blank,
                "flags_by_check": {c.name: {"error": e, "warning": w} for c, e, w in s.checks},
            },
            "refused": checked.refused,
            "duplicate_search": checked.duplicate_search,
            "against": [
                {"file": n, "niks": k} for n, k in zip(against.names, against.sizes, strict=True)
            ] if against is not None else [],
            "files": {
                FLAGS_FILE: file_record(temp / FLAGS_FILE, len(checked.flags)),
                XLSX_FILE: file_record(temp / XLSX_FILE, None),
                HTML_FILE: file_record(temp / HTML_FILE, None),
            },
            "versions": versions(),
        }  # fmt: skip
        text = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
        (temp / MANIFEST_FILE).write_text(text, encoding="utf-8")
    return [out / name for name in FILES]
