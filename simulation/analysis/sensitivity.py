"""Global sensitivity of annual subsidy cost and coverage to the uncertain assumptions.

Three views, each from the vectorised cohort evaluation
(:func:`simulation.analysis.evaluate.evaluate`):

- **fan**: percentiles (P5, P25, P50, P75, P95) of annual subsidy cost and of
  coverage over a Latin hypercube of the uncertainties;
- **tornado**: the output of a target year with one parameter at a time at the
  low and at the high end of its range, the others at their central value;
- **Sobol' indices**: first-order and total indices of the target year's cost
  (nominal and real) and coverage from :func:`scipy.stats.sobol_indices`
  (Saltelli 2010 estimators on a Sobol' sequence), with bootstrap intervals.

A first-order index is the share of the output's variance that a parameter
explains alone; a total index adds its interactions with the others.
"""

from __future__ import annotations

import json
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from simulation.analysis import charts
from simulation.analysis.evaluate import MEMORY_BYTES, Outcomes, evaluate
from simulation.analysis.evaluate_scheduled import evaluate_on
from simulation.analysis.sampling import latin_hypercube, one_at_a_time
from simulation.analysis.uncertainty import Uncertain, ignored_assumptions, uncertainties
from simulation.io.atomic import writes_folder
from simulation.io.provenance import manifest, seal
from simulation.outputs.schedulers import PROCESSES, shared_scheduler
from simulation.reporting.charts import save

OUTPUTS = {
    "subsidy_cost": "public subsidy cost in the year, nominal rupiah",
    "subsidy_cost_real": "public subsidy cost in the year, rupiah of the first simulated month",
    "coverage_end": "covered members at the year's end over the coverage target (share)",
}
"""Outputs whose Sobol' indices are computed for the target year."""

PERCENTILES = (5, 25, 50, 75, 95)

NEGLIGIBLE = 0.01
"""A total index below this is reported as 'no measurable effect'."""


def streams(seed, k: int) -> list:
    """``k`` independent random streams from one seed (None, int, SeedSequence or Generator)."""
    if isinstance(seed, np.random.Generator):
        return list(seed.spawn(k))
    sequence = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
    return list(sequence.spawn(k))


def fan(outcomes: Outcomes, outputs=("subsidy_cost", "coverage_end")) -> pd.DataFrame:
    """Long table: year x output x percentile (P5 ... P95) and the mean over samples."""
    rows = []
    for output in outputs:
        data = getattr(outcomes, output)
        pct = np.percentile(data, PERCENTILES, axis=0)
        for k, year in enumerate(outcomes.years):
            row = {"year": year, "output": output, "mean": float(data[:, k].mean())}
            row.update({f"p{p}": float(pct[i, k]) for i, p in enumerate(PERCENTILES)})
            rows.append(row)
    return pd.DataFrame(rows)


def tornado(scenario, uncertain: list[Uncertain], year: int, output: str = "subsidy_cost") -> pd.DataFrame:
    """One parameter at a time at each end of its range; the rest at their central value.

    Returns
    -------
    DataFrame
        One row per parameter, sorted by ``swing`` (largest first): ``low``,
        ``high`` (the range), ``at_low``, ``at_high`` (the output there), ``base``
        (the output with every parameter central) and ``swing = |at_high - at_low|``.
    """
    values, labels = one_at_a_time(uncertain)
    out = evaluate(scenario, [u.name for u in uncertain], values).column(output, year)
    base = float(out[0])
    rows = []
    for j, u in enumerate(uncertain):
        at_low, at_high = float(out[1 + 2 * j]), float(out[2 + 2 * j])
        rows.append(
            {
                "parameter": u.name,
                "low": u.low,
                "high": u.high,
                "base": base,
                "at_low": at_low,
                "at_high": at_high,
                "swing": abs(at_high - at_low),
            }
        )
    return pd.DataFrame(rows).sort_values("swing", ascending=False, ignore_index=True)


