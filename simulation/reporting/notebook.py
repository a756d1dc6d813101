"""What the report notebook calls: validate its parameters, run, check, write tables and charts.

The notebook stays thin: a ``parameters`` cell, then :func:`prepare`, then one call per section
on the returned :class:`ReportContext` (headings come from code so they follow ``language``).
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from pathlib import Path

from simulation.io.write import write_result
from simulation.outputs.fiscal import apbd_is_illustrative
from simulation.outputs.run import run_scenario
from simulation.reporting import charts, formats, guards, parameter_labels
from simulation.reporting.apbd_note import apbd_illustrative_note
from simulation.reporting.aside import Aside
from simulation.reporting.charts import MIN_BAND_REPS, quantiles
from simulation.reporting.excel import write_workbook
from simulation.reporting.labels import text
from simulation.reporting.parameters import resolve, validate
from simulation.reporting.pdf import ASSUMPTIONS_CLASS, KEEP_CLASS
from simulation.reporting.reading import Base, reading
from simulation.reporting.tables import (
    BRIEF_COLUMNS,
    annual_table,
    apbd_table,
    assumptions_table,
    benefits_table,
    cash_first_year,
    cash_table,
    fiscal_table,
    headline,
    kecamatan_table,
    parameter_table,
    payers_table,
    provenance_table,
    styled,
    total_row,
    value_for_money,
    whole_states,
)
from simulation.scenario import load_scenario
from simulation.scenario.loader import base_of


@dataclass
class ReportContext:
    """A run prepared for the report notebook: the result, its tables and chart files."""

    scenario: object
    result: object
    output_dir: Path
    language: str
    reps: int = 1
    base: Base | None = None
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
        engine = self.text(f"engine_{self.result.engine}")
        if self.reps > 1:
            engine += f", {formats.count(self.reps, self.language)} {self.text('replicates')}"
        return Markdown(
            f"# {self.text('report_title')}: {s.name}\n\n{self.text('report_intro')}\n\n"
            f"**{self.text('scenario')}** `{s.name}` (sha256 `{s.hash[:12]}`): {s.model.describe(self.language)}"
            f"\n\n**{self.text('region')}**: {s.region_title}"
            f"\n\n**{self.text('engine')}**: {engine}"
        )

    def headline(self):

        return styled(headline(self.result, self.language), self.language)

    def reading(self):
        # deferred: IPython is there only inside a notebook kernel
        from IPython.display import Markdown

        return Markdown(reading(self.result, self.language, reps=self.reps, base=self.base))

    def years(self):

        return styled(whole_states(annual_table(self.result, self.language, columns=BRIEF_COLUMNS)), self.language)

    def payers(self):

        table = self.tables["payers"]
        return styled(table, self.language)

    def fiscal(self):
        """The budget section: ceiling, waiting list and share of APBD by year; value-for-money figures."""
        # deferred: IPython is there only inside a notebook kernel
        from IPython.display import Markdown

        rate = self.scenario.first("fiscal.discount_rate") if self.scenario.model.fiscal is not None else None
        note = self.text("fiscal_note", rate=formats.percent(rate, self.language) if rate is not None else "-")
        if rate is not None and apbd_is_illustrative(self.scenario):
            note += "\n\n" + apbd_illustrative_note(self.scenario, self.language)
        return (
            Markdown(note),
            styled(self.tables["fiscal"], self.language),
            Markdown(f"### {self.text('section_apbd')}\n\n{self.text('apbd_note')}"),
            styled(self.tables["apbd"], self.language),
            styled(value_for_money(self.result, self.language), self.language),
        )

    def cash_plan(self):
        """The first fiscal year's cash plan (anggaran kas) by payer, with a sentence on how it differs
        from the accrued cost under the scenario's payment schedule (the schedule of its first month).

        Returns
        -------
        tuple
            One HTML output holding the heading, the sentence and the table (class
            :data:`~simulation.reporting.pdf.KEEP_CLASS`, so the PDF keeps them on one page), or
            nothing when no payer pays in the first year.
        """
        # deferred: IPython is there only inside a notebook kernel
        from IPython.display import HTML

        table = self.tables["cash_first_year"]
        if table.frame.empty:
            return ()
        year = int(self.result.annual()["year"].iloc[0])
        accrual = formats.rupiah(float(table.frame[self.text("cash_total")].iloc[-1]), self.language)
        policy = self.scenario.model.policy
        schedule = self.scenario.monthly("policy.payment_schedule")[0] if policy.payment_schedule else None
        if schedule is None or schedule.every == "monthly":
            note = self.text("cash_note_monthly", accrual=accrual)
        else:
            note = self.text(
                "cash_note_periodic",
                every=parameter_labels.name(schedule.every, self.language),
                timing=parameter_labels.name(schedule.timing, self.language),
                accrual=accrual,
            )
        title = html.escape(self.text("section_cash", year=year))
        body = total_row(styled(table, self.language, one_unit=True)).to_html()
        return (HTML(f'<div class="{KEEP_CLASS}"><h3>{title}</h3><p>{html.escape(note)}</p>{body}</div>'),)

    def benefits(self):
        """The benefits section: claims, families reached and rupiah paid by year."""
        # deferred: IPython is there only inside a notebook kernel
        from IPython.display import Markdown

        if self.tables["benefits"].frame.empty:
            return (Markdown("-"),)
        return Markdown(self.text("benefits_note")), styled(self.tables["benefits"], self.language)

    def assumptions(self):
        """Every assumption (class :data:`~simulation.reporting.pdf.ASSUMPTIONS_CLASS`: its print widths)."""
        return styled(self.tables["assumptions"], self.language).set_table_attributes(f'class="{ASSUMPTIONS_CLASS}"')

    def chart(self, name: str) -> charts.Shown:
        """A chart as an embedded PNG, its title as the image's alternative text."""
        return charts.Shown(self.charts[name], name, self.language)

    def notes(self):
        """The note on P5-P95 bands (micro engine) and where the full tables are."""
        # deferred: IPython is there only inside a notebook kernel
        from IPython.display import Markdown

        parts = [self.text("files_note")]
        if quantiles(self.result) is not None:
            parts.insert(0, self.text("bands_note", reps=self.reps))
        elif self.result.engine == "micro":
            parts.insert(0, self.text("no_bands_note", reps=self.reps, least=MIN_BAND_REPS))
        return Markdown("\n\n".join(parts))


