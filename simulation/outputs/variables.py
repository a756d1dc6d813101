"""Every output variable, declared once: grain, unit, kind, how it reaches a year, labels, formula.

The result tables (:mod:`simulation.outputs.results`), the report tables and the Excel sheets
(:mod:`simulation.reporting.tables`), the column labels (:func:`simulation.reporting.labels.text`),
the invariants (:mod:`simulation.outputs.invariants`) and the outputs table of the documentation
(``docs/outputs.md``, written by :mod:`simulation.outputs.docs`) all read :data:`VARIABLES`.

Adding an output column is one :class:`Variable` here, whose ``formula`` is its computation
(``docs/architecture.md``, recipe "add an output column").

Arrays seen by a formula have the shape ``(replicate, time, place)``: time is the month or the
fiscal year, place the whole regency (length 1) or the kecamatan. A formula is written once and
evaluated at every grain the variable has.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from simulation.core.states import STATE_NAMES
from simulation.engines.cohort import FLOWS
from simulation.rules.payers import PAYERS
from simulation.scenario.prices import price_index, protected

MONTH = "month"
YEAR = "year"
YEAR_KECAMATAN = "year x kecamatan"
YEAR_PAYER = "year x payer"
MONTH_PAYER = "month x payer x component"
MONTH_SEGMENT = "month x kecamatan x sector x state"

GRAINS = (MONTH, YEAR, YEAR_KECAMATAN, YEAR_PAYER, MONTH_PAYER, MONTH_SEGMENT)
"""Every grain a table has."""
TABLE_OF_GRAIN = {
    MONTH: "monthly.csv",
    YEAR: "annual.csv",
    YEAR_KECAMATAN: "by_kecamatan.csv",
    YEAR_PAYER: "payers_annual.csv",
    MONTH_PAYER: "ledger.csv",
    MONTH_SEGMENT: "monthly_segments.parquet",
}
"""The file ``umkm-sim run`` writes each grain's table to. A table whose rows grow with the region's
segments (every kecamatan x sector x state, every month: about 3 million rows a year for the whole
country) is Parquet (pyarrow; pandas, DuckDB and Arrow read it, typed and compressed); the others are
CSV, small tables a planner opens in a spreadsheet (:data:`FILE_FORMATS`)."""
FILE_FORMATS = {
    ".csv": "CSV: a small table a planner opens in a spreadsheet",
    ".parquet": "Parquet (pyarrow): a table of national size, read with pandas (`pandas.read_parquet`) or DuckDB",
}
"""What each kind of file ``umkm-sim run`` writes is, by suffix (the outputs document lists them)."""
KINDS = ("stock", "flow", "money", "ratio")
PER_YEAR = ("sum", "last", "first", "mean", "derived")
"""How a month's values reach a year: summed, the year's last or first month, the mean of its
months, or ``derived``: the formula evaluated again on the year's values."""
SOURCES = ("billed", "end", "flow", "stock", "waiting", "ledger", "cash", "scenario", "derived", "table")
"""Where a variable's values come from: the engine's stocks billed during the month (``billed``)
or at month end (``end``), its flows and sub-stocks, the waiting list, the budget ledger (accrued)
and its cash plan (paid, ``policy.payment_schedule``), a scenario parameter, a formula
(``derived``), or the long table that holds it (``table``)."""


