"""The portfolio brief: one self-contained HTML page and an xlsx workbook, Indonesian or English.

The page: the portfolio's headline figures, cost by payer over all regions, a table of the regions,
and for each region a table and a chart (protected UMKM against its target, cost by payer). A
national portfolio of hundreds of regions keeps the per-region sections to :data:`MAX_SECTIONS`
regions with the largest public cost and says so; every region is in the tables and the workbook.
"""

from __future__ import annotations

import base64
import html
import io
from pathlib import Path

import pandas as pd

from simulation.reporting import charts, formats
from simulation.reporting.apbd_note import portfolio_apbd_note
from simulation.reporting.excel import write_named_sheets
from simulation.reporting.labels import payer, text
from simulation.reporting.pdf import NUMBER_CLASS
from simulation.reporting.tables import Table, rupiah_unit, with_unit
from simulation.rules.payers import PAYER_NAMES

MAX_SECTIONS = 40
"""Regions with a section of their own (table and chart) in the page, largest public cost first."""

WORDS = {
    "title": ("Ringkasan portofolio wilayah", "Portfolio brief"),
    "members": ("Wilayah", "Regions"),
    "engine": ("Mesin simulasi", "Engine"),
    "scale": ("Skala (bagian dari UMKM yang dijalankan)", "Scale (fraction of the UMKM run)"),
    "shared": ("Pembayar bersama", "Shared payers"),
    "shared_line": (
        "{payer} membayar {share} iuran bersubsidi setiap wilayah{ceiling}",
        "{payer} pays {share} of every region's subsidised contribution{ceiling}",
    ),
    "ceiling": (
        ", paling banyak {amount} per tahun anggaran untuk seluruh portofolio (dibagi pro rata)",
        ", at most {amount} per fiscal year for the whole portfolio (divided pro rata)",
    ),
    "none": ("tidak ada", "none"),
    "headline": ("Angka utama", "Headline figures"),
    "figure": ("Angka", "Figure"),
    "value": ("Nilai", "Value"),
    "n_regions": ("Jumlah wilayah", "Regions"),
    "umkm_start": ("UMKM di awal", "UMKM at the start"),
    "covered_first": ("UMKM terlindungi akhir {year}", "UMKM protected at the end of {year}"),
    "cost_first": ("Biaya publik {year}", "Public cost {year}"),
    "cost_total": ("Biaya publik {first}-{last}", "Public cost {first}-{last}"),
    "payer_total": ("{payer} {first}-{last}", "{payer} {first}-{last}"),
    "totals": ("Seluruh wilayah, per tahun", "All regions, year by year"),
    "regions": ("Per wilayah", "By region"),
    "region": ("Wilayah", "Region"),
    "code": ("Kode", "Code"),
    "sections_note": (
        "Bagian per wilayah di bawah untuk {shown} dari {total} wilayah dengan biaya publik terbesar; "
        "semua wilayah ada di regions_annual.csv dan portfolio.xlsx.",
        "The sections below cover the {shown} of {total} regions with the largest public cost; every "
        "region is in regions_annual.csv and portfolio.xlsx.",
    ),
    "year": ("Tahun", "Year"),
    "sheet_regions": ("Wilayah", "Regions"),
    "sheet_totals": ("Total tahunan", "Annual totals"),
    "sheet_payers": ("Pembayar", "Payers"),
    "sheet_regions_annual": ("Wilayah per tahun", "Regions by year"),
}
"""Words of the portfolio brief: key to (Indonesian, English)."""


def word(key: str, language: str, **values) -> str:
    """A word of the brief in ``language``, its ``{fields}`` filled."""
    pair = WORDS[key]
    label = pair[0] if language == "id" else pair[1]
    return label.format(**values) if values else label


class _Annual:
    """What the shared charts read from a result: an annual table and the payers."""

    def __init__(self, annual: pd.DataFrame, payers: list[str]):
        self._annual = annual.reset_index(drop=True)
        self.payers = payers

    def annual(self) -> pd.DataFrame:
        return self._annual


def _payers(frame: pd.DataFrame) -> list[str]:
    """The registry's payers with a cost column in ``frame`` that is not all zero, in registry order."""
    return [p for p in PAYER_NAMES if f"cost_{p}" in frame.columns and frame[f"cost_{p}"].abs().sum() > 0]


def _png(fig) -> str:
    buffer = io.BytesIO()
    charts.save(fig, buffer, dpi=90)  # greyscale, as the briefs' charts
    return f'<img alt="" src="data:image/png;base64,{base64.b64encode(buffer.getvalue()).decode()}">'


