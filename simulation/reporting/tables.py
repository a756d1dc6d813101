"""Tables for people: year by year, payers, kecamatan, assumptions with sources, provenance.

Each builder returns numbers (not strings) under headers in the report language, plus a
``kinds`` mapping header -> "year" | "count" | "share" | "rupiah" | "text" that both the HTML
(:func:`styled`, Babel formats) and the Excel writer (number formats) use.
"""

from __future__ import annotations

import json

import pandas as pd

from simulation.reporting import formats
from simulation.reporting.charts import quantiles
from simulation.reporting.labels import payer, text
from simulation.scenario.schema import iter_params

ANNUAL_COLUMNS = {
    "year": "year",
    "covered_end": "count",
    "coverage_end": "share",
    "subsidised_end": "count",
    "mandiri_end": "count",
    "lapsed_end": "count",
    "enrolled": "count",
    "graduated": "count",
    "dropped_out": "count",
    "subsidy_cost": "rupiah",
    "subsidy_cost_real": "rupiah",
    "cumulative_subsidy_cost": "rupiah",
    "cost_per_covered_member_year": "rupiah",
    "self_paid": "rupiah",
}
"""Columns of ``annual.csv`` in the year-by-year table, and how each is shown."""

BRIEF_COLUMNS = ("year", "covered_end", "coverage_end", "mandiri_end", "graduated", "dropped_out", "subsidy_cost")
"""The narrower year-by-year table the HTML brief shows (the Excel sheet has them all)."""


class Table:
    """A table with headers in the report language and a kind per header (for formatting)."""

    def __init__(self, frame: pd.DataFrame, kinds: dict[str, str], sources: dict[str, str] | None = None):
        self.frame = frame
        self.kinds = kinds
        self.sources = sources or {}
        """Header -> the CSV column it came from (to check the Excel against the CSVs)."""


def annual_table(result, language: str, columns=None) -> Table:
    """Year by year: counts at year end, flows and public cost; payers' columns follow."""
    a = result.annual()
    keys = list(columns or ANNUAL_COLUMNS)
    payer_cols = [f"cost_{p}" for p in result.payers]
    frame = pd.DataFrame()
    kinds, sources = {}, {}
    for key in keys:
        header = text(key, language)
        frame[header] = a[key]
        kinds[header] = ANNUAL_COLUMNS[key]
        sources[header] = key
    for key in payer_cols:
        header = f"{payer(key, language)} ({formats.currency_symbol(language)})"
        frame[header] = a[key]
        kinds[header] = "rupiah"
        sources[header] = key
    return Table(frame, kinds, sources)


def payers_table(result, language: str) -> Table:
    """Year x payer, nominal and real rupiah (``payers_annual.csv`` with readable names)."""
    p = result.payers_annual()
    frame = pd.DataFrame(
        {
            text("year", language): p["year"],
            text("payer", language): [payer(name, language) for name in p["payer"]],
            text("nominal", language): p["nominal"],
            text("real", language): p["real"],
        }
    )
    kinds = dict(zip(frame.columns, ["year", "text", "rupiah", "rupiah"], strict=True))
    sources = dict(zip(frame.columns, ["year", "payer", "nominal", "real"], strict=True))
    return Table(frame, kinds, sources)


def kecamatan_table(result, language: str) -> Table:
    """Year x kecamatan: UMKM protected at year end and public cost (``by_kecamatan.csv``)."""
    k = result.by_kecamatan()
    frame = pd.DataFrame(
        {
            text("year", language): k["year"],
            text("kecamatan", language): k["kecamatan"],
            text("covered_end_kec", language): k["covered_end"],
            text("subsidised_end", language): k["subsidised_end"],
            text("subsidy_cost_kec", language): k["subsidy_cost"],
        }
    )
    kinds = dict(zip(frame.columns, ["year", "text", "count", "count", "rupiah"], strict=True))
    sources = dict(
        zip(frame.columns, ["year", "kecamatan", "covered_end", "subsidised_end", "subsidy_cost"], strict=True)
    )
    return Table(frame, kinds, sources)


def _year_table(frame_in: pd.DataFrame, columns: dict[str, tuple[str, str]], language: str) -> Table:
    """Columns of a per-year frame under report-language headers: key -> (label key, kind)."""
    frame = pd.DataFrame()
    kinds, sources = {}, {}
    for key, (label, kind) in columns.items():
        if key not in frame_in.columns:
            continue
        header = text(label, language)
        frame[header] = frame_in[key].to_numpy()
        kinds[header] = kind
        sources[header] = key
    return Table(frame, kinds, sources)


