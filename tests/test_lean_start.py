"""A lean start: what ``umkm-sim --help`` and a cohort run import, and what they leave out.

Heavy libraries are imported where they are used: numba only when the micro engine runs,
scipy.special only for revenue rules and normal draws, pydantic and pandas not for ``--help``.
Each check runs in a fresh interpreter (this test process has imported everything already).
"""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import ROOT

HEAVY = ("numba", "scipy", "pandas", "pydantic", "matplotlib")


def _loaded_after(code: str) -> set[str]:
    probe = f"{code}\nimport json, sys\nprint(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT)
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def test_help_imports_none_of_the_heavy_libraries():
    assert _loaded_after("import simulation.cli\nsimulation.cli.build_parser()") == set()


def test_a_cohort_run_loads_neither_numba_nor_scipy():
    code = (
        "from simulation.scenario import load_scenario\n"
        "from simulation.outputs.run import run_scenario\n"
        "run_scenario(load_scenario('scenarios/baseline.yaml')).annual()"
    )
    assert _loaded_after(code) == {"pandas", "pydantic"}


def test_the_micro_engine_loads_numba_and_scipy():
    """The probe can see a library: the micro engine does load numba (its kernels) and scipy (ndtri)."""
    code = (
        "from simulation.scenario import load_scenario\n"
        "from simulation.outputs.run import run_scenario\n"
        "run_scenario(load_scenario('scenarios/baseline.yaml', overrides={'years': 2}), engine='micro', reps=1, jobs=1)"
    )
    assert {"numba", "scipy"} <= _loaded_after(code)
