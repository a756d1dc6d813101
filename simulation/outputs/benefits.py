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
from simulation.engines.state import SCHOLARSHIP_MONTHS
from simulation.engines.steps import STEPS

TENURE_BANDS = SCHOLARSHIP_MONTHS
"""Tenure is tracked month by month up to the scholarship's 36 months (facts F2.2); the last band
holds 36 and more."""


def covered_tenure(monthly: pd.DataFrame, bands: int = TENURE_BANDS) -> tuple[np.ndarray, np.ndarray]:
    """Subsidised and mandiri members of each month by covered tenure.

    Exits (closure, graduation, lapse, suspension) do not depend on tenure in the
    engines, so each state's tenure mix follows from its monthly totals. The month
    runs the engines' steps in their order (:data:`simulation.engines.steps.STEPS`),
    each moving the tenure mix as :data:`_TENURE_STEPS` says.

    Parameters
    ----------
    monthly : DataFrame
        :meth:`Result.monthly` (members billed, end-of-month stocks, flows).
    bands : int
        Months tracked one by one; the last band holds ``bands`` months and more.

    Returns
    -------
    subsidised, mandiri : ndarray, shape (T, bands)
        Column ``k`` holds members with ``k + 1`` covered months (UMKM), the last column
        ``bands`` or more.
    """
    T = len(monthly)
    columns = ("subsidised", "mandiri", "subsidised_end", "mandiri_end", *_TENURE_FLOWS)
    mix = _TenureMix({c: monthly[c].to_numpy() for c in columns}, T, bands)
    for t in range(T):
        for name in STEPS:
            _TENURE_STEPS[name](mix, t)
    return mix.sub_out, mix.man_out


_TENURE_FLOWS = ("enrolled", "suspended", "reactivated", "graduated_mandiri")
"""The engines' flows (:data:`simulation.engines.state.FLOWS`) that move covered tenure."""


class _TenureMix:
    """Subsidised and mandiri members by covered months, carried from one month's end to the next."""

    def __init__(self, cols: dict[str, np.ndarray], T: int, bands: int):
        self.cols, self.bands = cols, bands
        self.sub_out, self.man_out = np.zeros((T, bands)), np.zeros((T, bands))
        self.s_end, self.m_end = np.zeros(bands), np.zeros(bands)
        self.s = self.m = self.s_share = None
        self.prev_s_end_total = self.prev_reactivated = 0.0

    def entry(self, t: int) -> None:
        """A new month: everyone covered is a month older; last month's resumers start a spell."""
        self.s = _age(self.s_end)
        self.m = _age(self.m_end)
        self.m[0] += self.prev_reactivated

    def enrolment(self, t: int) -> None:
        """Suspension takes the same share of every band; the newly enrolled have one month."""
        if self.prev_s_end_total > 0:
            self.s *= max(self.prev_s_end_total - self.cols["suspended"][t], 0.0) / self.prev_s_end_total
        self.s[0] += self.cols["enrolled"][t]

    def billing(self, t: int) -> None:
        """The members billed this month, by tenure."""
        self.sub_out[t], self.man_out[t] = self.s, self.m

    def month_end(self, t: int) -> None:
        """Survivors of each state keep their mix (closure and lapses do not depend on tenure)."""
        c = self.cols
        s_total, m_total = c["subsidised"][t], c["mandiri"][t]
        self.s_share = self.s / s_total if s_total > 0 else np.zeros(self.bands)
        m_survivors = max(c["mandiri_end"][t] - c["reactivated"][t] - c["graduated_mandiri"][t], 0.0)
        m_share = self.m / m_total if m_total > 0 else np.zeros(self.bands)
        self.s_end = self.s_share * c["subsidised_end"][t]
        self.m_end = m_share * m_survivors

    def evaluation(self, t: int) -> None:
        """Graduates who go on paying carry their covered months into mandiri."""
        self.m_end = self.m_end + self.s_share * self.cols["graduated_mandiri"][t]
        self.prev_s_end_total, self.prev_reactivated = self.cols["subsidised_end"][t], self.cols["reactivated"][t]


_TENURE_STEPS = {name: getattr(_TenureMix, name) for name in STEPS}
"""The tenure update of each of the engines' steps, by step name (a step added to the engines
without one fails here, at import)."""


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
