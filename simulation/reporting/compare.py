"""What the comparison notebook calls: several scenarios side by side and against the baseline.

Every scenario runs on the cohort engine (milliseconds each) with the same overrides and passes
the guard-rails; the tables are one row per scenario (summary), year x scenario (by year) and
scenario minus baseline (differences). They are written as CSV, ``comparison.xlsx`` and PNG charts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from simulation.outputs.run import run_scenario
from simulation.reporting import charts, formats, guards
from simulation.reporting.aside import Aside
from simulation.reporting.excel import write_workbook
from simulation.reporting.labels import text
from simulation.reporting.names import scenario_names
from simulation.reporting.parameters import resolve, validate
from simulation.reporting.reading import Base, against_base
from simulation.reporting.tables import Table, numbers_marked, styled, with_unit
from simulation.scenario import load_scenario

MEASURES = {
    "subsidy_cost": "rupiah",
    "covered_end": "count",
    "coverage_end": "share",
    "graduated": "count",
}
"""Annual columns compared year by year, and how each is shown."""


def kabupaten_total(annual: pd.DataFrame) -> float:
    """What the regency budget (APBD Kabupaten) pays over the horizon, rupiah (0 if it pays nothing)."""
    return float(annual["cost_apbd_kabupaten"].sum()) if "cost_apbd_kabupaten" in annual else 0.0


def scenario_files(scenarios: str) -> list[Path]:
    """Scenario files from a comma-separated list, or every ``*.yaml`` in a folder (sorted)."""
    paths = []
    for item in (s.strip() for s in scenarios.split(",")):
        if not item:
            continue
        p = resolve(item)
        paths += sorted(p.glob("*.yaml")) if p.is_dir() else [p]
    if not paths:
        raise ValueError(f"no scenario files in {scenarios!r}")
    return paths


@dataclass
class Comparison:
    """Scenarios run side by side; ``annuals`` maps scenario name to its annual table (baseline first)."""

    baseline: str
    annuals: dict[str, pd.DataFrame]
    indicators: dict[str, dict]
    descriptions: dict[str, str]
    language: str
    output_dir: Path
    charts: dict[str, Path] = field(default_factory=dict)

    def text(self, key: str, **values) -> str:
        return text(key, self.language, **values)

    def heading(self, key: str, level: int = 2):
        # deferred: IPython is there only inside a notebook kernel
        from IPython.display import Markdown

        return Markdown(f"{'#' * level} {self.text(key)}")

    def title(self):
        # deferred: IPython is there only inside a notebook kernel
        from IPython.display import Markdown

        return Markdown(f"# {self.text('compare_title')}\n\n{self.text('compare_intro', baseline=self.baseline)}")

    def summary_table(self) -> Table:
        """One row per scenario: first-year and total public cost, difference, coverage, graduates."""
        base = self.indicators[self.baseline]
        rows = []
        for name, ind in self.indicators.items():
            rows.append(
                {
                    self.text("scenario"): name,
                    self.text("cost_first_col"): ind["subsidy_cost_first_year"],
                    self.text("cost_total_col"): ind["subsidy_cost_total"],
                    self.text("diff_cost_total"): ind["subsidy_cost_total"] - base["subsidy_cost_total"],
                    self.text("kabupaten_total_col"): kabupaten_total(self.annuals[name]),
                    self.text("covered_last_col"): ind["covered_end_last_year"],
                    self.text("coverage_last_col"): ind["coverage_end_last_year"],
                    self.text("graduates_col"): ind["graduates_total"],
                    self.text("dropped_col"): ind["dropped_out_total"],
                    self.text("cost_per_year_col"): ind["cost_per_covered_member_year"],
                }
            )
        frame = pd.DataFrame(rows)
        kinds = ["text", "rupiah", "rupiah", "rupiah", "rupiah", "count", "share", "count", "count", "rupiah"]
        return Table(frame, dict(zip(frame.columns, kinds, strict=True)))

    def by_year_table(self, difference: bool = False) -> Table:
        """Long-by-measure, wide-by-scenario: year, measure, one column per scenario (or its difference)."""
        frames = []
        base = self.annuals[self.baseline].set_index("year")
        for column in MEASURES:
            wide = pd.DataFrame({name: a.set_index("year")[column] for name, a in self.annuals.items()})
            if difference:
                wide = wide.sub(base[column], axis=0).drop(columns=[self.baseline])
            wide.insert(0, self.text("measure"), self.text(column))
            frames.append(wide.reset_index().rename(columns={"year": self.text("year")}))
        frame = pd.concat(frames, ignore_index=True)
        return Table(frame, {self.text("year"): "year", self.text("measure"): "text"})

    def styled_by_year(self, difference: bool = False):
        """The by-year table with each row formatted by its measure: rupiah in billions (the measure
        names the unit), counts whole, shares in percent; a difference of shares in percentage points."""
        table = self.by_year_table(difference)
        measure_kind = {self.text(c): kind for c, kind in MEASURES.items()}
        billion = self.text("unit_billion")
        show = {
            "rupiah": lambda v: formats.number(v / 1e9, self.language, digits=2),
            "count": lambda v: formats.count(v, self.language),
            "share": (
                (lambda v: formats.points(v, self.language))
                if difference
                else lambda v: formats.percent(v, self.language)
            ),
        }
        frame = table.frame.copy()
        measure = self.text("measure")
        scenario_cols = [c for c in frame.columns if c not in table.kinds]
        for col in scenario_cols:
            frame[col] = [show[measure_kind[m]](v) for m, v in zip(frame[measure], frame[col], strict=True)]
        frame[measure] = [
            with_unit(m, billion, self.language) if measure_kind[m] == "rupiah" else m for m in frame[measure]
        ]
        written = Table(frame, table.kinds | dict.fromkeys(scenario_cols, "figure"))  # numbers written out
        return numbers_marked(frame.style.hide(axis="index"), written)

    def summary(self):
        return styled(self.summary_table(), self.language)

    def surprises(self) -> tuple:
        """A heading and one sentence per counter-intuitive result against the baseline
        (:func:`~simulation.reporting.reading.against_base`), each after its scenario's name; nothing
        when no scenario's result is counter-intuitive."""
        # deferred: IPython is there only inside a notebook kernel
        from IPython.display import Markdown

        base = Base(self.baseline, self.annuals[self.baseline])
        lines = [
            f"- `{name}`: {sentence}"
            for name, annual in self.annuals.items()
            if name != self.baseline
            for sentence in against_base(annual, base, self.language)
        ]
        return (self.heading("compare_surprises"), Markdown("\n".join(lines))) if lines else ()

    def chart(self, name: str) -> charts.Shown:
        """A chart as an embedded PNG, its title as the image's alternative text."""
        return charts.Shown(self.charts[name], name, self.language)


