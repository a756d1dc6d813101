"""What a researcher expects of the repository: licence, citation, changelog, version, markers, manifest."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from importlib.metadata import version

import jsonschema
import pytest
import yaml
from conftest import ROOT

from simulation.io.provenance import LIBRARIES, versions

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
PROJECT = PYPROJECT["project"]
CFF_SCHEMA = ROOT / "tests" / "fixtures" / "cff-1.2.0-schema.json"
"""The Citation File Format 1.2.0 schema (citation-file-format/citation-file-format, schema.json, CC-BY-4.0)."""


def test_umkm_sim_version_prints_the_package_version():
    proc = subprocess.run([sys.executable, "-m", "simulation", "--version"], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"umkm-sim {PROJECT['version']}"
    assert version("umkm-workbench") == PROJECT["version"], "reinstall: pip install -e '.[test]'"


def test_the_licence_file_is_the_declared_licence():
    assert PROJECT["license"] == "MIT"
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License\n")
    assert "Permission is hereby granted, free of charge, to any person obtaining a copy" in text
    assert re.search(r"^Copyright \(c\) \d{4} \S", text, flags=re.M)


def test_citation_cff_is_valid_cff_1_2_and_matches_the_project():
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    schema = json.loads(CFF_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker()).validate(cff)
    assert cff["cff-version"] == "1.2.0"
    assert str(cff["version"]) == PROJECT["version"]
    assert cff["license"] == PROJECT["license"]


def test_the_cff_schema_refuses_a_citation_without_authors():
    """The schema check above can fail: the same file less a required key is refused."""
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    del cff["authors"]
    schema = json.loads(CFF_SCHEMA.read_text(encoding="utf-8"))
    with pytest.raises(jsonschema.ValidationError, match="'authors' is a required property"):
        jsonschema.Draft7Validator(schema).validate(cff)


def test_the_changelog_keeps_an_unreleased_section_and_the_current_version():
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    headings = re.findall(r"^## \[([^\]]+)\]", text, flags=re.M)
    assert headings[0] == "Unreleased"
    assert PROJECT["version"] in headings
    unreleased = text.split("## [Unreleased]")[1].split("\n## [")[0]
    sections = re.findall(r"^### (\w+)", unreleased, flags=re.M)
    assert sections, "the unreleased section lists no change"
    keep_a_changelog = ["Added", "Changed", "Deprecated", "Removed", "Fixed", "Security"]
    assert sections == [s for s in keep_a_changelog if s in sections], f"{sections}: not Keep a Changelog's order"
    assert "layers" in unreleased


def test_markers_are_strict_and_slow_is_registered():
    options = PYPROJECT["tool"]["pytest"]["ini_options"]
    assert "--strict-markers" in options["addopts"].split()
    assert any(m.startswith("slow:") for m in options["markers"])


def test_the_manifest_records_every_library_that_shapes_an_output():
    recorded = versions()
    for lib in ("numpy", "pandas", "scipy", "matplotlib", "babel", "openpyxl", "nbconvert", "papermill"):
        assert lib in LIBRARIES
    assert all(recorded[lib] == version(lib) for lib in LIBRARIES), "each name is an installed distribution"
    assert recorded["umkm-workbench"] == PROJECT["version"]
