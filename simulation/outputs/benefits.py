"""Benefits BPJS Ketenagakerjaan pays members' families, in expectation.

From the covered members of each month (a :class:`~simulation.outputs.results.Result`):

- work accidents: ``covered x accident_rate`` per month (facts F3.1), each with
  medical care (``accident_medical_cost``, F2.4: no ceiling) and, if not fatal,
  income replacement (``accident_income_months`` x ``declared_income``, F2.4);
  a share ``accident_fatal_share`` is fatal and pays ``jkk_death_benefit`` (F2.4);
- deaths not from work: ``covered x death_rate`` (F3.2), paying ``jkm_benefit``
  (Rp42M, F2.1), or ``jkm_benefit_early`` (~Rp10M, G4.3) for members in their first
  ``jkm_full_after_months`` (3) months of covered membership;
- scholarships (F2.2, F2.3): after a work-accident death always, after another
  death only if the member had at least ``scholarship_min_months`` of continuous
  covered membership; ``children_per_family`` children (at most 2) each get
  ``scholarship_per_child`` (counted in full in the year of the death).

Annual probabilities become monthly ones as ``1 - (1 - p) ** (1/12)``. Covered
tenure is counted in months of continuous cover up to and including the
current month; leaving cover (lapse, suspension, or a fourth unfunded month in a
row, when membership ends, facts G4.1) ends it, graduation to self-paying
membership does not. A JKM death of a member in the first
``jkm_full_after_months`` months of cover pays ``jkm_benefit_early`` instead of
``jkm_benefit`` (facts G4.3), when the scenario sets both.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulation.core.states import ARREARS_MONTHS, monthly_probability
from simulation.engines.state import SCHOLARSHIP_MONTHS
from simulation.engines.steps import STEPS
from simulation.scenario.prices import funded, unfunded_run

TENURE_BANDS = SCHOLARSHIP_MONTHS
"""Tenure is tracked month by month up to the scholarship's 36 months (facts F2.2); the last band
holds 36 and more."""


def covered_tenure(monthly, bands: int = TENURE_BANDS, paid=None) -> tuple[np.ndarray, np.ndarray]:
    """Subsidised and mandiri members of each month by covered tenure.

    Exits (closure, graduation, lapse, suspension) do not depend on tenure in the
    engines, so each state's tenure mix follows from its monthly totals. The month
    runs the engines' steps in their order (:data:`simulation.engines.steps.STEPS`),
    each moving the tenure mix as :data:`_TENURE_STEPS` says.

    An unfunded gap (``policy.months_funded``) leaves the subsidised covered for
    :data:`~simulation.core.states.ARREARS_MONTHS` unpaid months; from the next one their
    membership has ended (facts G4.1): they hold no covered tenure while the gap lasts, and
    in the first funded month after it they start a new spell of one month, as the micro
    engine's agents do (``covered_since``).

    Parameters
    ----------
    monthly : DataFrame or mapping of str to ndarray
        :meth:`Result.monthly` (members billed, end-of-month stocks, flows), or its columns as
        arrays of shape (T,) or, for every replicate at once, (R, T).
    bands : int
        Months tracked one by one; the last band holds ``bands`` months and more.
    paid : ndarray, shape (T,), optional
        1.0 in the months the payers fund, 0.0 in the others
        (:func:`simulation.scenario.prices.funded`); None: every month funded.

    Returns
    -------
    subsidised, mandiri : ndarray, shape (T, bands), or (R, T, bands) for columns of shape (R, T)
        Column ``k`` holds members with ``k + 1`` covered months (UMKM), the last column
        ``bands`` or more.
    """
    columns = ("subsidised", "mandiri", "subsidised_end", "mandiri_end", *_TENURE_FLOWS)
    cols = {c: np.asarray(monthly[c], dtype=float) for c in columns}
    one = cols["subsidised"].ndim == 1
    cols = {c: np.atleast_2d(v) for c, v in cols.items()}
    R, T = cols["subsidised"].shape
    run = np.zeros(T, dtype=int) if paid is None else unfunded_run(paid)
    mix = _TenureMix(cols, R, T, bands, run)
    for t in range(T):
        for name in STEPS:
            _TENURE_STEPS[name](mix, t)
    if one:
        return mix.sub_out[0], mix.man_out[0]
    return mix.sub_out, mix.man_out


_TENURE_FLOWS = ("enrolled", "suspended", "reactivated", "graduated_mandiri")
"""The engines' flows (:data:`simulation.engines.state.FLOWS`) that move covered tenure."""


