"""Run a report notebook through papermill, atomically.

The notebook is executed into a hidden working folder beside the target; only
when every cell ran and the HTML was written is the folder moved into place.
A failed run leaves ``<out>.failed/`` with the executed notebook and an error
naming the cell that failed, never a report that looks complete.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from simulation.io import atomic
from simulation.io.provenance import seal
from simulation.reporting.kernel import WidgetSafeKernelManager
from simulation.reporting.parameters import NOTEBOOKS, REPO_ROOT, check_names, resolve, validate
from simulation.reporting.pdf import to_pdf
from simulation.scenario import load_scenario
from simulation.scenario.loader import parse_override

SET_BY_RUN = ("scenario", "overrides", "output_dir")
"""Report parameters :func:`run_report` sets itself; a ``-p`` value for one is checked by the notebook."""


KERNEL_ARGUMENTS = ["--IPKernelApp.log_level=ERROR"]
"""The kernel logs errors only: a normal report prints no warning (the kernel talks to papermill over
local TCP, and ipykernel warns about that on every start)."""


PDF_NOTEBOOKS = ("scenario_report", "compare_scenarios")
"""Notebooks whose HTML also goes on paper (a PDF beside it): the brief and the comparison."""


class ReportError(Exception):
    """A notebook run failed; the message names the cell and the error."""


@dataclass
class Report:
    folder: Path
    notebook: Path
    html: Path

    @property
    def pdf(self) -> Path:
        """The brief as a print-ready PDF beside the HTML (same content, A4)."""
        return self.html.with_suffix(".pdf")


def notebook_path(name: str) -> Path:
    path = NOTEBOOKS / name
    if not path.exists():
        raise ReportError(f"notebook {name} not found in {NOTEBOOKS} (run from a clone of the repository)")
    return path


def check_known(notebook: Path, parameters: dict) -> None:
    """Refuse a parameter the notebook does not declare (papermill itself only warns).

    Raises
    ------
    ScenarioError
        Naming the notebook, each unknown parameter, its value and the parameters declared.
    """
    check_names(notebook.stem, parameters)


def to_html(executed: Path, html: Path) -> None:
    """A self-contained HTML without code cells (images are embedded as data URIs).

    Cells tagged ``remove_cell`` (notes for notebook users) are left out too; the page needs no
    network (no widget or MathJax scripts are fetched for these reports).
    """
    # deferred: nbformat is only needed to write notebooks
    import nbformat

    # deferred: nbconvert is slow to import and only HTML export needs it
    from nbconvert import HTMLExporter

    # deferred: nbconvert is slow to import and only HTML export needs it
    from nbconvert.preprocessors import TagRemovePreprocessor

    exporter = HTMLExporter(exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True)
    exporter.register_preprocessor(TagRemovePreprocessor(remove_cell_tags={"remove_cell"}), enabled=True)
    nb = nbformat.read(executed, as_version=4)
    exporter.language_code = nb.metadata.get("papermill", {}).get("parameters", {}).get("language", "en")
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": _title(nb, html.stem)}})
    html.write_text(_offline(body), encoding="utf-8")


def _title(nb, fallback: str) -> str:
    """The first markdown heading the notebook printed (the brief's title), for the page title."""

    for cell in nb.cells:
        for output in cell.get("outputs", []):
            markdown = output.get("data", {}).get("text/markdown", "")
            found = re.search(r"^# (.+)$", markdown, flags=re.M)
            if found:
                return found.group(1).strip()
    return fallback


def _offline(body: str) -> str:
    """Drop the scripts nbconvert loads from the network (require.js, MathJax): the brief needs neither."""

    return re.sub(r'<script[^>]*\bsrc="https?://[^"]*"[^>]*>\s*</script>', "", body)


def execute(notebook: Path, out: Path, parameters: dict, name: str | None = None) -> Report:
    """Execute ``notebook`` with ``parameters`` into ``out`` atomically; see the module docstring.

    ``parameters`` gets ``output_dir`` set to the working folder.
    """
    # deferred: papermill is slow to import and only report runs need it
    import papermill

    # deferred: papermill is slow to import and only report runs need it
    from papermill.exceptions import PapermillExecutionError

    check_known(notebook, parameters)
    out = Path(out)
    work = atomic.begin(out)  # cleans leftovers of killed runs; refuses a file or a folder of other files
    executed = work / (name or notebook.name)
    params = {**parameters, "output_dir": str(work.resolve())}
    try:
        papermill.execute_notebook(
            str(notebook),
            str(executed),
            parameters=params,
            kernel_name="python3",
            cwd=str(REPO_ROOT),
            progress_bar=False,
            log_output=False,
            extra_arguments=KERNEL_ARGUMENTS,
            kernel_manager_class=WidgetSafeKernelManager,
        )
        to_html(executed, executed.with_suffix(".html"))
        if notebook.stem in PDF_NOTEBOOKS:
            to_pdf(executed.with_suffix(".html"), executed.with_suffix(".pdf"), parameters.get("language", "id"))
    except PapermillExecutionError as exc:
        failed = _keep_failed(work, out)
        message = (
            f"{notebook.name}: cell {exc.exec_count} failed with {exc.ename}: {exc.evalue}\n"
            f"  the partial run is in {failed}; no report was written to {out}"
        )
        (failed / "ERROR.txt").write_text(message + "\n", encoding="utf-8")
        raise ReportError(message) from None
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    seal(work)  # the manifest vouches for every file of the report (HTML, notebook, charts, workbook)
    _swap_into_place(work, out)
    return Report(folder=out, notebook=out / executed.name, html=out / executed.with_suffix(".html").name)


def _keep_failed(work: Path, out: Path) -> Path:
    failed = out.parent / f"{out.name}.failed"
    shutil.rmtree(failed, ignore_errors=True)
    work.rename(failed)
    return failed


def _swap_into_place(work: Path, out: Path) -> None:
    atomic.commit(work, out)
    shutil.rmtree(out.parent / f"{out.name}.failed", ignore_errors=True)


def run_report(
    scenario: str | Path, out: str | Path, overrides: list[str] | dict | None = None, parameters: dict | None = None
) -> Report:
    """Validate the scenario, then run ``scenario_report.ipynb`` for it into ``out``.

    ``parameters`` are further notebook parameters (``language``, ``engine``, ``reps``, ``seed``);
    one the notebook does not declare is refused before anything runs.

    Raises
    ------
    ScenarioError
        If the scenario or a parameter is invalid (before anything runs).
    ReportError
        If a notebook cell failed.
    """

    if isinstance(overrides, (list, tuple)):
        overrides = dict(parse_override(item) for item in overrides)
    check_report_parameters(parameters or {})
    path = resolve(str(scenario))
    load_scenario(path, overrides=overrides)  # fail fast, with the scenario's own message
    params = {"scenario": str(path.resolve()), "overrides": dict(overrides or {}), **(parameters or {})}
    return execute(notebook_path("scenario_report.ipynb"), Path(out), params)


def check_report_parameters(parameters: dict) -> None:
    """Refuse, before any run, a report parameter the notebook does not declare or a bad value.

    Every problem is reported at once. The values of :data:`SET_BY_RUN` are left to the notebook's
    own check (its cell after ``parameters``); every other one is validated here against
    ``notebooks/scenario_report.py``.

    Raises
    ------
    ScenarioError
        Naming the notebook, the parameter, its value and what is allowed (e.g. the languages or
        engines there are).
    """
    notebook_path("scenario_report.ipynb")  # a clear error outside a clone of the repository
    validate("scenario_report", {k: v for k, v in parameters.items() if k not in SET_BY_RUN})


def run_comparison(
    scenarios: list[str | Path],
    out: str | Path,
    baseline: str | Path = "scenarios/baseline.yaml",
    overrides: dict | None = None,
    parameters: dict | None = None,
) -> Report:
    """Run ``compare_scenarios.ipynb`` for ``scenarios`` (files) against ``baseline`` into ``out``."""
    params = {
        "scenarios": ",".join(str(resolve(str(p)).resolve()) for p in scenarios),
        "baseline": str(resolve(str(baseline)).resolve()),
        "overrides": dict(overrides or {}),
        **(parameters or {}),
    }
    return execute(notebook_path("compare_scenarios.ipynb"), Path(out), params)
