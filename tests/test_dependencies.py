"""environment.yml (conda) and pyproject.toml (pip) name the same dependencies with the same bounds;
the extras hold what they say."""

from __future__ import annotations

import ast
import re
import tomllib

import yaml
from conftest import ROOT

PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
EXTRAS = PROJECT["optional-dependencies"]
ENV = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))


def _split(requirement: str) -> tuple[str, str]:
    """``"NumPy_x>=1.26"`` -> ``("numpy-x", ">=1.26")``; extras (``[test,lab]``) are kept in the name."""
    name, spec = re.match(r"\s*([A-Za-z0-9_.\-]+(?:\[[^\]]*\])?)\s*(.*)", requirement).groups()
    return name.lower().replace("_", "-"), spec.replace(" ", "")


def _pip() -> dict[str, str]:
    """Every third-party requirement of pyproject.toml (default and extras): name to version bounds."""
    out = {}
    for requirement in PROJECT["dependencies"] + [r for extra in EXTRAS.values() for r in extra]:
        name, spec = _split(requirement)
        if not name.startswith(PROJECT["name"]):  # "umkm-workbench[test,lab]": this project's own extras
            assert out.setdefault(name, spec) == spec, f"{name} has two different bounds in pyproject.toml"
    return out


def _conda() -> dict[str, str]:
    return dict(_split(d) for d in ENV["dependencies"] if isinstance(d, str) and _split(d)[0] not in ("python", "pip"))


def test_environment_yml_and_pyproject_agree():
    pip_names, conda_names = set(_pip()), set(_conda())
    assert "conda-forge" in ENV["channels"]
    only_conda, only_pip = sorted(conda_names - pip_names), sorted(pip_names - conda_names)
    assert conda_names == pip_names, f"only in environment.yml: {only_conda}; only in pyproject.toml: {only_pip}"


def test_environment_yml_and_pyproject_have_the_same_bounds():
    pip, conda = _pip(), _conda()
    differ = {name: (pip[name], conda[name]) for name in pip if pip[name] != conda.get(name)}
    assert not differ, f"pyproject.toml vs environment.yml bounds differ: {differ}"


def test_extras_hold_what_they_are_for():
    default = {_split(r)[0] for r in PROJECT["dependencies"]}
    extras = {name: {_split(r)[0] for r in reqs} for name, reqs in EXTRAS.items()}
    assert "jupyterlab" not in default and "jupyterlab" in extras["lab"], "JupyterLab is in the lab extra only"
    assert "jupytext" in extras["lab"], "JupyterLab opens notebooks/*.py through jupytext"
    # tests/test_style.py runs ruff and tests/test_notebooks.py reads the .py notebooks with jupytext
    assert {"pytest", "hypothesis", "ruff", "jupytext", "jsonschema"} <= extras["test"]
    assert extras["dev"] == {f"{PROJECT['name']}[test,lab]"}, "dev installs the tests' tools and JupyterLab"


def test_the_package_imports_neither_jupyterlab_nor_jupytext():
    """JupyterLab and jupytext are for editing the notebooks; the workbench runs without them."""
    found = []
    for path in (ROOT / "simulation").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            names += [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            found += [(path.name, n) for n in names if n.split(".")[0] in ("jupyterlab", "jupytext")]
    assert not found
