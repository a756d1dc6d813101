"""The result of a run: arrays with a replicate axis, and tidy tables per grain computed from them.

One type for both engines: the cohort engine gives one replicate, the micro engine ``reps``.
Every column of the tables is a variable of :mod:`simulation.outputs.variables`, computed from
arrays of shape ``(replicate, time, place)`` (formulas once, at every grain). The tables a report
shows are the replicate mean (:meth:`Result.mean`); :meth:`Result.replicates` and
:meth:`Result.quantiles` give the spread.

Grains: month x segment x state (:meth:`Result.monthly_segments`), month (:meth:`Result.monthly`),
month x payer x component (:meth:`Result.ledger`), fiscal year (:meth:`Result.annual`), year x payer
(:meth:`Result.payers_annual`) and year x kecamatan (:meth:`Result.by_kecamatan`).
"""

from __future__ import annotations

import warnings
from functools import cached_property

import numpy as np
import pandas as pd

from simulation.core.states import STATE_NAMES, State
from simulation.engines.cohort import CohortOutput
from simulation.outputs import budget
from simulation.outputs.benefits import annual_benefits
from simulation.outputs.fiscal import annual_fiscal, fiscal_summary
from simulation.outputs.variables import (
    MONTH,
    MONTH_PAYER,
    MONTH_SEGMENT,
    YEAR,
    YEAR_KECAMATAN,
    YEAR_PAYER,
    variables_for,
)

QUANTILES = (0.05, 0.5, 0.95)
"""Quantiles over replicates written beside the mean (P5, median, P95)."""

_STATE_INDEX = {name: i for i, name in enumerate(STATE_NAMES)}


def start_of(inputs) -> np.ndarray:
    """UMKM per segment and state at the start, (G, 5), from compiled cohort inputs (first sample)."""
    if inputs.initial_states is not None:
        return np.asarray(inputs.initial_states[0], dtype=float)
    start = np.zeros((inputs.initial.shape[1], len(STATE_NAMES)))
    start[:, State.ELIGIBLE] = inputs.initial[0]
    return start