class _TenureMix:
    """Subsidised and mandiri members by covered months, carried from one month's end to the next,
    for R replicates at once (arrays (R, bands); totals and flows (R, T))."""

    def __init__(self, cols: dict[str, np.ndarray], R: int, T: int, bands: int, run: np.ndarray):
        self.cols, self.bands = cols, bands
        self.run = run  # consecutive unfunded months up to each month
        self.sub_out, self.man_out = np.zeros((R, T, bands)), np.zeros((R, T, bands))
        self.s_end, self.m_end = np.zeros((R, bands)), np.zeros((R, bands))
        self.s = self.m = self.s_share = None
        self.prev_s_end_total = self.prev_reactivated = np.zeros(R)

    def entry(self, t: int) -> None:
        """A new month: everyone covered is a month older; last month's resumers start a spell.

        Past the unpaid months that keep cover, and in the first funded month after them, the
        subsidised hold one month: none is covered until funding resumes (:meth:`billing`), and
        then every spell starts anew."""
        self.s = _age(self.s_end)
        if self.run[t] > ARREARS_MONTHS or (t > 0 and self.run[t] == 0 and self.run[t - 1] > ARREARS_MONTHS):
            total = self.s.sum(axis=1)
            self.s[:] = 0.0
            self.s[:, 0] = total
        self.m = _age(self.m_end)
        self.m[:, 0] += self.prev_reactivated

    def enrolment(self, t: int) -> None:
        """Suspension takes the same share of every band; the newly enrolled have one month."""
        prev = self.prev_s_end_total
        kept = np.maximum(prev - self.cols["suspended"][:, t], 0.0)
        self.s *= np.divide(kept, prev, out=np.ones_like(prev), where=prev > 0)[:, None]
        self.s[:, 0] += self.cols["enrolled"][:, t]

    def billing(self, t: int) -> None:
        """The members covered this month, by tenure (no subsidised member past the covered unpaid months)."""
        self.sub_out[:, t] = 0.0 if self.run[t] > ARREARS_MONTHS else self.s
        self.man_out[:, t] = self.m

    def month_end(self, t: int) -> None:
        """Survivors of each state keep their mix (closure and lapses do not depend on tenure)."""
        c = self.cols
        s_total, m_total = c["subsidised"][:, t, None], c["mandiri"][:, t, None]
        self.s_share = np.divide(self.s, s_total, out=np.zeros_like(self.s), where=s_total > 0)
        m_survivors = np.maximum(c["mandiri_end"][:, t] - c["reactivated"][:, t] - c["graduated_mandiri"][:, t], 0.0)
        m_share = np.divide(self.m, m_total, out=np.zeros_like(self.m), where=m_total > 0)
        self.s_end = self.s_share * c["subsidised_end"][:, t, None]
        self.m_end = m_share * m_survivors[:, None]

    def evaluation(self, t: int) -> None:
        """Graduates who go on paying carry their covered months into mandiri."""
        self.m_end = self.m_end + self.s_share * self.cols["graduated_mandiri"][:, t, None]
        self.prev_s_end_total, self.prev_reactivated = self.cols["subsidised_end"][:, t], self.cols["reactivated"][:, t]


_TENURE_STEPS = {name: getattr(_TenureMix, name) for name in STEPS}
"""The tenure update of each of the engines' steps, by step name (a step added to the engines
without one fails here, at import)."""


def _age(x: np.ndarray) -> np.ndarray:
    """Everyone one covered month older (bands on the last axis); the last band keeps its members."""
    out = np.zeros_like(x)
    out[..., 1:] = x[..., :-1]
    out[..., -1] += x[..., -1]
    return out