def differences(cmp: Comparison) -> pd.DataFrame:
    """Scenario minus baseline over the horizon: total public cost and APBD Kabupaten total (rupiah)."""
    base = cmp.baseline
    names = [n for n in cmp.annuals if n != base]
    public = [cmp.indicators[n]["subsidy_cost_total"] - cmp.indicators[base]["subsidy_cost_total"] for n in names]
    regency = [kabupaten_total(cmp.annuals[n]) - kabupaten_total(cmp.annuals[base]) for n in names]
    return pd.DataFrame(
        {cmp.text("cost_total_col"): public, cmp.text("kabupaten_total_col"): regency}, index=pd.Index(names)
    )


def _draw_and_save(draw, path: Path) -> None:
    charts.save(draw(), path)


def prepare_comparison(
    scenarios: str, baseline: str, overrides: dict, output_dir: str, language: str = "id"
) -> Comparison:
    """Validate the parameters, run every scenario, check it, and write the comparison's files.

    Parameters
    ----------
    scenarios : str
        Comma-separated scenario files, or a folder of them.
    baseline : str
        The scenario the others are compared against (run even if not listed).
    overrides : dict
        Dotted overrides applied to every scenario (e.g. ``{"years": 3}`` for a quick look).
    output_dir : str
        Where ``comparison_summary.csv``, ``comparison_by_year.csv``, ``comparison.xlsx`` and PNGs go.
    language : {"id", "en"}
    """

    given = dict(scenarios=scenarios, baseline=baseline, overrides=overrides, output_dir=output_dir, language=language)
    validate("compare_scenarios", given)
    base_path = resolve(baseline)
    paths = [base_path] + [p for p in scenario_files(scenarios) if p.resolve() != base_path.resolve()]
    names = scenario_names(paths)  # two files with one stem stay two columns, the baseline first
    annuals, indicators, descriptions = {}, {}, {}
    for path, name in zip(paths, names, strict=True):
        scenario = load_scenario(path, overrides=overrides)
        result = run_scenario(scenario)
        guards.check(result)
        annuals[name] = result.annual()
        indicators[name] = result.indicators()
        descriptions[name] = scenario.model.describe(language)
    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    cmp = Comparison(names[0], annuals, indicators, descriptions, language, out)
    draws = {
        "compare_cost": lambda: charts.compare_lines(
            annuals,
            "subsidy_cost",
            text("chart_compare_cost", language),
            text("axis_billion", language),
            formats.billions_axis(language),
        ),
        "compare_coverage": lambda: charts.compare_lines(
            annuals,
            "coverage_end",
            text("chart_compare_coverage", language),
            "%",
            formats.percent_axis(language),
        ),
        "compare_difference": lambda: charts.compare_difference(differences(cmp), language),
    }
    cmp.charts = {name: out / f"{name}.png" for name in draws}
    # each chart in a child of its own (simulation.reporting.aside) while the tables are written here
    drawing = [Aside(_draw_and_save, draw, cmp.charts[name]) for name, draw in draws.items()]
    summary = cmp.summary_table()
    summary.frame.to_csv(out / "comparison_summary.csv", index=False)
    cmp.by_year_table().frame.to_csv(out / "comparison_by_year.csv", index=False)
    cmp.by_year_table(difference=True).frame.to_csv(out / "comparison_difference.csv", index=False)
    write_workbook(out / "comparison.xlsx", {"annual": summary}, language)
    for chart in drawing:
        chart.wait()
    return cmp
