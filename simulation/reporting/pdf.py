"""The brief on paper: a PDF from the same HTML the reader opens, through WeasyPrint.

The HTML nbconvert writes carries the notebook's screen styles (several hundred kilobytes of
JupyterLab CSS); the PDF keeps its content and replaces those styles with :data:`PRINT_CSS`: A4
portrait, page numbers in the footer, the headline on page 1, charts and table rows never split
across pages, fonts embedded (WeasyPrint embeds the subset of each font it uses). WeasyPrint needs
Pango (on Debian and Ubuntu ``libpango-1.0-0``, present on a standard installation; on macOS
``brew install pango``; on Windows the GTK runtime, see WeasyPrint's installation notes).
"""

from __future__ import annotations

import re
import threading
from functools import cache
from pathlib import Path

from simulation.reporting.labels import text

TOTAL_CLASS = "umkm-total"
"""The class of a table's total row (bold with a rule above, on screen and in the PDF's print styles)."""

NUMBER_CLASS = "umkm-number"
"""The class of a table cell holding a number (a count, a share, an amount): the PDF sets it flush
right, so the digits of a column line up (JupyterLab's screen styles right-align every cell)."""

KEEP_CLASS = "umkm-keep"
"""The class of a block (heading, note, short table) the PDF keeps on one page: the cash plan."""

ASSUMPTIONS_CLASS = "umkm-assumptions"
"""The class of the assumptions table, which the PDF lays out with the column widths of
:data:`ASSUMPTION_WIDTHS` (the page is unchanged on screen)."""

ASSUMPTION_WIDTHS = {"id": (10, 20, 15, 9, 13, 11, 10, 12), "en": (12, 16, 11, 10, 11, 9, 9, 22)}
"""Widths (percent of the page's width) of the assumptions table's columns in the PDF, by report
language, in the order of :data:`simulation.reporting.tables.ASSUMPTION_COLUMNS`: group, parameter,
detail, value, unit, low, high, source.

They are the widths WeasyPrint's automatic layout gave the baseline brief (rounded), so the page looks
as it did; the English sources are longer, hence a table per language. The table has about half the
cells of a brief (56 rows of 8). Laid out automatically, WeasyPrint measures every cell's narrowest
and widest width before placing it; with the widths given (``table-layout: fixed``) it places each
cell once. The baseline brief's PDF (same pages) took 1.12 CPU-s before and 0.97 after, in English
1.39 and 1.22, together with the greyscale charts (:func:`simulation.reporting.charts.save`)
(2026-11-26, 2-core Xeon, load 1.0, best of 4)."""

PRINT_CSS = """
@page {
  size: A4 portrait;
  margin: 16mm 14mm 18mm 14mm;
  @bottom-right { content: "%(page)s " counter(page) " / " counter(pages); font-size: 8pt; color: #444; }
  @bottom-left { content: "%(title)s"; font-size: 8pt; color: #444; }
}
html { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; font-size: 9pt; color: #000; }
h1 { font-size: 15pt; margin: 0 0 6pt 0; }
h2 { font-size: 12pt; margin: 12pt 0 4pt 0; break-after: avoid; border-bottom: 0.6pt solid #000; }
h3 { font-size: 10pt; margin: 8pt 0 3pt 0; break-after: avoid; }
p { margin: 3pt 0; line-height: 1.35; }
img { max-width: 100%%; max-height: 120mm; break-inside: avoid; display: block; margin: 4pt auto; }
table { border-collapse: collapse; margin: 4pt 0 8pt 0; font-size: 7.5pt; width: auto; max-width: 100%%; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
th { border-bottom: 0.8pt solid #000; text-align: left; vertical-align: bottom; padding: 2pt 4pt; }
td { border-bottom: 0.3pt solid #999; padding: 1.5pt 4pt; vertical-align: top; }
th { overflow-wrap: break-word; hyphens: manual; }
table { table-layout: auto; }
td.%(total)s { font-weight: bold; border-top: 0.8pt solid #000; }
td.%(number)s, th.%(number)s { text-align: right; }
.%(keep)s { break-inside: avoid; }
.%(keep)s h3 { font-size: 10pt; margin: 8pt 0 3pt 0; }
table.%(assumptions)s { table-layout: fixed; width: 100%%; }
table.%(assumptions)s th { box-sizing: border-box; }
%(assumption_widths)s
code { font-family: "DejaVu Sans Mono", monospace; font-size: 8pt; }
.jp-Cell, .jp-OutputArea-output, .cell, .output_area { break-inside: auto; }
"""
"""Print styles; ``%(page)s`` and ``%(title)s`` are filled in the report language, ``%(total)s``,
``%(number)s``, ``%(keep)s`` and ``%(assumptions)s`` with :data:`TOTAL_CLASS`, :data:`NUMBER_CLASS`,
:data:`KEEP_CLASS` and :data:`ASSUMPTIONS_CLASS`, ``%(assumption_widths)s`` with the rules of :data:`ASSUMPTION_WIDTHS`.

Figures in a column line up without asking for tabular digits (``font-variant-numeric``): the digits
of DejaVu Sans, Liberation Sans and Arial are all of one width already. Asking for them made Pango
shape every cell with an OpenType feature, 8% of a brief's PDF (0.88 against 0.81 CPU-s), and the
pages came out pixel for pixel the same without (the baseline brief and the comparison, 2026-11-26,
2-core Xeon)."""

