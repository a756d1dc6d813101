"""What the report notebook calls: validate its parameters, run, check, write tables and charts.

The notebook stays thin: a ``parameters`` cell, then :func:`prepare`, then one call per section
on the returned :class:`ReportContext` (headings come from code so they follow ``language``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from simulation.core.errors import ScenarioError
from simulation.core.languages import LANGUAGES
from simulation.io.write import write_result
from simulation.outputs.run import run_scenario
from simulation.reporting import charts, formats, guards
from simulation.reporting.charts import quantiles
from simulation.reporting.excel import write_workbook
from simulation.reporting.labels import text
from simulation.reporting.reading import reading
from simulation.reporting.tables import (
    BRIEF_COLUMNS,
    annual_table,
    assumptions_table,
    benefits_table,
    fiscal_table,
    headline,
    kecamatan_table,
    parameter_table,
    payers_table,
    provenance_table,
    styled,
    value_for_money,
)
from simulation.scenario import load_scenario

REPO_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Spec:
    """One notebook parameter: its type, what it means, and (optionally) the values allowed."""

    kind: type | tuple
    allowed: str
    choices: tuple = ()
    minimum: int | None = None


REPORT_PARAMETERS = {
    "scenario": Spec(str, "path of a scenario YAML file"),
    "overrides": Spec(dict, "dotted keys to values, e.g. {'assumptions.closure_rate': 0.08}"),
    "output_dir": Spec(str, "folder for the tables, charts and manifest.json"),
    "language": Spec(str, "report language", tuple(LANGUAGES)),
    "engine": Spec(str, "simulation engine: cohort (deterministic) or micro (replicates)", ("cohort", "micro")),
    "reps": Spec(int, "replicates of a stochastic engine (at least 1)", minimum=1),
    "seed": Spec(int, "master seed of a stochastic engine"),
}
"""The report notebook's parameters."""

COMPARE_PARAMETERS = {
    "scenarios": Spec(str, "comma-separated scenario files, or a folder of them"),
    "baseline": Spec(str, "the scenario the others are compared against"),
    "overrides": REPORT_PARAMETERS["overrides"],
    "output_dir": REPORT_PARAMETERS["output_dir"],
    "language": REPORT_PARAMETERS["language"],
}
"""The comparison notebook's parameters."""

EXPLORE_PARAMETERS = {
    "scenario": REPORT_PARAMETERS["scenario"],
    "overrides": REPORT_PARAMETERS["overrides"],
    "language": REPORT_PARAMETERS["language"],
}
"""The explore notebook's parameters."""


def check_parameters(spec: dict, **given) -> dict:
    """Check notebook parameters against ``spec`` (name to :class:`Spec` or (type, allowed)).

    Raises
    ------
    ScenarioError
        Naming each bad parameter, its value and what is allowed.
    """
    problems = []
    for name, value in given.items():
        if name not in spec:
            problems.append(("notebook parameters", name, value, f"unknown parameter; allowed: {', '.join(spec)}"))
            continue
        s = spec[name] if isinstance(spec[name], Spec) else Spec(*spec[name])
        kinds = s.kind if isinstance(s.kind, tuple) else (s.kind,)
        if not isinstance(value, kinds) or (bool in kinds) != isinstance(value, bool):
            names = " or ".join(k.__name__ for k in kinds)
            problems.append(("notebook parameters", name, value, f"must be {names}: {s.allowed}"))
        elif s.choices and value not in s.choices:
            problems.append(("notebook parameters", name, value, f"{s.allowed}; allowed: {', '.join(s.choices)}"))
        elif s.minimum is not None and value < s.minimum:
            problems.append(("notebook parameters", name, value, f"{s.allowed}; must be at least {s.minimum}"))
    if problems:
        raise ScenarioError(problems)
    return given


def resolve(path: str) -> Path:
    """A scenario path as given, else relative to the repository root."""
    p = Path(path)
    if p.exists() or p.is_absolute():
        return p
    return REPO_ROOT / p if (REPO_ROOT / p).exists() else p


