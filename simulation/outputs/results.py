"""Results as tidy tables, one per grain, behind a small object.

Grains: month x segment x state (:meth:`Result.monthly_segments`), month
(:meth:`Result.monthly`), month x payer x component (:meth:`Result.ledger`),
fiscal year (:meth:`Result.annual`), year x payer (:meth:`Result.payers_annual`)
and year x kecamatan (:meth:`Result.by_kecamatan`).
"""

from __future__ import annotations

from functools import cached_property

import numpy as np
import pandas as pd

from simulation.core.states import STATE_NAMES, State
from simulation.engines.cohort import FLOWS, CohortOutput
from simulation.outputs import budget
from simulation.outputs.benefits import annual_benefits
from simulation.outputs.fiscal import annual_fiscal, fiscal_summary

STOCKS = ("eligible", "subsidised", "mandiri", "lapsed", "closed")


class Result:
    """The outcome of one scenario run (one sample of the engine's output).

    Parameters
    ----------
    scenario : Scenario
    output : CohortOutput
        Arrays with a sample axis; ``sample`` picks the one shown.
    engine : str
    seed : int, optional
    """

    def __init__(
        self, scenario, output: CohortOutput, engine: str = "cohort", seed: int | None = None, sample: int = 0
    ):
        self.scenario = scenario
        self.engine = engine
        self.seed = seed
        self._billed = output.billed[:, sample]  # (T, G, 5)
        self._end = output.end[:, sample]
        self._flows = {k: v[:, sample] for k, v in output.flows.items()}  # (T, G)
        T, _, G = output.billed.shape[:3]
        self._waiting = output.waiting[:, sample] if output.waiting is not None else np.zeros((T, G))
        # sub-stocks (T, G): arrears (lapsed but still covered, F1.7), engine-specific extras
        self._stocks = {k: v[:, sample] for k, v in getattr(output, "stocks", {}).items()}

    # ------------------------------------------------------------------ months
    @cached_property
    def _months(self) -> pd.DataFrame:
        h = self.scenario.horizon
        return pd.DataFrame({"month": h.labels, "year": h.year})

    @cached_property
    def _ledger_segments(self) -> dict[tuple[str, str], np.ndarray]:
        """Rupiah per (payer, component), shape (T, G)."""
        sub = self._billed[:, :, State.SUBSIDISED]
        man = self._billed[:, :, State.MANDIRI]
        return budget.ledger_arrays(self.scenario, sub, man)

    @cached_property
    def _ledger(self) -> dict[tuple[str, str], np.ndarray]:
        """Rupiah per (payer, component), shape (T,)."""
        return {key: amount.sum(axis=1) for key, amount in self._ledger_segments.items()}

    @cached_property
    def payers(self) -> list[str]:
        """Payers of the subsidised contribution named in this scenario."""
        return budget.payer_shares(self.scenario)[0]

    def monthly(self) -> pd.DataFrame:
        """One row per month: members by state (billed), flows, and rupiah by payer.

        Counts are expected UMKM during the month (after entry and enrolment);
        ``*_end`` columns are after the month's closures, lapses and graduation.
        ``covered`` is subsidised + mandiri + ``arrears`` (lapsed members in their
        first three unpaid months, still covered: facts F1.7).
        """
        df = self._months.copy()
        billed = self._billed.sum(axis=1)
        end = self._end.sum(axis=1)
        for i, name in enumerate(STATE_NAMES):
            df[name] = billed[:, i]
        for i, name in enumerate(STATE_NAMES):
            df[f"{name}_end"] = end[:, i]
        for name, value in self._stocks.items():
            df[name] = value.sum(axis=1)
        df["covered"] = df["subsidised"] + df["mandiri"] + df.get("arrears", 0.0)
        for name in FLOWS:
            df[name] = self._flows[name].sum(axis=1) if name in self._flows else 0.0
        df["waiting"] = self._waiting.sum(axis=1)
        index = budget.price_index(self.scenario)
        subsidy = np.zeros(len(df))
        for payer in self.payers:
            cost = sum(self._ledger[(payer, c)] for c in budget.COMPONENTS)
            df[f"cost_{payer}"] = cost
            if budget.is_public(payer):
                subsidy = subsidy + cost
        df["subsidy_cost"] = subsidy
        df["self_paid"] = sum(self._ledger[(budget.SELF, c)] for c in budget.COMPONENTS)
        df["price_index"] = index
        df["subsidy_cost_real"] = subsidy / index
        return df

    def monthly_segments(self) -> pd.DataFrame:
        """Long table: month x kecamatan x sector x state, expected members billed that month."""
        h = self.scenario.horizon
        kec, sec = self.scenario.segment_labels
        T, G, K = self._billed.shape
        return pd.DataFrame(
            {
                "month": np.repeat(h.labels, G * K),
                "year": np.repeat(h.year, G * K),
                "kecamatan": np.tile(np.repeat(kec, K), T),
                "sector": np.tile(np.repeat(sec, K), T),
                "state": np.tile(STATE_NAMES, T * G),
                "members": self._billed.reshape(-1),
            }
        )

    def ledger(self) -> pd.DataFrame:
        """Long table: month x payer x component, rupiah nominal and real."""
        index = budget.price_index(self.scenario)
        frames = []
        for (payer, comp), amount in self._ledger.items():
            frame = self._months.copy()
            frame["payer"] = payer
            frame["component"] = comp
            frame["nominal"] = amount
            frame["real"] = amount / index
            frames.append(frame)
        return pd.concat(frames, ignore_index=True)

    # ------------------------------------------------------------------ years
    def annual(self) -> pd.DataFrame:
        """One row per fiscal year.

        ``*_end`` counts are at the end of the year, after its evaluation;
        flows and rupiah are sums over the year's months; ``coverage_end`` is
        covered members over the coverage target.
        """
        m = self.monthly()
        g = m.groupby("year", sort=True)
        flows = g[list(FLOWS)].sum()
        last = g.tail(1).set_index("year")
        out = pd.DataFrame(index=flows.index)
        out["months"] = g.size()
        for name in STOCKS:
            out[f"{name}_end"] = last[f"{name}_end"]
        for name in self._stocks:
            if name.endswith("_end"):
                out[name] = last[name]
        out["covered_end"] = out["subsidised_end"] + out["mandiri_end"] + out.get("arrears_end", 0.0)
        out["waiting_end"] = last["waiting"]
        out = out.join(flows)
        out["dropped_out"] = out["graduated_lapsed"] + out["lapses"]
        out["subsidised_member_months"] = g["subsidised"].sum()
        out["mandiri_member_months"] = g["mandiri"].sum()
        out["covered_member_months"] = g["covered"].sum()
        out["subsidy_cost"] = g["subsidy_cost"].sum()
        for payer in self.payers:
            out[f"cost_{payer}"] = g[f"cost_{payer}"].sum()
        out["self_paid"] = g["self_paid"].sum()
        out["subsidy_cost_real"] = g["subsidy_cost_real"].sum()
        if self.scenario.model.policy.budget_ceiling is not None:
            ceiling = pd.Series(self.scenario.monthly_array("policy.budget_ceiling"), index=m.index)
            out["budget_ceiling"] = ceiling.groupby(m["year"]).first()
            spent = out.get("cost_apbd_kabupaten", pd.Series(0.0, index=out.index))
            out["ceiling_used"] = spent / out["budget_ceiling"]
        target = pd.Series(self.scenario.monthly_array("policy.coverage_target"), index=m.index)
        out["coverage_target"] = target.groupby(m["year"]).last()
        out["coverage_end"] = out["covered_end"] / out["coverage_target"]
        out["cumulative_graduates"] = out["graduated"].cumsum()
        out["cumulative_subsidy_cost"] = out["subsidy_cost"].cumsum()
        covered_years = out["covered_member_months"] / 12.0
        out["cost_per_covered_member_year"] = out["subsidy_cost"] / covered_years.where(covered_years > 0)
        return out.reset_index()

    def payers_annual(self) -> pd.DataFrame:
        """Long table: year x payer, rupiah nominal and real (all components)."""
        led = self.ledger()
        return led.groupby(["year", "payer"], as_index=False)[["nominal", "real"]].sum()

    def by_kecamatan(self) -> pd.DataFrame:
        """Year x kecamatan: covered and subsidised members and unmet need (waiting because of the
        budget ceiling) at year end, and public subsidy cost (rupiah)."""
        kec, _ = self.scenario.segment_labels
        h = self.scenario.horizon
        years = pd.Index(h.year, name="year")
        end = self._end  # (T, G, 5)
        last = pd.Series(np.arange(len(years))).groupby(h.year).last().to_numpy()
        public = [amount for (payer, _), amount in self._ledger_segments.items() if budget.is_public(payer)]
        cost = sum(public) if public else np.zeros(end.shape[:2])  # (T, G) rupiah
        arrears = self._stocks["arrears_end"][last] if "arrears_end" in self._stocks else 0.0
        frame = pd.DataFrame(
            {
                "year": np.repeat(h.fiscal_years, len(kec)),
                "kecamatan": np.tile(kec, len(last)),
                "covered_end": (end[last][:, :, State.SUBSIDISED] + end[last][:, :, State.MANDIRI] + arrears).reshape(
                    -1
                ),
                "subsidised_end": end[last][:, :, State.SUBSIDISED].reshape(-1),
                "waiting_end": self._waiting[last].reshape(-1),
                "subsidy_cost": pd.DataFrame(cost).groupby(h.year).sum().to_numpy().reshape(-1),
            }
        )
        return frame.groupby(["year", "kecamatan"], as_index=False).sum()

    def benefits(self) -> pd.DataFrame:
        """Expected claims, families reached and rupiah paid per fiscal year (:mod:`simulation.outputs.benefits`)."""

        return annual_benefits(self)

    def fiscal(self) -> pd.DataFrame:
        """Fiscal indicators per fiscal year (:mod:`simulation.outputs.fiscal`)."""

        return annual_fiscal(self, self.benefits())

    def fiscal_summary(self) -> dict:
        """Whole-horizon fiscal indicators: NPV, cost per protected UMKM-year and per graduate, ..."""

        return fiscal_summary(self, self.benefits())

    def indicators(self) -> dict:
        """Headline figures over the whole horizon."""
        a = self.annual()
        first, last = a.iloc[0], a.iloc[-1]
        covered_years = a["covered_member_months"].sum() / 12.0
        return {
            "first_year": int(first["year"]),
            "last_year": int(last["year"]),
            "covered_end_first_year": float(first["covered_end"]),
            "covered_end_last_year": float(last["covered_end"]),
            "coverage_end_last_year": float(last["coverage_end"]),
            "graduates_total": float(a["graduated"].sum()),
            "dropped_out_total": float(a["dropped_out"].sum()),
            "subsidy_cost_first_year": float(first["subsidy_cost"]),
            "subsidy_cost_total": float(a["subsidy_cost"].sum()),
            "subsidy_cost_total_real": float(a["subsidy_cost_real"].sum()),
            "cost_per_covered_member_year": float(a["subsidy_cost"].sum() / covered_years) if covered_years else None,
        }

    # ------------------------------------------------------------------ files
