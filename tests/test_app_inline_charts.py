"""Charts reach a notebook as pictures: importing the chart module leaves the matplotlib backend alone."""

from __future__ import annotations

import subprocess
import sys

import nbformat
import notebook_runner
import pytest
from conftest import BASELINE, ROOT


def test_importing_the_chart_module_keeps_the_callers_backend():
    code = (
        "import matplotlib; matplotlib.use('svg'); "
        "import simulation.reporting.charts, simulation.reporting.explore, simulation.reporting.portfolio_brief; "
        "print(matplotlib.get_backend())"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "svg"


@pytest.mark.slow
def test_explore_notebook_shows_a_png_after_a_slider_change(tmp_path):
    nb = nbformat.read(ROOT / "notebooks" / "explore.ipynb", as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell('app.controls["policy.graduation.rate"].value = 0.2'))
    source = tmp_path / "explore_moved.ipynb"
    nbformat.write(nb, source)
    out = notebook_runner.execute(
        source, tmp_path / "explore.ipynb", {"scenario": str(BASELINE), "overrides": {"years": 3}}
    )
    state = out.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    shown = [o for m in state.values() if m["model_name"] == "OutputModel" for o in m["state"].get("outputs", [])]
    assert shown, "the explore widget's output area holds nothing"
    assert "image/png" in shown[-1]["data"], f"the chart came as {sorted(shown[-1]['data'])}, not a picture"
