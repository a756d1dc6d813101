"""Benchmark: one budget brief (HTML + PDF + xlsx) and its phases, and optionally the whole batch.

Run: ``python benchmarks/bench_report.py`` (add ``--batch`` for ``umkm-sim batch --jobs 2`` over
every shipped scenario). Each phase runs in this process except the papermill run, which starts its
own kernel as ``umkm-sim report`` does; the end-to-end time is a fresh ``umkm-sim report`` process.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "scenarios" / "baseline.yaml"
CLI = [str(Path(sys.executable).parent / "umkm-sim")]


def timed(label: str, fn):
    began = time.perf_counter()
    out = fn()
    print(f"  {label:<44} {time.perf_counter() - began:6.2f} s")
    return out


def phases(folder: Path) -> None:
    """The brief's pieces one by one, in this process."""
    print("phases (in this process):")
    timed("import the reporting package", lambda: __import__("simulation.reporting.notebook"))
    from simulation.outputs.run import run_scenario
    from simulation.reporting import charts
    from simulation.reporting.notebook import prepare
    from simulation.reporting.papermill_run import run_report, to_html
    from simulation.reporting.pdf import to_pdf
    from simulation.scenario import load_scenario

    scenario = load_scenario(BASELINE)
    result = timed("engine (cohort, 10 years)", lambda: run_scenario(scenario))
    timed(
        "five charts drawn and saved as PNG",
        lambda: [charts.save(draw(result, "id"), folder / f"{n}.png") for n, draw in charts.REPORT_CHARTS.items()],
    )
    timed("prepare (run, guards, CSVs, charts, xlsx)", lambda: prepare(str(BASELINE), {}, str(folder / "p")))
    report = timed("papermill run + HTML + PDF (run_report)", lambda: run_report(BASELINE, folder / "r"))
    timed("HTML from the executed notebook", lambda: to_html(report.notebook, folder / "again.html"))
    timed("PDF from the HTML (WeasyPrint)", lambda: to_pdf(report.html, folder / "again.pdf", "id"))


def end_to_end(folder: Path) -> None:
    print("end to end (fresh processes):")
    timed(
        "umkm-sim report scenarios/baseline.yaml",
        lambda: subprocess.run(
            [*CLI, "report", str(BASELINE), "--out", str(folder / "e2e")], check=True, capture_output=True
        ),
    )


def batch(folder: Path) -> None:
    timed(
        "umkm-sim batch --jobs 2 (every shipped scenario)",
        lambda: subprocess.run(
            [*CLI, "batch", "--jobs", "2", "--out", str(folder / "batch")], check=True, capture_output=True
        ),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", action="store_true", help="also time the batch of every shipped scenario")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        end_to_end(folder)
        phases(folder)
        if args.batch:
            batch(folder)


if __name__ == "__main__":
    main()
