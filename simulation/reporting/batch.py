"""Run many scenario reports in parallel processes, then the comparison, then ``index.html``.

A failing scenario (invalid file, failing cell, failed guard-rail) is recorded with its error and
never stops the others; :func:`run_batch` returns every outcome and the caller decides the exit code.
"""

from __future__ import annotations

import datetime as dt
import gc
import html
import json
import os
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from functools import partial
from multiprocessing.util import Finalize
from pathlib import Path

import pandas as pd

from simulation.core.errors import OutputError, ScenarioError
from simulation.io.lock import folder_lock
from simulation.reporting import formats
from simulation.reporting.batch_workers import WORKERS, start_server
from simulation.reporting.labels import text
from simulation.reporting.names import scenario_names
from simulation.reporting.papermill_run import (
    ReportError,
    execute,
    notebook_path,
    resolve,
    run_comparison,
    run_report,
)
from simulation.reporting.parameters import REPO_ROOT
from simulation.reporting.warm_kernel import WARM_IMPORTS, WarmKernel, once_more_if_gone

COMPARISON = "compare_scenarios"
"""Folder (under the reports folder) of the comparison notebook's output."""

COMPARISON_IMPORTS = "import simulation.reporting.compare"
"""What the comparison's warm kernel imports ahead (the comparison notebook's imports)."""

ANALYSES = {"sensitivity": "sensitivity.ipynb", "calibration": "calibrate.ipynb"}
"""Analysis notebooks the batch runs on the baseline after the comparison: folder to notebook."""


FINAL = (ScenarioError, ReportError, OutputError)
"""Failures a second try cannot mend (a bad scenario, a failing cell, an output in the way); any
other error of a report run (a kernel that did not start or died) is tried once more."""


@dataclass
class Outcome:
    """What happened to one scenario (or the comparison) in a batch."""

    name: str
    path: str
    ok: bool
    seconds: float
    error: str = ""
    description: str = ""
    indicators: dict = field(default_factory=dict)
    html: str = ""


CHARTS_IN_KERNEL = "import simulation.reporting.aside as _aside\n_aside.ENABLED = False"
"""Run in a batch worker's warm kernel when the workers are as many as the cores: each brief's charts
are then drawn in the kernel itself (:data:`simulation.reporting.aside.ENABLED`), not in forked children
that would only wait for a core."""

_WORKER_KERNEL: list[WarmKernel] = []
"""The warm kernel of this batch worker process, once :func:`start_worker_kernel` has run in it."""

_BUSY: list[bool] = []
"""This worker's ``busy`` (:func:`start_worker_kernel`), for a kernel started again."""


def start_worker_kernel(busy: bool = False) -> None:
    """Start this worker's warm kernel (the pool's initializer); it is stopped when the worker exits.

    ``busy``: the pool's workers keep every core busy, so the kernel draws charts itself
    (:data:`CHARTS_IN_KERNEL`). A kernel that cannot start leaves the worker without one: each report
    then starts its own.
    """
    _BUSY[:] = [busy]
    try:
        kernel = WarmKernel(REPO_ROOT, warm=f"{WARM_IMPORTS}\n{CHARTS_IN_KERNEL}" if busy else WARM_IMPORTS)
    except Exception:  # noqa: BLE001 - the reports still run, each in a kernel of its own
        return
    _WORKER_KERNEL[:] = [kernel]
    Finalize(kernel, kernel.shutdown, exitpriority=10)  # pool workers leave through os._exit: no atexit


def _warm() -> dict:
    """``{"kernel": k}`` for this worker's warm kernel, or ``{}`` outside a batch worker."""
    return {"kernel": _WORKER_KERNEL[0]} if _WORKER_KERNEL else {}


def _renewed() -> dict:
    """Replace this worker's warm kernel (it died or stopped answering) by a new one; what
    :func:`_warm` gives then."""
    if _WORKER_KERNEL:
        old = _WORKER_KERNEL.pop()
        try:
            old.shutdown()
        except Exception:  # noqa: BLE001, S110 - a dead kernel may not shut down cleanly; it is gone either way
            pass
        start_worker_kernel(*_BUSY)
    return _warm()


