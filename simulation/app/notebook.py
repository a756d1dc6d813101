"""The notebook Voila serves: one cell that builds the planner, written at start-up.

It is generated rather than stored so it always matches the package; its only content is the
folders and the language the command line chose.
"""

from __future__ import annotations

from pathlib import Path

import nbformat

NAME = "umkm_planner.ipynb"
"""File name of the served notebook (Voila shows it in the browser tab)."""


def build(folder: Path, out: Path, language: str = "id") -> nbformat.NotebookNode:
    """The planner notebook for scenarios in ``folder`` and downloads in ``out``.

    Parameters
    ----------
    folder, out : Path
        Scenario folder and output folder (made absolute: the kernel runs elsewhere).
    language : {"id", "en"}
        Starting language.
    """
    source = (
        "from simulation.app.planner import Planner\n\n"
        f"Planner(folder={str(Path(folder).resolve())!r}, out={str(Path(out).resolve())!r}, "
        f"language={language!r}).widget"
    )
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["title"] = "UMKM planner"
    return nb


def write(directory: Path, folder: Path, out: Path, language: str = "id") -> Path:
    """Write the planner notebook into ``directory``; its path."""
    path = Path(directory) / NAME
    nbformat.write(build(folder, out, language), path)
    return path