def _html_table(frame: pd.DataFrame, labels: int = 1) -> str:
    """``frame`` as an HTML table; the cells after its first ``labels`` columns hold numbers, and they
    and their headings have class :data:`~simulation.reporting.pdf.NUMBER_CLASS` (flush right in the PDF)."""
    number = f' class="{NUMBER_CLASS}"'
    head = "".join(
        f"<th{number if i >= labels else ''}>{html.escape(str(c))}</th>" for i, c in enumerate(frame.columns)
    )
    rows = "".join(
        "<tr>"
        + "".join(f"<td{number if i >= labels else ''}>{html.escape(str(v))}</td>" for i, v in enumerate(r))
        + "</tr>"
        for r in frame.itertuples(index=False)
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def year_table(annual: pd.DataFrame, language: str) -> pd.DataFrame:
    """Year, protected, coverage, public cost and each payer, formatted for the page."""
    out = pd.DataFrame({word("year", language): annual["year"].astype(int).to_numpy()})
    out[text("covered_end", language)] = [formats.count(v, language) for v in annual["covered_end"]]
    out[text("coverage_end", language)] = [formats.percent(v, language) for v in annual["coverage_end"]]
    money = {text("subsidy_cost", language): annual["subsidy_cost"]}
    money |= {payer(p, language): annual[f"cost_{p}"] for p in _payers(annual)}
    return _in_one_unit(out, money, language)


def _in_one_unit(out: pd.DataFrame, money: dict, language: str) -> pd.DataFrame:
    """``out`` with the rupiah columns of ``money`` (header to amounts) added in one unit.

    The payers' columns add up to the public cost beside them, so every rupiah column of a table
    takes the unit of the table's largest amount (``Rp miliar``), named in its header, with two
    decimals; never millions in one row and billions in the next.
    """
    amounts = pd.concat([pd.Series(v, dtype=float) for v in money.values()]) if money else pd.Series(dtype=float)
    scale, unit = rupiah_unit(amounts.to_numpy(), language)
    digits = 2 if scale > 1 else 0
    for header, values in money.items():
        out[with_unit(header, unit, language)] = [formats.number(v / scale, language, digits) for v in values]
    return out


def headline(result, language: str) -> pd.DataFrame:
    """The portfolio's headline figures as (figure, value) rows."""
    total = result.annual()
    first, last = int(total["year"].min()), int(total["year"].max())
    by_year = total.set_index("year")
    summary = result.regions_summary()
    rows = [
        (word("n_regions", language), formats.count(len(summary), language)),
        (word("umkm_start", language), formats.count(summary["umkm_start"].sum(), language)),
        (word("covered_first", language, year=first), formats.count(by_year.loc[first, "covered_end"], language)),
        (word("covered_first", language, year=last), formats.count(by_year.loc[last, "covered_end"], language)),
        (word("cost_first", language, year=first), formats.rupiah(by_year.loc[first, "subsidy_cost"], language)),
        (word("cost_total", language, first=first, last=last), formats.rupiah(total["subsidy_cost"].sum(), language)),
    ]
    for p in _payers(total):
        rows.append(
            (
                word("payer_total", language, payer=payer(p, language), first=first, last=last),
                formats.rupiah(total[f"cost_{p}"].sum(), language),
            )
        )
    return pd.DataFrame(rows, columns=[word("figure", language), word("value", language)])


def regions_table(result, language: str) -> pd.DataFrame:
    """One row per region: code, name, UMKM, protected, public cost and payers, formatted."""
    s = result.regions_summary()
    total = result.annual()
    first, last = int(total["year"].min()), int(total["year"].max())
    out = pd.DataFrame({word("code", language): s["region"], word("region", language): s["name"]})
    out[word("umkm_start", language)] = [formats.count(v, language) for v in s["umkm_start"]]
    out[word("covered_first", language, year=last)] = [formats.count(v, language) for v in s["covered_last"]]
    money = {word("cost_total", language, first=first, last=last): s["subsidy_cost_total"]}
    money |= {payer(p, language): s[f"cost_{p}"] for p in _payers(total)}
    return _in_one_unit(out, money, language)


def _shared_lines(result, portfolio, language: str) -> str:
    if not portfolio.shared_payers:
        return word("none", language)
    lines = []
    for p in portfolio.shared_payers:
        ceiling = ""
        if p.ceiling is not None:
            ceiling = word("ceiling", language, amount=formats.rupiah(p.ceiling * result.scale, language))
        share = formats.percent(p.share, language, digits=0)
        lines.append(word("shared_line", language, payer=payer(p.payer, language), share=share, ceiling=ceiling))
    return "; ".join(lines)


STYLE = """body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}
table{border-collapse:collapse;margin:1em 0;font-size:0.9em}th,td{padding:4px 8px;text-align:right}
th{border-bottom:1px solid #888}tr:nth-child(even){background:#f4f4f4}td:first-child,th:first-child{text-align:left}
img{max-width:100%}"""


def _apbd_paragraph(scenarios, language: str) -> list[str]:
    note = portfolio_apbd_note(scenarios, language)
    return [] if note is None else [f"<p>{html.escape(note)}</p>"]


def write_brief_html(result, portfolio, path: str | Path, language: str = "id") -> Path:
    """Write the portfolio brief page (self-contained: charts embedded) to ``path``."""
    total = result.annual()
    names = result.region_names
    parts = [
        f"<h1>{html.escape(word('title', language))}: {html.escape(result.name)}</h1>",
        f"<p>{html.escape(result.description[language])}</p>",
        f"<p><b>{word('members', language)}</b>: {len(result.scenarios)}; <b>{word('engine', language)}</b>: "
        f"{html.escape(result.engine)}; <b>{word('scale', language)}</b>: "
        f"{formats.percent(result.scale, language)}</p>",
        f"<p><b>{word('shared', language)}</b>: {html.escape(_shared_lines(result, portfolio, language))}</p>",
        *_apbd_paragraph(result.scenarios, language),
        f"<h2>{word('headline', language)}</h2>",
        _html_table(headline(result, language)),
        f"<h2>{word('totals', language)}</h2>",
        _html_table(year_table(total, language)),
        _png(charts.annual_cost_by_payer(_Annual(total, _payers(total)), language)),
        _png(charts.coverage_against_target(_Annual(total, _payers(total)), language)),
        f"<h2>{word('regions', language)}</h2>",
        _html_table(regions_table(result, language), labels=2),
    ]
    summary = result.regions_summary().sort_values("subsidy_cost_total", ascending=False, kind="stable")
    shown = list(summary["region"][:MAX_SECTIONS])
    if len(summary) > MAX_SECTIONS:
        parts.append(f"<p>{html.escape(word('sections_note', language, shown=len(shown), total=len(summary)))}</p>")
    annual = result.regions_annual
    for code in sorted(shown):
        mine = annual[annual["region"] == code]
        parts += [
            f"<h3>{html.escape(names[code])} ({code})</h3>",
            _html_table(year_table(mine, language)),
            _png(charts.annual_cost_by_payer(_Annual(mine, _payers(mine)), language)),
        ]
    page = (
        f'<!DOCTYPE html><html lang="{language}"><head><meta charset="utf-8"><title>'
        f"{html.escape(word('title', language))}: {html.escape(result.name)}</title><style>{STYLE}</style></head>"
        f"<body>{''.join(parts)}</body></html>"
    )
    path = Path(path)
    path.write_text(page, encoding="utf-8")
    return path


def write_brief_xlsx(result, path: str | Path, language: str = "id") -> Path:
    """Write ``portfolio.xlsx``: regions, annual totals, payers, regions by year (unrounded numbers)."""
    summary = result.regions_summary()
    total = result.annual()
    first, last = int(total["year"].min()), int(total["year"].max())
    regions = pd.DataFrame({word("code", language): summary["region"], word("region", language): summary["name"]})
    kinds = {word("code", language): "text", word("region", language): "text"}
    columns = {
        word("umkm_start", language): ("umkm_start", "count"),
        word("covered_first", language, year=last): ("covered_last", "count"),
        word("cost_total", language, first=first, last=last): ("subsidy_cost_total", "rupiah"),
    }
    columns |= {payer(p, language): (f"cost_{p}", "rupiah") for p in _payers(total)}
    for head, (col, kind) in columns.items():
        regions[head] = summary[col].to_numpy()
        kinds[head] = kind
    sheets = {
        "regions": Table(regions, kinds),
        "totals": _numbers(total, language),
        "payers": _payer_sheet(result.payers_annual(), language),
        "regions_annual": _numbers(result.regions_annual, language, names=result.region_names),
    }
    keys = {"regions": "sheet_regions", "totals": "sheet_totals", "payers": "sheet_payers",
            "regions_annual": "sheet_regions_annual"}  # fmt: skip
    return write_named_sheets(path, {word(keys[k], language): t for k, t in sheets.items()}, language)


def _numbers(frame: pd.DataFrame, language: str, names: dict[str, str] | None = None) -> Table:
    out, kinds = pd.DataFrame(), {}
    if "region" in frame.columns:
        out[word("code", language)] = frame["region"].to_numpy()
        kinds[word("code", language)] = "text"
        out[word("region", language)] = frame["region"].map(names).to_numpy()
        kinds[word("region", language)] = "text"
    out[word("year", language)] = frame["year"].to_numpy()
    kinds[word("year", language)] = "year"
    for col in ("covered_end", "subsidised_end", "mandiri_end", "coverage_end", "enrolled", "graduated",
                "subsidy_cost", "self_paid"):  # fmt: skip
        if col in frame.columns:
            head = text(col, language)
            out[head] = frame[col].to_numpy()
            kinds[head] = (
                "share" if col == "coverage_end" else "rupiah" if "cost" in col or col == "self_paid" else "count"
            )
    for p in _payers(frame):
        out[payer(p, language)] = frame[f"cost_{p}"].to_numpy()
        kinds[payer(p, language)] = "rupiah"
    return Table(out, kinds)


def _payer_sheet(payers: pd.DataFrame, language: str) -> Table:
    out = pd.DataFrame({word("year", language): payers["year"].to_numpy()})
    out[word("sheet_payers", language)] = [payer(p, language) for p in payers["payer"]]
    nominal, real = ("Nominal", "Riil") if language == "id" else ("Nominal", "Real")
    out[nominal] = payers["nominal"].to_numpy()
    out[real] = payers["real"].to_numpy()
    kinds = {word("year", language): "year", word("sheet_payers", language): "text", nominal: "rupiah", real: "rupiah"}
    return Table(out, kinds)
