"""A lean start: the command line's help and the package's public face load no heavy library.

Timings belong in benchmarks; this checks what makes them: which modules an import pulls in.
"""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("pandas", "scipy", "matplotlib", "papermill", "nbconvert", "openpyxl", "rapidfuzz")


def _loaded_after(code: str) -> list[str]:
    probe = f"import sys\n{code}\nsys.stderr.write('LOADED:' + ' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    err = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stderr
    return err.rpartition("LOADED:")[2].split()


def test_help_loads_no_heavy_library():
    code = "from simulation.cli import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass"
    assert _loaded_after(code) == []


def test_loading_a_scenario_loads_no_heavy_library():
    assert _loaded_after("import simulation\nsimulation.load_scenario('scenarios/baseline.yaml')") == []