def sobol(
    scenario,
    uncertain: list[Uncertain],
    n: int,
    year: int,
    seed=None,
    memory_bytes: int = MEMORY_BYTES,
    scheduler: str = PROCESSES,
    jobs: int | None = None,
) -> tuple[pd.DataFrame, int]:
    """First-order and total Sobol' indices of the target year's outputs.

    Parameters
    ----------
    scenario : Scenario
    uncertain : list of Uncertain
    n : int
        Base sample size, a power of two; the engine runs ``n * (d + 2)`` samples.
    year : int
        Target fiscal year.
    seed : None, int, SeedSequence or Generator
    scheduler, jobs
        Where the samples run (:func:`~simulation.analysis.evaluate_scheduled.evaluate_on`).

    Returns
    -------
    table : DataFrame
        One row per (output, parameter): ``first_order``, ``total_order`` and
        their 95% bootstrap intervals (``*_low``, ``*_high``).
    evaluations : int
        Samples run through the engine.
    """
    names = [u.name for u in uncertain]
    outputs = list(OUTPUTS)
    d = len(names)
    sobol_seed, boot_seed = streams(seed, 2)
    runs = []

    def func(x: np.ndarray) -> np.ndarray:
        o = evaluate_on(scenario, names, x.T, memory_bytes=memory_bytes, scheduler=scheduler, jobs=jobs)
        runs.append(np.vstack([o.column(name, year) for name in outputs]))
        return runs[-1]

    result = stats.sobol_indices(
        func=func, n=n, dists=[u.dist for u in uncertain], rng=np.random.default_rng(sobol_seed)
    )
    first, total = np.atleast_2d(result.first_order), np.atleast_2d(result.total_order)
    # 95% percentile-bootstrap intervals over the base samples, seeded (scipy's own bootstrap is not)
    f_A, f_B, f_AB = runs[0], runs[1], np.moveaxis(runs[2].reshape((-1, n, d)), -1, 0)

    def statistic(idx):
        idx = idx.astype(int)
        r = stats.sobol_indices(func={"f_A": f_A[:, idx], "f_B": f_B[:, idx], "f_AB": f_AB[..., idx]}, n=n)
        return np.stack([np.atleast_2d(r.first_order), np.atleast_2d(r.total_order)])

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # an output a parameter does not move gives 0/0 in some resamples
        boot = stats.bootstrap(
            (np.arange(n, dtype=float),), statistic, vectorized=False, n_resamples=199, method="percentile",
            rng=np.random.default_rng(boot_seed),
        )  # fmt: skip
    bounds = {}
    for k, kind in enumerate(("first_order", "total_order")):
        point = first if kind == "first_order" else total
        for end in ("low", "high"):
            b = np.asarray(getattr(boot.confidence_interval, end))[k]
            bounds[(kind, end)] = np.where(np.isfinite(b), b, point)
    rows = []
    for i, output in enumerate(outputs):
        for j, name in enumerate(names):
            rows.append(
                {
                    "output": output,
                    "year": year,
                    "parameter": name,
                    "first_order": float(first[i, j]),
                    "total_order": float(total[i, j]),
                    **{f"{kind}_{end}": float(b[i, j]) for (kind, end), b in bounds.items()},
                }
            )
    return pd.DataFrame(rows), int(sum(r.shape[1] for r in runs))


