"""Run a report notebook through papermill, atomically.

The notebook is executed into a hidden working folder beside the target; only
when every cell ran and the HTML was written is the folder moved into place.
A failed run leaves ``<out>.failed/`` with the executed notebook and an error
naming the cell that failed, never a report that looks complete.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import sys
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from simulation.io import atomic
from simulation.io.provenance import seal
from simulation.reporting import pdf
from simulation.reporting.kernel import WidgetSafeKernelManager
from simulation.reporting.parameters import NOTEBOOKS, REPO_ROOT, check_names, resolve, validate
from simulation.reporting.pdf import to_pdf
from simulation.reporting.warm_kernel import KERNEL_ARGUMENTS, WarmKernel
from simulation.scenario import load_scenario
from simulation.scenario.loader import parse_override

SET_BY_RUN = ("scenario", "overrides", "output_dir")
"""Report parameters :func:`run_report` sets itself; a ``-p`` value for one is checked by the notebook."""


WARM_ENGINE = "umkm_warm"
"""The papermill engine that runs a notebook in a :class:`~simulation.reporting.warm_kernel.WarmKernel`."""

UNUSED_FORMATS = ("rfc3987_syntax",)
"""Optional format checkers of jsonschema that nbformat never uses and that cost seconds to import
(``rfc3987_syntax`` builds a grammar at import: ``import nbformat`` took 1.5-1.6 CPU-s with it and
0.2 without, on the 2-core development machine at load 8).
Marked absent before papermill is first imported, so jsonschema skips them."""

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

    exporter = _exporter()
    nb = nbformat.read(executed, as_version=4)
    exporter.language_code = nb.metadata.get("papermill", {}).get("parameters", {}).get("language", "en")
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": _title(nb, html.stem)}})
    html.write_text(_offline(body), encoding="utf-8")


@cache
def _exporter():
    """nbconvert's HTML exporter without code cells, made once per process, its templates loaded and
    compiled by converting a one-cell notebook (0.19 s of the first brief's HTML otherwise)."""
    # deferred: nbformat is only needed to write notebooks
    import nbformat

    # deferred: nbconvert is slow to import and only HTML export needs it
    from nbconvert import HTMLExporter

    # deferred: nbconvert is slow to import and only HTML export needs it
    from nbconvert.preprocessors import TagRemovePreprocessor

    exporter = HTMLExporter(exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True)
    exporter.register_preprocessor(TagRemovePreprocessor(remove_cell_tags={"remove_cell"}), enabled=True)
    exporter.from_notebook_node(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# -")]))
    return exporter


def _preload(on_paper: bool) -> threading.Thread:
    """Build the HTML exporter (:func:`_exporter`) and, for a brief ``on_paper``, warm WeasyPrint
    (:func:`simulation.reporting.pdf.warm`), in a thread of this process, started as the kernel takes
    the notebook.

    This process only waits while the kernel executes the notebook (on the other core); what the
    HTML and the PDF need is then ready when the notebook is done (both are cached per process).
    A failure here is left for the HTML or PDF step to raise, with its own message.
    """

    def load() -> None:
        try:
            _exporter()
            if on_paper:
                pdf.warm()
        except Exception:  # noqa: BLE001, S110 - to_html / to_pdf build them again and raise
            pass

    thread = threading.Thread(target=load, name="umkm-preload", daemon=True)
    thread.start()
    return thread


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


def _papermill():
    """papermill, imported without the format checkers of :data:`UNUSED_FORMATS`, with the warm engine."""
    for module in UNUSED_FORMATS:
        sys.modules.setdefault(module, None)  # None: "import rfc3987_syntax" raises ImportError
    # deferred: papermill is slow to import and only report runs need it
    import papermill

    # deferred: papermill is slow to import and only report runs need it
    from papermill.engines import papermill_engines

    if WARM_ENGINE not in papermill_engines._engines:
        papermill_engines.register(WARM_ENGINE, _warm_engine())
    return papermill


def _warm_engine():
    """papermill's nbclient engine for a kernel started by someone else (``km``, a warm kernel).

    Its client connects to the running kernel, executes every cell as papermill always does, and
    closes its channels afterwards; the kernel itself is left running for the next notebook.
    """
    # deferred: papermill is slow to import and only report runs need it
    from papermill.clientwrap import PapermillNotebookClient

    # deferred: papermill is slow to import and only report runs need it
    from papermill.engines import NBClientEngine, logger

    # deferred: papermill is slow to import and only report runs need it
    from papermill.utils import merge_kwargs, remove_args

    class WarmClient(PapermillNotebookClient):
        def execute(self, **kwargs):
            try:
                return super().execute(**kwargs)
            finally:
                if self.kc is not None:
                    self.kc.stop_channels()

    class WarmEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, start_timeout=60, **kwargs):
            kwargs = remove_args(["input_path", "timeout", "startup_timeout", "execution_timeout"], **kwargs)
            final = merge_kwargs(
                kwargs, startup_timeout=start_timeout, kernel_name=kernel_name, log=logger, log_output=log_output
            )
            # papermill writes the whole notebook as each cell starts and again as it ends, for a
            # reader watching a long run; the notebook here is in a work folder no one sees before the
            # run is done. Written when the run starts and ends (and by papermill once more after a
            # failed cell), not 26 times more: 0.06-0.08 CPU-s of each brief's 0.2 outside the PDF.
            output_path, nb_man.output_path = nb_man.output_path, None
            try:
                return WarmClient(nb_man, **final).execute()
            finally:
                nb_man.output_path = output_path

    return WarmEngine


def execute(
    notebook: Path,
    out: Path,
    parameters: dict,
    name: str | None = None,
    kernel: WarmKernel | None = None,
    release: bool = False,
) -> Report:
    """Execute ``notebook`` with ``parameters`` into ``out`` atomically; see the module docstring.

    ``parameters`` gets ``output_dir`` set to the working folder. With ``kernel`` the notebook runs in
    that warm kernel (emptied first, :meth:`WarmKernel.fresh`), else in a kernel of its own. As soon
    as the notebook ran, while this process writes the HTML and PDF, the warm kernel is stopped
    (:meth:`WarmKernel.release`) with ``release`` (a single brief has no further use for it), else
    emptied for the next notebook (:meth:`WarmKernel.reset_ahead`: a batch worker's, a host's, the
    app's), and so it is after a failed cell.

    Raises
    ------
    ReportError
        If a cell failed (the partial run is kept in ``<out>.failed/``).
    KernelGone
        If the warm kernel died or did not answer.
    """
    papermill = _papermill()

    # deferred: papermill is slow to import and only report runs need it
    from papermill.exceptions import PapermillExecutionError

    check_known(notebook, parameters)
    out = Path(out)
    work = atomic.reserve(out)  # cleans leftovers of killed runs; refuses a file or a folder of other files
    executed = work / (name or notebook.name)
    params = {**parameters, "output_dir": str(work.resolve())}
    where = {"extra_arguments": KERNEL_ARGUMENTS, "kernel_manager_class": WidgetSafeKernelManager}
    if kernel is not None:  # the briefs, comparison and analyses: notebooks without widgets
        where = {"engine_name": WARM_ENGINE, "km": kernel.manager}
    on_paper = notebook.stem in PDF_NOTEBOOKS
    running = False  # whether the kernel may be running a cell that writes into ``work``
    try:
        atomic.create(work, out)  # inside the try: an interrupt from here on removes it
        preload = _preload(on_paper)
        if kernel is not None:
            kernel.fresh()
        running = True
        papermill.execute_notebook(
            str(notebook),
            str(executed),
            parameters=params,
            kernel_name="python3",
            cwd=str(REPO_ROOT),
            progress_bar=False,
            log_output=False,
            **where,
        )
        running = False
        if release and kernel is not None:
            kernel.release()
        elif kernel is not None:
            kernel.reset_ahead()  # its namespace emptied while this process writes the HTML and PDF
        preload.join()
        to_html(executed, executed.with_suffix(".html"))
        if on_paper:
            to_pdf(executed.with_suffix(".html"), executed.with_suffix(".pdf"), parameters.get("language", "id"))
        seal(work)  # the manifest vouches for every file of the report (HTML, notebook, charts, workbook)
        _swap_into_place(work, out)
    except PapermillExecutionError as exc:
        if kernel is not None and not release:
            kernel.reset_ahead()  # a failed cell leaves the kernel running: emptied for the next notebook
        failed = _keep_failed(work, out)
        message = (
            f"{notebook.name}: cell {exc.exec_count} failed with {exc.ename}: {exc.evalue}\n"
            f"  the partial run is in {failed}; no report was written to {out}"
        )
        (failed / "ERROR.txt").write_text(message + "\n", encoding="utf-8")
        raise ReportError(message) from None
    except BaseException:
        if running and kernel is not None:
            # interrupted (Ctrl-C, a host's SIGTERM) or failed while a cell may still run: a warm kernel
            # is nobody's child to stop with papermill, and its cell would go on writing into ``work``
            # (even make it again) after it is removed; stopped first (its holder starts a new one)
            with contextlib.suppress(Exception):  # the error that brought us here is the one to raise
                kernel.shutdown()
        shutil.rmtree(work, ignore_errors=True)
        raise
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
    scenario: str | Path,
    out: str | Path,
    overrides: list[str] | dict | None = None,
    parameters: dict | None = None,
    kernel: WarmKernel | None = None,
    release: bool = False,
) -> Report:
    """Validate the scenario, then run ``scenario_report.ipynb`` for it into ``out``.

    ``parameters`` are further notebook parameters (``language``, ``engine``, ``reps``, ``seed``);
    one the notebook does not declare is refused before anything runs. ``kernel`` is a warm kernel
    to run in (a batch worker's; with ``release`` it is stopped once the notebook ran, see
    :func:`execute`); without one a kernel is started as soon as the parameters are checked, so it
    boots and imports while this process validates the scenario and imports papermill, and is
    stopped once the notebook ran.

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
    own = WarmKernel(REPO_ROOT) if kernel is None else None
    try:
        load_scenario(path, overrides=overrides)  # fail fast, with the scenario's own message
        params = {"scenario": str(path.resolve()), "overrides": dict(overrides or {}), **(parameters or {})}
        return execute(
            notebook_path("scenario_report.ipynb"),
            Path(out),
            params,
            kernel=kernel or own,
            release=release or own is not None,
        )
    finally:
        if own is not None:
            own.shutdown()


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
    kernel: WarmKernel | None = None,
) -> Report:
    """Run ``compare_scenarios.ipynb`` for ``scenarios`` (files) against ``baseline`` into ``out``
    (in ``kernel`` when given, see :func:`execute`)."""
    params = {
        "scenarios": ",".join(str(resolve(str(p)).resolve()) for p in scenarios),
        "baseline": str(resolve(str(baseline)).resolve()),
        "overrides": dict(overrides or {}),
        **(parameters or {}),
    }
    return execute(notebook_path("compare_scenarios.ipynb"), Path(out), params, kernel=kernel)