def _freeze_once() -> None:
    """After a batch worker's first brief, move everything it holds (papermill, nbconvert's exporter,
    WeasyPrint and its fonts, the package) out of the garbage collector's reach (:func:`gc.freeze`).

    Those objects live as long as the worker; without this each later brief's collections scanned
    them again: the worker's own CPU per brief (the HTML, the PDF, papermill's side) was 1.44-1.59 s
    without and 1.18-1.29 s with (four briefs each, two runs, 2026-11-26, 2-core Xeon, load 0.8).
    Only in a worker process (:data:`_WORKER_KERNEL` set): a caller's own process is left alone.
    """
    if _WORKER_KERNEL and not _FROZEN:
        gc.freeze()
        _FROZEN.append(True)


_FROZEN: list[bool] = []
"""Whether this batch worker has frozen what it holds (:func:`_freeze_once`)."""


def run_one(path: str, out_root: str, overrides: dict, parameters: dict, name: str | None = None) -> Outcome:
    """Run one scenario's report into ``out_root/<name>``; never raises (the error is in the outcome).

    ``name`` is the report folder (default: the file's stem; see :func:`scenario_names`). In a batch
    worker the report runs in the worker's warm kernel (:func:`start_worker_kernel`); a kernel that
    died or failed to start is replaced and the report tried once more.
    """

    name = name or Path(path).stem
    began = time.perf_counter()

    def run(warm: dict):
        return run_report(path, Path(out_root) / name, overrides=overrides, parameters=parameters, **warm)

    try:  # a kernel that failed to start (or died) gets one more try: any error but a FINAL one
        report = once_more_if_gone(run, _warm, _renewed, gone=lambda error: not isinstance(error, FINAL))
    except Exception as exc:  # noqa: BLE001 - the batch goes on; the outcome carries the message
        return Outcome(name, str(path), False, time.perf_counter() - began, error=f"{type(exc).__name__}: {exc}")
    _freeze_once()
    manifest = json.loads((report.folder / "manifest.json").read_text(encoding="utf-8"))
    annual = pd.read_csv(report.folder / "annual.csv")
    indicators = dict(manifest.get("indicators", {}))
    indicators["cost_apbd_kabupaten_total"] = float(annual.get("cost_apbd_kabupaten", annual["subsidy_cost"] * 0).sum())
    return Outcome(
        name,
        str(path),
        True,
        time.perf_counter() - began,
        description=_description(manifest["scenario"]["resolved"]["description"], parameters.get("language", "id")),
        indicators=indicators,
        html=f"{name}/{report.html.name}",
    )


def _description(description: str | dict, language: str) -> str:
    """A scenario's description as its manifest records it, in ``language`` when it has one per language."""
    text = description.get(language, "") if isinstance(description, dict) else description
    return " ".join(text.split())


def scenario_files(names: list[str], folder: Path) -> list[Path]:
    """The scenarios named (files, or stems looked up in ``folder``), else every ``*.yaml`` in ``folder``."""
    if not names:
        return sorted(Path(folder).glob("*.yaml"))
    out = []
    for name in names:
        p = Path(name)
        if not p.exists() and (Path(folder) / f"{name}.yaml").exists():
            p = Path(folder) / f"{name}.yaml"
        out.append(p)
    return out


