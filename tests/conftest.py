"""Shared fixtures: paths and small scenario builders."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

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