def _evaluate(var, values) -> np.ndarray:
    """A variable's formula on ``values``; a zero denominator gives inf or NaN, as pandas would."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        return var.formula(values)


class Values(dict):
    """Arrays by variable name, ``(replicate, time, place)``, read by the formulas as ``v.name``.

    Attributes
    ----------
    scenario : Scenario
    public_payers : list of str
        The run's payers whose spending is public subsidy.
    """

    def __init__(self, scenario, public_payers):
        super().__init__()
        self.scenario = scenario
        self.public_payers = public_payers

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(f"no output variable {name!r} computed before this one") from None

    def monthly(self, values) -> np.ndarray:
        """A per-month array (T,) as ``(1, T, 1)``."""
        return np.asarray(values, dtype=float)[None, :, None]

    def parameter(self, dotted: str) -> np.ndarray:
        """A numeric scenario parameter month by month, ``(1, T, 1)``."""
        return self.monthly(self.scenario.monthly_array(dotted))


class Result:
    """The outcome of one scenario run, replicates included.

    Parameters
    ----------
    scenario : Scenario
    output : CohortOutput
        The engine's arrays, the replicate on the sample axis: (T, R, G, 5) and (T, R, G).
        An ``initial`` attribute (G, 5), UMKM per segment and state at the start, is kept as
        :attr:`start` when the output has one.
    engine : str
    seed : int, optional
    """

    def __init__(self, scenario, output: CohortOutput, engine: str = "cohort", seed: int | None = None):
        self.scenario = scenario
        self.engine = engine
        self.seed = seed
        self.start = getattr(output, "initial", None)
        """UMKM per segment and state at the start, shape (G, 5); None if the engine did not say."""
        T, R, G = output.billed.shape[:3]
        # (R, T, G, 5) and (R, T, G): the replicate first (views of the engine's arrays, any dtype)
        self._billed = np.moveaxis(output.billed, 1, 0)
        self._end = np.moveaxis(output.end, 1, 0)
        self._flows = {k: np.moveaxis(v, 1, 0) for k, v in output.flows.items()}
        self._stocks = {k: np.moveaxis(v, 1, 0) for k, v in output.stocks.items()}
        self._waiting = np.moveaxis(output.waiting if output.waiting is not None else np.zeros((T, R, G)), 1, 0)

    # ------------------------------------------------------------------ replicates
    @property
    def reps(self) -> int:
        """Number of replicates (1 for the cohort engine)."""
        return self._billed.shape[0]

    def _subset(self, arrays: dict) -> Result:
        """A result of the same run with the engine arrays replaced, (T, R', G, ...)."""
        output = CohortOutput(**arrays)
        output.initial = self.start
        return Result(self.scenario, output, engine=self.engine, seed=self.seed)

    def _engine_arrays(self, pick) -> dict:
        back = lambda a: np.moveaxis(pick(a), 0, 1)  # noqa: E731 - (R', T, ...) to (T, R', ...)
        return {
            "billed": back(self._billed),
            "end": back(self._end),
            "flows": {k: back(v) for k, v in self._flows.items()},
            "stocks": {k: back(v) for k, v in self._stocks.items()},
            "waiting": back(self._waiting),
        }

    def mean(self) -> Result:
        """The replicate mean as a one-replicate result (itself when there is one replicate)."""
        if self.reps == 1:
            return self
        return self._mean

    @cached_property
    def _mean(self) -> Result:
        return self._subset(self._engine_arrays(lambda a: a.mean(axis=0, keepdims=True)))

    def replicate(self, r: int) -> Result:
        """Replicate ``r`` (0-based) as a one-replicate result."""
        if not 0 <= r < self.reps:
            raise IndexError(f"replicate {r} out of range; this result has {self.reps}")
        if self.reps == 1:
            return self
        return self._subset(self._engine_arrays(lambda a: a[r : r + 1]))

    # ------------------------------------------------------------------ variables
    @cached_property
    def payers(self) -> list[str]:
        """Payers of the subsidised contribution named in this scenario."""
        return budget.payer_shares(self.scenario)[0]

    @cached_property
    def variables(self) -> list:
        """The output variables of this run (:func:`simulation.outputs.variables.variables_for`)."""
        return [v for v in variables_for(self.scenario, self.payers) if self._produces(v)]

    def _produces(self, var) -> bool:
        if var.source == "flow":
            return var.name in self._flows
        if var.source == "stock":
            return var.name in self._stocks
        return True

    @cached_property
    def _ledger_segments(self) -> dict[tuple[str, str], np.ndarray]:
        """Rupiah per (payer, component), shape (R, T, G)."""
        sub = np.moveaxis(self._billed[..., State.SUBSIDISED], 0, 1)  # (T, R, G)
        man = np.moveaxis(self._billed[..., State.MANDIRI], 0, 1)
        ledger = budget.ledger_arrays(self.scenario, sub, man)
        return {key: np.moveaxis(amount, 1, 0) for key, amount in ledger.items()}

    def _source(self, var) -> np.ndarray | None:
        """A variable's engine or ledger values per segment, (R, T, G); None if computed by formula."""
        if var.source == "billed":
            return self._billed[..., _STATE_INDEX[var.name]]
        if var.source == "end":
            return self._end[..., _STATE_INDEX[var.name.removesuffix("_end")]]
        if var.source == "flow":
            return self._flows[var.name]
        if var.source == "stock":
            return self._stocks[var.name]
        if var.source == "waiting":
            return self._waiting
        if var.source == "ledger":
            payer = budget.SELF if var.name == "self_paid" else var.name.removeprefix("cost_")
            return sum(self._ledger_segments[(payer, c)] for c in budget.COMPONENTS)
        if var.source == "cash":
            accrued = sum(self._ledger_segments[(var.name.removeprefix("cash_"), c)] for c in budget.COMPONENTS)
            return np.moveaxis(budget.cash_plan(self.scenario, np.moveaxis(accrued, 1, 0)), 0, 1)
        return None

    @cached_property
    def _kecamatan(self) -> tuple[np.ndarray, np.ndarray]:
        """(sorted kecamatan names, index of each segment's kecamatan among them)."""
        kec, _ = self.scenario.segment_labels
        names, index = np.unique(np.asarray(kec), return_inverse=True)
        return names, index

    def _place(self, values: np.ndarray, place: str) -> np.ndarray:
        """Segments (R, T, G) summed to the regency (R, T, 1) or to kecamatan (R, T, K)."""
        if place == "regency":
            return values.sum(axis=2, keepdims=True, dtype=float)
        names, index = self._kecamatan
        return np.stack([values[:, :, index == k].sum(axis=2, dtype=float) for k in range(len(names))], axis=2)

    def _month_values(self, place: str) -> Values:
        v = Values(self.scenario, [p for p in self.payers if budget.is_public(p)])
        for var in self.variables:
            values = self._source(var)
            if values is not None:
                v[var.name] = self._place(values, place)
        for var in self.variables:
            if var.name in v or var.of is not None or (var.per_year == "derived" and MONTH not in var.grain):
                continue
            v[var.name] = _evaluate(var, v)
        return v

    @cached_property
    def _years(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(fiscal years, index of each year's first month, of its last month)."""
        year = self.scenario.horizon.year
        starts = np.flatnonzero(np.r_[True, year[1:] != year[:-1]])
        ends = np.r_[starts[1:] - 1, len(year) - 1]
        return year[starts], starts, ends

    def _to_year(self, values: np.ndarray, how: str) -> np.ndarray:
        _, starts, ends = self._years
        if how == "last":
            return values[:, ends]
        if how == "first":
            return values[:, starts]
        total = np.add.reduceat(values, starts, axis=1)
        return total if how == "sum" else total / (ends - starts + 1)[None, :, None]

    def _year_values(self, month: Values) -> Values:
        v = Values(self.scenario, month.public_payers)
        for var in self.variables:
            if var.per_year in ("sum", "last", "first", "mean"):
                v[var.name] = self._to_year(month[var.monthly_name], var.per_year)
        for var in self.variables:
            if var.per_year == "derived":
                v[var.name] = _evaluate(var, v)
        return v

    def _grain_values(self, grain: str) -> Values:
        """The variables at ``grain``, computed once (each grain only when asked for)."""
        cache = self.__dict__.setdefault("_values_cache", {})
        if grain not in cache:
            if grain == MONTH:
                cache[grain] = self._month_values("regency")
            elif grain == YEAR:
                cache[grain] = self._year_values(self._grain_values(MONTH))
            elif grain == YEAR_KECAMATAN:
                cache[grain] = self._year_values(self._month_values("kecamatan"))
            else:
                raise ValueError(f"grain {grain!r}; allowed: {MONTH}, {YEAR}, {YEAR_KECAMATAN}")
        return cache[grain]

    def arrays(self, grain: str = YEAR) -> dict[str, np.ndarray]:
        """Every variable of ``grain`` as an array ``(replicate, time, place)``.

        Parameters
        ----------
        grain : {"month", "year", "year x kecamatan"}
        """
        values = self._grain_values(grain)
        shape = max((a.shape for a in values.values()), key=lambda s: s[0] * s[2])
        return {var.name: np.broadcast_to(values[var.name], shape) for var in self.variables if grain in var.grain}

    # ------------------------------------------------------------------ tables
    def _keys(self, grain: str) -> dict[str, np.ndarray]:
        """The key columns of one replicate's table at ``grain``."""
        h = self.scenario.horizon
        years = self._years[0]
        if grain == MONTH:
            return {"month": np.asarray(h.labels), "year": np.asarray(h.year)}
        if grain == YEAR:
            return {"year": years}
        names = self._kecamatan[0]
        return {"year": np.repeat(years, len(names)), "kecamatan": np.tile(names, len(years))}

    def _frame(self, arrays: dict[str, np.ndarray], keys: dict[str, np.ndarray]) -> pd.DataFrame:
        frame = pd.DataFrame(keys)
        for name, values in arrays.items():
            frame[name] = values.reshape(-1)
        if "months" in frame:
            frame["months"] = frame["months"].astype(int)
        return frame

    def to_frame(self, grain: str = YEAR) -> pd.DataFrame:
        """The replicate mean's table at ``grain`` (:data:`simulation.outputs.variables.GRAINS`)."""
        long = {MONTH_SEGMENT: self.monthly_segments, MONTH_PAYER: self.ledger, YEAR_PAYER: self.payers_annual}
        if grain in long:
            return long[grain]()
        return self.mean()._tables(grain).copy()

    def _tables(self, grain: str) -> pd.DataFrame:
        if grain not in self.__dict__.setdefault("_table_cache", {}):
            arrays = {k: a[0] for k, a in self.arrays(grain).items()}
            self._table_cache[grain] = self._frame(arrays, self._keys(grain))
        return self._table_cache[grain]

    def replicates(self, grain: str = YEAR) -> pd.DataFrame:
        """Every replicate's table at ``grain``, stacked, with a ``replicate`` column (0-based) first."""
        keys = self._keys(grain)
        stacked = {k: np.tile(v, self.reps) for k, v in keys.items()}
        n = len(next(iter(keys.values())))
        frame = self._frame(self.arrays(grain), {"replicate": np.repeat(np.arange(self.reps), n), **stacked})
        return frame

    def quantiles(self, grain: str = YEAR, q=QUANTILES) -> pd.DataFrame:
        """Quantiles over replicates of every column at ``grain``, with a ``quantile`` column first.

        Each column's quantile is taken on its own (a P95 row is not one replicate); missing values
        are skipped. Rows run by key (year, ...) then quantile.
        """
        q = list(q)
        keys = self._keys(grain)
        n = len(next(iter(keys.values())))
        frame = pd.DataFrame({"quantile": np.tile(q, n), **{k: np.repeat(v, len(q)) for k, v in keys.items()}})
        for name, values in self.arrays(grain).items():
            flat = values.reshape(self.reps, -1)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)  # a column missing in every replicate
                frame[name] = np.nanquantile(flat, q, axis=0).T.reshape(-1)
        return frame

    def monthly(self) -> pd.DataFrame:
        """One row per month: members by state (billed), end-of-month stocks, flows, rupiah by payer.

        Counts are expected UMKM during the month (after entry and enrolment); ``*_end`` columns are
        after the month's closures, lapses and graduation. Columns: :mod:`simulation.outputs.variables`.
        """
        return self.to_frame(MONTH)

    def annual(self) -> pd.DataFrame:
        """One row per fiscal year: stocks as each variable reaches a year, flows and rupiah summed."""
        return self.to_frame(YEAR)

    def by_kecamatan(self) -> pd.DataFrame:
        """Year x kecamatan: covered and subsidised members and the waiting list at year end, public cost."""
        return self.to_frame(YEAR_KECAMATAN)

    def monthly_segments(self) -> pd.DataFrame:
        """Long table: month x kecamatan x sector x state, expected members billed that month."""
        h = self.scenario.horizon
        kec, sec = self.scenario.segment_labels
        billed = self.mean()._billed[0]
        T, G, K = billed.shape
        return pd.DataFrame(
            {
                "month": np.repeat(h.labels, G * K),
                "year": np.repeat(h.year, G * K),
                "kecamatan": np.tile(np.repeat(kec, K), T),
                "sector": np.tile(np.repeat(sec, K), T),
                "state": np.tile(STATE_NAMES, T * G),
                "members": billed.reshape(-1),
            }
        )

    def ledger(self) -> pd.DataFrame:
        """Long table: month x payer x component, rupiah nominal and real."""
        h = self.scenario.horizon
        index = budget.price_index(self.scenario)
        frames = []
        for (payer, comp), amount in self.mean()._ledger_segments.items():
            nominal = amount[0].sum(axis=1)
            frame = pd.DataFrame({"month": h.labels, "year": h.year})
            frame["payer"] = payer
            frame["component"] = comp
            frame["nominal"] = nominal
            frame["real"] = nominal / index
            frames.append(frame)
        return pd.concat(frames, ignore_index=True)

    def payers_annual(self) -> pd.DataFrame:
        """Long table: year x payer, rupiah nominal and real (all components)."""
        led = self.ledger()
        return led.groupby(["year", "payer"], as_index=False)[["nominal", "real"]].sum()

    def benefits(self) -> pd.DataFrame:
        """Expected claims, families reached and rupiah paid per fiscal year, on the mean's covered members."""
        return annual_benefits(self.mean())

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
