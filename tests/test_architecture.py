"""The package's layers (``docs/architecture.md``): no upward import, no import cycle.

The import graph is built with :mod:`ast` from every module of ``simulation/``, imports inside
functions included. A module may import modules of its own layer or of a layer below it, never
above; no set of modules may import each other in a circle. An import inside a function is allowed
only to defer a heavy library, and says so on its line or the line before (``# deferred: ...``);
inside the package, only the top layer (the command line, the app and the package's public face)
defers its own modules that way, to keep ``umkm-sim --help`` fast.
"""

from __future__ import annotations

import ast
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "simulation"

LAYERS = (
    ("core", ("simulation.core",)),
    ("rules", ("simulation.rules",)),
    ("scenario", ("simulation.scenario", "simulation.data")),
    ("population", ("simulation.population",)),
    ("engines", ("simulation.engines",)),
    ("outputs", ("simulation.outputs",)),
    ("io", ("simulation.io",)),
    ("analysis and reporting", ("simulation.analysis", "simulation.reporting")),
    ("cli and app", ("simulation.cli", "simulation.app", "simulation.__main__", "simulation")),
)
"""Bottom to top; a module belongs to the first layer whose prefix names it."""
TOP = len(LAYERS) - 1


def layer_of(module: str) -> int:
    for i, (_, prefixes) in enumerate(LAYERS):
        if any(module == p or module.startswith(p + ".") for p in prefixes):
            return i
    raise AssertionError(f"{module} belongs to no layer; add it to LAYERS and docs/architecture.md")


def modules() -> dict[str, Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


MODULES = modules()


def _resolve(name: str) -> str:
    while name not in MODULES:
        name = name.rpartition(".")[0]
    return name


def _block_context(lines: list[str], lineno: int) -> str:
    """The import's own lines and the comment or imports just above it (one comment serves a block)."""
    start = lineno - 1
    while start > 0 and (
        not lines[start - 1].strip() or lines[start - 1].strip().startswith(("from ", "import ", "#", ")"))
    ):
        start -= 1
    return " ".join(lines[start:lineno])


def imports(name: str, path: Path):
    """(target module or third-party name, line number, inside a function?, deferred comment?) of each import."""
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    tree = ast.parse(source)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    inner = set()
    for fn in ast.walk(tree):
        if isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
            inner.update(id(n) for n in ast.walk(fn) if isinstance(n, ast.Import | ast.ImportFrom))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                pkg = package
                for _ in range(node.level - 1):
                    pkg = pkg.rpartition(".")[0]
                base = f"{pkg}.{base}" if base else pkg
            targets = [f"{base}.{a.name}" for a in node.names]
        else:
            continue
        context = _block_context(lines, node.lineno)
        for target in targets:
            if target.split(".")[0] == "simulation":
                target = _resolve(target)
            yield target, node.lineno, id(node) in inner, "deferred:" in context


def graph() -> dict[str, set[str]]:
    return {
        name: {t for t, *_ in imports(name, path) if t.split(".")[0] == "simulation" and t != name}
        for name, path in MODULES.items()
    }


def test_every_module_has_a_layer():
    for name in MODULES:
        layer_of(name)


def test_no_upward_import():
    upward = []
    for name, path in MODULES.items():
        for target, line, _, _ in imports(name, path):
            if target.split(".")[0] == "simulation" and layer_of(target) > layer_of(name):
                upward.append(
                    f"{path.relative_to(PACKAGE.parent)}:{line}: {name} ({LAYERS[layer_of(name)][0]}) imports "
                    f"{target} ({LAYERS[layer_of(target)][0]})"
                )
    assert not upward, "upward imports:\n" + "\n".join(upward)


def test_no_import_cycle():
    try:
        tuple(TopologicalSorter(graph()).static_order())
    except CycleError as err:
        pytest.fail("import cycle: " + " -> ".join(err.args[1]))


def test_imports_inside_functions_only_defer_heavy_libraries():
    bad = []
    for name, path in MODULES.items():
        for target, line, inner, deferred in imports(name, path):
            if not inner:
                continue
            own = target.split(".")[0] == "simulation"
            if not deferred or (own and layer_of(name) != TOP):
                bad.append(f"{path.relative_to(PACKAGE.parent)}:{line}: {target}")
    assert not bad, "imports inside functions (move them to the top, or say '# deferred: why'):\n" + "\n".join(bad)


def test_the_checker_sees_a_cycle_and_an_upward_import():
    """The checks above can fail: a made-up cycle and a made-up upward import are caught."""
    fake = {"simulation.core.a": {"simulation.core.b"}, "simulation.core.b": {"simulation.core.a"}}
    with pytest.raises(CycleError):
        tuple(TopologicalSorter(fake).static_order())
    assert layer_of("simulation.engines.cohort") > layer_of("simulation.scenario.schema")
    assert layer_of("simulation.cli.cmd_run") == TOP
