"""The notebooks: percent-format .py paired with an output-free .ipynb, parameters declared once and
validated by the package, runnable headless through papermill."""

from __future__ import annotations

import ast
import os

import jupytext
import nbformat
import notebook_runner
import papermill
import pytest
from conftest import BASELINE, ROOT
from papermill.exceptions import PapermillExecutionError

from simulation.cli import main
from simulation.core.errors import ScenarioError
from simulation.reporting import parameters
from simulation.reporting.explore import Explorer
from simulation.reporting.parameters import declared, parse, validate

NOTEBOOKS = ROOT / "notebooks"
NAMES = sorted(p.stem for p in NOTEBOOKS.glob("*.py"))


def _cells(nb) -> list[tuple[str, str, list]]:
    return [(c.cell_type, c.source.strip(), c.metadata.get("tags", [])) for c in nb.cells]


def _parameters_index(nb) -> int:
    return next(i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", []))


def test_every_notebook_is_a_pair():
    assert NAMES == ["calibrate", "compare_scenarios", "explore", "scenario_report", "sensitivity"]
    assert sorted(p.stem for p in NOTEBOOKS.glob("*.ipynb")) == NAMES, "each .ipynb has its .py and back"


@pytest.mark.parametrize("name", NAMES)
def test_the_ipynb_is_the_py_in_sync_and_without_outputs(name):
    text = jupytext.read(NOTEBOOKS / f"{name}.py")
    stored = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    assert _cells(stored) == _cells(text), f"run: jupytext --sync notebooks/{name}.py"
    code = [c for c in stored.cells if c.cell_type == "code"]
    assert all(c.outputs == [] and c.execution_count is None for c in code), f"{name}.ipynb is stored with outputs"
    assert stored.metadata["kernelspec"]["name"] == "python3", "papermill's command line needs the kernel"


@pytest.mark.parametrize("name", NAMES)
def test_parameters_are_declared_once_and_read_as_papermill_reads_them(name):
    """The package's reading of the parameters cell agrees with papermill's own parser."""
    ours = declared(name)
    theirs = papermill.inspect_notebook(str(NOTEBOOKS / f"{name}.ipynb"))
    assert list(ours) == list(theirs)
    for key, p in ours.items():
        assert p.kind.__name__ == theirs[key]["inferred_type_name"]
        assert p.default == ast.literal_eval(theirs[key]["default"])
        assert p.help == theirs[key]["help"]


@pytest.mark.parametrize("name", NAMES)
def test_the_cell_after_parameters_passes_every_parameter_to_the_package(name):
    """Each declared name reaches the call that validates it (no parameter left unchecked)."""
    nb = jupytext.read(NOTEBOOKS / f"{name}.py")
    following = nb.cells[_parameters_index(nb) + 1].source
    used = {n.id for n in ast.walk(ast.parse(following)) if isinstance(n, ast.Name)}
    assert set(declared(name)) <= used
    assert "from simulation." in following


@pytest.mark.parametrize("name", NAMES)
def test_the_defaults_are_valid(name):
    params = validate(name, {})
    assert params.model_dump() == {k: p.default for k, p in declared(name).items()}


@pytest.mark.parametrize(
    ("notebook", "values", "message"),
    [
        (
            "scenario_report",
            {"language": "fr"},
            "^scenario_report.ipynb: language = 'fr': report language; allowed: id, en$",
        ),
        ("scenario_report", {"engine": "agent"}, "engine = 'agent': .*; allowed: cohort, micro$"),
        (
            "scenario_report",
            {"reps": 0},
            "reps = 0: replicates of the micro engine, 20 or more for a P5-P95 band; must be at least 1$",
        ),
        (
            "scenario_report",
            {"reps": "8"},
            "reps = '8': must be int: replicates of the micro engine, 20 or more for a P5-P95 band$",
        ),
        ("scenario_report", {"seed": True}, "seed = True: must be int: master seed of the micro engine$"),
        ("scenario_report", {"overrides": "x"}, r"overrides = 'x': must be dict: dotted keys"),
        (
            "scenario_report",
            {"langauge": "en"},
            "langauge = 'en': unknown notebook parameter; allowed: scenario, overrides, output_dir, language,"
            " engine, reps, seed$",
        ),
        ("explore", {"language": "fr"}, "explore.ipynb: language = 'fr': .*allowed: id, en$"),
        ("compare_scenarios", {"scenarios": ["a.yaml"]}, "scenarios = \\['a.yaml'\\]: must be str: "),
        ("sensitivity", {"samples": 0}, "sensitivity.ipynb: samples = 0: .*must be at least 1$"),
        ("calibrate", {"seed": 1.5}, "calibrate.ipynb: seed = 1.5: must be int: "),
    ],
)
def test_a_bad_value_is_refused_naming_the_file_key_value_and_what_is_allowed(notebook, values, message):
    with pytest.raises(ScenarioError, match=message):
        validate(notebook, values)


def test_report_and_batch_refuse_bad_parameters_before_anything_runs(tmp_path, capsys):
    out = tmp_path / "r"
    assert main(["report", str(BASELINE), "--out", str(out), "--language", "fr", "-p", "reps=0", "-p", "x=1"]) == 2
    err = capsys.readouterr().err
    assert "scenario_report.ipynb: language = 'fr': report language; allowed: id, en" in err
    assert (
        "scenario_report.ipynb: reps = 0: replicates of the micro engine, 20 or more for a P5-P95 band; "
        "must be at least 1"
    ) in err
    assert "scenario_report.ipynb: x = 1: unknown notebook parameter; allowed: scenario, overrides," in err
    assert main(["batch", "baseline", "--out", str(out), "-p", "engine=agent"]) == 2
    assert "engine = 'agent': simulation engine: " in capsys.readouterr().err
    assert not out.exists() and not list(tmp_path.iterdir())


def test_every_bad_parameter_is_reported_at_once():
    with pytest.raises(ScenarioError) as info:
        validate("scenario_report", {"language": "fr", "reps": 0, "colour": "red"})
    assert [p[1] for p in info.value.problems] == ["language", "reps", "colour"]


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("x = 1  # no annotation", "expected one `name: type = literal  # what it is` a line"),
        ("import os", "expected one `name: type = literal"),
        ("x: int = 1", "x = 'x: int = 1': needs a comment saying what it is"),
        ("x: tuple = (1,)  # a tuple", "x = 'tuple': annotation must be one of str, int, float, bool, dict, list"),
        ("x: int = 1 + 2  # computed", "x = 'x: int = 1 \\+ 2': the default must be a literal int"),
        ('x: int = "1"  # a string', "the default must be a literal int"),
        ("x: int = 1  # one\nx: int = 2  # two", "x = 'x: int = 2': declared twice; a parameter is declared once"),
        ("x: int = (  # open", "cell: line 1: not Python: "),
    ],
)
def test_a_parameters_cell_of_another_form_is_refused(source, message):
    with pytest.raises(ScenarioError, match=message):
        parse(source, where="cell")