def base_run(path: Path, scenario, params, run_options: dict) -> Base | None:
    """The scenario ``path`` extends, run as the brief's own run is (same overrides, engine, seed and
    replicates), for the reading to say a counter-intuitive result against it; None when the file
    extends none or its base is of another region (a different population is no yardstick)."""
    file = base_of(path)
    if file is None:
        return None
    loaded = load_scenario(file, overrides=params.overrides)
    if loaded.model.region != scenario.model.region:
        return None
    result = run_scenario(loaded, engine=params.engine, seed=params.seed, **run_options)
    return Base(name=loaded.name, annual=result.annual(), path=str(loaded.path), sha256=loaded.hash)


def prepare(scenario: str, overrides: dict, output_dir: str, **options) -> ReportContext:
    """Validate the parameters, run the scenario, check it, write tables, charts and the workbook.

    The parameters and their defaults are those of ``notebooks/scenario_report.py`` (its
    ``parameters`` cell), validated by :func:`simulation.reporting.parameters.validate`.

    Parameters
    ----------
    scenario : str
        Scenario file.
    overrides : dict
        Dotted overrides.
    output_dir : str
        Where the CSVs, ``assumptions.csv``, the PNG charts, ``tables.xlsx`` and ``manifest.json`` go.
    **options
        ``language`` ({"id", "en"}: every title, label and table header), ``engine`` ({"cohort",
        "micro"}; ``micro`` gives replicates and P5-P95 bands), ``reps`` (replicates of the micro
        engine, at least 1), ``seed`` (its master seed), ``scheduler`` (where its replicates run:
        ``processes``, ``local`` or ``tcp://HOST:PORT``, :mod:`simulation.outputs.schedulers`) and
        ``jobs`` (its worker processes; 0 for all cores).

    Raises
    ------
    ScenarioError
        For a bad parameter or scenario.
    PlausibilityError
        When the run fails a guard-rail (:mod:`simulation.reporting.guards`).
    """
    given = {"scenario": scenario, "overrides": overrides, "output_dir": output_dir, **options}
    params = validate("scenario_report", given)
    language, reps = params.language, params.reps
    loaded = load_scenario(resolve(params.scenario), overrides=params.overrides)
    run_options = {"reps": reps}
    if params.engine == "micro":
        # each replicate reduced on its worker (simulation.outputs.reduce): the same tables, less memory
        run_options |= {"scheduler": params.scheduler, "jobs": params.jobs or None, "reduce": True}
    result = run_scenario(loaded, engine=params.engine, seed=params.seed, **run_options)
    guards.check(result)
    out = Path(params.output_dir)
    write_result(result, out, language=language, reps=reps)  # the folder is in place: charts may go in
    paths = {name: out / f"{name}.png" for name in charts.REPORT_CHARTS}
    # each chart in a child of its own, on the other core while this process makes the tables
    drawing = [Aside(charts.draw_report, result, language, {name: path}) for name, path in paths.items()]
    parameter_table(loaded).to_csv(out / "assumptions.csv", index=False)
    reps = getattr(result, "reps", 1)  # the cohort engine has one, whatever ``reps`` says
    base = base_run(resolve(params.scenario), loaded, params, run_options)
    ctx = ReportContext(scenario=loaded, result=result, output_dir=out, language=language, reps=reps, base=base)
    ctx.charts = paths
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    ctx.tables = {
        "annual": annual_table(result, language),
        "apbd": apbd_table(result, language),
        "cash": cash_table(result, language),
        "cash_first_year": cash_first_year(result, language),
        "payers": payers_table(result, language),
        "kecamatan": kecamatan_table(result, language),
        "fiscal": fiscal_table(result, language),
        "benefits": benefits_table(result, language),
        "assumptions": assumptions_table(loaded, language),
        "provenance": provenance_table(manifest, language),
    }
    write_workbook(out / "tables.xlsx", ctx.tables, language)
    for chart in drawing:
        chart.wait()
    manifest["files"] += ["assumptions.csv", "tables.xlsx", *(p.name for p in ctx.charts.values())]
    if base is not None:  # the reading cites its numbers
        manifest["base_scenario"] = {"name": base.name, "path": base.path, "sha256": base.sha256}
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
    return ctx