_STYLE = re.compile(r"<style[^>]*>.*?</style>|<link[^>]*rel=\"stylesheet\"[^>]*>|<script.*?</script>", re.S)


ONE_AT_A_TIME = threading.Lock()
"""Held while WeasyPrint lays out or writes a page: a batch writes the comparison's PDF and a
portfolio's in two threads of one process, and Pango's font map is not safe to share between threads."""

_ANCHOR = re.compile(r'<a class="anchor-link"[^>]*>.*?</a>', re.S)

_TABLE = re.compile(r"<table\b.*?</table>", re.S)
_CELL = re.compile(r'<td\b[^>]*\bclass="([^"]*)"[^>]*>(.*?)</td>', re.S)
_HEADING = re.compile(r'<th\b[^>]*\bclass="col_heading\b[^"]*?\bcol(\d+)\b[^"]*')
_COLUMN = re.compile(r"\bcol(\d+)\b")


def _headed(table: re.Match) -> str:
    """One table whose number columns' headings carry :data:`NUMBER_CLASS` too (see :func:`numbers_headed`)."""
    html = table.group(0)
    cells, numbers = {}, {}
    for found in _CELL.finditer(html):
        classes = found.group(1).split()
        column = next((m.group(1) for c in classes if (m := _COLUMN.fullmatch(c))), None)
        if column is not None and found.group(2).strip():  # an empty cell counts for neither
            cells[column] = cells.get(column, 0) + 1
            numbers[column] = numbers.get(column, 0) + (NUMBER_CLASS in classes)
    every = {c for c, n in cells.items() if n and numbers[c] == n}
    if not every:
        return html
    return _HEADING.sub(lambda h: f"{h.group(0)} {NUMBER_CLASS}" if h.group(1) in every else h.group(0), html)


def numbers_headed(html: str) -> str:
    """``html`` with class :data:`NUMBER_CLASS` on the heading of each pandas table column whose every
    cell that is not empty holds a number, so that the PDF sets the heading flush right over its
    numbers (a column of numbers and texts keeps its heading at the left). pandas names a column's
    cells and heading by the same ``col<i>`` class."""
    return _TABLE.sub(_headed, html)


PRINT_CLASSES = frozenset({KEEP_CLASS, TOTAL_CLASS, ASSUMPTIONS_CLASS, NUMBER_CLASS})
"""The only classes :data:`PRINT_CSS` styles; every other class goes from the print HTML."""

_TAG = re.compile(r"<([A-Za-z][\w-]*)(\s[^>]*)>")
_ATTRIBUTE = re.compile(r'\s([\w:-]+)(?:="([^"]*)")?')
_UNPRINTED = re.compile(r"id|tabindex|data-[\w-]+")