def test_a_parameters_cell_is_read_with_comments_types_and_defaults():
    cell = (
        '# a note\nrate: float = 0  # per year\nname: str = "a # b"  # text with a hash\nflags: dict = {"a": 1}  # map'
    )
    got = parse(cell)
    assert [(p.name, p.kind, p.default, p.help) for p in got.values()] == [
        ("rate", float, 0, "per year"),
        ("name", str, "a # b", "text with a hash"),
        ("flags", dict, {"a": 1}, "map"),
    ]


def test_a_saved_parameters_cell_is_read_again(tmp_path, monkeypatch):
    """A kernel that validated once sees the parameters cell as it is after the notebook is saved again."""
    monkeypatch.setattr(parameters, "NOTEBOOKS", tmp_path)
    path = tmp_path / "mine.ipynb"

    def save(source: str, mtime: int) -> None:
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source, metadata={"tags": ["parameters"]})])
        nbformat.write(nb, path)
        os.utime(path, ns=(mtime, mtime))

    save("a: int = 1  # first", 10**18)
    assert list(declared("mine")) == ["a"] and validate("mine", {"a": 2}).a == 2
    save('b: str = "x"  # second', 2 * 10**18)
    assert list(declared("mine")) == ["b"]
    with pytest.raises(ScenarioError, match="mine.ipynb: a = 2: unknown notebook parameter; allowed: b$"):
        validate("mine", {"a": 2})


@pytest.mark.slow
def test_explore_runs_headless_and_a_bad_parameter_fails_in_the_check_cell(tmp_path):
    out = tmp_path / "explore.ipynb"
    parameters = {"scenario": str(BASELINE), "overrides": {"years": 3}, "language": "en"}
    nb = notebook_runner.execute(NOTEBOOKS / "explore.ipynb", out, parameters)
    assert not any(o.get("output_type") == "error" for c in nb.cells for o in c.get("outputs", []))
    with pytest.raises(PapermillExecutionError, match="language = 'fr'.*allowed: id, en"):
        papermill.execute_notebook(
            str(NOTEBOOKS / "explore.ipynb"),
            str(tmp_path / "bad.ipynb"),
            parameters={"scenario": str(BASELINE), "language": "fr"},
            cwd=str(ROOT),
            progress_bar=False,
        )
    failed = nbformat.read(tmp_path / "bad.ipynb", as_version=4)
    index = _parameters_index(failed)
    assert "injected-parameters" in failed.cells[index + 1].metadata.get("tags", [])
    errors = [i for i, c in enumerate(failed.cells) for o in c.get("outputs", []) if o.get("output_type") == "error"]
    check = next(i for i in range(index + 2, len(failed.cells)) if failed.cells[i].cell_type == "code")
    assert errors == [check], "the first code cell after the parameters (and papermill's injected cell) fails"


def test_explore_redraws_when_a_control_moves():
    """Moving a control reruns the scenario with it (how fast: benchmarks/bench_explore.py)."""
    app = Explorer(str(BASELINE), {}, language="id")
    app.update()
    before = app.result.annual()["subsidy_cost"].iloc[-1]
    app.controls["policy.graduation.rate"].value = 0.2  # observe() triggers update
    assert app.result.scenario.first("policy.graduation.rate") == 0.2
    assert app.result.annual()["subsidy_cost"].iloc[-1] < before  # more graduates, a smaller last-year bill
    app.controls["province_share"].value = 0.3
    assert "apbd_provinsi" in app.result.payers
    assert app.result.annual()["cost_apbd_provinsi"].sum() > 0
