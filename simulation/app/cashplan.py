"""The cash plan of the first fiscal year beside its accrual cost: rupiah leaving the public payers by month.

The accrual cost (``subsidy_cost``) is what the month's members cost; the cash (``cash_<payer>``)
is when the payers pay it under ``policy.payment_schedule`` (docs/model.md, "Months funded,
payment schedule and cash plan"). Over a fiscal year the two agree.
"""

from __future__ import annotations

import html

import pandas as pd

from simulation.app.words import word
from simulation.reporting import formats
from simulation.rules.payers import PAYERS

PUBLIC = tuple(name for name, payer in PAYERS.items() if payer.public)
"""Payers whose cash leaves a public budget (APBD Kabupaten, APBD Provinsi, DBHCHT, Dana Desa)."""


def first_year(result) -> pd.DataFrame:
    """Months of the first fiscal year with their accrual cost and cash paid out.

    Parameters
    ----------
    result : Result
        A cohort run (or a micro run's mean: replicates are averaged).

    Returns
    -------
    DataFrame
        ``month`` (``YYYY-MM``), ``accrual`` (public cost of the month, rupiah), ``cash`` (rupiah
        the public payers pay out in the month), ``cash_apbd_kabupaten`` (of which the APBD
        Kabupaten, rupiah).
    """
    m = result.monthly()
    if "replicate" in m:
        m = m.groupby("month", sort=True).mean(numeric_only=True).reset_index()
    m = m[m["year"] == m["year"].iloc[0]]
    cash = [c for c in (f"cash_{name}" for name in PUBLIC) if c in m]
    return pd.DataFrame(
        {
            "month": m["month"].astype(str).to_numpy(),
            "accrual": m["subsidy_cost"].to_numpy(dtype=float),
            "cash": m[cash].sum(axis=1).to_numpy(dtype=float),
            "cash_apbd_kabupaten": (
                m["cash_apbd_kabupaten"].to_numpy(dtype=float) if "cash_apbd_kabupaten" in m else 0.0
            ),
        }
    )


def table(result, language: str) -> str:
    """The first year's cash plan as an HTML table (class ``umkm-cash-plan``), with a total row."""
    plan = first_year(result)
    heads = [word(k, language) for k in ("cash_month", "cash_accrual", "cash_paid", "cash_kabupaten")]
    rows = [
        [r.month, *(formats.rupiah(v, language) for v in (r.accrual, r.cash, r.cash_apbd_kabupaten))]
        for r in plan.itertuples()
    ]
    total = plan[["accrual", "cash", "cash_apbd_kabupaten"]].sum()
    rows.append([f"<b>{word('cash_total', language)}</b>", *(f"<b>{formats.rupiah(v, language)}</b>" for v in total)])
    head = "".join(f"<th>{html.escape(h)}</th>" for h in heads)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    title = word("cash_title", language, year=str(result.annual()["year"].iloc[0]))
    return f"<h4>{html.escape(title)}</h4><table class='umkm-cash-plan'><tr>{head}</tr>{body}</table>"
