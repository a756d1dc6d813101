"""Benchmark: ``umkm-sim verify`` and ``umkm-sim ingest`` on a 200,000-row list.

Run: ``python benchmarks/bench_verify.py [N]``. Writes a labelled synthetic list of N rows (default
200,000, 2% planted duplicates; names, NIKs and revenues invented, see
``simulation.population.registry.labelled``) into a temporary folder, runs each command once as a
separate process and prints its wall time and peak memory (maximum resident set size), and the
precision and recall of ``possible_duplicate`` on the planted pairs.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from simulation import load_scenario
from simulation.population.registry.labelled import labelled_list
from simulation.population.registry.read import read_registry_file
from simulation.population.registry.verify import check_registry
from simulation.scenario.schema import kecamatan_names

BASELINE = Path(__file__).resolve().parents[1] / "scenarios" / "baseline.yaml"


def timed(argv: list[str], env: dict) -> tuple[float, float, int]:
    """Wall seconds, peak resident memory in MB, and exit code of one command."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    return time.perf_counter() - t0, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def main(n: int = 200_000) -> None:
    scenario = load_scenario(BASELINE)
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        truth = labelled_list(kecamatan_names(), scenario.sectors, n=n, duplicates=n // 50, seed=2026)
        path = truth.write_csv(folder / "list.csv")
        env = dict(os.environ, UMKM_PSEUDONYM_KEY=os.urandom(32).hex())
        cli = [sys.executable, "-m", "simulation"]
        for name in ("verify", "ingest"):
            argv = [*cli, name, str(path), "--out", str(folder / name), "--scenario", str(BASELINE)]
            seconds, mb, code = timed(argv, env)
            print(f"{name:7s} {n:,} rows: {seconds:5.1f} s, peak {mb:5.0f} MB, exit {code}")
        checked = check_registry(read_registry_file(path), scenario)  # in process, for the flags' row pairs
        found = {(f.params["other"], f.row) for f in checked.flags if f.check == "possible_duplicate"}
        hits = len(found & truth.pairs)
        print(
            f"possible_duplicate: {len(found):,} flagged, {len(truth.pairs):,} planted, "
            f"precision {hits / max(1, len(found)):.3f}, recall {hits / len(truth.pairs):.3f}"
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200_000)
