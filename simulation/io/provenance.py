"""What every output records about how it was made."""

from __future__ import annotations

import datetime as dt
import json
import platform
import subprocess
import sys
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from simulation.core.version import __version__
from simulation.io.checksums import file_record
from simulation.population.registry import registry_path, registry_sha256

LIBRARIES = (
    "numpy",  # every number
    "pandas",  # tables, CSV
    "scipy",  # distributions, Sobol' indices, optimisation, calibration
    "pydantic",  # scenario and registry validation
    "pyyaml",  # reading scenarios
    "matplotlib",  # charts
    "pillow",  # PNG files written by matplotlib
    "babel",  # rupiah, numbers and percentages in words and figures
    "openpyxl",  # tables.xlsx
    "papermill",  # executes the notebooks
    "nbformat",  # the executed notebooks
    "nbconvert",  # the HTML brief
    "mistune",  # markdown in the HTML brief, rendered by nbconvert
)
"""Libraries whose version can change a number, a figure or a string of an output (by distribution name)."""


def git_commit() -> dict:
    """The git commit of the source tree (and whether it had uncommitted changes), if any."""
    here = Path(__file__).resolve().parent
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=here, capture_output=True, text=True, timeout=10, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=here,
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return {"commit": None, "dirty": None}
    return {"commit": commit, "dirty": bool(dirty)}


def versions() -> dict:
    """Versions of Python, this package and the libraries that shape the numbers (a new dict each call)."""

    return dict(_versions())


@cache
def _versions() -> tuple[tuple[str, str | None], ...]:
    """:func:`versions`, read once per process: the libraries a process has imported do not change
    while it runs (a warm kernel writes many briefs; reading 13 packages' metadata took 0.026 s each time)."""
    out = {"python": platform.python_version(), "umkm-workbench": __version__}
    for lib in LIBRARIES:
        try:
            out[lib] = version(lib)
        except PackageNotFoundError:
            out[lib] = None
    return tuple(out.items())


def registry_record(scenario) -> dict | None:
    """The registry a scenario starts from: its path and SHA-256 (no personal data), or None."""

    path = registry_path(scenario)
    return None if path is None else {"path": str(path), "sha256": registry_sha256(scenario)}


def manifest(scenario, *, engine: str, seed: int | None = None, files: list[str] | None = None, **extra) -> dict:
    """The provenance record written beside every output as ``manifest.json``."""
    return {
        "scenario": {
            "name": scenario.name,
            "path": scenario.path,
            "hash": scenario.hash,
            "overrides": scenario.overrides,
            "resolved": scenario.to_dict(),
        },
        "registry": registry_record(scenario),
        "engine": engine,
        "seed": seed,
        "versions": versions(),
        "git": git_commit(),
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "command": [Path(sys.argv[0]).name, *sys.argv[1:]],
        "files": files or [],
        **extra,
    }


def seal(folder: Path) -> dict:
    """Record the SHA-256 of every file in ``folder`` in its ``manifest.json``, under ``sha256``.

    Called last, when every file of an output folder is written (a run's tables, a report's HTML,
    notebook, charts and workbook), so the manifest vouches for exactly what the folder holds.
    Returns the updated manifest; a folder without a manifest is left alone (empty dict).
    """
    path = Path(folder) / "manifest.json"
    if not path.is_file():
        return {}
    record = json.loads(path.read_text(encoding="utf-8"))
    record["sha256"] = {
        p.name: file_record(p, None)["sha256"]
        for p in sorted(Path(folder).iterdir())
        if p.is_file() and p.name != "manifest.json"
    }
    path.write_text(json.dumps(record, indent=2, ensure_ascii=False), encoding="utf-8")
    return record