def fiscal_table(result, language: str) -> Table:
    """Year by year: the regency's cost, its ceiling and how much was used, the waiting list, the share
    of total APBD spending, and benefits per rupiah (``annual.csv``, ``fiscal.csv``)."""
    a = result.annual()
    f = result.fiscal()
    merged = a.merge(f.drop(columns=["subsidy_cost", "subsidy_cost_real", "self_paid"]), on="year", how="left")
    columns = {
        "year": ("year", "year"),
        "cost_apbd_kabupaten": ("cost_apbd_kabupaten", "rupiah"),
        "budget_ceiling": ("budget_ceiling", "rupiah"),
        "ceiling_used": ("ceiling_used", "share"),
        "waiting_end": ("waiting_end", "count"),
        "share_of_apbd": ("share_of_apbd", "share"),
        "subsidy_cost_real": ("subsidy_cost_real", "rupiah"),
    }
    return _year_table(merged, columns, language)


def benefits_table(result, language: str) -> Table:
    """Year by year: expected claims, families reached and rupiah paid by BPJS (``benefits.csv``)."""
    b = result.benefits()
    if b.empty:
        return Table(pd.DataFrame(), {})
    f = result.fiscal()
    merged = b.merge(f[["year", "benefits_per_rupiah_subsidy", "claims_ratio"]], on="year", how="left")
    columns = {
        "year": ("year", "year"),
        "accidents": ("accidents", "count"),
        "deaths": ("deaths_all", "count"),
        "scholarship_children": ("scholarship_children", "count"),
        "families_reached": ("families_reached", "count"),
        "benefits_paid": ("benefits_paid", "rupiah"),
        "benefits_per_rupiah_subsidy": ("benefits_per_rupiah_subsidy", "share"),
        "claims_ratio": ("claims_ratio", "share"),
    }
    return _year_table(merged, columns, language)


def value_for_money(result, language: str) -> Table:
    """Whole-horizon fiscal indicators (:meth:`Result.fiscal_summary`), formatted."""
    s = result.fiscal_summary()
    rows = [
        ("subsidy_npv", "rupiah"),
        ("cost_per_protected_umkm_year", "rupiah"),
        ("cost_per_graduate", "rupiah"),
        ("families_reached", "count"),
        ("benefits_paid", "rupiah"),
        ("benefits_per_rupiah_subsidy", "share"),
        ("claims_ratio", "share"),
    ]
    show = {"count": formats.count, "share": formats.percent, "rupiah": formats.rupiah}
    kept = [(key, kind) for key, kind in rows if s.get(key) is not None]
    frame = pd.DataFrame(
        {
            text("figure", language): [text(key, language) for key, _ in kept],
            text("value", language): [show[kind](s[key], language) for key, kind in kept],
        }
    )
    return Table(frame, dict.fromkeys(frame.columns, "text"))


def _show(value, language: str = "en") -> str:
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_show(v, language)}" for k, v in value.items())
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    if float(value).is_integer() and abs(value) >= 1:
        return formats.count(value, language)
    return formats.number(value, language, digits=4).rstrip("0").rstrip(".,")


SHOW_WORDS = {"id": ("sejak", "sampai"), "en": ("from", "to")}


def parameter_table(scenario, language: str = "en") -> pd.DataFrame:
    """Every parameter of a scenario: group, key, value (or dated values), unit, range, source.

    Numbers are written in the locale of ``language``; units and sources as the scenario file gives them.
    """
    since, until = SHOW_WORDS[language]
    rows = []
    for key, param in iter_params(scenario.model):
        if param.values is None:
            shown = _show(param.value, language)
        else:
            shown = " | ".join(f"{since} {k}: {_show(v, language)}" for k, v in param.values.items())
        rows.append(
            {
                "group": key.split(".")[0],
                "key": key,
                "value": shown,
                "unit": param.unit,
                "range": ""
                if param.range is None
                else f"{_show(param.range[0], language)} {until} {_show(param.range[1], language)}",
                "source": " ".join(param.source.split()),
            }
        )
    return pd.DataFrame(rows)


def assumptions_table(scenario, language: str) -> Table:
    """:func:`parameter_table` with headers in the report language (units and sources as written)."""
    p = parameter_table(scenario, language)
    names = {
        "group": "group",
        "key": "key",
        "value": "param_value",
        "unit": "unit",
        "range": "range",
        "source": "source",
    }
    frame = p.rename(columns={col: text(label, language) for col, label in names.items()})
    return Table(frame, dict.fromkeys(frame.columns, "text"))


def provenance_table(manifest: dict, language: str) -> Table:
    """The manifest's main facts as item/value rows (the full record is ``manifest.json``)."""
    scenario = manifest["scenario"]
    rows = [
        ("scenario", scenario["name"]),
        ("scenario file", scenario["path"]),
        ("scenario sha256", scenario["hash"]),
        ("overrides", json.dumps(scenario["overrides"], ensure_ascii=False)),
        ("engine", manifest["engine"]),
        ("seed", "" if manifest.get("seed") is None else str(manifest["seed"])),
        ("replicates", str(manifest.get("reps", 1))),
        ("language", language),
        ("git commit", f"{manifest['git'].get('commit')}{' (dirty)' if manifest['git'].get('dirty') else ''}"),
        ("created (UTC)", manifest["created"]),
    ]
    rows += [(f"version {lib}", str(v)) for lib, v in manifest["versions"].items()]
    frame = pd.DataFrame(rows, columns=[text("item", language), text("value", language)])
    return Table(frame, dict.fromkeys(frame.columns, "text"))


