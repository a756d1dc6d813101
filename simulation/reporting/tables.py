"""Tables for people: year by year, payers, kecamatan, assumptions with sources, provenance.

Each builder returns numbers (not strings) under headers in the report language, plus a
``kinds`` mapping header -> "year" | "count" | "share" | "rupiah" | "text" that both the HTML
(:func:`styled`, Babel formats) and the Excel writer (number formats) use.
"""

from __future__ import annotations

import json

import pandas as pd

from simulation.outputs.variables import variable
from simulation.reporting import formats
from simulation.reporting.charts import quantiles
from simulation.reporting.labels import label_of, payer, text
from simulation.scenario.schema import iter_params

ANNUAL_COLUMNS = (
    "year",
    "covered_end",
    "coverage_end",
    "subsidised_end",
    "mandiri_end",
    "lapsed_end",
    "enrolled",
    "graduated",
    "dropped_out",
    "subsidy_cost",
    "subsidy_cost_real",
    "cumulative_subsidy_cost",
    "cost_per_covered_member_year",
    "subsidy_cost_per_graduate",
    "self_paid",
)
"""Columns of ``annual.csv`` in the year-by-year table (each payer's cost follows)."""

BRIEF_COLUMNS = ("year", "covered_end", "coverage_end", "mandiri_end", "graduated", "dropped_out", "subsidy_cost")
"""The narrower year-by-year table the HTML brief shows (the Excel sheet has them all)."""

KIND_OF_UNIT = {"UMKM": "count", "UMKM-month": "count", "months": "count", "share": "share", "index": "share"}
"""How a column is shown, by its variable's unit; rupiah units (``IDR...``) are shown as rupiah."""


def shown_as(name: str) -> str:
    """How column ``name`` is shown: "year", "count", "share", "rupiah" or "text" (from the registry)."""
    if name == "year":
        return "year"
    unit = variable(name).unit
    return "rupiah" if unit.startswith("IDR") else KIND_OF_UNIT[unit]


class Table:
    """A table with headers in the report language and a kind per header (for formatting)."""

    def __init__(self, frame: pd.DataFrame, kinds: dict[str, str], sources: dict[str, str] | None = None):
        self.frame = frame
        self.kinds = kinds
        self.sources = sources or {}
        """Header -> the CSV column it came from (to check the Excel against the CSVs)."""


def variables_table(frame_in: pd.DataFrame, columns, language: str) -> Table:
    """Columns of a result table under their headers in the report language, shown as the registry says.

    Columns the frame does not have (a ceiling in a scenario without one) are left out. ``year``,
    ``kecamatan`` and ``payer`` are keys; every other name is an output variable.
    """
    frame = pd.DataFrame()
    kinds, sources = {}, {}
    for key in columns:
        if key not in frame_in.columns:
            continue
        header = text(key, language)
        frame[header] = frame_in[key].to_numpy()
        kinds[header] = "text" if key in ("kecamatan", "payer") else shown_as(key)
        sources[header] = key
    return Table(frame, kinds, sources)


def annual_table(result, language: str, columns=None) -> Table:
    """Year by year: counts at year end, flows and public cost; payers' columns follow."""
    keys = [*(columns or ANNUAL_COLUMNS), *(f"cost_{p}" for p in result.payers)]
    return variables_table(result.annual(), keys, language)


def payers_table(result, language: str) -> Table:
    """Year x payer, nominal and real rupiah (``payers_annual.csv`` with readable names)."""
    p = result.payers_annual()
    p["payer"] = [payer(name, language) for name in p["payer"]]
    return variables_table(p, ("year", "payer", "nominal", "real"), language)


def kecamatan_table(result, language: str) -> Table:
    """Year x kecamatan: UMKM protected at year end and public cost (``by_kecamatan.csv``)."""
    columns = ("year", "kecamatan", "covered_end", "subsidised_end", "subsidy_cost")
    return variables_table(result.by_kecamatan(), columns, language)


def fiscal_table(result, language: str) -> Table:
    """Year by year: the regency's cost, its ceiling and how much was used, the waiting list, the share
    of total APBD spending, and benefits per rupiah (``annual.csv``, ``fiscal.csv``)."""
    a = result.annual()
    f = result.fiscal()
    merged = a.merge(f.drop(columns=["subsidy_cost", "subsidy_cost_real", "self_paid"]), on="year", how="left")
    columns = (
        "year",
        "cost_apbd_kabupaten",
        "budget_ceiling",
        "ceiling_used",
        "waiting_end",
        "share_of_apbd",
        "subsidy_cost_real",
    )
    return variables_table(merged, columns, language)


def benefits_table(result, language: str) -> Table:
    """Year by year: expected claims, families reached and rupiah paid by BPJS (``benefits.csv``)."""
    b = result.benefits()
    if b.empty:
        return Table(pd.DataFrame(), {})
    f = result.fiscal()
    merged = b.merge(f[["year", "benefits_per_rupiah_subsidy", "claims_ratio"]], on="year", how="left")
    columns = (
        "year",
        "accidents",
        "deaths",
        "scholarship_children",
        "families_reached",
        "benefits_paid",
        "benefits_per_rupiah_subsidy",
        "claims_ratio",
    )
    return variables_table(merged, columns, language)


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
            text("figure", language): [label_of(key, language) for key, _ in kept],
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