def run_batch(
    scenarios: list[Path],
    out_root: Path,
    jobs: int = 2,
    overrides: dict | None = None,
    parameters: dict | None = None,
    baseline: Path | None = None,
    progress=print,
    analyses: bool = True,
    beside=None,
) -> list[Outcome]:
    """Run every scenario's report (``jobs`` at a time), then the comparison and (with ``analyses``)
    the sensitivity and calibration notebooks on the baseline; write ``index.html``.

    ``beside`` (a callable returning a list of :class:`Outcome`, e.g. the portfolios) runs in a
    thread of this process once the lock is held, beside the reports: this process mostly waits on
    its workers, so it fills the cores' idle moments rather than coming after everything.

    The reports folder is locked for the whole batch (:func:`folder_lock`): a second batch into it
    is refused rather than interleaved. Scenario files with one stem get distinct folders
    (:func:`scenario_names`).

    Returns
    -------
    list of Outcome
        One per scenario in the order given, then the comparison's, then the analyses', then
        those of ``beside``.

    Raises
    ------
    ScenarioError
        Before anything runs: a file named twice, or several scenarios called ``baseline`` and no
        ``baseline`` given.
    BusyError
        If another batch holds the lock of ``out_root``.
    """

    out_root = Path(out_root)
    names = scenario_names(scenarios)
    if baseline is None:
        baseline = _default_baseline(scenarios)
    with folder_lock(out_root, "another umkm-sim batch"):
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="umkm-beside") as side:
            later = side.submit(beside) if beside is not None else None
            done = _run_locked(scenarios, names, out_root, jobs, overrides, parameters, baseline, progress, analyses)
            return done + (later.result() if later is not None else [])


def _default_baseline(scenarios: list[Path]) -> Path | None:
    """The one scenario called ``baseline``, None if there is none; refuse several."""
    named = [Path(p) for p in scenarios if Path(p).stem == "baseline"]
    if len(named) > 1:
        raise ScenarioError(
            [
                (
                    "batch",
                    "baseline",
                    [str(p) for p in named],
                    "several scenarios are called baseline; name the one to compare against with --baseline",
                )
            ]
        )
    return named[0] if named else None


def _run_locked(scenarios, names, out_root, jobs, overrides, parameters, baseline, progress, analyses):
    """The batch inside its lock: reports and analyses on the pool's workers, the comparison here.

    The reports are queued first and the analyses (which need only the baseline) after them. The
    comparison runs every scenario itself; of the reports it needs only to know which succeeded. It
    starts, in a thread of this process and its own warm kernel, as soon as every report left is
    already running (:func:`_ready_to_compare`), on the scenarios whose reports have not failed so
    far: it then runs beside the last reports and the analyses instead of alone after them. Should
    one of those last reports fail, it is run again without it once all are done
    (:func:`_final_comparison`).
    """
    overrides, parameters = dict(overrides or {}), dict(parameters or {})
    outcomes: dict[str, Outcome] = {}
    analysed = list(ANALYSES) if analyses and baseline is not None else []
    comparison = None
    kernel = None
    compare = partial(_compare, out_root=out_root, overrides=overrides, parameters=parameters, baseline=baseline)
    try:
        busy = max(1, jobs) >= (os.cpu_count() or 1)  # every core has a worker: no chart needs a child
        start_server()  # the workers' fork server, with their imports done once (already running from the CLI)
        with (
            ProcessPoolExecutor(
                max_workers=max(1, jobs), mp_context=WORKERS, initializer=start_worker_kernel, initargs=(busy,)
            ) as pool,
            ThreadPoolExecutor(max_workers=1, thread_name_prefix="umkm-compare") as here,
        ):
            reports = {
                pool.submit(run_one, str(p), str(out_root), overrides, parameters, name): name
                for p, name in zip(scenarios, names, strict=True)
            }
            # the analyses need only the baseline: they run after the reports
            rest = {pool.submit(run_analysis, key, Path(baseline), out_root): f"\0{key}" for key in analysed}
            # the comparison's kernel boots and imports while the reports run
            kernel = WarmKernel(REPO_ROOT, warm=COMPARISON_IMPORTS)
            early: list = []  # (the scenarios it compares, its future), once started

            def start_comparison() -> None:
                if not early and _ready_to_compare(len(reports), len(outcomes), max(1, jobs)):
                    chosen = [name for name in names if name not in outcomes or outcomes[name].ok]
                    paths = [Path(p) for p, name in zip(scenarios, names, strict=True) if name in chosen]
                    early.append((chosen, here.submit(compare, paths, kernel=kernel)))

            start_comparison()
            _collect(reports, outcomes, progress, each=start_comparison)
            chosen, future = early[0]
            comparison = _final_comparison(future.result(), chosen, names, outcomes, compare, kernel)
            progress(f"{'ok    ' if comparison.ok else 'FAILED'} {COMPARISON} ({comparison.seconds:.1f} s)")
            _collect(rest, outcomes, progress)
    finally:
        if kernel is not None:
            kernel.shutdown()
    ordered = [outcomes[name] for name in names]
    extra = [outcomes[f"\0{key}"] for key in analysed]
    write_index(out_root / "index.html", ordered, comparison, parameters.get("language", "id"), analyses=extra)
    return [*ordered, comparison, *extra]