@dataclass(frozen=True)
class Variable:
    """One output variable.

    Attributes
    ----------
    name : str
        Column name in the tables (``cost_{payer}`` for the template of the payer columns).
    grain : tuple of str
        Grains of the tables it appears in (:data:`GRAINS`).
    unit : str
        ``UMKM``, ``UMKM-month``, ``IDR``, ``IDR per UMKM-year``, ``share``, ``index``, ``months``.
    kind : {"stock", "flow", "money", "ratio"}
    per_year : str or None
        How it reaches a year (:data:`PER_YEAR`); None for a month-only variable.
    label : dict of str to str
        Column label by language (``id``, ``en``), without the currency unit.
    description : str
        One line for the documentation.
    formula : callable, optional
        ``formula(v) -> array`` over the other variables (``v.name``), evaluated at every grain
        (``per_year="derived"``) or at the month, then aggregated by ``per_year``.
    source : str
        Where the values come from (:data:`SOURCES`).
    of : str, optional
        The monthly variable a yearly one aggregates, when its name differs (``waiting_end`` is the
        year's last ``waiting``).
    engines : tuple of str
        Engines that produce it (an engine's flow or stock).
    when : callable, optional
        ``when(scenario) -> bool``: the variable exists only for such scenarios.
    sampled : bool
        Only recorded in the last month of each fiscal year (missing in the other months).
    files : tuple of str
        Files beside its grain's table that hold it (``benefits.csv``, ``fiscal.csv``); a variable
        with ``source="table"`` is computed by the module writing those files, not by the result.
    """

    name: str
    grain: tuple[str, ...]
    unit: str
    kind: str
    per_year: str | None
    label: dict[str, str]
    description: str
    formula: Callable | None = None
    source: str = "derived"
    of: str | None = None
    engines: tuple[str, ...] = ("cohort", "micro")
    when: Callable | None = None
    sampled: bool = False
    files: tuple[str, ...] = ()

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"variable {self.name}: kind {self.kind!r}; allowed: {', '.join(KINDS)}")
        if self.per_year is not None and self.per_year not in PER_YEAR:
            raise ValueError(f"variable {self.name}: per_year {self.per_year!r}; allowed: {', '.join(PER_YEAR)}")
        if self.source not in SOURCES:
            raise ValueError(f"variable {self.name}: source {self.source!r}; allowed: {', '.join(SOURCES)}")
        if set(self.grain) - set(GRAINS):
            raise ValueError(f"variable {self.name}: grain {self.grain}; allowed: {', '.join(GRAINS)}")
        if self.source == "derived" and self.formula is None and self.of is None:
            raise ValueError(f"variable {self.name}: a derived variable needs a formula or ``of``")

    @property
    def monthly_name(self) -> str:
        """The monthly variable its yearly values aggregate (itself unless ``of`` says otherwise)."""
        return self.of or self.name

    @property
    def written_to(self) -> tuple[str, ...]:
        """The files of ``umkm-sim run`` that hold the variable."""
        own = () if self.source == "table" else tuple(TABLE_OF_GRAIN[g] for g in self.grain)
        return own + self.files

    def applies(self, scenario) -> bool:
        """Whether the variable exists for ``scenario``."""
        return self.when is None or bool(self.when(scenario))


def _label(indonesian: str, english: str) -> dict[str, str]:
    return {"id": indonesian, "en": english}


def _ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """``numerator / denominator``, missing (NaN) where the denominator is not positive."""
    den = np.asarray(denominator, dtype=float)
    return np.divide(numerator, den, out=np.full(np.broadcast(numerator, den).shape, np.nan), where=den > 0)


def _covered(suffix: str) -> Callable:
    """UMKM protected: subsidised + self-paying + lapsed in arrears (still covered, facts F1.7),
    less the subsidised past their third unfunded month (``policy.months_funded``, G4.1)."""
    return lambda v: (
        v[f"subsidised{suffix}"] + v[f"mandiri{suffix}"] + v[f"arrears{suffix}"] - v[f"unfunded_uncovered{suffix}"]
    )


def _unfunded_uncovered(suffix: str) -> Callable:
    """Subsidised members in a month the payers leave unfunded beyond the three months of arrears."""
    return lambda v: v[f"subsidised{suffix}"] * (1.0 - v.monthly(protected(v.scenario)))


def _has_ceiling(scenario) -> bool:
    """only in scenarios with a budget ceiling"""
    return scenario.model.policy.budget_ceiling is not None


_STATE_LABELS = {
    "eligible": ("Belum terdaftar", "Eligible, not enrolled"),
    "subsidised": ("Disubsidi", "Subsidised"),
    "mandiri": ("Mandiri (bayar sendiri)", "Self-paying (mandiri)"),
    "lapsed": ("Berhenti membayar", "Lapsed"),
    "closed": ("Tutup usaha (kumulatif)", "Closed (cumulative)"),
}
_YEAR_END = ("akhir tahun", "year end")
_STATE_SHORT = {"mandiri": ("Mandiri", "Self-paying")}
"""Shorter state names where a qualifier follows (``Mandiri (akhir tahun)``)."""


