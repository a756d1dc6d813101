"""Notebook parameters: declared once, in each notebook's ``parameters`` cell, validated by pydantic.

A notebook under ``notebooks/`` declares its parameters in one cell tagged ``parameters``, one
annotated literal a line with a comment saying what it is::

    language: str = "id"  # report language: id (Bahasa Indonesia) or en (English)

:func:`declared` reads that cell from the ``.ipynb`` papermill runs (with :mod:`ast`, so checking
a parameter does not import papermill), and :func:`model` turns it into one pydantic model per
notebook: the annotation is the type (strict: ``"3"`` is not an int, ``True`` is not one either),
the literal the default, unknown names are refused. What a parameter of a given name may hold
beyond its type (a language the reports are written in, an engine that exists) is said once for
every notebook in :data:`ALLOWED`, from the registries that define those values.
:func:`validate` checks values against the model and raises :class:`ScenarioError` naming the
notebook file, the parameter, the value and what is allowed.
"""

from __future__ import annotations

import ast
import io
import json
import tokenize
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, create_model

from simulation.core.errors import NO_VALUE, ScenarioError
from simulation.core.languages import LANGUAGES
from simulation.outputs.run import ENGINES
from simulation.outputs.schedulers import check_scheduler
from simulation.reporting.repository import NOTEBOOKS, REPO_ROOT

TYPES = {"str": str, "int": int, "float": float, "bool": bool, "dict": dict, "list": list}
"""Annotations a parameters cell may use, by name."""

ALLOWED = {
    "language": Literal[tuple(LANGUAGES)],
    "engine": Literal[ENGINES],
    "reps": Annotated[int, Field(ge=1)],
    "samples": Annotated[int, Field(ge=1)],
    "scheduler": Annotated[str, AfterValidator(check_scheduler)],
    "jobs": Annotated[int, Field(ge=0)],
}
"""What a parameter of this name holds in any notebook, narrower than its annotation."""


@dataclass(frozen=True)
class Parameter:
    """One line of a ``parameters`` cell.

    Attributes
    ----------
    name : str
    kind : type
        The annotation (one of :data:`TYPES`).
    default : object
        The literal assigned.
    help : str
        The line's comment: what the parameter is, with its unit.
    """

    name: str
    kind: type
    default: Any
    help: str


def notebook_file(name: str) -> Path:
    """``notebooks/<name>.ipynb`` (``name`` with or without the suffix)."""
    return NOTEBOOKS / f"{Path(name).stem}.ipynb"


def parameters_cell(notebook: Path) -> str:
    """The source of the cell tagged ``parameters`` in a stored ``.ipynb``.

    Raises
    ------
    ScenarioError
        If the notebook is missing or has no such cell.
    """
    path = Path(notebook)
    if not path.exists():
        raise ScenarioError([(str(path), "", NO_VALUE, "notebook not found (run from a clone of the repository)")])
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    for cell in cells:
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            source = cell["source"]
            return source if isinstance(source, str) else "".join(source)
    raise ScenarioError([(path.name, "", NO_VALUE, "no cell tagged 'parameters'")])


def parse(source: str, where: str = "parameters cell") -> dict[str, Parameter]:
    """The parameters a cell declares: every statement ``name: type = literal  # help``.

    Raises
    ------
    ScenarioError
        For a statement of any other form, an unknown annotation, a value that is not a literal
        of its type, or a line without a comment.
    """
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        raise ScenarioError([(where, f"line {exc.lineno}", NO_VALUE, f"not Python: {exc.msg}")]) from None
    comments = {
        tok.start[0]: tok.string.lstrip("#").strip()
        for tok in tokenize.generate_tokens(io.StringIO(source).readline)
        if tok.type == tokenize.COMMENT
    }
    out, problems = {}, []
    for node in tree.body:
        line = ast.get_source_segment(source, node)
        if not (
            isinstance(node, ast.AnnAssign)
            and isinstance(node.target, ast.Name)
            and isinstance(node.annotation, ast.Name)
            and node.value is not None
        ):
            problems.append((where, "", line, "expected one `name: type = literal  # what it is` a line"))
            continue
        name, kind = node.target.id, TYPES.get(node.annotation.id)
        try:
            default = ast.literal_eval(node.value)
        except ValueError:
            default = None
        if name in out:
            problems.append((where, name, line, "declared twice; a parameter is declared once"))
        elif kind is None:
            problems.append((where, name, node.annotation.id, f"annotation must be one of {', '.join(TYPES)}"))
        elif type(default) is not kind and not (kind is float and type(default) is int):
            problems.append((where, name, line, f"the default must be a literal {kind.__name__}"))
        elif node.lineno not in comments:
            problems.append((where, name, line, "needs a comment saying what it is"))
        else:
            out[name] = Parameter(name, kind, default, comments[node.lineno])
    if problems:
        raise ScenarioError(problems)
    return out