@dataclass
class SensitivityReport:
    """Everything a sensitivity run produced.

    Attributes
    ----------
    scenario : Scenario
    uncertain : list of Uncertain
    year : int
        Target fiscal year of the tornado and the Sobol' indices.
    fan : DataFrame
        See :func:`fan`.
    tornado : DataFrame
        See :func:`tornado` (2030 nominal subsidy cost).
    tornado_coverage : DataFrame
        The same for coverage.
    sobol : DataFrame
        See :func:`sobol`.
    samples : int
        Latin-hypercube samples behind the fan.
    evaluations : int
        Samples the engine ran for the Sobol' indices.
    seed : int or None
    ignored : list of str
        Assumptions with a range the sampled evaluation does not vary (revenue drift and volatility).
    """

    scenario: object
    uncertain: list[Uncertain]
    year: int
    fan: pd.DataFrame
    tornado: pd.DataFrame
    tornado_coverage: pd.DataFrame
    sobol: pd.DataFrame
    samples: int
    evaluations: int
    seed: int | None = None
    ignored: list[str] = field(default_factory=list)

    def ranking(self, output: str = "subsidy_cost") -> pd.DataFrame:
        """Parameters by total Sobol' index of ``output`` in the target year, largest first."""
        table = self.sobol[self.sobol["output"] == output]
        return table.sort_values("total_order", ascending=False, ignore_index=True)

    def top(self, output: str = "subsidy_cost", k: int = 3) -> list[str]:
        """The ``k`` parameters that move ``output`` most (by total Sobol' index)."""
        return list(self.ranking(output)["parameter"][:k])

    def summary(self) -> str:
        """A few sentences a budget planner can read: what moves the target year's cost and coverage."""
        lines = []
        for output, what in (
            ("subsidy_cost", "subsidy cost (nominal)"),
            ("subsidy_cost_real", "subsidy cost (real)"),
            ("coverage_end", "coverage"),
        ):
            rank = self.ranking(output)
            moving = rank[rank["total_order"] >= NEGLIGIBLE].head(3)
            named = "; ".join(f"{row.parameter} (total index {row.total_order:.2f})" for row in moving.itertuples())
            still = rank[rank["total_order"] < NEGLIGIBLE]["parameter"].tolist()
            if len(moving) == 3:
                line = f"The three assumptions that move the {self.year} {what} most: {named}."
            else:
                verb = "moves" if len(moving) == 1 else "move"
                line = f"Only {len(moving)} of the varied assumptions {verb} the {self.year} {what}: {named}."
            if still:
                line += f" No measurable effect (total index < {NEGLIGIBLE}): {', '.join(still)}."
            lines.append(line)
        f = self.fan[(self.fan["year"] == self.year) & (self.fan["output"] == "subsidy_cost")].iloc[0]
        lines.append(
            f"{self.year} subsidy cost, P5-P95 over {self.samples} Latin-hypercube samples: "
            f"Rp{f['p5'] / 1e9:,.2f} to Rp{f['p95'] / 1e9:,.2f} billion (median Rp{f['p50'] / 1e9:,.2f} billion)."
        )
        if self.ignored:
            lines.append(
                f"Not varied: {', '.join(self.ignored)} (the rule rate does not read them; under a revenue rule "
                "they shape the revenue bands, which the sampled evaluation keeps at the scenario's values)."
            )
        return "\n".join(lines)

    @writes_folder("out_dir")  # atomic: a killed run leaves the previous folder whole
    def write(self, out_dir: str | Path) -> list[Path]:
        """Write the tables (CSV), the charts (PNG), ``summary.txt`` and ``manifest.json``."""
        # deferred: matplotlib is slow to import and only charts need it
        import matplotlib.pyplot as plt

        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        written = []
        for name, frame in (
            ("fan.csv", self.fan),
            ("tornado_cost.csv", self.tornado),
            ("tornado_coverage.csv", self.tornado_coverage),
            ("sobol.csv", self.sobol),
            ("uncertainties.csv", uncertainty_table(self.uncertain)),
        ):
            frame.to_csv(out / name, index=False)
            written.append(out / name)
        for name, fig in (
            ("fan.png", charts.fan_chart(self.fan)),
            ("tornado_cost.png", charts.tornado_chart(self.tornado, f"{self.year} subsidy cost (Rp billion)", 1e-9)),
            (
                "tornado_coverage.png",
                charts.tornado_chart(self.tornado_coverage, f"{self.year} coverage of target (%)", 100),
            ),
            ("sobol.png", charts.sobol_chart(self.sobol)),
        ):
            save(fig, out / name, dpi=120)  # greyscale, as the briefs' charts
            plt.close(fig)
            written.append(out / name)
        (out / "summary.txt").write_text(self.summary() + "\n", encoding="utf-8")
        written.append(out / "summary.txt")
        record = manifest(
            self.scenario,
            engine="cohort",
            seed=self.seed,
            files=[p.name for p in written],
            analysis={
                "kind": "sensitivity",
                "year": self.year,
                "samples": self.samples,
                "sobol_evaluations": self.evaluations,
                "varied": [u.name for u in self.uncertain],
                "top_cost": self.top("subsidy_cost"),
                "top_coverage": self.top("coverage_end"),
            },
        )
        (out / "manifest.json").write_text(json.dumps(record, indent=2, ensure_ascii=False), encoding="utf-8")
        written.append(out / "manifest.json")
        seal(out)
        return written