def _short(state: str) -> tuple[str, str]:
    return _STATE_SHORT.get(state, _STATE_LABELS[state])


_STATE_DESCRIPTIONS = {
    "eligible": "UMKM open and eligible but not enrolled",
    "subsidised": "members whose contribution the public payers pay",
    "mandiri": "graduates paying their own contribution",
    "lapsed": "graduates who stopped paying (the first three unpaid months still covered, F1.7)",
    "closed": "UMKM that closed",
}
_FLOW_TEXT = {
    "entered": ("UMKM baru", "New UMKM", "new UMKM entering the population as eligible"),
    "enrolled": ("Didaftarkan", "Enrolled", "eligible UMKM enrolled into the subsidy"),
    "closures": ("Tutup usaha", "Closures", "UMKM closing, in every open state"),
    "lapses": ("Mandiri berhenti membayar", "Self-payers lapsing", "self-paying members who stop paying"),
    "reactivated": ("Kembali membayar", "Resumed paying", "lapsed members who resume paying"),
    "graduated": ("Naik kelas", "Graduated", "subsidised members graduating at an evaluation"),
    "graduated_mandiri": (
        "Naik kelas, lanjut mandiri",
        "Graduated, self-paying",
        "graduates who go on paying themselves",
    ),
    "graduated_lapsed": (
        "Naik kelas, tidak lanjut",
        "Graduated, did not continue",
        "graduates who do not take up self-paying membership",
    ),
    "suspended": (
        "Ditangguhkan (pagu)",
        "Suspended (ceiling)",
        "subsidised members the budget ceiling no longer pays for, back on the waiting list",
    ),
    "lost_cover": (
        "Kehilangan perlindungan",
        "Lost cover",
        "lapsed members reaching a fourth unpaid month (cover ends, F1.7)",
    ),
}