def headline(result, language: str) -> Table:
    """The headline figures of the brief, formatted; a P5-P95 column when the result has replicates."""

    ind = dict(result.indicators())
    first, last = ind["first_year"], ind["last_year"]
    annual = result.annual()
    target = annual["coverage_target"].iloc[-1]
    ind["cost_apbd_kabupaten_total"] = float(annual.get("cost_apbd_kabupaten", annual["subsidy_cost"] * 0).sum())
    rows = [
        ("covered_first", {"year": first}, "covered_end_first_year", "count"),
        ("covered_last", {"year": last}, "covered_end_last_year", "count"),
        ("coverage_last", {"year": last, "target": formats.count(target, language)}, "coverage_end_last_year", "share"),
        ("graduates_total", {"first": first, "last": last}, "graduates_total", "count"),
        ("dropped_total", {"first": first, "last": last}, "dropped_out_total", "count"),
        ("cost_first", {"year": first}, "subsidy_cost_first_year", "rupiah"),
        ("cost_total", {"first": first, "last": last}, "subsidy_cost_total", "rupiah"),
        ("cost_kabupaten_total", {"first": first, "last": last}, "cost_apbd_kabupaten_total", "rupiah"),
        ("cost_total_real", {"first": first, "last": last}, "subsidy_cost_total_real", "rupiah"),
        ("cost_per_year", {}, "cost_per_covered_member_year", "rupiah"),
    ]
    show = {"count": formats.count, "share": formats.percent, "rupiah": formats.rupiah}
    frame = pd.DataFrame(
        {
            text("figure", language): [text(key, language, **fields) for key, fields, _, _ in rows],
            text("value", language): [show[kind](ind[name], language) for _, _, name, kind in rows],
        }
    )
    q = quantiles(result)
    if q is not None:
        spread = {**indicator_quantiles(q), **total_quantiles(result)}
        frame[text("range_p5_p95", language)] = [
            (
                f"{show[kind](spread[name][0], language)} – {show[kind](spread[name][1], language)}"
                if name in spread
                else ""
            )
            for _, _, name, kind in rows
        ]
    return Table(frame, dict.fromkeys(frame.columns, "text"))


def indicator_quantiles(q: pd.DataFrame) -> dict[str, tuple[float, float]]:
    """(P5, P95) of the headline indicators computable from an annual quantile table.

    Totals over years are not quantiles of sums: they come from :func:`total_quantiles` when the
    result gives its replicates.
    """
    low, high = q["quantile"].min(), q["quantile"].max()
    years = sorted(q["year"].unique())
    out = {}
    for name, column, year in (
        ("covered_end_first_year", "covered_end", years[0]),
        ("covered_end_last_year", "covered_end", years[-1]),
        ("coverage_end_last_year", "coverage_end", years[-1]),
        ("subsidy_cost_first_year", "subsidy_cost", years[0]),
    ):
        if column in q.columns:
            at = q[q["year"] == year].set_index("quantile")[column]
            out[name] = (float(at[low]), float(at[high]))
    return out


def styled(table: Table, language: str):
    """A pandas Styler showing the table's numbers through Babel in the report language."""
    show = {
        "year": lambda v: str(int(v)),
        "count": lambda v: formats.count(v, language),
        "share": lambda v: formats.percent(v, language),
        "rupiah": lambda v: formats.rupiah(v, language),
        "text": lambda v: "" if v is None else str(v),
    }
    return table.frame.style.format({col: show[kind] for col, kind in table.kinds.items()}).hide(axis="index")


REPLICATE_COLUMNS = ("replicate", "rep", "sample")


def total_quantiles(result) -> dict[str, tuple[float, float]]:
    """(P5, P95) over replicates of the horizon totals, from ``annual_replicates()`` if the result has it."""
    if not hasattr(result, "annual_replicates"):
        return {}
    reps = result.annual_replicates()
    key = next((c for c in REPLICATE_COLUMNS if c in reps.columns), None)
    if key is None:
        return {}
    totals = reps.groupby(key)[["graduated", "dropped_out", "subsidy_cost", "subsidy_cost_real"]].sum()
    names = {
        "graduated": "graduates_total",
        "dropped_out": "dropped_out_total",
        "subsidy_cost": "subsidy_cost_total",
        "subsidy_cost_real": "subsidy_cost_total_real",
    }
    return {names[c]: (float(totals[c].quantile(0.05)), float(totals[c].quantile(0.95))) for c in names}
