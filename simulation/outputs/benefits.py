"""Benefits BPJS Ketenagakerjaan pays members' families, in expectation.

From the covered members of each month (a :class:`~simulation.outputs.results.Result`):

- work accidents: ``covered x accident_rate`` per month (facts F3.1), each with
  medical care (``accident_medical_cost``, F2.4: no ceiling) and, if not fatal,
  income replacement (``accident_income_months`` x ``declared_income``, F2.4);
  a share ``accident_fatal_share`` is fatal and pays ``jkk_death_benefit`` (F2.4);
- deaths not from work: ``covered x death_rate`` (F3.2), paying ``jkm_benefit``
  (Rp42M, F2.1);
- scholarships (F2.2, F2.3): after a work-accident death always, after another
  death only if the member had at least ``scholarship_min_months`` of continuous
  covered membership; ``children_per_family`` children (at most 2) each get
  ``scholarship_per_child`` (counted in full in the year of the death).

Annual probabilities become monthly ones as ``1 - (1 - p) ** (1/12)``. Covered
tenure is counted in months of continuous cover up to and including the
current month; leaving cover (lapse, suspension) ends it, graduation to
self-paying membership does not.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulation.core.states import monthly_probability

TENURE_BANDS = 36
"""Tenure is tracked month by month up to 36 months; the last band holds 36 and more."""


def covered_tenure(monthly: pd.DataFrame, bands: int = TENURE_BANDS) -> tuple[np.ndarray, np.ndarray]:
    """Subsidised and mandiri members of each month by covered tenure.

    Exits (closure, graduation, lapse, suspension) do not depend on tenure in the
    engines, so each state's tenure mix follows from its monthly totals.

    Parameters
    ----------
    monthly : DataFrame
        :meth:`Result.monthly` (members billed, end-of-month stocks, flows).

    Returns
    -------
    subsidised, mandiri : ndarray, shape (T, bands)
        Column ``k`` holds members with ``k + 1`` covered months, the last column
        ``bands`` or more.
    """
    T = len(monthly)
    sub_out, man_out = np.zeros((T, bands)), np.zeros((T, bands))
    s_end, m_end = np.zeros(bands), np.zeros(bands)
    cols = {
        c: monthly[c].to_numpy()
        for c in (
            "subsidised",
            "mandiri",
            "subsidised_end",
            "mandiri_end",
            "enrolled",
            "suspended",
            "reactivated",
            "graduated_mandiri",
        )
    }
    prev_s_end_total = prev_reactivated = 0.0
    for t in range(T):
        s = _age(s_end)
        if prev_s_end_total > 0:
            s *= max(prev_s_end_total - cols["suspended"][t], 0.0) / prev_s_end_total
        s[0] += cols["enrolled"][t]
        m = _age(m_end)
        m[0] += prev_reactivated
        sub_out[t], man_out[t] = s, m
        # month end: survivors of each state keep their mix; graduates carry theirs into mandiri
        s_total, m_total = cols["subsidised"][t], cols["mandiri"][t]
        s_share = s / s_total if s_total > 0 else np.zeros(bands)
        grad = cols["graduated_mandiri"][t]
        m_survivors = max(cols["mandiri_end"][t] - cols["reactivated"][t] - grad, 0.0)
        m_share = m / m_total if m_total > 0 else np.zeros(bands)
        s_end = s_share * cols["subsidised_end"][t]
        m_end = m_share * m_survivors + s_share * grad
        prev_s_end_total, prev_reactivated = cols["subsidised_end"][t], cols["reactivated"][t]
    return sub_out, man_out


def _age(x: np.ndarray) -> np.ndarray:
    """Everyone one covered month older; the last band keeps its members."""
    out = np.zeros_like(x)
    out[1:] = x[:-1]
    out[-1] += x[-1]
    return out


def monthly_benefits(result) -> pd.DataFrame:
    """Expected claims, families and rupiah paid each month (empty if the scenario has no benefits)."""
    s = result.scenario
    if s.model.benefits is None:
        return pd.DataFrame()
    m = result.monthly()
    p = {name: s.monthly_array(f"benefits.{name}") for name in type(s.model.benefits).model_fields}
    covered = m["covered"].to_numpy()
    sub, man = covered_tenure(m)
    minimum = int(s.first("benefits.scholarship_min_months"))
    tenure_ok = (sub + man)[:, max(minimum, 1) - 1 :].sum(axis=1)
    share_ok = np.divide(tenure_ok, covered, out=np.zeros_like(covered), where=covered > 0)
    accidents = covered * monthly_probability(p["accident_rate"])
    fatal = accidents * p["accident_fatal_share"]
    deaths = covered * monthly_probability(p["death_rate"])
    scholarship_families = fatal + deaths * share_ok
    children = scholarship_families * np.minimum(p["children_per_family"], 2.0)
    out = pd.DataFrame({"month": m["month"], "year": m["year"]})
    out["accidents"] = accidents
    out["accident_deaths"] = fatal
    out["deaths"] = deaths
    out["scholarship_families"] = scholarship_families
    out["scholarship_children"] = children
    out["families_reached"] = accidents + deaths
    out["scholarship_eligible_share"] = share_ok
    out["paid_medical"] = accidents * p["accident_medical_cost"]
    out["paid_income"] = (accidents - fatal) * p["accident_income_months"] * p["declared_income"]
    out["paid_jkk_death"] = fatal * p["jkk_death_benefit"]
    out["paid_jkm"] = deaths * p["jkm_benefit"]
    out["paid_scholarships"] = children * p["scholarship_per_child"]
    out["benefits_paid"] = out[[c for c in out.columns if c.startswith("paid_")]].sum(axis=1)
    return out


def annual_benefits(result) -> pd.DataFrame:
    """Claims, families reached and rupiah paid per fiscal year."""
    monthly = monthly_benefits(result)
    if monthly.empty:
        return monthly
    return monthly.drop(columns=["month", "scholarship_eligible_share"]).groupby("year", as_index=False).sum()