_LEDGER = ("ledger.csv", "payers_annual.csv")
_BENEFITS = ("benefits.csv",)
_FISCAL = ("fiscal.csv",)
_TABLE_VARIABLES = (
    (
        "members",
        (MONTH_SEGMENT,),
        "UMKM",
        "stock",
        "Anggota",
        "Members",
        "expected members billed",
        (TABLE_OF_GRAIN[MONTH_SEGMENT],),
    ),
    ("nominal", (MONTH_PAYER, YEAR_PAYER), "IDR", "money", "Nominal", "Nominal", "rupiah of the day", _LEDGER),
    (
        "real",
        (MONTH_PAYER, YEAR_PAYER),
        "IDR",
        "money",
        "Riil, rupiah tahun awal",
        "Real, first-year rupiah",
        "rupiah of the first month (nominal / price index)",
        _LEDGER,
    ),
    (
        "accidents",
        (YEAR,),
        "UMKM",
        "flow",
        "Kecelakaan kerja",
        "Work accidents",
        "expected work accidents (F3.1)",
        _BENEFITS,
    ),
    (
        "accident_deaths",
        (YEAR,),
        "UMKM",
        "flow",
        "Kematian karena kecelakaan kerja",
        "Deaths from work accidents",
        "fatal work accidents (F2.4)",
        _BENEFITS,
    ),
    ("deaths", (YEAR,), "UMKM", "flow", "Kematian", "Deaths", "expected deaths not from work (F3.2)", _BENEFITS),
    (
        "scholarship_families",
        (YEAR,),
        "UMKM",
        "flow",
        "Keluarga penerima beasiswa",
        "Families with scholarships",
        "deaths whose children receive the scholarship (F2.2, F2.3)",
        _BENEFITS,
    ),
    (
        "scholarship_children",
        (YEAR,),
        "UMKM",
        "flow",
        "Anak penerima beasiswa",
        "Children with scholarships",
        "children receiving the scholarship (at most two per family)",
        _BENEFITS,
    ),
    (
        "families_reached",
        (YEAR,),
        "UMKM",
        "flow",
        "Keluarga menerima manfaat",
        "Families reached",
        "accidents + deaths: families a benefit reaches",
        _BENEFITS,
    ),
    (
        "paid_medical",
        (YEAR,),
        "IDR",
        "money",
        "Perawatan",
        "Medical care",
        "medical care of accidents (F2.4)",
        _BENEFITS,
    ),
    (
        "paid_income",
        (YEAR,),
        "IDR",
        "money",
        "Santunan upah",
        "Income replacement",
        "income replacement after non-fatal accidents (F2.4)",
        _BENEFITS,
    ),
    (
        "paid_jkk_death",
        (YEAR,),
        "IDR",
        "money",
        "Santunan kematian JKK",
        "JKK death benefit",
        "death benefit of fatal accidents (F2.4)",
        _BENEFITS,
    ),
    (
        "paid_jkm",
        (YEAR,),
        "IDR",
        "money",
        "Santunan JKM",
        "JKM death benefit",
        "JKM benefit (F2.1); the early amount in the first months of membership (G4.3)",
        _BENEFITS,
    ),
    (
        "paid_scholarships",
        (YEAR,),
        "IDR",
        "money",
        "Beasiswa",
        "Scholarships",
        "scholarships, counted in the year of the death",
        _BENEFITS,
    ),
    (
        "benefits_paid",
        (YEAR,),
        "IDR",
        "money",
        "Manfaat dibayar",
        "Benefits paid",
        "every benefit BPJS pays, the sum of the paid_ columns",
        (*_BENEFITS, *_FISCAL),
    ),
    (
        "contributions_received",
        (YEAR,),
        "IDR",
        "money",
        "Iuran diterima BPJS",
        "Contributions received by BPJS",
        "every payer's bill plus self_paid",
        _FISCAL,
    ),
    (
        "apbd_total_spending",
        (YEAR,),
        "IDR",
        "money",
        "Total belanja APBD",
        "Total APBD spending",
        "the regency's total budget spending (F5.3)",
        _FISCAL,
    ),
    (
        "share_of_apbd",
        (YEAR,),
        "share",
        "ratio",
        "Porsi belanja APBD",
        "Share of APBD spending",
        "cost_apbd_kabupaten / apbd_total_spending",
        _FISCAL,
    ),
    (
        "claims_ratio",
        (YEAR,),
        "share",
        "ratio",
        "Rasio klaim terhadap iuran",
        "Claims to contributions",
        "benefits_paid / contributions_received",
        _FISCAL,
    ),
    (
        "benefits_per_rupiah_subsidy",
        (YEAR,),
        "share",
        "ratio",
        "Manfaat per rupiah subsidi",
        "Benefits per rupiah of subsidy",
        "benefits_paid / subsidy_cost",
        _FISCAL,
    ),
)
"""Variables of the long tables and of ``benefits.csv`` and ``fiscal.csv``, whose modules compute them:
(name, grain, unit, kind, Indonesian label, English label, description, other files)."""

