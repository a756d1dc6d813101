"""Shared fixtures: paths and small scenario builders."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from simulation.cli.host import FOLDER_ENV

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "scenarios" / "baseline.yaml"

# Everything that could move a closed form off course, switched off.
QUIET = {
    "population.entry_rate": 0.0,
    "assumptions.closure_rate": 0.0,
    "assumptions.mandiri_lapse_rate": 0.0,
    "assumptions.reactivation_rate": 0.0,
    "policy.graduation.rate": 0.0,
    "contribution.self_pay_discount": 0.0,
}


@pytest.fixture(scope="session", autouse=True)
def _no_users_report_host(tmp_path_factory):
    """Every ``umkm-sim report`` a test runs looks for a report host in an empty private folder of the
    session, never in the user's: a host the user keeps running never serves a test's brief
    (tests/test_host.py starts its own hosts in a folder of its own)."""
    folder = tmp_path_factory.mktemp("no-host") / "sockets"
    folder.mkdir(mode=0o700)
    before = os.environ.get(FOLDER_ENV)
    os.environ[FOLDER_ENV] = str(folder)
    yield
    if before is None:
        os.environ.pop(FOLDER_ENV, None)
    else:
        os.environ[FOLDER_ENV] = before


@pytest.fixture
def baseline_path() -> Path:
    return BASELINE


def quiet(**changes) -> dict:
    """Overrides for a scenario with nothing happening but ``changes`` (dotted keys with '__' for '.')."""
    out = dict(QUIET)
    out.update({k.replace("__", "."): v for k, v in changes.items()})
    return out


def page_texts(box, out: list) -> list:
    """Every text of a WeasyPrint layout box and its descendants, in document order, appended to ``out``."""
    if getattr(box, "text", None):
        out.append(box.text)
    for child in getattr(box, "children", None) or []:
        page_texts(child, out)
    return out


def pdf_pages(pdf: Path) -> int:
    """Pages of a PDF: poppler's ``pdfinfo`` where installed, else the page objects in its bytes."""
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        return int(re.search(r"^Pages:\s+(\d+)", info, flags=re.M).group(1))
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf.read_bytes()))


def pytest_collection_modifyitems(config, items):
    """Run the browser tests last: they are the slowest, and every other test reports first."""
    browser = [item for item in items if item.nodeid.startswith("tests/test_app_browser.py")]
    if browser:
        items[:] = [item for item in items if item not in browser] + browser
