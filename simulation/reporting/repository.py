"""Where the repository's notebooks are: the folder reports run in, with nothing heavy imported.

A report starts its Jupyter kernel before it imports anything else (:mod:`simulation.cli.cmd_report`),
and the kernel's working folder is the repository; this module lets it name that folder first.
"""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
"""The repository (the clone the package is installed from): the working folder of every report."""

NOTEBOOKS = REPO_ROOT / "notebooks"
"""The notebooks: ``NAME.py`` (percent format, edited) paired with ``NAME.ipynb`` (run by papermill)."""
