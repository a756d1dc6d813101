"""A scenario folder for the app's tests: the baseline and a quiet two-year scenario with closed forms."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml
from conftest import BASELINE, QUIET

MONTHLY = 16_800
"""Rupiah per subsidised member per month in the baseline (JKK 10,000 + JKM 6,800; facts F0.2, F1.4)."""

MEMBERS = 73_000
"""UMKM enrolled in January 2026 in the baseline (facts F0.1)."""


def scenario_folder(root: Path) -> Path:
    """``root/scenarios`` with ``baseline.yaml`` and ``quiet.yaml`` (two years, nothing happening)."""
    folder = root / "scenarios"
    folder.mkdir()
    shutil.copy(BASELINE, folder / "baseline.yaml")
    quiet: dict = {
        "extends": "baseline.yaml",
        "description": "Two quiet years: nobody enters, closes or lapses.",
        "years": 2,
    }
    for dotted, value in QUIET.items():
        node = quiet
        *parents, leaf = dotted.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = {"value": value}
    (folder / "quiet.yaml").write_text(yaml.safe_dump(quiet, sort_keys=False), encoding="utf-8")
    return folder