def declared(notebook: str) -> dict[str, Parameter]:
    """The parameters ``notebooks/<notebook>.ipynb`` declares, in the cell's order."""
    return _declared(*_stamp(notebook))


def model(notebook: str) -> type[BaseModel]:
    """The pydantic model of a notebook's parameters (every field has the cell's default)."""
    return _model(*_stamp(notebook))


def _stamp(notebook: str) -> tuple[Path, int]:
    """The notebook's file and modification time: what is read is read again once the file is saved."""
    path = notebook_file(notebook)
    return path, path.stat().st_mtime_ns if path.exists() else 0


@cache
def _declared(path: Path, mtime: int) -> dict[str, Parameter]:
    return parse(parameters_cell(path), where=path.name)


@cache
def _model(path: Path, mtime: int) -> type[BaseModel]:
    fields = {
        p.name: (ALLOWED[p.name] if p.name in ALLOWED else p.kind, Field(p.default, description=p.help))
        for p in _declared(path, mtime).values()
    }
    name = "".join(part.title() for part in path.stem.split("_")) + "Parameters"
    return create_model(name, __config__=ConfigDict(extra="forbid", strict=True), **fields)


def check_names(notebook: str, values: dict) -> None:
    """Refuse a name the notebook does not declare, whatever its value.

    Raises
    ------
    ScenarioError
        Naming the notebook file, each unknown parameter, its value and the parameters declared.
    """
    params = declared(notebook)
    unknown = [(notebook_file(notebook).name, k, v, _unknown(params)) for k, v in values.items() if k not in params]
    if unknown:
        raise ScenarioError(unknown)


def validate(notebook: str, values: dict) -> BaseModel:
    """Check ``values`` against the notebook's parameters; missing ones take the cell's default.

    Parameters
    ----------
    notebook : str
        Notebook name, e.g. ``"scenario_report"`` (``notebooks/scenario_report.ipynb``).
    values : dict
        Parameter name to value.

    Returns
    -------
    pydantic.BaseModel
        The validated parameters, as attributes.

    Raises
    ------
    ScenarioError
        One line per bad parameter: the notebook file, the name, the value and what is allowed.
    """
    params = declared(notebook)
    try:
        return model(notebook).model_validate(values)
    except ValidationError as exc:
        file = notebook_file(notebook).name
        problems = []
        for error in exc.errors():
            name = str(error["loc"][0])
            problems.append((file, name, values.get(name), _allowed(error, params.get(name), params)))
        raise ScenarioError(problems) from None


def _unknown(params: dict[str, Parameter]) -> str:
    return f"unknown notebook parameter; allowed: {', '.join(params)}"


def _allowed(error: dict, param: Parameter | None, params: dict[str, Parameter]) -> str:
    """What is allowed, in words, for one pydantic error."""
    if param is None:
        return _unknown(params)
    kind = error["type"]
    ctx = error.get("ctx", {})
    if kind == "literal_error":
        choices = ALLOWED[param.name].__args__
        return f"{param.help}; allowed: {', '.join(map(str, choices))}"
    if kind == "greater_than_equal":
        return f"{param.help}; must be at least {ctx['ge']}"
    if kind.endswith("_type"):
        return f"must be {param.kind.__name__}: {param.help}"
    if kind == "value_error":  # a check of its own (the scheduler) says what is allowed
        return str(ctx.get("error", error["msg"]))
    return f"{error['msg']}: {param.help}"  # pragma: no cover - no other constraint is declared


def resolve(path: str) -> Path:
    """A path as given if it exists (or is absolute), else relative to the repository root."""
    p = Path(path)
    if p.exists() or p.is_absolute():
        return p
    return REPO_ROOT / p if (REPO_ROOT / p).exists() else p