VARIABLES: tuple[Variable, ...] = (
    Variable(
        "months",
        (YEAR,),
        "months",
        "flow",
        "sum",
        _label("Bulan", "Months"),
        "months of the fiscal year within the horizon",
        formula=lambda v: np.ones_like(v.eligible_end),
    ),
    *(
        Variable(
            name,
            (MONTH,),
            "UMKM",
            "stock",
            None,
            _label(*_STATE_LABELS[name]),
            f"{_STATE_DESCRIPTIONS[name]}, during the month (billed)",
            source="billed",
        )
        for name in STATE_NAMES
    ),
    *(
        Variable(
            f"{name}_end",
            (MONTH, YEAR) if name != "subsidised" else (MONTH, YEAR, YEAR_KECAMATAN),
            "UMKM",
            "stock",
            "last",
            _label(*(f"{w} ({e})" for w, e in zip(_short(name), _YEAR_END, strict=True))),
            f"{_STATE_DESCRIPTIONS[name]}, at the end of the month or year (after its evaluation)",
            source="end",
        )
        for name in STATE_NAMES
    ),
    Variable(
        "arrears",
        (MONTH,),
        "UMKM",
        "stock",
        None,
        _label("Menunggak, masih terlindungi", "In arrears, still covered"),
        "lapsed members in their first to third unpaid month, still covered (F1.7), during the month",
        source="stock",
    ),
    Variable(
        "arrears_end",
        (MONTH, YEAR),
        "UMKM",
        "stock",
        "last",
        _label("Menunggak, masih terlindungi (akhir tahun)", "In arrears, still covered (year end)"),
        "lapsed members in their first to third unpaid month, still covered (F1.7), at the end",
        source="stock",
    ),
    Variable(
        "covered_36m_end",
        (MONTH, YEAR),
        "UMKM",
        "stock",
        "last",
        _label("Terlindungi 36 bulan atau lebih (akhir tahun)", "Protected 36 months or more (year end)"),
        "members with 36 months or more of continuous cover (scholarship condition, F2.2)",
        source="stock",
        engines=("micro",),
        sampled=True,
    ),
    Variable(
        "unfunded_uncovered",
        (MONTH,),
        "UMKM",
        "stock",
        None,
        _label("Disubsidi, tak terlindungi (bulan tak didanai)", "Subsidised, unprotected (unfunded month)"),
        "subsidised members past their third month unpaid by the payers (policy.months_funded; G4.1), during the month",
        formula=_unfunded_uncovered(""),
    ),
    Variable(
        "unfunded_uncovered_end",
        (MONTH, YEAR, YEAR_KECAMATAN),
        "UMKM",
        "stock",
        "last",
        _label(
            "Disubsidi, tak terlindungi (akhir tahun)",
            "Subsidised, unprotected (year end)",
        ),
        "subsidised members past their third month unpaid by the payers, at the end of the month or year",
        formula=_unfunded_uncovered("_end"),
    ),
    Variable(
        "counted_bpjs",
        (MONTH, YEAR),
        "UMKM",
        "stock",
        "last",
        _label("Terhitung target BPJS-TK", "Counted toward BPJS-TK targets"),
        "subsidised members as BPJS-TK counts them toward coverage targets: one per member with six "
        "months of contributions in the fiscal year, pro rata below (G4.2); the year's last month",
        source="stock",
    ),
    Variable(
        "covered",
        (MONTH,),
        "UMKM",
        "stock",
        None,
        _label("UMKM terlindungi", "UMKM protected"),
        "subsidised + mandiri + arrears - unfunded_uncovered during the month",
        formula=_covered(""),
    ),
    Variable(
        "covered_end",
        (MONTH, YEAR, YEAR_KECAMATAN),
        "UMKM",
        "stock",
        "derived",
        _label("UMKM terlindungi (akhir tahun)", "UMKM protected (year end)"),
        "subsidised_end + mandiri_end + arrears_end - unfunded_uncovered_end",
        formula=_covered("_end"),
    ),
    Variable(
        "waiting",
        (MONTH,),
        "UMKM",
        "stock",
        None,
        _label("Daftar tunggu", "Waiting list"),
        "UMKM the rollout wanted enrolled but the budget ceiling kept waiting, after the month's enrolment",
        source="waiting",
    ),
    Variable(
        "waiting_end",
        (YEAR, YEAR_KECAMATAN),
        "UMKM",
        "stock",
        "last",
        _label("Daftar tunggu (Des)", "Waiting list (Dec)"),
        "the waiting list in the last month of the year",
        source="waiting",
        of="waiting",
    ),
    *(
        Variable(
            name,
            (MONTH, YEAR),
            "UMKM",
            "flow",
            "sum",
            _label(*_FLOW_TEXT[name][:2]),
            _FLOW_TEXT[name][2],
            source="flow",
        )
        for name in FLOWS
    ),
    Variable(
        "dropped_out",
        (YEAR,),
        "UMKM",
        "flow",
        "derived",
        _label("Berhenti membayar", "Dropped out"),
        "graduated_lapsed + lapses: graduates not paying for themselves",
        formula=lambda v: v.graduated_lapsed + v.lapses,
    ),
    *(
        Variable(
            f"{state}_member_months",
            (YEAR,),
            "UMKM-month",
            "flow",
            "sum",
            _label(f"{label[0]}, UMKM-bulan", f"{label[1]}, UMKM-months"),
            f"sum over the year's months of {state} members billed",
            of=state,
        )
        for state, label in (
            ("subsidised", _STATE_LABELS["subsidised"]),
            ("mandiri", _STATE_LABELS["mandiri"]),
            ("covered", ("Terlindungi", "Protected")),
        )
    ),
    Variable(
        "cost_{payer}",
        (MONTH, YEAR),
        "IDR",
        "money",
        "sum",
        {language: "{payer}" for language in ("id", "en")},
        "what each payer of the subsidised contribution pays (labels: the payers registry)",
        source="ledger",
    ),
    Variable(
        "cash_{payer}",
        (MONTH,),
        "IDR",
        "money",
        None,
        {"id": "{payer} (kas)", "en": "{payer} (cash)"},
        "what each payer pays out in the month under policy.payment_schedule (cash plan, anggaran kas); "
        "over a fiscal year it equals cost_{payer}",
        source="cash",
    ),
    Variable(
        "subsidy_cost",
        (MONTH, YEAR, YEAR_KECAMATAN),
        "IDR",
        "money",
        "sum",
        _label("Biaya publik", "Public cost"),
        "the public payers' bills, nominal",
        formula=lambda v: sum((v[f"cost_{p}"] for p in v.public_payers), np.zeros_like(v.self_paid)),
        files=("fiscal.csv",),
    ),
    Variable(
        "self_paid",
        (MONTH, YEAR),
        "IDR",
        "money",
        "sum",
        _label("Dibayar sendiri oleh peserta mandiri", "Paid by self-paying members"),
        "what self-paying members pay (the contribution less the self-pay discount, F1.6)",
        source="ledger",
        files=("fiscal.csv",),
    ),
    Variable(
        "price_index",
        (MONTH,),
        "index",
        "ratio",
        None,
        _label("Indeks harga", "Price index"),
        "prices relative to the first month (inflation assumption, F6.1)",
        formula=lambda v: v.monthly(price_index(v.scenario)),
        source="scenario",
    ),
    Variable(
        "subsidy_cost_real",
        (MONTH, YEAR),
        "IDR",
        "money",
        "sum",
        _label("Biaya publik, rupiah tahun awal", "Public cost, first-year rupiah"),
        "subsidy_cost / price_index: public cost in rupiah of the first month",
        formula=lambda v: v.subsidy_cost / v.price_index,
        files=("fiscal.csv",),
    ),
    Variable(
        "budget_ceiling",
        (YEAR,),
        "IDR",
        "money",
        "first",
        _label("Pagu", "Ceiling"),
        "the APBD Kabupaten's ceiling on contributions in the fiscal year",
        formula=lambda v: v.parameter("policy.budget_ceiling"),
        source="scenario",
        when=_has_ceiling,
    ),
    Variable(
        "ceiling_used",
        (YEAR,),
        "share",
        "ratio",
        "derived",
        _label("Pagu terpakai", "Ceiling used"),
        "cost_apbd_kabupaten / budget_ceiling",
        formula=lambda v: v.get("cost_apbd_kabupaten", 0.0) / v.budget_ceiling,
        when=_has_ceiling,
    ),
    Variable(
        "coverage_target",
        (YEAR,),
        "UMKM",
        "stock",
        "last",
        _label("Target cakupan (UMKM)", "Coverage target (UMKM)"),
        "the coverage target in force in the last month of the year",
        formula=lambda v: v.parameter("policy.coverage_target"),
        source="scenario",
    ),
    Variable(
        "coverage_end",
        (YEAR,),
        "share",
        "ratio",
        "derived",
        _label("Cakupan terhadap target", "Coverage of target"),
        "covered_end / coverage_target",
        formula=lambda v: v.covered_end / v.coverage_target,
    ),
    Variable(
        "cumulative_graduates",
        (YEAR,),
        "UMKM",
        "stock",
        "derived",
        _label("Naik kelas kumulatif", "Cumulative graduates"),
        "graduated, summed from the first year",
        formula=lambda v: np.cumsum(v.graduated, axis=1),
    ),
    Variable(
        "cumulative_subsidy_cost",
        (YEAR,),
        "IDR",
        "money",
        "derived",
        _label("Biaya publik kumulatif", "Cumulative public cost"),
        "subsidy_cost, summed from the first year",
        formula=lambda v: np.cumsum(v.subsidy_cost, axis=1),
    ),
    Variable(
        "cost_per_covered_member_year",
        (YEAR,),
        "IDR per UMKM-year",
        "ratio",
        "derived",
        _label("Biaya per UMKM-tahun terlindungi", "Cost per protected UMKM-year"),
        "subsidy_cost / (covered_member_months / 12); missing without covered members",
        formula=lambda v: _ratio(v.subsidy_cost, v.covered_member_months / 12.0),
    ),
    Variable(
        "subsidy_cost_per_graduate",
        (YEAR,),
        "IDR per UMKM",
        "ratio",
        "derived",
        _label("Biaya publik per UMKM naik kelas", "Public cost per graduate"),
        "subsidy_cost / graduated: the year's public cost per UMKM graduating in it; missing without graduates",
        formula=lambda v: _ratio(v.subsidy_cost, v.graduated),
    ),
    *(
        Variable(name, grain, unit, kind, None, _label(i, e), description, source="table", files=files)
        for name, grain, unit, kind, i, e, description, files in _TABLE_VARIABLES
    ),
)
"""The output variables, in the order the tables show them."""

