"""What the report notebook calls: validate its parameters, run, write tables and charts.

The notebook stays thin: it holds a ``parameters`` cell and calls :func:`prepare`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import matplotlib.pyplot as plt

from simulation.errors import ScenarioError
from simulation.reporting import charts
from simulation.reporting.tables import parameter_table

REPO_ROOT = Path(__file__).resolve().parents[2]

REPORT_PARAMETERS = {
    "scenario": (str, "path of a scenario YAML file"),
    "overrides": (dict, "dotted keys to values, e.g. {'assumptions.closure_rate': 0.08}"),
    "output_dir": (str, "folder for the tables and charts"),
}
"""The report notebook's parameters: name to (type, what is allowed)."""


@dataclass
class ReportContext:
    """A run prepared for the report notebook."""

    scenario: object
    result: object
    output_dir: Path
    charts: dict[str, Path] = field(default_factory=dict)


def check_parameters(spec: dict, **given) -> dict:
    """Check notebook parameters against ``spec`` (name to (type, allowed)).

    Raises
    ------
    ScenarioError
        Naming the parameter, its value and what is allowed.
    """
    problems = []
    for name, value in given.items():
        if name not in spec:
            problems.append(("notebook parameters", name, value, f"unknown parameter; allowed: {', '.join(spec)}"))
            continue
        kind, allowed = spec[name]
        if not isinstance(value, kind):
            problems.append(("notebook parameters", name, value, f"must be {kind.__name__}: {allowed}"))
    if problems:
        raise ScenarioError(problems)
    return given


def resolve(path: str) -> Path:
    """A scenario path as given, else relative to the repository root."""
    p = Path(path)
    if p.exists() or p.is_absolute():
        return p
    return REPO_ROOT / p if (REPO_ROOT / p).exists() else p


def prepare(scenario: str, overrides: dict, output_dir: str) -> ReportContext:
    """Validate the parameters, run the scenario and write its tables and charts.

    Parameters
    ----------
    scenario : str
        Scenario file.
    overrides : dict
        Dotted overrides.
    output_dir : str
        Where tables (CSV), charts (PNG) and ``manifest.json`` go.
    """
    from simulation import load_scenario
    from simulation.runner import run_scenario

    check_parameters(REPORT_PARAMETERS, scenario=scenario, overrides=overrides, output_dir=output_dir)
    loaded = load_scenario(resolve(scenario), overrides=overrides)
    result = run_scenario(loaded)
    out = Path(output_dir)
    result.write(out)
    parameter_table(loaded).to_csv(out / "assumptions.csv", index=False)
    ctx = ReportContext(scenario=loaded, result=result, output_dir=out)
    for name, make in (("members_by_state", charts.members_by_state), ("cost_by_payer", charts.annual_cost_by_payer)):
        fig = make(result)
        path = out / f"{name}.png"
        fig.savefig(path, dpi=120)
        plt.close(fig)
        ctx.charts[name] = path
    return ctx


def headline_table(ctx: ReportContext):
    """The year-by-year figures a budget planner reads first."""
    a = ctx.result.annual()
    cols = {
        "year": "Year",
        "covered_end": "UMKM protected (Dec)",
        "coverage_end": "Coverage of target",
        "subsidised_end": "Subsidised (Dec)",
        "mandiri_end": "Self-paying (Dec)",
        "graduated": "Graduated",
        "dropped_out": "Dropped out",
        "subsidy_cost": "Subsidy cost (Rp)",
    }
    table = a[list(cols)].rename(columns=cols)
    return table.style.format(
        {
            "UMKM protected (Dec)": "{:,.0f}",
            "Subsidised (Dec)": "{:,.0f}",
            "Self-paying (Dec)": "{:,.0f}",
            "Graduated": "{:,.0f}",
            "Dropped out": "{:,.0f}",
            "Subsidy cost (Rp)": "{:,.0f}",
            "Coverage of target": "{:.1%}",
        }
    ).hide(axis="index")