def _ready_to_compare(reports: int, done: int, jobs: int) -> bool:
    """Whether the comparison may start: at most ``jobs`` of the ``reports`` are not ``done``, so
    every one left is running and none waits in the queue (the comparison then takes no core a
    waiting report would have had)."""
    return reports - done <= jobs


def _final_comparison(early: Outcome, chosen: list[str], names, outcomes: dict, compare, kernel) -> Outcome:
    """The comparison of the scenarios whose reports succeeded: ``early`` (run on the scenarios
    ``chosen`` before every report was done) when those are exactly the ones that succeeded, else
    ``compare`` run again on them."""
    succeeded = [name for name in names if outcomes[name].ok]
    if succeeded == chosen:
        return early
    return compare([Path(outcomes[name].path) for name in succeeded], kernel=kernel)


def _collect(futures: dict, outcomes: dict, progress, each=None) -> None:
    """Wait for ``futures`` (future to key), record each outcome under its key and report it; then
    call ``each()`` if given."""
    for future in as_completed(futures):
        outcome = future.result()
        outcomes[futures[future]] = outcome
        progress(f"{'ok    ' if outcome.ok else 'FAILED'} {outcome.name} ({outcome.seconds:.1f} s)")
        if each is not None:
            each()


def _compare(done: list[Path], out_root, overrides, parameters, baseline, kernel) -> Outcome:
    """The comparison of the scenarios ``done`` against ``baseline`` (else the first); never raises."""
    began = time.perf_counter()
    if not done:
        return Outcome(COMPARISON, "", False, 0.0, error="no scenario report succeeded")
    try:
        report = run_comparison(
            done,
            out_root / COMPARISON,
            baseline=baseline if baseline is not None else done[0],
            overrides=overrides,
            parameters={"language": parameters.get("language", "id")},
            kernel=kernel,
        )
    except Exception as exc:  # noqa: BLE001
        return Outcome(COMPARISON, "", False, time.perf_counter() - began, error=f"{type(exc).__name__}: {exc}")
    return Outcome(COMPARISON, "", True, time.perf_counter() - began, html=f"{COMPARISON}/{report.html.name}")


def run_analysis(name: str, baseline: Path, out_root: Path) -> Outcome:
    """Run analysis notebook ``name`` (a key of :data:`ANALYSES`) on ``baseline``; never raises.

    In a batch worker it runs in the worker's warm kernel."""

    began = time.perf_counter()
    try:
        params = {"scenario": str(resolve(str(baseline)).resolve())}
        report = execute(notebook_path(ANALYSES[name]), Path(out_root) / name, params, **_warm())
    except Exception as exc:  # noqa: BLE001 - the batch goes on; the outcome carries the message
        return Outcome(name, str(baseline), False, time.perf_counter() - began, error=f"{type(exc).__name__}: {exc}")
    return Outcome(name, str(baseline), True, time.perf_counter() - began, html=f"{name}/{report.html.name}")


def summary(outcomes: list[Outcome], language: str = "id") -> str:
    """A plain-text table: scenario, status, seconds, first-year and total public cost, final coverage."""
    rows = [("scenario", "status", "seconds", "cost first year", "cost total", "coverage end")]
    for o in outcomes:
        ind = o.indicators
        rows.append(
            (
                o.name,
                "ok" if o.ok else "FAILED",
                f"{o.seconds:.1f}",
                formats.rupiah(ind["subsidy_cost_first_year"], language) if ind else "",
                formats.rupiah(ind["subsidy_cost_total"], language) if ind else "",
                formats.percent(ind["coverage_end_last_year"], language) if ind else "",
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)) for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    for o in outcomes:
        if not o.ok:
            lines.append(f"\n{o.name}: {one_line(o.error)}")
    return "\n".join(lines)


