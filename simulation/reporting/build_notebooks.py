"""Write the workbench's notebooks with nbformat: ``python -m simulation.reporting.build_notebooks``.

The notebooks are thin and stored without outputs; edit them here, not in JupyterLab, so that
what is committed is what this module writes (``tests/test_notebooks.py`` checks it).
Every notebook has one cell tagged ``parameters`` of a few annotated scalars plus the scenario
path, validated by the package in the next cell. Markdown cells tagged ``remove_cell`` are notes
for notebook users, left out of the HTML brief (whose headings follow the ``language`` parameter).
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"


def _note(source: str):
    return new_markdown_cell(source, metadata={"tags": ["remove_cell"]})


def _parameters(source: str):
    return new_code_cell(source, metadata={"tags": ["parameters"]})


def scenario_report() -> nbformat.NotebookNode:
    """The budget brief for one scenario."""
    return _notebook(
        [
            _note(
                "# Scenario report\n\nA budget brief for one scenario, run by `umkm-sim report` or `umkm-sim batch`"
                " through papermill. Headings and tables follow the `language` parameter; this note is not in"
                " the HTML."
            ),
            _parameters(
                'scenario: str = "scenarios/baseline.yaml"  # scenario file, validated in the next cell\n'
                'overrides: dict = {}  # dotted keys to values, e.g. {"policy.graduation.rate": 0.2}\n'
                'output_dir: str = "reports/baseline"  # folder for CSVs, charts, tables.xlsx and manifest.json\n'
                'language: str = "id"  # "id" (Bahasa Indonesia) or "en" (English)\n'
                'engine: str = "cohort"  # "cohort" (deterministic) or "micro" (replicates, P5-P95 bands)\n'
                "reps: int = 1  # replicates of the micro engine\n"
                "seed: int = 2026  # master seed of the micro engine"
            ),
            new_code_cell(
                "from IPython.display import Markdown, display\n\n"
                "from simulation.reporting.notebook import prepare\n\n"
                "ctx = prepare(scenario, overrides, output_dir, language, engine=engine, reps=reps, seed=seed)\n"
                "ctx.title()"
            ),
            new_code_cell('display(ctx.heading("section_headline"), ctx.headline())'),
            new_code_cell('display(ctx.heading("section_reading"), ctx.reading())'),
            new_code_cell('display(ctx.heading("section_years"), Markdown(ctx.text("years_note")), ctx.years())'),
            new_code_cell(
                'display(ctx.heading("section_charts"), ctx.notes())\n'
                "for name in ctx.charts:\n"
                "    display(ctx.chart(name))"
            ),
            new_code_cell('display(ctx.heading("section_payers"), ctx.payers())'),
            new_code_cell('display(ctx.heading("section_fiscal"), *ctx.fiscal())'),
            new_code_cell('display(ctx.heading("section_benefits"), *ctx.benefits())'),
            new_code_cell('display(ctx.heading("section_assumptions"), ctx.assumptions())'),
        ]
    )


def compare_scenarios() -> nbformat.NotebookNode:
    """Several scenarios side by side and against the baseline."""
    return _notebook(
        [
            _note(
                "# Scenario comparison\n\nEvery scenario on the cohort engine, against the baseline; run by"
                " `umkm-sim batch` after the scenario reports."
            ),
            _parameters(
                'scenarios: str = "scenarios"  # comma-separated scenario files, or a folder of them\n'
                'baseline: str = "scenarios/baseline.yaml"  # the scenario the others are compared against\n'
                "overrides: dict = {}  # dotted overrides applied to every scenario\n"
                'output_dir: str = "reports/compare_scenarios"  # folder for the comparison tables and charts\n'
                'language: str = "id"  # "id" or "en"'
            ),
            new_code_cell(
                "from IPython.display import display\n\n"
                "from simulation.reporting.compare import prepare_comparison\n\n"
                "cmp = prepare_comparison(scenarios, baseline, overrides, output_dir, language=language)\n"
                "cmp.title()"
            ),
            new_code_cell('display(cmp.heading("compare_summary"), cmp.summary())'),
            new_code_cell(
                'display(cmp.heading("compare_charts"))\nfor name in cmp.charts:\n    display(cmp.chart(name))'
            ),
            new_code_cell('display(cmp.heading("compare_by_year"), cmp.styled_by_year())'),
            new_code_cell('display(cmp.heading("compare_differences"), cmp.styled_by_year(difference=True))'),
        ]
    )


def explore() -> nbformat.NotebookNode:
    """Interactive controls on the main levers and assumptions (for JupyterLab)."""
    return _notebook(
        [
            _note(
                "# Explore levers and assumptions\n\nOpen in JupyterLab and move the sliders: each change reruns"
                " the cohort engine and redraws the charts (the time it took is shown). Not part of the batch."
            ),
            _parameters(
                'scenario: str = "scenarios/baseline.yaml"  # scenario the controls start from\n'
                "overrides: dict = {}  # dotted overrides applied before the controls\n"
                'language: str = "id"  # "id" or "en"'
            ),
            new_code_cell(
                "from simulation.reporting.explore import Explorer\n\n"
                "app = Explorer(scenario, overrides, language=language)\n"
                "app.show()"
            ),
        ]
    )


BUILDERS = {
    "scenario_report.ipynb": scenario_report,
    "compare_scenarios.ipynb": compare_scenarios,
    "explore.ipynb": explore,
}


def _notebook(cells) -> nbformat.NotebookNode:
    nb = new_notebook(cells=cells)
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i}"
    return nb


def main(folder: Path = NOTEBOOKS) -> list[Path]:
    """Write every notebook into ``folder``; return their paths."""
    written = []
    for name, build in BUILDERS.items():
        path = Path(folder) / name
        nbformat.write(build(), path)
        written.append(path)
    return written


if __name__ == "__main__":  # pragma: no cover
    for p in main():
        print(p)