BENEFIT_COLUMNS = (
    "accidents",
    "accident_deaths",
    "deaths",
    "scholarship_families",
    "scholarship_children",
    "families_reached",
    "scholarship_eligible_share",
    "paid_medical",
    "paid_income",
    "paid_jkk_death",
    "paid_jkm",
    "paid_scholarships",
    "benefits_paid",
)
"""The columns of :func:`monthly_benefits` after ``month`` and ``year``, in order."""


def benefit_arrays(scenario, monthly) -> dict[str, np.ndarray] | None:
    """Every benefits column of :data:`BENEFIT_COLUMNS` per month, for one replicate or many at once.

    Parameters
    ----------
    scenario : Scenario
    monthly : DataFrame or mapping of str to ndarray
        The monthly table's columns (``covered`` and those :func:`covered_tenure` reads), arrays of
        shape (T,) or (R, T).

    Returns
    -------
    dict of str to ndarray, same shape as the columns, or None if the scenario has no benefits
        Claims and families (expected UMKM members' families), rupiah paid.
    """
    if scenario.model.benefits is None:
        return None
    section = scenario.model.benefits
    p = {
        name: scenario.monthly_array(f"benefits.{name}")
        for name in type(section).model_fields
        if getattr(section, name) is not None
    }
    covered = np.asarray(monthly["covered"], dtype=float)
    sub, man = covered_tenure(monthly, paid=funded(scenario))
    minimum = int(scenario.first("benefits.scholarship_min_months"))
    tenure_ok = (sub + man)[..., max(minimum, 1) - 1 :].sum(axis=-1)
    share_ok = np.divide(tenure_ok, covered, out=np.zeros_like(covered), where=covered > 0)
    jkm = p["jkm_benefit"]
    if "jkm_benefit_early" in p and "jkm_full_after_months" in p:  # facts G4.3
        early = (sub + man)[..., : int(scenario.first("benefits.jkm_full_after_months"))].sum(axis=-1)
        share_early = np.divide(early, covered, out=np.zeros_like(covered), where=covered > 0)
        jkm = share_early * p["jkm_benefit_early"] + (1.0 - share_early) * p["jkm_benefit"]
    accidents = covered * monthly_probability(p["accident_rate"])
    fatal = accidents * p["accident_fatal_share"]
    deaths = covered * monthly_probability(p["death_rate"])
    scholarship_families = fatal + deaths * share_ok
    children = scholarship_families * np.minimum(p["children_per_family"], 2.0)
    out = {
        "accidents": accidents,
        "accident_deaths": fatal,
        "deaths": deaths,
        "scholarship_families": scholarship_families,
        "scholarship_children": children,
        "families_reached": accidents + deaths,
        "scholarship_eligible_share": share_ok,
        "paid_medical": accidents * p["accident_medical_cost"],
        "paid_income": (accidents - fatal) * p["accident_income_months"] * p["declared_income"],
        "paid_jkk_death": fatal * p["jkk_death_benefit"],
        "paid_jkm": deaths * jkm,
        "paid_scholarships": children * p["scholarship_per_child"],
    }
    out["benefits_paid"] = sum(out[c] for c in BENEFIT_COLUMNS if c.startswith("paid_"))
    return out


def monthly_benefits(result) -> pd.DataFrame:
    """Expected claims, families and rupiah paid each month (empty if the scenario has no benefits)."""
    m = result.monthly()
    arrays = benefit_arrays(result.scenario, m)
    if arrays is None:
        return pd.DataFrame()
    return pd.DataFrame({"month": m["month"], "year": m["year"], **arrays})


def annual_benefits(result) -> pd.DataFrame:
    """Claims, families reached and rupiah paid per fiscal year."""
    monthly = monthly_benefits(result)
    if monthly.empty:
        return monthly
    return monthly.drop(columns=["month", "scholarship_eligible_share"]).groupby("year", as_index=False).sum()