def uncertainty_table(uncertain: list[Uncertain]) -> pd.DataFrame:
    """Parameter, central value, range, distribution and unit of every varied parameter."""
    return pd.DataFrame(
        [
            {
                "parameter": u.name,
                "value": u.value,
                "low": u.low,
                "high": u.high,
                "distribution": u.shape,
                "unit": u.unit,
            }
            for u in uncertain
        ]
    )


def power_of_two(n: int) -> int:
    """The smallest power of two at least ``n`` (Sobol' sequences need one)."""
    return 1 << max(0, int(n - 1).bit_length())


def analyse(
    scenario,
    samples: int = 1024,
    seed: int | None = None,
    year: int = 2030,
    extra=(),
    only=None,
    memory_bytes: int = MEMORY_BYTES,
    scheduler: str = PROCESSES,
    jobs: int | None = None,
) -> SensitivityReport:
    """Fan, tornado and Sobol' indices for a scenario.

    Parameters
    ----------
    scenario : Scenario
    samples : int
        Latin-hypercube samples for the fan; the Sobol' base sample is the next
        power of two (the engine then runs ``base * (d + 2)`` samples more).
    seed : int, optional
        Master seed; the hypercube and the Sobol' sequence get independent
        streams from ``SeedSequence(seed).spawn(2)``.
    year : int
        Target fiscal year of the tornado and the indices.
    extra, only
        Passed to :func:`~simulation.analysis.uncertainty.uncertainties`.
    scheduler : str
        Where the samples run: ``processes`` (``jobs`` worker processes; default this process),
        ``local`` (one Dask LocalCluster of ``jobs`` workers for the whole study) or
        ``tcp://HOST:PORT`` (:mod:`simulation.outputs.schedulers`). The numbers are the same on
        every scheduler.
    jobs : int, optional
        Worker processes.
    """
    uncertain = uncertainties(scenario, extra=extra, only=only)
    if year not in scenario.horizon.fiscal_years:
        raise ValueError(f"year {year} is outside the scenario's horizon {scenario.horizon.fiscal_years}")
    lhs_seed, sobol_seed = streams(seed, 2)
    names = [u.name for u in uncertain]
    with shared_scheduler(scheduler, jobs) as where:
        sample = latin_hypercube(uncertain, samples, lhs_seed)
        outcomes = evaluate_on(scenario, names, sample, memory_bytes=memory_bytes, scheduler=where, jobs=jobs)
        table, evaluations = sobol(
            scenario, uncertain, power_of_two(samples), year, sobol_seed, memory_bytes, scheduler=where, jobs=jobs
        )
    return SensitivityReport(
        scenario=scenario,
        uncertain=uncertain,
        year=year,
        fan=fan(outcomes),
        tornado=tornado(scenario, uncertain, year, "subsidy_cost"),
        tornado_coverage=tornado(scenario, uncertain, year, "coverage_end"),
        sobol=table,
        samples=samples,
        evaluations=evaluations,
        seed=seed,
        ignored=ignored_assumptions(scenario),
    )
