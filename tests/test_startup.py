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


def test_starting_a_warm_kernel_loads_neither_nbclient_nor_its_schema_checks():
    """Every process that starts a kernel imports the kernel's client class; it must not pull in nbclient
    (nbformat and jsonschema's format checks with it: about 1 CPU-s) before papermill is imported the
    lean way (papermill_run._papermill)."""
    code = (
        "from simulation.reporting.warm_kernel import WarmKernel\n"
        "import simulation.reporting.ready_client\n"
        "kernel = WarmKernel('.', warm='')\n"
        "kernel.fresh()\n"
        "kernel.shutdown()\n"
        "for name in ('nbclient', 'nbformat', 'jsonschema'):\n"
        "    sys.stderr.write(f'{name}={name in sys.modules} ')"
    )
    err = subprocess.run([sys.executable, "-c", f"import sys\n{code}"], capture_output=True, text=True, check=True)
    assert err.stderr.split()[-3:] == ["nbclient=False", "nbformat=False", "jsonschema=False"]
