"""Benchmark: one budget brief (HTML + PDF + xlsx) phase by phase, end to end, and optionally the batch.

Run: ``python benchmarks/bench_report.py`` (add ``--batch`` for ``umkm-sim batch --jobs 2`` over every
shipped scenario). Every line gives wall seconds, CPU seconds of the process that did the work (this
one, the kernel, or a child and its children) and the load average when it ended, because the
machine may be shared:

- kernel launch: what ``umkm-sim report`` does before its kernel is started (the command line and
  jupyter_client, a fresh interpreter): the kernel is started first;
- parent imports: what the parent imports after that, before it hands the notebook to the kernel
  (papermill, scenario validation), on one core while the kernel boots on the other;
- kernel start: a Jupyter kernel started and ready; kernel imports: the notebook's imports in it;
- preload: the HTML exporter built and WeasyPrint warmed, in a thread of the parent while the
  kernel executes the notebook (so not on the way of a brief);
- engine, charts, xlsx: the pieces of ``prepare``; the charts drawn here one after another, and
  ``prepare`` as a brief runs it (charts in children forked from it, beside the tables);
- HTML, PDF: the executed notebook to HTML (nbconvert) and the HTML to PDF (WeasyPrint), warm;
- end to end: a fresh ``umkm-sim report`` process (papermill still executes the notebook);
- through a running host: ``umkm-sim host start`` (a report host in a temporary socket folder), then
  three ``umkm-sim report`` commands that it serves, each with the client's CPU and the host's and its
  kernel's (read from ``/proc``, Linux), then ``umkm-sim host stop``.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "scenarios" / "baseline.yaml"
CLI = [str(Path(sys.executable).parent / "umkm-sim")]

KERNEL_LAUNCH = (
    "import simulation.cli; from simulation.reporting.repository import REPO_ROOT; "
    "from simulation.reporting.warm_kernel import WarmKernel; WarmKernel(REPO_ROOT).shutdown()"
)
"""What ``umkm-sim report`` runs before its kernel is started, and the start (shut at once)."""

PARENT_IMPORTS = (
    "import simulation.cli, simulation.reporting.batch; from simulation.reporting.papermill_run import _papermill; "
    "_papermill()"
)
"""What a ``report`` or ``batch`` parent imports before the notebook (papermill as :func:`_papermill` imports it)."""


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def line(label: str, wall: float, cpu: float, where: str) -> None:
    load = os.getloadavg()[0]
    print(f"  {label:<46} {wall:6.2f} s wall  {cpu:6.2f} s CPU ({where})  load {load:4.1f}", flush=True)


def timed(label: str, fn):
    """``fn()`` timed: wall, and CPU of this process and of the children it reaped meanwhile (the
    charts' forked children, a kernel it started and stopped)."""
    wall, cpu = time.perf_counter(), time.process_time() + children_cpu()
    out = fn()
    line(label, time.perf_counter() - wall, time.process_time() + children_cpu() - cpu, "here + children")
    return out


def in_child(label: str, argv: list[str]) -> None:
    wall, cpu = time.perf_counter(), children_cpu()
    subprocess.run(argv, check=True, capture_output=True, cwd=ROOT)
    line(label, time.perf_counter() - wall, children_cpu() - cpu, "child processes")


def kernel_phases() -> None:
    """Kernel start and the notebook's imports inside it, timed with the kernel's own CPU clock."""
    from jupyter_client.manager import start_new_kernel

    wall = time.perf_counter()
    km, kc = start_new_kernel(kernel_name="python3", extra_arguments=["--IPKernelApp.log_level=ERROR"], cwd=str(ROOT))
    start_wall = time.perf_counter() - wall
    try:
        cpu0 = _kernel_cpu(kc)
        line("kernel start (ready)", start_wall, cpu0, "kernel")
        wall = time.perf_counter()
        kc.execute_interactive("from simulation.reporting.notebook import prepare", timeout=120)
        line(
            "kernel imports (simulation.reporting.notebook)",
            time.perf_counter() - wall,
            _kernel_cpu(kc) - cpu0,
            "kernel",
        )
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def _kernel_cpu(kc) -> float:
    """CPU seconds the kernel process has used so far (asked of the kernel itself)."""
    got = []

    def hook(message):
        if message["msg_type"] == "stream":
            got.append(message["content"]["text"])

    kc.execute_interactive("import time as _t; print(_t.process_time())", output_hook=hook, timeout=60)
    return float("".join(got))


def phases(folder: Path) -> None:
    """The brief's pieces one by one."""
    print("phases:", flush=True)
    in_child("kernel launch + start, shut at once (fresh interpreter)", [sys.executable, "-c", KERNEL_LAUNCH])
    in_child("parent imports (fresh interpreter)", [sys.executable, "-c", PARENT_IMPORTS])
    kernel_phases()
    timed("import the reporting package here", lambda: __import__("simulation.reporting.notebook"))
    from simulation.outputs.run import run_scenario
    from simulation.reporting import charts, pdf
    from simulation.reporting.excel import write_workbook
    from simulation.reporting.notebook import prepare
    from simulation.reporting.papermill_run import _exporter, _papermill, run_report, to_html
    from simulation.reporting.pdf import to_pdf
    from simulation.scenario import load_scenario

    _papermill()  # as the parent has before the notebook (nbformat without the unused IRI checker)
    timed("preload (HTML exporter, WeasyPrint warm; a thread)", lambda: (_exporter(), pdf.warm()))

    scenario = load_scenario(BASELINE)
    result = timed("engine (cohort, 10 years)", lambda: run_scenario(scenario))
    timed(
        f"charts ({len(charts.REPORT_CHARTS)} drawn and saved as PNG)",
        lambda: [charts.save(draw(result, "id"), folder / f"{n}.png") for n, draw in charts.REPORT_CHARTS.items()],
    )
    prepare(str(BASELINE), {}, str(folder / "warm"))  # the first run pays for lazy imports and font caches
    ctx = timed(
        "prepare (run, guards, CSVs, charts in children, xlsx)", lambda: prepare(str(BASELINE), {}, str(folder / "p"))
    )
    timed("xlsx (write_workbook)", lambda: write_workbook(folder / "again.xlsx", ctx.tables, "id"))
    report = timed("papermill run + HTML + PDF (run_report, kernel)", lambda: run_report(BASELINE, folder / "r"))
    timed("HTML from the executed notebook (nbconvert)", lambda: to_html(report.notebook, folder / "again.html"))
    timed("PDF from the HTML (WeasyPrint)", lambda: to_pdf(report.html, folder / "again.pdf", "id"))


def end_to_end(folder: Path) -> None:
    print("end to end (fresh processes):", flush=True)
    in_child("umkm-sim report scenarios/baseline.yaml", [*CLI, "report", str(BASELINE), "--out", str(folder / "e2e")])


def host_cpu(pid: int) -> float:
    """CPU seconds a process and its live children (the host and its kernel) have used, with the children
    they reaped (the charts' forked children), from ``/proc``."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for each in [pid, *_children(pid)]:
        fields = Path(f"/proc/{each}/stat").read_text().rpartition(")")[2].split()
        total += sum(int(f) for f in fields[11:15]) / tick  # utime, stime, cutime, cstime
    return total


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


def through_host(folder: Path) -> None:
    """A report host started, three briefs through it, stopped (in a socket folder of its own)."""
    print("through a running report host (umkm-sim host start, then umkm-sim report):", flush=True)
    sockets = folder / "sockets"
    sockets.mkdir(mode=0o700)
    env = {**os.environ, "UMKM_SIM_HOST_DIR": str(sockets)}
    wall = time.perf_counter()
    started = subprocess.run([*CLI, "host", "start"], check=True, capture_output=True, text=True, cwd=ROOT, env=env)
    pid = int(started.stdout.split("pid ")[1].split(",")[0])
    line("umkm-sim host start (returns when warm)", time.perf_counter() - wall, host_cpu(pid), "host + kernel")
    try:
        for i in (1, 2, 3):
            before, client, wall = host_cpu(pid), children_cpu(), time.perf_counter()
            argv = [*CLI, "report", str(BASELINE), "--out", str(folder / f"host{i}")]
            subprocess.run(argv, check=True, capture_output=True, cwd=ROOT, env=env)
            spent = time.perf_counter() - wall
            line(f"umkm-sim report through the host ({i})", spent, host_cpu(pid) - before, "host + kernel")
            line("  (the same brief: the client's own CPU)", spent, children_cpu() - client, "client")
    finally:
        subprocess.run([*CLI, "host", "stop"], check=True, capture_output=True, cwd=ROOT, env=env)


def machine_cpu() -> tuple[float, float]:
    """(busy, idle) CPU seconds of the whole machine since boot, from ``/proc/stat`` (Linux): the
    batch's work is spread over processes this one never reaps (the workers, their kernels)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    user, nice, system, idle, iowait, irq, softirq, steal = fields
    tick = os.sysconf("SC_CLK_TCK")
    return (user + nice + system + irq + softirq + steal) / tick, (idle + iowait) / tick


def batch(folder: Path) -> None:
    """The batch of every shipped scenario: the whole process's wall time, the batch's own clock
    (what it prints) and, on Linux, the machine's busy and idle CPU seconds meanwhile."""
    scenarios = sorted((ROOT / "scenarios").glob("*.yaml"))
    linux = Path("/proc/stat").exists()
    before = machine_cpu() if linux else (0.0, 0.0)
    wall = time.perf_counter()
    argv = [*CLI, "batch", "--jobs", "2", "--out", str(folder / "batch")]
    done = subprocess.run(argv, check=True, capture_output=True, cwd=ROOT, text=True)
    wall = time.perf_counter() - wall
    after = machine_cpu() if linux else (0.0, 0.0)
    clock = re.search(r"wall time ([0-9.]+) s", done.stdout)
    print(
        f"  umkm-sim batch --jobs 2 ({len(scenarios)} shipped scenarios)  {wall:6.2f} s wall (whole process), "
        f"{float(clock.group(1)) if clock else float('nan'):.1f} s by its own clock"
        + (f", machine {after[0] - before[0]:.1f} CPU-s busy and {after[1] - before[1]:.1f} idle" if linux else "")
        + f"  load {os.getloadavg()[0]:4.1f}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", action="store_true", help="also time the batch of every shipped scenario")
    parser.add_argument("--no-phases", action="store_true", help="only the end-to-end runs")
    args = parser.parse_args()
    print(f"{time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} CPUs, load {os.getloadavg()}", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        end_to_end(folder)
        if sys.platform.startswith("linux"):
            through_host(folder)
        if not args.no_phases:
            phases(folder)
        if args.batch:
            batch(folder)


if __name__ == "__main__":
    main()
