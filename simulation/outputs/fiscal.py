"""Fiscal indicators: what the programme costs the budget and what it buys."""

from __future__ import annotations

import numpy as np
import pandas as pd

APBD_FACT_REGIONS = ("52.03",)
"""Regions whose total APBD spending is in the facts: Lombok Timur (F5.3). Any other region's
``fiscal.apbd_total_spending`` is an assumption (or inherited from the baseline, i.e. Lombok Timur's),
so its share of APBD is illustrative and the briefs say so (:func:`apbd_is_illustrative`)."""


def apbd_is_illustrative(scenario) -> bool:
    """Whether ``scenario``'s share of APBD rests on an APBD total that is not a fact for its region."""
    return scenario.model.region not in APBD_FACT_REGIONS


def npv(amounts: np.ndarray, rate: float) -> float:
    """Present value at the first fiscal year of yearly amounts (rupiah), year ``k`` discounted by ``(1+rate)^k``."""
    k = np.arange(len(amounts))
    return float(np.sum(np.asarray(amounts, dtype=float) / (1.0 + rate) ** k))


def annual_fiscal(result, benefits: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per fiscal year: the regency's cost as a share of total APBD spending (facts F5.3),
    contributions BPJS receives against the benefits it pays, and benefits per rupiah of subsidy."""
    a = result.annual()
    out = a[["year", "subsidy_cost", "subsidy_cost_real", "self_paid"]].copy()
    payer_cols = [f"cost_{p}" for p in result.payers]
    out["contributions_received"] = a[payer_cols].sum(axis=1) + a["self_paid"]
    s = result.scenario
    if s.model.fiscal is not None:
        months = result.monthly()
        total = pd.Series(s.monthly_array("fiscal.apbd_total_spending"), index=months.index).groupby(months["year"])
        kab = a.get("cost_apbd_kabupaten", pd.Series(0.0, index=a.index))
        out["apbd_total_spending"] = total.first().to_numpy()
        out["share_of_apbd"] = kab.to_numpy() / out["apbd_total_spending"]
    if benefits is not None and not benefits.empty:
        paid = benefits.set_index("year")["benefits_paid"].reindex(out["year"]).to_numpy()
        out["benefits_paid"] = paid
        out["claims_ratio"] = paid / out["contributions_received"].where(out["contributions_received"] > 0)
        out["benefits_per_rupiah_subsidy"] = paid / out["subsidy_cost"].where(out["subsidy_cost"] > 0)
    return out


def fiscal_summary(result, benefits: pd.DataFrame | None = None) -> dict:
    """Whole-horizon indicators: NPV, nominal and real cost, cost per protected UMKM-year and per
    graduate, benefits per rupiah of subsidy, claims over contributions."""
    a = result.annual()
    s = result.scenario
    rate = s.first("fiscal.discount_rate") if s.model.fiscal is not None else None
    covered_years = a["covered_member_months"].sum() / 12.0
    graduates = a["graduated"].sum()
    out = {
        "subsidy_cost_nominal": float(a["subsidy_cost"].sum()),
        "subsidy_cost_real": float(a["subsidy_cost_real"].sum()),
        "discount_rate": rate,
        "subsidy_npv": npv(a["subsidy_cost"].to_numpy(), rate) if rate is not None else None,
        "cost_per_protected_umkm_year": float(a["subsidy_cost"].sum() / covered_years) if covered_years else None,
        "cost_per_graduate": float(a["subsidy_cost"].sum() / graduates) if graduates else None,
    }
    if benefits is not None and not benefits.empty:
        paid = float(benefits["benefits_paid"].sum())
        payer_cols = [f"cost_{p}" for p in result.payers]
        received = float(a[payer_cols].sum().sum() + a["self_paid"].sum())
        out["benefits_paid"] = paid
        out["families_reached"] = float(benefits["families_reached"].sum())
        out["benefits_per_rupiah_subsidy"] = paid / out["subsidy_cost_nominal"] if out["subsidy_cost_nominal"] else None
        out["claims_ratio"] = paid / received if received else None
    return out
