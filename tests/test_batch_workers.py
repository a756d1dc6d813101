"""Batch workers are forked from a server that has already imported what they need, and frozen."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from conftest import ROOT

PROBE = textwrap.dedent(
    """
    import gc, sys
    from concurrent.futures import ProcessPoolExecutor
    from simulation.reporting.batch_workers import WORKERS, start_server

    def held():
        return ["papermill" in sys.modules, "weasyprint" in sys.modules, "rfc3987_syntax" in sys.modules,
                sys.modules.get("rfc3987_syntax", 0) is None, gc.get_freeze_count() > 0]

    if __name__ == "__main__":
        start_server()
        with ProcessPoolExecutor(1, mp_context=WORKERS) as pool:
            print(pool.submit(held).result())
        print("papermill" in sys.modules)
    """
)


def test_a_worker_starts_with_papermill_and_weasyprint_imported_and_frozen(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text(PROBE, encoding="utf-8")
    done = subprocess.run([sys.executable, str(probe)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    # in the worker: papermill and WeasyPrint there, jsonschema's unused grammar marked absent, heap frozen;
    # in the process that started the server: nothing imported
    assert done.stdout.split("\n")[:2] == ["[True, True, True, True, True]", "False"]