def _lean_tag(match: re.Match) -> str:
    """One opening tag without the attributes print never uses (see :func:`lean`)."""
    kept = []
    for attribute in _ATTRIBUTE.finditer(match.group(2)):
        name, value = attribute.group(1), attribute.group(2)
        if _UNPRINTED.fullmatch(name):
            continue
        if name == "class":
            classes = [c for c in (value or "").split() if c in PRINT_CLASSES]
            if classes:
                kept.append(f' class="{" ".join(classes)}"')
            continue
        kept.append(attribute.group(0))
    return f"<{match.group(1)}{''.join(kept)}>"


def lean(html: str) -> str:
    """``html`` without the ids, ``data-*`` and ``tabindex`` attributes and the classes
    :data:`PRINT_CSS` does not style.

    The page looks the same (no print rule selects them), but WeasyPrint lays it out faster: pandas
    gives every table cell an id and three classes, and WeasyPrint makes a PDF anchor of each id and
    matches every class. On the baseline brief (about 900 cells) the PDF took 1.55 s with them and
    1.05 s without, the pages identical pixel for pixel (2026-11-26, 2-core Xeon, load 1.5).
    """
    return _TAG.sub(_lean_tag, html)


def print_html(html: str, language: str) -> str:
    """The brief's HTML with its screen styles and scripts replaced by :data:`PRINT_CSS`."""
    title = re.search(r"<title>(.*?)</title>", html, re.S)
    css = PRINT_CSS % {
        "page": text("pdf_page", language),
        "title": (title.group(1).strip() if title else "").replace('"', "'"),
        "total": TOTAL_CLASS,
        "number": NUMBER_CLASS,
        "keep": KEEP_CLASS,
        "assumptions": ASSUMPTIONS_CLASS,
        "assumption_widths": "\n".join(
            f"table.{ASSUMPTIONS_CLASS} th:nth-child({i}) {{ width: {w}%; }}"
            for i, w in enumerate(ASSUMPTION_WIDTHS[language], start=1)
        ),
    }
    stripped = lean(numbers_headed(_ANCHOR.sub("", _STYLE.sub("", html))))
    return stripped.replace("</head>", f"<style>{css}</style></head>", 1)


def to_pdf(html_path: str | Path, pdf_path: str | Path, language: str) -> Path:
    """Write ``pdf_path`` from the brief at ``html_path`` (A4 portrait, page numbers, fonts embedded).

    Parameters
    ----------
    html_path : path
        The brief as nbconvert wrote it (images embedded as data URIs).
    pdf_path : path
        Where the PDF goes.
    language : {"id", "en"}
        The brief's language (the footer's word for page).
    """
    # deferred: WeasyPrint loads Pango and fonts; only the PDF needs it
    from weasyprint import HTML

    html_path, pdf_path = Path(html_path), Path(pdf_path)
    source = print_html(html_path.read_text(encoding="utf-8"), language)
    with ONE_AT_A_TIME:
        HTML(string=source, base_url=str(html_path.parent)).write_pdf(pdf_path, font_config=font_config())
    return pdf_path


@cache
def warm() -> None:
    """Import WeasyPrint, make its font configuration, lay out and write one short page in the print
    styles (Pango opens the regular, bold and monospace fonts; cffi parses the C types drawing uses,
    0.09 s), once per process, so the first brief's PDF does not pay for them:
    :mod:`simulation.reporting.papermill_run` calls this in a thread while the kernel executes the
    notebook."""
    # deferred: WeasyPrint loads Pango and fonts; only the PDF needs it
    from weasyprint import HTML

    page = "<html><head><title>-</title></head><body><h1>-</h1><p><strong>1</strong> <code>2</code></p></body></html>"
    with ONE_AT_A_TIME:
        HTML(string=print_html(page, "en")).write_pdf(font_config=font_config())  # bytes, thrown away


@cache
def font_config():
    """WeasyPrint's font configuration, made once per process and shared by every PDF it writes
    (a batch worker writes many; building it asks fontconfig for the system's fonts)."""
    # deferred: WeasyPrint loads Pango and fonts; only the PDF needs it
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()
