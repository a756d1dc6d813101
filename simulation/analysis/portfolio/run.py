"""Running a portfolio: every member on a scheduler, reduced to its tables on the worker.

A member is one task: the worker builds the region's scenario population, runs the engine (the
micro engine's replicates one after the other, in that worker) and returns only the region's
tables, year by year; the agents never leave the worker and a worker holds one region at a time.
The parent stacks the tables in region-code order, whatever order the tasks finish in, so the same
seed gives the same tables on every scheduler and any number of workers.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from simulation.analysis.portfolio.shared import OWN_BUDGET, apply_ceiling, payer_overrides, scale_overrides
from simulation.analysis.portfolio.spec import Portfolio
from simulation.core.errors import ScenarioError
from simulation.core.regions import regions, short_name
from simulation.outputs.results import Values
from simulation.outputs.run import run_scenario
from simulation.outputs.schedulers import PROCESSES, is_dask, run_tasks
from simulation.outputs.variables import VARIABLES
from simulation.rules.payers import PAYER_NAMES, PUBLIC_PAYERS, SELF
from simulation.scenario.loader import display_path, read_chain
from simulation.scenario.model import load_raw

ADDITIVE_KINDS = ("stock", "flow", "money")
"""Annual columns that add up over regions; the ``ratio`` columns are computed again on the sums."""


def member_seed(seed: int, region: str) -> int:
    """The master seed of one member: ``SeedSequence([seed, code])`` with the code's digits.

    Keyed by the region, not its position, so a member's numbers do not change when other members
    are added or removed.
    """
    state = np.random.SeedSequence([seed, int(region.replace(".", ""))]).generate_state(2, np.uint32)
    return int(state[0]) << 31 | int(state[1]) >> 1


def load_members(portfolio: Portfolio, scale: float = 1.0, overrides: dict | None = None) -> list:
    """Every member's scenario, loaded and checked, with the shared payers and ``scale`` applied.

    ``overrides`` (dotted keys, as ``--set``) apply to every member, on top of the portfolio's own.

    Raises
    ------
    ScenarioError
        Every member's problems together, each line naming the region.
    """
    if not 0 < scale <= 1:
        raise ScenarioError([(portfolio.path, "--scale", scale, "a fraction of the UMKM, above 0 and at most 1")])
    loaded, problems = [], []
    raws: dict = {}
    for member in portfolio.members:
        try:
            if member.scenario not in raws:  # each file read once: 514 members share one base
                raws[member.scenario] = read_chain(member.scenario, {})
            given = {**member.overrides, **(overrides or {}), "region": member.region}
            scenario = load_raw(raws[member.scenario], display_path(member.scenario), given)
            extra = payer_overrides(scenario, portfolio.shared_payers) | scale_overrides(scenario, scale)
            if extra:
                scenario = scenario.with_overrides(extra)
        except ScenarioError as exc:
            problems += [(f"{portfolio.path} member {member.region}: {f}", k, v, a) for f, k, v, a in exc.problems]
            continue
        loaded.append(scenario)
    if problems:
        raise ScenarioError(problems)
    return loaded


def run_member(scenario, engine: str, seed: int, reps: int) -> dict[str, pd.DataFrame]:
    """One member on a worker: its annual, payers and kecamatan tables with the region as a column.

    The micro engine's replicates run here one after the other (``jobs=1``), each reduced as it
    ends (:mod:`simulation.outputs.reduce`); the tables are their mean. Only these tables go back
    to the parent.
    """
    region = scenario.model.region
    if engine == "micro":
        result = run_scenario(scenario, engine="micro", seed=member_seed(seed, region), reps=reps, jobs=1, reduce=True)
    else:
        result = run_scenario(scenario, engine="cohort", seed=seed)
    tables = {
        "annual": result.annual(),
        "payers_annual": result.payers_annual(),
        "by_kecamatan": result.by_kecamatan(),
    }
    return {name: frame.assign(region=region)[["region", *frame.columns]] for name, frame in tables.items()}


def _indexed_member(i: int, scenario, engine: str, seed: int, reps: int) -> tuple[int, dict]:
    """Member ``i`` on a Dask worker, its scenario sent with the task (Dask pickles it whole)."""
    return i, run_member(scenario, engine, seed, reps)


_MEMBERS: list = []
"""A process pool worker's members, inherited from the parent when it starts (a scenario's
parameter types do not pickle, so a task names its member by position)."""


def _keep_members(scenarios: list) -> None:
    _MEMBERS[:] = scenarios


def _member_at(i: int, engine: str, seed: int, reps: int) -> tuple[int, dict]:
    """Member ``i`` in a process pool worker (or this process)."""
    return i, run_member(_MEMBERS[i], engine, seed, reps)


@dataclass
class PortfolioResult:
    """The tables of a portfolio run.

    Attributes
    ----------
    name : str
    description : dict
        The portfolio's description in each report language (``{"id": ..., "en": ...}``).
    engine : str
    seed : int
    reps : int
    scale : float
    scenarios : list of Scenario
        The members as run (shared payers and scale applied), in region-code order.
    regions_annual : DataFrame
        Region x year: every annual column of each member (the shared payers' ceilings applied).
    regions_payers : DataFrame
        Region x year x payer: ``nominal`` and ``real`` rupiah.
    regions_kecamatan : DataFrame
        Region x year x kecamatan (``by_kecamatan`` of every member).
    """

    name: str
    description: dict[str, str]
    engine: str
    seed: int
    reps: int
    scale: float
    scenarios: list
    regions_annual: pd.DataFrame
    regions_payers: pd.DataFrame
    regions_kecamatan: pd.DataFrame

    @cached_property
    def region_names(self) -> dict[str, str]:
        """Region code to its name in running text (``Lombok Timur``)."""
        return {s.model.region: short_name(regions().regency(s.model.region).name) for s in self.scenarios}

    def annual(self) -> pd.DataFrame:
        """Year by year over all regions: stocks, flows and money summed, ratios computed on the sums."""
        frame = self.regions_annual
        variables = {v.name: v for v in VARIABLES}
        payer_cols = [c for c in frame.columns if c.startswith("cost_") and c.removeprefix("cost_") in PAYER_NAMES]
        summed = [c for c in frame.columns if c in payer_cols or _kind(variables.get(c)) in ADDITIVE_KINDS]
        out = frame.groupby("year", sort=True)[summed].sum()
        values = Values(None, [c.removeprefix("cost_") for c in payer_cols if c.removeprefix("cost_") in PUBLIC_PAYERS])
        values.update({c: out[c].to_numpy(float) for c in out.columns})
        for name in frame.columns:
            var = variables.get(name)
            if var is not None and var.kind == "ratio" and var.formula is not None:
                try:
                    with np.errstate(divide="ignore", invalid="ignore"):
                        out[name] = var.formula(values)
                except AttributeError:
                    continue
        out["months"] = frame.groupby("year")["months"].first()
        columns = [c for c in frame.columns if c in out.columns]
        return out.reset_index()[["year", *columns]]

    def payers_annual(self) -> pd.DataFrame:
        """Year x payer over all regions: nominal and real rupiah, payers in the registry's order."""
        summed = self.regions_payers.groupby(["year", "payer"], sort=False)[["nominal", "real"]].sum().reset_index()
        order = {p: i for i, p in enumerate((*PAYER_NAMES, SELF))}
        summed["_order"] = summed["payer"].map(order)
        return summed.sort_values(["year", "_order"], kind="stable", ignore_index=True).drop(columns="_order")

    def regions_summary(self) -> pd.DataFrame:
        """One row per region: name, UMKM at the start, protected at the end of the first and last
        year, public cost in the first year and over the horizon, and each payer's total."""
        a = self.regions_annual
        first, last = a["year"].min(), a["year"].max()
        rows = []
        for s in self.scenarios:
            code = s.model.region
            mine = a[a["region"] == code].set_index("year")
            row = {
                "region": code,
                "name": self.region_names[code],
                "umkm_start": float(s.first("population.initial_umkm")),
                "covered_first": mine.loc[first, "covered_end"],
                "covered_last": mine.loc[last, "covered_end"],
                "subsidy_cost_first": mine.loc[first, "subsidy_cost"],
                "subsidy_cost_total": mine["subsidy_cost"].sum(),
            }
            for c in (c for c in a.columns if c.startswith("cost_") and c.removeprefix("cost_") in PAYER_NAMES):
                row[c] = mine[c].sum()
            rows.append(row)
        return pd.DataFrame(rows)


def _kind(var) -> str | None:
    return None if var is None else var.kind


def run_portfolio(
    portfolio: Portfolio,
    engine: str = "cohort",
    seed: int = 2026,
    reps: int = 1,
    scale: float = 1.0,
    scheduler: str = PROCESSES,
    jobs: int | None = None,
    overrides: dict | None = None,
) -> PortfolioResult:
    """Run every member of ``portfolio`` and put their tables together.

    Parameters
    ----------
    portfolio : Portfolio
    engine : {"cohort", "micro"}
    seed : int
        Master seed; member ``i`` of region ``c`` uses :func:`member_seed` ``(seed, c)``.
    reps : int
        Micro engine replicates per member.
    scale : float
        Fraction of every member's UMKM (and budget ceilings) to run, ``0 < scale <= 1``.
    scheduler, jobs
        Where members run (:mod:`simulation.outputs.schedulers`) and on how many workers.
    overrides : dict, optional
        Dotted overrides for every member (``{"years": 3}``).
    """
    scenarios = load_members(portfolio, scale, overrides)
    parts: list[dict | None] = [None] * len(scenarios)
    if is_dask(scheduler):
        tasks = [(i, s, engine, seed, reps) for i, s in enumerate(scenarios)]
        done = run_tasks(_indexed_member, tasks, scheduler, jobs)
    else:
        tasks = [(i, engine, seed, reps) for i in range(len(scenarios))]
        done = run_tasks(_member_at, tasks, scheduler, jobs, initializer=_keep_members, initargs=(scenarios,))
    for i, tables in done:
        parts[i] = tables
    annual = pd.concat([p["annual"] for p in parts], ignore_index=True)
    cost_cols = [c for c in annual.columns if c.startswith("cost_")]
    annual[cost_cols] = annual[cost_cols].fillna(0.0)
    payers = _with_own_budget(pd.concat([p["payers_annual"] for p in parts], ignore_index=True))
    if f"cost_{OWN_BUDGET}" not in annual.columns:
        annual[f"cost_{OWN_BUDGET}"] = 0.0
    payers, annual = apply_ceiling(payers, annual, portfolio.shared_payers)
    kecamatan = pd.concat([p["by_kecamatan"] for p in parts], ignore_index=True)
    return PortfolioResult(
        portfolio.name, portfolio.description, engine, seed, reps, scale, scenarios, annual, payers, kecamatan
    )


def _with_own_budget(payers: pd.DataFrame) -> pd.DataFrame:
    """Every region and year with an ``apbd_kabupaten`` row (zero where the region pays nothing)."""
    keys = payers[["region", "year"]].drop_duplicates()
    have = payers.loc[payers["payer"] == OWN_BUDGET, ["region", "year"]]
    missing = keys.merge(have, how="left", indicator=True)
    missing = missing[missing["_merge"] == "left_only"].drop(columns="_merge")
    if missing.empty:
        return payers
    rows = missing.assign(payer=OWN_BUDGET, nominal=0.0, real=0.0)
    return pd.concat([payers, rows], ignore_index=True).sort_values(
        ["region", "year"], kind="stable", ignore_index=True
    )


__all__ = ["PortfolioResult", "load_members", "member_seed", "run_member", "run_portfolio"]