BY_NAME: dict[str, Variable] = {v.name: v for v in VARIABLES}
PAYER_TEMPLATE = BY_NAME["cost_{payer}"]
CASH_TEMPLATE = BY_NAME["cash_{payer}"]
PAYER_TEMPLATES = (PAYER_TEMPLATE, CASH_TEMPLATE)
"""Variables declared once for every payer: accrued cost and cash paid."""


def payer_variable(payer: str, template: Variable = PAYER_TEMPLATE) -> Variable:
    """The ``cost_<payer>`` (or ``cash_<payer>``) variable of one payer, labelled from the payers registry."""
    if payer not in PAYERS:
        raise KeyError(f"unknown payer {payer!r}; allowed: {', '.join(PAYERS)}")
    t = template
    what = "pays" if t is PAYER_TEMPLATE else "pays out each month (cash plan)"
    return Variable(
        t.name.replace("{payer}", payer),
        t.grain,
        t.unit,
        t.kind,
        t.per_year,
        {lang: text.replace("{payer}", PAYERS[payer].label[lang]) for lang, text in t.label.items()},
        f"what {payer} {what} ({PAYERS[payer].source})",
        source=t.source,
    )


def variables_for(scenario, payers) -> list[Variable]:
    """The variables a result computes for ``scenario`` with ``payers``, the payer template expanded.

    Those of the long tables, ``benefits.csv`` and ``fiscal.csv`` (``source="table"``) are left out.
    """
    out = []
    for var in VARIABLES:
        if var in PAYER_TEMPLATES:
            out += [payer_variable(p, var) for p in payers]
        elif var.source != "table" and var.applies(scenario):
            out.append(var)
    return out


def variable(name: str) -> Variable:
    """The variable called ``name`` (``cost_<payer>`` resolved through the payers registry)."""
    if name in BY_NAME and BY_NAME[name] not in PAYER_TEMPLATES:
        return BY_NAME[name]
    for template in PAYER_TEMPLATES:
        prefix = template.name.removesuffix("{payer}")
        if name.startswith(prefix) and name.removeprefix(prefix) in PAYERS:
            return payer_variable(name.removeprefix(prefix), template)
    raise KeyError(f"unknown output variable {name!r}")


def label(name: str, language: str) -> str:
    """The label of variable ``name`` in ``language`` (``self_paid`` and payers included)."""
    return variable(name).label[language]