def one_line(error: str) -> str:
    """An error message of several lines as one readable line (lines joined by `` | ``)."""
    return " | ".join(line.strip() for line in error.splitlines() if line.strip())


def write_index(
    path: Path, outcomes: list[Outcome], comparison: Outcome, language: str = "id", analyses: list[Outcome] = ()
) -> Path:
    """``index.html``: every report with its headline figures, failures with their error (atomic write)."""

    t = lambda key, **v: html.escape(text(key, language, **v))  # noqa: E731
    head = (
        f"<tr><th>{t('scenario')}</th><th>{t('description')}</th><th>{t('status')}</th>"
        f"<th>{t('cost_first_col')}</th><th>{t('cost_total_col')}</th><th>{t('kabupaten_total_col')}</th>"
        f"<th>{t('covered_last_col')}</th>"
        f"<th>{t('coverage_last_col')}</th><th>{t('graduates_col')}</th><th>{t('cost_per_year_col')}</th></tr>"
    )
    rows = []
    for o in outcomes:
        ind = o.indicators
        name = f'<a href="{html.escape(o.html)}">{html.escape(o.name)}</a>' if o.ok else html.escape(o.name)
        if o.ok:
            xlsx = (
                f' · <a href="{html.escape(o.name)}/scenario_report.pdf">PDF</a>'
                f' · <a href="{html.escape(o.name)}/tables.xlsx">tables.xlsx</a>'
            )
            cells = [
                formats.rupiah(ind["subsidy_cost_first_year"], language),
                formats.rupiah(ind["subsidy_cost_total"], language),
                formats.rupiah(ind["cost_apbd_kabupaten_total"], language),
                formats.count(ind["covered_end_last_year"], language),
                formats.percent(ind["coverage_end_last_year"], language),
                formats.count(ind["graduates_total"], language),
                formats.rupiah(ind["cost_per_covered_member_year"], language),
            ]
            status = t("ok") + xlsx
        else:
            cells = [""] * 7
            status = f"<b>{t('failed')}</b><pre>{html.escape(o.error)}</pre>"
        tds = "".join(f'<td class="num">{html.escape(c)}</td>' for c in cells)
        desc = html.escape(o.description)
        rows.append(f'<tr><td>{name}</td><td class="text">{desc}</td><td>{status}</td>{tds}</tr>')
    links = []
    for key, o in (("comparison_link", comparison), *((f"{a.name}_link", a) for a in analyses)):
        if o.ok:
            links.append(f'<p><a href="{html.escape(o.html)}">{t(key)}</a></p>')
        else:
            links.append(f"<p>{t(key)}: <b>{t('failed')}</b></p><pre>{html.escape(o.error)}</pre>")
    compare = "\n".join(links)
    created = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    page = f"""<!DOCTYPE html>
<html lang="{language}"><head><meta charset="utf-8"><title>{t("index_title")}</title>
<style>
body {{ font-family: sans-serif; margin: 2em; color: #111; }}
.scroll {{ max-width: 100%; overflow-x: auto; }}
td.text {{ min-width: 18em; max-width: 30em; }}
table {{ border-collapse: collapse; font-size: 90%; }}
th, td {{ border: 1px solid #999; padding: 4px 8px; vertical-align: top; }}
th {{ background: #ddd; }} td.num {{ text-align: right; white-space: nowrap; }}
pre {{ white-space: pre-wrap; max-width: 40em; font-size: 85%; }}
</style></head><body>
<h1>{t("index_title")}</h1>
{compare}
<div class="scroll"><table>{head}
{chr(10).join(rows)}
</table></div>
<p>{t("generated")}: {created}</p>
</body></html>
"""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_text(page, encoding="utf-8")
    os.replace(tmp, path)
    return path