@dataclass
class ReportContext:
    """A run prepared for the report notebook: the result, its tables and chart files."""

    scenario: object
    result: object
    output_dir: Path
    language: str
    reps: int = 1
    charts: dict[str, Path] = field(default_factory=dict)
    tables: dict = field(default_factory=dict)

    def text(self, key: str, **values) -> str:

        return text(key, self.language, **values)

    def heading(self, key: str, level: int = 2):
        """A section heading in the report language (as notebook output, so the HTML shows it)."""
        # deferred: IPython is there only inside a notebook kernel
        from IPython.display import Markdown

        return Markdown(f"{'#' * level} {self.text(key)}")

    def title(self):
        """Title, scenario name, description, engine and scenario hash."""
        # deferred: IPython is there only inside a notebook kernel
        from IPython.display import Markdown

        s = self.scenario
        engine = self.result.engine + (f", {self.reps} {self.text('replicates')}" if self.reps > 1 else "")
        return Markdown(
            f"# {self.text('report_title')}: {s.name}\n\n{self.text('report_intro')}\n\n"
            f"**{self.text('scenario')}** `{s.name}` (sha256 `{s.hash[:12]}`): {' '.join(s.model.description.split())}"
            f"\n\n**{self.text('engine')}**: {engine}"
        )

    def headline(self):

        return styled(headline(self.result, self.language), self.language)

    def reading(self):
        # deferred: IPython is there only inside a notebook kernel
        from IPython.display import Markdown

        return Markdown(reading(self.result, self.language, reps=self.reps))

    def years(self):

        return styled(annual_table(self.result, self.language, columns=BRIEF_COLUMNS), self.language)

    def payers(self):

        table = self.tables["payers"]
        return styled(table, self.language)

    def fiscal(self):
        """The budget section: ceiling, waiting list and share of APBD by year; value-for-money figures."""
        # deferred: IPython is there only inside a notebook kernel
        from IPython.display import Markdown

        rate = self.scenario.first("fiscal.discount_rate") if self.scenario.model.fiscal is not None else None
        note = self.text("fiscal_note", rate=formats.percent(rate, self.language) if rate is not None else "-")
        return (
            Markdown(note),
            styled(self.tables["fiscal"], self.language),
            styled(value_for_money(self.result, self.language), self.language),
        )

    def benefits(self):
        """The benefits section: claims, families reached and rupiah paid by year."""
        # deferred: IPython is there only inside a notebook kernel
        from IPython.display import Markdown

        if self.tables["benefits"].frame.empty:
            return (Markdown("-"),)
        return Markdown(self.text("benefits_note")), styled(self.tables["benefits"], self.language)

    def assumptions(self):

        return styled(self.tables["assumptions"], self.language)

    def chart(self, name: str):
        """A chart as an embedded PNG (with a note on the bands when the run has replicates)."""
        # deferred: IPython is there only inside a notebook kernel
        from IPython.display import Image

        return Image(filename=str(self.charts[name]))

    def notes(self):
        """The note on P5-P95 bands (micro engine) and where the full tables are."""
        # deferred: IPython is there only inside a notebook kernel
        from IPython.display import Markdown

        parts = [self.text("files_note")]
        if quantiles(self.result) is not None:
            parts.insert(0, self.text("bands_note", reps=self.reps))
        return Markdown("\n\n".join(parts))


def prepare(
    scenario: str,
    overrides: dict,
    output_dir: str,
    language: str = "id",
    engine: str = "cohort",
    reps: int = 1,
    seed: int = 2026,
) -> ReportContext:
    """Validate the parameters, run the scenario, check it, write tables, charts and the workbook.

    Parameters
    ----------
    scenario : str
        Scenario file.
    overrides : dict
        Dotted overrides.
    output_dir : str
        Where the CSVs, ``assumptions.csv``, the PNG charts, ``tables.xlsx`` and ``manifest.json`` go.
    language : {"id", "en"}
        Language of every title, label and table header.
    engine : {"cohort", "micro"}
        Simulation engine; ``micro`` gives replicates and P5-P95 bands.
    reps : int
        Replicates of the micro engine.
    seed : int
        Master seed of the micro engine.

    Raises
    ------
    ScenarioError
        For a bad parameter or scenario.
    PlausibilityError
        When the run fails a guard-rail (:mod:`simulation.reporting.guards`).
    """

    check_parameters(
        REPORT_PARAMETERS,
        scenario=scenario,
        overrides=overrides,
        output_dir=output_dir,
        language=language,
        engine=engine,
        reps=reps,
        seed=seed,
    )
    loaded = load_scenario(resolve(scenario), overrides=overrides)
    result = run_scenario(loaded, engine=engine, seed=seed, reps=reps)
    guards.check(result)
    out = Path(output_dir)
    write_result(result, out, language=language, reps=reps)
    parameter_table(loaded).to_csv(out / "assumptions.csv", index=False)
    ctx = ReportContext(scenario=loaded, result=result, output_dir=out, language=language, reps=reps)
    for name, draw in charts.REPORT_CHARTS.items():
        path = out / f"{name}.png"
        charts.save(draw(result, language), path)
        ctx.charts[name] = path
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    ctx.tables = {
        "annual": annual_table(result, language),
        "payers": payers_table(result, language),
        "kecamatan": kecamatan_table(result, language),
        "fiscal": fiscal_table(result, language),
        "benefits": benefits_table(result, language),
        "assumptions": assumptions_table(loaded, language),
        "provenance": provenance_table(manifest, language),
    }
    write_workbook(out / "tables.xlsx", ctx.tables, language)
    manifest["files"] += ["assumptions.csv", "tables.xlsx", *(p.name for p in ctx.charts.values())]
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
    return ctx
