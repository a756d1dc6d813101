"""Tables for people: year by year, payers, kecamatan, assumptions with sources, provenance.

Each builder returns numbers (not strings) under headers in the report language, plus a
``kinds`` mapping header -> "year" | "count" | "share" | "rupiah" | "figure" | "text" that both the HTML
(:func:`styled`, Babel formats) and the Excel writer (number formats) use.
"""

from __future__ import annotations

import json

import pandas as pd

from simulation.outputs.variables import variable
from simulation.reporting import formats, parameter_labels
from simulation.reporting.charts import quantiles
from simulation.reporting.labels import LABELS, label_of, payer, text
from simulation.reporting.pdf import NUMBER_CLASS, TOTAL_CLASS
from simulation.scenario.schema import iter_params

ANNUAL_COLUMNS = (
    "year",
    "covered_end",
    "coverage_end",
    "subsidised_end",
    "mandiri_end",
    "arrears_end",
    "lapsed_end",
    "enrolled",
    "closures",
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

BRIEF_COLUMNS = (
    "year",
    "covered_end",
    "coverage_end",
    "subsidised_end",
    "mandiri_end",
    "arrears_end",
    "graduated",
    "dropped_out",
    "closures",
    "subsidy_cost",
)
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

    def __init__(
        self,
        frame: pd.DataFrame,
        kinds: dict[str, str],
        sources: dict[str, str] | None = None,
        cell_kinds: dict[str, list[str]] | None = None,
    ):
        self.frame = frame
        self.kinds = kinds
        self.sources = sources or {}
        """Header -> the CSV column it came from (to check the Excel against the CSVs)."""
        self.cell_kinds = cell_kinds or {}
        """Header -> one kind per row, for a column whose rows hold numbers of different kinds."""

    def kind_at(self, column: str, row: int) -> str:
        """How the cell at ``column`` and row position ``row`` is shown."""
        if column in self.cell_kinds:
            return self.cell_kinds[column][row]
        return self.kinds.get(column, "text")


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


STATE_PARTS = ("subsidised_end", "mandiri_end", "arrears_end")
"""The states that make up ``covered_end`` (UMKM protected at year end)."""


def whole_states(table: Table) -> Table:
    """The table with UMKM protected and its parts as whole counts that add up in every row.

    Each row's subsidised, self-paying and in-arrears counts are rounded together
    (:func:`simulation.reporting.formats.whole_parts`) and UMKM protected is their sum, so a reader
    adding the printed columns finds the printed total (the reading rounds the same way).
    """
    columns = {source: header for header, source in table.sources.items()}
    if "covered_end" not in columns or not all(part in columns for part in STATE_PARTS):
        return table
    frame = table.frame.copy()
    parts = [columns[part] for part in STATE_PARTS]
    rounded = [formats.whole_parts(list(row)) for row in frame[parts].itertuples(index=False)]
    for j, header in enumerate(parts):
        frame[header] = [row[j] for row in rounded]
    frame[columns["covered_end"]] = [sum(row) for row in rounded]
    return Table(frame, table.kinds, table.sources, table.cell_kinds)


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


APBD_ACCOUNTS = {
    "jkk": "5.1.02.02.02.0006",
    "jkm": "5.1.02.02.02.0007",
}
"""The regional account codes regencies budget JKK and JKM on, for non-civil-servant staff (facts
G3.3); an account for vulnerable workers who are not staff does not exist yet (G3.3: not found)."""


def apbd_table(result, language: str, payer_name: str = "apbd_kabupaten") -> Table:
    """The regency's cost by year on the accounts it budgets separately: JKK, JKM (and JHT if any).

    Parameters
    ----------
    result : Result
    language : {"id", "en"}
    payer_name : str
        The payer whose bill is split (default the regency budget, APBD Kabupaten).

    Returns
    -------
    Table
        Year, one column per contribution component the payer pays (nominal IDR, from the ledger),
        and their total, which equals the payer's column of the annual table.
    """
    ledger = result.ledger()
    own = ledger[ledger["payer"] == payer_name]
    by = own.pivot_table(index="year", columns="component", values="nominal", aggfunc="sum").reindex(
        result.annual()["year"], fill_value=0.0
    )
    components = [c for c in ("jkk", "jkm", "jht") if c in by.columns and (c != "jht" or by[c].abs().sum() > 0)]
    frame = pd.DataFrame({text("year", language): by.index.to_numpy()})
    kinds = {text("year", language): "year"}
    sources = {text("year", language): "year"}
    for component in components:
        account = APBD_ACCOUNTS.get(component)
        header = text(f"account_{component}", language) + (f" ({account})" if account else "")
        frame[header] = by[component].to_numpy()
        kinds[header], sources[header] = "rupiah", f"cost_{payer_name}_{component}"
    total = text("account_total", language)
    frame[total] = by[components].sum(axis=1).to_numpy()
    kinds[total], sources[total] = "rupiah", f"cost_{payer_name}"
    return Table(frame, kinds, sources)


def cash_table(result, language: str) -> Table:
    """The monthly cash plan (anggaran kas): what each public payer pays BPJS-TK in each month under
    ``policy.payment_schedule`` (``cash_<payer>`` of ``monthly()``), and the month's total.

    Over a fiscal year each payer's cash equals its cost (``cost_<payer>`` of the annual table).
    """
    m = result.monthly()
    columns = [c for c in m.columns if c.startswith("cash_")]
    frame = pd.DataFrame({text("month", language): m["month"].astype(str).to_numpy()})
    kinds = {text("month", language): "text"}
    sources = {text("month", language): "month"}
    for column in columns:
        header = f"{payer(column.removeprefix('cash_'), language)} ({formats.currency_symbol(language)})"
        frame[header] = m[column].to_numpy()
        kinds[header], sources[header] = "rupiah", column
    if columns:
        total = text("cash_total", language)
        frame[total] = m[columns].sum(axis=1).to_numpy()
        kinds[total], sources[total] = "rupiah", "cash_total"
    return Table(frame, kinds, sources)


def cash_first_year(result, language: str) -> Table:
    """The first fiscal year's cash plan for the brief: its months by public payer, with totals.

    Parameters
    ----------
    result : Result
        A run (a micro run's ``monthly()`` is already the mean over replicates).
    language : {"id", "en"}

    Returns
    -------
    Table
        One row per month of the first fiscal year in the horizon (``Jan 2026`` ... ``Des 2026``;
        fewer when the horizon starts after January), one column per payer that pays something in
        that year (its ``cash_<payer>``, rupiah; a payer starting later is left out), the month's
        total, and a last row with the year's totals. Each payer's total equals its accrued cost of
        the year (``cost_<payer>`` of the annual table), since every payment period lies inside one
        fiscal year; with no payer paying, the table is empty.
    """
    m = result.monthly()
    first = m[m["year"] == m["year"].iloc[0]]
    columns = [c for c in m.columns if c.startswith("cash_") and first[c].abs().sum() > 0]
    if not columns:
        return Table(pd.DataFrame(), {})
    year = int(first["year"].iloc[0])
    head = text("month", language)
    months = [parameter_labels.month(str(p), language) for p in first["month"]]
    frame = pd.DataFrame({head: [*months, text("cash_year_total", language, year=year)]})
    kinds, sources = {head: "text"}, {head: "month"}
    for column in columns:
        header = f"{payer(column.removeprefix('cash_'), language)} ({formats.currency_symbol(language)})"
        values = first[column].to_numpy(dtype=float)
        frame[header] = [*values, values.sum()]
        kinds[header], sources[header] = "rupiah", column
    total = text("cash_total", language)
    frame[total] = frame[[h for h, k in kinds.items() if k == "rupiah"]].sum(axis=1).to_numpy()
    kinds[total], sources[total] = "rupiah", "cash_total"
    return Table(frame, kinds, sources)


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
    return Table(frame, {frame.columns[0]: "text", frame.columns[1]: "figure"})


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


def assumption_rows(scenario, language: str) -> list[dict]:
    """Every parameter of a scenario as rows a planner reads: one row per value, numbers as numbers.

    A constant is one row; dated values one row per date (``sejak Jan 2026``); values per sector or
    per payer one row each. Labels, units and value words come from
    :mod:`simulation.reporting.parameter_labels`; the source is shortened there for Indonesian.
    """
    since = text("since", language)
    rows = []
    for key, param in iter_params(scenario.model):
        entry = parameter_labels.parameter_or_key(key, param.unit)
        common = {
            "group": parameter_labels.GROUPS[key.split(".")[0]][language],
            "key": entry.label[language],
            "unit": entry.unit[language],
            "source": parameter_labels.source(param.source, language),
        }
        low, high = (None, None) if param.range is None else param.range
        if not isinstance(low, (int, float)) or isinstance(low, bool):
            low, high = None, None
        dated = {"": param.value} if param.values is None else param.values
        for period, value in dated.items():
            when = f"{since} {parameter_labels.month(period, language)}" if period else ""
            for detail, item, kind in _items(value, entry.kind, language):
                where = ", ".join(part for part in (when, detail) if part)
                rows.append({**common, "detail": where, "value": item, "kind": kind, "low": low, "high": high})
    return rows


def _items(value, kind: str, language: str):
    """(detail, value, kind) for one value: a dict spreads into one item per key, a list of groups
    into one text each; a name is translated."""
    if isinstance(value, dict):
        for word, item in value.items():
            yield parameter_labels.name(word, language), item, kind
    elif isinstance(value, list) and all(isinstance(item, str) for item in value):
        yield "", ", ".join(parameter_labels.name(item, language) for item in value), "text"
    elif isinstance(value, list):
        for group in value:
            words = [parameter_labels.name(w, language) for w in (*group.sectors, *group.kecamatan)]
            yield (
                parameter_labels.name(group.payer, language),
                f"{formats.percent(group.share, language, 0)}: {', '.join(words)}",
                "text",
            )
    elif hasattr(value, "every") and hasattr(value, "timing"):  # a payment schedule
        words = (parameter_labels.name(value.every, language), parameter_labels.name(value.timing, language))
        yield "", ", ".join(words), "text"
    elif kind == "name":
        yield "", parameter_labels.name(str(value), language), "text"
    elif kind == "month":
        yield "", parameter_labels.MONTHS[language][int(value) - 1], "text"
    else:
        yield "", value, kind


ASSUMPTION_COLUMNS = ("group", "key", "detail", "value", "unit", "low", "high", "source")
"""Columns of the assumptions table (labels in :mod:`simulation.reporting.labels`)."""


def assumptions_table(scenario, language: str) -> Table:
    """Every assumption with its label, value, unit, plausible range and source in the report language.

    Values and range bounds stay numbers; ``cell_kinds`` says how each row's number is shown
    (rupiah, share, count, number) so the HTML formats it and the Excel file stores it as a number.
    """
    rows = assumption_rows(scenario, language)
    headers = {column: text(f"assumption_{column}", language) for column in ASSUMPTION_COLUMNS}
    frame = pd.DataFrame([[row[c] for c in ASSUMPTION_COLUMNS] for row in rows], columns=list(headers.values()))
    kinds = [row["kind"] for row in rows]
    cell_kinds = {headers[c]: kinds for c in ("value", "low", "high")}
    return Table(frame, dict.fromkeys(frame.columns, "text"), cell_kinds=cell_kinds)


def provenance_table(manifest: dict, language: str) -> Table:
    """The manifest's main facts as item/value rows in the report language (the full record is
    ``manifest.json``)."""
    scenario = manifest["scenario"]
    git = manifest["git"]
    overrides = scenario["overrides"]
    engine = manifest["engine"]
    rows = [
        ("prov_scenario", scenario["name"]),
        ("prov_file", scenario["path"]),
        ("prov_hash", scenario["hash"]),
        ("prov_overrides", json.dumps(overrides, ensure_ascii=False) if overrides else text("none", language)),
        ("engine", text(f"engine_{engine}", language) if f"engine_{engine}" in LABELS else engine),
        ("prov_seed", "" if manifest.get("seed") is None else str(manifest["seed"])),
        ("prov_reps", str(manifest.get("reps", 1))),
        ("prov_language", text(f"language_{language}", language)),
        ("prov_commit", f"{git.get('commit')}{text('prov_dirty', language) if git.get('dirty') else ''}"),
        ("prov_created", manifest["created"]),
    ]
    shown = [(text(key, language), value) for key, value in rows]
    shown += [(text("prov_version", language, lib=lib), str(v)) for lib, v in manifest["versions"].items()]
    frame = pd.DataFrame(shown, columns=[text("item", language), text("value", language)])
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
    return Table(frame, {frame.columns[0]: "text"} | dict.fromkeys(frame.columns[1:], "figure"))


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


def styled(table: Table, language: str, one_unit: bool = False):
    """A pandas Styler showing the table's numbers through Babel in the report language.

    Each rupiah column is written in one unit (:func:`rupiah_unit`), its own by default; with
    ``one_unit`` every rupiah column takes the unit of the table's largest amount, for a table whose
    columns are added across (a payer in millions beside a total in billions would not add up).
    """
    show = {
        "year": lambda v: str(int(v)),
        "count": lambda v: formats.count(v, language),
        "share": lambda v: formats.percent(v, language),
        "rupiah": lambda v: formats.rupiah(v, language),
        "text": lambda v: "" if v is None else str(v),
        "figure": lambda v: "" if v is None else str(v),  # a number already written out
    }
    frame = table.frame.copy()
    for column, kinds in table.cell_kinds.items():
        frame[column] = [_cell(v, kind, language) for v, kind in zip(frame[column], kinds, strict=True)]
    plain = {col: show[kind] for col, kind in table.kinds.items() if col not in table.cell_kinds}
    renamed = {}
    rupiah = [c for c, kind in table.kinds.items() if kind == "rupiah" and c not in table.cell_kinds]
    shared = frame[rupiah].to_numpy(dtype=float).ravel() if rupiah else []
    for column, kind in table.kinds.items():
        if kind == "rupiah" and column not in table.cell_kinds:
            scale, unit = rupiah_unit(shared if one_unit else frame[column], language)
            digits = 2 if scale > 1 else 0  # millions and billions to two decimals, rupiah whole
            plain[column] = lambda v, scale=scale, digits=digits: (
                "–" if v != v else formats.number(v / scale, language, digits=digits)
            )
            renamed[column] = with_unit(column, unit, language)
    styler = numbers_marked(frame.style.format(plain).hide(axis="index"), table)
    return styler.relabel_index([renamed.get(c, c) for c in frame.columns], axis="columns") if renamed else styler


NUMBER_KINDS = frozenset({"count", "share", "rupiah", "number", "figure"})
"""Kinds of cell (:class:`Table`) that hold a number (``figure``: one already written out, as the
headline's); a year is a label, a text is text."""


def numbers_marked(styler, table: Table):
    """``styler`` with class :data:`~simulation.reporting.pdf.NUMBER_CLASS` on each cell holding a
    number (:data:`NUMBER_KINDS`), which the PDF sets flush right."""
    rows, columns = range(len(table.frame)), list(table.frame.columns)
    marks = [[NUMBER_CLASS if table.kind_at(c, r) in NUMBER_KINDS else "" for c in columns] for r in rows]
    return styler.set_td_classes(pd.DataFrame(marks, index=styler.data.index, columns=styler.data.columns))


def total_row(styler):
    """``styler`` with its last row marked as the total: class :data:`TOTAL_CLASS` on its cells.

    The class's style travels with the table into the HTML; the PDF, which drops screen styles,
    styles the class in :data:`simulation.reporting.pdf.PRINT_CSS`.
    """
    classes = pd.DataFrame("", index=styler.data.index, columns=styler.data.columns)
    last = len(classes) - 1
    for c in range(classes.shape[1]):  # beside a cell's own class (a number's, numbers_marked)
        classes.iat[last, c] = f"{styler.cell_context.get((last, c), '')} {TOTAL_CLASS}".strip()
    rule = {"selector": f"td.{TOTAL_CLASS}", "props": "font-weight: bold; border-top: 1px solid #000;"}
    return styler.set_td_classes(classes).set_table_styles([rule], overwrite=False)


RUPIAH_UNITS = ((1e9, "unit_billion"), (1e6, "unit_million"))
"""Scales a column of rupiah is written in, largest first, with the label of the unit."""


def rupiah_unit(values, language: str) -> tuple[float, str]:
    """(scale, unit) for a column of rupiah: billions when its largest amount reaches Rp1 billion,
    millions from Rp1 million, plain rupiah below; one unit for the whole column."""
    largest = float(pd.Series(values, dtype=float).abs().max()) if len(values) else 0.0
    for scale, key in RUPIAH_UNITS:
        if largest >= scale:
            return scale, text(key, language)
    return 1.0, text("unit_rupiah", language)


def with_unit(header: str, unit: str, language: str) -> str:
    """A rupiah column's header with its unit: ``Biaya publik (Rp)`` -> ``Biaya publik (Rp miliar)``."""
    symbol = f"({formats.currency_symbol(language)})"
    stem = header[: -len(symbol)].rstrip() if header.endswith(symbol) else header
    return f"{stem} ({unit})"


def _cell(value, kind: str, language: str) -> str:
    """One number of a mixed column, shown as its row's kind (an empty cell stays empty)."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    shows = {
        "rupiah": formats.rupiah,
        "share": lambda v, lang: formats.percent(v, lang, digits=1),
        "count": formats.count,
        "number": lambda v, lang: formats.number(v, lang, digits=4).rstrip("0").rstrip(".,"),
    }
    return shows[kind](value, language) if kind in shows else str(value)


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
